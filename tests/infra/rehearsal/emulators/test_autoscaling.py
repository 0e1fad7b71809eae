"""Auto Scaling emulators: the group, its policy and its scheduled action are in moto as declared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def rehearsal() -> Iterator[Rehearsal]:
    with rehearse_case("autoscaling_target_tracking_policy_and_schedule") as rehearsed:
        yield rehearsed


def _client(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("autoscaling", region_name=rehearsal.account.region)


def test_group_spans_both_subnets_with_its_sizes(rehearsal: Rehearsal) -> None:
    group = rehearsal.result.one("aws:autoscaling/group:Group", "workers")
    found = _client(rehearsal).describe_auto_scaling_groups(AutoScalingGroupNames=[group.id])[
        "AutoScalingGroups"
    ][0]
    assert (found["MinSize"], found["DesiredCapacity"], found["MaxSize"]) == (1, 2, 3), group.urn
    assert len(found["VPCZoneIdentifier"].split(",")) == 2, group.urn
    assert spec_of(group.type).arn_pattern().fullmatch(group.state["arn"]), group.state["arn"]


def test_policy_and_schedule_belong_to_the_group(rehearsal: Rehearsal) -> None:
    group = rehearsal.result.one("aws:autoscaling/group:Group", "workers")
    policy = rehearsal.result.one("aws:autoscaling/policy:Policy", "cpu")
    schedule = rehearsal.result.one("aws:autoscaling/schedule:Schedule", "night")
    client = _client(rehearsal)
    policies = client.describe_policies(AutoScalingGroupName=group.id)["ScalingPolicies"]
    assert [(p["PolicyName"], p["PolicyType"]) for p in policies] == [(policy.id, "TargetTrackingScaling")]
    actions = client.describe_scheduled_actions(AutoScalingGroupName=group.id)["ScheduledUpdateGroupActions"]
    assert [(a["ScheduledActionName"], a["Recurrence"]) for a in actions] == [("night", "0 22 * * 1-5")]
    for resource in (policy, schedule):
        assert spec_of(resource.type).arn_pattern().fullmatch(resource.state["arn"]), resource.state["arn"]
