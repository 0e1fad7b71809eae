"""Pricing a small plan with round prices: every line, tier and the total worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from infra.cost.estimate import dollars, estimate
from infra.cost.usage import with_overrides
from tests.infra.cost.conftest import make_snapshot, resource, small_plan


def test_every_line_tier_and_total_of_a_small_plan(usage: dict[str, Decimal]) -> None:
    result = estimate(small_plan(), make_snapshot(), usage)
    lines = {(line.name, line.what): line for line in result.lines}
    amounts = {key: dollars(line.monthly) for key, line in lines.items()}
    assert amounts == {
        # NAT gateway: 730 h x $0.05 = $36.50; natGbPerMonth 50 GB over 1 gateway x $0.05 = $2.50
        ("nat-0", "gateway-hours"): Decimal("36.50"),
        ("nat-0", "GB processed (natGbPerMonth / 1 gateway(s))"): Decimal("2.50"),
        # its Elastic IP: 730 h x $0.005 = $3.65
        ("nat-0-eip", "public IPv4 address-hours"): Decimal("3.65"),
        # ALB: 730 h x $0.025 = $18.25; public IPv4 in 2 zones: 1,460 h x $0.005 = $7.30
        ("alb", "load balancer-hours"): Decimal("18.25"),
        ("alb", "public IPv4 address-hours (2 zones)"): Decimal("7.30"),
        # LCU: 10M requests x 20 KiB = 190.73 GiB over 730 h = 0.2613 GB/h (> 3.8 new conn/s / 25 = 0.152)
        # -> 190.7349 LCU-h x $0.008 = $1.5259
        ("alb", "LCU-hours (0.261 LCU from requestsPerMonth)"): Decimal("1.53"),
        # 2 tasks x 0.5 vCPU x 730 h = 730 vCPU-h x $0.04 = $29.20;
        # 2 x 1 GB x 730 h = 1,460 GB-h x $0.005 = $7.30
        ("api-service", "2 task(s) (desiredCount): vCPU-hours"): Decimal("29.20"),
        ("api-service", "2 task(s) (desiredCount): GB-hours"): Decimal("7.30"),
        # Multi-AZ doubles: 2 x 730 h x $0.02 (MySQL, not the PostgreSQL product) = $29.20;
        # 2 x 50 GB x $0.1 = $10.00; backup beyond the free allowance 50 GB x 0.02 x 7 days = 7 GB x $0.1
        ("db", "instance-hours x 2 (Multi-AZ)"): Decimal("29.20"),
        ("db", "GP3 storage GB-month x 2 (Multi-AZ)"): Decimal("10.00"),
        ("db", "backup GB-month beyond the free allowance (7 days x dbDailyChangeFraction)"): Decimal("0.70"),
        ("secret", "secret-month"): Decimal("0.40"),
    }
    assert lines[("db", "instance-hours x 2 (Multi-AZ)")].usd_per_unit == Decimal("0.02")
    assert lines[("db", "instance-hours x 2 (Multi-AZ)")].usage_type == "EU-InstanceUsage:db.t4g.micro"
    by_tier = {tier: dollars(amount) for tier, amount in result.by_tier().items()}
    # network 36.50 + 2.50 + 3.65; services 18.25 + 7.30 + 1.53 + 29.20 + 7.30 (1.5259 unrounded);
    # data 29.20 + 10.00 + 0.70 + 0.40
    assert by_tier == {
        "network": Decimal("42.65"),
        "data": Decimal("40.30"),
        "delivery": Decimal("0.00"),
        "services": Decimal("63.58"),
        "operations": Decimal("0.00"),
        "monitoring": Decimal("0.00"),
    }
    # 42.65 + 40.30 + 63.5759 = 146.5259
    assert dollars(result.total) == Decimal("146.53")
    assert result.free == 2  # the VPC and the task definition


def test_unpriced_charges_are_listed_never_counted(usage: dict[str, Decimal]) -> None:
    result = estimate(small_plan(), make_snapshot(), usage)
    assert [(u.name, u.type, u.what, u.reason) for u in result.unpriced] == [
        ("archive", "aws:glacier/vault:Vault", "resource", "no pricer for this type (infra/cost/pricers.py)"),
        (
            "secret",
            "aws:secretsmanager/secret:Secret",
            "API calls",
            "billed per 10,000 calls; not in the snapshot",
        ),
        (
            "alerts",
            "aws:sns/topic:Topic",
            "publishes and deliveries",
            "billed per request and delivery; not in the snapshot",
        ),
    ]
    assert result.unpriced_types() == [
        "aws:glacier/vault:Vault",
        "aws:secretsmanager/secret:Secret",
        "aws:sns/topic:Topic",
    ]


def test_a_rate_missing_from_the_snapshot_is_unpriced_not_zero(usage: dict[str, Decimal]) -> None:
    without_nat_data = make_snapshot([row for row in _rows() if row[1] != "EU-NatGateway-Bytes"])
    result = estimate(small_plan(), without_nat_data, usage)
    missing = [u for u in result.unpriced if u.name == "nat-0"]
    assert [(u.what, u.reason) for u in missing] == [
        (
            "GB processed (natGbPerMonth / 1 gateway(s))",
            "no eu-west-1 price for AmazonEC2 NatGateway-Bytes in the snapshot",
        )
    ]
    # 146.5259 - 2.50 of NAT data
    assert dollars(result.total) == Decimal("144.03")


def test_assumptions_change_the_usage_priced(usage: dict[str, Decimal]) -> None:
    more = with_overrides(usage, ["natGbPerMonth=1000", "hoursPerMonth=720"])
    lines = {
        (line.name, line.what[:12]): line for line in estimate(small_plan(nat=2), make_snapshot(), more).lines
    }
    # 1,000 GB over 2 gateways = 500 GB each x $0.05 = $25.00; 720 h x $0.05 = $36.00
    assert dollars(lines[("nat-1", "GB processed")].monthly) == Decimal("25.00")
    assert dollars(lines[("nat-1", "gateway-hour")].monthly) == Decimal("36.00")


def _rows() -> list[tuple[str, str, dict[str, str], str, str]]:
    from tests.infra.cost.conftest import ROUND_PRICES

    return ROUND_PRICES


def test_a_global_usage_type_and_products_told_apart_by_attribute(usage: dict[str, Decimal]) -> None:
    rows = [
        ("AmazonCloudWatch", "DashboardsUsageHour", {}, "months", "3"),
        ("AmazonCloudWatch", "EU-CW:AlarmMonitorUsage", {"alarmType": "Standard"}, "Alarms", "0.1"),
        (
            "AmazonCloudWatch",
            "EU-CW:HighResAlarmMonitorUsage",
            {"alarmType": "High Resolution"},
            "Alarms",
            "0.3",
        ),
    ]
    errors, requests = ({"metricName": name, "period": 60} for name in ("Errors", "Requests"))
    math = {"metricQueries": [{"id": "e", "expression": "a / b"}, {"metric": errors}, {"metric": requests}]}
    plan = {
        "stack": "s",
        "config": {"aws:region": "eu-west-1"},
        "resources": [
            resource("aws:cloudwatch/dashboard:Dashboard", "board", {}, "Alarms"),
            resource("aws:cloudwatch/metricAlarm:MetricAlarm", "ratio", math, "Alarms"),
            resource("aws:cloudwatch/metricAlarm:MetricAlarm", "fast", {"period": 10}, "Alarms"),
        ],
    }
    result = estimate(plan, make_snapshot(rows), usage)
    # a dashboard $3 (usage type without region prefix); a metric-math alarm of 2 metrics 2 x $0.10;
    # a 10-second alarm is high resolution, $0.30
    assert [(line.name, line.quantity, line.usd_per_unit) for line in result.lines] == [
        ("board", Decimal(1), Decimal("3")),
        ("fast", Decimal(1), Decimal("0.3")),
        ("ratio", Decimal(2), Decimal("0.1")),
    ]
    assert result.by_tier()["monitoring"] == Decimal("3.5")


def test_a_rate_two_products_price_differently_is_unpriced_with_their_skus(usage: dict[str, Decimal]) -> None:
    rows: list[tuple[str, str, dict[str, str], str, str]] = [
        ("AWSSecretsManager", "EU-AWSSecretsManager-Secrets", {}, "months", "0.4"),
        ("AWSSecretsManager", "EU-AWSSecretsManager-Secrets", {}, "months", "0.5"),
    ]
    plan = {"stack": "s", "resources": [resource("aws:secretsmanager/secret:Secret", "secret", {})]}
    result = estimate(plan, make_snapshot(rows), usage)
    assert result.lines == []
    assert result.unpriced[0].reason == (
        "AWSSecretsManager AWSSecretsManager-Secrets: 2 products of different prices "
        "(TESTSKU000, TESTSKU001); narrow its attributes"
    )
