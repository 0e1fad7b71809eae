"""The usage assumptions: one file, overridable one key at a time, refused when unknown or not a number."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infra.cost.usage import UsageError, load_usage, with_overrides


def test_the_file_holds_every_assumption_the_pricers_read() -> None:
    usage = load_usage()
    assert usage["hoursPerMonth"] == Decimal(730)
    assert sorted(usage) == [
        "dbDailyChangeFraction",
        "ecrGbStored",
        "grafanaEditors",
        "grafanaViewers",
        "hoursPerMonth",
        "kibPerRequest",
        "logGbPerGroupPerMonth",
        "logStoredFraction",
        "natGbPerMonth",
        "prometheusSamplesPerMonth",
        "requestsPerMonth",
        "s3GbPerBucket",
        "scheduledTaskMinutes",
    ]


def test_an_override_replaces_one_assumption() -> None:
    usage = with_overrides(load_usage(), ["natGbPerMonth=250.5"])
    assert usage["natGbPerMonth"] == Decimal("250.5")
    assert usage["requestsPerMonth"] == Decimal(10_000_000)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("natGb=5", "--assume natGb=5: unknown assumption 'natGb'; known: dbDailyChangeFraction, "),
        ("natGbPerMonth", "--assume natGbPerMonth: expected key=value, e.g. natGbPerMonth=200"),
        ("natGbPerMonth=lots", "--assume: natGbPerMonth = 'lots' is not a number"),
        ("natGbPerMonth=-1", "--assume: natGbPerMonth = '-1' must be a number >= 0"),
    ],
)
def test_bad_overrides_are_refused(item: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        with_overrides(load_usage(), [item])
    assert str(raised.value).startswith(message)
