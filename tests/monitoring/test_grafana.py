"""Grafana dashboards: rendered from code, and every Prometheus query selects a metric the service exports."""

from __future__ import annotations

import contextlib
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from monitoring.grafana.dashboards import (
    DASHBOARDS,
    infrastructure_dashboard,
    metric_names,
    prometheus_queries,
    red_dashboard,
    render,
)
from monitoring.thresholds import SIGNALS

GRAFANA = Path(__file__).resolve().parents[2] / "monitoring" / "grafana"
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("", "_sum", "_count", "_created"),
    "gauge": ("",),
    "untyped": ("",),
}


def exported_names(exposition: str) -> set[str]:
    """Every series name a scrape can carry: each `# TYPE` family with its type's suffixes (a labelled
    counter that has not counted yet has no sample line, but is exported all the same), and every sample."""
    names: set[str] = set()
    for line in exposition.splitlines():
        if match := re.fullmatch(r"# TYPE (\S+) (\S+)", line):
            family, kind = match.groups()
            stem = family.removesuffix("_total") if kind == "counter" else family
            names.update(stem + suffix for suffix in SUFFIXES[kind])
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def unexported(dashboard: dict[str, Any], exported: set[str]) -> list[str]:
    return sorted(
        f"{title}: {name}"
        for title, expr in prometheus_queries(dashboard)
        for name in metric_names(expr)
        if name not in exported
    )


@pytest.fixture(scope="module")
def api_exported(service_url: str) -> set[str]:
    for path in ("/healthz", "/readyz", "/v1/postings", "/no-such-route"):
        with contextlib.suppress(OSError):  # the 404 is a request the metrics count too
            urllib.request.urlopen(service_url + path, timeout=10).read()
    with urllib.request.urlopen(f"{service_url}/metrics", timeout=10) as response:
        return exported_names(response.read().decode())


@pytest.fixture(scope="module")
def worker_exported(worker_metrics_url: str) -> set[str]:
    with urllib.request.urlopen(worker_metrics_url, timeout=10) as response:
        return exported_names(response.read().decode())


@pytest.fixture(scope="module")
def exported(api_exported: set[str], worker_exported: set[str]) -> set[str]:
    """What the api and a worker (consumer and relay) export between them."""
    return api_exported | worker_exported


def test_committed_json_is_what_the_code_renders() -> None:
    rendered = render()
    assert sorted(rendered) == sorted(p.name for p in GRAFANA.glob("*.json"))
    for name, text in rendered.items():
        assert (GRAFANA / name).read_text() == text, (
            f"{name} is stale: python -m monitoring.grafana.dashboards"
        )


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_every_panel_queries_only_metrics_the_running_service_exports(name: str, exported: set[str]) -> None:
    dashboard = json.loads((GRAFANA / name).read_text())
    assert unexported(dashboard, exported) == [], name


def test_the_red_view_covers_rate_errors_duration_and_the_pipeline() -> None:
    queried = {n for _, expr in prometheus_queries(red_dashboard()) for n in metric_names(expr)}
    assert {
        "postings_http_requests_total",
        "postings_http_request_duration_seconds_bucket",
        "postings_errors_total",
        "postings_outbox_oldest_age_seconds",
        "postings_consumer_lag_messages",
        "postings_worker_messages_total",
    } <= queried


WORKER_PANELS = (
    "Outbox: published and failed",
    "Outbox: publish failures per minute",
    "Worker: messages by outcome",
    "Worker: consumed and failures by reason",
    "Worker: dead-lettered per minute",
    "Worker: consumer connected, by task",
    "Background loops not running, by task",
)


def test_the_worker_and_relay_panels_read_what_the_worker_process_itself_exports(
    worker_exported: set[str],
) -> None:
    """Fed by the process that does the work, not by an api process where these counters stay at 0."""
    queried = {title: metric_names(expr) for title, expr in prometheus_queries(red_dashboard())}
    assert set(WORKER_PANELS) <= set(queried)
    missing = {title: sorted(queried[title] - worker_exported) for title in WORKER_PANELS}
    assert {title: names for title, names in missing.items() if names} == {}


def test_latency_is_drawn_per_route_at_p50_p95_p99_with_a_worst_routes_table() -> None:
    panels = {p["title"]: p for p in red_dashboard()["panels"]}
    latency = panels["Latency p50 / p95 / p99 by route"]
    assert [(t["expr"].split(",")[0], t["legendFormat"]) for t in latency["targets"]] == [
        ("histogram_quantile(0.5", "{{route}} p50"),
        ("histogram_quantile(0.95", "{{route}} p95"),
        ("histogram_quantile(0.99", "{{route}} p99"),
    ]
    assert all("sum by (le, route) (rate(" in t["expr"] for t in latency["targets"])
    worst = panels["Worst routes by p99"]
    assert worst["type"] == "table"
    (target,) = worst["targets"]
    assert target["expr"] == (
        "topk(10, histogram_quantile(0.99, sum by (le, method, route) "
        '(rate(postings_http_request_duration_seconds_bucket{environment="$env"}[$__range]))))'
    )
    assert (target["instant"], target["format"]) == (True, "table")


def test_the_new_signals_are_drawn_with_their_levels() -> None:
    panels = {p["title"]: p for p in red_dashboard()["panels"]}
    for title, signal_id in (
        ("Worker: dead-lettered per minute", "worker-dead-lettered"),
        ("Outbox: publish failures per minute", "outbox-publish-failures"),
        ("Outbox: oldest unpublished event", "outbox-age"),
    ):
        signal = SIGNALS[signal_id]
        steps = panels[title]["fieldConfig"]["defaults"]["thresholds"]["steps"]
        assert [step["value"] for step in steps] == [None, signal.warning, signal.critical], title


def test_a_panel_on_a_metric_the_service_lacks_is_caught(exported: set[str]) -> None:
    dashboard = red_dashboard()
    dashboard["panels"][0]["targets"][0]["expr"] = 'sum(rate(postings_http_requests_totl{route="/"}[5m]))'
    assert unexported(dashboard, exported) == ["Requests per second by route: postings_http_requests_totl"]


def test_metric_names_skip_functions_labels_and_keywords() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{job="x", le=~"1.*"}[5m]))) '
        "/ on (route) group_left max without (instance) (b_total offset 5m) > bool 3"
    )
    assert metric_names(expr) == {"a_bucket", "b_total"}


def test_infrastructure_view_draws_every_signal_with_its_levels() -> None:
    panels = {p["title"]: p for p in infrastructure_dashboard()["panels"]}
    assert len(panels) == len(SIGNALS)
    for signal in SIGNALS.values():
        panel = panels[f"{signal.id} ({signal.unit})"]
        values = [step["value"] for step in panel["fieldConfig"]["defaults"]["thresholds"]["steps"]]
        expected = [None, signal.warning, signal.critical]
        if signal.direction.value == "below":
            expected = [None, signal.critical, signal.warning]
        assert values == expected, signal.id
        metrics = {(t["namespace"], t["metricName"]) for t in panel["targets"] if "metricName" in t}
        assert metrics == {(m.namespace, m.name) for m in signal.metrics.values()}, signal.id
        assert panel["description"].endswith(f"Runbook: {signal.runbook}"), signal.id
