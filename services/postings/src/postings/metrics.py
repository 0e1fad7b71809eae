"""Prometheus metrics. Module-level collectors are the prometheus_client idiom; they hold no connections.

The API serves them on /metrics; `postings worker` and `postings relay` on a port of their own
(MetricsServer). With several server processes, `postings serve --workers N` points
PROMETHEUS_MULTIPROC_DIR at a fresh directory and /metrics aggregates every process's samples.

Every series carries the label `task`, the ECS task the process runs in (see task_identity).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector

from postings.supervision import Outcome, Probe, TaskStatus

log = logging.getLogger(__name__)

TASK_LABEL = "task"
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4-fargate.html:
# the agent sets this in every container of a Fargate task (platform 1.4.0+); `${uri}/task` is a JSON
# document whose TaskARN names the task.
ECS_METADATA_ENV = "ECS_CONTAINER_METADATA_URI_V4"
ECS_METADATA_TIMEOUT_SECONDS = 2.0

REQUESTS = Counter("postings_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "postings_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
ERRORS = Counter("postings_errors_total", "Unhandled errors", ["component"])
EVENT_LOOP_LAG = Histogram(
    "postings_event_loop_lag_seconds",
    "How late the API's event loop ran a timer: how long a request arriving then waited to be read",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
CACHE_HITS = Counter("postings_cache_hits_total", "Cache hits", ["kind"])
CACHE_NEAR_HITS = Counter("postings_cache_near_hits_total", "Posting cache hits served from process memory")
CACHE_MISSES = Counter("postings_cache_misses_total", "Cache misses", ["kind"])
CACHE_BYPASSED = Counter(
    "postings_cache_bypassed_total", "Reads sent to the database because the cache is down", ["kind"]
)
CACHE_ERRORS = Counter("postings_cache_errors_total", "Cache operations that failed", ["operation"])
CACHE_UP = Gauge(
    "postings_cache_up", "1 when the cache is in use, 0 while it is stepped aside", multiprocess_mode="min"
)
OUTBOX_PUBLISHED = Counter(
    "postings_outbox_published_total", "Outbox events confirmed by the broker", ["event_type"]
)
OUTBOX_PUBLISH_FAILURES = Counter(
    "postings_outbox_publish_failures_total", "Outbox publish attempts that failed"
)
WORKER_MESSAGES = Counter(
    "postings_worker_messages_total",
    "Messages the worker finished with, by outcome (indexed, duplicate, retried, dead_lettered)",
    ["outcome"],
)
WORKER_OUTCOMES = ("indexed", "duplicate", "retried", "dead_lettered")
WORKER_CONSUMED = Counter("postings_worker_consumed_total", "Messages delivered to the worker")
WORKER_FAILURES = Counter(
    "postings_worker_failures_total",
    "Messages whose handling failed, by reason (index_unavailable, poison, error)",
    ["reason"],
)
WORKER_FAILURE_REASONS = ("index_unavailable", "poison", "error")
CONSUMER_CONNECTION_LOSSES = Counter(
    "postings_consumer_connection_losses_total", "Times the consumer lost or failed to open its connection"
)
OUTBOX_EVENT_TYPES = ("posting.created", "posting.updated", "posting.archived")
# Every label value a panel or an alarm reads exists from the start at 0, so rate() and increase() see
# the first event instead of a series that appears with it.
for _outcome in WORKER_OUTCOMES:
    WORKER_MESSAGES.labels(_outcome)
for _reason in WORKER_FAILURE_REASONS:
    WORKER_FAILURES.labels(_reason)
for _event_type in OUTBOX_EVENT_TYPES:
    OUTBOX_PUBLISHED.labels(_event_type)


@dataclass(frozen=True)
class TaskIdentity:
    """Which task a process runs in: `task` is the label value, `arn` the ECS task ARN when known."""

    task: str
    source: str
    """`ecs` (the task metadata endpoint) or `hostname` (no endpoint, or it did not answer)."""
    arn: str | None = None


def task_identity(
    environ: Mapping[str, str] | None = None, *, timeout: float = ECS_METADATA_TIMEOUT_SECONDS
) -> TaskIdentity:
    """The ECS task id (the last part of its TaskARN, from the task metadata endpoint v4), else the
    hostname. Read once as a process starts; a metadata endpoint that fails is logged and the hostname
    used, since a process must not stop for want of a label."""
    uri = (os.environ if environ is None else environ).get(ECS_METADATA_ENV)
    if uri:
        try:
            with urllib.request.urlopen(f"{uri.rstrip('/')}/task", timeout=timeout) as response:
                arn = json.loads(response.read())["TaskARN"]
            if not isinstance(arn, str) or not arn:
                raise ValueError(f"TaskARN is {arn!r}")
            return TaskIdentity(task=arn.rsplit("/", 1)[-1], source="ecs", arn=arn)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning(
                "ECS task metadata unreadable, labelling metrics with the hostname",
                extra={"error": repr(exc)[:300]},
            )
    return TaskIdentity(task=socket.gethostname(), source="hostname")


# Set once per process before it serves metrics (identify); a module-level value because the collectors
# it labels are module-level too. None in tests that never call identify: no label is added.
_identity: TaskIdentity | None = None


def identify(identity: TaskIdentity) -> None:
    global _identity
    _identity = identity
    log.info("metrics labelled", extra={"task": identity.task, "task_source": identity.source})


def identify_nothing() -> None:
    """Back to no task label (tests that set one)."""
    global _identity
    _identity = None


class _WithTaskLabel(Collector):
    """Every sample of `sources` with the label task=<id> added.

    A label on every series rather than a target_info-style info metric joined by instance: every
    task's collector scrapes its own containers on 127.0.0.1, so the instance label (the join key an
    info metric relies on) is the same in every task and a join could not tell tasks apart; the label
    itself can, in every series, with no join to write in each panel. postings_task_info adds the full
    task ARN once per task, for looking a task up in ECS."""

    def __init__(self, sources: Iterable[Collector], identity: TaskIdentity) -> None:
        self.sources = list(sources)
        self.identity = identity

    def collect(self) -> Iterator[Metric]:
        added = {TASK_LABEL: self.identity.task}
        for source in self.sources:
            for family in source.collect():
                labelled = Metric(family.name, family.documentation, family.type, family.unit)
                labelled.samples = [s._replace(labels={**s.labels, **added}) for s in family.samples]
                yield labelled
        info = GaugeMetricFamily(
            "postings_task_info",
            "1 per task: the task id every series is labelled with, its ARN and where it was read",
            labels=[TASK_LABEL, "task_arn", "source"],
        )
        info.add_metric([self.identity.task, self.identity.arn or "", self.identity.source], 1)
        yield info


def render(extra: list[Collector]) -> tuple[bytes, str]:
    """The exposition text for this process, or for all server processes in multiprocess mode,
    plus the gauges that `extra` collectors compute at scrape time, labelled with the task."""
    registry: CollectorRegistry
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    scrape = CollectorRegistry(auto_describe=False)
    if _identity is not None:
        scrape.register(_WithTaskLabel([registry, *extra], _identity))
        return generate_latest(scrape), CONTENT_TYPE_LATEST
    body = generate_latest(registry)
    if extra:
        for collector in extra:
            scrape.register(collector)
        body += generate_latest(scrape)
    return body, CONTENT_TYPE_LATEST


def outbox_gauges(outbox: Outcome[tuple[int, float]]) -> Iterator[Metric]:
    """postings_outbox_backlog and _oldest_age_seconds as a bounded probe answered; a probe that did
    not answer leaves both out of this scrape (and counts an error) rather than reporting 0."""
    backlog = GaugeMetricFamily(
        "postings_outbox_backlog", "Events stored but not yet confirmed by the broker"
    )
    age = GaugeMetricFamily("postings_outbox_oldest_age_seconds", "Age of the oldest unpublished event")
    if outbox.value is None:
        ERRORS.labels("metrics").inc()
    else:
        count, oldest = outbox.value
        backlog.add_metric([], count)
        age.add_metric([], oldest)
    yield backlog
    yield age


class BackgroundCollector(Collector):
    """Scrape-time gauges of a worker or relay process: each background loop's state, and the outbox
    backlog when the process runs the relay."""

    STATES = ("starting", "running", "retrying", "dead")

    def __init__(
        self, statuses: Mapping[str, TaskStatus], outbox: Probe[tuple[int, float]] | None = None
    ) -> None:
        self.statuses = statuses
        self.outbox = outbox

    def collect(self) -> Iterator[Metric]:
        consumer = self.statuses.get("consumer")
        if consumer is not None:
            # From the consumer loop's state rather than a module-level gauge, which every process (the
            # api's too) would export at 0 and so read as a disconnected consumer in each api task.
            connected = GaugeMetricFamily(
                "postings_consumer_connected",
                "1 while the worker's consumer holds a broker connection and consumes, else 0",
            )
            connected.add_metric([], 1 if consumer.state == "running" else 0)
            yield connected
        states = GaugeMetricFamily(
            "postings_background_loop_state",
            "1 for the state each background loop (consumer, outbox-relay) is in, 0 for the others",
            labels=["loop", "state"],
        )
        for name, status in sorted(self.statuses.items()):
            for state in self.STATES:
                states.add_metric([name, state], 1 if status.state == state else 0)
        yield states
        if self.outbox is not None:
            yield from outbox_gauges(self.outbox.get())


class MetricsPortInUseError(OSError):
    """The metrics port is taken; the message names the setting and the flag that change it."""


class MetricsServer:
    """GET /metrics on host:port in a thread of its own, for the processes that serve no HTTP API."""

    def __init__(self, host: str, port: int, extra: Callable[[], list[Collector]]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?", 1)[0] != "/metrics":
                    self.send_error(404, "only /metrics is served here")
                    return
                body, content_type = render(extra())
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None  # a scrape every 30 s is not worth a log line

        try:
            self._server = ThreadingHTTPServer((host, port), Handler)
        except OSError as exc:
            raise MetricsPortInUseError(
                f"cannot serve metrics on {host}:{port} ({exc.strerror}): set POSTINGS_METRICS_PORT "
                "or --metrics-port to a free port (0 turns metrics off)"
            ) from exc
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, name="metrics", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> MetricsServer:
        self._thread.start()
        log.info("serving metrics", extra={"port": self.port})
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
