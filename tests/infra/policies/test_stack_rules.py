"""Every stack rule: a compliant and a non-compliant stack, with the exact resources flagged."""

from __future__ import annotations

import json
from typing import Any

from infra.policies.model import Resource, Stack, Violation
from infra.policies.rules import BY_ID, RULES
from tests.infra.policies.helpers import res

VPC = "aws:ec2/vpc:Vpc"
S3 = "aws:s3/"
BUCKET = f"{S3}bucket:Bucket"
SECRET = "aws:secretsmanager/secret:Secret"
REPO = "aws:ecr/repository:Repository"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SUBNET = "aws:ec2/subnet:Subnet"


def flagged(rule_id: str, *resources: Resource) -> list[tuple[str, str]]:
    """(resource name, message) of every violation of one stack rule."""
    by_urn = {r.urn: r.name for r in resources}
    violations: list[Violation] = BY_ID[rule_id].evaluate_stack(Stack(resources))
    return [(by_urn[v.urn], v.message) for v in violations]


def test_stack_rules_are_all_tested_here() -> None:
    tested = {
        "ec2-default-sg-closed",
        "ec2-vpc-flow-logs",
        "ec2-vpc-endpoint-ec2",
        "s3-policy-not-public",
        "s3-ssl-only",
        "s3-no-cross-account-admin",
        "s3-block-public-access",
        "s3-no-acls",
        "s3-default-encryption",
        "secretsmanager-rotation",
        "ecr-lifecycle-policy",
        "data-not-exposed",
        "elb-waf-web-acl",
        "waf-logging",
    }
    assert {rule.id for rule in RULES if rule.is_stack_rule} == tested


def test_default_security_group_closed() -> None:
    vpc, other = res(VPC, "vpc"), res(VPC, "other")
    closed = res(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "closed",
        {"ingress": [], "egress": []},
        refs={"vpcId": [vpc]},
    )
    assert flagged("ec2-default-sg-closed", vpc, closed) == []
    leaky = res(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "leaky",
        {"egress": [{"protocol": "-1", "cidrBlocks": ["0.0.0.0/0"]}]},
        refs={"vpcId": [vpc]},
    )
    assert flagged("ec2-default-sg-closed", vpc, other, leaky) == [
        ("other", "VPC other: its default security group keeps AWS's default rules"),
        ("leaky", "leaky allows egress traffic"),
    ]


def test_flow_logs_and_ec2_endpoint_per_vpc() -> None:
    vpc, bare = res(VPC, "vpc"), res(VPC, "bare")
    log = res("aws:ec2/flowLog:FlowLog", "log", {"trafficType": "ALL"}, refs={"vpcId": [vpc]})
    endpoint = res(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "ec2",
        {"serviceName": "com.amazonaws.eu-west-1.ec2"},
        refs={"vpcId": [vpc]},
    )
    s3_endpoint = res(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "s3",
        {"serviceName": "com.amazonaws.eu-west-1.s3"},
        refs={"vpcId": [bare]},
    )
    assert flagged("ec2-vpc-flow-logs", vpc, log) == []
    assert flagged("ec2-vpc-flow-logs", vpc, bare, log) == [("bare", "VPC bare has no flow log")]
    assert flagged("ec2-vpc-endpoint-ec2", vpc, endpoint) == []
    assert flagged("ec2-vpc-endpoint-ec2", vpc, bare, endpoint, s3_endpoint) == [
        ("bare", "VPC bare has no interface endpoint for the EC2 API")
    ]


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


DENY_PLAIN = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
LOG_WRITE = {
    "Effect": "Allow",
    "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
    "Action": "s3:PutObject",
    "Resource": "*",
}


def private_bucket(name: str, algorithm: str = "AES256") -> list[Resource]:
    """A bucket as the platform declares it, with its policy, access block, ownership and encryption."""
    bucket = res(BUCKET, name)
    on = {"bucket": [bucket]}
    return [
        bucket,
        res(
            f"{S3}bucketPolicy:BucketPolicy",
            f"{name}-policy",
            {"policy": policy(LOG_WRITE, DENY_PLAIN)},
            refs=on,
        ),
        res(
            f"{S3}bucketPublicAccessBlock:BucketPublicAccessBlock",
            f"{name}-block",
            dict.fromkeys(
                ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True
            ),
            refs=on,
        ),
        res(
            f"{S3}bucketOwnershipControls:BucketOwnershipControls",
            f"{name}-ownership",
            {"rule": {"objectOwnership": "BucketOwnerEnforced"}},
            refs=on,
        ),
        res(
            f"{S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            f"{name}-encryption",
            {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm}}]},
            refs=on,
        ),
    ]


S3_RULES = (
    "s3-policy-not-public",
    "s3-ssl-only",
    "s3-no-cross-account-admin",
    "s3-block-public-access",
    "s3-no-acls",
    "s3-default-encryption",
)


def test_a_private_bucket_passes_every_s3_rule() -> None:
    stack = private_bucket("logs")
    assert {rule_id: flagged(rule_id, *stack) for rule_id in S3_RULES} == {key: [] for key in S3_RULES}


