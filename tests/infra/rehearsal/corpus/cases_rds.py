"""RDS cases: DB instances, Aurora clusters and their instances and parameter groups."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import network, role

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
CREATE_DB_INSTANCE = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
CREATE_DB_CLUSTER = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"


def _mysql(name: str = "db", **overrides: Any) -> aws.rds.Instance:
    args: dict[str, Any] = {
        "engine": "mysql",
        "engine_version": "8.0",
        "instance_class": "db.t4g.micro",
        "allocated_storage": 20,
        "storage_type": "gp3",
        "username": "admin",
        "manage_master_user_password": True,
        "backup_retention_period": 7,
        "skip_final_snapshot": True,
    }
    args.update(overrides)
    return aws.rds.Instance(name, **args)


def _aurora(name: str = "aurora", **overrides: Any) -> aws.rds.Cluster:
    args: dict[str, Any] = {
        "engine": "aurora-mysql",
        "engine_version": "8.0.mysql_aurora.3.08.0",
        "master_username": "admin",
        "manage_master_user_password": True,
        "backup_retention_period": 7,
        "skip_final_snapshot": True,
    }
    args.update(overrides)
    return aws.rds.Cluster(name, **args)


@valid("rds")
def rds_mysql_instance_with_groups() -> None:
    net = network()
    subnets = aws.rds.SubnetGroup("db-subnets", subnet_ids=[s.id for s in net.subnets])
    params = aws.rds.ParameterGroup(
        "db-params",
        family="mysql8.0",
        parameters=[aws.rds.ParameterGroupParameterArgs(name="slow_query_log", value="1")],
    )
    options = aws.rds.OptionGroup(
        "db-options",
        engine_name="mysql",
        major_engine_version="8.0",
        options=[aws.rds.OptionGroupOptionArgs(option_name="MARIADB_AUDIT_PLUGIN")],
    )
    monitoring = role("db-monitoring", "monitoring.rds.amazonaws.com")
    _mysql(
        db_subnet_group_name=subnets.name,
        parameter_group_name=params.name,
        option_group_name=options.name,
        vpc_security_group_ids=[net.group.id],
        max_allocated_storage=100,
        multi_az=True,
        backup_window="02:00-03:00",
        maintenance_window="sun:03:30-sun:04:30",
        monitoring_interval=60,
        monitoring_role_arn=monitoring.arn,
        performance_insights_enabled=True,
        performance_insights_retention_period=31,
    )


@valid("rds")
def rds_postgres_gp3_with_iops_and_replica() -> None:
    primary = _mysql(
        "pg",
        engine="postgres",
        engine_version="16.4",
        instance_class="db.m7g.large",
        allocated_storage=400,
        iops=12000,
        storage_throughput=500,
    )
    aws.rds.Instance(
        "pg-replica",
        replicate_source_db=primary.identifier,
        instance_class="db.m7g.large",
        skip_final_snapshot=True,
    )


@valid("rds")
def rds_aurora_cluster_with_instance() -> None:
    params = aws.rds.ClusterParameterGroup(
        "aurora-params",
        family="aurora-mysql8.0",
        parameters=[aws.rds.ClusterParameterGroupParameterArgs(name="time_zone", value="UTC")],
    )
    cluster = _aurora(
        db_cluster_parameter_group_name=params.name,
        preferred_backup_window="02:00-03:00",
        preferred_maintenance_window="sun:04:00-sun:05:00",
        serverlessv2_scaling_configuration=aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
            min_capacity=0.5, max_capacity=4
        ),
    )
    aws.rds.ClusterInstance(
        "aurora-1",
        cluster_identifier=cluster.id,
        engine=aws.rds.EngineType.AURORA_MYSQL,
        instance_class="db.serverless",
    )
    aws.rds.ClusterInstance(
        "aurora-2",
        cluster_identifier=cluster.id,
        engine=aws.rds.EngineType.AURORA_MYSQL,
        instance_class="db.r7g.large",
    )


@refused(
    "rds",
    token=INSTANCE,
    prop="instanceClass",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html",
)
def rds_instance_class_nano_does_not_exist() -> None:
    _mysql(instance_class="db.t4g.nano")


@refused(
    "rds",
    token=INSTANCE,
    prop="instanceClass",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html",
)
def rds_instance_class_ec2_name_without_db_prefix() -> None:
    _mysql(instance_class="t4g.micro")


@refused(
    "rds",
    token=INSTANCE,
    prop="engineVersion",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/MySQLReleaseNotes/mysql-versions.html",
)
def rds_mysql_innovation_release_not_offered() -> None:
    _mysql(engine_version="8.2")


@refused(
    "rds",
    token=INSTANCE,
    prop="engineVersion",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-versions.html",
)
def rds_postgres_version_10_retired() -> None:
    _mysql(engine="postgres", engine_version="10.21")


@refused(
    "rds",
    token=INSTANCE,
    prop="engineVersion",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/MariaDBReleaseNotes/mariadb-versions.html",
)
def rds_mariadb_version_10_7_not_offered() -> None:
    _mysql(engine="mariadb", engine_version="10.7")


@refused("rds", token=INSTANCE, prop="allocatedStorage", source=CREATE_DB_INSTANCE)
def rds_gp3_storage_below_20() -> None:
    _mysql(allocated_storage=10)


@refused("rds", token=INSTANCE, prop="allocatedStorage", source=CREATE_DB_INSTANCE)
def rds_io1_storage_below_100() -> None:
    _mysql(storage_type="io1", allocated_storage=50, iops=1000)


@refused("rds", token=INSTANCE, prop="allocatedStorage", source=CREATE_DB_INSTANCE)
def rds_magnetic_storage_above_3072() -> None:
    _mysql(storage_type="standard", allocated_storage=4000)


@refused(
    "rds",
    token=INSTANCE,
    prop="iops",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage",
)
def rds_gp3_iops_below_400_gib() -> None:
    _mysql(allocated_storage=100, iops=6000)


@refused(
    "rds",
    token=INSTANCE,
    prop="maxAllocatedStorage",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html",
)
def rds_max_allocated_storage_below_allocated() -> None:
    _mysql(allocated_storage=100, max_allocated_storage=50)


@refused("rds", token=INSTANCE, prop="port", source=CREATE_DB_INSTANCE)
def rds_mysql_on_port_80() -> None:
    _mysql(port=80)


@refused("rds", token=INSTANCE, prop="backupRetentionPeriod", source=CREATE_DB_INSTANCE)
def rds_backup_retention_above_35() -> None:
    _mysql(backup_retention_period=90)


@refused(
    "rds",
    token=INSTANCE,
    prop="replicateSourceDb",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Create.html",
)
def rds_replica_of_instance_without_backups() -> None:
    primary = _mysql(backup_retention_period=0)
    aws.rds.Instance(
        "replica",
        replicate_source_db=primary.identifier,
        instance_class="db.t4g.micro",
        skip_final_snapshot=True,
    )


@refused("rds", token=INSTANCE, prop="password", source=CREATE_DB_INSTANCE)
def rds_mysql_password_too_long() -> None:
    _mysql(manage_master_user_password=None, password="x" * 42)


@refused("rds", token=INSTANCE, prop="password", source=CREATE_DB_INSTANCE)
def rds_password_with_at_sign() -> None:
    _mysql(manage_master_user_password=None, password="admin@example-2024")


@refused("rds", token=INSTANCE, prop="password", source=CREATE_DB_INSTANCE)
def rds_password_too_short() -> None:
    _mysql(manage_master_user_password=None, password="secret")


@refused("rds", token=INSTANCE, prop="manageMasterUserPassword", source=CREATE_DB_INSTANCE)
def rds_managed_password_and_password() -> None:
    _mysql(password="correct-horse-battery")


@refused("rds", token=INSTANCE, prop="backupWindow", source=CREATE_DB_INSTANCE)
def rds_backup_window_overlaps_maintenance() -> None:
    _mysql(backup_window="03:00-04:00", maintenance_window="sun:03:30-sun:04:30")


@refused("rds", token=INSTANCE, prop="backupWindow", source=CREATE_DB_INSTANCE)
def rds_backup_window_shorter_than_30_minutes() -> None:
    _mysql(backup_window="02:00-02:15")


@refused("rds", token=INSTANCE, prop="maintenanceWindow", source=CREATE_DB_INSTANCE)
def rds_maintenance_window_without_day() -> None:
    _mysql(maintenance_window="03:30-04:30")


@refused("rds", token=INSTANCE, prop="performanceInsightsRetentionPeriod", source=CREATE_DB_INSTANCE)
def rds_performance_insights_retention_30_days() -> None:
    _mysql(performance_insights_enabled=True, performance_insights_retention_period=30)


@refused("rds", token=INSTANCE, prop="monitoringInterval", source=CREATE_DB_INSTANCE)
def rds_monitoring_interval_not_allowed() -> None:
    monitoring = role("db-monitoring", "monitoring.rds.amazonaws.com")
    _mysql(monitoring_interval=20, monitoring_role_arn=monitoring.arn)


@refused("rds", token=INSTANCE, prop="monitoringInterval", source=CREATE_DB_INSTANCE)
def rds_monitoring_without_role() -> None:
    _mysql(monitoring_interval=60)


@refused("rds", token=INSTANCE, prop="availabilityZone", source=CREATE_DB_INSTANCE)
def rds_multi_az_with_availability_zone() -> None:
    _mysql(multi_az=True, availability_zone="eu-west-1a")


@refused(
    "rds",
    token=INSTANCE,
    prop="parameterGroupName",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithDBInstanceParamGroups.html",
)
def rds_parameter_group_of_other_major_version() -> None:
    params = aws.rds.ParameterGroup("db-params", family="mysql5.7")
    _mysql(engine_version="8.0.39", parameter_group_name=params.name)


@refused(
    "rds",
    token=CLUSTER,
    prop="dbClusterParameterGroupName",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html",
)
def rds_cluster_parameter_group_of_other_engine() -> None:
    params = aws.rds.ClusterParameterGroup("aurora-params", family="aurora-postgresql16")
    _aurora(db_cluster_parameter_group_name=params.name)


@refused(
    "rds",
    token=CLUSTER,
    prop="engineMode",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.create.html",
)
def rds_cluster_serverless_v2_in_serverless_mode() -> None:
    _aurora(
        engine_mode="serverless",
        serverlessv2_scaling_configuration=aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
            min_capacity=0.5, max_capacity=4
        ),
    )


@refused("rds", token=CLUSTER, prop="backupRetentionPeriod", source=CREATE_DB_CLUSTER)
def rds_cluster_backup_retention_zero() -> None:
    _aurora(backup_retention_period=0)


@refused("rds", token=CLUSTER, prop="masterPassword", source=CREATE_DB_CLUSTER)
def rds_cluster_password_with_slash() -> None:
    _aurora(manage_master_user_password=None, master_password="pass/word-2024")


@refused("rds", token=CLUSTER, prop="manageMasterUserPassword", source=CREATE_DB_CLUSTER)
def rds_cluster_managed_password_and_password() -> None:
    _aurora(master_password="correct-horse-battery")


@refused("rds", token=CLUSTER, prop="preferredMaintenanceWindow", source=CREATE_DB_CLUSTER)
def rds_cluster_maintenance_window_bad_day() -> None:
    _aurora(preferred_maintenance_window="sunday:04:00-sunday:05:00")


@refused(
    "rds",
    token=CLUSTER_INSTANCE,
    prop="instanceClass",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html",
)
def rds_aurora_instance_micro_class() -> None:
    cluster = _aurora()
    aws.rds.ClusterInstance(
        "aurora-1",
        cluster_identifier=cluster.id,
        engine=aws.rds.EngineType.AURORA_MYSQL,
        instance_class="db.t4g.micro",
    )


@refused("rds", token=CLUSTER_INSTANCE, prop="engine", source=CREATE_DB_INSTANCE)
def rds_aurora_instance_engine_differs_from_cluster() -> None:
    cluster = _aurora()
    aws.rds.ClusterInstance(
        "aurora-1",
        cluster_identifier=cluster.id,
        engine=aws.rds.EngineType.AURORA_POSTGRESQL,
        instance_class="db.r7g.large",
    )


@refused("rds", token=CLUSTER, prop="preferredBackupWindow", source=CREATE_DB_CLUSTER)
def rds_cluster_backup_window_single_digit_hours() -> None:
    _aurora(preferred_backup_window="2:00-3:00")


@refused("rds", token=INSTANCE, prop="dbName", source=CREATE_DB_INSTANCE)
def rds_database_name_with_a_hyphen() -> None:
    _mysql(db_name="postings-db")


@refused("rds", token=INSTANCE, prop="username", source=CREATE_DB_INSTANCE)
def rds_mysql_master_user_name_with_a_hyphen() -> None:
    _mysql(username="admin-user")


@refused("rds", token=INSTANCE, prop="username", source=CREATE_DB_INSTANCE)
def rds_mysql_master_user_name_over_16_characters() -> None:
    _mysql(username="postings_administrator")


@refused("rds", token=INSTANCE, prop="engine", source=CREATE_DB_INSTANCE)
def rds_engine_name_misspelt() -> None:
    _mysql(engine="mysq")


@valid("rds")
def rds_mariadb_with_a_current_option_group() -> None:
    group = aws.rds.OptionGroup("options", engine_name="mariadb", major_engine_version="10.11")
    _mysql(engine="mariadb", engine_version="10.11", option_group_name=group.name)


@valid("rds")
def rds_aurora_io_optimized_clusters() -> None:
    _aurora("aurora-iopt", storage_type="aurora-iopt1")
    _aurora(
        "aurora-pg-iopt",
        engine="aurora-postgresql",
        engine_version="16.4",
        master_username="app",
        storage_type="aurora-iopt1",
        final_snapshot_identifier="aurora-pg-final-1",
    )


@valid("rds")
def rds_io1_instance_in_its_vpc() -> None:
    net = network()
    subnets = aws.rds.SubnetGroup("db-subnets", subnet_ids=[s.id for s in net.subnets])
    _mysql(
        instance_class="db.m7g.large",
        allocated_storage=100,
        storage_type="io1",
        iops=5000,
        db_subnet_group_name=subnets.name,
        vpc_security_group_ids=[net.group.id],
        skip_final_snapshot=False,
        final_snapshot_identifier="db-final-2026",
    )


@refused("rds", token=INSTANCE, prop="iops", source=CREATE_DB_INSTANCE)
def rds_io1_iops_over_50_per_gib() -> None:
    _mysql(instance_class="db.m7g.large", allocated_storage=100, storage_type="io1", iops=10000)


@refused("rds", token=INSTANCE, prop="iops", source=CREATE_DB_INSTANCE)
def rds_io1_iops_under_half_per_gib() -> None:
    _mysql(instance_class="db.m7g.large", allocated_storage=4000, storage_type="io1", iops=1000)


SERVERLESS_V2 = (
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ServerlessV2ScalingConfiguration.html"
)


@refused("rds", token=CLUSTER, prop="serverlessv2ScalingConfiguration.maxCapacity", source=SERVERLESS_V2)
def rds_serverless_v2_max_512_acus() -> None:
    _aurora(
        serverlessv2_scaling_configuration=aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
            min_capacity=0.5, max_capacity=512
        )
    )


@refused("rds", token=CLUSTER, prop="serverlessv2ScalingConfiguration.maxCapacity", source=SERVERLESS_V2)
def rds_serverless_v2_max_below_min() -> None:
    _aurora(
        serverlessv2_scaling_configuration=aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
            min_capacity=8, max_capacity=4
        )
    )


@refused(
    "rds",
    token=CLUSTER_INSTANCE,
    prop="instanceClass",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.create.html",
)
def rds_serverless_instance_without_capacity_range() -> None:
    cluster = _aurora()
    aws.rds.ClusterInstance(
        "aurora-1",
        cluster_identifier=cluster.id,
        engine=aws.rds.EngineType.AURORA_MYSQL,
        instance_class="db.serverless",
    )


DELETE_DB_INSTANCE = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html"


@refused("rds", token=INSTANCE, prop="finalSnapshotIdentifier", source=DELETE_DB_INSTANCE)
def rds_final_snapshot_identifier_with_underscore() -> None:
    _mysql(skip_final_snapshot=False, final_snapshot_identifier="final_snap")


@refused("rds", token=INSTANCE, prop="finalSnapshotIdentifier", source=DELETE_DB_INSTANCE)
def rds_final_snapshot_identifier_double_hyphen() -> None:
    _mysql(skip_final_snapshot=False, final_snapshot_identifier="final--snap")


@refused("rds", token=INSTANCE, prop="finalSnapshotIdentifier", source=DELETE_DB_INSTANCE)
def rds_final_snapshot_identifier_trailing_hyphen() -> None:
    _mysql(skip_final_snapshot=False, final_snapshot_identifier="final-snap-")


@refused(
    "rds",
    token="aws:rds/subnetGroup:SubnetGroup",
    prop="subnetIds",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
)
def rds_subnet_group_across_two_vpcs() -> None:
    first, second = network(), network("other", "10.1.0.0/16")
    aws.rds.SubnetGroup("db-subnets", subnet_ids=[first.subnets[0].id, second.subnets[1].id])


@refused(
    "rds",
    token=INSTANCE,
    prop="vpcSecurityGroupIds",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
)
def rds_instance_security_group_of_another_vpc() -> None:
    net, other = network(), network("other", "10.1.0.0/16")
    subnets = aws.rds.SubnetGroup("db-subnets", subnet_ids=[s.id for s in net.subnets])
    _mysql(db_subnet_group_name=subnets.name, vpc_security_group_ids=[other.group.id])


@refused(
    "rds",
    token="aws:rds/optionGroup:OptionGroup",
    prop="majorEngineVersion",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateOptionGroup.html",
)
def rds_option_group_full_engine_version() -> None:
    aws.rds.OptionGroup("options", engine_name="mysql", major_engine_version="8.0.35")


@refused("rds", token=CLUSTER, prop="storageType", source=CREATE_DB_CLUSTER)
def rds_aurora_cluster_with_gp3_storage() -> None:
    _aurora(storage_type="gp3")


SQLSERVER_MULTI_AZ = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_SQLServerMultiAZ.html"


def _sqlserver(edition: str, **overrides: Any) -> aws.rds.Instance:
    args: dict[str, Any] = {
        "engine": f"sqlserver-{edition}",
        "engine_version": "16.00.4150.1.v1",
        "instance_class": "db.m6i.large",
        "license_model": "license-included",
    }
    args.update(overrides)
    return _mysql(**args)


@valid("rds")
def rds_sqlserver_standard_multi_az() -> None:
    _sqlserver("se", allocated_storage=200, multi_az=True)


@refused("rds", token=INSTANCE, prop="multiAz", source=SQLSERVER_MULTI_AZ)
def rds_sqlserver_express_multi_az() -> None:
    _sqlserver("ex", instance_class="db.t3.small", multi_az=True)


@refused(
    "rds",
    token=INSTANCE,
    prop="storageThroughput",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage",
)
def rds_gp3_throughput_below_400_gib() -> None:
    _mysql(allocated_storage=100, storage_throughput=500)


@valid("rds")
def rds_postgres_on_io2_with_its_iops() -> None:
    _mysql(
        engine="postgres",
        engine_version="16.4",
        instance_class="db.m7g.large",
        storage_type="io2",
        allocated_storage=200,
        iops=10000,
    )


@refused("rds", token=INSTANCE, prop="iops", source=CREATE_DB_INSTANCE)
def rds_io2_storage_without_iops() -> None:
    _mysql(storage_type="io2", allocated_storage=200)


@refused("rds", token=INSTANCE, prop="storageType", source=CREATE_DB_INSTANCE)
def rds_unknown_storage_type() -> None:
    _mysql(storage_type="gp4")


@valid("rds")
def rds_parameter_groups_of_three_engines() -> None:
    for family in ("postgres17", "mysql8.4", "mariadb11.4"):
        aws.rds.ParameterGroup(family.replace(".", "-"), family=family)


@refused(
    "rds",
    token="aws:rds/parameterGroup:ParameterGroup",
    prop="family",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithDBInstanceParamGroups.html",
)
def rds_parameter_group_family_with_a_minor_version() -> None:
    aws.rds.ParameterGroup("pg", family="postgres16.4")
