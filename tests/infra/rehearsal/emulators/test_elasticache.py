"""ElastiCache emulators: cache clusters and users are in moto as declared; parameter and user groups, which
moto lacks, carry their documented ARNs."""

from __future__ import annotations

from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


def test_memcached_cluster_has_its_nodes_and_endpoint() -> None:
    with rehearse_case("elasticache_memcached_cross_az") as rehearsal:
        cluster = rehearsal.result.one("aws:elasticache/cluster:Cluster", "memcached")
        client = rehearsal.session.client("elasticache", region_name=rehearsal.account.region)
        described = client.describe_cache_clusters(CacheClusterId=str(cluster.id))["CacheClusters"][0]
        assert (described["Engine"], described["NumCacheNodes"]) == ("memcached", 3), cluster.urn
        assert cluster.state["configurationEndpoint"].endswith(":11211"), cluster.urn
        assert len(cluster.state["cacheNodes"]) == 3, cluster.urn
        assert spec_of(cluster.type).arn_pattern().fullmatch(cluster.state["arn"]), cluster.state["arn"]


def test_users_are_in_moto_and_the_group_names_them() -> None:
    with rehearse_case("elasticache_rbac_user_group") as rehearsal:
        client = rehearsal.session.client("elasticache", region_name=rehearsal.account.region)
        users = {u["UserId"]: u for u in client.describe_users()["Users"]}
        assert users["app"]["UserName"] == "app"
        assert users["app-default"]["UserName"] == "default"
        group = rehearsal.result.one("aws:elasticache/userGroup:UserGroup", "users")
        assert group.state["userIds"] == ["app-default", "app"], group.urn
        for resource in (group, rehearsal.result.one("aws:elasticache/user:User", "app-user")):
            assert spec_of(resource.type).arn_pattern().fullmatch(resource.state["arn"]), resource.state[
                "arn"
            ]


def test_parameter_group_arn_has_the_documented_form() -> None:
    with rehearse_case("elasticache_redis_with_failover_and_auth") as rehearsal:
        group = rehearsal.result.one("aws:elasticache/parameterGroup:ParameterGroup", "cache-params")
        assert group.state["arn"].endswith(f":parametergroup:{group.id}"), group.urn
        assert spec_of(group.type).arn_pattern().fullmatch(group.state["arn"]), group.state["arn"]
