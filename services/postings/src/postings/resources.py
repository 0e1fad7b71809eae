"""What a process connects to, built from Settings by one factory and closed in one place."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Engine, text

from postings import metrics
from postings.broker import AmqpPublisher, DirectPublisher, IndexerQueues, Topology, indexer_queues
from postings.cache import Cache, MemoryCache, RedisCache
from postings.cleanup import Retention, cleanup_task
from postings.db import create_db_engine
from postings.relay import OutboxRelay, outbox_backlog
from postings.search.base import SearchIndex
from postings.settings import Settings
from postings.store import PostingStore
from postings.supervision import Backoff, Probe, Supervisor, TaskStatus
from postings.worker import AmqpWorker, IndexingHandler

log = logging.getLogger(__name__)

T = TypeVar("T")


def create_search(settings: Settings, engine: Engine) -> SearchIndex:
    if settings.search_backend == "opensearch":
        from postings.search.opensearch import OpenSearchIndex

        assert settings.opensearch_url is not None  # checked by Settings
        return OpenSearchIndex.from_settings(settings)
    from postings.search.sql import SqlSearchIndex

    return SqlSearchIndex(engine)


def create_topology(settings: Settings) -> Topology:
    return Topology(
        settings.amqp_exchange,
        settings.amqp_queue,
        settings.amqp_queue_type,
        retry_base_ms=settings.worker_retry_base_ms,
    )


def create_backoff(settings: Settings) -> Backoff:
    return Backoff(settings.reconnect_base_seconds, settings.reconnect_max_seconds)


def create_amqp_relay(settings: Settings, engine: Engine, url: str) -> OutboxRelay:
    publisher = AmqpPublisher(
        url,
        create_topology(settings),
        connect_timeout=settings.amqp_connect_timeout_seconds,
        heartbeat=settings.amqp_heartbeat_seconds,
    )
    return OutboxRelay(
        engine,
        publisher,
        batch_size=settings.relay_batch_size,
        poll_seconds=settings.relay_poll_seconds,
        backoff=create_backoff(settings),
    )


def create_consumer(settings: Settings, search: SearchIndex, url: str) -> AmqpWorker:
    return AmqpWorker(
        url,
        create_topology(settings),
        IndexingHandler(search),
        max_attempts=settings.worker_max_attempts,
        retry_base_ms=settings.worker_retry_base_ms,
        prefetch=settings.worker_prefetch,
        connect_timeout=settings.amqp_connect_timeout_seconds,
        heartbeat=settings.amqp_heartbeat_seconds,
        backoff=create_backoff(settings),
    )


def start_process_metrics(
    settings: Settings, statuses: Mapping[str, TaskStatus], engine: Engine | None, port: int | None = None
) -> metrics.MetricsServer | None:
    """Label this process's metrics with its task and serve them on the metrics port (`port`, else the
    setting; 0: not served), for `postings worker` and `postings relay`. With `engine` (the process
    runs the relay), scrapes also read the outbox backlog through a bounded probe. A port already taken
    is logged and counted, not fatal: the process's work matters more than its metrics, and the
    collector's own `up` series shows that the scrape fails."""
    metrics.identify(metrics.task_identity())
    port = settings.metrics_port if port is None else port
    if port == 0:
        return None
    outbox = (
        Probe(
            "outbox",
            lambda: outbox_backlog(engine),
            timeout=settings.probe_timeout_seconds,
            max_age=settings.probe_cache_seconds,
        )
        if engine is not None
        else None
    )
    collector = metrics.BackgroundCollector(statuses, outbox)
    try:
        return metrics.MetricsServer(settings.metrics_host, port, lambda: [collector]).start()
    except metrics.MetricsPortInUseError as exc:
        metrics.ERRORS.labels("metrics").inc()
        log.error("metrics not served", extra={"error": str(exc)})
        return None


def _select_one(engine: Engine) -> bool:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return True


@dataclass
class Probes:
    """The dependency checks /readyz and /metrics read, each bounded in time and briefly cached."""

    database: Probe[bool]
    outbox: Probe[tuple[int, float]]
    search: Probe[bool]
    broker: Probe[IndexerQueues] | None

    @classmethod
    def create(cls, settings: Settings, engine: Engine, search: SearchIndex, topology: Topology) -> Probes:
        def probe(name: str, check: Callable[[], T]) -> Probe[T]:
            return Probe(
                name, check, timeout=settings.probe_timeout_seconds, max_age=settings.probe_cache_seconds
            )

        url = settings.resolved_amqp_url()
        # A broker that hangs is given a few seconds in its probe thread; callers still wait no longer
        # than the probe timeout.
        connect_timeout = min(settings.amqp_connect_timeout_seconds, 5.0)
        return cls(
            # SELECT 1 on a pooled connection is cheap, and readiness turns on it: asked afresh each time.
            database=Probe(
                "database", lambda: _select_one(engine), timeout=settings.probe_timeout_seconds, max_age=0.0
            ),
            outbox=probe("outbox", lambda: outbox_backlog(engine)),
            search=probe("search", search.ping),
            broker=probe("broker", lambda: indexer_queues(url, topology, connect_timeout=connect_timeout))
            if url is not None
            else None,
        )


@dataclass
class Resources:
    settings: Settings
    engine: Engine
    store: PostingStore
    cache: Cache
    search: SearchIndex
    topology: Topology
    probes: Probes
    stop: threading.Event = field(default_factory=threading.Event)
    supervisor: Supervisor | None = None
    embedded_publisher: DirectPublisher | None = None

    @classmethod
    def create(cls, settings: Settings) -> Resources:
        engine = create_db_engine(settings)
        redis_url = settings.resolved_redis_url()
        cache: Cache = (
            RedisCache(
                redis_url,
                prefix=settings.cache_prefix,
                ttl_seconds=settings.cache_ttl_seconds,
                retry_seconds=settings.cache_retry_seconds,
            )
            if redis_url
            else MemoryCache(ttl_seconds=settings.cache_ttl_seconds)
        )
        search = create_search(settings, engine)
        topology = create_topology(settings)
        return cls(
            settings=settings,
            engine=engine,
            store=PostingStore(engine),
            cache=cache,
            search=search,
            topology=topology,
            probes=Probes.create(settings, engine, search, topology),
        )

    def start_embedded_pipeline(self) -> None:
        """Without a broker the API process runs the relay itself, handing events straight to the
        indexer: the outbox still guarantees each write reaches the index. Should the relay thread die
        anyway, it is restarted (the API keeps serving) and /readyz says so meanwhile."""
        publisher = DirectPublisher(
            IndexingHandler(self.search),
            max_attempts=self.settings.worker_max_attempts,
            retry_base_ms=self.settings.worker_retry_base_ms,
        )
        relay = OutboxRelay(
            self.engine,
            publisher,
            batch_size=self.settings.relay_batch_size,
            poll_seconds=self.settings.relay_poll_seconds,
            backoff=create_backoff(self.settings),
        )
        self.embedded_publisher = publisher
        self.supervisor = Supervisor(self.stop, restart=True, backoff=lambda: create_backoff(self.settings))
        self.supervisor.start("outbox-relay", relay.run)
        self.supervisor.start(
            "cleanup",
            cleanup_task(
                self.engine,
                Retention.from_settings(self.settings),
                interval_seconds=self.settings.cleanup_interval_seconds,
                backoff=lambda: create_backoff(self.settings),
            ),
        )

    def close(self) -> None:
        self.stop.set()
        if self.supervisor is not None:
            self.supervisor.join()
        self.engine.dispose()
