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
            assert product["attributes"]["regionCode"] == "eu-west-1", sku
            assert product["attributes"]["usagetype"].startswith("EU-"), sku
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
    assert len(skus) == 21
    assert set(snapshot.provenance) == set(skus)


def test_every_wanted_rate_names_an_offer_with_a_pricing_page() -> None:
    wanted = [rate_from(key) for key in load_snapshot("eu-west-1").wanted]
    assert len(wanted) == 38
    assert {rate.offer for rate in wanted} <= set(PAGES)


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