def test_a_bare_bucket_fails_every_s3_rule_that_needs_a_companion() -> None:
    bare = res(BUCKET, "bare", {"acl": "public-read"})
    assert {rule_id: flagged(rule_id, bare) for rule_id in S3_RULES} == {
        "s3-policy-not-public": [],
        "s3-ssl-only": [("bare", "bucket bare accepts requests without TLS")],
        "s3-no-cross-account-admin": [],
        "s3-block-public-access": [
            ("bare", "bucket bare has no public access block with all four settings on")
        ],
        "s3-no-acls": [
            ("bare", "bucket bare still honours ACLs"),
            ("bare", "bucket bare sets the canned ACL public-read"),
        ],
        "s3-default-encryption": [("bare", "bucket bare declares no default encryption")],
    }


def test_bucket_policies_open_to_everyone_or_other_accounts() -> None:
    bucket = res(BUCKET, "b")
    public = res(
        f"{S3}bucketPolicy:BucketPolicy",
        "public",
        {"policy": policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})},
        refs={"bucket": [bucket]},
    )
    cross = res(
        f"{S3}bucketPolicy:BucketPolicy",
        "cross",
        {
            "policy": policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                    "Action": ["s3:PutBucketPolicy", "s3:GetObject"],
                    "Resource": "*",
                }
            )
        },
        refs={"bucket": [bucket]},
    )
    assert flagged("s3-policy-not-public", bucket, public, cross) == [
        ("public", "public allows s3:GetObject to everyone")
    ]
    assert flagged("s3-no-cross-account-admin", bucket, public, cross) == [
        ("cross", "cross grants s3:PutBucketPolicy to AWS:arn:aws:iam::999999999999:root")
    ]


def test_a_load_balancer_log_bucket_must_be_sse_s3() -> None:
    stack = private_bucket("logs", algorithm="aws:kms")
    alb = res(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        {"accessLogs": {"bucket": "logs", "enabled": True}},
        refs={"accessLogs": [stack[0]]},
    )
    assert flagged("s3-default-encryption", *stack) == []
    assert flagged("s3-default-encryption", *stack, alb) == [
        (
            "logs",
            "bucket logs receives load balancer logs but encrypts with ['aws:kms']; "
            "ELB writes only to SSE-S3 (AES256) buckets",
        )
    ]


LB = "aws:lb/loadBalancer:LoadBalancer"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"


def test_every_prod_application_load_balancer_has_a_web_acl() -> None:
    alb = res(LB, "alb", {"loadBalancerType": "application", "internal": False}, prod=True)
    acl = res(WEB_ACL, "acl", prod=True)
    association = res(ASSOCIATION, "assoc", refs={"resourceArn": [alb], "webAclArn": [acl]}, prod=True)
    assert flagged("elb-waf-web-acl", alb, acl, association) == []
    assert flagged("elb-waf-web-acl", alb, acl) == [
        ("alb", "application load balancer alb is associated with no WAF web ACL")
    ]
    # AWS WAF Classic's regional association counts, as it does for Security Hub.
    classic = res(
        "aws:wafregional/webAclAssociation:WebAclAssociation", "classic", refs={"resourceArn": [alb]}
    )
    assert flagged("elb-waf-web-acl", alb, classic) == []
    # An association with another load balancer protects only that one; an internal ALB is judged too.
    internal = res(LB, "internal", {"internal": True}, prod=True)
    assert flagged("elb-waf-web-acl", alb, internal, acl, association) == [
        ("internal", "application load balancer internal is associated with no WAF web ACL")
    ]
    network_lb = res(LB, "nlb", {"loadBalancerType": "network"}, prod=True)
    assert flagged("elb-waf-web-acl", network_lb) == []
    assert flagged("elb-waf-web-acl", res(LB, "dev-alb", {"loadBalancerType": "application"})) == []


def test_every_web_acl_logs_its_requests() -> None:
    acl, other = res(WEB_ACL, "acl"), res(WEB_ACL, "other")
    logging = res(
        WAF_LOGGING,
        "logging",
        {"logDestinationConfigs": ["arn:aws:logs:eu-west-1:111111111111:log-group:aws-waf-logs-acl"]},
        refs={"resourceArn": [acl]},
    )
    assert flagged("waf-logging", acl, logging) == []
    assert flagged("waf-logging", acl, other, logging) == [("other", "web ACL other logs no requests")]
    nowhere = res(WAF_LOGGING, "nowhere", {"logDestinationConfigs": []}, refs={"resourceArn": [acl]})
    assert flagged("waf-logging", acl, nowhere) == [("acl", "web ACL acl logs no requests")]


