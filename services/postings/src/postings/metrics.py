"""Prometheus metrics. Module-level collectors are the prometheus_client idiom; they hold no connections.

With several server processes, `postings serve --workers N` points PROMETHEUS_MULTIPROC_DIR at a fresh
directory and /metrics aggregates every process's samples.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import REGISTRY, Collector

REQUESTS = Counter("postings_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "postings_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
ERRORS = Counter("postings_errors_total", "Unhandled errors", ["component"])
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
WORKER_MESSAGES = Counter("postings_worker_messages_total", "Messages handled by the worker", ["outcome"])


def render(extra: list[Collector]) -> tuple[bytes, str]:
    """The exposition text for this process, or for all server processes in multiprocess mode,
    plus the gauges that `extra` collectors compute at scrape time."""
    registry: CollectorRegistry
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    if extra:
        scrape = CollectorRegistry(auto_describe=False)
        for collector in extra:
            scrape.register(collector)
        body += generate_latest(scrape)
    return body, CONTENT_TYPE_LATEST
