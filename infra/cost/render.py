"""An estimate and a cost change as text, markdown (PR comments) and JSON."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from infra.cost.change import CostChange, cost_change
from infra.cost.estimate import Estimate, LineItem, dollars
from infra.cost.plan_index import TIER_ORDER
from infra.cost.prices import Snapshot
from infra.cost.usage import USAGE_FILE

ASSUME_HINT = f"{USAGE_FILE.name}, override with --assume key=value"


def usd(amount: Decimal, *, sign: bool = False) -> str:
    rounded = dollars(amount)
    text = f"${abs(rounded):,.2f}"
    if rounded < 0:
        return f"-{text}"
    return f"+{text}" if sign else text


def number(value: Decimal) -> str:
    """A quantity or an assumption without trailing zeros, at most 6 decimals."""
    rounded = value.quantize(Decimal("0.000001")).normalize()
    return f"{rounded:f}"


# A unit price keeps its own precision (WAF is $0.0000006 a request, Managed Prometheus $0.00000009 a
# sample: 6 decimals read $0.000001 and $0), up to this many significant digits.
PRICE_DIGITS = 6


def unit_price(value: Decimal) -> str:
    """A unit price in dollars as the snapshot states it, without trailing zeros or rounding."""
    if value == 0:
        return "0"
    if len(value.normalize().as_tuple().digits) > PRICE_DIGITS:
        value = value.quantize(Decimal(1).scaleb(value.adjusted() - PRICE_DIGITS + 1))
    return f"{value.normalize():f}"


def _unpriced_groups(estimate: Estimate) -> list[tuple[str, str, str, int]]:
    counts = Counter((u.type, u.what, u.reason) for u in estimate.unpriced)
    return [(t, what, reason, n) for (t, what, reason), n in sorted(counts.items())]


def _by_resource(estimate: Estimate) -> list[tuple[tuple[str, str, str], list[LineItem]]]:
    """The priced charges grouped by resource, in tier order, then by name."""
    groups: dict[tuple[str, str, str], list[LineItem]] = {}
    for line in sorted(estimate.lines, key=lambda item: (item.name, item.what)):
        groups.setdefault((line.tier, line.name, line.type), []).append(line)
    order = {tier: n for n, tier in enumerate(TIER_ORDER)}
    return sorted(groups.items(), key=lambda group: (order[group[0][0]], group[0][1]))


def _headline(estimate: Estimate) -> str:
    unpriced = len(estimate.unpriced)
    note = f"; {unpriced} charge(s) unpriced, not counted (listed below)" if unpriced else ""
    return f"{estimate.stack}: {usd(estimate.total)} a month{note}"


def _snapshot_line(estimate: Estimate) -> str:
    return f"Prices: AWS on-demand, {estimate.region}, snapshot of {estimate.snapshot_date} (infra/cost/data)"


def render_text(estimate: Estimate) -> str:
    lines = [_headline(estimate), _snapshot_line(estimate), "", "By tier:"]
    lines += [f"  {tier:<11} {usd(amount):>12}" for tier, amount in estimate.by_tier().items()]
    lines += ["", "By resource:"]
    for (tier, name, type_token), charges in _by_resource(estimate):
        total = sum((line.monthly for line in charges), Decimal(0))
        lines.append(f"  {usd(total):>12}  {tier:<11} {name} ({type_token})")
        lines += [
            f"{'':>28}{line.what}: {number(line.quantity)} {line.unit} x ${unit_price(line.usd_per_unit)} "
            f"= {usd(line.monthly)}  [{line.usage_type}]"
            for line in charges
        ]
    groups = _unpriced_groups(estimate)
    if groups:
        lines += ["", "Unpriced (not counted in the total):"]
        lines += [f"  {n} x {t}: {what}: {reason}" for t, what, reason, n in groups]
    lines += ["", f"{estimate.free} resource(s) AWS does not charge for (or priced on another resource)."]
    lines += ["", f"Assumptions ({ASSUME_HINT}):"]
    lines += [f"  {key} = {number(value)}" for key, value in sorted(estimate.usage.items())]
    lines += ["", _headline(estimate)]
    return "\n".join(lines)


def render_markdown(estimate: Estimate) -> str:
    lines = [
        f"### Monthly cost: {estimate.stack}",
        "",
        f"**{_headline(estimate)}**",
        "",
        _snapshot_line(estimate),
    ]
    lines += ["", "| tier | monthly |", "|---|---:|"]
    lines += [f"| {tier} | {usd(amount)} |" for tier, amount in estimate.by_tier().items()]
    lines += ["", "| resource | tier | monthly | charges |", "|---|---|---:|---|"]
    for (tier, name, _), charges in _by_resource(estimate):
        total = sum((line.monthly for line in charges), Decimal(0))
        detail = "; ".join(
            f"{line.what}: {number(line.quantity)} {line.unit} x ${unit_price(line.usd_per_unit)}"
            for line in charges
        )
        lines.append(f"| `{name}` | {tier} | {usd(total)} | {detail} |")
    lines += _markdown_unpriced(estimate)
    lines += _markdown_assumptions(estimate)
    return "\n".join(lines)


def _markdown_unpriced(estimate: Estimate) -> list[str]:
    groups = _unpriced_groups(estimate)
    if not groups:
        return []
    lines = ["", "Not counted (unpriced):", "", "| type | charge | count | why |", "|---|---|---:|---|"]
    lines += [f"| `{t}` | {what} | {n} | {reason} |" for t, what, reason, n in groups]
    return lines


def _markdown_assumptions(estimate: Estimate) -> list[str]:
    lines = ["", f"<details><summary>Usage assumed ({ASSUME_HINT})</summary>", ""]
    lines += [f"- `{key}` = {number(value)}" for key, value in sorted(estimate.usage.items())]
    return [*lines, "", "</details>"]


def estimate_json(estimate: Estimate) -> dict[str, Any]:
    return {
        "stack": estimate.stack,
        "region": estimate.region,
        "snapshot": {"date": estimate.snapshot_date, "source": estimate.snapshot_source},
        "monthlyUsd": str(dollars(estimate.total)),
        "byTier": {tier: str(dollars(amount)) for tier, amount in estimate.by_tier().items()},
        "byResource": {urn: str(dollars(amount)) for urn, amount in sorted(estimate.by_resource().items())},
        "lines": [
            {
                "urn": line.urn,
                "name": line.name,
                "type": line.type,
                "tier": line.tier,
                "charge": line.what,
                "quantity": number(line.quantity),
                "unit": line.unit,
                "usdPerUnit": unit_price(line.usd_per_unit),
                "monthlyUsd": str(dollars(line.monthly)),
                "usageType": line.usage_type,
                "sku": line.sku,
                "source": line.source,
            }
            for line in sorted(estimate.lines, key=lambda item: (item.urn, item.what))
        ],
        "unpriced": [
            {"urn": u.urn, "type": u.type, "tier": u.tier, "charge": u.what, "reason": u.reason}
            for u in sorted(estimate.unpriced, key=lambda item: (item.urn, item.what))
        ],
        "free": estimate.free,
        "assumptions": {key: number(value) for key, value in sorted(estimate.usage.items())},
    }


def _budget_words(change: CostChange) -> str:
    if change.budget is None:
        return "no budget set (postings:monthlyBudgetChangeUsd)"
    verdict = "OVER BUDGET" if change.over_budget else "within budget"
    return f"budget {usd(change.budget, sign=True)} a month: {verdict}"


def change_headline(change: CostChange) -> str:
    return (
        f"{change.stack}: {usd(change.before)} -> {usd(change.after)} a month "
        f"({usd(change.change, sign=True)}); {_budget_words(change)}"
    )


def render_change_text(change: CostChange) -> str:
    lines = [change_headline(change), _snapshot_line(change.head)]
    if change.movers:
        lines += ["", "Changed most:"]
        lines += [
            f"  {usd(m.change, sign=True):>12}  {m.name} ({m.type}, {m.status}: "
            f"{usd(m.before)} -> {usd(m.after)})"
            for m in change.movers
        ]
    if change.newly_unpriced():
        lines += ["", "Unpriced in the head only (their cost is not in the change):"]
        lines += [f"  {t}" for t in change.newly_unpriced()]
    lines += [
        "",
        f"Unpriced charges, not counted: {len(change.base.unpriced)} before, "
        f"{len(change.head.unpriced)} after",
    ]
    lines += ["", change_headline(change)]
    return "\n".join(lines)


def render_change_markdown(change: CostChange) -> str:
    budget = _budget_words(change)
    lines = [
        "### Monthly cost",
        "",
        "| | monthly |",
        "|---|---:|",
        f"| before | {usd(change.before)} |",
        f"| after | {usd(change.after)} |",
        f"| change | **{usd(change.change, sign=True)}** |",
        "",
        f"{':x:' if change.over_budget else ':white_check_mark:'} {budget}",
        "",
        _snapshot_line(change.head) + f"; {len(change.head.unpriced)} charge(s) unpriced, not counted.",
    ]
    if change.movers:
        lines += ["", "| resource | type | before | after | change |", "|---|---|---:|---:|---:|"]
        lines += [
            f"| `{m.name}` ({m.status}) | `{m.type}` | {usd(m.before)} | {usd(m.after)} "
            f"| {usd(m.change, sign=True)} |"
            for m in change.movers
        ]
    if change.newly_unpriced():
        lines += ["", "Unpriced in the head only (their cost is not in the change): "]
        lines += [f"- `{t}`" for t in change.newly_unpriced()]
    lines += _markdown_assumptions(change.head)
    return "\n".join(lines)


def change_json(change: CostChange) -> dict[str, Any]:
    return {
        "stack": change.stack,
        "beforeUsd": str(dollars(change.before)),
        "afterUsd": str(dollars(change.after)),
        "changeUsd": str(dollars(change.change)),
        "budgetUsd": None if change.budget is None else str(dollars(change.budget)),
        "overBudget": change.over_budget,
        "movers": [
            {
                "urn": m.urn,
                "name": m.name,
                "type": m.type,
                "status": m.status,
                "beforeUsd": str(dollars(m.before)),
                "afterUsd": str(dollars(m.after)),
                "changeUsd": str(dollars(m.change)),
            }
            for m in change.movers
        ],
        "newlyUnpricedTypes": change.newly_unpriced(),
        "base": estimate_json(change.base),
        "head": estimate_json(change.head),
    }


def cost_change_markdown(
    base_plan: Mapping[str, Any],
    head_plan: Mapping[str, Any],
    budget: Decimal | None = None,
    *,
    snapshot: Snapshot | None = None,
    usage: Mapping[str, Decimal] | None = None,
) -> str:
    """The PR comment's cost section for a change from `base_plan` to `head_plan` (plans as `infra rehearse
    --json` writes them): totals before and after, the change, the resources that moved it most, and the
    verdict against `budget` (default: the head's `postings:monthlyBudgetChangeUsd`)."""
    return render_change_markdown(cost_change(base_plan, head_plan, budget, snapshot=snapshot, usage=usage))
