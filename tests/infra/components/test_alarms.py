"""Alarms: every threshold becomes exactly the alarm it describes, in every stack, to the alert topic."""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitoring.thresholds import SIGNALS, Scope, Signal
from tests.infra.program import run

STACKS = ("dev", "staging", "prod")
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
REDIS_NODES = {"dev": ["001"], "staging": ["001", "002"], "prod": ["001", "002", "003"]}


def instances(stack: str, scope: Scope) -> list[str]:
    """What each scope watches in a stack, stated from the stack files rather than the component."""
    return {
        Scope.ECS_SERVICE: ["api", "worker"],
        Scope.CACHE_NODE: REDIS_NODES[stack],
        Scope.DATABASE_REPLICA: [],
    }.get(scope, [""])


def expected_dimensions(stack: str, scope: Scope, instance: str, result: Any) -> dict[str, str]:
    alb = result.one("aws:lb/loadBalancer:LoadBalancer", f"postings-{stack}-alb").state["arnSuffix"]
    tg = result.one("aws:lb/targetGroup:TargetGroup", f"postings-{stack}-api").state["arnSuffix"]
    cluster = result.one("aws:ecs/cluster:Cluster", f"postings-{stack}-cluster").state["name"]
    account = "111111111111"  # the account the program runs in (the recording mocks' caller identity)
    return {
        Scope.TARGET_GROUP: {"LoadBalancer": alb, "TargetGroup": tg},
        Scope.ECS_SERVICE: {"ClusterName": cluster, "ServiceName": f"postings-{stack}-{instance}"},
        Scope.DATABASE: {"DBInstanceIdentifier": f"postings-{stack}-mysql"},
        Scope.CACHE_NODE: {"CacheClusterId": f"postings-{stack}-redis-{instance}"},
        Scope.QUEUE: {
            "Broker": f"postings-{stack}-rabbitmq",
            "VirtualHost": "/",
            "Queue": "postings.search-indexer",
        },
        Scope.SEARCH: {"DomainName": f"postings-{stack}-search", "ClientId": account},
        Scope.SERVICE: {"Environment": stack},
        Scope.WEB_ACL: {"WebACL": f"postings-{stack}-waf", "Region": "eu-west-1"},
    }[scope]


def expected_alarm(stack: str, signal: Signal, instance: str, severity: str, result: Any) -> dict[str, Any]:
    topic = result.one("aws:sns/topic:Topic", f"postings-{stack}-alerts").state["arn"]
    name = f"postings-{stack}-{signal.id}" + (f"-{instance}" if instance else "") + f"-{severity}"
    level = signal.warning if severity == "warning" else signal.critical
    comparison = {"above": "GreaterThanThreshold", "below": "LessThanThreshold"}[signal.direction.value]
    dims = expected_dimensions(stack, signal.scope, instance, result)
    alarm: dict[str, Any] = {
        "name": name,
        "comparisonOperator": comparison,
        "threshold": float(level),
        "evaluationPeriods": float(signal.evaluation_periods),
        "datapointsToAlarm": float(signal.datapoints_to_alarm),
        "treatMissingData": signal.missing_data,
        "alarmActions": [topic],
        "okActions": [topic],
        "tags": {"Signal": signal.id, "Severity": severity},
    }
    if signal.expression is None:
        (metric,) = signal.metrics.values()
        alarm.update(
            namespace=metric.namespace,
            metricName=metric.name,
            period=float(signal.period),
            dimensions={**dims, **dict(metric.extra_dimensions)},
        )
        alarm["extendedStatistic" if metric.statistic.startswith("p") else "statistic"] = metric.statistic
    else:
        queries = [
            {
                "id": metric_id,
                "returnData": False,
                "metric": {
                    "namespace": metric.namespace,
                    "metricName": metric.name,
                    "dimensions": dims,
                    "period": float(signal.period),
                    "stat": metric.statistic,
                },
            }
            for metric_id, metric in sorted(signal.metrics.items())
        ]
        queries.append(
            {"id": "value", "expression": signal.expression, "label": signal.id, "returnData": True}
        )
        alarm["metricQueries"] = queries
    return alarm


@pytest.mark.parametrize("stack", STACKS)
def test_every_threshold_becomes_exactly_its_alarms(stack: str) -> None:
    result = run(stack)
    declared = {r.name: r.inputs for r in result.by_type(ALARM) if r.inputs["tags"].get("Signal")}
    expected = {}
    for signal in SIGNALS.values():
        for instance in instances(stack, signal.scope):
            for severity in ("warning", "critical"):
                alarm = expected_alarm(stack, signal, instance, severity, result)
                expected[alarm["name"]] = alarm
    assert sorted(declared) == sorted(expected)
    for name, alarm in expected.items():
        inputs = {k: v for k, v in declared[name].items() if k != "alarmDescription"}
        assert inputs == alarm, name
        severity = name.rsplit("-", 1)[-1]
        assert declared[name]["alarmDescription"].startswith(f"{severity.upper()}: "), name
        assert declared[name]["alarmDescription"].endswith(
            f"Runbook: docs/runbooks/{alarm['tags']['Signal']}.md"
        )


