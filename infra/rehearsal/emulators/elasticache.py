"""ElastiCache: subnet and parameter groups, replication groups, cache clusters, users and user groups."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.emulators.ec2 import SAME_VPC, groups_outside_the_subnets_vpc
from infra.rehearsal.emulators.rds import _WEEK as WEEK_MINUTES
from infra.rehearsal.emulators.rds import _span, _week_window
from infra.rehearsal.spec import Emulated, Naming, Validation, Where, emulates, provider_host, rule

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


NODE_TYPES_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html"
_SMALL = ("micro", "small", "medium")
_GRAVITON = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
_INTEL_5 = ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge")
# Node families and their sizes (the supported node types page, November 2026): no cache.t4g.large, no
# cache.m7g.24xlarge. Previous generations are listed with no sizes: only the family is checked.
NODE_SIZES: dict[str, tuple[str, ...]] = {
    "cache.t2": ("micro", "small", "medium"),
    "cache.m3": (),
    "cache.m4": ("large", "xlarge", "2xlarge", "4xlarge", "10xlarge"),
    "cache.r3": (),
    "cache.r4": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"),
    "cache.t3": _SMALL,
    "cache.t4g": _SMALL,
    "cache.m5": _INTEL_5,
    "cache.m6g": _GRAVITON,
    "cache.m7g": _GRAVITON,
    "cache.r5": _INTEL_5,
    "cache.r6g": _GRAVITON,
    "cache.r6gd": ("xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "cache.r7g": _GRAVITON,
    "cache.c7gn": _GRAVITON,
}
ENGINE_VERSIONS_SOURCE = (
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/supported-engine-versions.html"
)
# Major.minor versions a new cache can run: Redis OSS 6 and later are given as major.minor (the provider
# refuses a patch), 4.0.10 and 5.0.6 as the full version; Valkey as major.minor.
ENGINE_VERSIONS = {
    "redis": frozenset({"4.0.10", "5.0.6", "6.0", "6.2", "6.x", "7.0", "7.1"}),
    "valkey": frozenset({"7.2", "8.0", "8.1", "8.2"}),
}
# Memcached versions are full versions of the 1.4, 1.5 and 1.6 lines.
_MEMCACHED_VERSION = re.compile(r"1\.[456]\.\d+")
AUTH_TOKEN_SPECIALS = set("!&#$^<>-")
MAX_SNAPSHOT_RETENTION = 35
MAX_MEMCACHED_NODES = 40
CREATE_REPLICATION_GROUP = (
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html"
)
CREATE_CACHE_CLUSTER = (
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheCluster.html"
)
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"
PROVIDER_REPLICATION_GROUP = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/elasticache/"
    "replication_group.go"
)


@rule(
    "elasticache-node-type-exists",
    (REPLICATION_GROUP, CACHE_CLUSTER),
    prop="nodeType",
    summary="The cache node type is a current-generation type ElastiCache offers",
    source=NODE_TYPES_SOURCE,
)
def _node_type_exists(ctx: Context, r: Resource) -> str | None:
    node_type = r.get("nodeType")
    if not isinstance(node_type, str):
        return None
    family, _, size = node_type.rpartition(".")
    if family not in NODE_SIZES:
        return f"{node_type} is not a node type ElastiCache offers (families: {', '.join(NODE_SIZES)})"
    if NODE_SIZES[family] and size not in NODE_SIZES[family]:
        return f"{node_type} does not exist: {family} comes in {', '.join(NODE_SIZES[family])}"
    return None


@rule(
    "elasticache-engine-version-exists",
    (REPLICATION_GROUP, CACHE_CLUSTER),
    prop="engineVersion",
    summary="The engine version is one ElastiCache offers for the engine (Redis OSS 6+ as major.minor)",
    source=ENGINE_VERSIONS_SOURCE,
)
def _engine_version_exists(ctx: Context, r: Resource) -> str | None:
    engine, version = str(r.get("engine", "redis")).lower(), r.get("engineVersion")
    if not isinstance(version, str):
        return None
    if engine == "memcached":
        known = _MEMCACHED_VERSION.fullmatch(version)
        return None if known else f"ElastiCache offers no memcached {version} (1.4.x, 1.5.x, 1.6.x)"
    if engine not in ENGINE_VERSIONS or version in ENGINE_VERSIONS[engine]:
        return None
    offered = ", ".join(sorted(ENGINE_VERSIONS[engine]))
    return f"ElastiCache offers no {engine} {version}; it offers {offered}"


@rule(
    "elasticache-replication-group-engine",
    REPLICATION_GROUP,
    prop="engine",
    summary="A replication group's engine is redis or valkey",
    source=CREATE_REPLICATION_GROUP + " (Engine: the value must be set to valkey or redis)",
)
def _replication_group_engine(ctx: Context, r: Resource) -> str | None:
    engine = r.get("engine")
    if not isinstance(engine, str) or engine.lower() in ("redis", "valkey"):
        return None
    return f"engine {engine!r} is not redis or valkey"


MIN_MAINTENANCE_MINUTES = 60


@rule(
    "elasticache-maintenance-window-length",
    (REPLICATION_GROUP, CACHE_CLUSTER),
    prop="maintenanceWindow",
    summary="A maintenance window is at least 60 minutes",
    source=CREATE_REPLICATION_GROUP + " (PreferredMaintenanceWindow: the minimum maintenance window is a 60 "
    "minute period); " + CREATE_CACHE_CLUSTER,
)
def _maintenance_window_length(ctx: Context, r: Resource) -> str | None:
    window = r.get("maintenanceWindow")
    minutes = _week_window(window) if isinstance(window, str) else None
    if minutes is None or _span(*minutes, WEEK_MINUTES) >= MIN_MAINTENANCE_MINUTES:
        return None
    return f"the maintenance window {window} is shorter than {MIN_MAINTENANCE_MINUTES} minutes"


@rule(
    "elasticache-auth-token",
    REPLICATION_GROUP,
    prop="authToken",
    summary="authToken is 16-128 printable ASCII characters, specials only ! & # $ ^ < > -",
    source=CREATE_REPLICATION_GROUP + " (AuthToken)",
)
def _auth_token(ctx: Context, r: Resource) -> str | None:
    token = r.get("authToken")
    if not isinstance(token, str):
        return None
    if not 16 <= len(token) <= 128:
        return f"the AUTH token must be 16-128 characters; it has {len(token)}"
    bad = [c for c in token if not (c.isascii() and (c.isalnum() or c in AUTH_TOKEN_SPECIALS))]
    if bad:
        return "the AUTH token may hold letters, digits and ! & # $ ^ < > - only"
    return None


@rule(
    "elasticache-auth-token-needs-tls",
    REPLICATION_GROUP,
    prop="transitEncryptionEnabled",
    summary="An AUTH token needs transitEncryptionEnabled",
    source=CREATE_REPLICATION_GROUP + " (AuthToken: only where TransitEncryptionEnabled is true)",
)
def _auth_needs_tls(ctx: Context, r: Resource) -> str | None:
    if r.get("authToken") and not r.get("transitEncryptionEnabled"):
        return "an AUTH token can be set only on a replication group with transitEncryptionEnabled true"
    return None


@rule(
    "elasticache-failover-needs-replicas",
    REPLICATION_GROUP,
    prop="automaticFailoverEnabled",
    summary="Automatic failover needs at least 2 cache clusters (a primary and a replica)",
    source=PROVIDER_REPLICATION_GROUP
    + " (num_cache_clusters must be at least 2 with automatic failover); "
    + CREATE_REPLICATION_GROUP,
)
def _failover_needs_replicas(ctx: Context, r: Resource) -> str | None:
    if not r.get("automaticFailoverEnabled") or r.get("numNodeGroups") or r.get("replicasPerNodeGroup"):
        return None
    clusters = int(r.get("numCacheClusters", 1))
    if clusters >= 2:
        return None
    return f"automatic failover needs numCacheClusters of at least 2; got {clusters}"


@rule(
    "elasticache-multi-az-needs-failover",
    REPLICATION_GROUP,
    prop="multiAzEnabled",
    summary="multiAzEnabled needs automaticFailoverEnabled",
    source=PROVIDER_REPLICATION_GROUP
    + " (automatic_failover_enabled must be true if multi_az_enabled is true)",
)
def _multi_az_needs_failover(ctx: Context, r: Resource) -> str | None:
    if r.get("multiAzEnabled") and not r.get("automaticFailoverEnabled"):
        return "Multi-AZ needs automaticFailoverEnabled true"
    return None


@rule(
    "elasticache-snapshot-retention",
    (REPLICATION_GROUP, CACHE_CLUSTER),
    prop="snapshotRetentionLimit",
    summary="snapshotRetentionLimit is 0-35 days",
    source=CREATE_REPLICATION_GROUP + " (SnapshotRetentionLimit); the provider's IntAtMost(35)",
)
def _snapshot_retention(ctx: Context, r: Resource) -> str | None:
    days = r.get("snapshotRetentionLimit")
    if days is None or 0 <= int(days) <= MAX_SNAPSHOT_RETENTION:
        return None
    return f"snapshots are kept 0-{MAX_SNAPSHOT_RETENTION} days; got {days}"


@rule(
    "elasticache-cluster-node-count",
    CACHE_CLUSTER,
    prop="numCacheNodes",
    summary="A Redis OSS or Valkey cache cluster has 1 node; a Memcached one 1-40",
    source=CREATE_CACHE_CLUSTER + " (NumCacheNodes)",
)
def _cluster_nodes(ctx: Context, r: Resource) -> str | None:
    nodes, engine = r.get("numCacheNodes"), str(r.get("engine", "")).lower()
    if nodes is None or not engine:
        return None
    if engine == "memcached":
        if 1 <= int(nodes) <= MAX_MEMCACHED_NODES:
            return None
        return f"a Memcached cluster has 1-{MAX_MEMCACHED_NODES} nodes; got {nodes}"
    if int(nodes) == 1:
        return None
    return f"a {engine} cache cluster has exactly 1 node (use a replication group for replicas); got {nodes}"


@rule(
    "elasticache-cross-az-needs-nodes",
    CACHE_CLUSTER,
    prop="azMode",
    summary="azMode cross-az is for Memcached clusters of more than one node",
    source=CREATE_CACHE_CLUSTER + " (AZMode)",
)
def _cross_az(ctx: Context, r: Resource) -> str | None:
    if r.get("azMode") != "cross-az":
        return None
    if str(r.get("engine", "")).lower() != "memcached":
        return "azMode cross-az is only supported for Memcached clusters"
    if int(r.get("numCacheNodes", 1)) < 2:
        return "azMode cross-az needs more than one cache node"
    return None


def _model_only(ctx: Context, r: Resource, prop: str, operation: str, **kwargs: Any) -> None:
    """Check a request moto cannot serve against the service model, as `Context.aws` would."""
    ctx.check(r, prop, "elasticache", operation, **kwargs)


PARAMETER_GROUP_NAME = Naming(
    max_length=255,
    pattern=r"[a-z](-?[a-z0-9])*",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheParameterGroup.html"
        " (CacheParameterGroupName: letters, digits, hyphens; first a letter; no trailing or double hyphen)"
    ),
)
# The families ElastiCache has parameter groups for (DescribeCacheEngineVersions' CacheParameterGroupFamily).
PARAMETER_GROUP_FAMILIES = frozenset(
    {
        "memcached1.4",
        "memcached1.5",
        "memcached1.6",
        "redis2.6",
        "redis2.8",
        "redis3.2",
        "redis4.0",
        "redis5.0",
        "redis6.x",
        "redis7",
        "valkey7",
        "valkey8",
    }
)


@rule(
    "elasticache-parameter-group-family",
    "aws:elasticache/parameterGroup:ParameterGroup",
    prop="family",
    summary="The parameter group family is one ElastiCache has (redis7, valkey8, memcached1.6, ...)",
    source="https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html",
)
def _parameter_family(ctx: Context, r: Resource) -> str | None:
    family = r.get("family")
    if not isinstance(family, str) or family in PARAMETER_GROUP_FAMILIES:
        return None
    return (
        f"no parameter group family {family!r}; ElastiCache has {', '.join(sorted(PARAMETER_GROUP_FAMILIES))}"
    )


@emulates(
    "aws:elasticache/parameterGroup:ParameterGroup",
    note="moto has no CreateCacheParameterGroup: the request is checked against the service model and the "
    "family against the documented ones, nothing is created",
    replace_on={"description", "family", "name"},
    naming=PARAMETER_GROUP_NAME,
    arn="arn:{partition}:elasticache:{region}:{account}:parametergroup:{name}",
    validation=Validation.UNVALIDATED,
)
def cache_parameter_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    _model_only(
        ctx,
        r,
        "family",
        "create_cache_parameter_group",
        CacheParameterGroupName=name,
        CacheParameterGroupFamily=r.get("family"),
        Description=r.get("description", "Managed by Pulumi"),
    )
    parameters = [
        {"ParameterName": p["name"], "ParameterValue": str(p["value"])} for p in r.get("parameters", [])
    ]
    if parameters:
        _model_only(
            ctx,
            r,
            "parameters",
            "modify_cache_parameter_group",
            CacheParameterGroupName=name,
            ParameterNameValues=parameters,
        )
    return name, {"name": name, "arn": ctx.arn("elasticache", f"parametergroup:{name}")}


CLUSTER_ID = Naming(
    key="clusterId",
    max_length=50,
    pattern=r"[a-z](-?[a-z0-9])*",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheCluster.html"
        " (CacheClusterId: 1-50 alphanumerics or hyphens; first a letter; no trailing or double hyphen)"
    ),
)


def _cluster_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    host = provider_host(where, s.get("clusterId", name), "cache")
    port = s.get("port", 11211 if s.get("engine") == "memcached" else 6379)
    return {"clusterAddress": host, "configurationEndpoint": f"{host}:{port}", "port": port}


@emulates(
    CACHE_CLUSTER,
    note="create_cache_cluster; moto returns no endpoints, so the provider-shaped ones are built",
    replace_on={
        "availabilityZone",
        "clusterId",
        "engine",
        "networkType",
        "outpostMode",
        "port",
        "preferredOutpostArn",
        "replicationGroupId",
        "snapshotArns",
        "snapshotName",
        "subnetGroupName",
        "transitEncryptionEnabled",
    },
    naming=CLUSTER_ID,
    arn="arn:{partition}:elasticache:{region}:{account}:cluster:{name}",
    stateful="cache",
    computed=_cluster_outputs,
)
def cache_cluster(ctx: Context, r: Resource) -> Emulated:
    cluster_id = r.physical_name()
    kwargs: dict[str, Any] = {"CacheClusterId": cluster_id, "Tags": tags_list(r.get("tags"))}
    optional = {
        "replicationGroupId": "ReplicationGroupId",
        "engine": "Engine",
        "engineVersion": "EngineVersion",
        "nodeType": "CacheNodeType",
        "numCacheNodes": "NumCacheNodes",
        "parameterGroupName": "CacheParameterGroupName",
        "subnetGroupName": "CacheSubnetGroupName",
        "securityGroupIds": "SecurityGroupIds",
        "port": "Port",
        "azMode": "AZMode",
        "availabilityZone": "PreferredAvailabilityZone",
        "preferredAvailabilityZones": "PreferredAvailabilityZones",
        "snapshotRetentionLimit": "SnapshotRetentionLimit",
        "snapshotWindow": "SnapshotWindow",
        "maintenanceWindow": "PreferredMaintenanceWindow",
        "notificationTopicArn": "NotificationTopicArn",
        "transitEncryptionEnabled": "TransitEncryptionEnabled",
    }
    for key, boto in optional.items():
        value = r.get(key)
        if value is not None:
            kwargs[boto] = int(value) if isinstance(value, float) else value
    created = ctx.aws(r, "clusterId", "elasticache", "create_cache_cluster", **kwargs)["CacheCluster"]
    outputs = _cluster_outputs(
        Where(ctx.region, ctx.account_id), r.name, {**r.inputs, "clusterId": cluster_id}
    )
    return cluster_id, {
        "clusterId": cluster_id,
        "arn": created.get("ARN", ctx.arn("elasticache", f"cluster:{cluster_id}")),
        "engineVersionActual": created.get("EngineVersion", r.get("engineVersion", "")),
        **outputs,
        "cacheNodes": [
            {"id": f"{index + 1:04d}", "address": outputs["clusterAddress"], "port": outputs["port"]}
            for index in range(int(r.get("numCacheNodes", 1)))
        ],
    }


USER_ID = Naming(
    key="userId",
    max_length=40,
    pattern=r"[a-zA-Z][a-zA-Z0-9-]*",
    source=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUser.html"
        " (UserId: a letter, then letters, digits, hyphens); the user guide's RBAC limits (40 characters)"
    ),
)


@rule(
    "elasticache-user-passwords",
    "aws:elasticache/user:User",
    prop="passwords",
    summary="A user has 1-2 passwords of 16-128 characters, or noPasswordRequired",
    source="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUser.html"
    " (Passwords); the provider's StringLenBetween(16, 128), MaxItems 2",
)
def _user_passwords(ctx: Context, r: Resource) -> str | None:
    passwords = list(r.get("passwords", []))
    if len(passwords) > 2:
        return f"a user has at most 2 passwords; got {len(passwords)}"
    short = [p for p in passwords if not 16 <= len(str(p)) <= 128]
    if short:
        return "each password must be 16-128 characters"
    return None


@emulates(
    "aws:elasticache/user:User",
    note="create_user",
    replace_on={"userId", "userName"},
    naming=USER_ID,
    arn="arn:{partition}:elasticache:{region}:{account}:user:{name}",
)
def cache_user(ctx: Context, r: Resource) -> Emulated:
    user_id = r.physical_name()
    kwargs: dict[str, Any] = {
        "UserId": user_id,
        "UserName": r.get("userName"),
        "Engine": r.get("engine"),
        "AccessString": r.get("accessString"),
        "NoPasswordRequired": bool(r.get("noPasswordRequired", False)),
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("passwords"):
        kwargs["Passwords"] = list(r.get("passwords"))
    mode = r.get("authenticationMode")
    if mode:
        kwargs["AuthenticationMode"] = {
            "Type": mode.get("type"),
            **({"Passwords": list(mode["passwords"])} if mode.get("passwords") else {}),
        }
    created = ctx.aws(r, "userId", "elasticache", "create_user", **kwargs)
    return user_id, {"userId": user_id, "arn": created["ARN"]}


USER_GROUP_ID = Naming(
    key="userGroupId",
    max_length=40,
    pattern=r"[a-zA-Z][a-zA-Z0-9-]*",
    source=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUserGroup.html"
        " (UserGroupId: a letter, then letters, digits, hyphens)"
    ),
)


@rule(
    "elasticache-user-group-members-exist",
    "aws:elasticache/userGroup:UserGroup",
    prop="userIds",
    summary="A user group's users exist, and include the user named default",
    source="https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html"
    " (a user group must contain the default user)",
)
def _user_group_members(ctx: Context, r: Resource) -> str | None:
    wanted = [str(u) for u in r.get("userIds", [])]
    if not wanted:
        return None
    users = ctx.client("elasticache").describe_users()["Users"]
    known = {u["UserId"]: u for u in users}
    missing = [u for u in wanted if u not in known]
    if missing:
        return f"user {missing[0]} does not exist (UserNotFound)"
    if not any(known[u]["UserName"] == "default" for u in wanted):
        return "a user group must contain a user whose userName is default"
    return None


@emulates(
    "aws:elasticache/userGroup:UserGroup",
    note="moto has no CreateUserGroup: the request is checked against the service model and the users are "
    "read back from the account, nothing is created",
    # user_group.go: only engine and user_group_id are ForceNew; users are added and removed in place.
    replace_on={"engine", "userGroupId"},
    naming=USER_GROUP_ID,
    arn="arn:{partition}:elasticache:{region}:{account}:usergroup:{name}",
    validation=Validation.UNVALIDATED,
)
def cache_user_group(ctx: Context, r: Resource) -> Emulated:
    group_id = r.physical_name()
    _model_only(
        ctx,
        r,
        "userIds",
        "create_user_group",
        UserGroupId=group_id,
        Engine=r.get("engine"),
        UserIds=[str(u) for u in r.get("userIds", [])],
        Tags=tags_list(r.get("tags")),
    )
    return group_id, {"userGroupId": group_id, "arn": ctx.arn("elasticache", f"usergroup:{group_id}")}


MAX_CACHE_CLUSTERS = 6
MAX_REPLICAS_PER_NODE_GROUP = 5


@rule(
    "elasticache-num-cache-clusters",
    REPLICATION_GROUP,
    prop="numCacheClusters",
    summary="A replication group has 1-6 cache clusters (a primary and up to 5 replicas)",
    source=CREATE_REPLICATION_GROUP + " (NumCacheClusters: the maximum permitted value is 6)",
)
def _num_cache_clusters(ctx: Context, r: Resource) -> str | None:
    clusters = r.get("numCacheClusters")
    if not isinstance(clusters, (int, float)) or 1 <= clusters <= MAX_CACHE_CLUSTERS:
        return None
    return f"numCacheClusters is 1-{MAX_CACHE_CLUSTERS} (a primary and up to 5 replicas); got {clusters:g}"


@rule(
    "elasticache-replicas-per-node-group",
    REPLICATION_GROUP,
    prop="replicasPerNodeGroup",
    summary="Each node group (shard) has 0-5 replicas",
    source=CREATE_REPLICATION_GROUP + " (ReplicasPerNodeGroup: valid values are 0 to 5)",
)
def _replicas_per_node_group(ctx: Context, r: Resource) -> str | None:
    replicas = r.get("replicasPerNodeGroup")
    if not isinstance(replicas, (int, float)) or 0 <= replicas <= MAX_REPLICAS_PER_NODE_GROUP:
        return None
    return f"a node group has 0-{MAX_REPLICAS_PER_NODE_GROUP} replicas; got replicasPerNodeGroup {replicas:g}"


def _cluster_mode_enabled(r: Resource) -> bool:
    groups = r.get("numNodeGroups")
    return r.get("clusterMode") == "enabled" or (isinstance(groups, (int, float)) and groups > 1)


@rule(
    "elasticache-cluster-mode-needs-failover",
    REPLICATION_GROUP,
    prop="automaticFailoverEnabled",
    summary="A cluster-mode-enabled replication group (more than one node group) has automatic failover",
    source=CREATE_REPLICATION_GROUP
    + " (AutomaticFailoverEnabled: must be enabled for Valkey or Redis OSS (cluster mode enabled) "
    "replication groups)",
)
def _cluster_mode_failover(ctx: Context, r: Resource) -> str | None:
    if not _cluster_mode_enabled(r) or r.get("automaticFailoverEnabled"):
        return None
    return "cluster mode (numNodeGroups > 1 or clusterMode enabled) needs automaticFailoverEnabled true"


@rule(
    "elasticache-data-tiering-node-type",
    REPLICATION_GROUP,
    prop="dataTieringEnabled",
    summary="Data tiering is on exactly when the node type is an r6gd type",
    source=CREATE_REPLICATION_GROUP
    + " (DataTieringEnabled: only supported for the r6gd node type; must be true with r6gd nodes)",
)
def _data_tiering(ctx: Context, r: Resource) -> str | None:
    node_type, tiering = r.get("nodeType"), bool(r.get("dataTieringEnabled"))
    if not isinstance(node_type, str):
        return None
    r6gd = node_type.startswith("cache.r6gd.")
    if tiering and not r6gd:
        return f"data tiering needs r6gd nodes; {node_type} has no SSD to tier to"
    if r6gd and not tiering:
        return f"{node_type} nodes need dataTieringEnabled true"
    return None


@rule(
    "elasticache-memcached-no-snapshots",
    CACHE_CLUSTER,
    prop="snapshotRetentionLimit",
    summary="Memcached clusters keep no snapshots (snapshotRetentionLimit is for Redis OSS and Valkey)",
    source=CREATE_CACHE_CLUSTER + " (SnapshotRetentionLimit: only valid if the Engine parameter is redis)",
)
def _memcached_snapshots(ctx: Context, r: Resource) -> str | None:
    days = r.get("snapshotRetentionLimit")
    if str(r.get("engine", "")).lower() != "memcached" or not isinstance(days, (int, float)) or not days:
        return None
    return f"Memcached has no backups: remove snapshotRetentionLimit ({days:g})"


def _cache_subnet_ids(ctx: Context, name: Any) -> list[str]:
    """The subnets of a cache subnet group the account holds, or [] when it holds none of that name."""
    if not isinstance(name, str):
        return []
    groups = ctx.client("elasticache").describe_cache_subnet_groups()["CacheSubnetGroups"]
    found = next((g for g in groups if g["CacheSubnetGroupName"] == name), None)
    return [s["SubnetIdentifier"] for s in (found or {}).get("Subnets", [])]


@rule(
    "elasticache-security-groups-in-vpc",
    (REPLICATION_GROUP, CACHE_CLUSTER),
    prop="securityGroupIds",
    summary="The security groups belong to the VPC of the cache subnet group",
    source=SAME_VPC,
)
def _security_groups_in_vpc(ctx: Context, r: Resource) -> str | None:
    subnet_ids = _cache_subnet_ids(ctx, r.get("subnetGroupName"))
    return groups_outside_the_subnets_vpc(ctx, subnet_ids, r.get("securityGroupIds"))


@rule(
    "elasticache-subnet-group-one-vpc",
    "aws:elasticache/subnetGroup:SubnetGroup",
    prop="subnetIds",
    summary="A cache subnet group's subnets all belong to one VPC",
    source="https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SubnetGroups.html"
    " (a subnet group is a collection of subnets in one VPC)",
)
def _subnet_group_one_vpc(ctx: Context, r: Resource) -> str | None:
    subnet_ids = r.get("subnetIds")
    if not isinstance(subnet_ids, list) or not all(isinstance(s, str) for s in subnet_ids) or not subnet_ids:
        return None
    ec2 = ctx.client("ec2")
    try:
        subnets = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    except ec2.exceptions.ClientError:
        return None
    vpcs = sorted({s["VpcId"] for s in subnets})
    if len(vpcs) < 2:
        return None
    return f"the subnets are in {len(vpcs)} VPCs ({', '.join(vpcs)}); a subnet group's are in one"
