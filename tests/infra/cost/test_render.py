"""Unit prices are shown at their own precision: a request or a sample costs millionths of a cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infra.cost.estimate import Estimate, estimate
from infra.cost.render import estimate_json, render_markdown, render_text, unit_price
from tests.infra.cost.conftest import STACK, make_snapshot, resource

# The snapshot's WAF and Managed Prometheus prices: $0.60 per million requests, $0.90 per 10M samples.
SMALL_PRICES: list[tuple[str, str, dict[str, str], str, str]] = [
    ("awswaf", "EU-WebACLV2", {}, "months", "5.0000000000"),
    ("awswaf", "EU-RuleV2", {}, "Rules", "1.0000000000"),
    ("awswaf", "EU-RequestV2-Tier1", {}, "Requests", "0.0000006000"),
    ("AmazonPrometheus", "EU-AMP:MetricSampleCount", {}, "Samples", "0.0000000900"),
]


@pytest.fixture
def priced(usage: dict[str, Decimal]) -> Estimate:
    plan = {
        "format": 1,
        "project": "tiny",
        "stack": STACK,
        "config": {"aws:region": "eu-west-1"},
        "resources": [
            resource("aws:wafv2/webAcl:WebAcl", "waf", {"rules": [{"name": "rate-limit"}]}, "Waf"),
            resource("aws:amp/workspace:Workspace", "prometheus", {}, "Monitoring"),
        ],
    }
    return estimate(plan, make_snapshot(SMALL_PRICES), usage)


@pytest.mark.parametrize(
    ("price", "shown"),
    [
        ("0.0000006000", "0.0000006"),
        ("0.0000000900", "0.00000009"),
        ("0.0040450000", "0.004045"),
        ("5.0000000000", "5"),
        ("0.0252", "0.0252"),
        ("0", "0"),
        ("0.000000012345678", "0.0000000123457"),
        ("1234.56789", "1234.57"),
    ],
)
def test_a_unit_price_keeps_its_own_precision(price: str, shown: str) -> None:
    assert unit_price(Decimal(price)) == shown


def test_text_shows_the_price_that_makes_the_line_total(priced: Estimate) -> None:
    # 10,000,000 requests x $0.0000006 = $6.00 and 100,000,000 samples x $0.00000009 = $9.00: rounded to
    # 6 decimals they read $0.000001 and $0, which do not make the totals.
    lines = [line.strip() for line in render_text(priced).splitlines()]
    requests = "requests (requestsPerMonth): 10000000 Requests x $0.0000006 = $6.00  [EU-RequestV2-Tier1]"
    assert requests in lines
    assert (
        "samples ingested (prometheusSamplesPerMonth): 100000000 Samples x $0.00000009 = $9.00  "
        "[EU-AMP:MetricSampleCount]"
    ) in lines
    assert "rule-months (1 rules): 1 Rules x $1 = $1.00  [EU-RuleV2]" in lines
    assert lines[0] == "s: $21.00 a month; 1 charge(s) unpriced, not counted (listed below)"


def test_markdown_and_json_show_the_same_prices(priced: Estimate) -> None:
    markdown = render_markdown(priced)
    assert "requests (requestsPerMonth): 10000000 Requests x $0.0000006" in markdown
    assert "samples ingested (prometheusSamplesPerMonth): 100000000 Samples x $0.00000009 |" in markdown
    data = estimate_json(priced)
    assert {line["usageType"]: (line["usdPerUnit"], line["monthlyUsd"]) for line in data["lines"]} == {
        "EU-WebACLV2": ("5", "5.00"),
        "EU-RuleV2": ("1", "1.00"),
        "EU-RequestV2-Tier1": ("0.0000006", "6.00"),
        "EU-AMP:MetricSampleCount": ("0.00000009", "9.00"),
    }
    assert data["monthlyUsd"] == "21.00"
