"""Every resource rule: a compliant and a non-compliant declaration, with the exact findings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.policies.model import Status
from infra.policies.rules import BY_ID, RULES
from tests.infra.policies.helpers import res

INSTANCE = "aws:ec2/instance:Instance"
SUBNET = "aws:ec2/subnet:Subnet"
SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
NACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
VOLUME = "aws:ebs/volume:Volume"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CLUSTER = "aws:ecs/cluster:Cluster"
LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
RDS = "aws:rds/instance:Instance"
REDIS = "aws:elasticache/replicationGroup:ReplicationGroup"
BROKER = "aws:mq/broker:Broker"
DOMAIN = "aws:opensearch/domain:Domain"
REPO = "aws:ecr/repository:Repository"
TOPIC = "aws:sns/topic:Topic"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
RULE_GROUP = "aws:wafv2/ruleGroup:RuleGroup"


def task(**container: Any) -> dict[str, Any]:
    base = {
        "name": "app",
        "readonlyRootFilesystem": True,
        "privileged": False,
        "user": "10001",
        "logConfiguration": {"logDriver": "awslogs"},
        "environment": [{"name": "POSTINGS_DB_HOST", "value": "db"}],
    }
    return {"networkMode": "awsvpc", "containerDefinitions": json.dumps([{**base, **container}])}


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


RDS_OK = {
    "engine": "mysql",
    "dbSubnetGroupName": "postings-data",
    "publiclyAccessible": False,
    "storageEncrypted": True,
    "multiAz": True,
    "monitoringInterval": 60,
    "deletionProtection": True,
    "enabledCloudwatchLogsExports": ["audit", "error", "general", "slowquery"],
    "iamDatabaseAuthenticationEnabled": True,
    "backupRetentionPeriod": 7,
    "autoMinorVersionUpgrade": True,
    "copyTagsToSnapshot": True,
    "port": 3307,
    "username": "postings_admin",
}
REDIS_OK = {
    "engine": "redis",
    "snapshotRetentionLimit": 1,
    "autoMinorVersionUpgrade": True,
    "automaticFailoverEnabled": True,
    "atRestEncryptionEnabled": True,
    "transitEncryptionEnabled": True,
    "authToken": "generated",
    "subnetGroupName": "postings-cache",
}
DOMAIN_OK: dict[str, Any] = {
    "encryptAtRest": {"enabled": True},
    "vpcOptions": {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]},
    "nodeToNodeEncryption": {"enabled": True},
    "logPublishingOptions": [
        {"logType": "ES_APPLICATION_LOGS", "cloudwatchLogGroupArn": "arn:logs", "enabled": True},
        {"logType": "AUDIT_LOGS", "cloudwatchLogGroupArn": "arn:logs"},
    ],
    "clusterConfig": {
        "instanceCount": 3,
        "zoneAwarenessEnabled": True,
        "dedicatedMasterEnabled": True,
        "dedicatedMasterCount": 3,
    },
    "advancedSecurityOptions": {"enabled": True},
    "domainEndpointOptions": {"enforceHttps": True, "tlsSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10"},
    "softwareUpdateOptions": {"autoSoftwareUpdateEnabled": True},
}
BROKER_OK = {
    "engineType": "RabbitMQ",
    "autoMinorVersionUpgrade": True,
    "deploymentMode": "CLUSTER_MULTI_AZ",
    "publiclyAccessible": False,
}
ACTIVEMQ_OK = {
    **BROKER_OK,
    "engineType": "ActiveMQ",
    "deploymentMode": "ACTIVE_STANDBY_MULTI_AZ",
    "logs": {"audit": True},
}
LB_OK = {
    "loadBalancerType": "application",
    "dropInvalidHeaderFields": True,
    "accessLogs": {"bucket": "logs", "enabled": True},
    "enableDeletionProtection": True,
    "desyncMitigationMode": "defensive",
    "subnets": ["subnet-a", "subnet-b"],
}
INSTANCE_OK = {
    "metadataOptions": {"httpTokens": "required"},
    "associatePublicIpAddress": False,
    "rootBlockDevice": {"encrypted": True},
    "ebsBlockDevices": [{"deviceName": "/dev/sdf", "encrypted": True}],
}
OPEN_SSH = {"type": "ingress", "protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}
ADMIN_SSH = {**OPEN_SSH, "cidrBlocks": ["203.0.113.0/24"]}
OPEN_HTTPS = {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}

# rule id -> (type, compliant props, non-compliant props, exact findings for the non-compliant one)
Case = tuple[str, dict[str, Any], dict[str, Any], list[str]]
METRICS_ON = {"cloudwatchMetricsEnabled": True, "metricName": "m", "sampledRequestsEnabled": True}
METRICS_OFF = {**METRICS_ON, "cloudwatchMetricsEnabled": False}


def waf_rule(name: str, visibility: dict[str, Any] = METRICS_ON) -> dict[str, Any]:
    return {
        "name": name,
        "priority": 0,
        "action": {"block": {}},
        "statement": {"rateBasedStatement": {"aggregateKeyType": "IP", "limit": 1000}},
        "visibilityConfig": visibility,
    }


WEB_ACL_OK = {
    "scope": "REGIONAL",
    "defaultAction": {"allow": {}},
    "rules": [waf_rule("rate")],
    "visibilityConfig": METRICS_ON,
}

CASES: dict[str, Case] = {
    "ec2-volumes-encrypted": (
        INSTANCE,
        INSTANCE_OK,
        {**INSTANCE_OK, "rootBlockDevice": {}, "ebsBlockDevices": [{"deviceName": "/dev/sdf"}]},
        ["root volume of r is not encrypted", "volume /dev/sdf of r is not encrypted"],
    ),
    "ec2-imdsv2": (
        INSTANCE,
        INSTANCE_OK,
        {**INSTANCE_OK, "metadataOptions": {"httpTokens": "optional"}},
        ["r accepts IMDSv1 (metadataOptions.httpTokens is 'optional')"],
    ),
    "ec2-no-public-ip": (
        INSTANCE,
        INSTANCE_OK,
        {**INSTANCE_OK, "associatePublicIpAddress": True},
        ["r gets a public IPv4 address"],
    ),
    "ec2-subnet-no-auto-public-ip": (
        SUBNET,
        {"mapPublicIpOnLaunch": False},
        {"mapPublicIpOnLaunch": True},
        ["subnet r assigns public IPv4 addresses on launch"],
    ),
    "ec2-single-eni": (
        INSTANCE,
        {"networkInterfaces": [{"deviceIndex": 0}]},
        {"networkInterfaces": [{"deviceIndex": 0}, {"deviceIndex": 1}]},
        ["r attaches 2 network interfaces"],
    ),
    "ec2-sg-open-only-authorised-ports": (
        INGRESS,
        OPEN_HTTPS,
        {**OPEN_HTTPS, "fromPort": 8000, "toPort": 8000},
        ["r opens port 8000 from 0.0.0.0/0"],
    ),
    "ec2-sg-no-open-high-risk-ports": (
        SG_RULE,
        ADMIN_SSH,
        OPEN_SSH,
        ["r opens high-risk port(s) 22 to 0.0.0.0/0"],
    ),
    "ec2-nacl-no-open-admin-ports": (
        NACL_RULE,
        {"ruleAction": "allow", "cidrBlock": "0.0.0.0/0", "protocol": "tcp", "fromPort": 443, "toPort": 443},
        {"ruleAction": "allow", "cidrBlock": "0.0.0.0/0", "protocol": "tcp", "fromPort": 0, "toPort": 65535},
        ["r allows port 22 from 0.0.0.0/0", "r allows port 3389 from 0.0.0.0/0"],
    ),
    "ecs-task-host-network-secure": (
        TASK,
        {**task(), "networkMode": "host"},
        {**task(user=None), "networkMode": "host"},
        ["r: container app runs in host network mode as root"],
    ),
    "ecs-service-no-public-ip": (
        SERVICE,
        {"networkConfiguration": {"assignPublicIp": False}},
        {"networkConfiguration": {"assignPublicIp": True}},
        ["service r gives its tasks public IP addresses"],
    ),
    "ecs-task-no-host-pid": (
        TASK,
        task(),
        {**task(), "pidMode": "host"},
        ["r shares the host's process namespace"],
    ),
    "ecs-container-not-privileged": (TASK, task(), task(privileged=True), ["r: container app is privileged"]),
    "ecs-container-read-only-root": (
        TASK,
        task(),
        task(readonlyRootFilesystem=False),
        ["r: container app has a writable root filesystem"],
    ),
    "ecs-no-secrets-in-environment": (
        TASK,
        task(secrets=[{"name": "POSTINGS_DB_PASSWORD", "valueFrom": "arn:secret:password::"}]),
        task(environment=[{"name": "POSTINGS_DB_PASSWORD", "value": "hunter2"}]),
        ["r: container app has POSTINGS_DB_PASSWORD in plain environment"],
    ),
    "ecs-container-logging": (
        TASK,
        task(),
        task(logConfiguration=None),
        ["r: container app has no log configuration"],
    ),
    "ecs-fargate-latest-platform": (
        SERVICE,
        {"launchType": "FARGATE", "platformVersion": "LATEST"},
        {"launchType": "FARGATE", "platformVersion": "1.3.0"},
        ["service r pins Fargate platform version 1.3.0"],
    ),
    "ecs-cluster-container-insights": (
        CLUSTER,
        {"settings": [{"name": "containerInsights", "value": "enhanced"}]},
        {"settings": [{"name": "containerInsights", "value": "disabled"}]},
        ["cluster r has Container Insights off"],
    ),
    "ecs-task-no-host-network": (
        TASK,
        task(),
        {**task(), "networkMode": "host"},
        ["r uses host network mode"],
    ),
    "ecs-efs-in-transit-encryption": (
        TASK,
        {**task(), "volumes": [{"name": "data", "efsVolumeConfiguration": {"transitEncryption": "ENABLED"}}]},
        {**task(), "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}]},
        ["r: EFS volume data is mounted without transit encryption"],
    ),
    "ecs-container-non-root-user": (TASK, task(), task(user="root"), ["r: container app runs as root"]),
    "elb-http-redirects-to-https": (
        LISTENER,
        {"protocol": "HTTP", "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS"}}]},
        {"protocol": "HTTP", "defaultActions": [{"type": "forward", "targetGroupArn": "tg"}]},
        ["HTTP listener r serves forward instead of redirecting to HTTPS"],
    ),
    "elb-drop-invalid-headers": (
        LB,
        LB_OK,
        {**LB_OK, "dropInvalidHeaderFields": False},
        ["load balancer r forwards invalid HTTP header fields"],
    ),
    "elb-access-logs": (LB, LB_OK, {**LB_OK, "accessLogs": None}, ["load balancer r keeps no access logs"]),
    "elb-desync-mitigation": (
        LB,
        LB_OK,
        {**LB_OK, "desyncMitigationMode": "monitor"},
        ["load balancer r uses desync mitigation mode monitor"],
    ),
    "elb-multiple-zones": (
        LB,
        LB_OK,
        {**LB_OK, "subnets": ["subnet-a"]},
        ["load balancer r spans 1 availability zone(s)"],
    ),
    "elb-modern-tls-policy": (
        LISTENER,
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08"},
        ["listener r uses TLS policy ELBSecurityPolicy-2016-08"],
    ),
    "waf-web-acl-not-empty": (
        WEB_ACL,
        WEB_ACL_OK,
        {**WEB_ACL_OK, "rules": []},
        ["web ACL r has no rules or rule groups"],
    ),
    "waf-rule-metrics": (
        WEB_ACL,
        WEB_ACL_OK,
        {**WEB_ACL_OK, "rules": [waf_rule("rate"), waf_rule("quiet", METRICS_OFF)]},
        ["rule quiet of web ACL r sends no CloudWatch metrics"],
    ),
    "rds-not-public": (RDS, RDS_OK, {**RDS_OK, "publiclyAccessible": True}, ["r is publicly accessible"]),
    "rds-in-vpc": (
        RDS,
        RDS_OK,
        {**RDS_OK, "dbSubnetGroupName": None},
        ["r has no DB subnet group (not in a VPC)"],
    ),
    "rds-encrypted": (RDS, RDS_OK, {**RDS_OK, "storageEncrypted": False}, ["r stores data unencrypted"]),
    "rds-enhanced-monitoring": (
        RDS,
        RDS_OK,
        {**RDS_OK, "monitoringInterval": 0},
        ["r has enhanced monitoring off"],
    ),
    "rds-log-exports": (
        RDS,
        RDS_OK,
        {**RDS_OK, "enabledCloudwatchLogsExports": ["error"]},
        ["r does not export audit, general, slowquery logs to CloudWatch"],
    ),
    "rds-iam-auth": (
        RDS,
        RDS_OK,
        {**RDS_OK, "iamDatabaseAuthenticationEnabled": False},
        ["r has IAM authentication off"],
    ),
    "rds-backups": (
        RDS,
        RDS_OK,
        {**RDS_OK, "backupRetentionPeriod": 0},
        ["r keeps automated backups 0 day(s); at least 1 required here"],
    ),
    "rds-minor-upgrades": (
        RDS,
        RDS_OK,
        {**RDS_OK, "autoMinorVersionUpgrade": False},
        ["r does not take minor version upgrades"],
    ),
    "rds-copy-tags-to-snapshots": (
        RDS,
        RDS_OK,
        {**RDS_OK, "copyTagsToSnapshot": False},
        ["r does not copy tags to snapshots"],
    ),
    "rds-non-default-port": (
        RDS,
        RDS_OK,
        {**RDS_OK, "port": 3306},
        ["r listens on mysql's default port 3306"],
    ),
    "rds-custom-admin-name": (
        RDS,
        RDS_OK,
        {**RDS_OK, "username": "admin"},
        ["r uses the default admin name admin"],
    ),
    "elasticache-backups": (
        REDIS,
        REDIS_OK,
        {**REDIS_OK, "snapshotRetentionLimit": 0},
        ["r takes no automatic snapshots"],
    ),
    "elasticache-minor-upgrades": (
        REDIS,
        REDIS_OK,
        {**REDIS_OK, "autoMinorVersionUpgrade": False},
        ["r does not take minor version upgrades"],
    ),
    "elasticache-encrypted-at-rest": (
        REDIS,
        REDIS_OK,
        {**REDIS_OK, "atRestEncryptionEnabled": False},
        ["r stores data unencrypted"],
    ),
    "elasticache-encrypted-in-transit": (
        REDIS,
        REDIS_OK,
        {**REDIS_OK, "transitEncryptionEnabled": False},
        ["r accepts plaintext connections"],
    ),
    "elasticache-auth": (
        REDIS,
        REDIS_OK,
        {**REDIS_OK, "authToken": None},
        ["r accepts clients without AUTH"],
    ),
    "elasticache-own-subnet-group": (
        REDIS,
        REDIS_OK,
        {**REDIS_OK, "subnetGroupName": "default"},
        ["r uses the default subnet group"],
    ),
    "mq-audit-logs": (
        BROKER,
        ACTIVEMQ_OK,
        {**ACTIVEMQ_OK, "logs": {"general": True}},
        ["r keeps no audit log"],
    ),
    "mq-minor-upgrades": (
        BROKER,
        BROKER_OK,
        {**BROKER_OK, "autoMinorVersionUpgrade": False},
        ["r does not take minor version upgrades"],
    ),
    "mq-not-public": (
        BROKER,
        BROKER_OK,
        {**BROKER_OK, "publiclyAccessible": True},
        ["r is publicly accessible"],
    ),
    "opensearch-encrypted-at-rest": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "encryptAtRest": {"enabled": False}},
        ["r stores data unencrypted"],
    ),
    "opensearch-in-vpc": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "vpcOptions": None},
        ["r has a public endpoint (no vpc_options)"],
    ),
    "opensearch-node-to-node": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "nodeToNodeEncryption": None},
        ["r sends traffic between nodes unencrypted"],
    ),
    "opensearch-error-logs": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "logPublishingOptions": [{"logType": "INDEX_SLOW_LOGS", "cloudwatchLogGroupArn": "a"}]},
        ["r does not publish ES_APPLICATION_LOGS to CloudWatch"],
    ),
    "opensearch-audit-logs": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "logPublishingOptions": DOMAIN_OK["logPublishingOptions"][:1]},
        ["r does not publish AUDIT_LOGS to CloudWatch"],
    ),
    "opensearch-fine-grained-access": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "advancedSecurityOptions": {"enabled": False}},
        ["r has fine-grained access control off"],
    ),
    "opensearch-tls12": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "domainEndpointOptions": {"tlsSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"}},
        ["r accepts plain HTTP", "r accepts TLS older than 1.2 (Policy-Min-TLS-1-0-2019-07)"],
    ),
    "opensearch-software-updates": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "softwareUpdateOptions": None},
        ["r does not install service software updates automatically"],
    ),
    "iam-no-admin-policy": (
        ROLE_POLICY,
        {"policy": doc({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"})},
        {"policy": doc({"Effect": "Allow", "Action": "*", "Resource": "*"})},
        ["r allows every action on every resource"],
    ),
    "iam-no-user-policies": (
        ATTACHMENT,
        {"roles": ["app"], "users": []},
        {"roles": [], "users": ["alice"]},
        ["r gives permissions to IAM users directly; attach them to a group or role"],
    ),
    "iam-no-service-wildcards": (
        ROLE_POLICY,
        {"policy": doc({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"})},
        {"policy": doc({"Effect": "Allow", "Action": ["s3:*", "es:ESHttpGet"], "Resource": "*"})},
        ["r allows s3:*"],
    ),
    "secretsmanager-rotation-period": (
        ROTATION,
        {"rotationRules": {"automaticallyAfterDays": 30}},
        {"rotationRules": {"automaticallyAfterDays": 365}},
        ["r rotates every 365 days; at most 90"],
    ),
    "ecr-scan-on-push": (
        REPO,
        {"imageScanningConfiguration": {"scanOnPush": True}},
        {"imageScanningConfiguration": {"scanOnPush": False}},
        ["repository r does not scan images on push"],
    ),
    "ecr-immutable-tags": (
        REPO,
        {"imageTagMutability": "IMMUTABLE"},
        {"imageTagMutability": "MUTABLE"},
        ["repository r lets a tag be pushed again"],
    ),
    "sns-encrypted": (TOPIC, {"kmsMasterKeyId": "alias/aws/sns"}, {}, ["topic r is not encrypted at rest"]),
    "tags-required": (
        "aws:s3/bucket:Bucket",
        {"tags": {"Owner": "search-team"}},
        {"tags": {"Owner": ""}},
        ["r lacks tag(s) Owner"],
    ),
    "suppressions-valid": (
        SG_RULE,
        {"tags": {"policy:suppress:ec2-sg-no-open-high-risk-ports": "bastion in a lab account"}},
        {"tags": {"policy:suppress:no-such-rule": "because", "policy:suppress:ec2-imdsv2": ""}},
        [
            "r suppresses ec2-imdsv2: the reason is empty; say why the finding is intended",
            "r suppresses unknown rule 'no-such-rule'",
        ],
    ),
}

# Rules judged only in prod: compliant and non-compliant there, not applicable elsewhere.
PROD_CASES: dict[str, Case] = {
    "elb-deletion-protection": (
        LB,
        LB_OK,
        {**LB_OK, "enableDeletionProtection": False},
        ["load balancer r can be deleted (enable_deletion_protection is off)"],
    ),
    "rds-multi-az": (RDS, RDS_OK, {**RDS_OK, "multiAz": False}, ["r has no standby in a second AZ"]),
    "rds-deletion-protection": (RDS, RDS_OK, {**RDS_OK, "deletionProtection": False}, ["r can be deleted"]),
    "elasticache-automatic-failover": (
        REDIS,
        REDIS_OK,
        {**REDIS_OK, "automaticFailoverEnabled": False},
        ["r has automatic failover off"],
    ),
    "mq-activemq-active-standby": (
        BROKER,
        ACTIVEMQ_OK,
        {**ACTIVEMQ_OK, "deploymentMode": "SINGLE_INSTANCE"},
        ["r runs as SINGLE_INSTANCE, not ACTIVE_STANDBY_MULTI_AZ"],
    ),
    "mq-rabbitmq-cluster": (
        BROKER,
        BROKER_OK,
        {**BROKER_OK, "deploymentMode": "SINGLE_INSTANCE"},
        ["r runs as SINGLE_INSTANCE, not CLUSTER_MULTI_AZ"],
    ),
    "opensearch-three-data-nodes": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "clusterConfig": {"instanceCount": 1}},
        ["r has 1 data node(s)", "r does not spread its nodes over availability zones"],
    ),
    "opensearch-dedicated-masters": (
        DOMAIN,
        DOMAIN_OK,
        {**DOMAIN_OK, "clusterConfig": {"instanceCount": 3}},
        ["r has no three dedicated master nodes"],
    ),
}


def test_every_resource_rule_has_cases_and_every_case_a_rule() -> None:
    resource_rules = {rule.id for rule in RULES if not rule.is_stack_rule}
    assert set(CASES) | set(PROD_CASES) == resource_rules
    assert not set(CASES) & set(PROD_CASES)
    assert {rule.id for rule in RULES if rule.prod_only and not rule.is_stack_rule} == set(PROD_CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_judges_compliant_and_non_compliant(rule_id: str) -> None:
    type_token, good, bad, expected = CASES[rule_id]
    rule = BY_ID[rule_id]
    assert rule.evaluate(res(type_token, "r", good)) == (Status.COMPLIANT, []), rule_id
    assert rule.evaluate(res(type_token, "r", bad)) == (Status.NON_COMPLIANT, expected), rule_id


@pytest.mark.parametrize("rule_id", sorted(PROD_CASES))
def test_prod_rule_judges_prod_only(rule_id: str) -> None:
    type_token, good, bad, expected = PROD_CASES[rule_id]
    rule = BY_ID[rule_id]
    assert rule.evaluate(res(type_token, "r", good, prod=True)) == (Status.COMPLIANT, []), rule_id
    assert rule.evaluate(res(type_token, "r", bad, prod=True)) == (Status.NON_COMPLIANT, expected), rule_id
    assert rule.evaluate(res(type_token, "r", bad)) == (Status.NOT_APPLICABLE, []), rule_id


def test_rules_do_not_judge_other_types_or_engines() -> None:
    assert BY_ID["rds-encrypted"].evaluate(res(REDIS, "r", {})) == (Status.NOT_APPLICABLE, [])
    assert BY_ID["mq-audit-logs"].evaluate(res(BROKER, "r", BROKER_OK)) == (Status.NOT_APPLICABLE, [])
    assert BY_ID["ecs-efs-in-transit-encryption"].evaluate(res(TASK, "r", task())) == (
        Status.NOT_APPLICABLE,
        [],
    )
    assert BY_ID["tags-required"].evaluate(res("random:index/randomPassword:RandomPassword", "r")) == (
        Status.NOT_APPLICABLE,
        [],
    )
    assert BY_ID["tags-required"].evaluate(res("aws:iam/rolePolicy:RolePolicy", "r")) == (
        Status.NOT_APPLICABLE,
        [],
    )


def test_prod_backups_need_a_week() -> None:
    rule = BY_ID["rds-backups"]
    two_days = {**RDS_OK, "backupRetentionPeriod": 2}
    assert rule.evaluate(res(RDS, "r", two_days)) == (Status.COMPLIANT, [])
    assert rule.evaluate(res(RDS, "r", two_days, prod=True)) == (
        Status.NON_COMPLIANT,
        ["r keeps automated backups 2 day(s); at least 7 required here"],
    )


def test_open_ingress_on_every_declaring_type() -> None:
    everything = {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}
    group = res(SG, "g", {"ingress": [everything]})
    assert BY_ID["ec2-sg-open-only-authorised-ports"].evaluate(group) == (
        Status.NON_COMPLIANT,
        ["g opens all ports from 0.0.0.0/0"],
    )
    ipv6_rdp = res(INGRESS, "i", {"ipProtocol": "tcp", "fromPort": 3389, "toPort": 3389, "cidrIpv6": "::/0"})
    assert BY_ID["ec2-sg-no-open-high-risk-ports"].evaluate(ipv6_rdp) == (
        Status.NON_COMPLIANT,
        ["i opens high-risk port(s) 3389 to ::/0"],
    )
    egress = res(SG_RULE, "e", {**OPEN_SSH, "type": "egress"})
    assert BY_ID["ec2-sg-no-open-high-risk-ports"].evaluate(egress) == (Status.COMPLIANT, [])


def test_waf_rules_read_rule_json_and_rule_groups_too() -> None:
    empty = BY_ID["waf-web-acl-not-empty"]
    api_rule = {"Name": "rate", "VisibilityConfig": {"CloudWatchMetricsEnabled": False}}
    as_json = {**WEB_ACL_OK, "rules": None, "ruleJson": json.dumps([api_rule])}
    assert empty.evaluate(res(WEB_ACL, "r", as_json)) == (Status.COMPLIANT, [])
    assert empty.evaluate(res(WEB_ACL, "r", {**as_json, "ruleJson": "[]"})) == (
        Status.NON_COMPLIANT,
        ["web ACL r has no rules or rule groups"],
    )
    metrics = BY_ID["waf-rule-metrics"]
    assert metrics.evaluate(res(WEB_ACL, "r", as_json)) == (
        Status.NON_COMPLIANT,
        ["rule rate of web ACL r sends no CloudWatch metrics"],
    )
    assert metrics.evaluate(res(WEB_ACL, "r", {**WEB_ACL_OK, "visibilityConfig": METRICS_OFF})) == (
        Status.NON_COMPLIANT,
        ["web ACL r sends no CloudWatch metrics"],
    )
    group = {"capacity": 10, "scope": "REGIONAL", "rules": [waf_rule("rate")], "visibilityConfig": METRICS_ON}
    assert metrics.evaluate(res(RULE_GROUP, "g", group)) == (Status.COMPLIANT, [])
    assert metrics.evaluate(
        res(RULE_GROUP, "g", {**group, "rules": [waf_rule("a", METRICS_OFF)], "visibilityConfig": {}})
    ) == (
        Status.NON_COMPLIANT,
        ["rule group g sends no CloudWatch metrics", "rule a of rule group g sends no CloudWatch metrics"],
    )
