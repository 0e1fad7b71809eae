"""EC2 and VPC cases: networks, routes, ACLs, endpoints, peering, security groups, instances, EBS volumes."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import ZONES, Net, network, role

PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOb8fcHtUM6drVAswH7fwwy5NUd6uSnLh3+RgPTmr0ev"
VPC_CIDRS = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html"
SUBNET_SIZING = "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html"
IP_PERMISSION = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html"
VOLUME_TYPES = "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html"
CREATE_VOLUME = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html"
EBS_VOLUME_GO = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/ebs_volume.go"
)
ACL_ENTRY = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html"
CREATE_ENDPOINT = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html"
VPC_RULE_GO = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/"
    "vpc_security_group_ingress_rule.go"
)
SG_RULE_GO = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/vpc_security_group_rule.go"
SG_GO = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/vpc_security_group.go"
)
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VOLUME = "aws:ebs/volume:Volume"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ENI = "aws:ec2/networkInterface:NetworkInterface"


def _ami(architecture: str) -> str:
    """An Amazon Linux 2023 AMI of `architecture` (x86_64 or arm64)."""
    return aws.ec2.get_ami(
        most_recent=True,
        owners=["amazon"],
        filters=[{"name": "name", "values": [f"al2023-ami-2023.*-{architecture}"]}],
    ).id


def _vpc(name: str = "vpc", cidr: str = "10.0.0.0/16") -> aws.ec2.Vpc:
    return aws.ec2.Vpc(name, cidr_block=cidr)


def _sg_rule(**overrides: Any) -> aws.ec2.SecurityGroupRule:
    net = network()
    args: dict[str, Any] = {
        "type": "ingress",
        "security_group_id": net.group.id,
        "protocol": "tcp",
        "from_port": 443,
        "to_port": 443,
        "cidr_blocks": ["10.0.0.0/16"],
    }
    args.update(overrides)
    return aws.ec2.SecurityGroupRule("rule", **args)


def _ingress(net: Net, **overrides: Any) -> aws.vpc.SecurityGroupIngressRule:
    args: dict[str, Any] = {
        "security_group_id": net.group.id,
        "ip_protocol": "tcp",
        "from_port": 5432,
        "to_port": 5432,
    }
    args.update(overrides)
    return aws.vpc.SecurityGroupIngressRule("ingress", **args)


def _volume(**overrides: Any) -> aws.ebs.Volume:
    args: dict[str, Any] = {"availability_zone": ZONES[0], "size": 100, "type": "gp3"}
    args.update(overrides)
    return aws.ebs.Volume("data", **args)


def _instance(net: Net, zone_index: int = 0, **overrides: Any) -> aws.ec2.Instance:
    args: dict[str, Any] = {
        "ami": _ami("x86_64"),
        "instance_type": "t3.micro",
        "subnet_id": net.subnets[zone_index].id,
        "vpc_security_group_ids": [net.group.id],
    }
    args.update(overrides)
    return aws.ec2.Instance("host", **args)


@valid("ec2")
def ec2_vpc_with_subnets_in_two_zones_and_a_group() -> None:
    network()


@valid("ec2")
def ec2_public_subnet_routes_through_an_internet_gateway() -> None:
    vpc = _vpc()
    subnet = aws.ec2.Subnet("public", vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone=ZONES[0])
    gateway = aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
    table = aws.ec2.RouteTable("public", vpc_id=vpc.id)
    aws.ec2.Route(
        "default", route_table_id=table.id, destination_cidr_block="0.0.0.0/0", gateway_id=gateway.id
    )
    aws.ec2.RouteTableAssociation("public", route_table_id=table.id, subnet_id=subnet.id)


@valid("ec2")
def ec2_nat_gateway_with_an_elastic_ip() -> None:
    vpc = _vpc()
    subnet = aws.ec2.Subnet("public", vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone=ZONES[0])
    aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
    address = aws.ec2.Eip("nat", domain="vpc")
    nat = aws.ec2.NatGateway("nat", subnet_id=subnet.id, allocation_id=address.id)
    aws.ec2.RouteTable(
        "private", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}]
    )


@valid("ec2")
def ec2_default_group_locked_down_and_rules_between_groups() -> None:
    net = network()
    aws.ec2.DefaultSecurityGroup("default", vpc_id=net.vpc.id)
    database = aws.ec2.SecurityGroup("database", vpc_id=net.vpc.id, description="database")
    aws.vpc.SecurityGroupIngressRule(
        "from-app",
        security_group_id=database.id,
        ip_protocol="tcp",
        from_port=5432,
        to_port=5432,
        referenced_security_group_id=net.group.id,
    )
    aws.vpc.SecurityGroupEgressRule(
        "to-database",
        security_group_id=net.group.id,
        ip_protocol="tcp",
        from_port=5432,
        to_port=5432,
        referenced_security_group_id=database.id,
    )


@valid("ec2")
def ec2_group_rules_for_tcp_icmp_and_all_traffic() -> None:
    vpc = _vpc()
    group = aws.ec2.SecurityGroup(
        "web",
        vpc_id=vpc.id,
        description="web",
        ingress=[{"protocol": "tcp", "from_port": 80, "to_port": 443, "cidr_blocks": ["10.0.0.0/8"]}],
        egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
    )
    aws.ec2.SecurityGroupRule(
        "ping",
        type="ingress",
        security_group_id=group.id,
        protocol="icmp",
        from_port=8,
        to_port=-1,
        cidr_blocks=["10.0.0.0/16"],
    )
    aws.ec2.SecurityGroupRule(
        "self",
        type="ingress",
        security_group_id=group.id,
        protocol="tcp",
        from_port=8080,
        to_port=8080,
        self=True,
    )


@valid("ec2")
def ec2_flow_log_to_a_log_group() -> None:
    vpc = _vpc()
    logs = aws.cloudwatch.LogGroup("flow", retention_in_days=30)
    delivery = role("flow-role", "vpc-flow-logs.amazonaws.com")
    aws.ec2.FlowLog(
        "flow", vpc_id=vpc.id, traffic_type="ALL", log_destination=logs.arn, iam_role_arn=delivery.arn
    )


@valid("ec2")
def ec2_flow_logs_of_a_subnet_and_a_network_interface() -> None:
    net = network()
    bucket = aws.s3.Bucket("flow-logs")
    aws.ec2.FlowLog(
        "subnet",
        subnet_id=net.subnets[0].id,
        traffic_type="ALL",
        log_destination_type="s3",
        log_destination=bucket.arn.apply(lambda arn: f"{arn}/subnet/"),
        max_aggregation_interval=60,
    )
    interface = aws.ec2.NetworkInterface("app", subnet_id=net.subnets[0].id, security_groups=[net.group.id])
    logs = aws.cloudwatch.LogGroup("eni-flow", retention_in_days=30)
    delivery = role("flow-role", "vpc-flow-logs.amazonaws.com")
    aws.ec2.FlowLog(
        "eni", eni_id=interface.id, traffic_type="REJECT", log_destination=logs.arn, iam_role_arn=delivery.arn
    )


@valid("ec2")
def ec2_instance_with_an_attached_gp3_volume() -> None:
    net = network()
    host = _instance(net, availability_zone=ZONES[0], private_ip="10.0.0.10")
    volume = _volume(iops=4000, throughput=1000)
    aws.ec2.VolumeAttachment("data", device_name="/dev/sdf", instance_id=host.id, volume_id=volume.id)


@valid("ec2")
def ec2_io1_volume_at_fifty_iops_per_gib() -> None:
    _volume(type="io1", size=10, iops=500)


@valid("ec2")
def ec2_launch_template_with_a_key_pair() -> None:
    key = aws.ec2.KeyPair("ops", public_key=PUBLIC_KEY)
    aws.ec2.LaunchTemplate(
        "workers",
        image_id=_ami("arm64"),
        instance_type="t4g.small",
        key_name=key.key_name,
        metadata_options={
            "http_tokens": "required",
            "http_endpoint": "enabled",
            "http_put_response_hop_limit": 2,
        },
        block_device_mappings=[
            {
                "device_name": "/dev/xvda",
                "ebs": {"volume_size": 20, "volume_type": "gp3", "encrypted": "true", "iops": 4000},
            },
            {"device_name": "/dev/xvdb", "ebs": {"volume_size": 100, "volume_type": "io2", "iops": 5000}},
        ],
    )


def _dns_network() -> tuple[aws.ec2.Vpc, list[aws.ec2.Subnet], aws.ec2.SecurityGroup]:
    """A VPC with DNS hostnames on (which private DNS for an interface endpoint needs), a subnet per zone
    and a group."""
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", enable_dns_hostnames=True, enable_dns_support=True)
    subnets = [
        aws.ec2.Subnet(f"app-{i}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=zone)
        for i, zone in enumerate(ZONES)
    ]
    group = aws.ec2.SecurityGroup("endpoints", vpc_id=vpc.id, description="HTTPS to the endpoints")
    return vpc, subnets, group


@valid("ec2")
def ec2_gateway_and_interface_endpoints() -> None:
    vpc, subnets, group = _dns_network()
    table = aws.ec2.RouteTable("private", vpc_id=vpc.id)
    aws.ec2.VpcEndpoint(
        "s3", vpc_id=vpc.id, service_name="com.amazonaws.eu-west-1.s3", route_table_ids=[table.id]
    )
    aws.ec2.VpcEndpoint(
        "sqs",
        vpc_id=vpc.id,
        service_name="com.amazonaws.eu-west-1.sqs",
        vpc_endpoint_type="Interface",
        subnet_ids=[s.id for s in subnets],
        security_group_ids=[group.id],
        private_dns_enabled=True,
    )


@valid("ec2")
def ec2_group_rules_to_a_gateway_endpoints_prefix_list() -> None:
    """A Gateway endpoint's prefixListId is the AWS-managed prefix list of its service, which rules name."""
    net = network()
    table = aws.ec2.RouteTable("private", vpc_id=net.vpc.id)
    s3 = aws.ec2.VpcEndpoint(
        "s3", vpc_id=net.vpc.id, service_name="com.amazonaws.eu-west-1.s3", route_table_ids=[table.id]
    )
    aws.vpc.SecurityGroupEgressRule(
        "to-s3",
        security_group_id=net.group.id,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        prefix_list_id=s3.prefix_list_id,
        description="HTTPS to S3 (gateway endpoint)",
    )
    aws.ec2.SecurityGroupRule(
        "to-s3-legacy",
        type="egress",
        security_group_id=net.group.id,
        protocol="tcp",
        from_port=80,
        to_port=80,
        prefix_list_ids=[s3.prefix_list_id],
        description="HTTP to S3: legacy rule",
    )


