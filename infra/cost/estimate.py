"""A plan's monthly cost: every resource's charges priced from the snapshot, per resource and per tier."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from infra.cost.plan_index import TIER_ORDER, PlanIndex
from infra.cost.pricers import FREE, PRICERS, Charge, Unpriced
from infra.cost.prices import PriceError, Rate, Snapshot

CENT = Decimal("0.01")


def dollars(amount: Decimal) -> Decimal:
    """An amount rounded to the cent, as a bill shows it."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineItem:
    """One priced charge of one resource in a month."""

    urn: str
    name: str
    type: str
    tier: str
    what: str
    quantity: Decimal
    unit: str
    usd_per_unit: Decimal
    sku: str
    usage_type: str
    source: str

    @property
    def monthly(self) -> Decimal:
        return self.quantity * self.usd_per_unit


@dataclass(frozen=True)
class UnpricedItem:
    """A charge the estimate does not count, and why: never taken as zero."""

    urn: str
    name: str
    type: str
    tier: str
    what: str
    reason: str


@dataclass
class Estimate:
    stack: str
    region: str
    snapshot_date: str
    snapshot_source: str
    usage: dict[str, Decimal]
    lines: list[LineItem] = field(default_factory=list)
    unpriced: list[UnpricedItem] = field(default_factory=list)
    free: int = 0

    @property
    def total(self) -> Decimal:
        return sum((line.monthly for line in self.lines), Decimal(0))

    def by_tier(self) -> dict[str, Decimal]:
        tiers = {tier: Decimal(0) for tier in TIER_ORDER}
        for line in self.lines:
            tiers[line.tier] += line.monthly
        return {tier: amount for tier, amount in tiers.items() if amount or tier != "other"}

    def by_resource(self) -> dict[str, Decimal]:
        """Monthly cost per URN, every resource that has a priced charge."""
        costs: dict[str, Decimal] = {}
        for line in self.lines:
            costs[line.urn] = costs.get(line.urn, Decimal(0)) + line.monthly
        return costs

    def unpriced_types(self) -> list[str]:
        return sorted({item.type for item in self.unpriced})


def estimate(plan: Mapping[str, Any], snapshot: Snapshot, usage: Mapping[str, Decimal]) -> Estimate:
    """Price every resource of `plan` (a rehearsal's `--json` plan) with `snapshot` and `usage`."""
    index = PlanIndex(dict(plan))
    result = Estimate(
        stack=index.stack,
        region=index.region,
        snapshot_date=snapshot.date,
        snapshot_source=snapshot.source,
        usage=dict(usage),
    )
    for resource in sorted(index.resources, key=lambda r: r.urn):
        pricer = PRICERS.get(resource.type)
        if pricer is None:
            if resource.type in FREE:
                result.free += 1
            else:
                result.unpriced.append(
                    UnpricedItem(
                        resource.urn,
                        resource.name,
                        resource.type,
                        resource.tier,
                        "resource",
                        "no pricer for this type (infra/cost/pricers.py)",
                    )
                )
            continue
        for item in pricer(resource, index, usage):
            if isinstance(item, Unpriced):
                result.unpriced.append(
                    UnpricedItem(
                        resource.urn, resource.name, resource.type, resource.tier, item.what, item.reason
                    )
                )
                continue
            assert isinstance(item, Charge)
            try:
                price = snapshot.price(item.rate)
            except PriceError as err:
                result.unpriced.append(
                    UnpricedItem(
                        resource.urn, resource.name, resource.type, resource.tier, item.what, str(err)
                    )
                )
                continue
            if price is None:
                result.unpriced.append(
                    UnpricedItem(
                        resource.urn,
                        resource.name,
                        resource.type,
                        resource.tier,
                        item.what,
                        f"no {snapshot.region} price for {item.rate} in the snapshot",
                    )
                )
                continue
            result.lines.append(
                LineItem(
                    urn=resource.urn,
                    name=resource.name,
                    type=resource.type,
                    tier=resource.tier,
                    what=item.what,
                    quantity=item.quantity,
                    unit=price.unit,
                    usd_per_unit=price.usd,
                    sku=price.sku,
                    usage_type=item.rate.usage_type(snapshot.prefix),
                    source=price.source,
                )
            )
    return result


def needed_rates(plan: Mapping[str, Any], usage: Mapping[str, Decimal]) -> set[Rate]:
    """Every rate pricing `plan` asks the snapshot for, priced there or not (for `infra cost refresh`)."""
    index = PlanIndex(dict(plan))
    return {
        item.rate
        for resource in index.resources
        if (pricer := PRICERS.get(resource.type)) is not None
        for item in pricer(resource, index, usage)
        if isinstance(item, Charge)
    }
