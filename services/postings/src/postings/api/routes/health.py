"""/healthz (the process answers), /readyz (its dependencies and background work, by name), /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from postings import metrics
from postings.api.deps import ResourcesDep
from postings.broker import IndexerQueues
from postings.resources import Resources
from postings.supervision import Outcome

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: each dependency's and background task's state; 503 when the database is down",
    responses={503: {"description": "Not ready: the database is down"}},
)
async def readyz(resources: ResourcesDep) -> JSONResponse:
    """Answers within the probe timeout whatever a dependency does: each check runs at most that long
    (in parallel) and its answer is reused for a moment, so probes do not pile up on a hung server."""
    probes = resources.probes
    database, outbox, search_up, queues, cache_state = await asyncio.gather(
        run_in_threadpool(probes.database.get),
        run_in_threadpool(probes.outbox.get),
        run_in_threadpool(probes.search.get),
        run_in_threadpool(probes.broker.get) if probes.broker is not None else _nothing(),
        _cache_state(resources),
    )
    stall = resources.settings.relay_stall_seconds
    checks = {
        "database": "up" if database.ok else "down",
        "cache": cache_state,
        "broker": _broker_state(queues),
        "relay": _relay_state(resources, outbox, stall),
        "indexer": _indexer_state(queues),
        "search": f"{resources.search.name}: {'up' if search_up.ok and search_up.value else 'down'}",
    }
    return JSONResponse({"ready": database.ok, "checks": checks}, status_code=200 if database.ok else 503)


async def _nothing() -> None:
    return None


async def _cache_state(resources: Resources) -> str:
    cache = resources.cache
    if cache.name == "memory":
        return "in-process"
    try:
        up = await asyncio.wait_for(cache.ping(), resources.settings.probe_timeout_seconds)
    except TimeoutError:
        up = False
    return "up" if up else "down (serving from the database)"


def _broker_state(queues: Outcome[IndexerQueues] | None) -> str:
    if queues is None:
        return "in-process"
    return "up" if queues.ok else "down (writes wait in the outbox)"


def _relay_state(resources: Resources, outbox: Outcome[tuple[int, float]], stall: float) -> str:
    """The relay as its effect shows it: events waiting longer than relay_stall_seconds mean no relay is
    publishing, wherever it runs; the in-process relay also says what it is retrying."""
    task = resources.supervisor.statuses.get("outbox-relay") if resources.supervisor else None
    if task is not None and task.state in ("retrying", "dead"):
        return task.describe()
    if outbox.value is None:
        return f"unknown (outbox unreadable: {outbox.error})"
    waiting, oldest = outbox.value
    if waiting and oldest >= stall:
        return f"stalled ({waiting} events waiting, oldest {oldest:.1f} s)"
    return "up"


def _indexer_state(queues: Outcome[IndexerQueues] | None) -> str:
    if queues is None:
        return "in-process"
    if queues.value is None:
        return "unknown (broker down)"
    if queues.value.consumers == 0:
        waiting = sum(queues.value.depths.values())
        return f"no consumer ({waiting} messages waiting)"
    return "up"


class ScrapeTimeCollector(Collector):
    """Gauges read when Prometheus scrapes: the outbox backlog and the indexer queue depths, as the
    bounded probes answered (a dependency that did not answer leaves its gauge out of this scrape)."""

    def __init__(self, outbox: Outcome[tuple[int, float]], queues: Outcome[IndexerQueues] | None) -> None:
        self.outbox = outbox
        self.queues = queues

    def collect(self) -> Iterator[Metric]:
        backlog = GaugeMetricFamily(
            "postings_outbox_backlog", "Events stored but not yet confirmed by the broker"
        )
        age = GaugeMetricFamily("postings_outbox_oldest_age_seconds", "Age of the oldest unpublished event")
        if self.outbox.value is None:
            metrics.ERRORS.labels("metrics").inc()
        else:
            count, oldest = self.outbox.value
            backlog.add_metric([], count)
            age.add_metric([], oldest)
        yield backlog
        yield age
        lag = GaugeMetricFamily(
            "postings_consumer_lag_messages",
            "Messages waiting for the search indexer, by queue",
            labels=["queue"],
        )
        if self.queues is not None and self.queues.value is not None:
            for queue, depth in self.queues.value.depths.items():
                lag.add_metric([queue], depth)
        yield lag


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def prometheus_metrics(resources: ResourcesDep) -> Response:
    probes = resources.probes
    # Both probes at once, so a scrape waits one probe timeout at most, not one per dependency.
    outbox, queues = await asyncio.gather(
        run_in_threadpool(probes.outbox.get),
        run_in_threadpool(probes.broker.get) if probes.broker is not None else _nothing(),
    )
    body, content_type = await run_in_threadpool(metrics.render, [ScrapeTimeCollector(outbox, queues)])
    return Response(content=body, media_type=content_type)