@valid("ec2")
def ec2_dual_stack_vpc_with_an_egress_only_gateway() -> None:
    """The VPC's Amazon-provided IPv6 block is an output; a subnet takes a /64 of it."""
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", assign_generated_ipv6_cidr_block=True)
    aws.ec2.Subnet(
        "app",
        vpc_id=vpc.id,
        cidr_block="10.0.1.0/24",
        availability_zone=ZONES[0],
        ipv6_cidr_block=vpc.ipv6_cidr_block.apply(lambda block: block.replace("::/56", "::/64")),
        assign_ipv6_address_on_creation=True,
    )
    gateway = aws.ec2.EgressOnlyInternetGateway("egress", vpc_id=vpc.id)
    table = aws.ec2.RouteTable("app", vpc_id=vpc.id)
    aws.ec2.Route(
        "ipv6-out",
        route_table_id=table.id,
        destination_ipv6_cidr_block="::/0",
        egress_only_gateway_id=gateway.id,
    )
    group = aws.ec2.SecurityGroup("web", vpc_id=vpc.id, description="web")
    aws.vpc.SecurityGroupIngressRule(
        "https-v6",
        security_group_id=group.id,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        cidr_ipv6="::/0",
    )


@valid("ec2")
def ec2_network_acl_with_rules() -> None:
    vpc = _vpc()
    subnet = aws.ec2.Subnet("app", vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone=ZONES[0])
    acl = aws.ec2.NetworkAcl(
        "app",
        vpc_id=vpc.id,
        subnet_ids=[subnet.id],
        egress=[
            {
                "protocol": "-1",
                "rule_no": 100,
                "action": "allow",
                "cidr_block": "0.0.0.0/0",
                "from_port": 0,
                "to_port": 0,
            }
        ],
    )
    aws.ec2.NetworkAclRule(
        "https",
        network_acl_id=acl.id,
        rule_number=100,
        egress=False,
        protocol="tcp",
        rule_action="allow",
        cidr_block="0.0.0.0/0",
        from_port=443,
        to_port=443,
    )


