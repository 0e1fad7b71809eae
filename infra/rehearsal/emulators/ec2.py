"""EC2 and VPC: networks, subnets, gateways, routes, ACLs, endpoints, security groups, instances, EBS."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    EmulationError,
    Resource,
    answers,
    aws_filters,
    blamed_property,
    tag_specifications,
    tags_map,
    the_one,
)
from infra.rehearsal.spec import (
    EVERY_INPUT,
    UNNAMED,
    Emulated,
    Naming,
    Where,
    emulates,
    rule,
    stable_hex,
)

SECURITY_GROUP_NAME = Naming(
    max_length=255,
    pattern=r"(?!sg-).+",
    source=(
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"
        " (GroupName: up to 255 characters; cannot start with sg-)"
    ),
)


_PROVIDER_EC2 = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/"


def _instance_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {"privateIp": "10.0.0.10", "privateDns": f"ip-10-0-0-10.{where.region}.compute.internal"}


@emulates(
    "aws:ec2/instance:Instance",
    note="run_instances with the AMI the getAmi invoke found in moto's catalogue",
    # ec2_instance.go @0015dfcd (newest stored); cpuCoreCount/cpuThreadsPerCore left out: removed in v6
    replace_on={
        "ami",
        "associatePublicIpAddress",
        "availabilityZone",
        "cpuOptions",
        "ebsBlockDevices",
        "ebsOptimized",
        "enclaveOptions",
        "ephemeralBlockDevices",
        "hibernation",
        "hostId",
        "ipv6AddressCount",
        "ipv6Addresses",
        "keyName",
        "launchTemplate",
        "networkInterfaces",
        "placementGroup",
        "placementPartitionNumber",
        "privateDnsNameOptions",
        "privateIp",
        "rootBlockDevice",
        "securityGroups",
        "subnetId",
        "tenancy",
    },
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:instance/{id}",
    id_prefix="i",
    computed=_instance_outputs,
)
def ec2_instance(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "ImageId": r.get("ami"),
        "InstanceType": r.get("instanceType"),
        "MinCount": 1,
        "MaxCount": 1,
        "Monitoring": {"Enabled": bool(r.get("monitoring", False))},
        "EbsOptimized": bool(r.get("ebsOptimized", False)),
        "TagSpecifications": tag_specifications("instance", r.get("tags")),
    }
    groups = list(r.get("vpcSecurityGroupIds", []))
    if r.get("associatePublicIpAddress") is not None:
        kwargs["NetworkInterfaces"] = [
            {
                "DeviceIndex": 0,
                "SubnetId": r.get("subnetId"),
                "Groups": groups,
                "AssociatePublicIpAddress": bool(r.get("associatePublicIpAddress")),
                **({"PrivateIpAddress": r.get("privateIp")} if r.get("privateIp") else {}),
            }
        ]
    else:
        # Without a subnet the instance goes to the default VPC's subnet in its zone (RunInstances).
        if r.get("subnetId"):
            kwargs["SubnetId"] = r.get("subnetId")
        if groups:
            kwargs["SecurityGroupIds"] = groups
        if r.get("privateIp"):
            kwargs["PrivateIpAddress"] = r.get("privateIp")
    if r.get("iamInstanceProfile"):
        kwargs["IamInstanceProfile"] = {"Name": r.get("iamInstanceProfile")}
    if r.get("keyName"):
        kwargs["KeyName"] = r.get("keyName")
    metadata = r.get("metadataOptions")
    if metadata:
        kwargs["MetadataOptions"] = {
            "HttpEndpoint": metadata.get("httpEndpoint", "enabled"),
            "HttpTokens": metadata.get("httpTokens", "optional"),
            "HttpPutResponseHopLimit": int(metadata.get("httpPutResponseHopLimit", 1)),
        }
    root = r.get("rootBlockDevice")
    if root:
        kwargs["BlockDeviceMappings"] = [
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {
                    "Encrypted": bool(root.get("encrypted", False)),
                    "VolumeType": root.get("volumeType", "gp3"),
                    "VolumeSize": int(root.get("volumeSize", 8)),
                },
            }
        ]
    instance = ctx.aws(r, "ami", "ec2", "run_instances", **kwargs)["Instances"][0]
    instance_id = instance["InstanceId"]
    return instance_id, {
        "arn": ctx.arn("ec2", f"instance/{instance_id}"),
        "privateIp": instance.get("PrivateIpAddress", ""),
        "privateDns": instance.get("PrivateDnsName", ""),
        "publicIp": instance.get("PublicIpAddress", ""),
        "publicDns": instance.get("PublicDnsName", ""),
        "availabilityZone": instance.get("Placement", {}).get("AvailabilityZone", ""),
        "instanceState": instance.get("State", {}).get("Name", "running"),
        "primaryNetworkInterfaceId": (instance.get("NetworkInterfaces") or [{}])[0].get(
            "NetworkInterfaceId", ""
        ),
    }


ALLOW_ALL = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def _ec2_arn(ctx: Context, kind: str, resource_id: str) -> str:
    return ctx.arn("ec2", f"{kind}/{resource_id}")


@emulates(
    "aws:ec2/vpc:Vpc",
    note="create_vpc, modify_vpc_attribute",
    # vpc_.go @00081ce4: instance_tenancy is updated in place (modifyVPCTenancy), not ForceNew
    replace_on={"cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:vpc/{id}",
    id_prefix="vpc",
)
def vpc(ctx: Context, r: Resource) -> Emulated:
    ipv6 = {"AmazonProvidedIpv6CidrBlock": True} if r.get("assignGeneratedIpv6CidrBlock") else {}
    created = ctx.aws(
        r,
        "cidrBlock",
        "ec2",
        "create_vpc",
        CidrBlock=r.get("cidrBlock"),
        InstanceTenancy=r.get("instanceTenancy", "default"),
        TagSpecifications=tag_specifications("vpc", r.get("tags")),
        **ipv6,
    )["Vpc"]
    vpc_id = created["VpcId"]
    ipv6_block = (created.get("Ipv6CidrBlockAssociationSet") or [{}])[0]
    for prop, attribute in (
        ("enableDnsSupport", "EnableDnsSupport"),
        ("enableDnsHostnames", "EnableDnsHostnames"),
    ):
        if r.get(prop) is not None:
            ctx.aws(
                r,
                prop,
                "ec2",
                "modify_vpc_attribute",
                VpcId=vpc_id,
                **{attribute: {"Value": bool(r.get(prop))}},
            )
    default_group = ctx.aws(
        r,
        "cidrBlock",
        "ec2",
        "describe_security_groups",
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}],
    )["SecurityGroups"][0]["GroupId"]
    route_tables = ctx.aws(
        r, "cidrBlock", "ec2", "describe_route_tables", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
    )["RouteTables"]
    acls = ctx.aws(
        r, "cidrBlock", "ec2", "describe_network_acls", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
    )["NetworkAcls"]
    return vpc_id, {
        "arn": _ec2_arn(ctx, "vpc", vpc_id),
        "cidrBlock": created["CidrBlock"],
        "dhcpOptionsId": created.get("DhcpOptionsId", ""),
        "defaultSecurityGroupId": default_group,
        "mainRouteTableId": route_tables[0]["RouteTableId"] if route_tables else "",
        "defaultRouteTableId": route_tables[0]["RouteTableId"] if route_tables else "",
        "defaultNetworkAclId": acls[0]["NetworkAclId"] if acls else "",
        "instanceTenancy": created.get("InstanceTenancy", "default"),
        "ipv6CidrBlock": ipv6_block.get("Ipv6CidrBlock", ""),
        "ipv6AssociationId": ipv6_block.get("AssociationId", ""),
        "ownerId": ctx.account_id,
    }


@emulates(
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    note="adopts the VPC's default group read back from the account; revokes the rules it is declared "
    "without",
    replace_on={"vpcId"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:security-group/{id}",
    id_prefix="sg",
)
def default_security_group(ctx: Context, r: Resource) -> Emulated:
    group = ctx.aws(
        r,
        "vpcId",
        "ec2",
        "describe_security_groups",
        Filters=[
            {"Name": "vpc-id", "Values": [r.get("vpcId")]},
            {"Name": "group-name", "Values": ["default"]},
        ],
    )["SecurityGroups"]
    if not group:
        raise EmulationError(
            r.urn, "vpcId", "InvalidVpcID.NotFound", f"The vpc ID '{r.get('vpcId')}' does not exist"
        )
    current = group[0]
    group_id = current["GroupId"]
    if current["IpPermissions"] and not r.get("ingress"):
        ctx.aws(
            r,
            "ingress",
            "ec2",
            "revoke_security_group_ingress",
            GroupId=group_id,
            IpPermissions=current["IpPermissions"],
        )
    if current["IpPermissionsEgress"] and not r.get("egress"):
        ctx.aws(
            r,
            "egress",
            "ec2",
            "revoke_security_group_egress",
            GroupId=group_id,
            IpPermissions=current["IpPermissionsEgress"],
        )
    return group_id, {
        "arn": _ec2_arn(ctx, "security-group", group_id),
        "name": "default",
        "ownerId": ctx.account_id,
        "description": current.get("Description", ""),
    }


@emulates(
    "aws:ec2/subnet:Subnet",
    note="create_subnet; moto refuses a CIDR outside the VPC (InvalidSubnet.Range)",
    replace_on={
        "availabilityZone",
        "availabilityZoneId",
        "cidrBlock",
        "ipv4IpamPoolId",
        "ipv4NetmaskLength",
        "ipv6IpamPoolId",
        "ipv6Native",
        "ipv6NetmaskLength",
        "outpostArn",
        "vpcId",
    },
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:subnet/{id}",
    id_prefix="subnet",
)
def subnet(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "VpcId": r.get("vpcId"),
        "CidrBlock": r.get("cidrBlock"),
        "TagSpecifications": tag_specifications("subnet", r.get("tags")),
    }
    if r.get("availabilityZone"):
        kwargs["AvailabilityZone"] = r.get("availabilityZone")
    if r.get("ipv6CidrBlock"):
        kwargs["Ipv6CidrBlock"] = r.get("ipv6CidrBlock")
    blamed = "cidrBlock" if r.get("cidrBlock") else "ipv6CidrBlock"
    created = ctx.aws(r, blamed, "ec2", "create_subnet", **kwargs)["Subnet"]
    subnet_id = created["SubnetId"]
    ipv6_block = (created.get("Ipv6CidrBlockAssociationSet") or [{}])[0]
    if r.get("assignIpv6AddressOnCreation"):
        ctx.aws(
            r,
            "assignIpv6AddressOnCreation",
            "ec2",
            "modify_subnet_attribute",
            SubnetId=subnet_id,
            AssignIpv6AddressOnCreation={"Value": True},
        )
    if r.get("mapPublicIpOnLaunch"):
        ctx.aws(
            r,
            "mapPublicIpOnLaunch",
            "ec2",
            "modify_subnet_attribute",
            SubnetId=subnet_id,
            MapPublicIpOnLaunch={"Value": True},
        )
    return subnet_id, {
        "arn": created.get("SubnetArn") or _ec2_arn(ctx, "subnet", subnet_id),
        "availabilityZone": created["AvailabilityZone"],
        "availabilityZoneId": created.get("AvailabilityZoneId", ""),
        "mapPublicIpOnLaunch": bool(r.get("mapPublicIpOnLaunch", False)),
        "ipv6CidrBlock": ipv6_block.get("Ipv6CidrBlock", ""),
        "ipv6CidrBlockAssociationId": ipv6_block.get("AssociationId", ""),
        "ownerId": ctx.account_id,
    }


@emulates(
    "aws:ec2/internetGateway:InternetGateway",
    note="create_internet_gateway, attach_internet_gateway",
    replace_on=(),
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:internet-gateway/{id}",
    id_prefix="igw",
)
def internet_gateway(ctx: Context, r: Resource) -> Emulated:
    gateway_id = ctx.aws(
        r,
        "tags",
        "ec2",
        "create_internet_gateway",
        TagSpecifications=tag_specifications("internet-gateway", r.get("tags")),
    )["InternetGateway"]["InternetGatewayId"]
    if r.get("vpcId"):
        ctx.aws(
            r, "vpcId", "ec2", "attach_internet_gateway", InternetGatewayId=gateway_id, VpcId=r.get("vpcId")
        )
    return gateway_id, {"arn": _ec2_arn(ctx, "internet-gateway", gateway_id), "ownerId": ctx.account_id}


@emulates(
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
    note="create_egress_only_internet_gateway",
    # vpc_egress_only_internet_gateway.go: vpc_id is ForceNew
    replace_on={"vpcId"},
    naming=UNNAMED,
    arn="",
    id_prefix="eigw",
)
def egress_only_internet_gateway(ctx: Context, r: Resource) -> Emulated:
    gateway_id = ctx.aws(
        r,
        "vpcId",
        "ec2",
        "create_egress_only_internet_gateway",
        VpcId=r.get("vpcId"),
        TagSpecifications=tag_specifications("egress-only-internet-gateway", r.get("tags")),
    )["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    return gateway_id, {}


@emulates(
    "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
    note="associate_vpc_cidr_block (a CIDR block, not an IPAM pool: moto has no IPAM)",
    # vpc_ipv4_cidr_block_association.go: cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length, vpc_id: ForceNew
    replace_on={"cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "vpcId"},
    naming=UNNAMED,
    arn="",
    id_prefix="vpc-cidr-assoc",
)
def vpc_ipv4_cidr_block_association(ctx: Context, r: Resource) -> Emulated:
    association = ctx.aws(
        r, "cidrBlock", "ec2", "associate_vpc_cidr_block", VpcId=r.get("vpcId"), CidrBlock=r.get("cidrBlock")
    )["CidrBlockAssociation"]
    return association["AssociationId"], {"cidrBlock": association["CidrBlock"]}


@emulates(
    "aws:ec2/eip:Eip",
    note="allocate_address",
    replace_on={"address", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:elastic-ip/{id}",
    id_prefix="eipalloc",
)
def eip(ctx: Context, r: Resource) -> Emulated:
    created = ctx.aws(
        r,
        "domain",
        "ec2",
        "allocate_address",
        Domain=r.get("domain", "vpc"),
        TagSpecifications=tag_specifications("elastic-ip", r.get("tags")),
    )
    allocation_id = created["AllocationId"]
    public_ip = created["PublicIp"]
    return allocation_id, {
        "allocationId": allocation_id,
        "arn": _ec2_arn(ctx, "elastic-ip", allocation_id),
        "domain": created.get("Domain", "vpc"),
        "publicIp": public_ip,
        "publicDns": f"ec2-{public_ip.replace('.', '-')}.{ctx.region}.compute.amazonaws.com",
        "ptrRecord": "",
    }


@rule(
    "ec2-nat-eip-by-connectivity",
    "aws:ec2/natGateway:NatGateway",
    prop="allocationId",
    summary="A public NAT gateway has an Elastic IP; a private one has none",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html (you must associate an"
    " Elastic IP address with a public NAT gateway at creation; a private NAT gateway cannot have one)",
)
def _nat_eip_by_connectivity(ctx: Context, r: Resource) -> str | None:
    private = r.get("connectivityType") == "private"
    if private and r.get("allocationId"):
        return "a private NAT gateway cannot be given an Elastic IP allocation"
    if not private and not r.get("allocationId") and not r.get("secondaryAllocationIds"):
        return "a public NAT gateway needs an Elastic IP allocation (allocationId)"
    return None


@emulates(
    "aws:ec2/natGateway:NatGateway",
    note="create_nat_gateway in the subnet with the allocation",
    replace_on={
        "allocationId",
        "connectivityType",
        "privateIp",
        "secondaryPrivateIpAddressCount",
        "subnetId",
    },
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:natgateway/{id}",
    id_prefix="nat",
)
def nat_gateway(ctx: Context, r: Resource) -> Emulated:
    # A private NAT gateway has no allocation: the request leaves AllocationId out.
    allocation = {"AllocationId": r.get("allocationId")} if r.get("allocationId") else {}
    created = ctx.aws(
        r,
        "subnetId",
        "ec2",
        "create_nat_gateway",
        SubnetId=r.get("subnetId"),
        ConnectivityType=r.get("connectivityType", "public"),
        TagSpecifications=tag_specifications("natgateway", r.get("tags")),
        **allocation,
    )["NatGateway"]
    address = (created.get("NatGatewayAddresses") or [{}])[0]
    return created["NatGatewayId"], {
        "connectivityType": r.get("connectivityType", "public"),
        "networkInterfaceId": address.get("NetworkInterfaceId", ""),
        "privateIp": address.get("PrivateIp", ""),
        "publicIp": address.get("PublicIp", ""),
    }


_ROUTE_TARGETS = {
    "egressOnlyGatewayId": "EgressOnlyInternetGatewayId",
    "gatewayId": "GatewayId",
    "natGatewayId": "NatGatewayId",
    "networkInterfaceId": "NetworkInterfaceId",
    "transitGatewayId": "TransitGatewayId",
    "vpcPeeringConnectionId": "VpcPeeringConnectionId",
    "vpcEndpointId": "VpcEndpointId",
}


@emulates(
    "aws:ec2/routeTable:RouteTable",
    note="create_route_table, create_route per route",
    replace_on={"vpcId"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:route-table/{id}",
    id_prefix="rtb",
)
def route_table(ctx: Context, r: Resource) -> Emulated:
    table_id = ctx.aws(
        r,
        "vpcId",
        "ec2",
        "create_route_table",
        VpcId=r.get("vpcId"),
        TagSpecifications=tag_specifications("route-table", r.get("tags")),
    )["RouteTable"]["RouteTableId"]
    for route in r.get("routes", []):
        kwargs: dict[str, Any] = {"RouteTableId": table_id}
        if route.get("cidrBlock"):
            kwargs["DestinationCidrBlock"] = route["cidrBlock"]
        if route.get("ipv6CidrBlock"):
            kwargs["DestinationIpv6CidrBlock"] = route["ipv6CidrBlock"]
        kwargs.update({boto: route[key] for key, boto in _ROUTE_TARGETS.items() if route.get(key)})
        ctx.aws(r, "routes", "ec2", "create_route", **kwargs)
    return table_id, {"arn": _ec2_arn(ctx, "route-table", table_id), "ownerId": ctx.account_id}


def _route_table_vpc(ctx: Context, table_id: Any) -> str | None:
    from botocore.exceptions import ClientError

    if not isinstance(table_id, str) or not table_id:
        return None
    try:
        tables = ctx.client("ec2").describe_route_tables(RouteTableIds=[table_id])["RouteTables"]
    except ClientError:
        return None
    return str(tables[0]["VpcId"]) if tables else None


@rule(
    "ec2-route-table-association-same-vpc",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    prop="subnetId",
    summary="A route table is associated only with subnets of its own VPC",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateRouteTable.html"
    " (associates a subnet in your VPC with a route table in your VPC)",
)
def _association_same_vpc(ctx: Context, r: Resource) -> str | None:
    table_vpc = _route_table_vpc(ctx, r.get("routeTableId"))
    subnet = _subnet(ctx, r.get("subnetId"))
    if table_vpc is None or subnet is None or subnet["VpcId"] == table_vpc:
        return None
    return (
        f"route table {r.get('routeTableId')} is in {table_vpc} and subnet {subnet['SubnetId']} in"
        f" {subnet['VpcId']}: they belong to different networks"
    )


def _internet_gateway_vpcs(ctx: Context, gateway_id: str) -> list[str] | None:
    from botocore.exceptions import ClientError

    try:
        gateways = ctx.client("ec2").describe_internet_gateways(InternetGatewayIds=[gateway_id])[
            "InternetGateways"
        ]
    except ClientError:
        return None
    return [a["VpcId"] for g in gateways for a in g.get("Attachments", [])] if gateways else None


@rule(
    "ec2-route-gateway-same-vpc",
    "aws:ec2/route:Route",
    prop="gatewayId",
    summary="A route's internet gateway is attached to the route table's VPC",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html"
    " (attach the internet gateway to your VPC, then route the subnet's traffic to it)",
)
def _route_gateway_same_vpc(ctx: Context, r: Resource) -> str | None:
    gateway = r.get("gatewayId")
    if not isinstance(gateway, str) or not gateway.startswith("igw-"):
        return None
    table_vpc = _route_table_vpc(ctx, r.get("routeTableId"))
    attached = _internet_gateway_vpcs(ctx, gateway)
    if table_vpc is None or attached is None or table_vpc in attached:
        return None
    where = f"attached to {', '.join(attached)}" if attached else "not attached to any VPC"
    return f"internet gateway {gateway} is {where}, not to the route table's VPC {table_vpc}"


@emulates(
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    note="associate_route_table",
    replace_on={"gatewayId", "subnetId"},
    naming=UNNAMED,
    arn="",
    id_prefix="rtbassoc",
)
def route_table_association(ctx: Context, r: Resource) -> Emulated:
    kwargs = {"RouteTableId": r.get("routeTableId")}
    if r.get("subnetId"):
        kwargs["SubnetId"] = r.get("subnetId")
    if r.get("gatewayId"):
        kwargs["GatewayId"] = r.get("gatewayId")
    association = ctx.aws(r, "routeTableId", "ec2", "associate_route_table", **kwargs)
    return association["AssociationId"], {}


@emulates(
    "aws:ec2/securityGroup:SecurityGroup",
    note="create_security_group; the allow-all egress AWS adds is revoked, as the provider does",
    replace_on={"description", "name", "namePrefix", "vpcId"},
    naming=SECURITY_GROUP_NAME,
    arn="arn:{partition}:ec2:{region}:{account}:security-group/{id}",
    id_prefix="sg",
)
def security_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "GroupName": name,
        "Description": r.get("description", "Managed by Pulumi"),
        "TagSpecifications": tag_specifications("security-group", r.get("tags")),
    }
    if r.get("vpcId"):
        kwargs["VpcId"] = r.get("vpcId")
    group_id = ctx.aws(r, "name", "ec2", "create_security_group", **kwargs)["GroupId"]
    ctx.group_vpcs[group_id] = str(r.get("vpcId", ""))
    # The provider revokes the allow-all egress AWS adds to every VPC group, then applies its rules.
    if r.get("vpcId"):
        ctx.aws(
            r, "egress", "ec2", "revoke_security_group_egress", GroupId=group_id, IpPermissions=[ALLOW_ALL]
        )
    for direction, operation in (
        ("ingress", "authorize_security_group_ingress"),
        ("egress", "authorize_security_group_egress"),
    ):
        permissions = [_inline_permission(rule) for rule in r.get(direction, [])]
        if permissions:
            ctx.aws(r, direction, "ec2", operation, GroupId=group_id, IpPermissions=permissions)
    return group_id, {
        "arn": _ec2_arn(ctx, "security-group", group_id),
        "name": name,
        "ownerId": ctx.account_id,
        "description": kwargs["Description"],
        "vpcId": str(r.get("vpcId", "")),
    }


def _inline_permission(rule: dict[str, Any]) -> dict[str, Any]:
    permission: dict[str, Any] = {
        "IpProtocol": str(rule.get("protocol", "-1")),
        "FromPort": int(rule.get("fromPort", 0)),
        "ToPort": int(rule.get("toPort", 0)),
    }
    if rule.get("cidrBlocks"):
        permission["IpRanges"] = [{"CidrIp": c} for c in rule["cidrBlocks"]]
    if rule.get("securityGroups"):
        permission["UserIdGroupPairs"] = [{"GroupId": g} for g in rule["securityGroups"]]
    return permission


def _group_vpc(ctx: Context, r: Resource, prop: str, group_id: str) -> str:
    """The VPC of a group, read from the account once (a group never changes VPC)."""
    if group_id not in ctx.group_vpcs:
        groups = ctx.aws(r, prop, "ec2", "describe_security_groups", GroupIds=[group_id])["SecurityGroups"]
        ctx.group_vpcs[group_id] = str(groups[0].get("VpcId", ""))
    return ctx.group_vpcs[group_id]


def _vpc_rule(ctx: Context, r: Resource, direction: str) -> Emulated:
    group_id = str(r.get("securityGroupId"))
    permission: dict[str, Any] = {"IpProtocol": str(r.get("ipProtocol"))}
    if r.get("fromPort") is not None:
        permission["FromPort"] = int(r.get("fromPort"))
    if r.get("toPort") is not None:
        permission["ToPort"] = int(r.get("toPort"))
    description = {"Description": r.get("description")} if r.get("description") else {}
    if r.get("cidrIpv4"):
        permission["IpRanges"] = [{"CidrIp": r.get("cidrIpv4"), **description}]
    if r.get("cidrIpv6"):
        permission["Ipv6Ranges"] = [{"CidrIpv6": r.get("cidrIpv6"), **description}]
    if r.get("prefixListId"):
        permission["PrefixListIds"] = [{"PrefixListId": r.get("prefixListId"), **description}]
    referenced = r.get("referencedSecurityGroupId")
    if referenced:
        # moto accepts a group of another VPC here; AWS does not (without peering). The emulator
        # reads both groups back from the account and refuses as AWS does.
        own_vpc = _group_vpc(ctx, r, "securityGroupId", group_id)
        other_vpc = _group_vpc(ctx, r, "referencedSecurityGroupId", str(referenced))
        if own_vpc != other_vpc:
            raise EmulationError(
                r.urn,
                "referencedSecurityGroupId",
                "InvalidGroup.NotFound",
                f"You have specified two resources that belong to different networks "
                f"({group_id} is in {own_vpc}, {referenced} is in {other_vpc})",
            )
        permission["UserIdGroupPairs"] = [{"GroupId": referenced, **description}]
    operation = (
        "authorize_security_group_ingress" if direction == "ingress" else "authorize_security_group_egress"
    )
    created = ctx.aws(r, "securityGroupId", "ec2", operation, GroupId=group_id, IpPermissions=[permission])
    rule_id = created["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    return rule_id, {"arn": _ec2_arn(ctx, "security-group-rule", rule_id), "securityGroupRuleId": rule_id}


_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


@emulates(
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    note="authorize_security_group_ingress; the emulator refuses a group of another VPC (moto does not)",
    replace_on={"securityGroupId"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:security-group-rule/{id}",
    id_prefix="sgr",
)
def ingress_rule(ctx: Context, r: Resource) -> Emulated:
    return _vpc_rule(ctx, r, "ingress")


@emulates(
    _EGRESS_RULE,
    note="authorize_security_group_egress; the emulator refuses a group of another VPC (moto does not)",
    replace_on={"securityGroupId"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:security-group-rule/{id}",
    id_prefix="sgr",
)
def egress_rule(ctx: Context, r: Resource) -> Emulated:
    return _vpc_rule(ctx, r, "egress")


FLOW_LOG_INTERVALS = (60, 600)


@rule(
    "ec2-flow-log-aggregation-interval",
    "aws:ec2/flowLog:FlowLog",
    prop="maxAggregationInterval",
    summary="A flow log's maxAggregationInterval is 60 or 600 seconds",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html"
    f" (MaxAggregationInterval: 60 or 600); {_PROVIDER_EC2}vpc_flow_log.go (validation.IntInSlice)",
)
def _flow_log_interval(ctx: Context, r: Resource) -> str | None:
    interval = r.get("maxAggregationInterval")
    if interval is None or int(interval) in FLOW_LOG_INTERVALS:
        return None
    return f"the aggregation interval is 60 or 600 seconds; got {int(interval)}"


# The provider's resource inputs, one of which a flow log names (vpc_flow_log.go: ExactlyOneOf), and the
# ResourceType each is sent as (API_CreateFlowLogs).
_FLOW_LOG_RESOURCES = {
    "vpcId": "VPC",
    "subnetId": "Subnet",
    "eniId": "NetworkInterface",
    "transitGatewayId": "TransitGateway",
    "transitGatewayAttachmentId": "TransitGatewayAttachment",
    "regionalNatGatewayId": "RegionalNatGateway",
}


@emulates(
    "aws:ec2/flowLog:FlowLog",
    note="create_flow_logs for the VPC, subnet, network interface or transit gateway, to the destination",
    # vpc_flow_log.go @00a35305: it has an Update (tags only), so only the ForceNew inputs replace
    replace_on={
        "deliverCrossAccountRole",
        "destinationOptions",
        "eniId",
        "iamRoleArn",
        "logDestination",
        "logDestinationType",
        "logFormat",
        "maxAggregationInterval",
        "regionalNatGatewayId",
        "subnetId",
        "trafficType",
        "transitGatewayAttachmentId",
        "transitGatewayId",
        "vpcId",
    },
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:vpc-flow-log/{id}",
    id_prefix="fl",
)
def flow_log(ctx: Context, r: Resource) -> Emulated:
    destination_type = r.get("logDestinationType", "cloud-watch-logs")
    prop, resource_type = next(
        ((prop, kind) for prop, kind in _FLOW_LOG_RESOURCES.items() if r.get(prop)), ("vpcId", "VPC")
    )
    kwargs: dict[str, Any] = {
        "ResourceType": resource_type,
        "ResourceIds": [r.get(prop)],
        "TrafficType": r.get("trafficType", "ALL"),
        "LogDestinationType": destination_type,
    }
    destination = str(r.get("logDestination", ""))
    if destination_type == "cloud-watch-logs":
        # The provider passes the group ARN; the API wants the group name for CloudWatch Logs.
        kwargs["LogGroupName"] = destination.split(":log-group:", 1)[-1].removesuffix(":*")
        kwargs["DeliverLogsPermissionArn"] = r.get("iamRoleArn")
    elif destination_type == "s3":
        # AWS takes a folder after the bucket (arn:aws:s3:::bucket/folder/, API_CreateFlowLogs); moto reads
        # all of it as the bucket's name, so it is sent the bucket alone.
        kwargs["LogDestination"] = destination.split("/", 1)[0]
    else:
        kwargs["LogDestination"] = destination
    created = ctx.aws(r, "logDestination", "ec2", "create_flow_logs", **kwargs)
    if created.get("Unsuccessful"):
        failure = created["Unsuccessful"][0]["Error"]
        raise EmulationError(
            r.urn, "logDestination", failure.get("Code", "Error"), failure.get("Message", "")
        )
    flow_log_id = created["FlowLogIds"][0]
    return flow_log_id, {"arn": _ec2_arn(ctx, "vpc-flow-log", flow_log_id)}


def _network(cidr: Any) -> ipaddress.IPv4Network | None:
    try:
        return ipaddress.IPv4Network(str(cidr), strict=False)
    except ValueError:
        return None


def _cidr_size_problem(cidr: Any, what: str) -> str | None:
    network = _network(cidr)
    if network is None:
        return None
    if not MIN_PREFIX_LENGTH <= network.prefixlen <= MAX_PREFIX_LENGTH:
        return (
            f"a {what} CIDR block is between /{MIN_PREFIX_LENGTH} and /{MAX_PREFIX_LENGTH};"
            f" {cidr} is a /{network.prefixlen}"
        )
    return None


MIN_PREFIX_LENGTH = 16
MAX_PREFIX_LENGTH = 28


@rule(
    "ec2-vpc-cidr-size",
    ("aws:ec2/vpc:Vpc", "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"),
    prop="cidrBlock",
    summary="A VPC's IPv4 CIDR blocks, primary or associated, are between a /16 and a /28",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
)
def _vpc_cidr_size(ctx: Context, r: Resource) -> str | None:
    return _cidr_size_problem(r.get("cidrBlock"), "VPC")


@rule(
    "ec2-subnet-cidr-size",
    "aws:ec2/subnet:Subnet",
    prop="cidrBlock",
    summary="A subnet's IPv4 CIDR block is between a /16 and a /28",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html",
)
def _subnet_cidr_size(ctx: Context, r: Resource) -> str | None:
    return _cidr_size_problem(r.get("cidrBlock"), "subnet")


def _host_bits_problem(cidr: Any) -> str | None:
    """Why `cidr` is not an IPv4 network address (the provider's ValidIPv4CIDRNetworkAddress and
    IsCIDRNetwork), or None; an address whose host bits are set names the network it lies in."""
    if not isinstance(cidr, str):
        return None
    if "/" not in cidr:
        return f"{cidr!r} is not a CIDR block (no prefix length)"
    try:
        network = ipaddress.IPv4Network(cidr, strict=False)
    except ValueError:
        return f"{cidr!r} is not an IPv4 CIDR block"
    if network.network_address == ipaddress.IPv4Address(cidr.split("/", 1)[0]):
        return None
    return f"{cidr} is not a network address: its host bits are set; the network is {network}"


@rule(
    "ec2-vpc-cidr-network",
    "aws:ec2/vpc:Vpc",
    prop="cidrBlock",
    summary="A VPC's IPv4 CIDR block is a network address (no host bits set)",
    source=f"{_PROVIDER_EC2}vpc_.go (cidr_block: validation.IsCIDRNetwork)",
)
def _vpc_cidr_network(ctx: Context, r: Resource) -> str | None:
    return _host_bits_problem(r.get("cidrBlock"))


@rule(
    "ec2-subnet-cidr-network",
    "aws:ec2/subnet:Subnet",
    prop="cidrBlock",
    summary="A subnet's IPv4 CIDR block is a network address (no host bits set)",
    source=f"{_PROVIDER_EC2}vpc_subnet.go (cidr_block: verify.ValidIPv4CIDRNetworkAddress)",
)
def _subnet_cidr_network(ctx: Context, r: Resource) -> str | None:
    return _host_bits_problem(r.get("cidrBlock"))


@rule(
    "ec2-route-destination-network",
    "aws:ec2/route:Route",
    prop="destinationCidrBlock",
    summary="A route's destinationCidrBlock is an IPv4 network address (no host bits set)",
    source=f"{_PROVIDER_EC2}vpc_route.go (destination_cidr_block: verify.ValidIPv4CIDRNetworkAddress)",
)
def _route_destination_network(ctx: Context, r: Resource) -> str | None:
    return _host_bits_problem(r.get("destinationCidrBlock"))


@rule(
    "ec2-subnet-zone-in-region",
    "aws:ec2/subnet:Subnet",
    prop="availabilityZone",
    summary="A subnet's availability zone is one of its region's",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html (AvailabilityZone)",
)
def _subnet_zone_in_region(ctx: Context, r: Resource) -> str | None:
    zone = r.get("availabilityZone")
    if not isinstance(zone, str):
        return None
    zones = [z["ZoneName"] for z in ctx.client("ec2").describe_availability_zones()["AvailabilityZones"]]
    if zone in zones:
        return None
    return f"{zone} is not an availability zone of {ctx.region}; subnets can be created in {', '.join(zones)}"


_PROTOCOL_NAMES = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "all": -1, "-1": -1}
MAX_PROTOCOL_NUMBER = 255
MAX_PORT = 65535
MAX_ICMP_TYPE = 255


def _protocol_number(protocol: Any) -> int | None:
    """The IP protocol number of a protocol name or number, None when AWS knows neither."""
    text = str(protocol).lower()
    if text in _PROTOCOL_NAMES:
        return _PROTOCOL_NAMES[text]
    if text.isdigit() and int(text) <= MAX_PROTOCOL_NUMBER:
        return int(text)
    return None


def _protocol_problem(protocol: Any) -> str | None:
    if protocol is None or _protocol_number(protocol) is not None:
        return None
    return (
        f"protocol {protocol!r} is neither a protocol name (tcp, udp, icmp, icmpv6), -1 for all,"
        f" nor a protocol number 0-{MAX_PROTOCOL_NUMBER}"
    )


def _port_problem(protocol: Any, from_port: Any, to_port: Any) -> str | None:
    """Why AWS refuses the port range (or ICMP type and code) of a rule of `protocol`, or None."""
    number = _protocol_number(protocol)
    if number is None or from_port is None or to_port is None:
        return None
    low, high = int(from_port), int(to_port)
    if number in (6, 17):
        if not (0 <= low <= MAX_PORT and 0 <= high <= MAX_PORT):
            return f"ports {low}-{high} are outside 0-{MAX_PORT}"
        if low > high:
            return f"fromPort {low} is greater than toPort {high}"
    if number in (1, 58):
        if not (-1 <= low <= MAX_ICMP_TYPE and -1 <= high <= MAX_ICMP_TYPE):
            return f"ICMP type {low} and code {high} must each be -1 (all) or 0-{MAX_ICMP_TYPE}"
        if low == -1 and high != -1:
            return f"ICMP type -1 (all types) needs code -1 (all codes), not {high}"
    return None


_IP_PERMISSION = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html"


@rule(
    "ec2-sg-rule-protocol",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    prop="protocol",
    summary="A security group rule's protocol is tcp, udp, icmp, icmpv6, -1 or a protocol number",
    source=_IP_PERMISSION,
)
def _sg_rule_protocol(ctx: Context, r: Resource) -> str | None:
    return _protocol_problem(r.get("protocol"))


@rule(
    "ec2-sg-rule-ports",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    prop="fromPort",
    summary="TCP/UDP ports are 0-65535 with fromPort <= toPort; ICMP type and code are -1 or 0-255",
    source=_IP_PERMISSION,
)
def _sg_rule_ports(ctx: Context, r: Resource) -> str | None:
    return _port_problem(r.get("protocol"), r.get("fromPort"), r.get("toPort"))


@rule(
    "ec2-vpc-sg-rule-protocol",
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", _EGRESS_RULE),
    prop="ipProtocol",
    summary="A security group rule's ipProtocol is tcp, udp, icmp, icmpv6, -1 or a protocol number",
    source=_IP_PERMISSION,
)
def _vpc_sg_rule_protocol(ctx: Context, r: Resource) -> str | None:
    return _protocol_problem(r.get("ipProtocol"))


@rule(
    "ec2-vpc-sg-rule-ports",
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", _EGRESS_RULE),
    prop="fromPort",
    summary="TCP/UDP ports are 0-65535 with fromPort <= toPort; ICMP type and code are -1 or 0-255",
    source=_IP_PERMISSION,
)
def _vpc_sg_rule_ports(ctx: Context, r: Resource) -> str | None:
    return _port_problem(r.get("ipProtocol"), r.get("fromPort"), r.get("toPort"))


_RULE_SOURCES = ("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId")


@rule(
    "ec2-vpc-sg-rule-one-source",
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", _EGRESS_RULE),
    prop="cidrIpv4",
    summary="A security group rule names exactly one of cidrIpv4, cidrIpv6, prefixListId, "
    "referencedSecurityGroupId",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/"
    "vpc_security_group_ingress_rule.go (ConfigValidators: ExactlyOneOf)",
)
def _vpc_sg_rule_one_source(ctx: Context, r: Resource) -> str | None:
    given = [key for key in _RULE_SOURCES if r.get(key)]
    if len(given) == 1:
        return None
    return f"exactly one of {', '.join(_RULE_SOURCES)} must be set; got {given or 'none'}"


@rule(
    "ec2-vpc-sg-rule-cidr-network",
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", _EGRESS_RULE),
    prop="cidrIpv4",
    summary="A security group rule's cidrIpv4 is an IPv4 network address (no host bits set)",
    source=f"{_PROVIDER_EC2}vpc_security_group_ingress_rule.go"
    " (cidr_ipv4: fwvalidators.IPv4CIDRNetworkAddress)",
)
def _vpc_sg_rule_cidr_network(ctx: Context, r: Resource) -> str | None:
    return _host_bits_problem(r.get("cidrIpv4"))


@rule(
    "ec2-sg-rule-source",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    prop="cidrBlocks",
    summary="A security group rule names a source, and a group source (sourceSecurityGroupId or self) "
    "is not combined with CIDR blocks",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/"
    "vpc_security_group_rule.go (cidr_blocks ConflictsWith source_security_group_id, self; "
    "one of cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, self, source_security_group_id)",
)
def _sg_rule_source(ctx: Context, r: Resource) -> str | None:
    cidrs = [key for key in ("cidrBlocks", "ipv6CidrBlocks") if r.get(key)]
    groups = [key for key in ("sourceSecurityGroupId", "self") if r.get(key)]
    if not cidrs and not groups and not r.get("prefixListIds"):
        return "one of cidrBlocks, ipv6CidrBlocks, prefixListIds, self, sourceSecurityGroupId must be set"
    if len(groups) > 1 or (groups and cidrs):
        return f"{' and '.join(groups + cidrs)} conflict: a rule's source is CIDR blocks or one group"
    return None


@rule(
    "ec2-sg-rule-cidr-blocks",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    prop="cidrBlocks",
    summary="Each of a rule's cidrBlocks is an IPv4 network address (IPv6 ranges go in ipv6CidrBlocks)",
    source=f"{_PROVIDER_EC2}vpc_security_group_rule.go (cidr_blocks: verify.ValidIPv4CIDRNetworkAddress)",
)
def _sg_rule_cidr_blocks(ctx: Context, r: Resource) -> str | None:
    for cidr in r.get("cidrBlocks", []):
        if isinstance(cidr, str) and ":" in cidr:
            return f"{cidr} is an IPv6 range: put it in ipv6CidrBlocks, cidrBlocks holds IPv4 ranges only"
        problem = _host_bits_problem(cidr)
        if problem:
            return problem
    return None


# API_IpRange, API_CreateSecurityGroup: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*
_DESCRIPTION_CHARACTERS = re.compile(r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*")
MAX_DESCRIPTION = 255


def _description_problem(description: Any) -> str | None:
    if not isinstance(description, str):
        return None
    if len(description) > MAX_DESCRIPTION:
        return f"a description is at most {MAX_DESCRIPTION} characters; got {len(description)}"
    if _DESCRIPTION_CHARACTERS.fullmatch(description):
        return None
    bad = sorted({c for c in description if not _DESCRIPTION_CHARACTERS.fullmatch(c)})
    return (
        f"description {description!r} holds {', '.join(repr(c) for c in bad)}: only a-z, A-Z, 0-9, spaces"
        " and ._-:/()#,@[]+=&;{}!$* are allowed"
    )


@rule(
    "ec2-sg-description-characters",
    "aws:ec2/securityGroup:SecurityGroup",
    prop="description",
    summary="A security group's description is up to 255 of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"
    " (Description: valid characters)",
)
def _sg_description(ctx: Context, r: Resource) -> str | None:
    return _description_problem(r.get("description"))


@rule(
    "ec2-sg-rule-description-characters",
    (
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        _EGRESS_RULE,
    ),
    prop="description",
    summary="A security group rule's description is up to 255 of a-z, A-Z, 0-9, spaces and "
    "._-:/()#,@[]+=&;{}!$*",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html (Description); "
    f"{_PROVIDER_EC2}validators.go (validSecurityGroupRuleDescription)",
)
def _sg_rule_description(ctx: Context, r: Resource) -> str | None:
    return _description_problem(r.get("description"))


def _inline_problem(rules: list[dict[str, Any]]) -> str | None:
    for index, block in enumerate(rules):
        protocol = block.get("protocol")
        problem = _protocol_problem(protocol) or _port_problem(
            protocol, block.get("fromPort"), block.get("toPort")
        )
        ports = (int(block.get("fromPort", 0)), int(block.get("toPort", 0)))
        if problem is None and _protocol_number(protocol) == -1 and ports != (0, 0):
            problem = f"fromPort and toPort {ports} must both be 0 to use the 'ALL' \"-1\" protocol"
        if problem:
            return f"rule [{index}]: {problem}"
    return None


_INLINE_RULES = (
    f"{_IP_PERMISSION}; the provider's expandIPPerms in "
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/vpc_security_group.go"
    " (protocol -1 needs ports 0)"
)


@rule(
    "ec2-sg-inline-ingress",
    "aws:ec2/securityGroup:SecurityGroup",
    prop="ingress",
    summary="Each inline ingress rule has a known protocol and a port range valid for it",
    source=_INLINE_RULES,
)
def _sg_inline_ingress(ctx: Context, r: Resource) -> str | None:
    return _inline_problem(list(r.get("ingress", [])))


@rule(
    "ec2-sg-inline-egress",
    "aws:ec2/securityGroup:SecurityGroup",
    prop="egress",
    summary="Each inline egress rule has a known protocol and a port range valid for it",
    source=_INLINE_RULES,
)
def _sg_inline_egress(ctx: Context, r: Resource) -> str | None:
    return _inline_problem(list(r.get("egress", [])))


def _image_architecture(ctx: Context, image_id: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        images = ctx.client("ec2").describe_images(ImageIds=[image_id])["Images"]
    except ClientError:
        return None
    return str(images[0].get("Architecture", "")) if images else None


def _type_architectures(ctx: Context, instance_type: str) -> list[str] | None:
    from botocore.exceptions import ClientError

    try:
        types = ctx.client("ec2").describe_instance_types(InstanceTypes=[instance_type])["InstanceTypes"]
    except ClientError:
        return None
    return list(types[0]["ProcessorInfo"]["SupportedArchitectures"]) if types else None


@rule(
    "ec2-instance-architecture",
    "aws:ec2/instance:Instance",
    prop="instanceType",
    summary="The instance type supports the AMI's architecture (x86_64 or arm64)",
    source="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ComponentsAMIs.html"
    " (an AMI's architecture must match the instance type's)",
)
def _instance_architecture(ctx: Context, r: Resource) -> str | None:
    image, instance_type = r.get("ami"), r.get("instanceType")
    if not image or not instance_type:
        return None
    architecture = _image_architecture(ctx, str(image))
    supported = _type_architectures(ctx, str(instance_type))
    if not architecture or supported is None or architecture in supported:
        return None
    return (
        f"the architecture {architecture!r} of AMI {image} does not match the architecture"
        f" {'/'.join(supported)} of instance type {instance_type}"
    )


def groups_outside_the_subnets_vpc(ctx: Context, subnet_ids: Any, group_ids: Any) -> str | None:
    """Why security groups cannot go with subnets (a group belongs to one VPC and serves only it), or None
    when they share a VPC or either is not known to the account (moto then refuses the id itself)."""
    if not subnet_ids or not group_ids:
        return None
    ec2 = ctx.client("ec2")
    try:
        subnets = ec2.describe_subnets(SubnetIds=list(subnet_ids))["Subnets"]
        groups = ec2.describe_security_groups(GroupIds=list(group_ids))["SecurityGroups"]
    except ec2.exceptions.ClientError:  # an unknown id: moto refuses it with its own code
        return None
    vpcs = {s["VpcId"] for s in subnets}
    foreign = sorted(g["GroupId"] for g in groups if g.get("VpcId") not in vpcs)
    if not foreign:
        return None
    return f"security group(s) {', '.join(foreign)} and the subnets belong to different networks (VPCs)"


SAME_VPC = (
    "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"
    " (a security group can be used only by resources in the VPC it was created for)"
)


@rule(
    "ec2-instance-groups-in-subnet-vpc",
    "aws:ec2/instance:Instance",
    prop="vpcSecurityGroupIds",
    summary="An instance's security groups belong to its subnet's VPC",
    source=SAME_VPC,
)
def _instance_groups_in_vpc(ctx: Context, r: Resource) -> str | None:
    subnet = r.get("subnetId")
    return groups_outside_the_subnets_vpc(ctx, [subnet] if subnet else [], r.get("vpcSecurityGroupIds"))


def _endpoint_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {"state": "available", "ownerId": where.account_id, "dnsEntries": [], "networkInterfaceIds": []}


def _endpoint_services(ctx: Context) -> dict[str, set[str]]:
    """The endpoint services of the region, by name, with the endpoint types each offers."""
    services: dict[str, set[str]] = {}
    for detail in ctx.client("ec2").describe_vpc_endpoint_services()["ServiceDetails"]:
        kinds = services.setdefault(detail["ServiceName"], set())
        kinds.update(t["ServiceType"] for t in detail.get("ServiceType", []))
    return services


_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"


@rule(
    "ec2-vpc-endpoint-service",
    _ENDPOINT,
    prop="serviceName",
    summary="An AWS service endpoint names a service of the endpoint's region",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html"
    " (ServiceName; the available services are those DescribeVpcEndpointServices lists)",
)
def _endpoint_service(ctx: Context, r: Resource) -> str | None:
    name = str(r.get("serviceName", ""))
    if not name.startswith("com.amazonaws.") or name in _endpoint_services(ctx):
        return None
    return f"the endpoint service {name!r} does not exist in {ctx.region}"


@rule(
    "ec2-vpc-endpoint-type",
    _ENDPOINT,
    prop="vpcEndpointType",
    summary="The endpoint type is one the service offers: Gateway endpoints exist only for S3 and DynamoDB",
    source="https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
)
def _endpoint_type(ctx: Context, r: Resource) -> str | None:
    name = str(r.get("serviceName", ""))
    kinds = _endpoint_services(ctx).get(name)
    kind = str(r.get("vpcEndpointType", "Gateway"))
    if not kinds or kind in kinds:
        return None
    return f"{name} offers {', '.join(sorted(kinds))} endpoints, not {kind}"


@rule(
    "ec2-vpc-endpoint-gateway-subnets",
    _ENDPOINT,
    prop="subnetIds",
    summary="A Gateway endpoint is reached through route tables: it takes no subnets or security groups",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html"
    " (SubnetIds and SecurityGroupIds: Interface and Gateway Load Balancer endpoints only)",
)
def _endpoint_gateway_subnets(ctx: Context, r: Resource) -> str | None:
    if str(r.get("vpcEndpointType", "Gateway")) != "Gateway":
        return None
    given = [key for key in ("subnetIds", "securityGroupIds") if r.get(key)]
    return f"a Gateway endpoint takes no {' or '.join(given)}" if given else None


@rule(
    "ec2-vpc-endpoint-route-tables-gateway-only",
    _ENDPOINT,
    prop="routeTableIds",
    summary="Only a Gateway endpoint takes route tables; an Interface endpoint is reached through subnets",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html"
    " (RouteTableIds: Gateway endpoint)",
)
def _endpoint_route_tables_gateway_only(ctx: Context, r: Resource) -> str | None:
    kind = str(r.get("vpcEndpointType", "Gateway"))
    if kind == "Gateway" or not r.get("routeTableIds"):
        return None
    return f"an {kind} endpoint takes no routeTableIds (only a Gateway endpoint is a route target)"


@rule(
    "ec2-vpc-endpoint-one-subnet-per-zone",
    _ENDPOINT,
    prop="subnetIds",
    summary="An interface endpoint's subnets are in different Availability Zones (one network interface per "
    "zone)",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpce-interface.html"
    " (more than one subnet, in different Availability Zones)",
)
def _endpoint_one_subnet_per_zone(ctx: Context, r: Resource) -> str | None:
    seen: dict[str, str] = {}
    for subnet_id in r.get("subnetIds", []):
        subnet = _subnet(ctx, subnet_id)
        if subnet is None:
            continue
        zone = subnet["AvailabilityZone"]
        if zone in seen:
            return (
                f"subnets {seen[zone]} and {subnet_id} are both in {zone}: one subnet per Availability Zone"
            )
        seen[zone] = subnet_id
    return None


def _vpc_attribute(ctx: Context, vpc_id: str, name: str, key: str) -> bool | None:
    from botocore.exceptions import ClientError

    try:
        return bool(ctx.client("ec2").describe_vpc_attribute(VpcId=vpc_id, Attribute=name)[key]["Value"])
    except ClientError:
        return None


@rule(
    "ec2-vpc-endpoint-private-dns",
    _ENDPOINT,
    prop="privateDnsEnabled",
    summary="Private DNS on an interface endpoint needs its VPC's enableDnsHostnames and enableDnsSupport",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html"
    " (PrivateDnsEnabled: you must set the VPC attributes enableDnsHostnames and enableDnsSupport to true)",
)
def _endpoint_private_dns(ctx: Context, r: Resource) -> str | None:
    vpc_id = r.get("vpcId")
    if (
        r.get("vpcEndpointType") != "Interface"
        or not r.get("privateDnsEnabled")
        or not isinstance(vpc_id, str)
    ):
        return None
    off = [
        name
        for name, key in (
            ("enableDnsHostnames", "EnableDnsHostnames"),
            ("enableDnsSupport", "EnableDnsSupport"),
        )
        if _vpc_attribute(ctx, vpc_id, name, key) is False
    ]
    return f"private DNS needs {' and '.join(off)} on VPC {vpc_id}" if off else None


@rule(
    "ec2-vpc-endpoint-groups-in-vpc",
    _ENDPOINT,
    prop="securityGroupIds",
    summary="An endpoint's security groups belong to its VPC",
    source=SAME_VPC,
)
def _endpoint_groups_in_vpc(ctx: Context, r: Resource) -> str | None:
    vpc_id = r.get("vpcId")
    if not isinstance(vpc_id, str):
        return None
    foreign = sorted(
        str(g) for g in r.get("securityGroupIds", []) if _known_group_vpc(ctx, str(g)) not in (None, vpc_id)
    )
    return f"security group(s) {', '.join(foreign)} are not in {vpc_id}" if foreign else None


def _known_group_vpc(ctx: Context, group_id: str) -> str | None:
    """The VPC of a group the account knows, or None (moto refuses an unknown id itself)."""
    from botocore.exceptions import ClientError

    if group_id not in ctx.group_vpcs:
        try:
            groups = ctx.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
        except ClientError:
            return None
        if not groups:
            return None
        ctx.group_vpcs[group_id] = str(groups[0].get("VpcId", ""))
    return ctx.group_vpcs[group_id]


@emulates(
    _ENDPOINT,
    note="create_vpc_endpoint; the rules check the service and type against the region's endpoint services"
    " (moto accepts any name)",
    replace_on={
        "dnsOptions",
        "resourceConfigurationArn",
        "serviceName",
        "serviceNetworkArn",
        "serviceRegion",
        "vpcEndpointType",
        "vpcId",
    },
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:vpc-endpoint/{id}",
    id_prefix="vpce",
    computed=_endpoint_outputs,
)
def vpc_endpoint(ctx: Context, r: Resource) -> Emulated:
    kind = r.get("vpcEndpointType", "Gateway")
    kwargs: dict[str, Any] = {
        "VpcId": r.get("vpcId"),
        "ServiceName": r.get("serviceName"),
        "VpcEndpointType": kind,
        "TagSpecifications": tag_specifications("vpc-endpoint", r.get("tags")),
    }
    for prop, boto in (
        ("subnetIds", "SubnetIds"),
        ("securityGroupIds", "SecurityGroupIds"),
        ("routeTableIds", "RouteTableIds"),
    ):
        if r.get(prop):
            kwargs[boto] = list(r.get(prop))
    if r.get("policy"):
        kwargs["PolicyDocument"] = r.get("policy")
    if r.get("privateDnsEnabled") is not None:
        kwargs["PrivateDnsEnabled"] = bool(r.get("privateDnsEnabled"))
    created = ctx.aws(r, "serviceName", "ec2", "create_vpc_endpoint", **kwargs)["VpcEndpoint"]
    endpoint_id = created["VpcEndpointId"]
    return endpoint_id, {
        "arn": _ec2_arn(ctx, "vpc-endpoint", endpoint_id),
        "state": created.get("State", "available"),
        "ownerId": ctx.account_id,
        "vpcEndpointType": kind,
        "networkInterfaceIds": created.get("NetworkInterfaceIds", []),
        "dnsEntries": [
            {"dnsName": e.get("DnsName", ""), "hostedZoneId": e.get("HostedZoneId", "")}
            for e in created.get("DnsEntries", [])
        ],
        **_gateway_prefix_list(ctx, str(r.get("serviceName", "")) if kind == "Gateway" else ""),
    }


def _gateway_prefix_list(ctx: Context, service_name: str) -> dict[str, Any]:
    """A Gateway endpoint's prefixListId and cidrBlocks: the AWS-managed prefix list of its service, which
    security group rules then name (API_VpcEndpoint; the provider reads it with DescribePrefixLists)."""
    found = (
        ctx.client("ec2").describe_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": [service_name]}]
        )["PrefixLists"]
        if service_name
        else []
    )
    if not found:
        return {"prefixListId": "", "cidrBlocks": []}
    return {"prefixListId": found[0]["PrefixListId"], "cidrBlocks": list(found[0].get("Cidrs", []))}


MAX_HOP_LIMIT = 64


@rule(
    "ec2-metadata-hop-limit",
    ("aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"),
    prop="metadataOptions.httpPutResponseHopLimit",
    summary=f"The instance metadata PUT response hop limit is 1-{MAX_HOP_LIMIT}",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
    "API_LaunchTemplateInstanceMetadataOptionsRequest.html and API_InstanceMetadataOptionsRequest.html"
    f" (HttpPutResponseHopLimit: 1 to 64); {_PROVIDER_EC2}ec2_launch_template.go and ec2_instance.go"
    " (validation.IntBetween(1, 64))",
)
def _metadata_hop_limit(ctx: Context, r: Resource) -> str | None:
    metadata = r.get("metadataOptions") or {}
    limit = metadata.get("httpPutResponseHopLimit")
    if limit is None or 1 <= int(limit) <= MAX_HOP_LIMIT:
        return None
    return f"the hop limit is 1-{MAX_HOP_LIMIT}; got {int(limit)}"


_PROVISIONED_IOPS_TYPES = ("io1", "io2", "gp3")


@rule(
    "ec2-launch-template-ebs-iops",
    "aws:ec2/launchTemplate:LaunchTemplate",
    prop="blockDeviceMappings",
    summary="A block device's iops is set only for io1, io2 and gp3 volumes, its throughput only for gp3",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateEbsBlockDeviceRequest.html"
    " (Iops: supported for io1, io2, and gp3 volumes only; Throughput: gp3)",
)
def _launch_template_ebs_iops(ctx: Context, r: Resource) -> str | None:
    for index, device in enumerate(r.get("blockDeviceMappings", [])):
        ebs = device.get("ebs") or {}
        kind = ebs.get("volumeType")
        if not isinstance(kind, str) or not kind:
            continue
        if ebs.get("iops") and kind not in _PROVISIONED_IOPS_TYPES:
            return f"device [{index}] ({device.get('deviceName')}): iops cannot be set on a {kind} volume"
        if ebs.get("throughput") and kind != "gp3":
            return (
                f"device [{index}] ({device.get('deviceName')}): throughput cannot be set on a {kind} volume"
            )
    return None


def _subnet(ctx: Context, subnet_id: Any) -> dict[str, Any] | None:
    """The subnet as the account describes it, or None when the id is absent or unknown."""
    from botocore.exceptions import ClientError

    if not isinstance(subnet_id, str) or not subnet_id:
        return None
    try:
        subnets = ctx.client("ec2").describe_subnets(SubnetIds=[subnet_id])["Subnets"]
    except ClientError:
        return None
    return subnets[0] if subnets else None


@rule(
    "ec2-instance-zone-of-subnet",
    "aws:ec2/instance:Instance",
    prop="availabilityZone",
    summary="An instance's availabilityZone, when given with a subnet, is the subnet's zone",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html"
    " (each subnet resides entirely within one Availability Zone)",
)
def _instance_zone_of_subnet(ctx: Context, r: Resource) -> str | None:
    zone = r.get("availabilityZone")
    subnet = _subnet(ctx, r.get("subnetId"))
    if not isinstance(zone, str) or subnet is None or subnet["AvailabilityZone"] == zone:
        return None
    return f"subnet {subnet['SubnetId']} is in {subnet['AvailabilityZone']}, not {zone}"


@rule(
    "ec2-instance-group-names-default-vpc",
    "aws:ec2/instance:Instance",
    prop="securityGroups",
    summary="Security groups are named (securityGroups) only in the default VPC; elsewhere they are "
    "given by id (vpcSecurityGroupIds)",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html"
    " (SecurityGroups: [Default VPC] the names of the security groups; SecurityGroupIds otherwise)",
)
def _instance_group_names(ctx: Context, r: Resource) -> str | None:
    if not r.get("securityGroups"):
        return None
    subnet = _subnet(ctx, r.get("subnetId"))
    if subnet is None or subnet.get("DefaultForAz"):
        return None
    vpcs = ctx.client("ec2").describe_vpcs(VpcIds=[subnet["VpcId"]])["Vpcs"]
    if not vpcs or vpcs[0].get("IsDefault"):
        return None
    return (
        f"subnet {subnet['SubnetId']} is in {subnet['VpcId']}, not the default VPC: give its security groups"
        " by id in vpcSecurityGroupIds"
    )


@rule(
    "ec2-instance-private-ip",
    "aws:ec2/instance:Instance",
    prop="privateIp",
    summary="An instance's privateIp is inside its subnet and not among the five addresses AWS reserves",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html (PrivateIpAddress:"
    " a value from the IPv4 address range of the subnet); "
    "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html (reserved addresses)",
)
def _instance_private_ip(ctx: Context, r: Resource) -> str | None:
    address = r.get("privateIp")
    subnet = _subnet_cidr(ctx, str(r.get("subnetId", ""))) if address else None
    return _address_problem(str(address), subnet) if subnet is not None else None


LAUNCH_TEMPLATE_NAME = Naming(
    max_length=128,
    pattern=r"[a-zA-Z0-9().\-/_]{3,128}",
    source=(
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html"
        " (LaunchTemplateName: 3-128 letters, digits, ( ) . - / _)"
    ),
)

_TEMPLATE_FIELDS = {
    "imageId": "ImageId",
    "instanceType": "InstanceType",
    "keyName": "KeyName",
    "userData": "UserData",
    "ebsOptimized": "EbsOptimized",
    "vpcSecurityGroupIds": "SecurityGroupIds",
    "disableApiTermination": "DisableApiTermination",
    "instanceInitiatedShutdownBehavior": "InstanceInitiatedShutdownBehavior",
}


def _whole(value: Any) -> Any:
    """Numbers arrive from the engine as floats; the API's integers must be ints."""
    return int(value) if isinstance(value, float) else value


