"""The one source of thresholds: every signal we watch, its warning and critical levels, unit and runbook.

CloudWatch alarms (infra/components/alarms.py), the CloudWatch and Grafana dashboards and the Nagios
checks' default `-w`/`-c` all read these. A stack changes levels through `alarmOverrides` in its config.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNBOOK_DIR = "docs/runbooks"
GIB = 1024**3
MINUTE = 60


class Direction(enum.Enum):
    """Which side of a level is bad. `above` alerts when the value exceeds the level (Nagios `-w 10`);
    `below` alerts when it falls under it (Nagios `-w 10:`). Equality is never an alert, in either."""

    ABOVE = "above"
    BELOW = "below"

    @property
    def comparison(self) -> str:
        """The CloudWatch comparison operator that alerts on the same values as the Nagios range."""
        return "GreaterThanThreshold" if self is Direction.ABOVE else "LessThanThreshold"


class Scope(enum.Enum):
    """What one alarm of a signal is about; the alarms component knows each scope's dimensions."""

    TARGET_GROUP = "target_group"
    """The ALB and the api's target group: LoadBalancer and TargetGroup."""
    ECS_SERVICE = "ecs_service"
    """Each ECS service (api, worker): ClusterName and ServiceName."""
    DATABASE = "database"
    """The RDS instance: DBInstanceIdentifier."""
    DATABASE_REPLICA = "database_replica"
    """Each RDS read replica (none declared yet): DBInstanceIdentifier."""
    CACHE_NODE = "cache_node"
    """Each Redis node of the replication group: CacheClusterId."""
    BROKER = "broker"
    """The Amazon MQ broker: Broker."""
    QUEUE = "queue"
    """The indexer's queue on the broker: Broker, VirtualHost and Queue."""
    SEARCH = "search"
    """The OpenSearch domain: DomainName and ClientId (the account)."""
    SERVICE = "service"
    """The postings service's own metrics, shipped by the collector: Environment (and queue)."""
    WEB_ACL = "web_acl"
    """The WAF web ACL in front of the ALB: WebACL and Region (the signal picks the Rule)."""


@dataclass(frozen=True, kw_only=True)
class Metric:
    """One CloudWatch metric; the scope supplies its dimension values."""

    namespace: str
    name: str
    statistic: str
    """Average, Maximum, Minimum, Sum, or a percentile such as p99."""
    extra_dimensions: tuple[tuple[str, str], ...] = ()
    """Dimensions fixed by the signal rather than the scope (e.g. the queue name)."""

    @property
    def is_percentile(self) -> bool:
        return self.statistic.startswith("p")


class Kind(enum.Enum):
    """How a scraped series becomes the signal's value: a gauge is read, a counter's increase is taken."""

    GAUGE = "gauge"
    COUNTER = "counter"


@dataclass(frozen=True, kw_only=True)
class Scraped:
    """The signal as one scrape of a service process's /metrics gives it (what a Nagios check reads):
    the largest matching gauge, or the matching counters' increase per minute, summed over series."""

    name: str
    """The sample's name as exposed (`..._total` for a counter)."""
    kind: Kind
    labels: tuple[tuple[str, str], ...] = ()
    """Label values a sample must have to count."""