@valid("ec2")
def ec2_peering_between_disjoint_vpcs() -> None:
    left = _vpc("left", "10.0.0.0/16")
    right = _vpc("right", "10.1.0.0/16")
    aws.ec2.VpcPeeringConnection("left-right", vpc_id=left.id, peer_vpc_id=right.id, auto_accept=True)


@valid("ec2")
def ec2_elastic_ip_on_a_network_interface() -> None:
    vpc = _vpc()
    subnet = aws.ec2.Subnet("app", vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone=ZONES[0])
    aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
    interface = aws.ec2.NetworkInterface("app", subnet_id=subnet.id, private_ips=["10.0.0.10"])
    address = aws.ec2.Eip("app", domain="vpc")
    aws.ec2.EipAssociation("app", allocation_id=address.id, network_interface_id=interface.id)


@refused("ec2", token="aws:ec2/vpc:Vpc", prop="cidrBlock", source=VPC_CIDRS)
def ec2_vpc_cidr_larger_than_a_16() -> None:
    _vpc(cidr="10.0.0.0/8")


@refused("ec2", token="aws:ec2/subnet:Subnet", prop="cidrBlock", source=SUBNET_SIZING)
def ec2_subnet_smaller_than_a_28() -> None:
    aws.ec2.Subnet("tiny", vpc_id=_vpc().id, cidr_block="10.0.0.0/29")


@refused("ec2", token="aws:ec2/subnet:Subnet", prop="cidrBlock", source=SUBNET_SIZING)
def ec2_subnet_outside_its_vpc() -> None:
    aws.ec2.Subnet("stray", vpc_id=_vpc().id, cidr_block="10.1.0.0/24")


@refused("ec2", token="aws:ec2/subnet:Subnet", prop="cidrBlock", source=SUBNET_SIZING)
def ec2_subnets_overlap() -> None:
    vpc = _vpc()
    aws.ec2.Subnet("first", vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone=ZONES[0])
    aws.ec2.Subnet("second", vpc_id=vpc.id, cidr_block="10.0.0.128/25", availability_zone=ZONES[1])


@refused("ec2", token=SG_RULE, prop="fromPort", source=IP_PERMISSION)
def ec2_sg_rule_ports_reversed() -> None:
    _sg_rule(from_port=8443, to_port=443)


@refused("ec2", token=SG_RULE, prop="fromPort", source=IP_PERMISSION)
def ec2_sg_rule_icmp_type_out_of_range() -> None:
    _sg_rule(protocol="icmp", from_port=300, to_port=-1)


@refused("ec2", token=SG_RULE, prop="fromPort", source=IP_PERMISSION)
def ec2_sg_rule_all_icmp_types_with_one_code() -> None:
    _sg_rule(protocol="icmp", from_port=-1, to_port=4)


@refused("ec2", token=SG_RULE, prop="protocol", source=IP_PERMISSION)
def ec2_sg_rule_protocol_named_after_the_application() -> None:
    _sg_rule(protocol="https")


@refused("ec2", token=SG_RULE, prop="cidrBlocks", source=SG_RULE_GO)
def ec2_sg_rule_without_a_source() -> None:
    _sg_rule(cidr_blocks=None)


@refused("ec2", token=SG_RULE, prop="cidrBlocks", source=SG_RULE_GO)
def ec2_sg_rule_self_and_cidr_blocks() -> None:
    _sg_rule(self=True)


@refused("ec2", token="aws:ec2/securityGroup:SecurityGroup", prop="ingress", source=SG_GO)
def ec2_sg_inline_all_protocol_with_a_port_range() -> None:
    aws.ec2.SecurityGroup(
        "cluster",
        vpc_id=_vpc().id,
        description="cluster",
        ingress=[{"protocol": "-1", "from_port": 0, "to_port": 65535, "self": True}],
    )


@refused("ec2", token="aws:ec2/securityGroup:SecurityGroup", prop="egress", source=IP_PERMISSION)
def ec2_sg_inline_egress_port_beyond_65535() -> None:
    aws.ec2.SecurityGroup(
        "app",
        vpc_id=_vpc().id,
        description="app",
        egress=[{"protocol": "tcp", "from_port": 1024, "to_port": 70000, "cidr_blocks": ["0.0.0.0/0"]}],
    )


