"""Find a deployed stack's resources through AWS itself: by the provider's tags and the platform's names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from infra import naming
from infra.config import ENVIRONMENTS
from infra.ops.errors import OpsError, UsageError
from infra.rehearsal.engine import load_project, read_stack_config

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_elasticache import ElastiCacheClient
    from mypy_boto3_rds import RDSClient

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_REGION = "eu-west-1"


class StackNotFound(OpsError):
    """Nothing tagged for the stack answers in the account and region asked."""


class RepositoryNotFound(OpsError):
    """The stack's ECR repository does not exist (the stack was never deployed)."""


@dataclass(frozen=True)
class ServiceNetwork:
    """Where one of the stack's ECS services runs: its cluster, task definition, subnets and groups."""

    cluster_arn: str
    service_name: str
    task_definition_arn: str
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]


def check_stack(stack: str) -> str:
    """The stack name, when it is one of the platform's environments."""
    if stack not in ENVIRONMENTS:
        raise UsageError(f"unknown stack {stack!r}: expected one of {', '.join(ENVIRONMENTS)}")
    return stack


def stack_region(stack: str, project: Path = PROJECT_ROOT) -> str:
    """The region a stack is deployed to, from `aws:region` in its stack file."""
    config, _ = read_stack_config(load_project(project), check_stack(stack))
    return config.get("aws:region", DEFAULT_REGION)


def stack_tags(environment: str) -> dict[str, str]:
    """The provider's default tags that single out one environment's resources."""
    return {"Project": naming.PROJECT, "Environment": environment}


def find_cluster(ecs: ECSClient, environment: str) -> str:
    """The ARN of the environment's ECS cluster (its name is generated, so it is found by its tags)."""
    wanted = stack_tags(environment)
    arns: list[str] = []
    for page in ecs.get_paginator("list_clusters").paginate():
        arns.extend(page["clusterArns"])
    matches: list[str] = []
    for start in range(0, len(arns), 100):
        described = ecs.describe_clusters(clusters=arns[start : start + 100], include=["TAGS"])
        for cluster in described["clusters"]:
            tags = {t.get("key", ""): t.get("value", "") for t in cluster.get("tags", [])}
            if cluster.get("status") == "ACTIVE" and all(tags.get(k) == v for k, v in wanted.items()):
                matches.append(cluster["clusterArn"])
    if not matches:
        raise StackNotFound(
            f"no active ECS cluster tagged Project={naming.PROJECT}, Environment={environment} in this "
            f"account and region: deploy the stack first (`pulumi up -s {environment}`), or check "
            "AWS_PROFILE and --region"
        )
    if len(matches) > 1:
        raise StackNotFound(
            f"{len(matches)} ECS clusters are tagged Environment={environment} "
            f"({', '.join(sorted(matches))}); "
            "remove the stale one before operating on this stack"
        )
    return matches[0]


def find_service(ecs: ECSClient, environment: str, role: str) -> ServiceNetwork:
    """The `postings-<env>-<role>` service: task definition and network (the app subnets, its group)."""
    cluster = find_cluster(ecs, environment)
    name = f"{naming.prefix(environment)}-{role}"
    described = ecs.describe_services(cluster=cluster, services=[name])
    services = [s for s in described["services"] if s.get("status") == "ACTIVE"]
    if not services:
        raise StackNotFound(
            f"the cluster {cluster} has no active service {name}: finish `pulumi up -s {environment}` first"
        )
    service = services[0]
    vpc = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
    if not vpc.get("subnets"):
        raise StackNotFound(
            f"the service {name} has no awsvpc network configuration; was it created by hand?"
        )
    return ServiceNetwork(
        cluster_arn=cluster,
        service_name=name,
        task_definition_arn=service["taskDefinition"],
        subnet_ids=tuple(vpc["subnets"]),
        security_group_ids=tuple(vpc.get("securityGroups", [])),
    )


def repository_uri(ecr: ECRClient, environment: str) -> str:
    """The URI of the environment's ECR repository: `<registry>/postings-<env>`."""
    name = naming.prefix(environment)
    try:
        found = ecr.describe_repositories(repositoryNames=[name])
    except ecr.exceptions.RepositoryNotFoundException:
        raise RepositoryNotFound(
            f"the ECR repository {name} does not exist in this account and region: deploy the stack "
            f"(`pulumi up -s {environment}`) before releasing to it, or check AWS_PROFILE and --region"
        ) from None
    return found["repositories"][0]["repositoryUri"]


def database_endpoint(rds: RDSClient, environment: str) -> tuple[str, int]:
    """Address and port of the environment's MySQL instance (`postings-<env>-mysql`)."""
    identifier = naming.physical_name(environment, "mysql", "aws:rds/instance:Instance")
    try:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    except rds.exceptions.DBInstanceNotFoundFault:
        raise StackNotFound(
            f"no RDS instance {identifier} in this account and region: deploy the stack first, or check "
            "AWS_PROFILE and --region"
        ) from None
    endpoint = instance.get("Endpoint", {})
    if not endpoint.get("Address"):
        raise StackNotFound(
            f"the RDS instance {identifier} has no endpoint yet (status {instance.get('DBInstanceStatus')})"
        )
    return endpoint["Address"], int(endpoint.get("Port", 3306))


def redis_endpoint(elasticache: ElastiCacheClient, environment: str) -> tuple[str, int]:
    """Address and port of the primary of the environment's Redis replication group."""
    group_id = naming.physical_name(environment, "redis", "aws:elasticache/replicationGroup:ReplicationGroup")
    try:
        group = elasticache.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]
    except elasticache.exceptions.ReplicationGroupNotFoundFault:
        raise StackNotFound(
            f"no ElastiCache replication group {group_id} in this account and region: deploy the stack "
            "first, or check AWS_PROFILE and --region"
        ) from None
    for node_group in group.get("NodeGroups", []):
        primary = node_group.get("PrimaryEndpoint", {})
        if primary.get("Address"):
            return primary["Address"], int(primary.get("Port", 6379))
    raise StackNotFound(
        f"the replication group {group_id} has no primary endpoint yet (status {group.get('Status')})"
    )
