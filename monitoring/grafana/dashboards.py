"""Grafana dashboards as code: the service's RED view (Prometheus) and the infrastructure view (CloudWatch).

`python -m monitoring.grafana.dashboards` writes monitoring/grafana/*.json; a test fails when the files
differ from what this module renders, so the JSON is never edited by hand.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from monitoring.thresholds import SIGNALS, Direction, Scope, Signal

HERE = Path(__file__).resolve().parent
PROMETHEUS_UID = "amp"
CLOUDWATCH_UID = "cloudwatch"
PROMETHEUS = {"type": "prometheus", "uid": PROMETHEUS_UID}
CLOUDWATCH = {"type": "cloudwatch", "uid": CLOUDWATCH_UID}
WIDTH = 8
HEIGHT = 8
SCHEMA_VERSION = 39
RATE = "5m"
# What a scope's dimensions are, in terms of the dashboard's `env` variable (names from infra/naming.py).
SCOPE_DIMENSIONS: Mapping[Scope, Mapping[str, str]] = {
    Scope.TARGET_GROUP: {"LoadBalancer": "*", "TargetGroup": "*"},
    Scope.ECS_SERVICE: {"ClusterName": "*", "ServiceName": "postings-$env-*"},
    Scope.DATABASE: {"DBInstanceIdentifier": "postings-$env-mysql"},
    Scope.DATABASE_REPLICA: {"DBInstanceIdentifier": "postings-$env-mysql-*"},
    Scope.CACHE_NODE: {"CacheClusterId": "postings-$env-redis-*"},
    Scope.BROKER: {"Broker": "postings-$env-rabbitmq"},
    Scope.QUEUE: {"Broker": "postings-$env-rabbitmq", "VirtualHost": "/", "Queue": "*"},
    Scope.SEARCH: {"DomainName": "postings-$env-search", "ClientId": "*"},
    Scope.SERVICE: {"Environment": "$env"},
    Scope.WEB_ACL: {"WebACL": "postings-$env-waf", "Region": "*"},
}
UNITS = {
    "%": "percent",
    "s": "s",
    "Seconds": "s",
    "Bytes": "bytes",
    "Megabytes": "decmbytes",
    "count": "short",
}


def _grid(index: int) -> dict[str, int]:
    return {"x": (index % 3) * WIDTH, "y": (index // 3) * HEIGHT, "w": WIDTH, "h": HEIGHT}


def _thresholds(signal: Signal) -> dict[str, Any]:
    """Green, then orange at the warning level and red at the critical level (reversed for `below`)."""
    if signal.direction is Direction.ABOVE:
        steps = [
            {"color": "green", "value": None},
            {"color": "orange", "value": signal.warning},
            {"color": "red", "value": signal.critical},
        ]
    else:
        steps = [
            {"color": "red", "value": None},
            {"color": "orange", "value": signal.critical},
            {"color": "green", "value": signal.warning},
        ]
    return {"mode": "absolute", "steps": steps}


def _panel(
    index: int,
    title: str,
    datasource: dict[str, str],
    targets: list[dict[str, Any]],
    *,
    unit: str = "short",
    description: str = "",
    thresholds: dict[str, Any] | None = None,
) -> dict[str, Any]:
    defaults: dict[str, Any] = {"unit": unit, "custom": {"thresholdsStyle": {"mode": "line"}}}
    if thresholds is not None:
        defaults["thresholds"] = thresholds
    return {
        "id": index + 1,
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": datasource,
        "gridPos": _grid(index),
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "targets": targets,
    }


def _prom(expr: str, legend: str, ref: str = "A") -> dict[str, Any]:
    return {"refId": ref, "datasource": PROMETHEUS, "expr": expr, "legendFormat": legend}


def _dashboard(
    uid: str, title: str, panels: list[dict[str, Any]], variables: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "tags": ["postings", "generated"],
        "timezone": "utc",
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "editable": False,
        "refresh": "1m",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": variables},
        "panels": panels,
    }


ENV_VARIABLE = {
    "name": "env",
    "label": "Environment",
    "type": "custom",
    "query": "dev,staging,prod",
    "current": {"text": "prod", "value": "prod"},
}


def _table(
    index: int, title: str, targets: list[dict[str, Any]], *, unit: str, description: str
) -> dict[str, Any]:
    """A table of instant query results, one row per series, sorted by the value (worst first)."""
    return {
        "id": index + 1,
        "type": "table",
        "title": title,
        "description": description,
        "datasource": PROMETHEUS,
        "gridPos": _grid(index),
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"sortBy": [{"displayName": "Value", "desc": True}], "showHeader": True},
        "transformations": [{"id": "organize", "options": {"excludeByName": {"Time": True}}}],
        "targets": targets,
    }


def _instant(expr: str, ref: str = "A") -> dict[str, Any]:
    return {"refId": ref, "datasource": PROMETHEUS, "expr": expr, "instant": True, "format": "table"}


QUANTILES = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
WORST_ROUTES = 10


def red_dashboard() -> dict[str, Any]:
    """Rate, errors and duration of the api by route, and the pipeline behind it (outbox relay, worker),
    from the service's metrics. Every series carries `task`, so `by (task)` tells ECS tasks apart."""
    selector = '{environment="$env"}'
    requests = f"postings_http_requests_total{selector}"
    outbox, lag = SIGNALS["outbox-age"], SIGNALS["consumer-lag"]
    latency = SIGNALS["alb-latency-p99"]
    dead_signal, publish = SIGNALS["worker-dead-lettered"], SIGNALS["outbox-publish-failures"]
    bucket = f"postings_http_request_duration_seconds_bucket{selector}"
    by_route = f"sum by (le, route) (rate({bucket}[{RATE}]))"
    # Over the dashboard's whole time range, so the table answers for the period being looked at.
    by_call = f"sum by (le, method, route) (rate({bucket}[$__range]))"
    hits = f"sum(rate(postings_cache_hits_total{selector}[{RATE}]))"
    misses = f"sum(rate(postings_cache_misses_total{selector}[{RATE}]))"
    errors = f"sum by (component) (rate(postings_errors_total{selector}[{RATE}]))"
    outcomes = f"sum by (outcome) (rate(postings_worker_messages_total{selector}[{RATE}]))"
    # Per minute as the alarms count, over RATE: with a 30 s scrape a 1 m window holds two samples.
    dead = 'postings_worker_messages_total{environment="$env",outcome="dead_lettered"}'
    dead_lettered = f"60 * sum(rate({dead}[{RATE}]))"
    panels = [
        _panel(
            0,
            "Requests per second by route",
            PROMETHEUS,
            [_prom(f"sum by (route) (rate({requests}[{RATE}]))", "{{route}}")],
            unit="reqps",
        ),
        _panel(
            1,
            "Error ratio (5xx)",
            PROMETHEUS,
            [
                _prom(
                    f'sum(rate(postings_http_requests_total{{environment="$env",status=~"5.."}}[{RATE}])) '
                    f"/ sum(rate({requests}[{RATE}]))",
                    "5xx",
                )
            ],
            unit="percentunit",
        ),
        _panel(
            2,
            "Latency p50 / p95 / p99 by route",
            PROMETHEUS,
            [
                _prom(f"histogram_quantile({q}, {by_route})", f"{{{{route}}}} {name}", chr(ord("A") + i))
                for i, (name, q) in enumerate(QUANTILES)
            ],
            unit="s",
            thresholds=_thresholds(latency),
            description="From when the server read the request to its last byte, event-loop queueing "
            f"included. {latency.meaning}",
        ),
        _table(
            3,
            "Worst routes by p99",
            [
                _instant(
                    f"topk({WORST_ROUTES}, histogram_quantile(0.99, {by_call}))",
                )
            ],
            unit="s",
            description=f"The {WORST_ROUTES} API calls (method and route) with the highest p99 over the "
            "dashboard's time range, worst first.",
        ),
        _panel(
            4, "Unhandled errors by component", PROMETHEUS, [_prom(errors, "{{component}}")], unit="short"
        ),
        _panel(
            5,
            "Cache hit ratio",
            PROMETHEUS,
            [
                _prom(f"{hits} / ({hits} + {misses})", "hit ratio", "A"),
                _prom(f"min(postings_cache_up{selector})", "cache up", "B"),
            ],
            unit="percentunit",
        ),
        _panel(
            6,
            "Outbox: oldest unpublished event",
            PROMETHEUS,
            [
                _prom(f"max(postings_outbox_oldest_age_seconds{selector})", "age", "A"),
                _prom(f"max(postings_outbox_backlog{selector})", "backlog", "B"),
            ],
            unit="s",
            thresholds=_thresholds(outbox),
            description=f"{outbox.meaning} Read by the api and by each process that runs the relay.",
        ),
        _panel(
            7,
            "Outbox: published and failed",
            PROMETHEUS,
            [
                _prom(
                    f"sum by (event_type) (rate(postings_outbox_published_total{selector}[{RATE}]))",
                    "{{event_type}}",
                    "A",
                ),
                _prom(
                    f"sum by (task) (rate(postings_outbox_publish_failures_total{selector}[{RATE}]))",
                    "failures {{task}}",
                    "B",
                ),
            ],
            unit="ops",
        ),
        _panel(
            8,
            "Outbox: publish failures per minute",
            PROMETHEUS,
            [_prom(f"60 * sum(rate(postings_outbox_publish_failures_total{selector}[{RATE}]))", "failures")],
            unit="short",
            thresholds=_thresholds(publish),
            description=f"{publish.meaning} Runbook: {publish.runbook}",
        ),
        _panel(
            9,
            "Consumer lag by queue",
            PROMETHEUS,
            [_prom(f"max by (queue) (postings_consumer_lag_messages{selector})", "{{queue}}")],
            unit="short",
            thresholds=_thresholds(lag),
            description=lag.meaning,
        ),
        _panel(10, "Worker: messages by outcome", PROMETHEUS, [_prom(outcomes, "{{outcome}}")], unit="ops"),
        _panel(
            11,
            "Worker: consumed and failures by reason",
            PROMETHEUS,
            [
                _prom(f"sum(rate(postings_worker_consumed_total{selector}[{RATE}]))", "consumed", "A"),
                _prom(
                    f"sum by (reason) (rate(postings_worker_failures_total{selector}[{RATE}]))",
                    "failed: {{reason}}",
                    "B",
                ),
            ],
            unit="ops",
        ),
        _panel(
            12,
            "Worker: dead-lettered per minute",
            PROMETHEUS,
            [_prom(dead_lettered, "dead-lettered")],
            unit="short",
            thresholds=_thresholds(dead_signal),
            description=f"{dead_signal.meaning} Runbook: {dead_signal.runbook}",
        ),
        _panel(
            13,
            "Worker: consumer connected, by task",
            PROMETHEUS,
            [_prom(f"max by (task) (postings_consumer_connected{selector})", "{{task}}")],
            unit="short",
            description="1 while a worker task's consumer holds its broker connection, 0 while it "
            "reconnects.",
        ),
        _panel(
            14,
            "Background loops not running, by task",
            PROMETHEUS,
            [
                _prom(
                    'max by (task, loop, state) (postings_background_loop_state{environment="$env",'
                    'state!="running"}) > 0',
                    "{{task}} {{loop}} {{state}}",
                )
            ],
            unit="short",
            description="Each worker or relay task's consumer, outbox relay and clean-up loops that are "
            "starting, retrying or dead (empty while all run).",
        ),
        _panel(
            15,
            "API event loop lag p99, by task",
            PROMETHEUS,
            [
                _prom(
                    "histogram_quantile(0.99, sum by (le, task) "
                    f"(rate(postings_event_loop_lag_seconds_bucket{selector}[{RATE}])))",
                    "{{task}}",
                )
            ],
            unit="s",
            description="How late each api task's event loop ran a timer: a request arriving meanwhile "
            "waited that long before the server read it, which the request latency does not include.",
        ),
    ]
    return _dashboard("postings-red", "postings: service (RED)", panels, [ENV_VARIABLE])


