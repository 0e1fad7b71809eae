"""Network: subnets per tier and AZ, routes, NAT per config, flow logs, the default group closed."""

from __future__ import annotations

import json

import pytest

from tests.infra.program import children, ids, run

SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"


def test_dev_subnets_exact_cidrs_zones_and_tiers() -> None:
    result = run("dev")
    expected = {
        "postings-dev-public-eu-west-1a": ("10.10.192.0/21", "eu-west-1a", "public"),
        "postings-dev-public-eu-west-1b": ("10.10.200.0/21", "eu-west-1b", "public"),
        "postings-dev-app-eu-west-1a": ("10.10.0.0/18", "eu-west-1a", "app"),
        "postings-dev-app-eu-west-1b": ("10.10.64.0/18", "eu-west-1b", "app"),
        "postings-dev-data-eu-west-1a": ("10.10.224.0/21", "eu-west-1a", "data"),
        "postings-dev-data-eu-west-1b": ("10.10.232.0/21", "eu-west-1b", "data"),
    }
    subnets = {r.name: r for r in result.by_type(SUBNET)}
    assert sorted(subnets) == sorted(expected)
    vpc = result.one("aws:ec2/vpc:Vpc", "postings-dev-vpc")
    for name, (cidr, zone, tier) in expected.items():
        inputs = subnets[name].inputs
        assert inputs["cidrBlock"] == cidr, name
        assert inputs["availabilityZone"] == zone, name
        assert inputs["tags"]["Tier"] == tier, name
        assert inputs["mapPublicIpOnLaunch"] is False, name
        assert inputs["vpcId"] == vpc.id, name


def test_vpc_has_dns_and_the_configured_cidr() -> None:
    inputs = run("prod").one("aws:ec2/vpc:Vpc", "postings-prod-vpc").inputs
    assert inputs["cidrBlock"] == "10.30.0.0/16"
    assert inputs["enableDnsHostnames"] is True
    assert inputs["enableDnsSupport"] is True


@pytest.mark.parametrize(("stack", "nats"), [("dev", 1), ("staging", 1), ("prod", 3)])
def test_nat_gateways_follow_nat_mode(stack: str, nats: int) -> None:
    result = run(stack)
    gateways = result.by_type("aws:ec2/natGateway:NatGateway")
    assert len(gateways) == nats, [g.name for g in gateways]
    assert len(result.by_type("aws:ec2/eip:Eip")) == nats
    public_ids = {r.id for r in result.by_type(SUBNET) if r.inputs["tags"]["Tier"] == "public"}
    for gateway in gateways:
        assert gateway.inputs["subnetId"] in public_ids, f"{gateway.name} must sit in a public subnet"


def test_only_public_subnets_route_to_the_internet_gateway() -> None:
    result = run("prod")
    igw = result.one("aws:ec2/internetGateway:InternetGateway", "postings-prod-igw")
    tables = {r.id: r for r in result.by_type(ROUTE_TABLE)}
    subnets = {r.id: r for r in result.by_type(SUBNET)}
    for association in result.by_type(ASSOCIATION):
        table = tables[association.inputs["routeTableId"]]
        subnet = subnets[association.inputs["subnetId"]]
        routes = table.inputs["routes"]
        assert [route["cidrBlock"] for route in routes] == ["0.0.0.0/0"], table.name
        via_igw = routes[0].get("gatewayId") == igw.id
        assert via_igw == (subnet.inputs["tags"]["Tier"] == "public"), f"{subnet.name} via {table.name}"


def test_prod_private_subnets_use_the_nat_in_their_own_zone() -> None:
    result = run("prod")
    nats = {r.id: r for r in result.by_type("aws:ec2/natGateway:NatGateway")}
    subnets = {r.id: r for r in result.by_type(SUBNET)}
    for zone in ("eu-west-1a", "eu-west-1b", "eu-west-1c"):
        table = result.one(ROUTE_TABLE, f"postings-prod-private-{zone}-rt")
        nat = nats[table.inputs["routes"][0]["natGatewayId"]]
        assert subnets[nat.inputs["subnetId"]].inputs["availabilityZone"] == zone, table.name


def test_every_subnet_has_exactly_one_route_table() -> None:
    result = run("prod")
    associated = [a.inputs["subnetId"] for a in result.by_type(ASSOCIATION)]
    assert sorted(associated) == ids(result.by_type(SUBNET))


def test_flow_logs_capture_all_traffic_to_cloudwatch_with_retention() -> None:
    result = run("prod")
    log_group = result.one("aws:cloudwatch/logGroup:LogGroup", "postings-prod-flow-logs")
    assert log_group.inputs["retentionInDays"] == 365
    flow_log = result.one("aws:ec2/flowLog:FlowLog", "postings-prod-flow-log")
    assert flow_log.inputs["trafficType"] == "ALL"
    assert flow_log.inputs["logDestinationType"] == "cloud-watch-logs"
    assert flow_log.inputs["logDestination"] == log_group.state["arn"]
    role = result.one("aws:iam/role:Role", "postings-prod-flow-logs-role")
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "vpc-flow-logs.amazonaws.com"
    }
    policy = json.loads(
        result.one("aws:iam/rolePolicy:RolePolicy", "postings-prod-flow-logs-policy").inputs["policy"]
    )
    assert policy["Statement"][0]["Resource"] == [log_group.state["arn"], log_group.state["arn"] + ":*"]


def test_default_security_group_is_emptied() -> None:
    inputs = (
        run("dev").one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "postings-dev-default-sg").inputs
    )
    assert inputs.get("ingress", []) == []
    assert inputs.get("egress", []) == []


def test_network_component_owns_its_resources() -> None:
    names = sorted(r.name for r in children(run("dev"), "postings:infra:Network"))
    assert len(names) == 24
    assert "postings-dev-vpc" in names
    assert "postings-dev-flow-log" in names
