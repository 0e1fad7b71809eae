"""What a process connects to, built from Settings by one factory and closed in one place."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, text

from postings.broker import DirectPublisher, Topology, queue_depths
from postings.cache import Cache, MemoryCache, RedisCache
from postings.db import create_db_engine
from postings.relay import OutboxRelay
from postings.search.base import SearchIndex
from postings.settings import Settings
from postings.store import PostingStore
from postings.worker import IndexingHandler

log = logging.getLogger(__name__)


def create_search(settings: Settings, engine: Engine) -> SearchIndex:
    if settings.search_backend == "opensearch":
        from postings.search.opensearch import OpenSearchIndex

        assert settings.opensearch_url is not None  # checked by Settings
        return OpenSearchIndex.from_settings(settings)
    from postings.search.sql import SqlSearchIndex

    return SqlSearchIndex(engine)


def create_topology(settings: Settings) -> Topology:
    return Topology(settings.amqp_exchange, settings.amqp_queue, settings.amqp_queue_type)


@dataclass
class Resources:
    settings: Settings
    engine: Engine
    store: PostingStore
    cache: Cache
    search: SearchIndex
    topology: Topology
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    embedded_publisher: DirectPublisher | None = None
    _depths: tuple[float, dict[str, int] | None] = (0.0, None)

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
        return cls(
            settings=settings,
            engine=engine,
            store=PostingStore(engine),
            cache=cache,
            search=create_search(settings, engine),
            topology=create_topology(settings),
        )

    def start_embedded_pipeline(self) -> None:
        """Without a broker the API process runs the relay itself, handing events straight to the
        indexer: the outbox still guarantees each write reaches the index."""
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
        )
        self.embedded_publisher = publisher
        thread = threading.Thread(target=relay.run, args=(self.stop,), name="outbox-relay", daemon=True)
        thread.start()
        self.threads.append(thread)

    def database_up(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            log.warning("database check failed", extra={"error": str(exc)[:300]})
            return False
        return True

    def queue_depths(self, max_age: float = 5.0) -> dict[str, int] | None:
        """Depths of the indexer's queues (None without a broker or when it does not answer),
        remembered for `max_age` seconds so probes and scrapes do not open a connection each."""
        url = self.settings.resolved_amqp_url()
        if url is None:
            return None
        checked_at, depths = self._depths
        if time.monotonic() - checked_at < max_age:
            return depths
        try:
            depths = queue_depths(url, self.topology)
        except Exception as exc:
            log.warning("broker check failed", extra={"error": repr(exc)[:300]})
            depths = None
        self._depths = (time.monotonic(), depths)
        return depths

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)
        self.engine.dispose()