@refused("ec2", token=INGRESS_RULE, prop="cidrIpv4", source=VPC_RULE_GO)
def ec2_vpc_ingress_rule_with_a_cidr_and_a_group() -> None:
    net = network()
    _ingress(net, cidr_ipv4="10.0.0.0/16", referenced_security_group_id=net.group.id)


@refused("ec2", token=INGRESS_RULE, prop="cidrIpv4", source=VPC_RULE_GO)
def ec2_vpc_ingress_rule_without_a_source() -> None:
    _ingress(network())


@refused("ec2", token=INGRESS_RULE, prop="ipProtocol", source=IP_PERMISSION)
def ec2_vpc_ingress_rule_protocol_named_after_the_database() -> None:
    _ingress(network(), ip_protocol="postgres", cidr_ipv4="10.0.0.0/16")


@refused(
    "ec2",
    token="aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    prop="fromPort",
    source=IP_PERMISSION,
)
def ec2_vpc_egress_rule_ports_reversed() -> None:
    net = network()
    aws.vpc.SecurityGroupEgressRule(
        "egress",
        security_group_id=net.group.id,
        ip_protocol="udp",
        from_port=53,
        to_port=0,
        cidr_ipv4="10.0.0.2/32",
    )


@refused(
    "ec2",
    token=INGRESS_RULE,
    prop="referencedSecurityGroupId",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
)
def ec2_vpc_ingress_rule_from_a_group_of_another_vpc() -> None:
    net = network()
    other = aws.ec2.SecurityGroup("other", vpc_id=_vpc("other-vpc", "10.9.0.0/16").id, description="other")
    _ingress(net, referenced_security_group_id=other.id)


@refused(
    "ec2",
    token="aws:ec2/instance:Instance",
    prop="instanceType",
    source="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ComponentsAMIs.html",
)
def ec2_instance_arm_ami_on_an_x86_type() -> None:
    _instance(network(), ami=_ami("arm64"))


@refused(
    "ec2",
    token="aws:ec2/instance:Instance",
    prop="instanceType",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html",
)
def ec2_instance_type_that_does_not_exist() -> None:
    _instance(network(), instance_type="t3.mega")


@refused("ec2", token=VOLUME, prop="size", source=CREATE_VOLUME)
def ec2_gp3_volume_over_64_tib() -> None:
    _volume(size=70000)


@refused("ec2", token=VOLUME, prop="size", source=VOLUME_TYPES)
def ec2_st1_volume_under_125_gib() -> None:
    _volume(type="st1", size=100)


@refused("ec2", token=VOLUME, prop="iops", source=VOLUME_TYPES)
def ec2_io1_volume_over_fifty_iops_per_gib() -> None:
    _volume(type="io1", size=10, iops=1000)


@refused("ec2", token=VOLUME, prop="iops", source=CREATE_VOLUME)
def ec2_gp3_volume_iops_over_80000() -> None:
    _volume(size=1000, iops=90000)


@refused("ec2", token=VOLUME, prop="iops", source=EBS_VOLUME_GO)
def ec2_io2_volume_without_iops() -> None:
    _volume(type="io2")


@refused("ec2", token=VOLUME, prop="iops", source=EBS_VOLUME_GO)
def ec2_gp2_volume_with_iops() -> None:
    _volume(type="gp2", iops=3000)


@refused("ec2", token=VOLUME, prop="throughput", source=CREATE_VOLUME)
def ec2_gp3_throughput_over_2000() -> None:
    _volume(iops=16000, throughput=2500)


@valid("ec2")
def ec2_gp3_volume_at_the_limits_raised_in_2025() -> None:
    """gp3 up to 64 TiB, 80,000 IOPS and 2,000 MiB/s (API_CreateVolume; raised from 16 TiB, 16,000 IOPS and
    1,000 MiB/s in September 2025)."""
    aws.ebs.Volume("large", availability_zone=ZONES[0], size=20480, type="gp3", iops=40000, throughput=1500)
    aws.ebs.Volume("fast", availability_zone=ZONES[0], size=65536, type="gp3", iops=80000, throughput=2000)


@refused("ec2", token=VOLUME, prop="throughput", source=VOLUME_TYPES)
def ec2_gp3_full_throughput_on_baseline_iops() -> None:
    _volume(throughput=1000)


@refused(
    "ec2",
    token=VOLUME,
    prop="type",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html",
)
def ec2_volume_type_that_does_not_exist() -> None:
    _volume(type="gp4")


@refused(
    "ec2",
    token="aws:ec2/volumeAttachment:VolumeAttachment",
    prop="volumeId",
    source="https://docs.aws.amazon.com/ebs/latest/userguide/ebs-attaching-volume.html",
)
def ec2_volume_attached_to_an_instance_in_another_zone() -> None:
    host = _instance(network(), zone_index=1)
    volume = _volume()
    aws.ec2.VolumeAttachment("data", device_name="/dev/sdf", instance_id=host.id, volume_id=volume.id)


def _acl_rule(**overrides: Any) -> aws.ec2.NetworkAclRule:
    acl = aws.ec2.NetworkAcl("app", vpc_id=_vpc().id)
    args: dict[str, Any] = {
        "network_acl_id": acl.id,
        "rule_number": 100,
        "egress": False,
        "protocol": "tcp",
        "rule_action": "allow",
        "cidr_block": "0.0.0.0/0",
        "from_port": 443,
        "to_port": 443,
    }
    args.update(overrides)
    return aws.ec2.NetworkAclRule("rule", **args)