@dataclass(frozen=True, kw_only=True)
class Signal:
    """One thing we watch: what the value means, when it warns, when it is critical, what to do."""

    id: str
    meaning: str
    """One line: what the value is and why it matters."""
    unit: str
    """Unit of the value and the levels (as CloudWatch reports it)."""
    direction: Direction
    warning: float
    critical: float
    scope: Scope
    metrics: Mapping[str, Metric]
    """The metrics the value is computed from, by id; one metric is the value itself."""
    expression: str | None = None
    """CloudWatch metric math over `metrics` when the value is derived (a rate, a ratio)."""
    period: int = MINUTE
    """Seconds per datapoint."""
    evaluation_periods: int = 5
    """Datapoints considered."""
    datapoints_to_alarm: int = 3
    """Of those, how many must breach."""
    missing_data: str = "missing"
    """CloudWatch's treatment of missing datapoints (missing, notBreaching, breaching, ignore)."""
    runbook: str = ""
    """Path of the runbook, relative to the repository root."""
    prometheus: str | None = None
    """The same value in PromQL, for signals the service exports itself (Grafana, Nagios)."""
    scraped: Scraped | None = None
    """The same value from one process's /metrics, for signals the service exports itself (Nagios)."""
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.runbook:
            raise ValueError(f"signal {self.id}: every threshold needs a runbook (docs/runbooks/<id>.md)")
        if len(self.metrics) != 1 and self.expression is None:
            raise ValueError(f"signal {self.id}: {len(self.metrics)} metrics need an expression")
        if not 1 <= self.datapoints_to_alarm <= self.evaluation_periods:
            raise ValueError(f"signal {self.id}: datapoints_to_alarm must be 1..evaluation_periods")
        worse = (
            self.critical >= self.warning
            if self.direction is Direction.ABOVE
            else (self.critical <= self.warning)
        )
        if not worse:
            raise ValueError(
                f"signal {self.id}: critical {self.critical} must be at least as bad as warning "
                f"{self.warning} for a value that alerts {self.direction.value} its levels"
            )

    def level(self, severity: str) -> float:
        if severity == "warning":
            return self.warning
        if severity == "critical":
            return self.critical
        raise ValueError(f"severity is warning or critical, not {severity!r}")

    def nagios_range(self, severity: str) -> str:
        """The level as a Nagios range alerting on exactly the values the CloudWatch alarm does
        (strictly beyond the level); `-w`/`-c` of the checks default to these."""
        value = _number(self.level(severity))
        return value if self.direction is Direction.ABOVE else f"{value}:"

    def with_levels(self, *, warning: float | None = None, critical: float | None = None) -> Signal:
        """A copy with overridden levels, validated like the original."""
        return replace(
            self,
            warning=self.warning if warning is None else warning,
            critical=self.critical if critical is None else critical,
        )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _runbook(signal_id: str) -> str:
    return f"{RUNBOOK_DIR}/{signal_id}.md"


def _one(namespace: str, name: str, statistic: str, *extra: tuple[str, str]) -> Mapping[str, Metric]:
    return {"m1": Metric(namespace=namespace, name=name, statistic=statistic, extra_dimensions=tuple(extra))}


ALB = "AWS/ApplicationELB"
ECS = "AWS/ECS"
INSIGHTS = "ECS/ContainerInsights"
RDS = "AWS/RDS"
REDIS = "AWS/ElastiCache"
MQ = "AWS/AmazonMQ"
ES = "AWS/ES"
WAF = "AWS/WAFV2"
WAF_ALL_RULES = ("Rule", "ALL")
"""The Rule dimension value of a web ACL's totals over all its rules."""
SERVICE_NAMESPACE = "Postings/Service"
INDEXER_QUEUE = "postings.search-indexer"
VIRTUAL_HOST = "/"

_ABOVE = Direction.ABOVE
_BELOW = Direction.BELOW

