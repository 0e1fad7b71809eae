"""The pinned eu-west-1 snapshot: Price List shaped, each price traceable, each needed rate listed."""

from __future__ import annotations

from decimal import Decimal

from infra.cost.prices import ON_DEMAND, Rate, load_snapshot
from infra.cost.refresh import PAGES, rate_from


def test_every_product_has_one_usd_price_and_its_provenance() -> None:
    snapshot = load_snapshot("eu-west-1")
    skus = []
    for offer, content in snapshot.offers.items():
        assert set(content["products"]) == set(content["terms"][ON_DEMAND]), offer
        for sku, product in content["products"].items():
            assert product["sku"] == sku
            attributes = product["attributes"]
            if attributes["regionCode"]:
                assert attributes["regionCode"] == "eu-west-1", sku
                assert attributes["usagetype"].startswith("EU-"), sku
            else:  # a global product (CloudWatch dashboards): no region, one price everywhere
                assert attributes["location"] == "Any", sku
                assert not attributes["usagetype"].startswith("EU-"), sku
            (term,) = content["terms"][ON_DEMAND][sku].values()
            (dimension,) = term["priceDimensions"].values()
            assert Decimal(dimension["pricePerUnit"]["USD"]) > 0, sku
            provenance = snapshot.provenance[sku]
            assert provenance["source"].startswith("https://aws.amazon.com/"), sku
            assert provenance["priceList"].startswith(
                "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/"
            )
            assert provenance["evidence"], sku
            assert provenance["read"] == "2026-11-30", sku
            skus.append(sku)
    assert len(skus) == 30
    assert set(snapshot.provenance) == set(skus)


def test_every_wanted_rate_names_an_offer_with_a_pricing_page() -> None:
    wanted = [rate_from(key) for key in load_snapshot("eu-west-1").wanted]
    assert len(wanted) == 38
    assert {rate.offer for rate in wanted} <= set(PAGES)


def test_30_of_the_38_wanted_rates_are_priced() -> None:
    snapshot = load_snapshot("eu-west-1")
    unpriced = sorted(str(rate) for rate in map(rate_from, snapshot.wanted) if snapshot.price(rate) is None)
    assert unpriced == [
        "AmazonES *-Storage*, storageMedia=GP3",
        "AmazonES *ESInstance*, instanceType=m6g.large.search",
        "AmazonES *ESInstance*, instanceType=r6g.large.search",
        "AmazonElastiCache NodeUsage:cache.r7g.large, cacheEngine=Redis",
        "AmazonMQ *mq.m5.large*, brokerEngine=RabbitMQ, deploymentOption=Single-AZ",
        "AmazonMQ *mq.t3.micro*, brokerEngine=RabbitMQ, deploymentOption=Single-AZ",
        "AmazonRDS InstanceUsage:db.r6g.large, databaseEngine=MySQL, deploymentOption=Single-AZ",
        "AmazonRDS InstanceUsage:db.t4g.medium, databaseEngine=MySQL, deploymentOption=Single-AZ",
    ]


def test_the_monitoring_waf_and_ebs_prices_in_the_units_their_pricers_count() -> None:
    # Each pricer multiplies its quantity by the price: alarms and dashboards by the month, gp3 per
    # GB-month, WAF per web ACL-month, per rule-month and per request, Grafana per user-month, Managed
    # Prometheus per sample ingested ($0.90 per 10M, the first tier).
    snapshot = load_snapshot("eu-west-1")
    rates = (
        Rate("AmazonCloudWatch", "Alarm", (("alarmType", "Standard"),), contains=True),
        Rate("AmazonCloudWatch", "DashboardsUsageHour", regional=False),
        Rate("AmazonEC2", "EBS:VolumeUsage.gp3"),
        Rate("awswaf", "WebACLV2"),
        Rate("awswaf", "RuleV2"),
        Rate("awswaf", "RequestV2-Tier1"),
        Rate("AmazonGrafana", "Grafana:EditorUser"),
        Rate("AmazonGrafana", "Grafana:ViewerUser"),
        Rate("AmazonPrometheus", "AMP:MetricSampleCount"),
    )
    found = {rate.usage: snapshot.price(rate) for rate in rates}
    assert {usage: (p.usd, p.unit) for usage, p in found.items() if p} == {
        "Alarm": (Decimal("0.1"), "Alarms"),
        "DashboardsUsageHour": (Decimal("3"), "Dashboards"),
        "EBS:VolumeUsage.gp3": (Decimal("0.088"), "GB-Mo"),
        "WebACLV2": (Decimal("5"), "months"),
        "RuleV2": (Decimal("1"), "Rules"),
        "RequestV2-Tier1": (Decimal("0.0000006"), "Requests"),
        "Grafana:EditorUser": (Decimal("9"), "Users"),
        "Grafana:ViewerUser": (Decimal("5"), "Users"),
        "AMP:MetricSampleCount": (Decimal("0.00000009"), "Samples"),
    }


def test_the_pinned_prices_used_by_the_note() -> None:
    snapshot = load_snapshot("eu-west-1")
    prices = {
        rate.usage: snapshot.price(rate)
        for rate in (
            Rate("AmazonECS", "Fargate-vCPU-Hours:perCPU"),
            Rate("AmazonEC2", "NatGateway-Hours"),
            Rate("AWSELB", "LoadBalancerUsage"),
            Rate(
                "AmazonRDS",
                "InstanceUsage:db.t4g.micro",
                (("databaseEngine", "MySQL"), ("deploymentOption", "Single-AZ")),
            ),
            Rate("AmazonVPC", "PublicIPv4:InUseAddress"),
        )
    }
    assert {usage: (p.usd, p.unit) for usage, p in prices.items() if p} == {
        "Fargate-vCPU-Hours:perCPU": (Decimal("0.04048"), "hours"),
        "NatGateway-Hours": (Decimal("0.048"), "Hrs"),
        "LoadBalancerUsage": (Decimal("0.0252"), "Hrs"),
        "InstanceUsage:db.t4g.micro": (Decimal("0.017"), "Hrs"),
        "PublicIPv4:InUseAddress": (Decimal("0.005"), "Hrs"),
    }
