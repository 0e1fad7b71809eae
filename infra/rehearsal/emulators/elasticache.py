"""ElastiCache: cache subnet groups and Redis replication groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import Emulated, Naming, Where, emulates, provider_host

CACHE_SUBNET_GROUP_NAME = Naming(
    max_length=255,
    pattern=r"[a-z0-9-]+",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheSubnetGroup.html"
        " (CacheSubnetGroupName: up to 255 alphanumeric characters or hyphens); the provider lower-cases it"
    ),
)
REPLICATION_GROUP_ID = Naming(
    key="replicationGroupId",
    max_length=40,
    pattern=r"[a-z](-?[a-z0-9])*",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html"
        " (ReplicationGroupId: 1-40 alphanumerics or hyphens; first a letter; no trailing or double hyphen)"
    ),
)


@emulates(
    "aws:elasticache/subnetGroup:SubnetGroup",
    note="create_cache_subnet_group",
    replace_on={"name"},
    naming=CACHE_SUBNET_GROUP_NAME,
    arn="arn:{partition}:elasticache:{region}:{account}:subnetgroup:{name}",
)
def cache_subnet_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    group = ctx.aws(
        r,
        "subnetIds",
        "elasticache",
        "create_cache_subnet_group",
        CacheSubnetGroupName=name,
        CacheSubnetGroupDescription=r.get("description", "Managed by Pulumi"),
        SubnetIds=list(r.get("subnetIds", [])),
    )["CacheSubnetGroup"]
    return name, {"name": name, "arn": group.get("ARN", ctx.arn("elasticache", f"subnetgroup:{name}"))}


def _replication_group_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    host = provider_host(where, s.get("replicationGroupId", name), "cache")
    return {
        "primaryEndpointAddress": f"master.{host}",
        "readerEndpointAddress": f"replica.{host}",
        "port": s.get("port", 6379),
    }


@emulates(
    "aws:elasticache/replicationGroup:ReplicationGroup",
    note="create_replication_group; moto keeps one member cluster whatever numCacheClusters says and names "
    "endpoints in us-east-1 (returned as moto gives them)",
    replace_on={
        "atRestEncryptionEnabled",
        "engine",
        "kmsKeyId",
        "port",
        "replicationGroupId",
        "subnetGroupName",
    },
    naming=REPLICATION_GROUP_ID,
    arn="arn:{partition}:elasticache:{region}:{account}:replicationgroup:{name}",
    stateful="cache",
    computed=_replication_group_outputs,
    # customizeDiffEngineVersionForceNewOnDowngrade (internal/service/elasticache/replication_group.go).
    replace_on_downgrade={"engineVersion"},
)
def replication_group(ctx: Context, r: Resource) -> Emulated:
    group_id = r.physical_name()
    kwargs: dict[str, Any] = {
        "ReplicationGroupId": group_id,
        "ReplicationGroupDescription": r.get("description", "Managed by Pulumi"),
        "Engine": r.get("engine", "redis"),
        "CacheNodeType": r.get("nodeType"),
        "NumCacheClusters": int(r.get("numCacheClusters", 1)),
        "AutomaticFailoverEnabled": bool(r.get("automaticFailoverEnabled", False)),
        "MultiAZEnabled": bool(r.get("multiAzEnabled", False)),
        "Port": int(r.get("port", 6379)),
        "SecurityGroupIds": list(r.get("securityGroupIds", [])),
        "TransitEncryptionEnabled": bool(r.get("transitEncryptionEnabled", False)),
        "AtRestEncryptionEnabled": bool(r.get("atRestEncryptionEnabled", False)),
        "AutoMinorVersionUpgrade": bool(r.get("autoMinorVersionUpgrade", True)),
        "SnapshotRetentionLimit": int(r.get("snapshotRetentionLimit", 0)),
        "Tags": tags_list(r.get("tags")),
    }
    optional = {
        "engineVersion": "EngineVersion",
        "subnetGroupName": "CacheSubnetGroupName",
        "authToken": "AuthToken",
        "snapshotWindow": "SnapshotWindow",
        "maintenanceWindow": "PreferredMaintenanceWindow",
        "kmsKeyId": "KmsKeyId",
        "parameterGroupName": "CacheParameterGroupName",
    }
    kwargs.update({boto: r.get(key) for key, boto in optional.items() if r.get(key) is not None})
    created = ctx.aws(r, "replicationGroupId", "elasticache", "create_replication_group", **kwargs)[
        "ReplicationGroup"
    ]
    node_group = (created.get("NodeGroups") or [{}])[0]
    primary = node_group.get("PrimaryEndpoint") or {}
    reader = node_group.get("ReaderEndpoint") or {}
    members = [m["CacheClusterId"] for m in node_group.get("NodeGroupMembers", [])] or list(
        created.get("MemberClusters", [])
    )
    return group_id, {
        "replicationGroupId": group_id,
        "arn": created.get("ARN", ctx.arn("elasticache", f"replicationgroup:{group_id}")),
        "primaryEndpointAddress": primary.get("Address", ""),
        "readerEndpointAddress": reader.get(
            "Address", primary.get("Address", "").replace("master.", "replica.", 1)
        ),
        "port": primary.get("Port", kwargs["Port"]),
        "memberClusters": members,
        "engineVersionActual": created.get("EngineVersion", kwargs.get("EngineVersion", "")),
        "clusterEnabled": bool(created.get("ClusterEnabled", False)),
    }