@refused("ec2", token="aws:ec2/networkAclRule:NetworkAclRule", prop="ruleNumber", source=ACL_ENTRY)
def ec2_acl_rule_number_in_the_reserved_range() -> None:
    _acl_rule(rule_number=32767)


@refused("ec2", token="aws:ec2/networkAclRule:NetworkAclRule", prop="fromPort", source=ACL_ENTRY)
def ec2_acl_rule_ports_reversed() -> None:
    _acl_rule(from_port=65535, to_port=1024)


@refused(
    "ec2",
    token="aws:ec2/route:Route",
    prop="gatewayId",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html",
)
def ec2_route_to_a_gateway_that_does_not_exist() -> None:
    table = aws.ec2.RouteTable("public", vpc_id=_vpc().id)
    aws.ec2.Route(
        "default",
        route_table_id=table.id,
        destination_cidr_block="0.0.0.0/0",
        gateway_id="igw-0123456789abcdef0",
    )


@refused(
    "ec2",
    token="aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    prop="peerVpcId",
    source="https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html",
)
def ec2_peering_between_overlapping_vpcs() -> None:
    left = _vpc("left", "10.0.0.0/16")
    right = _vpc("right", "10.0.128.0/17")
    aws.ec2.VpcPeeringConnection("left-right", vpc_id=left.id, peer_vpc_id=right.id, auto_accept=True)


def _interface(address: str) -> aws.ec2.NetworkInterface:
    vpc = _vpc()
    subnet = aws.ec2.Subnet("app", vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone=ZONES[0])
    return aws.ec2.NetworkInterface("app", subnet_id=subnet.id, private_ips=[address])


@refused("ec2", token=ENI, prop="privateIps", source=SUBNET_SIZING)
def ec2_interface_address_outside_its_subnet() -> None:
    _interface("10.0.1.10")


@refused("ec2", token=ENI, prop="privateIps", source=SUBNET_SIZING)
def ec2_interface_on_the_reserved_dns_address() -> None:
    _interface("10.0.0.2")


@refused("ec2", token=ENDPOINT, prop="serviceName", source=CREATE_ENDPOINT)
def ec2_endpoint_for_a_service_in_another_region() -> None:
    net = network()
    aws.ec2.VpcEndpoint(
        "sqs",
        vpc_id=net.vpc.id,
        service_name="com.amazonaws.us-east-1.sqs",
        vpc_endpoint_type="Interface",
        subnet_ids=[s.id for s in net.subnets],
    )


@refused(
    "ec2",
    token=ENDPOINT,
    prop="vpcEndpointType",
    source="https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
)
def ec2_gateway_endpoint_for_sqs() -> None:
    vpc = _vpc()
    aws.ec2.VpcEndpoint("sqs", vpc_id=vpc.id, service_name="com.amazonaws.eu-west-1.sqs")


@refused("ec2", token=ENDPOINT, prop="subnetIds", source=CREATE_ENDPOINT)
def ec2_gateway_endpoint_placed_in_subnets() -> None:
    net = network()
    aws.ec2.VpcEndpoint(
        "dynamodb",
        vpc_id=net.vpc.id,
        service_name="com.amazonaws.eu-west-1.dynamodb",
        subnet_ids=[s.id for s in net.subnets],
    )


@refused(
    "ec2",
    token="aws:ec2/keyPair:KeyPair",
    prop="publicKey",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportKeyPair.html",
)
def ec2_key_pair_from_a_private_key_line() -> None:
    aws.ec2.KeyPair("ops", public_key="-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=")


@refused(
    "ec2",
    token="aws:ec2/keyPair:KeyPair",
    prop="publicKey",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportKeyPair.html",
)
def ec2_key_pair_of_an_ecdsa_key() -> None:
    aws.ec2.KeyPair(
        "ops",
        public_key="ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEm"
        "DlHG1pqYAoK7XZBiJ2vkXSAbbPWTtPdWiCWnQ6fEJXuSVlEDVHpJz4KDz0NYQbl5M3QmE6cySk8vfGJj8eWc= ops",
    )


@refused(
    "ec2",
    token="aws:ec2/keyPair:KeyPair",
    prop="publicKey",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportKeyPair.html",
)
def ec2_key_pair_truncated_public_key() -> None:
    aws.ec2.KeyPair("ops", public_key="ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ ops@laptop")


LAUNCH_TEMPLATE_API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html"


@refused("ec2", token="aws:ec2/launchTemplate:LaunchTemplate", prop="name", source=LAUNCH_TEMPLATE_API)
def ec2_launch_template_name_with_spaces() -> None:
    aws.ec2.LaunchTemplate("workers", name="batch workers", instance_type="t3.micro")


@refused(
    "ec2", token="aws:ec2/launchTemplate:LaunchTemplate", prop="instanceType", source=LAUNCH_TEMPLATE_API
)
def ec2_launch_template_instance_type_misspelt() -> None:
    aws.ec2.LaunchTemplate("workers", instance_type="t3.mirco")


@valid("ec2")
def ec2_security_group_in_the_default_vpc_found_by_lookups() -> None:
    """getVpc(default), getSubnets, getSubnet and getSecurityGroup read moto's default VPC."""
    vpc = aws.ec2.get_vpc(default=True)
    subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
    first = aws.ec2.get_subnet(id=subnets.ids[0])
    default_group = aws.ec2.get_security_group(vpc_id=vpc.id, name="default")
    group = aws.ec2.SecurityGroup("app", vpc_id=vpc.id, description="app in the default VPC")
    aws.vpc.SecurityGroupIngressRule(
        "from-default",
        security_group_id=group.id,
        referenced_security_group_id=default_group.id,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
    )
    aws.ec2.NetworkInterface("app-eni", subnet_id=first.id, security_groups=[group.id])


