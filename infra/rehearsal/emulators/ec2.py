"""EC2 and VPC: networks, subnets, gateways, routes, security groups and their rules, flow logs, instances."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    EmulationError,
    Resource,
    tag_specifications,
)
from infra.rehearsal.spec import (
    EVERY_INPUT,
    UNNAMED,
    Emulated,
    Naming,
    Where,
    emulates,
)

SECURITY_GROUP_NAME = Naming(
    max_length=255,
    source=(
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"
        " (GroupName: up to 255 characters)"
    ),
)


def _instance_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {"privateIp": "10.0.0.10", "privateDns": f"ip-10-0-0-10.{where.region}.compute.internal"}


@emulates(
    "aws:ec2/instance:Instance",
    note="run_instances with the AMI the getAmi invoke found in moto's catalogue",
    replace_on={
        "ami",
        "associatePublicIpAddress",
        "availabilityZone",
        "keyName",
        "privateIp",
        "rootBlockDevice",
        "subnetId",
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
            }
        ]
    else:
        kwargs["SubnetId"] = r.get("subnetId")
        kwargs["SecurityGroupIds"] = groups
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
    replace_on={"cidrBlock", "instanceTenancy", "ipv4IpamPoolId", "ipv4NetmaskLength"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:vpc/{id}",
    id_prefix="vpc",
)
def vpc(ctx: Context, r: Resource) -> Emulated:
    created = ctx.aws(
        r,
        "cidrBlock",
        "ec2",
        "create_vpc",
        CidrBlock=r.get("cidrBlock"),
        InstanceTenancy=r.get("instanceTenancy", "default"),
        TagSpecifications=tag_specifications("vpc", r.get("tags")),
    )["Vpc"]
    vpc_id = created["VpcId"]
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
    created = ctx.aws(r, "cidrBlock", "ec2", "create_subnet", **kwargs)["Subnet"]
    subnet_id = created["SubnetId"]
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
    "aws:ec2/eip:Eip",
    note="allocate_address",
    replace_on={"address", "domain", "publicIpv4Pool"},
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


@emulates(
    "aws:ec2/natGateway:NatGateway",
    note="create_nat_gateway in the subnet with the allocation",
    replace_on={"allocationId", "connectivityType", "privateIp", "subnetId"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:natgateway/{id}",
    id_prefix="nat",
)
def nat_gateway(ctx: Context, r: Resource) -> Emulated:
    created = ctx.aws(
        r,
        "subnetId",
        "ec2",
        "create_nat_gateway",
        SubnetId=r.get("subnetId"),
        AllocationId=r.get("allocationId"),
        ConnectivityType=r.get("connectivityType", "public"),
        TagSpecifications=tag_specifications("natgateway", r.get("tags")),
    )["NatGateway"]
    address = (created.get("NatGatewayAddresses") or [{}])[0]
    return created["NatGatewayId"], {
        "connectivityType": r.get("connectivityType", "public"),
        "networkInterfaceId": address.get("NetworkInterfaceId", ""),
        "privateIp": address.get("PrivateIp", ""),
        "publicIp": address.get("PublicIp", ""),
    }


_ROUTE_TARGETS = {
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
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    note="authorize_security_group_egress; the emulator refuses a group of another VPC (moto does not)",
    replace_on={"securityGroupId"},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:security-group-rule/{id}",
    id_prefix="sgr",
)
def egress_rule(ctx: Context, r: Resource) -> Emulated:
    return _vpc_rule(ctx, r, "egress")


@emulates(
    "aws:ec2/flowLog:FlowLog",
    note="create_flow_logs to the log group",
    replace_on={EVERY_INPUT},
    naming=UNNAMED,
    arn="arn:{partition}:ec2:{region}:{account}:vpc-flow-log/{id}",
    id_prefix="fl",
)
def flow_log(ctx: Context, r: Resource) -> Emulated:
    destination_type = r.get("logDestinationType", "cloud-watch-logs")
    kwargs: dict[str, Any] = {
        "ResourceType": "VPC",
        "ResourceIds": [r.get("vpcId")],
        "TrafficType": r.get("trafficType", "ALL"),
        "LogDestinationType": destination_type,
    }
    destination = str(r.get("logDestination", ""))
    if destination_type == "cloud-watch-logs":
        # The provider passes the group ARN; the API wants the group name for CloudWatch Logs.
        kwargs["LogGroupName"] = destination.split(":log-group:", 1)[-1].removesuffix(":*")
        kwargs["DeliverLogsPermissionArn"] = r.get("iamRoleArn")
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
