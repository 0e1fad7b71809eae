"""EC2 emulators: endpoints, volumes and attachments, key pairs, launch templates are in moto as declared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def endpoints() -> Iterator[Rehearsal]:
    with rehearse_case("ec2_gateway_and_interface_endpoints") as rehearsed:
        yield rehearsed


@pytest.fixture(scope="module")
def volumes() -> Iterator[Rehearsal]:
    with rehearse_case("ec2_instance_with_an_attached_gp3_volume") as rehearsed:
        yield rehearsed


@pytest.fixture(scope="module")
def templates() -> Iterator[Rehearsal]:
    with rehearse_case("ec2_launch_template_with_a_key_pair") as rehearsed:
        yield rehearsed


def _ec2(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("ec2", region_name=rehearsal.account.region)


def test_gateway_endpoint_routes_and_interface_endpoint_sits_in_both_subnets(endpoints: Rehearsal) -> None:
    client = _ec2(endpoints)
    s3 = endpoints.result.one("aws:ec2/vpcEndpoint:VpcEndpoint", "s3")
    sqs = endpoints.result.one("aws:ec2/vpcEndpoint:VpcEndpoint", "sqs")
    table = endpoints.result.one("aws:ec2/routeTable:RouteTable", "private")
    found = {
        e["VpcEndpointId"]: e
        for e in client.describe_vpc_endpoints(VpcEndpointIds=[s3.id, sqs.id])["VpcEndpoints"]
    }
    assert found[s3.id]["VpcEndpointType"] == "Gateway", s3.urn
    assert found[s3.id]["RouteTableIds"] == [table.id], s3.urn
    assert found[sqs.id]["VpcEndpointType"] == "Interface", sqs.urn
    assert len(found[sqs.id]["SubnetIds"]) == 2, sqs.urn
    for endpoint in (s3, sqs):
        assert spec_of(endpoint.type).arn_pattern().fullmatch(endpoint.state["arn"]), endpoint.state["arn"]


def test_volume_is_attached_with_its_iops_and_throughput(volumes: Rehearsal) -> None:
    volume = volumes.result.one("aws:ebs/volume:Volume", "data")
    host = volumes.result.one("aws:ec2/instance:Instance", "host")
    found = _ec2(volumes).describe_volumes(VolumeIds=[volume.id])["Volumes"][0]
    assert (found["VolumeType"], found["Size"], found["Iops"], found["Throughput"]) == (
        "gp3",
        100,
        4000,
        1000,
    )
    assert [(a["InstanceId"], a["Device"]) for a in found["Attachments"]] == [(host.id, "/dev/sdf")], (
        volume.urn
    )
    assert spec_of(volume.type).arn_pattern().fullmatch(volume.state["arn"]), volume.state["arn"]


def test_key_pair_and_launch_template_are_registered(templates: Rehearsal) -> None:
    client = _ec2(templates)
    key = templates.result.one("aws:ec2/keyPair:KeyPair", "ops")
    template = templates.result.one("aws:ec2/launchTemplate:LaunchTemplate", "workers")
    assert client.describe_key_pairs(KeyNames=[key.id])["KeyPairs"][0]["KeyName"] == key.id
    version = client.describe_launch_template_versions(LaunchTemplateId=template.id)[
        "LaunchTemplateVersions"
    ][0]["LaunchTemplateData"]
    assert (version["InstanceType"], version["KeyName"]) == ("t4g.small", key.id), template.urn
    assert version["MetadataOptions"]["HttpTokens"] == "required", template.urn
    for resource in (key, template):
        assert spec_of(resource.type).arn_pattern().fullmatch(resource.state["arn"]), resource.state["arn"]
