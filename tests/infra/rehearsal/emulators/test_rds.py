"""RDS emulators: Aurora clusters, their instances and parameter groups, read replicas are in moto."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def aurora() -> Iterator[Rehearsal]:
    with rehearse_case("rds_aurora_cluster_with_instance") as rehearsed:
        yield rehearsed


def _rds(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("rds", region_name=rehearsal.account.region)


def test_cluster_has_its_engine_scaling_and_parameter_group(aurora: Rehearsal) -> None:
    cluster = aurora.result.one("aws:rds/cluster:Cluster", "aurora")
    group = aurora.result.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "aurora-params")
    described = _rds(aurora).describe_db_clusters(DBClusterIdentifier=cluster.id)["DBClusters"][0]
    assert described["Engine"] == "aurora-mysql", cluster.urn
    assert described["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 4.0}, (
        cluster.urn
    )
    assert described["DBClusterParameterGroup"] == group.id, cluster.urn
    assert spec_of(cluster.type).arn_pattern().fullmatch(cluster.state["arn"]), cluster.state["arn"]
    assert spec_of(group.type).arn_pattern().fullmatch(group.state["arn"]), group.state["arn"]


def test_cluster_instances_are_members_of_the_cluster(aurora: Rehearsal) -> None:
    cluster = aurora.result.one("aws:rds/cluster:Cluster", "aurora")
    instances = aurora.result.by_type("aws:rds/clusterInstance:ClusterInstance")
    members = _rds(aurora).describe_db_clusters(DBClusterIdentifier=cluster.id)["DBClusters"][0][
        "DBClusterMembers"
    ]
    assert sorted(m["DBInstanceIdentifier"] for m in members) == sorted(str(i.id) for i in instances), (
        cluster.urn
    )
    for instance in instances:
        assert spec_of(instance.type).arn_pattern().fullmatch(instance.state["arn"]), instance.state["arn"]


def test_parameter_group_holds_the_declared_parameter(aurora: Rehearsal) -> None:
    group = aurora.result.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "aurora-params")
    parameters = _rds(aurora).describe_db_cluster_parameters(DBClusterParameterGroupName=group.id)[
        "Parameters"
    ]
    assert {"time_zone": "UTC"}.items() <= {
        p["ParameterName"]: p.get("ParameterValue") for p in parameters
    }.items()


def test_replica_reads_from_its_source() -> None:
    with rehearse_case("rds_postgres_gp3_with_iops_and_replica") as rehearsal:
        primary = rehearsal.result.one("aws:rds/instance:Instance", "pg")
        replica = rehearsal.result.one("aws:rds/instance:Instance", "pg-replica")
        described = _rds(rehearsal).describe_db_instances(DBInstanceIdentifier=replica.id)["DBInstances"][0]
        assert described["ReadReplicaSourceDBInstanceIdentifier"] == primary.id, replica.urn
        assert described["Engine"] == "postgres", replica.urn


def test_io_optimized_clusters_keep_their_storage_type() -> None:
    with rehearse_case("rds_aurora_io_optimized_clusters") as rehearsal:
        clusters = rehearsal.result.by_type("aws:rds/cluster:Cluster")
        assert len(clusters) == 2, [c.urn for c in clusters]
        for cluster in clusters:
            described = _rds(rehearsal).describe_db_clusters(DBClusterIdentifier=cluster.id)["DBClusters"][0]
            assert described["StorageType"] == "aurora-iopt1", cluster.urn


def test_option_group_keeps_its_major_version() -> None:
    with rehearse_case("rds_mariadb_with_a_current_option_group") as rehearsal:
        group = rehearsal.result.one("aws:rds/optionGroup:OptionGroup", "options")
        described = _rds(rehearsal).describe_option_groups(OptionGroupName=group.id)["OptionGroupsList"][0]
        assert (described["EngineName"], described["MajorEngineVersion"]) == ("mariadb", "10.11"), group.urn
