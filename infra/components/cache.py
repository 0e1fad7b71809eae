"""ElastiCache Redis: a replication group with TLS, encryption at rest and an AUTH token kept as a secret."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.secrets import GeneratedSecret, GeneratedSecretArgs

PORT = 6379


@dataclass(frozen=True, kw_only=True)
class CacheArgs:
    subnet_ids: pulumi.Input[list[str]]
    """Data-tier subnets."""
    security_group_id: pulumi.Input[str]
    """The cache security group."""
    replication_group_id: str
    """The replication group id (40 characters at most)."""
    node_type: str
    """ElastiCache node type."""
    replicas: int
    """Read replicas beside the primary; one or more turns on automatic failover."""
    engine_version: str
    """Redis engine version."""
    snapshot_retention_days: int
    """Daily snapshots kept."""


class Cache(pulumi.ComponentResource):
    """The Redis the postings service caches reads in."""

    primary_endpoint: pulumi.Output[str]
    port: pulumi.Output[int]
    auth_secret_arn: pulumi.Output[str]

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:Cache", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        subnet_group = aws.elasticache.SubnetGroup(
            f"{name}-subnets", subnet_ids=args.subnet_ids, description="postings redis", opts=child
        )
        auth = GeneratedSecret(
            f"{name}-auth",
            GeneratedSecretArgs(description="Redis AUTH token for the postings service", username="default"),
            opts=child,
        )
        failover = args.replicas > 0
        group = aws.elasticache.ReplicationGroup(
            f"{name}-redis",
            replication_group_id=args.replication_group_id,
            description="postings read-through cache",
            engine="redis",
            engine_version=args.engine_version,
            node_type=args.node_type,
            num_cache_clusters=1 + args.replicas,
            automatic_failover_enabled=failover,
            multi_az_enabled=failover,
            port=PORT,
            subnet_group_name=subnet_group.name,
            security_group_ids=[args.security_group_id],
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            auth_token=auth.password,
            snapshot_retention_limit=args.snapshot_retention_days,
            snapshot_window="01:00-02:00",
            maintenance_window="sun:04:30-sun:05:30",
            auto_minor_version_upgrade=True,
            apply_immediately=True,
            opts=child,
        )
        self.primary_endpoint = group.primary_endpoint_address
        self.port = group.port.apply(lambda port: port or PORT)
        self.auth_secret_arn = auth.arn
        self.register_outputs(
            {
                "primary_endpoint": self.primary_endpoint,
                "port": self.port,
                "auth_secret_arn": self.auth_secret_arn,
            }
        )
