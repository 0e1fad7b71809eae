"""CloudWatch alarms and the environment's dashboard, generated from monitoring/thresholds.py, to SNS."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pulumi
import pulumi_aws as aws

from monitoring.thresholds import INDEXER_QUEUE, SEVERITIES, VIRTUAL_HOST, Scope, Signal

V = TypeVar("V")
VALUE_ID = "value"
DASHBOARD_WIDTH = 8
DASHBOARD_HEIGHT = 6


@dataclass(frozen=True, kw_only=True)
class AlarmTargets(Generic[V]):
    """The deployed resources each scope's alarms are about (values are Inputs in the program)."""

    environment: str
    load_balancer: V
    """ALB ARN suffix (`app/<name>/<id>`)."""
    target_group: V
    """Target group ARN suffix (`targetgroup/<name>/<id>`)."""
    cluster_name: V
    services: Mapping[str, V]
    """ECS service names by role (api, worker)."""
    database: str
    """RDS instance identifier."""
    cache_nodes: Sequence[str]
    """Member cluster ids of the Redis replication group (`<group>-001`, ...)."""
    broker: str
    """Amazon MQ broker name."""
    search_domain: str
    account_id: V
    web_acl: V
    """Name of the WAF web ACL in front of the ALB."""
    region: str
    """The web ACL's region (a dimension of regional WAF metrics)."""
    database_replicas: Sequence[str] = ()
    """RDS read replica identifiers (none yet)."""


@dataclass(frozen=True, kw_only=True)
class AlarmSpec(Generic[V]):
    """One CloudWatch alarm: a signal at one level for one instance of its scope."""

    name: str
    signal: Signal
    severity: str
    instance: str
    dimensions: Mapping[str, V]

    @property
    def threshold(self) -> float:
        return self.signal.level(self.severity)

    @property
    def description(self) -> str:
        s = self.signal
        subject = f" ({self.instance})" if self.instance else ""
        return (
            f"{self.severity.upper()}: {s.id}{subject} {s.direction.value} {self.threshold:g} {s.unit}. "
            f"{s.meaning} Runbook: {s.runbook}"
        )

    def metric_queries(self) -> list[dict[str, Any]]:
        """Metric math queries (`expression` signals), each metric with this instance's dimensions."""
        queries: list[dict[str, Any]] = [
            {
                "id": metric_id,
                "return_data": False,
                "metric": {
                    "namespace": metric.namespace,
                    "metric_name": metric.name,
                    "dimensions": {**self.dimensions, **dict(metric.extra_dimensions)},
                    "period": self.signal.period,
                    "stat": metric.statistic,
                },
            }
            for metric_id, metric in sorted(self.signal.metrics.items())
        ]
        queries.append(
            {
                "id": VALUE_ID,
                "expression": self.signal.expression,
                "label": self.signal.id,
                "return_data": True,
            }
        )
        return queries


def scope_instances(scope: Scope, t: AlarmTargets[V]) -> list[tuple[str, dict[str, V | str]]]:
    """(instance label, dimensions) of every resource a signal of `scope` watches in one environment."""
    if scope is Scope.TARGET_GROUP:
        return [("", {"LoadBalancer": t.load_balancer, "TargetGroup": t.target_group})]
    if scope is Scope.ECS_SERVICE:
        return [
            (role, {"ClusterName": t.cluster_name, "ServiceName": service})
            for role, service in sorted(t.services.items())
        ]
    if scope is Scope.DATABASE:
        return [("", {"DBInstanceIdentifier": t.database})]
    if scope is Scope.DATABASE_REPLICA:
        return [(replica, {"DBInstanceIdentifier": replica}) for replica in t.database_replicas]
    if scope is Scope.CACHE_NODE:
        return [(node.rsplit("-", 1)[-1], {"CacheClusterId": node}) for node in t.cache_nodes]
    if scope is Scope.BROKER:
        return [("", {"Broker": t.broker})]
    if scope is Scope.QUEUE:
        return [("", {"Broker": t.broker, "VirtualHost": VIRTUAL_HOST, "Queue": INDEXER_QUEUE})]
    if scope is Scope.SEARCH:
        return [("", {"DomainName": t.search_domain, "ClientId": t.account_id})]
    if scope is Scope.WEB_ACL:
        return [("", {"WebACL": t.web_acl, "Region": t.region})]
    return [("", {"Environment": t.environment})]


