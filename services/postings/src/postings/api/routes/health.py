"""/healthz (the process answers), /readyz (its dependencies, by name) and /metrics (Prometheus)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from postings import metrics
from postings.api.deps import ResourcesDep
from postings.relay import outbox_backlog
from postings.resources import Resources

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: each dependency's state; 503 when the database is down",
    responses={503: {"description": "Not ready: the database is down"}},
)
async def readyz(resources: ResourcesDep) -> JSONResponse:
    database = await run_in_threadpool(resources.database_up)
    cache = resources.cache
    if cache.name == "memory":
        cache_state = "in-process"
    else:
        cache_state = "up" if await cache.ping() else "down (serving from the database)"
    if resources.settings.uses_amqp:
        depths = await run_in_threadpool(resources.queue_depths)
        broker_state = "up" if depths is not None else "down (writes wait in the outbox)"
    else:
        broker_state = "in-process"
    search_up = await run_in_threadpool(resources.search.ping)
    checks = {
        "database": "up" if database else "down",
        "cache": cache_state,
        "broker": broker_state,
        "search": f"{resources.search.name}: {'up' if search_up else 'down'}",
    }
    return JSONResponse({"ready": database, "checks": checks}, status_code=200 if database else 503)


class ScrapeTimeCollector(Collector):
    """Gauges read when Prometheus scrapes: the outbox backlog and the indexer queue depths."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def collect(self) -> Iterator[Metric]:
        backlog = GaugeMetricFamily(
            "postings_outbox_backlog", "Events stored but not yet confirmed by the broker"
        )
        age = GaugeMetricFamily("postings_outbox_oldest_age_seconds", "Age of the oldest unpublished event")
        try:
            count, oldest = outbox_backlog(self.resources.engine)
        except Exception:
            metrics.ERRORS.labels("metrics").inc()
        else:
            backlog.add_metric([], count)
            age.add_metric([], oldest)
        yield backlog
        yield age
        lag = GaugeMetricFamily(
            "postings_consumer_lag_messages",
            "Messages waiting for the search indexer, by queue",
            labels=["queue"],
        )
        for queue, depth in (self.resources.queue_depths() or {}).items():
            lag.add_metric([queue], depth)
        yield lag


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def prometheus_metrics(resources: ResourcesDep) -> Response:
    body, content_type = await run_in_threadpool(metrics.render, [ScrapeTimeCollector(resources)])
    return Response(content=body, media_type=content_type)
