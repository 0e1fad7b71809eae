"""The pinned price snapshot: a subset of AWS's Price List offer files for one region, and its look-up."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
CURRENCY = "USD"
# The Price List's code for an on-demand term (the same in every offer file).
ON_DEMAND = "OnDemand"
# Usage types carry a region prefix (AWS Price List, "usagetype" attribute; us-east-1 has none for most).
USAGE_PREFIX = {
    "us-east-1": "",
    "us-east-2": "USE2-",
    "us-west-2": "USW2-",
    "eu-west-1": "EU-",
    "eu-west-2": "EUW2-",
    "eu-west-3": "EUW3-",
    "eu-central-1": "EUC1-",
    "eu-north-1": "EUN1-",
}


class PriceError(Exception):
    """The snapshot is missing, malformed or of another region: refresh it (`infra cost refresh`)."""


@dataclass(frozen=True)
class Rate:
    """What one charge is priced by: an offer, a usage type without its region prefix, and the product
    attributes that tell apart products sharing the usage type (MySQL from PostgreSQL, Linux from Windows)."""

    offer: str
    usage: str
    attributes: tuple[tuple[str, str], ...] = ()
    # A global usage type has no region prefix (CloudWatch dashboards).
    regional: bool = True
    # Match a usage type that contains `usage` (its exact spelling varies by instance type or is not
    # known here); the attributes then tell the product apart.
    contains: bool = False

    def usage_type(self, prefix: str) -> str:
        return prefix + self.usage if self.regional and not self.contains else self.usage

    def matches(self, prefix: str, product: dict[str, Any]) -> bool:
        attributes = product.get("attributes", {})
        usage_type = str(attributes.get("usagetype", ""))
        found = self.usage in usage_type if self.contains else usage_type == self.usage_type(prefix)
        return found and all(attributes.get(key) == value for key, value in self.attributes)

    def __str__(self) -> str:
        usage = f"*{self.usage}*" if self.contains else self.usage
        extra = "".join(f", {k}={v}" for k, v in self.attributes)
        scope = "" if self.regional else " (global)"
        return f"{self.offer} {usage}{extra}{scope}"


@dataclass(frozen=True)
class Price:
    """One on-demand price dimension of one SKU, with where it was read."""

    rate: Rate
    usd: Decimal
    unit: str
    sku: str
    description: str
    source: str


@dataclass(frozen=True)
class Snapshot:
    """A region's prices: offer-file subsets (`products` and `terms.OnDemand`) keyed by offer code."""

    region: str
    date: str
    source: str
    offers: dict[str, dict[str, Any]]
    provenance: dict[str, dict[str, str]]
    # Every rate the stacks need, priced or not: what `infra cost refresh` asks AWS for.
    wanted: list[dict[str, Any]] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return USAGE_PREFIX[self.region]

    def price(self, rate: Rate) -> Price | None:
        """The on-demand price for `rate`, or None when the snapshot holds no product for it."""
        offer = self.offers.get(rate.offer)
        if offer is None:
            return None
        skus = sorted(sku for sku, p in offer["products"].items() if rate.matches(self.prefix, p))
        if not skus:
            return None
        found = {sku: self._dimension(rate, offer, sku) for sku in skus}
        if len({(d["unit"], Decimal(d["pricePerUnit"][CURRENCY])) for d in found.values()}) > 1:
            raise PriceError(
                f"{rate}: {len(skus)} products of different prices ({', '.join(skus)}); narrow its attributes"
            )
        sku = skus[0]
        dimension = found[sku]
        return Price(
            rate=rate,
            usd=Decimal(dimension["pricePerUnit"][CURRENCY]),
            unit=dimension["unit"],
            sku=sku,
            description=dimension.get("description", ""),
            source=self.provenance.get(sku, {}).get("source", self.source),
        )

    @staticmethod
    def _dimension(rate: Rate, offer: dict[str, Any], sku: str) -> dict[str, Any]:
        """The SKU's on-demand price: its only dimension, or the first tier of a tiered price."""
        dimensions: list[dict[str, Any]] = [
            d for term in offer["terms"][ON_DEMAND][sku].values() for d in term["priceDimensions"].values()
        ]
        first = [d for d in dimensions if d.get("beginRange", "0") in ("0", "0.0")]
        if len(first) != 1:
            raise PriceError(f"{rate}: SKU {sku} has {len(first)} on-demand dimensions from 0, expected one")
        return first[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "date": self.date,
            "source": self.source,
            "offers": self.offers,
            "provenance": self.provenance,
            "wanted": self.wanted,
        }


def snapshot_path(region: str) -> Path:
    return DATA / f"{region}.json"


def load_snapshot(region: str, path: Path | None = None) -> Snapshot:
    """The pinned snapshot of `region` (infra/cost/data/<region>.json), or `path`."""
    path = path or snapshot_path(region)
    if region not in USAGE_PREFIX:
        raise PriceError(f"no usage-type prefix known for region {region}; add it to USAGE_PREFIX")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PriceError(
            f"no price snapshot for {region} ({path}): run `infra cost refresh --region {region} "
            "--plan-for-rates PLAN.json` where the Price List API can be reached"
        ) from None
    except json.JSONDecodeError as err:
        raise PriceError(f"{path}: not JSON ({err})") from None
    if raw.get("region") != region:
        raise PriceError(f"{path} holds prices of {raw.get('region')!r}, not {region}")
    return Snapshot(
        region=region,
        date=raw["date"],
        source=raw["source"],
        offers=raw["offers"],
        provenance=raw.get("provenance", {}),
        wanted=raw.get("wanted", []),
    )
