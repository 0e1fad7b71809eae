"""What a change costs: the monthly totals of a base and a head plan, the difference, the resources
that moved it most, and whether it exceeds the stack's budget (`postings:monthlyBudgetChangeUsd`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from infra.config import BUDGET_KEY, BudgetUsd
from infra.cost.estimate import Estimate, estimate
from infra.cost.prices import Snapshot, load_snapshot
from infra.cost.usage import load_usage

TOP_MOVERS = 5


class BudgetError(Exception):
    """The budget in a plan's config is not a number of dollars >= 0."""


@dataclass(frozen=True)
class Mover:
    """One resource's monthly cost before and after."""

    urn: str
    name: str
    type: str
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        return self.after - self.before

    @property
    def status(self) -> str:
        if self.before == 0 and self.after != 0:
            return "added"
        if self.after == 0 and self.before != 0:
            return "removed"
        return "changed"


@dataclass(frozen=True)
class CostChange:
    stack: str
    base: Estimate
    head: Estimate
    budget: Decimal | None
    movers: list[Mover]

    @property
    def before(self) -> Decimal:
        return self.base.total

    @property
    def after(self) -> Decimal:
        return self.head.total

    @property
    def change(self) -> Decimal:
        return self.after - self.before

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.change > self.budget

    def newly_unpriced(self) -> list[str]:
        """Types unpriced in the head that the base did not have unpriced: cost the totals cannot show."""
        return sorted(set(self.head.unpriced_types()) - set(self.base.unpriced_types()))


def budget_of(plan: Mapping[str, Any]) -> Decimal | None:
    """The stack's budget for a change, from the plan's config (`postings:monthlyBudgetChangeUsd`)."""
    raw = dict(plan.get("config", {})).get(BUDGET_KEY)
    if raw in (None, ""):
        return None
    try:
        value = TypeAdapter(BudgetUsd).validate_python(raw)
    except ValidationError as err:
        message = err.errors()[0]["msg"]
        raise BudgetError(f"{BUDGET_KEY} = {raw}: {message}") from None
    return Decimal(str(value))


def cost_change(
    base_plan: Mapping[str, Any],
    head_plan: Mapping[str, Any],
    budget: Decimal | None = None,
    *,
    snapshot: Snapshot | None = None,
    usage: Mapping[str, Decimal] | None = None,
    top: int = TOP_MOVERS,
) -> CostChange:
    """Price both plans with the same snapshot and usage and compare them. The budget is the given one,
    else the head plan's `postings:monthlyBudgetChangeUsd`, else none."""
    region = str(dict(head_plan.get("config", {})).get("aws:region", "us-east-1"))
    snapshot = snapshot or load_snapshot(region)
    usage = usage if usage is not None else load_usage()
    base = estimate(base_plan, snapshot, usage)
    head = estimate(head_plan, snapshot, usage)
    before, after = base.by_resource(), head.by_resource()
    names = {line.urn: (line.name, line.type) for line in [*base.lines, *head.lines]}
    movers = [
        Mover(urn, *names[urn], before.get(urn, Decimal(0)), after.get(urn, Decimal(0)))
        for urn in sorted(set(before) | set(after))
    ]
    movers = sorted((m for m in movers if m.change), key=lambda m: (-abs(m.change), m.urn))[:top]
    return CostChange(
        stack=head.stack,
        base=base,
        head=head,
        budget=budget if budget is not None else budget_of(head_plan),
        movers=movers,
    )
