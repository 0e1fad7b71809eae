"""Small plans written as `infra rehearse --json` writes them: ids as `${<urn>.<property>}` references."""

from __future__ import annotations

import copy
from typing import Any

STACK = "t"
PROJECT = "tiny"


def urn(token: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{token}::{name}"


def ref(token: str, name: str, prop: str = "id") -> str:
    return f"${{{urn(token, name)}.{prop}}}"


VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
RT = "aws:ec2/routeTable:RouteTable"
RTA = "aws:ec2/routeTableAssociation:RouteTableAssociation"
LB = "aws:lb/loadBalancer:LoadBalancer"
SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
RDS = "aws:rds/instance:Instance"
DB_SUBNETS = "aws:rds/subnetGroup:SubnetGroup"
EC2 = "aws:ec2/instance:Instance"
NAT = "aws:ec2/natGateway:NatGateway"
IGW = "aws:ec2/internetGateway:InternetGateway"
ACL = "aws:wafv2/webAcl:WebAcl"
ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
ECR = "aws:ecr/repository:Repository"
LOGS = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def resource(token: str, name: str, /, **inputs: Any) -> dict[str, Any]:
    return {
        "custom": True,
        "inputs": inputs,
        "name": name,
        "parent": None,
        "type": token,
        "urn": urn(token, name),
    }


def plan(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "config": {"aws:region": "eu-west-1"},
        "coverage": {},
        "format": 1,
        "outputs": {},
        "project": PROJECT,
        "resources": sorted(resources, key=lambda r: r["urn"]),
        "stack": STACK,
    }


def subnet(tier: str, zone: str, cidr: str) -> dict[str, Any]:
    return resource(
        SUBNET,
        f"{tier}-eu-west-1{zone}",
        availabilityZone=f"eu-west-1{zone}",
        cidrBlock=cidr,
        tags={"Name": f"{tier}-eu-west-1{zone}", "Tier": tier},
        vpcId=ref(VPC, "vpc"),
    )


def rule(token: str, name: str, group: str, port: int, *, peer: str = "", cidr: str = "") -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "fromPort": port,
        "ipProtocol": "tcp",
        "securityGroupId": ref(SG, f"{group}-sg"),
        "toPort": port,
    }
    if peer:
        inputs["referencedSecurityGroupId"] = ref(SG, f"{peer}-sg")
    if cidr:
        inputs["cidrIpv4"] = cidr
    return resource(token, name, **inputs)