def alarm_specs(prefix: str, signals: Mapping[str, Signal], targets: AlarmTargets[V]) -> list[AlarmSpec[Any]]:
    """Two alarms (warning, critical) per signal and watched instance, named
    `<prefix>-<signal>[-<instance>]-<severity>`."""
    specs: list[AlarmSpec[Any]] = []
    for signal in signals.values():
        for instance, dimensions in scope_instances(signal.scope, targets):
            stem = f"{prefix}-{signal.id}" + (f"-{instance}" if instance else "")
            specs.extend(
                AlarmSpec(
                    name=f"{stem}-{severity}",
                    signal=signal,
                    severity=severity,
                    instance=instance,
                    dimensions=dimensions,
                )
                for severity in SEVERITIES
            )
    return specs


def cache_node_ids(replication_group_id: str, replicas: int) -> list[str]:
    """ElastiCache names a non-clustered replication group's members `<group>-001`, `-002`, ..."""
    return [f"{replication_group_id}-{i:03d}" for i in range(1, replicas + 2)]


def dashboard_body(region: str, specs: Sequence[AlarmSpec[str]]) -> str:
    """One graph per signal and instance, with the warning and critical levels drawn on it."""
    widgets: list[dict[str, Any]] = []
    critical = [s for s in specs if s.severity == "critical"]
    for index, spec in enumerate(critical):
        signal = spec.signal
        if signal.expression is None:
            (metric,) = signal.metrics.values()
            dims = {**spec.dimensions, **dict(metric.extra_dimensions)}
            flat: list[Any] = [metric.namespace, metric.name]
            for key, value in sorted(dims.items()):
                flat.extend([key, value])
            flat.append({"stat": metric.statistic, "label": signal.id})
            metrics: list[list[Any]] = [flat]
        else:
            metrics = [[{"expression": signal.expression, "id": VALUE_ID, "label": signal.id}]]
            for metric_id, metric in sorted(signal.metrics.items()):
                row: list[Any] = [metric.namespace, metric.name]
                for key, value in sorted({**spec.dimensions, **dict(metric.extra_dimensions)}.items()):
                    row.extend([key, value])
                row.append({"stat": metric.statistic, "id": metric_id, "visible": False})
                metrics.append(row)
        widgets.append(
            {
                "type": "metric",
                "x": (index % 3) * DASHBOARD_WIDTH,
                "y": (index // 3) * DASHBOARD_HEIGHT,
                "width": DASHBOARD_WIDTH,
                "height": DASHBOARD_HEIGHT,
                "properties": {
                    "title": f"{signal.id} {spec.instance}".strip() + f" ({signal.unit})",
                    "region": region,
                    "view": "timeSeries",
                    "period": signal.period,
                    "metrics": metrics,
                    "annotations": {
                        "horizontal": [
                            {"label": "warning", "value": signal.warning, "color": "#ff9900"},
                            {"label": "critical", "value": signal.critical, "color": "#d13212"},
                        ]
                    },
                },
            }
        )
    return json.dumps({"widgets": widgets}, sort_keys=True)


@dataclass(frozen=True, kw_only=True)
class AlarmsArgs:
    signals: Mapping[str, Signal]
    """Every signal with the stack's overrides applied (`StackConfig.signals`)."""
    topic_arn: pulumi.Input[str]
    """SNS topic that receives ALARM and OK transitions."""
    region: str
    """Region of the dashboard's metrics."""
    environment: str
    """Environment name, the dimension of the service's own metrics."""
    load_balancer_arn_suffix: pulumi.Input[str]
    """ALB ARN suffix."""
    target_group_arn_suffix: pulumi.Input[str]
    """The api target group's ARN suffix."""
    cluster_name: pulumi.Input[str]
    """ECS cluster name."""
    service_names: Mapping[str, pulumi.Input[str]]
    """ECS service names by role."""
    database_identifier: str
    """RDS instance identifier."""
    cache_node_ids: Sequence[str]
    """Redis member cluster ids."""
    broker_name: str
    """Amazon MQ broker name."""
    search_domain_name: str
    """OpenSearch domain name."""
    account_id: pulumi.Input[str]
    """The account id (OpenSearch metrics' ClientId)."""
    web_acl_name: pulumi.Input[str]
    """Name of the WAF web ACL in front of the ALB."""
    database_replica_identifiers: Sequence[str] = field(default_factory=tuple)
    """RDS read replica identifiers."""


class Alarms(pulumi.ComponentResource):
    """Every threshold as a warning and a critical alarm, and a dashboard drawing them, per environment."""

    alarm_names: pulumi.Output[list[str]]
    dashboard_name: pulumi.Output[str]

    def __init__(self, name: str, args: AlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:Alarms", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        targets: AlarmTargets[pulumi.Input[str]] = AlarmTargets(
            environment=args.environment,
            load_balancer=args.load_balancer_arn_suffix,
            target_group=args.target_group_arn_suffix,
            cluster_name=args.cluster_name,
            services=args.service_names,
            database=args.database_identifier,
            database_replicas=args.database_replica_identifiers,
            cache_nodes=args.cache_node_ids,
            broker=args.broker_name,
            search_domain=args.search_domain_name,
            account_id=args.account_id,
            web_acl=args.web_acl_name,
            region=args.region,
        )
        alarms = [
            self._alarm(spec, args.topic_arn, child) for spec in alarm_specs(name, args.signals, targets)
        ]

        resolved = pulumi.Output.all(
            load_balancer=args.load_balancer_arn_suffix,
            target_group=args.target_group_arn_suffix,
            cluster_name=args.cluster_name,
            account_id=args.account_id,
            web_acl=args.web_acl_name,
            services=pulumi.Output.from_input(dict(args.service_names)),
        )
        body = resolved.apply(
            lambda v: dashboard_body(
                args.region,
                alarm_specs(
                    name,
                    args.signals,
                    AlarmTargets(
                        environment=args.environment,
                        load_balancer=str(v["load_balancer"]),
                        target_group=str(v["target_group"]),
                        cluster_name=str(v["cluster_name"]),
                        services={k: str(s) for k, s in v["services"].items()},
                        database=args.database_identifier,
                        database_replicas=args.database_replica_identifiers,
                        cache_nodes=args.cache_node_ids,
                        broker=args.broker_name,
                        search_domain=args.search_domain_name,
                        account_id=str(v["account_id"]),
                        web_acl=str(v["web_acl"]),
                        region=args.region,
                    ),
                ),
            )
        )
        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard", dashboard_name=name, dashboard_body=body, opts=child
        )
        self.alarm_names = pulumi.Output.all(*[alarm.name for alarm in alarms])
        self.dashboard_name = dashboard.dashboard_name
        self.register_outputs({"alarm_names": self.alarm_names, "dashboard_name": self.dashboard_name})

    @staticmethod
    def _alarm(
        spec: AlarmSpec[pulumi.Input[str]], topic_arn: pulumi.Input[str], opts: pulumi.ResourceOptions
    ) -> aws.cloudwatch.MetricAlarm:
        signal = spec.signal
        # A single metric is alarmed on directly; a derived value (a rate, a ratio) through metric math.
        metric = next(iter(signal.metrics.values())) if signal.expression is None else None
        queries = (
            None
            if metric is not None
            else [
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id=q["id"],
                    expression=q.get("expression"),
                    label=q.get("label"),
                    return_data=q["return_data"],
                    metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(**q["metric"])
                    if "metric" in q
                    else None,
                )
                for q in spec.metric_queries()
            ]
        )
        percentile = metric is not None and metric.is_percentile
        return aws.cloudwatch.MetricAlarm(
            spec.name,
            name=spec.name,
            alarm_description=spec.description,
            comparison_operator=signal.direction.comparison,
            threshold=spec.threshold,
            evaluation_periods=signal.evaluation_periods,
            datapoints_to_alarm=signal.datapoints_to_alarm,
            treat_missing_data=signal.missing_data,
            alarm_actions=[topic_arn],
            ok_actions=[topic_arn],
            namespace=metric.namespace if metric else None,
            metric_name=metric.name if metric else None,
            period=signal.period if metric else None,
            dimensions={**spec.dimensions, **dict(metric.extra_dimensions)} if metric else None,
            statistic=metric.statistic if metric and not percentile else None,
            extended_statistic=metric.statistic if metric and percentile else None,
            metric_queries=queries,
            tags={"Signal": signal.id, "Severity": spec.severity},
            opts=opts,
        )
