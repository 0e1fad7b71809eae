"""EFS emulators: file systems, mount targets, access points and policies are in moto as declared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def mounted() -> Iterator[Rehearsal]:
    with rehearse_case("efs_file_system_mounted_in_two_zones") as rehearsed:
        yield rehearsed


@pytest.fixture(scope="module")
def provisioned() -> Iterator[Rehearsal]:
    with rehearse_case("efs_provisioned_throughput_access_point_and_policy") as rehearsed:
        yield rehearsed


def _client(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("efs", region_name=rehearsal.account.region)


def test_one_mount_target_per_zone(mounted: Rehearsal) -> None:
    shared = mounted.result.one("aws:efs/fileSystem:FileSystem", "shared")
    targets = _client(mounted).describe_mount_targets(FileSystemId=shared.id)["MountTargets"]
    assert sorted(t["AvailabilityZoneName"] for t in targets) == ["eu-west-1a", "eu-west-1b"], shared.urn
    assert spec_of(shared.type).arn_pattern().fullmatch(shared.state["arn"]), shared.state["arn"]


def test_access_point_and_policy_on_the_provisioned_file_system(provisioned: Rehearsal) -> None:
    client = _client(provisioned)
    shared = provisioned.result.one("aws:efs/fileSystem:FileSystem", "shared")
    point = provisioned.result.one("aws:efs/accessPoint:AccessPoint", "app")
    system = client.describe_file_systems(FileSystemId=shared.id)["FileSystems"][0]
    assert (system["ThroughputMode"], system["ProvisionedThroughputInMibps"]) == ("provisioned", 64), (
        shared.urn
    )
    found = client.describe_access_points(AccessPointId=point.id)["AccessPoints"][0]
    assert (found["RootDirectory"]["Path"], found["PosixUser"]["Uid"]) == ("/app", 1000), point.urn
    policy = json.loads(client.describe_file_system_policy(FileSystemId=shared.id)["Policy"])
    assert policy["Statement"][0]["Effect"] == "Deny", shared.urn
    assert spec_of(point.type).arn_pattern().fullmatch(point.state["arn"]), point.state["arn"]