def web_stack() -> dict[str, Any]:
    """Internet -> WAF -> ALB (public, two zones) -> web service (app) -> PostgreSQL (data); the service
    pulls its image from ECR and logs to CloudWatch through one NAT gateway; SSH from an admin network to
    a bastion in one zone; an alarm that has no place on the diagram."""
    return plan(
        resource(VPC, "vpc", cidrBlock="10.0.0.0/16"),
        subnet("public", "a", "10.0.0.0/24"),
        subnet("public", "b", "10.0.1.0/24"),
        subnet("app", "a", "10.0.10.0/24"),
        subnet("app", "b", "10.0.11.0/24"),
        subnet("data", "a", "10.0.20.0/24"),
        subnet("data", "b", "10.0.21.0/24"),
        resource(IGW, "igw", vpcId=ref(VPC, "vpc")),
        resource(NAT, "nat", subnetId=ref(SUBNET, "public-eu-west-1a")),
        resource(
            RT,
            "public-rt",
            routes=[{"cidrBlock": "0.0.0.0/0", "gatewayId": ref(IGW, "igw")}],
            vpcId=ref(VPC, "vpc"),
        ),
        resource(
            RT,
            "private-rt",
            routes=[{"cidrBlock": "0.0.0.0/0", "natGatewayId": ref(NAT, "nat")}],
            vpcId=ref(VPC, "vpc"),
        ),
        *(
            resource(
                RTA,
                f"{tier}-{zone}-rta",
                routeTableId=ref(RT, table),
                subnetId=ref(SUBNET, f"{tier}-eu-west-1{zone}"),
            )
            for tier, table in (("public", "public-rt"), ("app", "private-rt"), ("data", "private-rt"))
            for zone in "ab"
        ),
        *(resource(SG, f"{group}-sg", vpcId=ref(VPC, "vpc")) for group in ("alb", "web", "db", "bastion")),
        rule(INGRESS, "in-internet-alb-443", "alb", 443, cidr="0.0.0.0/0"),
        rule(INGRESS, "in-internet-alb-80", "alb", 80, cidr="0.0.0.0/0"),
        rule(INGRESS, "in-alb-web-8080", "web", 8080, peer="alb"),
        rule(EGRESS, "out-alb-web-8080", "alb", 8080, peer="web"),
        rule(INGRESS, "in-web-db-5432", "db", 5432, peer="web"),
        rule(EGRESS, "out-web-db-5432", "web", 5432, peer="db"),
        rule(EGRESS, "out-web-internet-443", "web", 443, cidr="0.0.0.0/0"),
        rule(INGRESS, "in-admins-bastion-22", "bastion", 22, cidr="198.51.100.0/24"),
        rule(INGRESS, "in-bastion-db-5432", "db", 5432, peer="bastion"),
        resource(
            LB,
            "alb",
            loadBalancerType="application",
            securityGroups=[ref(SG, "alb-sg")],
            subnets=[ref(SUBNET, "public-eu-west-1a"), ref(SUBNET, "public-eu-west-1b")],
        ),
        resource(ACL, "waf", name="tiny-waf", scope="REGIONAL"),
        resource(ACL_ASSOCIATION, "waf-alb", resourceArn=ref(LB, "alb"), webAclArn=ref(ACL, "waf", "arn")),
        resource(ECR, "repo", name="tiny"),
        resource(LOGS, "web-logs", retentionInDays=30),
        resource(
            TASK,
            "web-task",
            containerDefinitions=(
                f'[{{"image": "{ref(ECR, "repo", "repositoryUrl")}:1.0", '
                f'"logConfiguration": {{"options": {{"awslogs-group": "{ref(LOGS, "web-logs")}"}}}}}}]'
            ),
            family="web",
        ),
        resource(
            SERVICE,
            "web-service",
            launchType="FARGATE",
            name="tiny-web",
            networkConfiguration={
                "securityGroups": [ref(SG, "web-sg")],
                "subnets": [ref(SUBNET, "app-eu-west-1a"), ref(SUBNET, "app-eu-west-1b")],
            },
            taskDefinition=ref(TASK, "web-task", "arn"),
        ),
        resource(
            DB_SUBNETS,
            "db-subnets",
            subnetIds=[ref(SUBNET, "data-eu-west-1a"), ref(SUBNET, "data-eu-west-1b")],
        ),
        resource(
            RDS,
            "db",
            dbSubnetGroupName=ref(DB_SUBNETS, "db-subnets"),
            engine="postgres",
            engineVersion="16",
            identifier="tiny-db",
            vpcSecurityGroupIds=[ref(SG, "db-sg")],
        ),
        resource(
            EC2,
            "bastion",
            instanceType="t4g.nano",
            subnetId=ref(SUBNET, "public-eu-west-1a"),
            tags={"Name": "tiny-bastion"},
            vpcSecurityGroupIds=[ref(SG, "bastion-sg")],
        ),
        resource(ALARM, "db-cpu", dimensions={"DBInstanceIdentifier": ref(RDS, "db")}, threshold=80),
    )


def changed(
    base: dict[str, Any], *, drop: tuple[str, ...] = (), add: tuple[dict[str, Any], ...] = ()
) -> dict[str, Any]:
    """`base` without the resources named in `drop` (logical names) and with `add`, as a head plan."""
    head = copy.deepcopy(base)
    head["resources"] = sorted(
        [r for r in head["resources"] if r["name"] not in drop] + list(add), key=lambda r: r["urn"]
    )
    return head


def find(some_plan: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in some_plan["resources"] if r["name"] == name)


CACHE = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_SUBNETS = "aws:elasticache/subnetGroup:SubnetGroup"


def web_stack_changed() -> dict[str, Any]:
    """web_stack with a cache added (and the rule letting the service reach it), the bastion and its
    rules removed, the database encrypted (a replacement: AWS cannot encrypt an instance in place) and
    the service's image tag bumped (its task definition replaced, the service updated in place)."""
    base = web_stack()
    database = copy.deepcopy(find(base, "db"))
    database["inputs"]["storageEncrypted"] = True
    task = copy.deepcopy(find(base, "web-task"))
    task["inputs"]["containerDefinitions"] = task["inputs"]["containerDefinitions"].replace(":1.0", ":1.1")
    return changed(
        base,
        drop=("bastion", "bastion-sg", "in-admins-bastion-22", "in-bastion-db-5432", "db", "web-task"),
        add=(
            database,
            task,
            resource(SG, "cache-sg", vpcId=ref(VPC, "vpc")),
            resource(
                CACHE_SUBNETS,
                "cache-subnets",
                subnetIds=[ref(SUBNET, "data-eu-west-1a"), ref(SUBNET, "data-eu-west-1b")],
            ),
            resource(
                CACHE,
                "cache",
                engine="redis",
                replicationGroupId="tiny-cache",
                securityGroupIds=[ref(SG, "cache-sg")],
                subnetGroupName=ref(CACHE_SUBNETS, "cache-subnets"),
            ),
            rule(INGRESS, "in-web-cache-6379", "cache", 6379, peer="web"),
        ),
    )
