"""OpenSearch Service cases: domains (zone awareness, masters, volumes, TLS, versions) and access policies."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import network

DOMAIN = "aws:opensearch/domain:Domain"
CREATE_DOMAIN = "https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_CreateDomain.html"
CLUSTER_CONFIG = "https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_ClusterConfig.html"


def _domain(cluster: dict[str, Any] | None = None, **overrides: Any) -> aws.opensearch.Domain:
    args: dict[str, Any] = {
        "domain_name": "corpus-search",
        "engine_version": "OpenSearch_2.19",
        "cluster_config": {"instance_type": "t3.small.search", "instance_count": 1, **(cluster or {})},
        "ebs_options": {"ebs_enabled": True, "volume_type": "gp3", "volume_size": 10},
        "encrypt_at_rest": {"enabled": True},
        "node_to_node_encryption": {"enabled": True},
        "domain_endpoint_options": {
            "enforce_https": True,
            "tls_security_policy": "Policy-Min-TLS-1-2-2019-07",
        },
    }
    args.update(overrides)
    return aws.opensearch.Domain("search", **args)


def _two_zones(**cluster: Any) -> dict[str, Any]:
    return {
        "instance_type": "r6g.large.search",
        "instance_count": 2,
        "zone_awareness_enabled": True,
        "zone_awareness_config": {"availability_zone_count": 2},
        **cluster,
    }


@valid("opensearch")
def opensearch_vpc_domain_two_zones_with_masters_and_policy() -> None:
    net = network()
    domain = _domain(
        _two_zones(
            dedicated_master_enabled=True, dedicated_master_type="m6g.large.search", dedicated_master_count=3
        ),
        ebs_options={"ebs_enabled": True, "volume_type": "gp3", "volume_size": 100},
        vpc_options={"subnet_ids": [s.id for s in net.subnets], "security_group_ids": [net.group.id]},
    )
    aws.opensearch.DomainPolicy(
        "search-policy",
        domain_name=domain.domain_name,
        access_policies=pulumi.Output.all(domain.arn).apply(
            lambda args: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "*"},
                            "Action": "es:ESHttp*",
                            "Resource": f"{args[0]}/*",
                        }
                    ],
                }
            )
        ),
    )


@valid("opensearch")
def opensearch_public_domain_fine_grained_access() -> None:
    _domain(
        advanced_security_options={
            "enabled": True,
            "internal_user_database_enabled": True,
            "master_user_options": {"master_user_name": "admin", "master_user_password": "Correct-Horse-1"},
        }
    )


@refused(
    "opensearch",
    token=DOMAIN,
    prop="clusterConfig.zoneAwarenessConfig.availabilityZoneCount",
    source="https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_ZoneAwarenessConfig.html",
)
def opensearch_four_zones() -> None:
    _domain(_two_zones(instance_count=4, zone_awareness_config={"availability_zone_count": 4}))


@refused(
    "opensearch",
    token=DOMAIN,
    prop="clusterConfig.instanceCount",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-multiaz.html",
)
def opensearch_three_nodes_over_two_zones() -> None:
    _domain(_two_zones(instance_count=3))


@refused(
    "opensearch",
    token=DOMAIN,
    prop="vpcOptions.subnetIds",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
)
def opensearch_two_zones_one_subnet() -> None:
    net = network()
    _domain(
        _two_zones(), vpc_options={"subnet_ids": [net.subnets[0].id], "security_group_ids": [net.group.id]}
    )


@refused("opensearch", token=DOMAIN, prop="clusterConfig.dedicatedMasterCount", source=CLUSTER_CONFIG)
def opensearch_two_dedicated_masters() -> None:
    _domain(
        _two_zones(
            dedicated_master_enabled=True, dedicated_master_type="m6g.large.search", dedicated_master_count=2
        )
    )


@refused("opensearch", token=DOMAIN, prop="clusterConfig.dedicatedMasterCount", source=CLUSTER_CONFIG)
def opensearch_four_dedicated_masters() -> None:
    _domain(
        _two_zones(
            dedicated_master_enabled=True, dedicated_master_type="m6g.large.search", dedicated_master_count=4
        )
    )


@refused(
    "opensearch",
    token=DOMAIN,
    prop="clusterConfig.instanceType",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/supported-instance-types.html",
)
def opensearch_instance_type_elasticsearch_suffix() -> None:
    _domain({"instance_type": "t3.small.elasticsearch"})


@refused(
    "opensearch",
    token=DOMAIN,
    prop="clusterConfig.instanceType",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/supported-instance-types.html",
)
def opensearch_instance_type_without_search_suffix() -> None:
    _domain({"instance_type": "r6g.large"})


@refused(
    "opensearch",
    token=DOMAIN,
    prop="ebsOptions.volumeSize",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/limits.html#ebsresource",
)
def opensearch_volume_below_10_gib() -> None:
    _domain(ebs_options={"ebs_enabled": True, "volume_type": "gp3", "volume_size": 5})


@refused(
    "opensearch",
    token=DOMAIN,
    prop="ebsOptions.volumeSize",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/limits.html#ebsresource",
)
def opensearch_volume_too_big_for_t3_small() -> None:
    _domain(ebs_options={"ebs_enabled": True, "volume_type": "gp3", "volume_size": 500})


@refused(
    "opensearch",
    token=DOMAIN,
    prop="domainEndpointOptions.tlsSecurityPolicy",
    source="https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DomainEndpointOptions.html",
)
def opensearch_tls_policy_1_3() -> None:
    _domain(
        domain_endpoint_options={"enforce_https": True, "tls_security_policy": "Policy-Min-TLS-1-3-2021-06"}
    )


@refused("opensearch", token=DOMAIN, prop="engineVersion", source=CREATE_DOMAIN)
def opensearch_engine_version_without_engine_name() -> None:
    _domain(engine_version="2.19")


@refused(
    "opensearch",
    token=DOMAIN,
    prop="advancedSecurityOptions",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html",
)
def opensearch_fine_grained_access_without_https() -> None:
    _domain(
        domain_endpoint_options={"enforce_https": False},
        advanced_security_options={
            "enabled": True,
            "internal_user_database_enabled": True,
            "master_user_options": {"master_user_name": "admin", "master_user_password": "Correct-Horse-1"},
        },
    )


SUPPORTED_TYPES = (
    "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/supported-instance-types.html"
)


@valid("opensearch")
def opensearch_graviton3_nodes_the_model_enum_lacks() -> None:
    net = network()
    _domain(
        _two_zones(
            instance_type="r7g.large.search",
            dedicated_master_enabled=True,
            dedicated_master_type="m7g.large.search",
            dedicated_master_count=3,
        ),
        ebs_options={"ebs_enabled": True, "volume_type": "gp3", "volume_size": 100},
        vpc_options={"subnet_ids": [s.id for s in net.subnets], "security_group_ids": [net.group.id]},
        auto_tune_options={"desired_state": "ENABLED", "rollback_on_disable": "NO_ROLLBACK"},
    )


@valid("opensearch")
def opensearch_instance_store_nodes_without_ebs() -> None:
    _domain({"instance_type": "im4gn.large.search"}, ebs_options={"ebs_enabled": False})
    aws.opensearch.Domain(
        "search-or2",
        domain_name="corpus-or2",
        engine_version="OpenSearch_2.19",
        cluster_config={"instance_type": "or2.medium.search", "instance_count": 1},
        ebs_options={"ebs_enabled": True, "volume_type": "gp3", "volume_size": 20},
        encrypt_at_rest={"enabled": True},
    )


@valid("opensearch")
def opensearch_ultrawarm_with_dedicated_masters() -> None:
    _domain(
        _two_zones(
            dedicated_master_enabled=True,
            dedicated_master_type="m6g.large.search",
            dedicated_master_count=3,
            warm_enabled=True,
            warm_type="ultrawarm1.medium.search",
            warm_count=2,
        ),
        ebs_options={"ebs_enabled": True, "volume_type": "gp3", "volume_size": 100},
    )


@refused("opensearch", token=DOMAIN, prop="clusterConfig.instanceType", source=SUPPORTED_TYPES)
def opensearch_instance_type_of_no_family() -> None:
    _domain({"instance_type": "r9q.large.search"})


@refused("opensearch", token=DOMAIN, prop="clusterConfig.instanceType", source=SUPPORTED_TYPES)
def opensearch_newer_family_without_search_suffix() -> None:
    _domain({"instance_type": "r7g.large"})


@refused("opensearch", token=DOMAIN, prop="clusterConfig.dedicatedMasterType", source=SUPPORTED_TYPES)
def opensearch_master_type_of_no_family() -> None:
    _domain(
        _two_zones(
            dedicated_master_enabled=True, dedicated_master_type="m9x.large.search", dedicated_master_count=3
        )
    )


@refused(
    "opensearch",
    token=DOMAIN,
    prop="engineVersion",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/what-is.html#choosing-version",
)
def opensearch_engine_version_not_released() -> None:
    _domain(engine_version="OpenSearch_2.99")


@refused(
    "opensearch",
    token=DOMAIN,
    prop="clusterConfig.warmEnabled",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ultrawarm.html",
)
def opensearch_ultrawarm_without_dedicated_masters() -> None:
    _domain(_two_zones(warm_enabled=True, warm_type="ultrawarm1.medium.search", warm_count=2))


@refused(
    "opensearch",
    token=DOMAIN,
    prop="ebsOptions.ebsEnabled",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createupdatedomains.html",
)
def opensearch_graviton_nodes_without_ebs_options() -> None:
    _domain({"instance_type": "r6g.large.search"}, ebs_options=None)


@refused(
    "opensearch",
    token=DOMAIN,
    prop="ebsOptions.ebsEnabled",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createupdatedomains.html",
)
def opensearch_graviton_nodes_with_ebs_disabled() -> None:
    _domain({"instance_type": "r7g.large.search"}, ebs_options={"ebs_enabled": False})


@refused(
    "opensearch",
    token=DOMAIN,
    prop="autoTuneOptions.desiredState",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/auto-tune.html",
)
def opensearch_auto_tune_on_t3() -> None:
    _domain(auto_tune_options={"desired_state": "ENABLED", "rollback_on_disable": "NO_ROLLBACK"})


FGAC = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html"


@refused("opensearch", token=DOMAIN, prop="advancedSecurityOptions.masterUserOptions", source=FGAC)
def opensearch_internal_user_database_without_master_user() -> None:
    _domain(advanced_security_options={"enabled": True, "internal_user_database_enabled": True})


@refused("opensearch", token=DOMAIN, prop="advancedSecurityOptions.masterUserOptions", source=FGAC)
def opensearch_iam_master_user_without_arn() -> None:
    _domain(
        advanced_security_options={
            "enabled": True,
            "internal_user_database_enabled": False,
            "master_user_options": {"master_user_name": "admin", "master_user_password": "Correct-Horse-1"},
        }
    )


@refused("opensearch", token=DOMAIN, prop="encryptAtRest.enabled", source=SUPPORTED_TYPES)
def opensearch_t2_encrypted_at_rest() -> None:
    _domain({"instance_type": "t2.small.search"}, engine_version="Elasticsearch_7.10")


@refused(
    "opensearch",
    token=DOMAIN,
    prop="clusterConfig.warmCount",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/opensearch/domain.go",
)
def opensearch_a_single_ultrawarm_node() -> None:
    _domain(
        _two_zones(
            dedicated_master_enabled=True,
            dedicated_master_type="m6g.large.search",
            dedicated_master_count=3,
            warm_enabled=True,
            warm_type="ultrawarm1.medium.search",
            warm_count=1,
        ),
        ebs_options={"ebs_enabled": True, "volume_type": "gp3", "volume_size": 100},
    )