_SIGNALS: tuple[Signal, ...] = (
    Signal(
        id="alb-5xx-rate",
        meaning="Share of requests the api answered with a 5xx: users see errors.",
        unit="%",
        direction=_ABOVE,
        warning=1,
        critical=5,
        scope=Scope.TARGET_GROUP,
        metrics={
            "errors": Metric(namespace=ALB, name="HTTPCode_Target_5XX_Count", statistic="Sum"),
            "requests": Metric(namespace=ALB, name="RequestCount", statistic="Sum"),
        },
        expression="IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)",
        missing_data="notBreaching",
        runbook=_runbook("alb-5xx-rate"),
    ),
    Signal(
        id="alb-latency-p99",
        meaning="99th percentile of the api's response time at the load balancer: users wait.",
        unit="s",
        direction=_ABOVE,
        warning=1,
        critical=2.5,
        scope=Scope.TARGET_GROUP,
        metrics=_one(ALB, "TargetResponseTime", "p99"),
        missing_data="notBreaching",
        runbook=_runbook("alb-latency-p99"),
        prometheus=(
            "histogram_quantile(0.99, sum by (le) (rate(postings_http_request_duration_seconds_bucket[5m])))"
        ),
    ),
    Signal(
        id="alb-unhealthy-targets",
        meaning="api tasks failing the load balancer's health check: capacity is gone or going.",
        unit="count",
        direction=_ABOVE,
        warning=0,
        critical=1,
        scope=Scope.TARGET_GROUP,
        metrics=_one(ALB, "UnHealthyHostCount", "Maximum"),
        evaluation_periods=3,
        datapoints_to_alarm=2,
        runbook=_runbook("alb-unhealthy-targets"),
    ),
    Signal(
        id="waf-blocked-requests",
        meaning="Requests the WAF blocked per minute: a flood, a scan, or a rule that blocks real users.",
        unit="count",
        direction=_ABOVE,
        warning=100,
        critical=1000,
        scope=Scope.WEB_ACL,
        metrics=_one(WAF, "BlockedRequests", "Sum", WAF_ALL_RULES),
        evaluation_periods=3,
        datapoints_to_alarm=2,
        missing_data="notBreaching",
        runbook=_runbook("waf-blocked-requests"),
    ),
    Signal(
        id="ecs-cpu",
        meaning="Average CPU of a service's tasks; sustained high CPU means autoscaling is at its ceiling.",
        unit="%",
        direction=_ABOVE,
        warning=80,
        critical=95,
        scope=Scope.ECS_SERVICE,
        metrics=_one(ECS, "CPUUtilization", "Average"),
        evaluation_periods=10,
        datapoints_to_alarm=8,
        runbook=_runbook("ecs-cpu"),
    ),
    Signal(
        id="ecs-memory",
        meaning="Average memory of a service's tasks; at 100% tasks are killed out of memory.",
        unit="%",
        direction=_ABOVE,
        warning=80,
        critical=95,
        scope=Scope.ECS_SERVICE,
        metrics=_one(ECS, "MemoryUtilization", "Average"),
        runbook=_runbook("ecs-memory"),
    ),
    Signal(
        id="ecs-running-below-desired",
        meaning="Running tasks as a share of desired: tasks crash, cannot start or cannot be placed.",
        unit="%",
        direction=_BELOW,
        warning=100,
        critical=50,
        scope=Scope.ECS_SERVICE,
        metrics={
            "running": Metric(namespace=INSIGHTS, name="RunningTaskCount", statistic="Minimum"),
            "desired": Metric(namespace=INSIGHTS, name="DesiredTaskCount", statistic="Maximum"),
        },
        expression="IF(desired > 0, 100 * running / desired, 100)",
        evaluation_periods=5,
        datapoints_to_alarm=5,
        runbook=_runbook("ecs-running-below-desired"),
    ),
    Signal(
        id="rds-cpu",
        meaning="CPU of the MySQL instance; sustained high CPU slows every query.",
        unit="%",
        direction=_ABOVE,
        warning=80,
        critical=95,
        scope=Scope.DATABASE,
        metrics=_one(RDS, "CPUUtilization", "Average"),
        evaluation_periods=10,
        datapoints_to_alarm=8,
        runbook=_runbook("rds-cpu"),
    ),
    Signal(
        id="rds-free-storage",
        meaning="Free storage of the MySQL instance; at zero MySQL stops accepting writes.",
        unit="Bytes",
        direction=_BELOW,
        warning=5 * GIB,
        critical=2 * GIB,
        scope=Scope.DATABASE,
        metrics=_one(RDS, "FreeStorageSpace", "Minimum"),
        runbook=_runbook("rds-free-storage"),
    ),
    Signal(
        id="rds-connections",
        meaning="Open MySQL connections; near max_connections new requests fail to connect.",
        unit="count",
        direction=_ABOVE,
        warning=60,
        critical=80,
        scope=Scope.DATABASE,
        metrics=_one(RDS, "DatabaseConnections", "Maximum"),
        runbook=_runbook("rds-connections"),
    ),
    Signal(
        id="rds-replica-lag",
        meaning="Seconds a read replica is behind the primary; readers see stale data.",
        unit="Seconds",
        direction=_ABOVE,
        warning=30,
        critical=300,
        scope=Scope.DATABASE_REPLICA,
        metrics=_one(RDS, "ReplicaLag", "Maximum"),
        runbook=_runbook("rds-replica-lag"),
    ),
    Signal(
        id="redis-cpu",
        meaning="CPU of the Redis engine thread; Redis is single-threaded, so 90% is its ceiling.",
        unit="%",
        direction=_ABOVE,
        warning=75,
        critical=90,
        scope=Scope.CACHE_NODE,
        metrics=_one(REDIS, "EngineCPUUtilization", "Average"),
        runbook=_runbook("redis-cpu"),
    ),
    Signal(
        id="redis-memory",
        meaning="Share of Redis maxmemory in use; beyond it keys are evicted.",
        unit="%",
        direction=_ABOVE,
        warning=80,
        critical=90,
        scope=Scope.CACHE_NODE,
        metrics=_one(REDIS, "DatabaseMemoryUsagePercentage", "Maximum"),
        runbook=_runbook("redis-memory"),
    ),
    Signal(
        id="redis-evictions",
        meaning="Keys Redis evicted for lack of memory per minute; the cache hit rate drops.",
        unit="count",
        direction=_ABOVE,
        warning=0,
        critical=100,
        scope=Scope.CACHE_NODE,
        metrics=_one(REDIS, "Evictions", "Sum"),
        missing_data="notBreaching",
        runbook=_runbook("redis-evictions"),
    ),
    Signal(
        id="rabbitmq-queue-depth",
        meaning="Messages waiting in the indexer's queue; search results fall behind the writes.",
        unit="count",
        direction=_ABOVE,
        warning=1000,
        critical=10000,
        scope=Scope.QUEUE,
        metrics=_one(MQ, "MessageCount", "Maximum"),
        runbook=_runbook("rabbitmq-queue-depth"),
    ),
    Signal(
        id="rabbitmq-messages-without-consumers",
        meaning="Messages ready in the indexer's queue while no worker consumes it; nothing drains it.",
        unit="count",
        direction=_ABOVE,
        warning=0,
        critical=100,
        scope=Scope.QUEUE,
        metrics={
            "ready": Metric(namespace=MQ, name="MessageReadyCount", statistic="Maximum"),
            "consumers": Metric(namespace=MQ, name="ConsumerCount", statistic="Minimum"),
        },
        expression="IF(consumers < 1, ready, 0)",
        runbook=_runbook("rabbitmq-messages-without-consumers"),
    ),
    Signal(
        id="opensearch-cluster-status",
        meaning="OpenSearch health: 0 green, 1 yellow (replicas unassigned), 2 red (primaries lost).",
        unit="status",
        direction=_ABOVE,
        warning=0,
        critical=1,
        scope=Scope.SEARCH,
        metrics={
            "red": Metric(namespace=ES, name="ClusterStatus.red", statistic="Maximum"),
            "yellow": Metric(namespace=ES, name="ClusterStatus.yellow", statistic="Maximum"),
        },
        expression="IF(red >= 1, 2, IF(yellow >= 1, 1, 0))",
        runbook=_runbook("opensearch-cluster-status"),
    ),
    Signal(
        id="opensearch-free-storage",
        meaning="Free storage of the smallest OpenSearch node; at its watermark writes are blocked.",
        unit="Megabytes",
        direction=_BELOW,
        warning=2048,
        critical=1024,
        scope=Scope.SEARCH,
        metrics=_one(ES, "FreeStorageSpace", "Minimum"),
        runbook=_runbook("opensearch-free-storage"),
    ),
    Signal(
        id="opensearch-jvm-pressure",
        meaning="JVM heap pressure of the busiest OpenSearch node; at 92%+ it rejects requests.",
        unit="%",
        direction=_ABOVE,
        warning=80,
        critical=92,
        scope=Scope.SEARCH,
        metrics=_one(ES, "JVMMemoryPressure", "Maximum"),
        runbook=_runbook("opensearch-jvm-pressure"),
    ),
    Signal(
        id="outbox-age",
        meaning="Age of the oldest event not yet confirmed by the broker; the search index falls behind.",
        unit="Seconds",
        direction=_ABOVE,
        warning=60,
        critical=300,
        scope=Scope.SERVICE,
        metrics=_one(SERVICE_NAMESPACE, "postings_outbox_oldest_age_seconds", "Maximum"),
        runbook=_runbook("outbox-age"),
        prometheus="max(postings_outbox_oldest_age_seconds)",
        scraped=Scraped(name="postings_outbox_oldest_age_seconds", kind=Kind.GAUGE),
    ),
    Signal(
        id="consumer-lag",
        meaning="Messages waiting for the search indexer, as the service reads its queue.",
        unit="count",
        direction=_ABOVE,
        warning=1000,
        critical=10000,
        scope=Scope.SERVICE,
        metrics=_one(
            SERVICE_NAMESPACE, "postings_consumer_lag_messages", "Maximum", ("queue", INDEXER_QUEUE)
        ),
        runbook=_runbook("consumer-lag"),
        prometheus=f'max(postings_consumer_lag_messages{{queue="{INDEXER_QUEUE}"}})',
        scraped=Scraped(
            name="postings_consumer_lag_messages", kind=Kind.GAUGE, labels=(("queue", INDEXER_QUEUE),)
        ),
    ),
    # Counters reach CloudWatch as EMF: the collector's awsemf exporter sends each counter's increase
    # since its previous scrape of the same series (task), so the per-minute Sum is the count per minute.
    Signal(
        id="worker-dead-lettered",
        meaning="Messages the worker gave up on per minute; those postings never reach search unaided.",
        unit="count",
        direction=_ABOVE,
        warning=0,
        critical=10,
        scope=Scope.SERVICE,
        metrics=_one(
            SERVICE_NAMESPACE, "postings_worker_messages_total", "Sum", ("outcome", "dead_lettered")
        ),
        evaluation_periods=3,
        datapoints_to_alarm=1,
        missing_data="notBreaching",
        runbook=_runbook("worker-dead-lettered"),
        prometheus='60 * sum(rate(postings_worker_messages_total{outcome="dead_lettered"}[5m]))',
        scraped=Scraped(
            name="postings_worker_messages_total", kind=Kind.COUNTER, labels=(("outcome", "dead_lettered"),)
        ),
    ),
    Signal(
        id="outbox-publish-failures",
        meaning="Outbox publishes the broker did not confirm per minute; events wait in the outbox.",
        unit="count",
        direction=_ABOVE,
        warning=5,
        critical=30,
        scope=Scope.SERVICE,
        metrics=_one(SERVICE_NAMESPACE, "postings_outbox_publish_failures_total", "Sum"),
        missing_data="notBreaching",
        runbook=_runbook("outbox-publish-failures"),
        prometheus="60 * sum(rate(postings_outbox_publish_failures_total[5m]))",
        scraped=Scraped(name="postings_outbox_publish_failures_total", kind=Kind.COUNTER),
    ),
)