def _cloudwatch_targets(signal: Signal, region: str) -> list[dict[str, Any]]:
    dims = SCOPE_DIMENSIONS[signal.scope]
    targets: list[dict[str, Any]] = []
    for ref, (metric_id, metric) in enumerate(sorted(signal.metrics.items())):
        dimensions = {k: [v] for k, v in {**dims, **dict(metric.extra_dimensions)}.items()}
        targets.append(
            {
                "refId": chr(ord("A") + ref),
                "datasource": CLOUDWATCH,
                "queryMode": "Metrics",
                "region": region,
                "namespace": metric.namespace,
                "metricName": metric.name,
                "statistic": metric.statistic,
                "dimensions": dimensions,
                "matchExact": "*" not in json.dumps(dimensions),
                "period": str(signal.period),
                "id": metric_id,
                "label": signal.id if signal.expression is None else metric_id,
                "hide": signal.expression is not None,
            }
        )
    if signal.expression is not None:
        targets.append(
            {
                "refId": "Z",
                "datasource": CLOUDWATCH,
                "queryMode": "Metrics",
                "region": region,
                "id": "value",
                "expression": signal.expression,
                "label": signal.id,
                "hide": False,
            }
        )
    return targets


def infrastructure_dashboard(region: str = "default") -> dict[str, Any]:
    """Every signal of monitoring/thresholds.py from CloudWatch, with its levels drawn on the graph."""
    panels = [
        _panel(
            index,
            f"{signal.id} ({signal.unit})",
            CLOUDWATCH,
            _cloudwatch_targets(signal, region),
            unit=UNITS.get(signal.unit, "short"),
            description=f"{signal.meaning} Runbook: {signal.runbook}",
            thresholds=_thresholds(signal),
        )
        for index, signal in enumerate(SIGNALS.values())
    ]
    return _dashboard(
        "postings-infrastructure", "postings: infrastructure (CloudWatch)", panels, [ENV_VARIABLE]
    )


DASHBOARDS = {"postings-red.json": red_dashboard, "postings-infrastructure.json": infrastructure_dashboard}


def render() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {name: json.dumps(build(), indent=2, sort_keys=True) + "\n" for name, build in DASHBOARDS.items()}


def prometheus_queries(dashboard: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(panel title, PromQL) of every Prometheus target of a dashboard."""
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            if target["datasource"]["type"] == "prometheus":
                yield panel["title"], target["expr"]


_KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "and",
    "or",
    "unless",
    "bool",
    "offset",
}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: identifiers that are not functions, keywords,
    label names (inside braces or by/without clauses), strings or durations."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", text)  # grouping labels
    text = re.sub(r"\[[^\]]*\]", "", text)  # range durations
    names = set()
    for match in re.finditer(r"(?<![0-9.A-Za-z_:])[A-Za-z_:][A-Za-z0-9_:]*", text):  # not "5m" of a duration
        following = text[match.end() :].lstrip()
        if following.startswith("(") or match.group() in _KEYWORDS:
            continue
        names.add(match.group())
    return names


def main() -> int:
    for name, text in render().items():
        (HERE / name).write_text(text)
        print(f"wrote {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
