"""The cost of a change: totals before and after, the difference, what moved it most, the budget."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infra.cost.change import BudgetError, CostChange, budget_of, cost_change
from infra.cost.estimate import dollars
from infra.cost.render import change_json, cost_change_markdown, render_change_text
from tests.infra.cost.conftest import make_snapshot, small_plan

# The small plan costs $146.5259 a month (test_estimate). The head runs 4 api tasks instead of 2
# (+730 vCPU-h x $0.04 = +$29.20, +1,460 GB-h x $0.005 = +$7.30) and a second NAT gateway with its
# address (+730 h x $0.05 = +$36.50, +$3.65; the 50 GB of NAT data is now split, 25 GB on each: the
# first gateway's data drops by $1.25 and the second's adds $1.25).
BASE_TOTAL = Decimal("146.53")
HEAD_TOTAL = Decimal("223.18")  # 146.5259 + 36.50 + 36.50 + 3.65
CHANGE = Decimal("76.65")


def _change(budget: Decimal | None = None, head_budget: str | None = None) -> CostChange:
    return cost_change(
        small_plan(),
        small_plan(api_tasks=4, nat=2, budget=head_budget),
        budget,
        snapshot=make_snapshot(),
        usage=None,
    )


def test_totals_change_and_the_resources_that_moved_it_most() -> None:
    change = _change()
    assert (dollars(change.before), dollars(change.after), dollars(change.change)) == (
        BASE_TOTAL,
        HEAD_TOTAL,
        CHANGE,
    )
    assert [
        (m.name, m.status, dollars(m.before), dollars(m.after), dollars(m.change)) for m in change.movers
    ] == [
        # nat-1: 36.50 + 1.25 + its address 3.65 (a separate resource) = 37.75
        ("nat-1", "added", Decimal("0"), Decimal("37.75"), Decimal("37.75")),
        # 2 -> 4 tasks: 36.50 -> 73.00
        ("api-service", "changed", Decimal("36.50"), Decimal("73.00"), Decimal("36.50")),
        ("nat-1-eip", "added", Decimal("0"), Decimal("3.65"), Decimal("3.65")),
        # nat-0 now carries 25 GB: 39.00 -> 37.75
        ("nat-0", "changed", Decimal("39.00"), Decimal("37.75"), Decimal("-1.25")),
    ]
    assert change.budget is None
    assert not change.over_budget


@pytest.mark.parametrize(
    ("budget", "over"),
    [(Decimal("76.64"), True), (Decimal("76.65"), False), (Decimal("100"), False), (Decimal("0"), True)],
)
def test_budget_exceeded_or_not(budget: Decimal, over: bool) -> None:
    # the change is +$76.6500... exactly (the LCU part is the same on both sides)
    assert _change(budget).over_budget is over


def test_the_budget_comes_from_the_head_plans_config_unless_given() -> None:
    assert _change(head_budget="50").budget == Decimal("50")
    assert _change(head_budget="50").over_budget
    assert _change(Decimal("80"), head_budget="50").budget == Decimal("80")
    assert budget_of({"config": {}}) is None


@pytest.mark.parametrize("raw", ["-5", "lots", "nan"])
def test_a_bad_budget_in_the_plan_is_refused_with_its_key(raw: str) -> None:
    with pytest.raises(BudgetError, match=rf"^postings:monthlyBudgetChangeUsd = {raw}: "):
        budget_of({"config": {"postings:monthlyBudgetChangeUsd": raw}})


def test_markdown_for_the_pr_comment() -> None:
    markdown = cost_change_markdown(
        small_plan(), small_plan(api_tasks=4, nat=2), Decimal("50"), snapshot=make_snapshot()
    )
    assert markdown.splitlines()[:9] == [
        "### Monthly cost",
        "",
        "| | monthly |",
        "|---|---:|",
        "| before | $146.53 |",
        "| after | $223.18 |",
        "| change | **+$76.65** |",
        "",
        ":x: budget +$50.00 a month: OVER BUDGET",
    ]
    assert "| `nat-1` (added) | `aws:ec2/natGateway:NatGateway` | $0.00 | $37.75 | +$37.75 |" in markdown
    assert "| `nat-0` (changed) | `aws:ec2/natGateway:NatGateway` | $39.00 | $37.75 | -$1.25 |" in markdown


def test_text_and_json() -> None:
    change = _change(Decimal("100"))
    text = render_change_text(change)
    headline = "s: $146.53 -> $223.18 a month (+$76.65); budget +$100.00 a month: within budget"
    assert text.startswith(headline + "\n")
    assert text.endswith("\n" + headline)
    data = change_json(change)
    assert (
        data["beforeUsd"],
        data["afterUsd"],
        data["changeUsd"],
        data["budgetUsd"],
        data["overBudget"],
    ) == (
        "146.53",
        "223.18",
        "76.65",
        "100.00",
        False,
    )
    assert [m["name"] for m in data["movers"]] == ["nat-1", "api-service", "nat-1-eip", "nat-0"]
