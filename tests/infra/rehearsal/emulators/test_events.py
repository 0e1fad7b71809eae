"""EventBridge emulators: bus, rule and target are in moto; the schedule grammar accepts AWS's forms."""

from __future__ import annotations

import pytest

from infra.rehearsal.emulators.events import schedule_problem
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


def test_rule_on_a_custom_bus_has_its_target() -> None:
    with rehearse_case("events_custom_bus_rule_and_queue_target") as rehearsal:
        client = rehearsal.session.client("events", region_name=rehearsal.account.region)
        rule = rehearsal.result.one("aws:cloudwatch/eventRule:EventRule", "order-placed")
        targets = client.list_targets_by_rule(Rule=rule.state["name"], EventBusName="orders")["Targets"]
        assert [t["RetryPolicy"]["MaximumRetryAttempts"] for t in targets] == [3], rule.urn
        for token, name in (("aws:cloudwatch/eventBus:EventBus", "orders"), (rule.type, "order-placed")):
            declared = rehearsal.result.one(token, name)
            assert spec_of(token).arn_pattern().fullmatch(declared.state["arn"]), declared.state["arn"]


@pytest.mark.parametrize(
    "expression",
    [
        "rate(1 day)",
        "rate(15 minutes)",
        "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(0 12 L * ? 2030)",
        "cron(0 9 ? * 2#1 *)",
    ],
)
def test_documented_schedule_forms_are_accepted(expression: str) -> None:
    assert schedule_problem(expression) is None, expression