def test_alarm_counts_per_stack() -> None:
    counts = {
        stack: sum(1 for r in run(stack).by_type(ALARM) if r.inputs["tags"].get("Signal")) for stack in STACKS
    }
    # 23 signals, 2 levels; ECS signals per service (2), Redis per node (1/2/3), replica lag per replica (0).
    assert counts == {"dev": 50, "staging": 56, "prod": 62}


def test_the_worker_and_relay_signals_alarm_on_the_service_metrics_of_the_environment() -> None:
    result = run("prod")
    dead = result.one(ALARM, "postings-prod-worker-dead-lettered-warning").inputs
    assert (dead["namespace"], dead["metricName"], dead["statistic"]) == (
        "Postings/Service",
        "postings_worker_messages_total",
        "Sum",
    )
    assert dead["dimensions"] == {"Environment": "prod", "outcome": "dead_lettered"}
    assert (dead["comparisonOperator"], dead["threshold"]) == ("GreaterThanThreshold", 0.0)
    assert dead["treatMissingData"] == "notBreaching"
    failures = result.one(ALARM, "postings-prod-outbox-publish-failures-critical").inputs
    assert (failures["metricName"], failures["dimensions"], failures["threshold"]) == (
        "postings_outbox_publish_failures_total",
        {"Environment": "prod"},
        30.0,
    )


def test_stack_overrides_reach_the_alarms() -> None:
    result = run("prod", alarmOverrides={"rds-connections": {"warning": 600, "critical": 800}})
    warning = result.one(ALARM, "postings-prod-rds-connections-warning").inputs
    critical = result.one(ALARM, "postings-prod-rds-connections-critical").inputs
    assert (warning["threshold"], critical["threshold"]) == (600.0, 800.0)
    assert warning["alarmDescription"].startswith("WARNING: rds-connections above 600 count.")


def test_dashboard_draws_every_signal_with_its_levels() -> None:
    result = run("dev")
    dashboard = result.one("aws:cloudwatch/dashboard:Dashboard", "postings-dev-dashboard").inputs
    assert dashboard["dashboardName"] == "postings-dev"
    widgets = json.loads(dashboard["dashboardBody"])["widgets"]
    titles = [w["properties"]["title"] for w in widgets]
    assert len(titles) == 25, titles
    by_title = {w["properties"]["title"]: w["properties"] for w in widgets}
    latency = by_title["alb-latency-p99 (s)"]
    assert latency["annotations"]["horizontal"][0]["value"] == 1
    assert latency["annotations"]["horizontal"][1]["value"] == 2.5
    assert latency["metrics"][0][:2] == ["AWS/ApplicationELB", "TargetResponseTime"]
    assert latency["metrics"][0][-1] == {"stat": "p99", "label": "alb-latency-p99"}
    status = by_title["opensearch-cluster-status (status)"]
    assert status["metrics"][0] == [
        {
            "expression": "IF(red >= 1, 2, IF(yellow >= 1, 1, 0))",
            "id": "value",
            "label": "opensearch-cluster-status",
        }
    ]
    assert "redis-cpu 001 (%)" in by_title
    assert "ecs-cpu worker (%)" in by_title
    assert dashboard["dashboardName"] == result.outputs["dashboardName"]


def test_blocked_requests_are_watched_on_the_stacks_web_acl_over_all_its_rules() -> None:
    result = run("prod")
    critical = result.one(ALARM, "postings-prod-waf-blocked-requests-critical").inputs
    assert (critical["namespace"], critical["metricName"], critical["statistic"]) == (
        "AWS/WAFV2",
        "BlockedRequests",
        "Sum",
    )
    web_acl = result.one("aws:wafv2/webAcl:WebAcl", "postings-prod-waf").inputs["name"]
    assert critical["dimensions"] == {"WebACL": web_acl, "Region": "eu-west-1", "Rule": "ALL"}
    assert (critical["threshold"], critical["treatMissingData"]) == (1000.0, "notBreaching")
    dashboard = result.one("aws:cloudwatch/dashboard:Dashboard", "postings-prod-dashboard").inputs
    widgets = {
        w["properties"]["title"]: w["properties"] for w in json.loads(dashboard["dashboardBody"])["widgets"]
    }
    assert widgets["waf-blocked-requests (count)"]["metrics"] == [
        [
            "AWS/WAFV2",
            "BlockedRequests",
            "Region",
            "eu-west-1",
            "Rule",
            "ALL",
            "WebACL",
            "postings-prod-waf",
            {"stat": "Sum", "label": "waf-blocked-requests"},
        ]
    ]
