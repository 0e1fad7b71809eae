"""EC2 emulators: networks, endpoints, volumes, key pairs, templates, flow logs are in moto as declared."""

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


@pytest.fixture(scope="module")
def prefix_lists() -> Iterator[Rehearsal]:
    with rehearse_case("ec2_group_rules_to_a_gateway_endpoints_prefix_list") as rehearsed:
        yield rehearsed


@pytest.fixture(scope="module")
def dual_stack() -> Iterator[Rehearsal]:
    with rehearse_case("ec2_dual_stack_vpc_with_an_egress_only_gateway") as rehearsed:
        yield rehearsed


@pytest.fixture(scope="module")
def flow_logs() -> Iterator[Rehearsal]:
    with rehearse_case("ec2_flow_logs_of_a_subnet_and_a_network_interface") as rehearsed:
        yield rehearsed


def test_gateway_endpoint_gives_its_services_prefix_list_to_the_rules(prefix_lists: Rehearsal) -> None:
    client = _ec2(prefix_lists)
    s3 = prefix_lists.result.one("aws:ec2/vpcEndpoint:VpcEndpoint", "s3")
    managed = client.describe_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.eu-west-1.s3"]}]
    )["PrefixLists"]
    assert [p["PrefixListId"] for p in managed] == [s3.state["prefixListId"]], s3.urn
    group = prefix_lists.result.one("aws:ec2/securityGroup:SecurityGroup", "net-sg")
    egress = client.describe_security_groups(GroupIds=[group.id])["SecurityGroups"][0]["IpPermissionsEgress"]
    assert sorted((p["FromPort"], [x["PrefixListId"] for x in p["PrefixListIds"]]) for p in egress) == [
        (80, [s3.state["prefixListId"]]),
        (443, [s3.state["prefixListId"]]),
    ], group.urn


def test_dual_stack_subnet_takes_a_64_of_the_vpcs_generated_block(dual_stack: Rehearsal) -> None:
    client = _ec2(dual_stack)
    vpc = dual_stack.result.one("aws:ec2/vpc:Vpc", "vpc")
    subnet = dual_stack.result.one("aws:ec2/subnet:Subnet", "app")
    found = client.describe_vpcs(VpcIds=[vpc.id])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"]
    assert [(a["Ipv6CidrBlock"], a["AssociationId"]) for a in found] == [
        (vpc.state["ipv6CidrBlock"], vpc.state["ipv6AssociationId"])
    ], vpc.urn
    assert vpc.state["ipv6CidrBlock"].endswith("::/56"), vpc.urn
    described = client.describe_subnets(SubnetIds=[subnet.id])["Subnets"][0]
    assert [a["Ipv6CidrBlock"] for a in described["Ipv6CidrBlockAssociationSet"]] == [
        vpc.state["ipv6CidrBlock"].replace("::/56", "::/64")
    ], subnet.urn
    assert subnet.state["ipv6CidrBlock"] == vpc.state["ipv6CidrBlock"].replace("::/56", "::/64"), subnet.urn
    gateway = dual_stack.result.one("aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "egress")
    table = dual_stack.result.one("aws:ec2/routeTable:RouteTable", "app")
    routes = client.describe_route_tables(RouteTableIds=[table.id])["RouteTables"][0]["Routes"]
    assert [
        r.get("EgressOnlyInternetGatewayId") for r in routes if r.get("DestinationIpv6CidrBlock") == "::/0"
    ] == [gateway.id], table.urn


def test_flow_logs_watch_the_subnet_and_the_network_interface(flow_logs: Rehearsal) -> None:
    subnet = flow_logs.result.one("aws:ec2/subnet:Subnet", "net-subnet-0")
    interface = flow_logs.result.one("aws:ec2/networkInterface:NetworkInterface", "app")
    by_log = {name: flow_logs.result.one("aws:ec2/flowLog:FlowLog", name).id for name in ("subnet", "eni")}
    found = {
        f["FlowLogId"]: f["ResourceId"]
        for f in _ec2(flow_logs).describe_flow_logs(FlowLogIds=list(by_log.values()))["FlowLogs"]
    }
    assert found == {by_log["subnet"]: subnet.id, by_log["eni"]: interface.id}, found
