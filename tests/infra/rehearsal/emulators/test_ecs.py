"""ECS emulators: a capacity provider is in moto on its Auto Scaling group; task definitions as declared."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def rehearsal() -> Iterator[Rehearsal]:
    with rehearse_case("ecs_capacity_provider_on_an_auto_scaling_group") as rehearsed:
        yield rehearsed


def test_capacity_provider_scales_its_group(rehearsal: Rehearsal) -> None:
    provider = rehearsal.result.one("aws:ecs/capacityProvider:CapacityProvider", "hosts")
    group = rehearsal.result.one("aws:autoscaling/group:Group", "ecs-hosts")
    client = rehearsal.session.client("ecs", region_name=rehearsal.account.region)
    found = client.describe_capacity_providers(capacityProviders=[provider.state["name"]])[
        "capacityProviders"
    ][0]
    scaling = found["autoScalingGroupProvider"]
    assert scaling["autoScalingGroupArn"] == group.state["arn"], provider.urn
    assert (scaling["managedScaling"]["status"], scaling["managedScaling"]["targetCapacity"]) == (
        "ENABLED",
        90,
    )
    assert spec_of(provider.type).arn_pattern().fullmatch(provider.state["arn"]), provider.state["arn"]


@pytest.fixture(scope="module")
def reservation_only() -> Iterator[Rehearsal]:
    with rehearse_case("ecs_ec2_task_with_only_a_memory_reservation") as rehearsed:
        yield rehearsed


def test_task_definition_with_only_a_memory_reservation_keeps_its_compatibilities(
    reservation_only: Rehearsal,
) -> None:
    task = reservation_only.result.one("aws:ecs/taskDefinition:TaskDefinition", "worker")
    client = reservation_only.session.client("ecs", region_name=reservation_only.account.region)
    found = client.describe_task_definition(taskDefinition=task.state["arn"])["taskDefinition"]
    assert found["requiresCompatibilities"] == ["EC2"], task.urn
    assert [(c["name"], c.get("memory"), c["memoryReservation"]) for c in found["containerDefinitions"]] == [
        ("web", None, 128)
    ], task.urn
