"""Thresholds: each signal complete, with a runbook on disk, and overridable per stack through the config."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.config import ConfigError, load_config
from monitoring.thresholds import GIB, SIGNALS, Direction, Kind, Metric, Scope, Signal, with_overrides

ROOT = Path(__file__).resolve().parents[2]

WATCHED = {
    "alb-5xx-rate",
    "alb-latency-p99",
    "alb-unhealthy-targets",
    "waf-blocked-requests",
    "ecs-cpu",
    "ecs-memory",
    "ecs-running-below-desired",
    "rds-cpu",
    "rds-free-storage",
    "rds-connections",
    "rds-replica-lag",
    "redis-cpu",
    "redis-memory",
    "redis-evictions",
    "rabbitmq-queue-depth",
    "rabbitmq-messages-without-consumers",
    "opensearch-cluster-status",
    "opensearch-free-storage",
    "opensearch-jvm-pressure",
    "outbox-age",
    "consumer-lag",
    "worker-dead-lettered",
    "outbox-publish-failures",
}


def test_every_signal_the_issue_lists_is_watched() -> None:
    assert set(SIGNALS) == WATCHED


@pytest.mark.parametrize("signal_id", sorted(WATCHED))
def test_every_threshold_has_its_runbook_on_disk(signal_id: str) -> None:
    signal = SIGNALS[signal_id]
    assert signal.runbook == f"docs/runbooks/{signal_id}.md"
    text = (ROOT / signal.runbook).read_text()
    assert text.startswith(f"# {signal_id}\n"), signal.runbook


@pytest.mark.parametrize("signal_id", sorted(WATCHED))
def test_critical_is_at_least_as_bad_as_warning(signal_id: str) -> None:
    s = SIGNALS[signal_id]
    if s.direction is Direction.ABOVE:
        assert s.critical >= s.warning, signal_id
    else:
        assert s.critical <= s.warning, signal_id
    assert s.meaning.endswith("."), signal_id
    assert "\n" not in s.meaning, signal_id


def test_a_threshold_without_a_runbook_is_refused() -> None:
    with pytest.raises(ValueError, match="signal orphan: every threshold needs a runbook"):
        Signal(
            id="orphan",
            meaning="No runbook.",
            unit="%",
            direction=Direction.ABOVE,
            warning=1,
            critical=2,
            scope=Scope.DATABASE,
            metrics={"m1": Metric(namespace="AWS/RDS", name="CPUUtilization", statistic="Average")},
        )


def test_levels_in_the_wrong_order_are_refused() -> None:
    with pytest.raises(ValueError, match="critical 1 must be at least as bad as warning 5"):
        SIGNALS["rds-cpu"].with_levels(warning=5, critical=1)


def test_nagios_ranges_alert_on_the_same_side_as_the_alarm() -> None:
    assert (SIGNALS["rds-cpu"].nagios_range("warning"), SIGNALS["rds-cpu"].nagios_range("critical")) == (
        "80",
        "95",
    )
    free = SIGNALS["rds-free-storage"]
    assert (free.nagios_range("warning"), free.nagios_range("critical")) == (f"{5 * GIB}:", f"{2 * GIB}:")
    assert SIGNALS["alb-latency-p99"].nagios_range("critical") == "2.5"


def test_overrides_change_only_the_named_levels() -> None:
    signals = with_overrides(
        {"rds-connections": {"warning": 600, "critical": 800}, "rds-cpu": {"critical": 99}}
    )
    assert (signals["rds-connections"].warning, signals["rds-connections"].critical) == (600, 800)
    assert (signals["rds-cpu"].warning, signals["rds-cpu"].critical) == (80, 99)
    assert signals["redis-cpu"] is SIGNALS["redis-cpu"]


def overridden(overrides: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config({"postings:imageTag": "1.0.0", "postings:alarmOverrides": overrides}, "dev")
    return caught.value.problems


def test_stack_config_overrides_are_validated_against_the_known_signals() -> None:
    config = load_config(
        {"postings:imageTag": "1.0.0", "postings:alarmOverrides": '{"rds-connections": {"warning": 70}}'},
        "dev",
    )
    assert config.signals["rds-connections"].warning == 70
    assert config.signals["rds-connections"].critical == 80
    (problem,) = overridden('{"rds-conections": {}}')
    assert problem.startswith(
        "postings:alarmOverrides = {\"rds-conections\": {}}: unknown signal(s) ['rds-conections']; known: "
    )
    (problem,) = overridden('{"rds-cpu": {"warning": 90, "critical": 85}}')
    assert "rds-cpu: critical 85.0 must be at least as bad as warning 90.0" in problem
    assert overridden('{"rds-cpu": {"severe": 1}}') == ["postings:alarmOverrides.rds-cpu.severe: unknown key"]


def test_readme_signals_table_is_current() -> None:
    from monitoring.thresholds import markdown_table

    readme = (ROOT / "monitoring" / "README.md").read_text()
    start = readme.index("<!-- signals-table")
    end = readme.index("<!-- /signals-table -->")
    assert readme[readme.index("\n", start) + 1 : end].strip() == markdown_table(), (
        "monitoring/README.md's signals table is stale: paste monitoring.thresholds.markdown_table()"
    )


def test_every_signal_the_service_exports_is_read_the_same_way_everywhere() -> None:
    """The CloudWatch metric (EMF), the PromQL and the scraped sample of a service signal name one metric."""
    for signal in SIGNALS.values():
        if signal.scope is not Scope.SERVICE:
            assert signal.scraped is None, signal.id
            continue
        assert signal.scraped is not None, signal.id
        assert signal.prometheus is not None, signal.id
        (metric,) = signal.metrics.values()
        assert signal.scraped.name == metric.name, signal.id
        assert signal.scraped.name in signal.prometheus, signal.id
        assert signal.scraped.labels == metric.extra_dimensions, signal.id
        counter = signal.scraped.kind is Kind.COUNTER
        assert (metric.statistic == "Sum") is counter, signal.id
        assert metric.name.endswith("_total") is counter, signal.id
