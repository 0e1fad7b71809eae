"""What each resource type is charged for: the priced quantities of one resource in a month.

A pricer turns a resource's inputs and the usage assumptions into charges, each a quantity of one
Price List rate. The prices themselves come from the snapshot (infra/cost/prices.py); the
billing rules each pricer follows cite the AWS page stating them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from infra.cost.plan_index import PlanIndex, Resource
from infra.cost.prices import Rate

Usage = Mapping[str, Decimal]
MIB_PER_GIB = Decimal(1024)
DAYS_PER_MONTH = Decimal(365) / Decimal(12)


@dataclass(frozen=True)
class Charge:
    """A quantity of one rate in a month, e.g. 730 NAT gateway hours."""

    what: str
    quantity: Decimal
    rate: Rate


@dataclass(frozen=True)
class Unpriced:
    """Part of a resource's cost the estimate leaves out, and why."""

    what: str
    reason: str


Item = Charge | Unpriced
Pricer = Callable[[Resource, PlanIndex, Usage], list[Item]]
PRICERS: dict[str, Pricer] = {}

# Types AWS charges nothing for, or whose charges are counted on another resource (the reason says which).
FREE: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "no charge for a VPC",
    "aws:ec2/subnet:Subnet": "no charge for a subnet",
    "aws:ec2/routeTable:RouteTable": "no charge for a route table",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "no charge",
    "aws:ec2/internetGateway:InternetGateway": "no charge for an internet gateway (data transfer aside)",
    "aws:ec2/securityGroup:SecurityGroup": "no charge for a security group",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "no charge for a security group",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "no charge",
    "aws:ec2/flowLog:FlowLog": "billed as its log group's ingestion and storage",
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:iam/instanceProfile:InstanceProfile": "IAM is free",
    "aws:ecs/cluster:Cluster": "no charge for an ECS cluster; its Fargate tasks are priced on their services",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "no charge",
    "aws:ecs/taskDefinition:TaskDefinition": "priced on the services and schedules that run it",
    "aws:appautoscaling/target:Target": "no charge for Application Auto Scaling",
    "aws:appautoscaling/policy:Policy": "no charge for Application Auto Scaling",
    "aws:lb/listener:Listener": "priced on its load balancer",
    "aws:lb/targetGroup:TargetGroup": "priced on its load balancer",
    "aws:rds/subnetGroup:SubnetGroup": "no charge",
    "aws:rds/parameterGroup:ParameterGroup": "no charge",
    "aws:rds/optionGroup:OptionGroup": "no charge",
    "aws:elasticache/subnetGroup:SubnetGroup": "no charge",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "no charge",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "no charge",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "no charge",
    "aws:s3/bucketPolicy:BucketPolicy": "no charge",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "no charge",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "no charge "
    "(SSE-S3)",
    "aws:secretsmanager/secretVersion:SecretVersion": "included in its secret's monthly price",
    "aws:acm/certificate:Certificate": "public ACM certificates are free",
    "aws:acm/certificateValidation:CertificateValidation": "not an AWS resource (waits for validation)",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "no charge",
    "aws:opensearch/domainPolicy:DomainPolicy": "priced on its domain",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "priced on its web ACL",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "billed as its log group's ingestion",
    "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount": "priced on its workspace's users",
    "aws:sns/topicSubscription:TopicSubscription": "priced per delivery on its topic",
    "pulumi:providers:aws": "not an AWS resource",
    # The random provider's values, computed where the program runs.
    **dict.fromkeys(
        (
            f"random:index/random{kind}:Random{kind}"
            for kind in (
                "Bytes",
                "Id",
                "Integer",
                "Password",
                "Pet",
                "Shuffle",
                "String",
                "Uuid",
                "Uuid4",
                "Uuid7",
            )
        ),
        "not an AWS resource",
    ),
}


def prices(type_token: str) -> Callable[[Pricer], Pricer]:
    def register(pricer: Pricer) -> Pricer:
        PRICERS[type_token] = pricer
        return pricer

    return register


def _hours(usage: Usage) -> Decimal:
    return usage["hoursPerMonth"]


def _number(value: Any, default: int = 0) -> Decimal:
    return Decimal(str(value)) if value is not None and value != "" else Decimal(default)


