"""ElastiCache cases: replication groups, cache clusters, parameter groups, users and user groups."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import network

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CLUSTER = "aws:elasticache/cluster:Cluster"
CREATE_GROUP = (
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html"
)
CREATE_CLUSTER = (
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheCluster.html"
)
PROVIDER_GROUP = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/elasticache/"
    "replication_group.go"
)
NODE_TYPES = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html"


def _redis(name: str = "redis", **overrides: Any) -> aws.elasticache.ReplicationGroup:
    args: dict[str, Any] = {
        "description": "corpus",
        "engine": "redis",
        "engine_version": "7.1",
        "node_type": "cache.t4g.micro",
        "num_cache_clusters": 1,
        "transit_encryption_enabled": True,
        "at_rest_encryption_enabled": True,
    }
    args.update(overrides)
    return aws.elasticache.ReplicationGroup(name, **args)


def _memcached(name: str = "memcached", **overrides: Any) -> aws.elasticache.Cluster:
    args: dict[str, Any] = {
        "engine": "memcached",
        "engine_version": "1.6.22",
        "node_type": "cache.t4g.small",
        "num_cache_nodes": 2,
    }
    args.update(overrides)
    return aws.elasticache.Cluster(name, **args)


def _app_user(**overrides: Any) -> aws.elasticache.User:
    args: dict[str, Any] = {
        "user_id": "app",
        "user_name": "app",
        "engine": "redis",
        "access_string": "on ~* +@all",
        "passwords": ["correct-horse-battery-staple"],
    }
    args.update(overrides)
    return aws.elasticache.User("app-user", **args)


@valid("elasticache")
def elasticache_redis_with_failover_and_auth() -> None:
    net = network()
    subnets = aws.elasticache.SubnetGroup("cache-subnets", subnet_ids=[s.id for s in net.subnets])
    params = aws.elasticache.ParameterGroup(
        "cache-params",
        family="redis7",
        parameters=[
            aws.elasticache.ParameterGroupParameterArgs(name="maxmemory-policy", value="allkeys-lru")
        ],
    )
    _redis(
        subnet_group_name=subnets.name,
        security_group_ids=[net.group.id],
        parameter_group_name=params.name,
        num_cache_clusters=2,
        automatic_failover_enabled=True,
        multi_az_enabled=True,
        auth_token="correct-horse-battery-staple",
        snapshot_retention_limit=7,
    )


@valid("elasticache")
def elasticache_memcached_cross_az() -> None:
    _memcached(az_mode="cross-az", num_cache_nodes=3)


@valid("elasticache")
def elasticache_rbac_user_group() -> None:
    default = aws.elasticache.User(
        "default-user",
        user_id="app-default",
        user_name="default",
        engine="redis",
        access_string="off ~* -@all",
        no_password_required=True,
    )
    app = _app_user(access_string="on ~app:* +@read +@write")
    aws.elasticache.UserGroup(
        "users", user_group_id="app-users", engine="redis", user_ids=[default.id, app.id]
    )


@refused("elasticache", token=GROUP, prop="nodeType", source=NODE_TYPES)
def elasticache_node_type_t4g_large_does_not_exist() -> None:
    _redis(node_type="cache.t4g.large")


@refused("elasticache", token=CLUSTER, prop="nodeType", source=NODE_TYPES)
def elasticache_node_type_ec2_name() -> None:
    _memcached(node_type="t4g.small")


@refused(
    "elasticache",
    token=GROUP,
    prop="engineVersion",
    source="https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/supported-engine-versions.html",
)
def elasticache_redis_version_7_4_not_offered() -> None:
    _redis(engine_version="7.4")


@refused("elasticache", token=GROUP, prop="authToken", source=CREATE_GROUP)
def elasticache_auth_token_too_short() -> None:
    _redis(auth_token="s3cret-token")


@refused("elasticache", token=GROUP, prop="authToken", source=CREATE_GROUP)
def elasticache_auth_token_with_at_sign() -> None:
    _redis(auth_token="app@correct-horse-battery")


@refused("elasticache", token=GROUP, prop="transitEncryptionEnabled", source=CREATE_GROUP)
def elasticache_auth_token_without_tls() -> None:
    _redis(transit_encryption_enabled=False, auth_token="correct-horse-battery-staple")


@refused("elasticache", token=GROUP, prop="automaticFailoverEnabled", source=PROVIDER_GROUP)
def elasticache_failover_with_one_node() -> None:
    _redis(automatic_failover_enabled=True)


@refused("elasticache", token=GROUP, prop="multiAzEnabled", source=PROVIDER_GROUP)
def elasticache_multi_az_without_failover() -> None:
    _redis(num_cache_clusters=2, multi_az_enabled=True)


@refused("elasticache", token=GROUP, prop="snapshotRetentionLimit", source=CREATE_GROUP)
def elasticache_snapshot_retention_above_35() -> None:
    _redis(snapshot_retention_limit=90)


@refused("elasticache", token=CLUSTER, prop="numCacheNodes", source=CREATE_CLUSTER)
def elasticache_redis_cluster_with_three_nodes() -> None:
    _memcached(engine="redis", engine_version="7.1", num_cache_nodes=3)


@refused("elasticache", token=CLUSTER, prop="numCacheNodes", source=CREATE_CLUSTER)
def elasticache_memcached_above_40_nodes() -> None:
    _memcached(num_cache_nodes=41)


@refused("elasticache", token=CLUSTER, prop="azMode", source=CREATE_CLUSTER)
def elasticache_cross_az_with_one_node() -> None:
    _memcached(az_mode="cross-az", num_cache_nodes=1)


@refused(
    "elasticache",
    token="aws:elasticache/parameterGroup:ParameterGroup",
    prop="family",
    source="https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html",
)
def elasticache_parameter_group_family_with_patch() -> None:
    aws.elasticache.ParameterGroup("cache-params", family="redis7.1")


@refused(
    "elasticache",
    token="aws:elasticache/user:User",
    prop="passwords",
    source="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUser.html",
)
def elasticache_user_password_too_short() -> None:
    _app_user(passwords=["s3cret"])


@refused(
    "elasticache",
    token="aws:elasticache/userGroup:UserGroup",
    prop="userIds",
    source="https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html",
)
def elasticache_user_group_without_default_user() -> None:
    app = _app_user()
    aws.elasticache.UserGroup("users", user_group_id="app-users", engine="redis", user_ids=[app.id])


@valid("elasticache")
def elasticache_cluster_mode_and_data_tiering() -> None:
    _redis(
        "sharded",
        node_type="cache.r7g.large",
        num_cache_clusters=None,
        num_node_groups=3,
        replicas_per_node_group=5,
        automatic_failover_enabled=True,
    )
    _redis(
        "tiered",
        node_type="cache.r6gd.xlarge",
        num_cache_clusters=6,
        automatic_failover_enabled=True,
        data_tiering_enabled=True,
    )


@valid("elasticache")
def elasticache_memcached_in_its_vpc() -> None:
    net = network()
    subnets = aws.elasticache.SubnetGroup("cache-subnets", subnet_ids=[s.id for s in net.subnets])
    _memcached(subnet_group_name=subnets.name, security_group_ids=[net.group.id])


@refused("elasticache", token=GROUP, prop="numCacheClusters", source=CREATE_GROUP)
def elasticache_seven_cache_clusters() -> None:
    _redis(num_cache_clusters=7, automatic_failover_enabled=True)


@refused("elasticache", token=GROUP, prop="replicasPerNodeGroup", source=CREATE_GROUP)
def elasticache_six_replicas_per_shard() -> None:
    _redis(
        num_cache_clusters=None, num_node_groups=2, replicas_per_node_group=6, automatic_failover_enabled=True
    )


@refused("elasticache", token=GROUP, prop="automaticFailoverEnabled", source=CREATE_GROUP)
def elasticache_cluster_mode_without_failover() -> None:
    _redis(
        num_cache_clusters=None,
        num_node_groups=2,
        replicas_per_node_group=1,
        automatic_failover_enabled=False,
    )


@refused("elasticache", token=GROUP, prop="dataTieringEnabled", source=CREATE_GROUP)
def elasticache_data_tiering_on_r7g() -> None:
    _redis(
        node_type="cache.r7g.large",
        num_cache_clusters=2,
        automatic_failover_enabled=True,
        data_tiering_enabled=True,
    )


@refused("elasticache", token=GROUP, prop="dataTieringEnabled", source=CREATE_GROUP)
def elasticache_r6gd_without_data_tiering() -> None:
    _redis(node_type="cache.r6gd.xlarge", num_cache_clusters=2, automatic_failover_enabled=True)


@refused("elasticache", token=CLUSTER, prop="snapshotRetentionLimit", source=CREATE_CLUSTER)
def elasticache_memcached_with_snapshots() -> None:
    _memcached(snapshot_retention_limit=3)


SAME_VPC = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"


@refused("elasticache", token=GROUP, prop="securityGroupIds", source=SAME_VPC)
def elasticache_security_group_of_another_vpc() -> None:
    net, other = network(), network("other", "10.1.0.0/16")
    subnets = aws.elasticache.SubnetGroup("cache-subnets", subnet_ids=[s.id for s in net.subnets])
    _redis(subnet_group_name=subnets.name, security_group_ids=[other.group.id])


@refused(
    "elasticache",
    token="aws:elasticache/subnetGroup:SubnetGroup",
    prop="subnetIds",
    source="https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SubnetGroups.html",
)
def elasticache_subnet_group_across_two_vpcs() -> None:
    first, second = network(), network("other", "10.1.0.0/16")
    aws.elasticache.SubnetGroup("cache-subnets", subnet_ids=[first.subnets[0].id, second.subnets[1].id])


@refused("elasticache", token=GROUP, prop="nodeType", source=NODE_TYPES)
def elasticache_t2_node_of_a_size_that_does_not_exist() -> None:
    _redis(node_type="cache.t2.large")


@valid("elasticache")
def elasticache_valkey_with_an_hour_of_maintenance() -> None:
    _redis(engine="valkey", engine_version="8.0", maintenance_window="sun:05:00-sun:06:00")


@refused("elasticache", token=GROUP, prop="maintenanceWindow", source=CREATE_GROUP)
def elasticache_maintenance_window_of_half_an_hour() -> None:
    _redis(maintenance_window="sun:05:00-sun:05:30")


@refused("elasticache", token=GROUP, prop="engine", source=CREATE_GROUP)
def elasticache_replication_group_of_memcached() -> None:
    _redis(
        engine="memcached",
        engine_version=None,
        transit_encryption_enabled=None,
        at_rest_encryption_enabled=None,
    )