def _template_data(r: Resource) -> dict[str, Any]:
    data: dict[str, Any] = {
        boto: r.get(key) for key, boto in _TEMPLATE_FIELDS.items() if r.get(key) is not None
    }
    if isinstance(data.get("EbsOptimized"), str):
        # The provider's schema holds ebsOptimized as a string ("true"/"false"/"").
        data["EbsOptimized"] = data["EbsOptimized"] == "true"
    profile = r.get("iamInstanceProfile")
    if profile:
        data["IamInstanceProfile"] = {
            k: v for k, v in (("Arn", profile.get("arn")), ("Name", profile.get("name"))) if v
        }
    metadata = r.get("metadataOptions")
    if metadata:
        data["MetadataOptions"] = {
            boto: _whole(metadata[key])
            for key, boto in (
                ("httpEndpoint", "HttpEndpoint"),
                ("httpTokens", "HttpTokens"),
                ("httpPutResponseHopLimit", "HttpPutResponseHopLimit"),
            )
            if metadata.get(key) is not None
        }
    devices = []
    for device in r.get("blockDeviceMappings", []):
        ebs = device.get("ebs") or {}
        converted = {
            boto: _whole(ebs[key])
            for key, boto in (
                ("volumeSize", "VolumeSize"),
                ("volumeType", "VolumeType"),
                ("iops", "Iops"),
                ("throughput", "Throughput"),
                ("kmsKeyId", "KmsKeyId"),
            )
            if ebs.get(key) is not None
        }
        for key, boto in (("encrypted", "Encrypted"), ("deleteOnTermination", "DeleteOnTermination")):
            if ebs.get(key) not in (None, ""):
                converted[boto] = str(ebs[key]).lower() == "true"
        devices.append({"DeviceName": device.get("deviceName"), "Ebs": converted})
    if devices:
        data["BlockDeviceMappings"] = devices
    return data