CREATE_SECURITY_GROUP = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"
IP_RANGE = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html"
LT_METADATA = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateInstanceMetadataOptionsRequest.html"
LT_EBS = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateEbsBlockDeviceRequest.html"


@refused("ec2", token="aws:ec2/securityGroup:SecurityGroup", prop="name", source=CREATE_SECURITY_GROUP)
def ec2_security_group_named_like_a_group_id() -> None:
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    aws.ec2.SecurityGroup("web", name="sg-web", vpc_id=vpc.id)


@refused(
    "ec2",
    token="aws:ec2/subnet:Subnet",
    prop="availabilityZone",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html",
)
def ec2_subnet_in_a_zone_of_another_region() -> None:
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    aws.ec2.Subnet("a", vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")


@refused(
    "ec2",
    token="aws:ec2/instance:Instance",
    prop="vpcSecurityGroupIds",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
)
def ec2_instance_with_a_security_group_of_another_vpc() -> None:
    net, other = network(), network("other", "10.1.0.0/16")
    image = aws.ec2.get_ami(
        most_recent=True, owners=["amazon"], filters=[{"name": "architecture", "values": ["x86_64"]}]
    )
    aws.ec2.Instance(
        "web",
        ami=image.id,
        instance_type="t3.micro",
        subnet_id=net.subnets[0].id,
        vpc_security_group_ids=[other.group.id],
    )


@refused(
    "ec2",
    token="aws:ec2/natGateway:NatGateway",
    prop="allocationId",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
)
def ec2_private_nat_gateway_with_an_elastic_ip() -> None:
    net = network()
    address = aws.ec2.Eip("nat", domain="vpc")
    aws.ec2.NatGateway(
        "nat", subnet_id=net.subnets[0].id, connectivity_type="private", allocation_id=address.allocation_id
    )


@valid("ec2")
def ec2_private_nat_gateway() -> None:
    net = network()
    aws.ec2.NatGateway("nat", subnet_id=net.subnets[0].id, connectivity_type="private")


@refused(
    "ec2",
    token="aws:ec2/natGateway:NatGateway",
    prop="allocationId",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
)
def ec2_public_nat_gateway_without_an_elastic_ip() -> None:
    net = network()
    aws.ec2.NatGateway("nat", subnet_id=net.subnets[0].id)


PROVIDER_EC2 = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/"
RUN_INSTANCES = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"


@refused("ec2", token="aws:ec2/vpc:Vpc", prop="cidrBlock", source=f"{PROVIDER_EC2}vpc_.go")
def ec2_vpc_cidr_with_host_bits() -> None:
    _vpc(cidr="10.0.0.1/16")


@refused("ec2", token="aws:ec2/subnet:Subnet", prop="cidrBlock", source=f"{PROVIDER_EC2}vpc_subnet.go")
def ec2_subnet_cidr_with_host_bits() -> None:
    aws.ec2.Subnet("wide", vpc_id=_vpc().id, cidr_block="10.0.1.0/23", availability_zone=ZONES[0])


@refused(
    "ec2", token="aws:ec2/route:Route", prop="destinationCidrBlock", source=f"{PROVIDER_EC2}vpc_route.go"
)
def ec2_route_destination_with_host_bits() -> None:
    vpc = _vpc()
    gateway = aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
    table = aws.ec2.RouteTable("public", vpc_id=vpc.id)
    aws.ec2.Route(
        "office", route_table_id=table.id, destination_cidr_block="192.168.1.1/24", gateway_id=gateway.id
    )


@refused("ec2", token=SG_RULE, prop="cidrBlocks", source=SG_RULE_GO)
def ec2_sg_rule_cidr_block_with_host_bits() -> None:
    _sg_rule(cidr_blocks=["10.0.1.5/16"])


@refused("ec2", token=SG_RULE, prop="cidrBlocks", source=SG_RULE_GO)
def ec2_sg_rule_ipv6_range_in_cidr_blocks() -> None:
    _sg_rule(type="egress", protocol="-1", from_port=0, to_port=0, cidr_blocks=["::/0"])


@refused("ec2", token="aws:ec2/securityGroup:SecurityGroup", prop="description", source=CREATE_SECURITY_GROUP)
def ec2_security_group_description_with_an_em_dash() -> None:
    aws.ec2.SecurityGroup("app", vpc_id=_vpc().id, description="App servers \u2014 HTTPS from the ALB")


@refused("ec2", token="aws:ec2/securityGroup:SecurityGroup", prop="description", source=CREATE_SECURITY_GROUP)
def ec2_security_group_description_over_255_characters() -> None:
    aws.ec2.SecurityGroup("app", vpc_id=_vpc().id, description="Application servers. " * 13)


@refused("ec2", token=INGRESS_RULE, prop="description", source=IP_RANGE)
def ec2_vpc_ingress_rule_description_over_255_characters() -> None:
    _ingress(network(), cidr_ipv4="10.0.0.0/16", description="Postgres from the app tier. " * 10)


@refused("ec2", token=INGRESS_RULE, prop="description", source=IP_RANGE)
def ec2_vpc_ingress_rule_description_with_a_curly_apostrophe() -> None:
    _ingress(network(), cidr_ipv4="10.0.0.0/16", description="Postgres from the office\u2019s VPN")


@refused("ec2", token=SG_RULE, prop="description", source=IP_RANGE)
def ec2_sg_rule_description_with_an_accent() -> None:
    _sg_rule(description="acc\u00e8s HTTPS")


@refused("ec2", token=LAUNCH_TEMPLATE, prop="metadataOptions.httpPutResponseHopLimit", source=LT_METADATA)
def ec2_launch_template_hop_limit_over_64() -> None:
    aws.ec2.LaunchTemplate(
        "workers",
        instance_type="t3.micro",
        metadata_options={"http_tokens": "required", "http_put_response_hop_limit": 100},
    )


@refused("ec2", token=INSTANCE, prop="metadataOptions.httpPutResponseHopLimit", source=LT_METADATA)
def ec2_instance_hop_limit_zero() -> None:
    _instance(network(), metadata_options={"http_tokens": "required", "http_put_response_hop_limit": 0})


@refused("ec2", token=LAUNCH_TEMPLATE, prop="blockDeviceMappings", source=LT_EBS)
def ec2_launch_template_iops_on_gp2() -> None:
    aws.ec2.LaunchTemplate(
        "workers",
        instance_type="t3.micro",
        block_device_mappings=[
            {"device_name": "/dev/xvda", "ebs": {"volume_size": 20, "volume_type": "gp2", "iops": 3000}}
        ],
    )


@refused("ec2", token=LAUNCH_TEMPLATE, prop="blockDeviceMappings", source=LT_EBS)
def ec2_launch_template_throughput_on_io2() -> None:
    aws.ec2.LaunchTemplate(
        "workers",
        instance_type="t3.micro",
        block_device_mappings=[
            {
                "device_name": "/dev/xvda",
                "ebs": {"volume_size": 20, "volume_type": "io2", "iops": 3000, "throughput": 500},
            }
        ],
    )


@refused(
    "ec2",
    token=INSTANCE,
    prop="availabilityZone",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
)
def ec2_instance_zone_other_than_its_subnets() -> None:
    _instance(network(), availability_zone=ZONES[1])


@refused("ec2", token=INSTANCE, prop="securityGroups", source=RUN_INSTANCES)
def ec2_instance_group_names_outside_the_default_vpc() -> None:
    net = network()
    _instance(net, vpc_security_group_ids=None, security_groups=[net.group.name])


@refused("ec2", token=INSTANCE, prop="privateIp", source=RUN_INSTANCES)
def ec2_instance_private_ip_outside_its_subnet() -> None:
    _instance(network(), private_ip="10.0.5.10")


@refused("ec2", token=INSTANCE, prop="privateIp", source=SUBNET_SIZING)
def ec2_instance_private_ip_on_the_reserved_router_address() -> None:
    _instance(network(), private_ip="10.0.0.1")


def _ecr_endpoint(vpc: aws.ec2.Vpc, subnets: list[aws.ec2.Subnet], **overrides: Any) -> aws.ec2.VpcEndpoint:
    args: dict[str, Any] = {
        "vpc_id": vpc.id,
        "service_name": "com.amazonaws.eu-west-1.ecr.api",
        "vpc_endpoint_type": "Interface",
        "subnet_ids": [s.id for s in subnets],
        "private_dns_enabled": True,
    }
    args.update(overrides)
    return aws.ec2.VpcEndpoint("ecr", **args)


@refused(
    "ec2",
    token=ENDPOINT,
    prop="subnetIds",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpce-interface.html",
)
def ec2_interface_endpoint_in_two_subnets_of_one_zone() -> None:
    vpc, subnets, _ = _dns_network()
    third = aws.ec2.Subnet("app-2", vpc_id=vpc.id, cidr_block="10.0.2.0/24", availability_zone=ZONES[0])
    _ecr_endpoint(vpc, [subnets[0], third])


@refused("ec2", token=ENDPOINT, prop="privateDnsEnabled", source=CREATE_ENDPOINT)
def ec2_interface_endpoint_private_dns_without_dns_hostnames() -> None:
    net = network()
    _ecr_endpoint(net.vpc, list(net.subnets))


@refused("ec2", token=ENDPOINT, prop="privateDnsEnabled", source=CREATE_ENDPOINT)
def ec2_interface_endpoint_private_dns_with_dns_support_off() -> None:
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", enable_dns_hostnames=True, enable_dns_support=False)
    subnet = aws.ec2.Subnet("app", vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone=ZONES[0])
    _ecr_endpoint(vpc, [subnet])


@refused(
    "ec2",
    token=ENDPOINT,
    prop="securityGroupIds",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
)
def ec2_interface_endpoint_with_a_group_of_another_vpc() -> None:
    vpc, subnets, _ = _dns_network()
    other = network("other", "10.1.0.0/16")
    _ecr_endpoint(vpc, subnets, security_group_ids=[other.group.id])


@refused(
    "ec2",
    token="aws:ec2/routeTableAssociation:RouteTableAssociation",
    prop="subnetId",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateRouteTable.html",
)
def ec2_route_table_associated_with_a_subnet_of_another_vpc() -> None:
    net, other = network(), network("other", "10.1.0.0/16")
    table = aws.ec2.RouteTable("private", vpc_id=net.vpc.id)
    aws.ec2.RouteTableAssociation("private", route_table_id=table.id, subnet_id=other.subnets[0].id)


@refused(
    "ec2",
    token="aws:ec2/route:Route",
    prop="gatewayId",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html",
)
def ec2_route_to_the_internet_gateway_of_another_vpc() -> None:
    net, other = network(), network("other", "10.1.0.0/16")
    gateway = aws.ec2.InternetGateway("igw", vpc_id=other.vpc.id)
    table = aws.ec2.RouteTable("public", vpc_id=net.vpc.id)
    aws.ec2.Route(
        "default", route_table_id=table.id, destination_cidr_block="0.0.0.0/0", gateway_id=gateway.id
    )


@refused(
    "ec2",
    token="aws:ec2/flowLog:FlowLog",
    prop="maxAggregationInterval",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html",
)
def ec2_flow_log_aggregation_interval_of_five_minutes() -> None:
    logs = aws.cloudwatch.LogGroup("flow", retention_in_days=30)
    delivery = role("flow-role", "vpc-flow-logs.amazonaws.com")
    aws.ec2.FlowLog(
        "flow",
        vpc_id=_vpc().id,
        log_destination=logs.arn,
        iam_role_arn=delivery.arn,
        max_aggregation_interval=300,
    )


@valid("ec2")
def ec2_instance_in_the_default_vpc_with_a_provisioned_gp3_root() -> None:
    aws.ec2.Instance(
        "host",
        ami=_ami("arm64"),
        instance_type="t4g.small",
        root_block_device={"volume_type": "gp3", "volume_size": 8, "iops": 4000, "throughput": 250},
        ebs_block_devices=[
            {"device_name": "/dev/sdf", "volume_type": "io2", "volume_size": 10, "iops": 10000}
        ],
    )


@valid("ec2")
def ec2_small_gp3_volume_at_its_3000_iops_baseline() -> None:
    _volume(size=1, iops=3000)


@refused("ec2", token=VOLUME, prop="iops", source=VOLUME_TYPES)
def ec2_gp3_volume_over_500_iops_per_gib() -> None:
    _volume(size=10, iops=16000)


@refused("ec2", token="aws:ec2/instance:Instance", prop="rootBlockDevice", source=VOLUME_TYPES)
def ec2_instance_gp3_root_over_500_iops_per_gib() -> None:
    _instance(network(), root_block_device={"volume_type": "gp3", "volume_size": 8, "iops": 16000})


@refused("ec2", token="aws:ec2/instance:Instance", prop="rootBlockDevice", source=VOLUME_TYPES)
def ec2_instance_gp3_root_throughput_above_its_iops() -> None:
    _instance(network(), root_block_device={"volume_type": "gp3", "volume_size": 100, "throughput": 2000})


@refused("ec2", token="aws:ec2/instance:Instance", prop="ebsBlockDevices", source=CREATE_VOLUME)
def ec2_instance_attaches_an_io2_volume_under_4_gib() -> None:
    _instance(
        network(),
        ebs_block_devices=[{"device_name": "/dev/sdf", "volume_type": "io2", "volume_size": 2, "iops": 100}],
    )


@valid("ec2")
def ec2_ingress_rule_from_a_network_range() -> None:
    _ingress(network(), cidr_ipv4="10.20.0.0/16")


@refused("ec2", token=INGRESS_RULE, prop="cidrIpv4", source=VPC_RULE_GO)
def ec2_ingress_rule_cidr_with_host_bits() -> None:
    _ingress(network(), cidr_ipv4="10.20.0.5/16")


@refused("ec2", token=ENDPOINT, prop="routeTableIds", source=CREATE_ENDPOINT)
def ec2_interface_endpoint_with_route_tables() -> None:
    net = network()
    table = aws.ec2.RouteTable("private", vpc_id=net.vpc.id)
    aws.ec2.VpcEndpoint(
        "sqs",
        vpc_id=net.vpc.id,
        service_name="com.amazonaws.eu-west-1.sqs",
        vpc_endpoint_type="Interface",
        subnet_ids=[s.id for s in net.subnets],
        security_group_ids=[net.group.id],
        route_table_ids=[table.id],
    )


@valid("ec2")
def ec2_subnet_in_a_secondary_cidr_block() -> None:
    vpc = _vpc(cidr="10.0.0.0/20")
    extra = aws.ec2.VpcIpv4CidrBlockAssociation("pods", vpc_id=vpc.id, cidr_block="100.64.0.0/16")
    aws.ec2.Subnet(
        "pods",
        vpc_id=vpc.id,
        cidr_block="100.64.0.0/18",
        availability_zone=ZONES[0],
        opts=pulumi.ResourceOptions(depends_on=[extra]),
    )


@refused(
    "ec2",
    token="aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
    prop="cidrBlock",
    source=VPC_CIDRS,
)
def ec2_secondary_cidr_block_larger_than_a_16() -> None:
    aws.ec2.VpcIpv4CidrBlockAssociation("pods", vpc_id=_vpc().id, cidr_block="100.64.0.0/15")


@valid("ec2")
def ec2_launch_template_with_a_provisioned_gp3_root() -> None:
    aws.ec2.LaunchTemplate(
        "app",
        image_id=_ami("arm64"),
        instance_type="c7g.large",
        block_device_mappings=[
            {
                "device_name": "/dev/xvda",
                "ebs": {"volume_type": "gp3", "volume_size": 50, "iops": 6000, "throughput": 400},
            }
        ],
    )


@refused(
    "ec2", token="aws:ec2/launchTemplate:LaunchTemplate", prop="blockDeviceMappings", source=VOLUME_TYPES
)
def ec2_launch_template_gp3_root_over_500_iops_per_gib() -> None:
    aws.ec2.LaunchTemplate(
        "app",
        image_id=_ami("arm64"),
        block_device_mappings=[
            {"device_name": "/dev/xvda", "ebs": {"volume_type": "gp3", "volume_size": 8, "iops": 16000}}
        ],
    )


@valid("ec2")
def ec2_burstable_instance_with_unlimited_credits() -> None:
    _instance(
        network(),
        instance_type="t4g.small",
        ami=_ami("arm64"),
        credit_specification={"cpu_credits": "unlimited"},
    )


@refused(
    "ec2",
    token="aws:ec2/instance:Instance",
    prop="creditSpecification.cpuCredits",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreditSpecificationRequest.html",
)
def ec2_instance_with_turbo_credits() -> None:
    _instance(network(), credit_specification={"cpu_credits": "turbo"})
