"""`infra cost refresh` against GetProducts answers of the Price List API (botocore's Stubber)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from infra.cli import main
from infra.cost.prices import Rate, Snapshot, load_snapshot
from infra.cost.refresh import (
    PRICE_LIST_ENDPOINT_REGION,
    _filters,
    rate_from,
    rate_key,
    refresh,
    write_snapshot,
)
from infra.exit_codes import Exit

FIXTURE = Path(__file__).parent / "fixtures" / "get_products.json"
FARGATE = Rate("AmazonECS", "Fargate-vCPU-Hours:perCPU")
BROKER = Rate("AmazonMQ", "RabbitMQ:BrokerUsage:mq.m5.large")
S3 = Rate("AmazonS3", "TimedStorage-ByteHrs", (("storageClass", "General Purpose"),))
ATTRIBUTES = {S3.offer: dict(S3.attributes)}


def _expected(request: dict[str, Any]) -> dict[str, Any]:
    filters = [
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-west-1"},
        {"Type": "TERM_MATCH", "Field": "usagetype", "Value": request["usagetype"]},
        *[
            {"Type": "TERM_MATCH", "Field": field, "Value": value}
            for field, value in ATTRIBUTES.get(request["ServiceCode"], {}).items()
        ],
    ]
    expected = {
        "ServiceCode": request["ServiceCode"],
        "Filters": filters,
        "FormatVersion": "aws_v1",
        "MaxResults": 100,
    }
    if request["NextToken"]:
        expected["NextToken"] = request["NextToken"]
    return expected


@pytest.fixture
def client() -> Any:
    pricing = boto3.client(
        "pricing", region_name=PRICE_LIST_ENDPOINT_REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(pricing)
    # Rates are asked for in sorted order: AmazonECS, AmazonMQ, AmazonS3.
    for recorded in json.loads(FIXTURE.read_text(encoding="utf-8"))["responses"]:
        stubber.add_response("get_products", recorded["response"], _expected(recorded["request"]))
    with stubber:
        yield pricing
    stubber.assert_no_pending_responses()


def test_refresh_writes_awss_rows_and_reports_what_aws_does_not_list(client: Any, tmp_path: Path) -> None:
    snapshot, missing = refresh(client, "eu-west-1", [S3, BROKER, FARGATE], today=date(2026, 12, 1))
    assert missing == [BROKER]
    assert snapshot.date == "2026-12-01"
    assert snapshot.wanted == [rate_key(FARGATE), rate_key(BROKER), rate_key(S3)]
    assert sorted(snapshot.offers) == ["AmazonECS", "AmazonS3"]
    assert snapshot.offers["AmazonECS"]["version"] == "20261101000000"
    assert snapshot.provenance["K4EXFQ5YFQCP98EN"] == {
        "source": "https://aws.amazon.com/fargate/pricing/",
        "priceList": "AWS Price List Query API, GetProducts AmazonECS eu-west-1, "
        "offer version 20261101000000 published 2026-11-01T00:00:00Z",
        "evidence": "fetched by `infra cost refresh`",
        "read": "2026-12-01",
    }
    # What was written is read back as any snapshot is, and prices as AWS answered.
    path = tmp_path / "eu-west-1.json"
    write_snapshot(snapshot, path)
    reread = load_snapshot("eu-west-1", path)
    fargate = reread.price(FARGATE)
    assert fargate is not None
    assert (fargate.sku, fargate.usd, fargate.unit) == ("K4EXFQ5YFQCP98EN", Decimal("0.04048"), "hours")
    # A tiered price is read at its first tier (0 to 50 TB).
    s3 = reread.price(S3)
    assert s3 is not None
    assert (s3.usd, s3.unit) == (Decimal("0.023"), "GB-Mo")
    assert reread.price(BROKER) is None


def test_the_command_asks_for_the_snapshots_wanted_rates_and_rewrites_it(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "eu-west-1.json"
    wanted = [rate_key(rate) for rate in (FARGATE, BROKER, S3)]
    write_snapshot(Snapshot("eu-west-1", "2026-01-01", "old", offers={}, provenance={}, wanted=wanted), path)
    monkeypatch.setattr(boto3, "client", lambda service, region_name: client)
    assert main(["cost", "refresh", "--prices", str(path)]) == Exit.OK
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: 2 of 3 rates priced from the Price List API ({date.today().isoformat()})",
        "  not found (stays unpriced): AmazonMQ RabbitMQ:BrokerUsage:mq.m5.large",
    ]
    assert load_snapshot("eu-west-1", path).price(FARGATE) is not None


def test_the_command_needs_rates_to_ask_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "eu-west-1.json"
    write_snapshot(Snapshot("eu-west-1", "2026-01-01", "old", offers={}, provenance={}), path)
    assert main(["cost", "refresh", "--prices", str(path)]) == Exit.USAGE
    assert capsys.readouterr().err == (
        f"infra: no rates to fetch: {path} lists none under `wanted`; pass --plan-for-rates FILE\n"
    )


def test_filters_for_a_contained_and_a_global_usage_type() -> None:
    node = Rate("AmazonES", "ESInstance", (("instanceType", "r6g.large.search"),), contains=True)
    assert _filters("eu-west-1", node) == [
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-west-1"},
        {"Type": "CONTAINS", "Field": "usagetype", "Value": "ESInstance"},
        {"Type": "TERM_MATCH", "Field": "instanceType", "Value": "r6g.large.search"},
    ]
    dashboard = Rate("AmazonCloudWatch", "DashboardsUsageHour", regional=False)
    assert _filters("eu-west-1", dashboard) == [
        {"Type": "TERM_MATCH", "Field": "usagetype", "Value": "DashboardsUsageHour"},
    ]
    assert rate_from(rate_key(node)) == node
    assert rate_from(rate_key(dashboard)) == dashboard