def _blamed_in_template_data(r: Resource, err: EmulationError) -> EmulationError:
    """The members of LaunchTemplateData are the resource's own top-level inputs: a refusal of
    `LaunchTemplateData.InstanceType` blames `instanceType`, not the template's name."""
    path = err.aws_message.split(" ", 1)[0]
    if not path.startswith("LaunchTemplateData."):
        return err
    member = re.split(r"[.\[]", path.removeprefix("LaunchTemplateData."), maxsplit=1)[0]
    prop = blamed_property(r.inputs, (member,), err.prop)
    return EmulationError(err.urn, prop, err.code, err.aws_message, err.source)


@emulates(
    "aws:ec2/launchTemplate:LaunchTemplate",
    note="create_launch_template; the service model checks the instance type and the block devices",
    replace_on={"name", "namePrefix"},
    naming=LAUNCH_TEMPLATE_NAME,
    arn="arn:{partition}:ec2:{region}:{account}:launch-template/{id}",
    id_prefix="lt",
)
def launch_template(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    try:
        created = ctx.aws(
            r,
            "name",
            "ec2",
            "create_launch_template",
            LaunchTemplateName=name,
            LaunchTemplateData=_template_data(r),
            TagSpecifications=tag_specifications("launch-template", r.get("tags")),
        )["LaunchTemplate"]
    except EmulationError as err:
        raise _blamed_in_template_data(r, err) from err
    template_id = created["LaunchTemplateId"]
    return template_id, {
        "arn": _ec2_arn(ctx, "launch-template", template_id),
        "name": name,
        "latestVersion": created.get("LatestVersionNumber", 1),
        "defaultVersion": created.get("DefaultVersionNumber", 1),
    }


KEY_PAIR_NAME = Naming(
    key="keyName",
    max_length=255,
    source=(
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportKeyPair.html"
        " (KeyName: up to 255 ASCII characters)"
    ),
)


IMPORTABLE_KEY_TYPES = ("ssh-rsa", "ssh-ed25519")


@rule(
    "ec2-key-pair-public-key",
    "aws:ec2/keyPair:KeyPair",
    prop="publicKey",
    summary="An imported key is the public half of an RSA or ED25519 key",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportKeyPair.html"
    " (PublicKeyMaterial: the public key; supported key types RSA and ED25519)",
)
def _key_pair_public_key(ctx: Context, r: Resource) -> str | None:
    key = str(r.get("publicKey", "")).strip()
    if "PRIVATE KEY" in key:
        return "publicKey holds a private key; import the public key (the .pub file) only"
    kind = key.split(" ", 1)[0]
    if kind.startswith(("ecdsa-", "ssh-dss", "sk-")):
        return f"{kind} keys cannot be imported; use an RSA or ED25519 key"
    return None


@emulates(
    "aws:ec2/keyPair:KeyPair",
    note="import_key_pair; moto refuses key material that is not an OpenSSH public key",
    replace_on={"keyName", "keyNamePrefix", "publicKey"},
    naming=KEY_PAIR_NAME,
    arn="arn:{partition}:ec2:{region}:{account}:key-pair/{name}",
    id_prefix="key",
)
def key_pair(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    created = ctx.aws(
        r,
        "publicKey",
        "ec2",
        "import_key_pair",
        KeyName=name,
        PublicKeyMaterial=str(r.get("publicKey", "")).encode(),
        TagSpecifications=tag_specifications("key-pair", r.get("tags")),
    )
    return name, {
        "arn": _ec2_arn(ctx, "key-pair", name),
        "keyName": name,
        "keyPairId": created.get("KeyPairId", ""),
        "fingerprint": created.get("KeyFingerprint", ""),
        "keyType": "ed25519" if str(r.get("publicKey", "")).startswith("ssh-ed25519") else "rsa",
    }


_VOLUME = "aws:ebs/volume:Volume"
_VOLUME_TYPES = "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html"
_EBS_VOLUME_GO = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/ebs_volume.go"
)
# The ranges as AWS raised them for gp3 in September 2025 (64 TiB, 80,000 IOPS, 2,000 MiB/s):
# https://aws.amazon.com/about-aws/whats-new/2025/09/amazon-ebs-size-provisioned-performance-gp3-volumes/
_CREATE_VOLUME = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html"


@dataclass(frozen=True)
class VolumeLimits:
    """What one EBS volume type allows, from CreateVolume's valid sizes and IOPS ranges."""

    min_size: int
    max_size: int
    min_iops: int = 0
    max_iops: int = 0
    iops_per_gib: int = 0


VOLUME_LIMITS = {
    "gp2": VolumeLimits(1, 16384),
    "gp3": VolumeLimits(1, 65536, 3000, 80000),
    "io1": VolumeLimits(4, 16384, 100, 64000, 50),
    "io2": VolumeLimits(4, 65536, 100, 256000, 1000),
    "st1": VolumeLimits(125, 16384),
    "sc1": VolumeLimits(125, 16384),
    "standard": VolumeLimits(1, 1024),
}
GP3_THROUGHPUT = (125, 2000)
GP3_BASELINE_IOPS = 3000
GP3_THROUGHPUT_PER_IOPS = 0.25
_DEFAULT_VOLUME_TYPE = "gp2"


GP3_IOPS_PER_GIB = 500


def _size_problem(kind: str, size: Any) -> str | None:
    limits = VOLUME_LIMITS.get(kind)
    if limits is None or size is None or limits.min_size <= int(size) <= limits.max_size:
        return None
    return f"a {kind} volume is {limits.min_size}-{limits.max_size} GiB; got {int(size)}"


def _iops_problem(kind: str, size: Any, iops: Any) -> str | None:
    limits = VOLUME_LIMITS.get(kind)
    if limits is None:
        return None
    if not limits.max_iops:
        return f"'iops' must not be set when 'type' is {kind!r}" if iops else None
    if iops is None:
        return f"'iops' must be set when 'type' is {kind!r}" if limits.iops_per_gib else None
    value = int(iops)
    if not limits.min_iops <= value <= limits.max_iops:
        return f"a {kind} volume has {limits.min_iops}-{limits.max_iops} IOPS; got {value}"
    if size is None:
        return None
    if limits.iops_per_gib and value > limits.iops_per_gib * int(size):
        return (
            f"a {kind} volume has at most {limits.iops_per_gib} IOPS per GiB: {value} IOPS needs at least"
            f" {-(-value // limits.iops_per_gib)} GiB, not {int(size)}"
        )
    # gp3's 3,000 IOPS baseline comes with any size; what is provisioned above it is 500 IOPS per GiB at most.
    if kind == "gp3" and value > max(GP3_BASELINE_IOPS, GP3_IOPS_PER_GIB * int(size)):
        return (
            f"a gp3 volume has at most {GP3_IOPS_PER_GIB} IOPS per GiB: {value} IOPS needs at least"
            f" {-(-value // GP3_IOPS_PER_GIB)} GiB, not {int(size)}"
        )
    return None


def _throughput_problem(kind: str, iops: Any, throughput: Any) -> str | None:
    if throughput is None:
        return None
    if kind != "gp3":
        return f"'throughput' must not be set when 'type' is {kind!r}"
    value = int(throughput)
    low, high = GP3_THROUGHPUT
    if not low <= value <= high:
        return f"a gp3 volume's throughput is {low}-{high} MiB/s; got {value}"
    provisioned = int(iops if iops is not None else GP3_BASELINE_IOPS)
    if value > provisioned * GP3_THROUGHPUT_PER_IOPS:
        return (
            f"{value} MiB/s needs at least {int(value / GP3_THROUGHPUT_PER_IOPS)} IOPS"
            f" (0.25 MiB/s per IOPS); the volume has {provisioned}"
        )
    return None


@rule(
    "ebs-volume-size",
    _VOLUME,
    prop="size",
    summary="A volume's size is within its type's range (gp2 1-16384 GiB, gp3 1-65536, io1 4-16384, "
    "io2 4-65536, st1/sc1 125-16384, standard 1-1024)",
    source=f"{_CREATE_VOLUME} (Size: valid sizes per volume type)",
)
def _volume_size(ctx: Context, r: Resource) -> str | None:
    return _size_problem(str(r.get("type", _DEFAULT_VOLUME_TYPE)), r.get("size"))


@rule(
    "ebs-volume-iops",
    _VOLUME,
    prop="iops",
    summary="iops is set for io1/io2 (required) and gp3 only, within the type's range and IOPS/GiB ratio "
    "(io1 50, io2 1,000, gp3 500 above its 3,000 baseline)",
    source=f"{_CREATE_VOLUME} (Iops: gp3 3,000-80,000, io1 100-64,000, io2 100-256,000); {_VOLUME_TYPES}"
    f" (IOPS per GiB); {_EBS_VOLUME_GO} (CustomizeDiff: iops only for io1, io2, gp3)",
)
def _volume_iops(ctx: Context, r: Resource) -> str | None:
    return _iops_problem(str(r.get("type", _DEFAULT_VOLUME_TYPE)), r.get("size"), r.get("iops"))


@rule(
    "ebs-volume-throughput",
    _VOLUME,
    prop="throughput",
    summary="throughput is set for gp3 only, 125-2000 MiB/s and at most 0.25 MiB/s per provisioned IOPS",
    source=f"{_CREATE_VOLUME} (Throughput: 125-2000 MiB/s); {_VOLUME_TYPES} (0.25 MiB/s per IOPS);"
    f" {_EBS_VOLUME_GO} (CustomizeDiff: throughput only for gp3)",
)
def _volume_throughput(ctx: Context, r: Resource) -> str | None:
    return _throughput_problem(str(r.get("type", _DEFAULT_VOLUME_TYPE)), r.get("iops"), r.get("throughput"))


def _block_device_problem(device: Mapping[str, Any]) -> str | None:
    kind = device.get("volumeType")
    if not isinstance(kind, str):
        return None  # the AMI's snapshot decides the type: the ranges cannot be known
    size, iops = device.get("volumeSize"), device.get("iops")
    return (
        _size_problem(kind, size)
        or _iops_problem(kind, size, iops)
        or _throughput_problem(kind, iops, device.get("throughput"))
    )


@rule(
    "ec2-launch-template-ebs-volume",
    "aws:ec2/launchTemplate:LaunchTemplate",
    prop="blockDeviceMappings",
    summary="Each EBS volume a launch template maps keeps its type's size, IOPS and throughput ranges",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateEbsBlockDeviceRequest.html"
    f" (Iops, Throughput, VolumeSize per volume type); {_VOLUME_TYPES} (IOPS per GiB, MiB/s per IOPS)",
)
def _launch_template_ebs_volume(ctx: Context, r: Resource) -> str | None:
    for index, device in enumerate(r.get("blockDeviceMappings") or []):
        ebs = device.get("ebs") if isinstance(device, Mapping) else None
        if not isinstance(ebs, Mapping):
            continue
        problem = _block_device_problem(ebs)
        if problem:
            return f"device [{index}] ({device.get('deviceName')}): {problem}"
    return None


CPU_CREDITS = ("standard", "unlimited")


@rule(
    "ec2-cpu-credits",
    ("aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"),
    prop="creditSpecification.cpuCredits",
    summary="A burstable instance's CPU credit option is standard or unlimited",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreditSpecificationRequest.html"
    " (CpuCredits: valid values standard | unlimited)",
)
def _cpu_credits(ctx: Context, r: Resource) -> str | None:
    credits = (r.get("creditSpecification") or {}).get("cpuCredits")
    if not isinstance(credits, str) or not credits or credits in CPU_CREDITS:
        return None
    return f"cpuCredits {credits!r} is not one of {', '.join(CPU_CREDITS)}"


@rule(
    "ec2-instance-root-block-device",
    "aws:ec2/instance:Instance",
    prop="rootBlockDevice",
    summary="An instance's root volume keeps its type's size, IOPS and throughput ranges and ratios, as a "
    "volume does",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EbsBlockDevice.html (Iops, "
    f"Throughput, VolumeSize per volume type); {_VOLUME_TYPES} (IOPS per GiB, MiB/s per IOPS)",
)
def _instance_root_block_device(ctx: Context, r: Resource) -> str | None:
    root = r.get("rootBlockDevice")
    return _block_device_problem(root) if isinstance(root, Mapping) else None


@rule(
    "ec2-instance-ebs-block-devices",
    "aws:ec2/instance:Instance",
    prop="ebsBlockDevices",
    summary="Each EBS volume an instance attaches keeps its type's size, IOPS and throughput ranges",
    source="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EbsBlockDevice.html (Iops, "
    f"Throughput, VolumeSize per volume type); {_VOLUME_TYPES} (IOPS per GiB, MiB/s per IOPS)",
)
def _instance_ebs_block_devices(ctx: Context, r: Resource) -> str | None:
    for index, device in enumerate(r.get("ebsBlockDevices") or []):
        if not isinstance(device, Mapping):
            continue
        problem = _block_device_problem(device)
        if problem:
            return f"[{index}] ({device.get('deviceName')}): {problem}"
    return None


@emulates(
    _VOLUME,
    note="create_volume; the rules check size, IOPS and throughput per volume type (moto does not)",
    replace_on={
        "availabilityZone",
        "encrypted",
        "kmsKeyId",
        "multiAttachEnabled",
        "outpostArn",
        "snapshotId",
    },
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:volume/{id}",
    id_prefix="vol",
    stateful="block storage volume",
)
def ebs_volume(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "AvailabilityZone": r.get("availabilityZone"),
        "VolumeType": r.get("type", _DEFAULT_VOLUME_TYPE),
        "Encrypted": bool(r.get("encrypted", False)),
        "TagSpecifications": tag_specifications("volume", r.get("tags")),
    }
    for prop, boto in (
        ("size", "Size"),
        ("iops", "Iops"),
        ("throughput", "Throughput"),
        ("snapshotId", "SnapshotId"),
        ("kmsKeyId", "KmsKeyId"),
        ("multiAttachEnabled", "MultiAttachEnabled"),
    ):
        value = r.get(prop)
        if value is not None:
            kwargs[boto] = int(value) if isinstance(value, float) else value
    created = ctx.aws(r, "size", "ec2", "create_volume", **kwargs)
    volume_id = created["VolumeId"]
    return volume_id, {
        "arn": _ec2_arn(ctx, "volume", volume_id),
        "size": created.get("Size", kwargs.get("Size")),
        "type": created.get("VolumeType", kwargs["VolumeType"]),
        "iops": created.get("Iops", kwargs.get("Iops", 0)),
        "throughput": created.get("Throughput", kwargs.get("Throughput", 0)),
        "encrypted": created.get("Encrypted", kwargs["Encrypted"]),
        "kmsKeyId": created.get("KmsKeyId", ""),
    }


def _volume_zone(ctx: Context, volume_id: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        volumes = ctx.client("ec2").describe_volumes(VolumeIds=[volume_id])["Volumes"]
    except ClientError:
        return None
    return str(volumes[0]["AvailabilityZone"]) if volumes else None


def _instance_zone(ctx: Context, instance_id: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        reservations = ctx.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    except ClientError:
        return None
    instances = [i for reservation in reservations for i in reservation["Instances"]]
    return str(instances[0]["Placement"]["AvailabilityZone"]) if instances else None


@rule(
    "ec2-volume-attachment-zone",
    "aws:ec2/volumeAttachment:VolumeAttachment",
    prop="volumeId",
    summary="A volume is attached to an instance of its own Availability Zone",
    source="https://docs.aws.amazon.com/ebs/latest/userguide/ebs-attaching-volume.html",
)
def _attachment_zone(ctx: Context, r: Resource) -> str | None:
    volume_zone = _volume_zone(ctx, str(r.get("volumeId", "")))
    instance_zone = _instance_zone(ctx, str(r.get("instanceId", "")))
    if volume_zone is None or instance_zone is None or volume_zone == instance_zone:
        return None
    return (
        f"volume {r.get('volumeId')} is in {volume_zone} and instance {r.get('instanceId')} in"
        f" {instance_zone}: a volume attaches only to an instance in its Availability Zone"
    )


@emulates(
    "aws:ec2/volumeAttachment:VolumeAttachment",
    note="attach_volume; the rule refuses an instance of another zone (moto does not)",
    replace_on={"deviceName", "instanceId", "volumeId"},
    naming=UNNAMED,
    arn="",
    id_prefix="vai",
)
def volume_attachment(ctx: Context, r: Resource) -> Emulated:
    device, instance, volume = r.get("deviceName"), r.get("instanceId"), r.get("volumeId")
    ctx.aws(r, "volumeId", "ec2", "attach_volume", Device=device, InstanceId=instance, VolumeId=volume)
    # The provider's id: vai-<hashcode of "<device>-<instance>-<volume>-">.
    return f"vai-{int(stable_hex(f'{device}-{instance}-{volume}-', length=8), 16)}", {}


@emulates(
    "aws:ec2/networkAcl:NetworkAcl",
    note="create_network_acl, create_network_acl_entry per inline rule, replace_network_acl_association "
    "per subnet",
    replace_on={"vpcId"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:network-acl/{id}",
    id_prefix="acl",
)
def network_acl(ctx: Context, r: Resource) -> Emulated:
    acl_id = ctx.aws(
        r,
        "vpcId",
        "ec2",
        "create_network_acl",
        VpcId=r.get("vpcId"),
        TagSpecifications=tag_specifications("network-acl", r.get("tags")),
    )["NetworkAcl"]["NetworkAclId"]
    for direction, egress in (("ingress", False), ("egress", True)):
        for entry in r.get(direction, []):
            kwargs = _acl_entry(
                entry, acl_id, egress, number_key="ruleNo", action_key="action", cidr="cidrBlock"
            )
            ctx.aws(r, direction, "ec2", "create_network_acl_entry", **kwargs)
    for subnet_id in r.get("subnetIds", []):
        associations = ctx.aws(
            r,
            "subnetIds",
            "ec2",
            "describe_network_acls",
            Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}],
        )["NetworkAcls"]
        current = [
            a["NetworkAclAssociationId"]
            for acl in associations
            for a in acl.get("Associations", [])
            if a.get("SubnetId") == subnet_id
        ]
        if current:
            ctx.aws(
                r,
                "subnetIds",
                "ec2",
                "replace_network_acl_association",
                AssociationId=current[0],
                NetworkAclId=acl_id,
            )
    return acl_id, {"arn": _ec2_arn(ctx, "network-acl", acl_id), "ownerId": ctx.account_id}


def _acl_entry(
    entry: Mapping[str, Any], acl_id: str, egress: bool, *, number_key: str, action_key: str, cidr: str
) -> dict[str, Any]:
    number = _protocol_number(entry.get("protocol"))
    kwargs: dict[str, Any] = {
        "NetworkAclId": acl_id,
        "RuleNumber": int(entry.get(number_key, 0)),
        "Protocol": str(number if number is not None else entry.get("protocol")),
        "RuleAction": entry.get(action_key),
        "Egress": egress,
    }
    if entry.get(cidr):
        kwargs["CidrBlock"] = entry[cidr]
    if entry.get("ipv6CidrBlock"):
        kwargs["Ipv6CidrBlock"] = entry["ipv6CidrBlock"]
    if number in (1, 58):
        kwargs["IcmpTypeCode"] = {
            "Type": int(entry.get("icmpType", -1)),
            "Code": int(entry.get("icmpCode", -1)),
        }
    elif entry.get("fromPort") is not None or entry.get("toPort") is not None:
        kwargs["PortRange"] = {"From": int(entry.get("fromPort", 0)), "To": int(entry.get("toPort", 0))}
    return kwargs


_ACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
_ACL_ENTRY = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html"
MAX_ACL_RULE_NUMBER = 32766


@rule(
    "ec2-nacl-rule-number",
    _ACL_RULE,
    prop="ruleNumber",
    summary="A network ACL rule number is 1-32766 (32767-65535 are reserved)",
    source=_ACL_ENTRY,
)
def _acl_rule_number(ctx: Context, r: Resource) -> str | None:
    number = r.get("ruleNumber")
    if number is None or 1 <= int(number) <= MAX_ACL_RULE_NUMBER:
        return None
    return f"rule number {int(number)} is outside 1-{MAX_ACL_RULE_NUMBER}"


@rule(
    "ec2-nacl-rule-ports",
    _ACL_RULE,
    prop="fromPort",
    summary="A TCP or UDP network ACL rule has a port range 0-65535 with fromPort <= toPort",
    source=f"{_ACL_ENTRY} (PortRange: required for protocol 6 (TCP) or 17 (UDP))",
)
def _acl_rule_ports(ctx: Context, r: Resource) -> str | None:
    if _protocol_number(r.get("protocol")) not in (6, 17):
        return None
    if r.get("fromPort") is None or r.get("toPort") is None:
        return "a TCP or UDP rule needs fromPort and toPort"
    return _port_problem(r.get("protocol"), r.get("fromPort"), r.get("toPort"))


@emulates(
    _ACL_RULE,
    note="create_network_acl_entry; moto refuses a rule number already in use",
    replace_on={EVERY_INPUT},
    naming=UNNAMED,
    arn="",
    id_prefix="nacl",
)
def network_acl_rule(ctx: Context, r: Resource) -> Emulated:
    acl_id = str(r.get("networkAclId"))
    egress = bool(r.get("egress", False))
    kwargs = _acl_entry(
        r.inputs, acl_id, egress, number_key="ruleNumber", action_key="ruleAction", cidr="cidrBlock"
    )
    ctx.aws(r, "ruleNumber", "ec2", "create_network_acl_entry", **kwargs)
    # The provider's id: nacl-<hashcode of "<acl>-<number>-<egress>-<protocol>-">.
    key = f"{acl_id}-{kwargs['RuleNumber']}-{str(egress).lower()}-{kwargs['Protocol']}-"
    return f"nacl-{int(stable_hex(key, length=8), 16)}", {}


_ROUTE_DESTINATIONS = {
    "destinationCidrBlock": "DestinationCidrBlock",
    "destinationIpv6CidrBlock": "DestinationIpv6CidrBlock",
    "destinationPrefixListId": "DestinationPrefixListId",
}


@emulates(
    "aws:ec2/route:Route",
    note="create_route; moto refuses a target that does not exist",
    replace_on={
        "destinationCidrBlock",
        "destinationIpv6CidrBlock",
        "destinationPrefixListId",
        "routeTableId",
    },
    naming=UNNAMED,
    arn="",
    id_prefix="r",
)
def route(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {"RouteTableId": r.get("routeTableId")}
    kwargs.update({boto: r.get(key) for key, boto in _ROUTE_DESTINATIONS.items() if r.get(key)})
    targets = {boto: r.get(key) for key, boto in _ROUTE_TARGETS.items() if r.get(key)}
    kwargs.update(targets)
    blamed = next((key for key in _ROUTE_TARGETS if r.get(key)), "routeTableId")
    ctx.aws(r, blamed, "ec2", "create_route", **kwargs)
    destination = next((str(r.get(key)) for key in _ROUTE_DESTINATIONS if r.get(key)), "")
    # The provider's id: r-<route table id><hashcode of the destination>.
    return f"r-{r.get('routeTableId')}{int(stable_hex(destination, length=8), 16)}", {
        "state": "active",
        "origin": "CreateRoute",
    }


@emulates(
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    note="authorize_security_group_ingress or _egress with one permission; the rules check protocol, "
    "ports and sources (moto does not)",
    # The provider updates only the description in place (vpc_security_group_rule.go).
    replace_on={
        "cidrBlocks",
        "fromPort",
        "ipv6CidrBlocks",
        "prefixListIds",
        "protocol",
        "securityGroupId",
        "self",
        "sourceSecurityGroupId",
        "toPort",
        "type",
    },
    naming=UNNAMED,
    arn="",
    id_prefix="sgrule",
)
def security_group_rule(ctx: Context, r: Resource) -> Emulated:
    group_id = str(r.get("securityGroupId"))
    number = _protocol_number(r.get("protocol"))
    permission: dict[str, Any] = {
        "IpProtocol": str(number)
        if number is not None and number not in (6, 17, 1, 58)
        else r.get("protocol"),
        "FromPort": int(r.get("fromPort", 0)),
        "ToPort": int(r.get("toPort", 0)),
    }
    description = {"Description": r.get("description")} if r.get("description") else {}
    if r.get("cidrBlocks"):
        permission["IpRanges"] = [{"CidrIp": c, **description} for c in r.get("cidrBlocks")]
    if r.get("ipv6CidrBlocks"):
        permission["Ipv6Ranges"] = [{"CidrIpv6": c, **description} for c in r.get("ipv6CidrBlocks")]
    if r.get("prefixListIds"):
        permission["PrefixListIds"] = [{"PrefixListId": p, **description} for p in r.get("prefixListIds")]
    source = group_id if r.get("self") else r.get("sourceSecurityGroupId")
    if source:
        permission["UserIdGroupPairs"] = [{"GroupId": source, **description}]
    kind = r.get("type")
    operation = "authorize_security_group_egress" if kind == "egress" else "authorize_security_group_ingress"
    if kind not in ("ingress", "egress"):
        raise EmulationError(
            r.urn, "type", "InvalidParameterValue", f"type must be ingress or egress, not {kind!r}"
        )
    ctx.aws(r, "securityGroupId", "ec2", operation, GroupId=group_id, IpPermissions=[permission])
    # The provider's id: sgrule-<hashcode of the group and permission>.
    return f"sgrule-{int(stable_hex(group_id, kind, repr(sorted(permission.items())), length=8), 16)}", {}


def _vpc_cidr(ctx: Context, vpc_id: str) -> ipaddress.IPv4Network | None:
    from botocore.exceptions import ClientError

    try:
        vpcs = ctx.client("ec2").describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    except ClientError:
        return None
    return _network(vpcs[0]["CidrBlock"]) if vpcs else None


@rule(
    "ec2-vpc-peering-overlap",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    prop="peerVpcId",
    summary="Peered VPCs have no matching or overlapping IPv4 CIDR blocks",
    source="https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations",
)
def _peering_overlap(ctx: Context, r: Resource) -> str | None:
    if r.get("peerOwnerId") not in (None, ctx.account_id) or r.get("peerRegion") not in (None, ctx.region):
        return None
    own = _vpc_cidr(ctx, str(r.get("vpcId", "")))
    peer = _vpc_cidr(ctx, str(r.get("peerVpcId", "")))
    if own is None or peer is None or not own.overlaps(peer):
        return None
    return f"{r.get('vpcId')} ({own}) and {r.get('peerVpcId')} ({peer}) have overlapping CIDR blocks"


@emulates(
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    note="create_vpc_peering_connection, accept_vpc_peering_connection when autoAccept; the rule refuses "
    "overlapping CIDRs (moto does not)",
    replace_on={"peerOwnerId", "peerRegion", "peerVpcId", "vpcId"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:vpc-peering-connection/{id}",
    id_prefix="pcx",
)
def vpc_peering_connection(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "VpcId": r.get("vpcId"),
        "PeerVpcId": r.get("peerVpcId"),
        "TagSpecifications": tag_specifications("vpc-peering-connection", r.get("tags")),
    }
    if r.get("peerOwnerId"):
        kwargs["PeerOwnerId"] = r.get("peerOwnerId")
    if r.get("peerRegion"):
        kwargs["PeerRegion"] = r.get("peerRegion")
    created = ctx.aws(r, "peerVpcId", "ec2", "create_vpc_peering_connection", **kwargs)
    connection_id = created["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    status = "pending-acceptance"
    if r.get("autoAccept"):
        ctx.aws(r, "autoAccept", "ec2", "accept_vpc_peering_connection", VpcPeeringConnectionId=connection_id)
        status = "active"
    return connection_id, {
        "arn": _ec2_arn(ctx, "vpc-peering-connection", connection_id),
        "acceptStatus": status,
        "peerOwnerId": r.get("peerOwnerId") or ctx.account_id,
        "peerRegion": r.get("peerRegion") or ctx.region,
    }


@emulates(
    "aws:ec2/eipAssociation:EipAssociation",
    note="associate_address",
    replace_on={EVERY_INPUT},
    naming=UNNAMED,
    arn="",
    id_prefix="eipassoc",
)
def eip_association(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {}
    for prop, boto in (
        ("allocationId", "AllocationId"),
        ("instanceId", "InstanceId"),
        ("networkInterfaceId", "NetworkInterfaceId"),
        ("privateIpAddress", "PrivateIpAddress"),
        ("publicIp", "PublicIp"),
    ):
        if r.get(prop):
            kwargs[boto] = r.get(prop)
    if r.get("allowReassociation") is not None:
        kwargs["AllowReassociation"] = bool(r.get("allowReassociation"))
    blamed = "instanceId" if r.get("instanceId") else "networkInterfaceId"
    association = ctx.aws(r, blamed, "ec2", "associate_address", **kwargs)["AssociationId"]
    return association, {"allocationId": r.get("allocationId", ""), "publicIp": r.get("publicIp", "")}


def _subnet_cidr(ctx: Context, subnet_id: str) -> ipaddress.IPv4Network | None:
    from botocore.exceptions import ClientError

    try:
        subnets = ctx.client("ec2").describe_subnets(SubnetIds=[subnet_id])["Subnets"]
    except ClientError:
        return None
    return _network(subnets[0]["CidrBlock"]) if subnets else None


SUBNET_RESERVED_FIRST = 4


@rule(
    "ec2-eni-private-ip",
    "aws:ec2/networkInterface:NetworkInterface",
    prop="privateIps",
    summary="A network interface's private IPs are inside its subnet and not among the five AWS reserves",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html"
    " (the first four and the last address of a subnet are reserved)",
)
def _eni_private_ip(ctx: Context, r: Resource) -> str | None:
    addresses = [str(a) for a in [r.get("privateIp"), *r.get("privateIps", [])] if a]
    subnet = _subnet_cidr(ctx, str(r.get("subnetId", ""))) if addresses else None
    if subnet is None:
        return None
    return next(filter(None, (_address_problem(text, subnet) for text in addresses)), None)


def _address_problem(text: str, subnet: ipaddress.IPv4Network) -> str | None:
    """Why `text` cannot be a private IP in `subnet` (outside it, or among the five AWS reserves), or None."""
    reserved = {subnet.network_address + i for i in range(SUBNET_RESERVED_FIRST)} | {subnet.broadcast_address}
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        return f"{text!r} is not an IPv4 address"
    if address not in subnet:
        return f"address {address} does not fall within the subnet's range {subnet}"
    if address in reserved:
        return f"address {address} is reserved by AWS in subnet {subnet}"
    return None


@emulates(
    "aws:ec2/networkInterface:NetworkInterface",
    note="create_network_interface; the rule refuses addresses outside the subnet or reserved (moto does "
    "not)",
    replace_on={"interfaceType", "subnetId"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:network-interface/{id}",
    id_prefix="eni",
)
def network_interface(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "SubnetId": r.get("subnetId"),
        "Groups": list(r.get("securityGroups", [])),
        "TagSpecifications": tag_specifications("network-interface", r.get("tags")),
    }
    if r.get("description"):
        kwargs["Description"] = r.get("description")
    addresses = [a for a in [r.get("privateIp"), *r.get("privateIps", [])] if a]
    if addresses:
        kwargs["PrivateIpAddress"] = addresses[0]
    if len(addresses) > 1:
        kwargs["PrivateIpAddresses"] = [
            {"PrivateIpAddress": a, "Primary": i == 0} for i, a in enumerate(addresses)
        ]
        del kwargs["PrivateIpAddress"]
    if r.get("interfaceType"):
        kwargs["InterfaceType"] = r.get("interfaceType")
    created = ctx.aws(r, "subnetId", "ec2", "create_network_interface", **kwargs)["NetworkInterface"]
    interface_id = created["NetworkInterfaceId"]
    return interface_id, {
        "arn": _ec2_arn(ctx, "network-interface", interface_id),
        "privateIp": created.get("PrivateIpAddress", ""),
        "privateIps": [a["PrivateIpAddress"] for a in created.get("PrivateIpAddresses", [])],
        "macAddress": created.get("MacAddress", ""),
        "ownerId": ctx.account_id,
        "privateDnsName": created.get("PrivateDnsName", ""),
    }


# The data sources: each reads the emulated account and answers as pulumi-aws v7 does, or fails as the
# provider fails when nothing (or more than one thing) matches.


def _region(ctx: Context, args: Mapping[str, Any]) -> str:
    return str(args.get("region") or ctx.region)


GET_VPC = "aws:ec2/getVpc:getVpc"


@answers(GET_VPC)
def get_vpc(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = ctx.client("ec2")
    filters = aws_filters(args)
    for arg, name in (("cidrBlock", "cidr"), ("dhcpOptionsId", "dhcp-options-id"), ("state", "state")):
        if args.get(arg):
            filters.append({"Name": name, "Values": [str(args[arg])]})
    if args.get("default") is not None:
        filters.append({"Name": "is-default", "Values": [str(bool(args["default"])).lower()]})
    kwargs: dict[str, Any] = {"Filters": filters}
    if args.get("id"):
        kwargs["VpcIds"] = [str(args["id"])]
    try:
        vpcs = ec2.describe_vpcs(**kwargs)["Vpcs"]
    except ec2.exceptions.ClientError:
        vpcs = []  # an unknown id: InvalidVpcID.NotFound, which the provider reports as no match
    vpc = the_one(GET_VPC, "EC2 VPC", vpcs, args, _region(ctx, args))
    vpc_id = vpc["VpcId"]

    def attribute(name: str, key: str) -> bool:
        try:
            return bool(ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=name)[key]["Value"])
        except ec2.exceptions.ClientError:
            return False  # moto without the attribute: AWS's default, off

    main = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    return {
        "id": vpc_id,
        "arn": f"arn:aws:ec2:{_region(ctx, args)}:{vpc['OwnerId']}:vpc/{vpc_id}",
        "cidrBlock": vpc["CidrBlock"],
        "cidrBlockAssociations": [
            {
                "associationId": a["AssociationId"],
                "cidrBlock": a["CidrBlock"],
                "state": a["CidrBlockState"]["State"],
            }
            for a in vpc.get("CidrBlockAssociationSet", [])
        ],
        "default": bool(vpc.get("IsDefault")),
        "dhcpOptionsId": vpc.get("DhcpOptionsId", ""),
        "enableDnsHostnames": attribute("enableDnsHostnames", "EnableDnsHostnames"),
        "enableDnsSupport": attribute("enableDnsSupport", "EnableDnsSupport"),
        "enableNetworkAddressUsageMetrics": attribute(
            "enableNetworkAddressUsageMetrics", "EnableNetworkAddressUsageMetrics"
        ),
        "instanceTenancy": vpc.get("InstanceTenancy", "default"),
        "mainRouteTableId": main[0]["RouteTableId"] if main else "",
        "ownerId": vpc["OwnerId"],
        "state": vpc["State"],
        "tags": tags_map(vpc.get("Tags")),
        "filters": args.get("filters"),
        "region": _region(ctx, args),
    }


@answers("aws:ec2/getSubnets:getSubnets")
def get_subnets(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An empty list is an answer, not an error, as the provider's."""
    subnets = ctx.client("ec2").describe_subnets(Filters=aws_filters(args))["Subnets"]
    return {
        "id": _region(ctx, args),
        "ids": [s["SubnetId"] for s in subnets],
        "filters": args.get("filters"),
        "tags": args.get("tags"),
        "region": _region(ctx, args),
    }


GET_SUBNET = "aws:ec2/getSubnet:getSubnet"


@answers(GET_SUBNET)
def get_subnet(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = ctx.client("ec2")
    filters = aws_filters(args)
    for arg, name in (
        ("availabilityZone", "availability-zone"),
        ("availabilityZoneId", "availability-zone-id"),
        ("cidrBlock", "cidr-block"),
        ("state", "state"),
        ("vpcId", "vpc-id"),
    ):
        if args.get(arg):
            filters.append({"Name": name, "Values": [str(args[arg])]})
    if args.get("defaultForAz") is not None:
        filters.append({"Name": "default-for-az", "Values": [str(bool(args["defaultForAz"])).lower()]})
    kwargs: dict[str, Any] = {"Filters": filters}
    if args.get("id"):
        kwargs["SubnetIds"] = [str(args["id"])]
    try:
        subnets = ec2.describe_subnets(**kwargs)["Subnets"]
    except ec2.exceptions.ClientError:
        subnets = []  # an unknown id: InvalidSubnetID.NotFound
    subnet = the_one(GET_SUBNET, "EC2 Subnet", subnets, args, _region(ctx, args))
    dns = subnet.get("PrivateDnsNameOptionsOnLaunch", {})
    return {
        "id": subnet["SubnetId"],
        "arn": subnet.get("SubnetArn")
        or f"arn:aws:ec2:{_region(ctx, args)}:{subnet['OwnerId']}:subnet/{subnet['SubnetId']}",
        "availabilityZone": subnet["AvailabilityZone"],
        "availabilityZoneId": subnet.get("AvailabilityZoneId", ""),
        "availableIpAddressCount": subnet["AvailableIpAddressCount"],
        "cidrBlock": subnet["CidrBlock"],
        "defaultForAz": bool(subnet.get("DefaultForAz")),
        "enableLniAtDeviceIndex": subnet.get("EnableLniAtDeviceIndex", 0),
        "enableResourceNameDnsARecordOnLaunch": bool(dns.get("EnableResourceNameDnsARecord")),
        "enableResourceNameDnsAaaaRecordOnLaunch": bool(dns.get("EnableResourceNameDnsAAAARecord")),
        "mapCustomerOwnedIpOnLaunch": bool(subnet.get("MapCustomerOwnedIpOnLaunch")),
        "mapPublicIpOnLaunch": bool(subnet.get("MapPublicIpOnLaunch")),
        "outpostArn": subnet.get("OutpostArn", ""),
        "ownerId": subnet["OwnerId"],
        "privateDnsHostnameTypeOnLaunch": dns.get("HostnameType", "ip-name"),
        "state": subnet["State"],
        "tags": tags_map(subnet.get("Tags")),
        "vpcId": subnet["VpcId"],
        "filters": args.get("filters"),
        "region": _region(ctx, args),
    }


GET_SECURITY_GROUP = "aws:ec2/getSecurityGroup:getSecurityGroup"


@answers(GET_SECURITY_GROUP)
def get_security_group(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = ctx.client("ec2")
    filters = aws_filters(args)
    if args.get("name"):
        filters.append({"Name": "group-name", "Values": [str(args["name"])]})
    if args.get("vpcId"):
        filters.append({"Name": "vpc-id", "Values": [str(args["vpcId"])]})
    kwargs: dict[str, Any] = {"Filters": filters}
    if args.get("id"):
        kwargs["GroupIds"] = [str(args["id"])]
    try:
        groups = ec2.describe_security_groups(**kwargs)["SecurityGroups"]
    except ec2.exceptions.ClientError:
        groups = []  # an unknown id: InvalidGroup.NotFound
    group = the_one(GET_SECURITY_GROUP, "EC2 Security Group", groups, args, _region(ctx, args))
    # Rules that reference the group check its VPC against this map, as for the groups the stack creates.
    ctx.group_vpcs[group["GroupId"]] = str(group.get("VpcId", ""))
    return {
        "id": group["GroupId"],
        "arn": f"arn:aws:ec2:{_region(ctx, args)}:{group['OwnerId']}:security-group/{group['GroupId']}",
        "description": group.get("Description", ""),
        "name": group["GroupName"],
        "vpcId": group.get("VpcId", ""),
        "tags": tags_map(group.get("Tags")),
        "filters": args.get("filters"),
        "region": _region(ctx, args),
    }


GET_VPC_ENDPOINT_SERVICE = "aws:ec2/getVpcEndpointService:getVpcEndpointService"


@answers(GET_VPC_ENDPOINT_SERVICE)
def get_vpc_endpoint_service(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An AWS service's endpoint service by its short name (`service`: s3, `serviceName`:
    com.amazonaws.<region>.s3), Gateway or Interface, as describe_vpc_endpoint_services lists them."""
    filters = aws_filters(args)
    if args.get("serviceType"):
        filters.append({"Name": "service-type", "Values": [str(args["serviceType"])]})
    name = args.get("serviceName") or (
        f"com.amazonaws.{ctx.region}.{args['service']}" if args.get("service") else None
    )
    kwargs: dict[str, Any] = {"Filters": filters} if filters else {}
    if name:
        kwargs["ServiceNames"] = [name]
    details = ctx.client("ec2").describe_vpc_endpoint_services(**kwargs)["ServiceDetails"]
    found = the_one(GET_VPC_ENDPOINT_SERVICE, "VPC Endpoint Service", details, args, ctx.region)
    kind = found["ServiceType"][0]["ServiceType"]
    return {
        "id": found.get("ServiceId", found["ServiceName"]),
        "serviceId": found.get("ServiceId", ""),
        "serviceName": found["ServiceName"],
        "service": args.get("service"),
        "serviceType": kind,
        "availabilityZones": sorted(found.get("AvailabilityZones", [])),
        "baseEndpointDnsNames": found.get("BaseEndpointDnsNames", []),
        "privateDnsName": found.get("PrivateDnsName", ""),
        "owner": found.get("Owner", "amazon"),
        "acceptanceRequired": bool(found.get("AcceptanceRequired", False)),
        "managesVpcEndpoints": bool(found.get("ManagesVpcEndpoints", False)),
        "vpcEndpointPolicySupported": bool(found.get("VpcEndpointPolicySupported", True)),
        "supportedIpAddressTypes": found.get("SupportedIpAddressTypes", ["ipv4"]),
        "tags": tags_map(found.get("Tags")),
        "region": ctx.region,
    }


def _managed_prefix_list(ctx: Context, token: str, args: Mapping[str, Any], name: Any, list_id: Any) -> Any:
    filters = aws_filters(args)
    if name:
        filters.append({"Name": "prefix-list-name", "Values": [str(name)]})
    kwargs: dict[str, Any] = {"Filters": filters} if filters else {}
    if list_id:
        kwargs["PrefixListIds"] = [str(list_id)]
    ec2 = ctx.client("ec2")
    try:
        lists = ec2.describe_managed_prefix_lists(**kwargs)["PrefixLists"]
    except ec2.exceptions.ClientError:
        lists = []  # an unknown id: InvalidPrefixListID.NotFound
    found = the_one(token, "EC2 Managed Prefix List", lists, args, ctx.region)
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=found["PrefixListId"])["Entries"]
    return found, entries


GET_MANAGED_PREFIX_LIST = "aws:ec2/getManagedPrefixList:getManagedPrefixList"


@answers(GET_MANAGED_PREFIX_LIST)
def get_managed_prefix_list(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    found, entries = _managed_prefix_list(
        ctx, GET_MANAGED_PREFIX_LIST, args, args.get("name"), args.get("id")
    )
    return {
        "id": found["PrefixListId"],
        "arn": found.get("PrefixListArn", ""),
        "name": found["PrefixListName"],
        "addressFamily": found.get("AddressFamily", "IPv4"),
        "maxEntries": found.get("MaxEntries", 0),
        "ownerId": found.get("OwnerId", "AWS"),
        "version": found.get("Version", 1),
        "entries": [{"cidr": e["Cidr"], "description": e.get("Description", "")} for e in entries],
        "tags": tags_map(found.get("Tags")),
        "region": ctx.region,
    }


GET_PREFIX_LIST = "aws:ec2/getPrefixList:getPrefixList"


@answers(GET_PREFIX_LIST)
def get_prefix_list(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An AWS-managed prefix list (the provider reads DescribePrefixLists, which lists the same lists)."""
    found, entries = _managed_prefix_list(
        ctx, GET_PREFIX_LIST, args, args.get("name"), args.get("prefixListId")
    )
    return {
        "id": found["PrefixListId"],
        "prefixListId": found["PrefixListId"],
        "name": found["PrefixListName"],
        "cidrBlocks": [e["Cidr"] for e in entries],
        "region": ctx.region,
    }


GET_AMI_IDS = "aws:ec2/getAmiIds:getAmiIds"


@answers(GET_AMI_IDS)
def get_ami_ids(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """Image ids, newest first (oldest first with sortAscending), filtered as getAmi filters them."""
    kwargs: dict[str, Any] = {"Owners": [str(o) for o in args.get("owners") or []]}
    if args.get("executableUsers"):
        kwargs["ExecutableUsers"] = [str(u) for u in args["executableUsers"]]
    filters = aws_filters(args)
    if filters:
        kwargs["Filters"] = filters
    images = ctx.client("ec2").describe_images(**kwargs)["Images"]
    if args.get("nameRegex"):
        pattern = re.compile(str(args["nameRegex"]))
        images = [i for i in images if pattern.search(i.get("Name", ""))]
    images.sort(key=lambda i: i.get("CreationDate", ""), reverse=not args.get("sortAscending"))
    return {"id": ctx.region, "ids": [i["ImageId"] for i in images], "region": ctx.region}


@answers("aws:ec2/getSecurityGroups:getSecurityGroups")
def get_security_groups(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    groups = ctx.client("ec2").describe_security_groups(Filters=aws_filters(args))["SecurityGroups"]
    return {
        "id": ctx.region,
        "ids": [g["GroupId"] for g in groups],
        "vpcIds": [g.get("VpcId", "") for g in groups],
        "arns": [f"arn:aws:ec2:{ctx.region}:{g['OwnerId']}:security-group/{g['GroupId']}" for g in groups],
        "region": ctx.region,
    }


@answers("aws:ec2/getRouteTables:getRouteTables")
def get_route_tables(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    filters = aws_filters(args)
    if args.get("vpcId"):
        filters.append({"Name": "vpc-id", "Values": [str(args["vpcId"])]})
    tables = ctx.client("ec2").describe_route_tables(Filters=filters)["RouteTables"]
    return {"id": ctx.region, "ids": [t["RouteTableId"] for t in tables], "region": ctx.region}


@answers("aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings")
def get_instance_type_offerings(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"Filters": aws_filters(args)}
    if args.get("locationType"):
        kwargs["LocationType"] = str(args["locationType"])
    offerings = ctx.client("ec2").describe_instance_type_offerings(**kwargs)["InstanceTypeOfferings"]
    return {
        "id": ctx.region,
        "instanceTypes": [o["InstanceType"] for o in offerings],
        "locations": [o["Location"] for o in offerings],
        "locationTypes": [o["LocationType"] for o in offerings],
        "region": ctx.region,
    }
