"""The VPC: public, app and data subnets across AZs, internet and NAT gateways, routes and flow logs."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.iam import allow_on, assume_role_policy
from infra.naming import plan_subnets


@dataclass(frozen=True, kw_only=True)
class NetworkArgs:
    cidr: str
    """VPC CIDR block (validated by the stack config)."""
    availability_zones: list[str]
    """AZ names to spread each tier over, in order."""
    nat_gateway_count: int
    """1 (one NAT for the VPC) or len(availability_zones) (one per AZ)."""
    log_retention_days: int
    """Retention of the flow log group."""


class Network(pulumi.ComponentResource):
    """A three-tier VPC: only the public tier routes to the internet gateway; app and data tiers reach
    out through NAT; the data tier has no route in from the internet at all."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    app_subnet_ids: pulumi.Output[list[str]]
    data_subnet_ids: pulumi.Output[list[str]]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        zones = args.availability_zones
        plan = plan_subnets(args.cidr, len(zones))

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"{name}-vpc"},
            opts=child,
        )
        # The default group allows all traffic between its members; close it so nothing uses it by accident.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, ingress=[], egress=[], opts=child)

        def subnets(tier: str, cidrs: tuple[str, ...]) -> list[aws.ec2.Subnet]:
            return [
                aws.ec2.Subnet(
                    f"{name}-{tier}-{zone}",
                    vpc_id=vpc.id,
                    cidr_block=cidr,
                    availability_zone=zone,
                    map_public_ip_on_launch=False,
                    tags={"Name": f"{name}-{tier}-{zone}", "Tier": tier},
                    opts=child,
                )
                for zone, cidr in zip(zones, cidrs, strict=True)
            ]

        public = subnets("public", plan.public)
        app = subnets("app", plan.app)
        data = subnets("data", plan.data)

        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags={"Name": f"{name}-igw"}, opts=child)
        public_routes = aws.ec2.RouteTable(
            f"{name}-public-rt",
            vpc_id=vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
            tags={"Name": f"{name}-public-rt"},
            opts=child,
        )
        for zone, subnet in zip(zones, public, strict=True):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{zone}-rta", subnet_id=subnet.id, route_table_id=public_routes.id, opts=child
            )

        nat_ids: list[pulumi.Output[str]] = []
        for zone, subnet in zip(zones[: args.nat_gateway_count], public, strict=False):
            eip = aws.ec2.Eip(
                f"{name}-nat-{zone}-eip", domain="vpc", tags={"Name": f"{name}-nat-{zone}"}, opts=child
            )
            nat = aws.ec2.NatGateway(
                f"{name}-nat-{zone}",
                allocation_id=eip.id,
                subnet_id=subnet.id,
                tags={"Name": f"{name}-nat-{zone}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
            )
            nat_ids.append(nat.id)

        # Each AZ's private subnets leave through the NAT in the same AZ when there is one, else the first.
        for index, zone in enumerate(zones):
            nat_id = nat_ids[index] if index < len(nat_ids) else nat_ids[0]
            private_routes = aws.ec2.RouteTable(
                f"{name}-private-{zone}-rt",
                vpc_id=vpc.id,
                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat_id)],
                tags={"Name": f"{name}-private-{zone}-rt"},
                opts=child,
            )
            for tier, tier_subnets in (("app", app), ("data", data)):
                aws.ec2.RouteTableAssociation(
                    f"{name}-{tier}-{zone}-rta",
                    subnet_id=tier_subnets[index].id,
                    route_table_id=private_routes.id,
                    opts=child,
                )

        self._flow_logs(name, vpc, args.log_retention_days)

        self.vpc_id = vpc.id
        self.public_subnet_ids = pulumi.Output.all(*[s.id for s in public])
        self.app_subnet_ids = pulumi.Output.all(*[s.id for s in app])
        self.data_subnet_ids = pulumi.Output.all(*[s.id for s in data])
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "public_subnet_ids": self.public_subnet_ids,
                "app_subnet_ids": self.app_subnet_ids,
                "data_subnet_ids": self.data_subnet_ids,
            }
        )

    def _flow_logs(self, name: str, vpc: aws.ec2.Vpc, retention_days: int) -> None:
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(f"{name}-flow-logs", retention_in_days=retention_days, opts=child)
        role = aws.iam.Role(
            f"{name}-flow-logs-role",
            assume_role_policy=assume_role_policy("vpc-flow-logs.amazonaws.com"),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs-policy",
            role=role.id,
            policy=allow_on(
                ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                [log_group.arn, log_group.arn.apply(lambda arn: f"{arn}:*")],
            ),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            opts=child,
        )