SIGNALS: Mapping[str, Signal] = {signal.id: signal for signal in _SIGNALS}
SEVERITIES = ("warning", "critical")


class UnknownSignalError(KeyError):
    """An override names a signal that does not exist; the message lists the known ids."""

    def __init__(self, signal_id: str) -> None:
        super().__init__(f"unknown signal {signal_id!r}; known signals: {', '.join(sorted(SIGNALS))}")


def signal(signal_id: str) -> Signal:
    try:
        return SIGNALS[signal_id]
    except KeyError:
        raise UnknownSignalError(signal_id) from None


def with_overrides(overrides: Mapping[str, Mapping[str, float]]) -> dict[str, Signal]:
    """Every signal, with the levels a stack overrides (`{id: {"warning": .., "critical": ..}}`)."""
    signals = dict(SIGNALS)
    for signal_id, levels in overrides.items():
        unknown = set(levels) - set(SEVERITIES)
        if unknown:
            raise ValueError(
                f"signal {signal_id}: only warning and critical can be overridden, not {unknown}"
            )
        signals[signal_id] = signal(signal_id).with_levels(
            warning=levels.get("warning"), critical=levels.get("critical")
        )
    return signals


def _level(signal: Signal, severity: str) -> str:
    value = signal.level(severity)
    shown = f"{value / GIB:g} GiB" if signal.unit == "Bytes" else f"{value:g} {signal.unit}"
    return ("> " if signal.direction is Direction.ABOVE else "< ") + shown


def markdown_table() -> str:
    """The signals as monitoring/README.md lists them (a test keeps the README current)."""
    rows = ["| signal | warning | critical | scope | meaning | runbook |", "|---|---|---|---|---|---|"]
    rows += [
        f"| `{s.id}` | {_level(s, 'warning')} | {_level(s, 'critical')} | {s.scope.value} | {s.meaning} "
        f"| [{s.id}](../{s.runbook}) |"
        for s in SIGNALS.values()
    ]
    return "\n".join(rows)
