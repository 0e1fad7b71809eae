"""`infra cost refresh`: fetch the snapshot's prices again from AWS's Price List Query API (GetProducts).

For a user with network access and any AWS identity (the Price List API is free and needs no
permissions beyond `pricing:GetProducts`). Every rate the snapshot lists under `wanted`, and every rate
a given plan needs, is asked for by its usage type and attributes; what AWS answers replaces the
snapshot's products, with AWS's SKU ids, on-demand terms and the offer version it came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from infra.cost.prices import ON_DEMAND, USAGE_PREFIX, Rate, Snapshot

PRICE_LIST_ENDPOINT_REGION = "us-east-1"  # the Price List Query API answers in us-east-1 (and ap-south-1)
# The page a person checks a price against, per offer.
PAGES = {
    "AmazonECS": "https://aws.amazon.com/fargate/pricing/",
    "AmazonECR": "https://aws.amazon.com/ecr/pricing/",
    "AmazonEC2": "https://aws.amazon.com/ec2/pricing/on-demand/",
    "AmazonVPC": "https://aws.amazon.com/vpc/pricing/",
    "AWSELB": "https://aws.amazon.com/elasticloadbalancing/pricing/",
    "AmazonRDS": "https://aws.amazon.com/rds/mysql/pricing/",
    "AmazonElastiCache": "https://aws.amazon.com/elasticache/pricing/",
    "AmazonMQ": "https://aws.amazon.com/amazon-mq/pricing/",
    "AmazonES": "https://aws.amazon.com/opensearch-service/pricing/",
    "AmazonCloudWatch": "https://aws.amazon.com/cloudwatch/pricing/",
    "AWSSecretsManager": "https://aws.amazon.com/secrets-manager/pricing/",
    "awskms": "https://aws.amazon.com/kms/pricing/",
    "AmazonPrometheus": "https://aws.amazon.com/prometheus/pricing/",
    "AmazonGrafana": "https://aws.amazon.com/grafana/pricing/",
    "AmazonS3": "https://aws.amazon.com/s3/pricing/",
    "awswaf": "https://aws.amazon.com/waf/pricing/",
}


class PricingClient(Protocol):
    def get_products(self, **kwargs: Any) -> dict[str, Any]: ...


class RefreshError(Exception):
    """The Price List API answered with something this command cannot use; the message says what."""


def rate_key(rate: Rate) -> dict[str, Any]:
    key: dict[str, Any] = {"offer": rate.offer, "usage": rate.usage, "attributes": dict(rate.attributes)}
    if not rate.regional:
        key["regional"] = False
    if rate.contains:
        key["contains"] = True
    return key


def rate_from(key: dict[str, Any]) -> Rate:
    return Rate(
        key["offer"],
        key["usage"],
        tuple(key.get("attributes", {}).items()),
        regional=key.get("regional", True),
        contains=key.get("contains", False),
    )


def _filters(region: str, rate: Rate) -> list[dict[str, str]]:
    filters = []
    if rate.regional:
        filters.append({"Type": "TERM_MATCH", "Field": "regionCode", "Value": region})
    filters.append(
        {
            "Type": "CONTAINS" if rate.contains else "TERM_MATCH",
            "Field": "usagetype",
            "Value": rate.usage_type(USAGE_PREFIX[region]),
        }
    )
    filters += [{"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in rate.attributes]
    return filters


def fetch(client: PricingClient, region: str, rate: Rate) -> list[dict[str, Any]]:
    """Every product AWS lists for `rate` in `region`, as GetProducts returns them (parsed)."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        request: dict[str, Any] = {
            "ServiceCode": rate.offer,
            "Filters": _filters(region, rate),
            "FormatVersion": "aws_v1",
            "MaxResults": 100,
        }
        if token:
            request["NextToken"] = token
        page = client.get_products(**request)
        for raw in page.get("PriceList", []):
            item = json.loads(raw) if isinstance(raw, str) else raw
            if "product" not in item or ON_DEMAND not in item.get("terms", {}):
                raise RefreshError(f"{rate}: a PriceList entry without product or on-demand terms")
            items.append(item)
        token = page.get("NextToken")
        if not token:
            return items


def refresh(
    client: PricingClient,
    region: str,
    rates: Iterable[Rate],
    *,
    today: date,
) -> tuple[Snapshot, list[Rate]]:
    """A new snapshot of `region` holding AWS's answer for each rate, and the rates AWS had no product for."""
    wanted = sorted(set(rates), key=str)
    offers: dict[str, dict[str, Any]] = {}
    provenance: dict[str, dict[str, str]] = {}
    missing: list[Rate] = []
    for rate in wanted:
        items = fetch(client, region, rate)
        if not items:
            missing.append(rate)
            continue
        for item in items:
            product = item["product"]
            sku = product["sku"]
            offer = offers.setdefault(
                rate.offer,
                {"formatVersion": "v1.0", "offerCode": rate.offer, "products": {}, "terms": {ON_DEMAND: {}}},
            )
            offer["version"] = item.get("version", "")
            offer["publicationDate"] = item.get("publicationDate", "")
            offer["products"][sku] = product
            offer["terms"][ON_DEMAND][sku] = item["terms"][ON_DEMAND]
            provenance[sku] = {
                "source": PAGES.get(rate.offer, "https://aws.amazon.com/pricing/"),
                "priceList": f"AWS Price List Query API, GetProducts {rate.offer} {region}, offer version "
                f"{item.get('version', '?')} published {item.get('publicationDate', '?')}",
                "evidence": "fetched by `infra cost refresh`",
                "read": today.isoformat(),
            }
    snapshot = Snapshot(
        region=region,
        date=today.isoformat(),
        source=f"AWS Price List Query API (GetProducts, on-demand terms) for {region}, fetched "
        f"{today.isoformat()} by `infra cost refresh`",
        offers=dict(sorted(offers.items())),
        provenance=dict(sorted(provenance.items())),
        wanted=[rate_key(rate) for rate in wanted],
    )
    return snapshot, missing


def write_snapshot(snapshot: Snapshot, path: Path) -> None:
    path.write_text(json.dumps(snapshot.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