# Fargate bills vCPU and memory of each running task per second (https://aws.amazon.com/fargate/pricing/).
def _fargate(task: Resource, task_hours: Decimal, what: str) -> list[Item]:
    platform = task.inputs.get("runtimePlatform") or {}
    if platform.get("operatingSystemFamily", "LINUX") != "LINUX":
        return [Unpriced(what, f"Fargate on {platform['operatingSystemFamily']} is not in the snapshot")]
    arm = platform.get("cpuArchitecture") == "ARM64"
    vcpu = _number(task.inputs.get("cpu")) / MIB_PER_GIB
    memory = _number(task.inputs.get("memory")) / MIB_PER_GIB
    prefix = "Fargate-ARM" if arm else "Fargate"
    return [
        Charge(f"{what}: vCPU-hours", vcpu * task_hours, Rate("AmazonECS", f"{prefix}-vCPU-Hours:perCPU")),
        Charge(f"{what}: GB-hours", memory * task_hours, Rate("AmazonECS", f"{prefix}-GB-Hours")),
    ]


@prices("aws:ecs/service:Service")
def ecs_service(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    task = plan.referenced(r.inputs.get("taskDefinition"))
    if r.inputs.get("launchType", "FARGATE") != "FARGATE" or task is None:
        return [Unpriced("tasks", "not a Fargate service with a task definition in the plan")]
    count = _number(r.inputs.get("desiredCount"), 1)
    return _fargate(task, count * _hours(usage), f"{count} task(s) (desiredCount)")


_RATE_EXPRESSION = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_RUNS_PER_DAY = {"minute": 24 * 60, "hour": 24, "day": 1}


@prices("aws:scheduler/schedule:Schedule")
def schedule(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    items: list[Item] = [Unpriced("invocations", "EventBridge Scheduler invocations are not in the snapshot")]
    target = r.inputs.get("target") or {}
    ecs = target.get("ecsParameters")
    if ecs is None:
        return items
    task = plan.referenced(ecs.get("taskDefinitionArn"))
    match = _RATE_EXPRESSION.fullmatch(str(r.inputs.get("scheduleExpression", "")))
    if task is None or match is None:
        return [
            *items,
            Unpriced("scheduled tasks", "only rate(...) schedules of a task in the plan are priced"),
        ]
    every, unit = int(match.group(1)), match.group(2).rstrip("s")
    runs = Decimal(_RUNS_PER_DAY[unit]) / every * DAYS_PER_MONTH * _number(ecs.get("taskCount"), 1)
    minutes = max(usage["scheduledTaskMinutes"], Decimal(1))
    return [*items, *_fargate(task, runs * minutes / 60, f"{runs:.0f} runs of {minutes} min")]


@prices("aws:ec2/natGateway:NatGateway")
def nat_gateway(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    gateways = len(plan.of_type(r.type))
    return [
        Charge("gateway-hours", _hours(usage), Rate("AmazonEC2", "NatGateway-Hours")),
        Charge(
            f"GB processed (natGbPerMonth / {gateways} gateway(s))",
            usage["natGbPerMonth"] / gateways,
            Rate("AmazonEC2", "NatGateway-Bytes"),
        ),
    ]


# Every public IPv4 address is billed by the hour (https://aws.amazon.com/vpc/pricing/, "Public IPv4").
PUBLIC_IPV4 = Rate("AmazonVPC", "PublicIPv4:InUseAddress")


@prices("aws:ec2/eip:Eip")
def elastic_ip(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [Charge("public IPv4 address-hours", _hours(usage), PUBLIC_IPV4)]


# An ALB is billed per hour and per LCU-hour, an LCU being the largest of its dimensions: 25 new
# connections a second, 1 GB an hour processed for targets, 3,000 active connections a minute, 1,000 rule
# evaluations a second (https://aws.amazon.com/elasticloadbalancing/pricing/). Each request is counted as a
# new connection, the upper bound; the last two dimensions are below both at this platform's rule count.
LCU_NEW_CONNECTIONS_PER_SECOND = Decimal(25)
LCU_GB_PER_HOUR = Decimal(1)


@prices("aws:lb/loadBalancer:LoadBalancer")
def load_balancer(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    if r.inputs.get("loadBalancerType", "application") != "application":
        return [Unpriced("load balancer", f"{r.inputs['loadBalancerType']} load balancers are not priced")]
    hours = _hours(usage)
    requests = usage["requestsPerMonth"]
    per_second = requests / (hours * 3600)
    gb_per_hour = requests * usage["kibPerRequest"] / MIB_PER_GIB / MIB_PER_GIB / hours
    lcus = max(per_second / LCU_NEW_CONNECTIONS_PER_SECOND, gb_per_hour / LCU_GB_PER_HOUR)
    items: list[Item] = [
        Charge("load balancer-hours", hours, Rate("AWSELB", "LoadBalancerUsage")),
        Charge(f"LCU-hours ({lcus:.3f} LCU from requestsPerMonth)", lcus * hours, Rate("AWSELB", "LCUUsage")),
    ]
    if not r.inputs.get("internal", False):
        # An internet-facing ALB holds a public IPv4 address in each of its subnets.
        zones = len(r.inputs.get("subnets") or [])
        items.append(Charge(f"public IPv4 address-hours ({zones} zones)", zones * hours, PUBLIC_IPV4))
    return items


# RDS bills instance hours and provisioned storage; Multi-AZ runs a standby, doubling both, and backup
# storage up to the provisioned size is free (https://aws.amazon.com/rds/mysql/pricing/).
_RDS_ENGINES = {"mysql": "MySQL", "postgres": "PostgreSQL", "mariadb": "MariaDB"}


@prices("aws:rds/instance:Instance")
def rds_instance(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    engine = _RDS_ENGINES.get(str(r.inputs.get("engine")))
    if engine is None:
        return [Unpriced("instance", f"engine {r.inputs.get('engine')!r} is not priced")]
    copies = Decimal(2) if r.inputs.get("multiAz") else Decimal(1)
    az = " x 2 (Multi-AZ)" if copies == 2 else ""
    storage = _number(r.inputs.get("allocatedStorage"))
    storage_type = str(r.inputs.get("storageType", "gp2")).upper()
    retention = _number(r.inputs.get("backupRetentionPeriod"), 1)
    backup = storage * usage["dbDailyChangeFraction"] * retention
    engine_only = (("databaseEngine", engine), ("deploymentOption", "Single-AZ"))
    return [
        Charge(
            f"instance-hours{az}",
            _hours(usage) * copies,
            Rate("AmazonRDS", f"InstanceUsage:{r.inputs['instanceClass']}", engine_only),
        ),
        Charge(
            f"{storage_type} storage GB-month{az}",
            storage * copies,
            Rate("AmazonRDS", f"RDS:{storage_type}-Storage"),
        ),
        Charge(
            f"backup GB-month beyond the free allowance ({retention} days x dbDailyChangeFraction)",
            backup,
            Rate("AmazonRDS", "RDS:ChargedBackupUsage"),
        ),
    ]


# ElastiCache bills each node by the hour (https://aws.amazon.com/elasticache/pricing/).
@prices("aws:elasticache/replicationGroup:ReplicationGroup")
def replication_group(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    nodes = _number(r.inputs.get("numCacheClusters"), 1)
    engine = {"redis": "Redis", "valkey": "Valkey"}.get(str(r.inputs.get("engine", "redis")), "Redis")
    return [
        Charge(
            f"node-hours ({nodes} nodes)",
            nodes * _hours(usage),
            Rate("AmazonElastiCache", f"NodeUsage:{r.inputs['nodeType']}", (("cacheEngine", engine),)),
        )
    ]


# A RabbitMQ cluster deployment runs three brokers (https://aws.amazon.com/amazon-mq/pricing/).
@prices("aws:mq/broker:Broker")
def broker(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    nodes = Decimal(3) if r.inputs.get("deploymentMode") == "CLUSTER_MULTI_AZ" else Decimal(1)
    engine = str(r.inputs.get("engineType", "")).lower()
    if engine != "rabbitmq":
        return [Unpriced("broker", f"engine {r.inputs.get('engineType')!r} is not priced")]
    return [
        Charge(
            f"broker-hours ({nodes} nodes)",
            nodes * _hours(usage),
            # The usage type names the instance type; engine and deployment pick the product.
            Rate(
                "AmazonMQ",
                str(r.inputs["hostInstanceType"]),
                (("brokerEngine", "RabbitMQ"), ("deploymentOption", "Single-AZ")),
                contains=True,
            ),
        )
    ]


# OpenSearch Service bills each data and dedicated master node by the hour and EBS storage per GB-month
# (https://aws.amazon.com/opensearch-service/pricing/).
def _search_instance(instance_type: str) -> Rate:
    """An OpenSearch node's rate: an `ESInstance` usage type of that instance type (`r6g.large.search`)."""
    return Rate("AmazonES", "ESInstance", (("instanceType", instance_type),), contains=True)


@prices("aws:opensearch/domain:Domain")
def search_domain(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    cluster = r.inputs.get("clusterConfig") or {}
    hours = _hours(usage)
    data_nodes = _number(cluster.get("instanceCount"), 1)
    items: list[Item] = [
        Charge(
            f"data node-hours ({data_nodes} nodes)",
            data_nodes * hours,
            _search_instance(str(cluster["instanceType"])),
        )
    ]
    if cluster.get("dedicatedMasterEnabled"):
        masters = _number(cluster.get("dedicatedMasterCount"), 3)
        items.append(
            Charge(
                f"master node-hours ({masters} nodes)",
                masters * hours,
                _search_instance(str(cluster["dedicatedMasterType"])),
            )
        )
    ebs = r.inputs.get("ebsOptions") or {}
    if ebs.get("ebsEnabled"):
        volume = str(ebs.get("volumeType", "gp2")).upper()
        size = _number(ebs.get("volumeSize"))
        items.append(
            Charge(
                f"{volume} storage GB-month ({data_nodes} x {size} GB)",
                data_nodes * size,
                Rate("AmazonES", "-Storage", (("storageMedia", volume),), contains=True),
            )
        )
    return items


# EC2 bills instance hours and EBS volumes per GB-month (https://aws.amazon.com/ec2/pricing/on-demand/,
# https://aws.amazon.com/ebs/pricing/).
@prices("aws:ec2/instance:Instance")
def ec2_instance(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    linux = (
        ("operatingSystem", "Linux"),
        ("tenancy", "Shared"),
        ("preInstalledSw", "NA"),
        ("capacitystatus", "Used"),
    )
    items: list[Item] = [
        Charge(
            "instance-hours (Linux)",
            _hours(usage),
            Rate("AmazonEC2", f"BoxUsage:{r.inputs['instanceType']}", linux),
        )
    ]
    root = r.inputs.get("rootBlockDevice") or {}
    size = _number(root.get("volumeSize"), 8)
    volume = str(root.get("volumeType", "gp3"))
    items.append(
        Charge(f"{volume} root volume GB-month", size, Rate("AmazonEC2", f"EBS:VolumeUsage.{volume}"))
    )
    if r.inputs.get("monitoring"):
        items.append(Unpriced("detailed monitoring", "billed as CloudWatch metrics, not in the snapshot"))
    return items


# CloudWatch bills each alarm per metric it evaluates, a metric-math alarm per metric in its expression;
# a period under 60 s is a high-resolution alarm (https://aws.amazon.com/cloudwatch/pricing/).
@prices("aws:cloudwatch/metricAlarm:MetricAlarm")
def metric_alarm(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    queries = r.inputs.get("metricQueries") or []
    metrics = [q["metric"] for q in queries if q.get("metric")] or [r.inputs]
    high = any(_number(m.get("period"), 60) < 60 for m in metrics)
    alarm_type = "High Resolution" if high else "Standard"
    rate = Rate("AmazonCloudWatch", "Alarm", (("alarmType", alarm_type),), contains=True)
    return [Charge(f"{alarm_type.lower()} alarm metrics", Decimal(len(metrics)), rate)]


@prices("aws:cloudwatch/logGroup:LogGroup")
def log_group(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    ingested = usage["logGbPerGroupPerMonth"]
    items: list[Item] = [
        Charge(
            "GB ingested (logGbPerGroupPerMonth)", ingested, Rate("AmazonCloudWatch", "DataProcessing-Bytes")
        )
    ]
    retention = r.inputs.get("retentionInDays")
    if not retention:
        items.append(Unpriced("storage", "kept forever: what is stored grows without bound"))
        return items
    months = _number(retention) / DAYS_PER_MONTH
    stored = ingested * usage["logStoredFraction"] * months
    items.append(
        Charge(
            f"GB-month stored ({retention} days retention, logStoredFraction)",
            stored,
            Rate("AmazonCloudWatch", "TimedStorage-ByteHrs"),
        )
    )
    return items


@prices("aws:cloudwatch/dashboard:Dashboard")
def dashboard(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [
        Charge("dashboard-month", Decimal(1), Rate("AmazonCloudWatch", "DashboardsUsageHour", regional=False))
    ]


# Secrets Manager bills each secret per month (https://aws.amazon.com/secrets-manager/pricing/).
@prices("aws:secretsmanager/secret:Secret")
def secret(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [
        Charge("secret-month", Decimal(1), Rate("AWSSecretsManager", "AWSSecretsManager-Secrets")),
        Unpriced("API calls", "billed per 10,000 calls; not in the snapshot"),
    ]


# KMS bills each customer managed key per month (https://aws.amazon.com/kms/pricing/).
@prices("aws:kms/key:Key")
def kms_key(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [Charge("key-month", Decimal(1), Rate("awskms", "KMS-Keys"))]


# Amazon Managed Service for Prometheus bills samples ingested (https://aws.amazon.com/prometheus/pricing/).
@prices("aws:amp/workspace:Workspace")
def prometheus(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [
        Charge(
            "samples ingested (prometheusSamplesPerMonth)",
            usage["prometheusSamplesPerMonth"],
            Rate("AmazonPrometheus", "AMP:MetricSampleCount"),
        ),
        Unpriced("storage and queries", "billed per GB-month and per sample queried; not in the snapshot"),
    ]


# Amazon Managed Grafana bills each active editor and viewer per month (https://aws.amazon.com/grafana/pricing/).
@prices("aws:grafana/workspace:Workspace")
def grafana(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [
        Charge("editor licences", usage["grafanaEditors"], Rate("AmazonGrafana", "Grafana:EditorUser")),
        Charge("viewer licences", usage["grafanaViewers"], Rate("AmazonGrafana", "Grafana:ViewerUser")),
    ]


# ECR bills stored images per GB-month (https://aws.amazon.com/ecr/pricing/).
@prices("aws:ecr/repository:Repository")
def ecr_repository(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [
        Charge(
            "GB-month stored (ecrGbStored)", usage["ecrGbStored"], Rate("AmazonECR", "TimedStorage-ByteHrs")
        )
    ]


# S3 Standard bills storage per GB-month (https://aws.amazon.com/s3/pricing/).
@prices("aws:s3/bucket:Bucket")
def s3_bucket(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [
        Charge(
            "Standard GB-month (s3GbPerBucket)",
            usage["s3GbPerBucket"],
            Rate("AmazonS3", "TimedStorage-ByteHrs", (("storageClass", "General Purpose"),)),
        ),
        Unpriced("requests", "billed per 1,000 requests; not in the snapshot"),
    ]


# AWS WAF bills each web ACL and each rule (a managed rule group counts as one) per month, and requests
# per million (https://aws.amazon.com/waf/pricing/).
@prices("aws:wafv2/webAcl:WebAcl")
def web_acl(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    rules = Decimal(len(r.inputs.get("rules") or []))
    return [
        Charge("web ACL-month", Decimal(1), Rate("awswaf", "WebACLV2")),
        Charge(f"rule-months ({rules} rules)", rules, Rate("awswaf", "RuleV2")),
        Charge("requests (requestsPerMonth)", usage["requestsPerMonth"], Rate("awswaf", "RequestV2-Tier1")),
    ]


@prices("aws:sns/topic:Topic")
def sns_topic(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [Unpriced("publishes and deliveries", "billed per request and delivery; not in the snapshot")]


@prices("aws:route53/record:Record")
def dns_record(r: Resource, plan: PlanIndex, usage: Usage) -> list[Item]:
    return [
        Unpriced(
            "queries", "alias queries to an ALB are free, others billed per million; not in the snapshot"
        )
    ]