def test_secret_rotation_and_ecr_lifecycle_are_companions() -> None:
    rotated, plain = res(SECRET, "rotated"), res(SECRET, "plain")
    rotation = res(
        "aws:secretsmanager/secretRotation:SecretRotation", "rotation", refs={"secretId": [rotated]}
    )
    assert flagged("secretsmanager-rotation", rotated, rotation) == []
    assert flagged("secretsmanager-rotation", rotated, plain, rotation) == [
        ("plain", "secret plain is never rotated")
    ]
    repo, bare = res(REPO, "repo"), res(REPO, "bare")
    lifecycle = res("aws:ecr/lifecyclePolicy:LifecyclePolicy", "lifecycle", refs={"repository": [repo]})
    assert flagged("ecr-lifecycle-policy", repo, lifecycle) == []
    assert flagged("ecr-lifecycle-policy", repo, bare, lifecycle) == [
        ("bare", "repository bare has no lifecycle policy")
    ]


def network() -> dict[str, Resource]:
    """A VPC with one public and one private subnet, and the groups of the platform's tiers."""
    igw = res("aws:ec2/internetGateway:InternetGateway", "igw")
    public_rt = res(
        "aws:ec2/routeTable:RouteTable",
        "public-rt",
        {"routes": [{"cidrBlock": "0.0.0.0/0"}]},
        refs={"routes": [igw]},
    )
    public, private = res(SUBNET, "public"), res(SUBNET, "private")
    association = res(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "public-rta",
        refs={"subnetId": [public], "routeTableId": [public_rt]},
    )
    groups = {f"{name}-sg": res(SG, f"{name}-sg") for name in ("db", "app", "bastion")}
    return {
        "igw": igw,
        "public-rt": public_rt,
        "public": public,
        "private": private,
        "rta": association,
        **groups,
    }


def database(net: dict[str, Resource], subnet: str) -> list[Resource]:
    group = res("aws:rds/subnetGroup:SubnetGroup", "db-subnets", refs={"subnetIds": [net[subnet]]})
    instance = res(
        "aws:rds/instance:Instance",
        "db",
        refs={"vpcSecurityGroupIds": [net["db-sg"]], "dbSubnetGroupName": [group]},
    )
    return [group, instance]


def ingress(name: str, target: Resource, **source: Any) -> Resource:
    props = {"ipProtocol": "tcp", "fromPort": 3306, "toPort": 3306}
    refs: dict[str, list[Resource]] = {"securityGroupId": [target]}
    if "group" in source:
        refs["referencedSecurityGroupId"] = [source["group"]]
    else:
        props["cidrIpv4"] = source["cidr"]
    return res(INGRESS, name, props, refs=refs)


def test_a_private_database_reached_from_private_tasks_is_not_exposed() -> None:
    net = network()
    task = res(
        "aws:ecs/service:Service",
        "api",
        {"networkConfiguration": {"assignPublicIp": False}},
        refs={"networkConfiguration": [net["private"], net["app-sg"]]},
    )
    bastion = res(
        "aws:ec2/instance:Instance",
        "bastion",
        refs={"subnetId": [net["private"]], "vpcSecurityGroupIds": [net["bastion-sg"]]},
    )
    rules = [
        ingress("app-to-db", net["db-sg"], group=net["app-sg"]),
        ingress("bastion-to-db", net["db-sg"], group=net["bastion-sg"]),
        ingress("vpc-to-db", net["db-sg"], cidr="10.0.0.0/16"),
    ]
    assert flagged("data-not-exposed", *net.values(), *database(net, "private"), task, bastion, *rules) == []


def test_a_database_in_a_public_subnet_or_open_to_the_internet_or_a_public_host_is_exposed() -> None:
    net = network()
    bastion = res(
        "aws:ec2/instance:Instance",
        "bastion",
        refs={"subnetId": [net["public"]], "vpcSecurityGroupIds": [net["bastion-sg"]]},
    )
    alb = res(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        {"internal": False},
        refs={"securityGroups": [net["app-sg"]]},
    )
    rules = [
        ingress("world-to-db", net["db-sg"], cidr="0.0.0.0/0"),
        ingress("bastion-to-db", net["db-sg"], group=net["bastion-sg"]),
        ingress("alb-to-db", net["db-sg"], group=net["app-sg"]),
    ]
    assert flagged("data-not-exposed", *net.values(), *database(net, "public"), bastion, alb, *rules) == [
        ("db", "data store db is placed in public subnet(s) public"),
        ("world-to-db", "world-to-db admits 0.0.0.0/0 to data store db"),
        (
            "bastion-to-db",
            "bastion-to-db lets bastion (public subnet or internet-facing) reach data store db",
        ),
        ("alb-to-db", "alb-to-db lets alb (public subnet or internet-facing) reach data store db"),
    ]


def test_inline_ingress_of_a_data_store_group_is_judged_too() -> None:
    net = network()
    open_group = res(
        SG,
        "db-sg",
        {
            "ingress": [
                {"protocol": "tcp", "fromPort": 6379, "toPort": 6379, "cidrBlocks": ["198.51.100.0/24"]}
            ]
        },
    )
    cache = res(
        "aws:elasticache/replicationGroup:ReplicationGroup", "redis", refs={"securityGroupIds": [open_group]}
    )
    assert flagged("data-not-exposed", open_group, cache, net["public"]) == [
        ("db-sg", "db-sg admits 198.51.100.0/24 to data store redis")
    ]
