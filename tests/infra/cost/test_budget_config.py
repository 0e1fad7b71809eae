"""`postings:monthlyBudgetChangeUsd` in a stack's config: a number of dollars >= 0, or unset."""

from __future__ import annotations

import pytest

from infra.config import ConfigError, load_config

BASE = {"aws:region": "eu-west-1", "postings:imageTag": "abc123"}


def test_unset_means_no_budget() -> None:
    assert load_config(BASE, "dev").monthly_budget_change_usd is None


def test_a_number_of_dollars() -> None:
    config = load_config({**BASE, "postings:monthlyBudgetChangeUsd": "250.5"}, "dev")
    assert config.monthly_budget_change_usd == 250.5


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("-1", "postings:monthlyBudgetChangeUsd = -1: Input should be greater than or equal to 0"),
        ("lots", "postings:monthlyBudgetChangeUsd = lots: Input should be a valid number, unable to parse"),
        ("inf", "postings:monthlyBudgetChangeUsd = inf: Input should be a finite number"),
    ],
)
def test_a_bad_budget_names_the_key_the_value_and_what_is_allowed(value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({**BASE, "postings:monthlyBudgetChangeUsd": value}, "dev")
    assert next(p for p in raised.value.problems if "monthlyBudget" in p).startswith(problem)
