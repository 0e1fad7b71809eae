"""RDS: DB subnet, parameter and option groups, DB instances, Aurora clusters and their instances."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from infra.offerings.catalogue import load, sorted_naturally
from infra.rehearsal.emulation import (
    Context,
    EmulationError,
    NotFoundError,
    Resource,
    answers,
    tags_list,
)
from infra.rehearsal.emulators.ec2 import SAME_VPC, groups_outside_the_subnets_vpc
from infra.rehearsal.spec import Emulated, Naming, Where, emulates, provider_host, rule, stable_hex

DB_INSTANCE_IDENTIFIER = Naming(
    key="identifier",
    max_length=63,
    pattern=r"[a-z](-?[a-z0-9])*",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
        " (DBInstanceIdentifier: 1-63 letters, digits, hyphens; first a letter; no trailing or double"
        " hyphen);"
        " the provider's validIdentifier, lowercase"
    ),
)
DB_SUBNET_GROUP_NAME = Naming(
    max_length=255,
    pattern=r"[a-z0-9 ._-]+",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html"
        " (DBSubnetGroupName); the provider's validSubnetGroupName allows lowercase only"
    ),
)
OPTION_GROUP_NAME = Naming(
    max_length=255,
    pattern=r"[a-z](-?[a-z0-9])*",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateOptionGroup.html"
        " (OptionGroupName: 1-255 letters, digits, hyphens; first a letter; no trailing or double hyphen);"
        " the provider's validOptionGroupName, lowercase"
    ),
)
PARAMETER_GROUP_NAME = Naming(
    max_length=255,
    pattern=r"[a-z](-?[a-z0-9])*",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html"
        " (DBParameterGroupName: letters, digits, hyphens; first a letter; no trailing or double hyphen);"
        " the provider's validParamGroupName, lowercase"
    ),
)

MIN_DB_SUBNET_GROUP_AZS = 2


def _subnet_zones(ctx: Context, r: Resource, subnet_ids: list[str]) -> list[str]:
    subnets = ctx.aws(r, "subnetIds", "ec2", "describe_subnets", SubnetIds=subnet_ids)["Subnets"]
    return sorted({s["AvailabilityZone"] for s in subnets})


@emulates(
    "aws:rds/subnetGroup:SubnetGroup",
    note="create_db_subnet_group; the emulator refuses fewer than 2 AZs, read back from the account (moto "
    "does not)",
    replace_on={"name", "namePrefix"},
    naming=DB_SUBNET_GROUP_NAME,
    arn="arn:{partition}:rds:{region}:{account}:subgrp:{name}",
)
def db_subnet_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    subnet_ids = list(r.get("subnetIds", []))
    zones = _subnet_zones(ctx, r, subnet_ids)
    if len(zones) < MIN_DB_SUBNET_GROUP_AZS:
        raise EmulationError(
            r.urn,
            "subnetIds",
            "DBSubnetGroupDoesNotCoverEnoughAZs",
            "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. "
            f"Current AZ coverage: {', '.join(zones)}. Add subnets to cover at least 2 AZs.",
        )
    group = ctx.aws(
        r,
        "subnetIds",
        "rds",
        "create_db_subnet_group",
        DBSubnetGroupName=name,
        DBSubnetGroupDescription=r.get("description", "Managed by Pulumi"),
        SubnetIds=subnet_ids,
        Tags=tags_list(r.get("tags")),
    )["DBSubnetGroup"]
    return name, {"name": name, "arn": group["DBSubnetGroupArn"], "vpcId": group.get("VpcId", "")}


@emulates(
    "aws:rds/parameterGroup:ParameterGroup",
    note="create_db_parameter_group, modify_db_parameter_group",
    replace_on={"description", "family", "name", "namePrefix"},
    naming=PARAMETER_GROUP_NAME,
    arn="arn:{partition}:rds:{region}:{account}:pg:{name}",
)
def db_parameter_group(ctx: Context, r: Resource) -> Emulated:
    return _parameter_group(ctx, r, "DBParameterGroup", "db_parameter_group")


def _parameter_group(ctx: Context, r: Resource, kind: str, operations: str) -> Emulated:
    """Create a DB or DB cluster parameter group and set its parameters (the APIs differ in names only)."""
    name = r.physical_name()
    group = ctx.aws(
        r,
        "family",
        "rds",
        f"create_{operations}",
        **{f"{kind}Name": name},
        DBParameterGroupFamily=r.get("family"),
        Description=r.get("description", "Managed by Pulumi"),
        Tags=tags_list(r.get("tags")),
    )[kind]
    parameters = [
        {
            "ParameterName": p["name"],
            "ParameterValue": str(p["value"]),
            "ApplyMethod": p.get("applyMethod", "immediate"),
        }
        for p in r.get("parameters", [])
    ]
    if parameters:
        ctx.aws(
            r,
            "parameters",
            "rds",
            f"modify_{operations}",
            **{f"{kind}Name": name},
            Parameters=parameters,
        )
    return name, {"name": name, "arn": group[f"{kind}Arn"]}


# The major versions moto 5.2 accepts for option groups (moto/rds/models.py, create_option_group).
_MOTO_OPTION_GROUP_VERSIONS = {
    "mariadb": ("10.0", "10.1", "10.2", "10.3", "10.4", "10.5", "10.6"),
    "mysql": ("5.5", "5.6", "5.7", "8.0"),
    "postgres": ("10", "11", "12", "13"),
}


def _moto_option_group(ctx: Context, name: str) -> Any:
    from moto.rds.models import rds_backends

    return rds_backends[ctx.account_id][ctx.region].option_groups[name]


@emulates(
    "aws:rds/optionGroup:OptionGroup",
    note="create_option_group, modify_option_group",
    replace_on={"engineName", "majorEngineVersion", "name", "namePrefix", "optionGroupDescription"},
    naming=OPTION_GROUP_NAME,
    arn="arn:{partition}:rds:{region}:{account}:og:{name}",
)
def db_option_group(ctx: Context, r: Resource) -> Emulated:
    name, engine, version = r.physical_name(), r.get("engineName"), r.get("majorEngineVersion")
    request = {
        "OptionGroupName": name,
        "EngineName": engine,
        "OptionGroupDescription": r.get("optionGroupDescription", "Managed by Pulumi"),
        "Tags": tags_list(r.get("tags")),
    }
    known_to_moto = _MOTO_OPTION_GROUP_VERSIONS.get(str(engine))
    if known_to_moto and version not in known_to_moto and version in ENGINE_FAMILIES.get(str(engine), ()):
        # moto's list of option group versions stops years ago (MariaDB 10.6, PostgreSQL 13): a version RDS
        # offers today (ENGINE_FAMILIES) is checked against the model, created under a version moto
        # knows, and recorded with its own.
        ctx.check(
            r, "majorEngineVersion", "rds", "create_option_group", MajorEngineVersion=version, **request
        )
        group = ctx.aws(
            r, "engineName", "rds", "create_option_group", MajorEngineVersion=known_to_moto[-1], **request
        )
        _moto_option_group(ctx, name).major_engine_version = version
        group = dict(group["OptionGroup"], MajorEngineVersion=version)
    else:
        # moto's "Cannot find major version" is about majorEngineVersion once the engine is one it knows.
        blamed = "majorEngineVersion" if known_to_moto else "engineName"
        group = ctx.aws(r, blamed, "rds", "create_option_group", MajorEngineVersion=version, **request)[
            "OptionGroup"
        ]
    options = [
        {
            "OptionName": o["optionName"],
            "OptionSettings": [
                {"Name": s["name"], "Value": str(s["value"])} for s in o.get("optionSettings", [])
            ],
        }
        for o in r.get("options", [])
    ]
    if options:
        ctx.aws(
            r,
            "options",
            "rds",
            "modify_option_group",
            OptionGroupName=name,
            OptionsToInclude=options,
            ApplyImmediately=True,
        )
    return name, {"name": name, "arn": group.get("OptionGroupArn", ctx.arn("rds", f"og:{name}"))}


def _read_replica(ctx: Context, r: Resource, kwargs: dict[str, Any]) -> dict[str, Any]:
    """create_db_instance_read_replica: the engine, credentials and backups come from the source, so only
    the parameters the operation takes are passed (the provider does the same)."""
    model = ctx.client("rds").meta.service_model.operation_model("CreateDBInstanceReadReplica")
    call = {k: v for k, v in kwargs.items() if k in model.input_shape.members}
    created: dict[str, Any] = ctx.aws(
        r,
        "replicateSourceDb",
        "rds",
        "create_db_instance_read_replica",
        SourceDBInstanceIdentifier=r.get("replicateSourceDb"),
        **call,
    )["DBInstance"]
    return created


def _master_user_secrets(created: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The provider's masterUserSecrets of a created instance or cluster: its RDS-managed secret, if any."""
    secret = created.get("MasterUserSecret")
    if not secret:
        return []
    return [
        {
            "secretArn": secret["SecretArn"],
            "secretStatus": secret.get("SecretStatus", "active"),
            "kmsKeyId": secret.get("KmsKeyId", ""),
        }
    ]


def _instance_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    host = provider_host(where, s.get("identifier", name), "rds")
    return {
        "address": host,
        "endpoint": f"{host}:{s.get('port', 3306)}",
        "port": s.get("port", 3306),
        "masterUserSecrets": [
            {
                "secretArn": f"arn:aws:secretsmanager:{where.region}:{where.account_id}:secret:"
                f"rds!db-{stable_hex(name, length=8)}",
                "secretStatus": "active",
                "kmsKeyId": f"arn:aws:kms:{where.region}:{where.account_id}:key/aws-rds",
            }
        ],
    }


@emulates(
    "aws:rds/instance:Instance",
    note="create_db_instance; moto creates the managed master secret",
    # Not `identifier`: the provider renames a DB instance in place since v5 (aws_db_instance schema).
    replace_on={
        "availabilityZone",
        "backupTarget",
        "characterSetName",
        "customIamInstanceProfile",
        "dbName",
        "engine",
        "kmsKeyId",
        "ncharCharacterSetName",
        "restoreToPointInTime",
        "snapshotIdentifier",
        "storageEncrypted",
        "timezone",
        "username",
    },
    naming=DB_INSTANCE_IDENTIFIER,
    arn="arn:{partition}:rds:{region}:{account}:db:{name}",
    stateful="database",
    computed=_instance_outputs,
)
def db_instance(ctx: Context, r: Resource) -> Emulated:
    identifier = r.physical_name()
    kwargs: dict[str, Any] = {
        "DBInstanceIdentifier": identifier,
        "Engine": r.get("engine"),
        "DBInstanceClass": r.get("instanceClass"),
        "AllocatedStorage": int(r.get("allocatedStorage", 20)),
        "StorageType": r.get("storageType", "gp2"),
        "StorageEncrypted": bool(r.get("storageEncrypted", False)),
        "MultiAZ": bool(r.get("multiAz", False)),
        "PubliclyAccessible": bool(r.get("publiclyAccessible", False)),
        "BackupRetentionPeriod": int(r.get("backupRetentionPeriod", 1)),
        "DeletionProtection": bool(r.get("deletionProtection", False)),
        "CopyTagsToSnapshot": bool(r.get("copyTagsToSnapshot", False)),
        "AutoMinorVersionUpgrade": bool(r.get("autoMinorVersionUpgrade", True)),
        "EnableIAMDatabaseAuthentication": bool(r.get("iamDatabaseAuthenticationEnabled", False)),
        "VpcSecurityGroupIds": list(r.get("vpcSecurityGroupIds", [])),
        "Tags": tags_list(r.get("tags")),
    }
    optional = {
        "engineVersion": "EngineVersion",
        "dbName": "DBName",
        "username": "MasterUsername",
        "password": "MasterUserPassword",
        "port": "Port",
        "dbSubnetGroupName": "DBSubnetGroupName",
        "parameterGroupName": "DBParameterGroupName",
        "optionGroupName": "OptionGroupName",
        "backupWindow": "PreferredBackupWindow",
        "maintenanceWindow": "PreferredMaintenanceWindow",
        "maxAllocatedStorage": "MaxAllocatedStorage",
        "monitoringInterval": "MonitoringInterval",
        "monitoringRoleArn": "MonitoringRoleArn",
        "performanceInsightsEnabled": "EnablePerformanceInsights",
        "performanceInsightsRetentionPeriod": "PerformanceInsightsRetentionPeriod",
        "enabledCloudwatchLogsExports": "EnableCloudwatchLogsExports",
        "manageMasterUserPassword": "ManageMasterUserPassword",
        "kmsKeyId": "KmsKeyId",
        "iops": "Iops",
        "storageThroughput": "StorageThroughput",
        "availabilityZone": "AvailabilityZone",
    }
    for key, boto in optional.items():
        value = r.get(key)
        if value is not None:
            kwargs[boto] = int(value) if isinstance(value, float) else value
    if r.get("replicateSourceDb"):
        created = _read_replica(ctx, r, kwargs)
    else:
        created = ctx.aws(r, "instanceClass", "rds", "create_db_instance", **kwargs)["DBInstance"]
    endpoint = created.get("Endpoint") or {}
    state: dict[str, Any] = {
        "identifier": identifier,
        "arn": created["DBInstanceArn"],
        "address": endpoint.get("Address", ""),
        "port": endpoint.get("Port", kwargs.get("Port", 3306)),
        "endpoint": f"{endpoint.get('Address', '')}:{endpoint.get('Port', '')}",
        "hostedZoneId": endpoint.get("HostedZoneId", "Z29XKXDKYMONMX"),
        "resourceId": created.get("DbiResourceId", ""),
        "engineVersionActual": created.get("EngineVersion", ""),
        "status": created.get("DBInstanceStatus", "available"),
        "masterUserSecrets": _master_user_secrets(created),
    }
    return identifier, state


DB_CLUSTER_IDENTIFIER = Naming(
    key="clusterIdentifier",
    max_length=63,
    pattern=r"[a-z](-?[a-z0-9])*",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"
        " (DBClusterIdentifier: 1-63 letters, digits, hyphens; first a letter; no trailing or double hyphen);"
        " the provider's validIdentifier, lowercase"
    ),
)

INSTANCE_CLASS_SOURCE = (
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html"
    " (DescribeOrderableDBInstanceOptions)"
)
AURORA_CLASS_SOURCE = (
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html"
)
_BURSTABLE = ("micro", "small", "medium", "large", "xlarge", "2xlarge")
_GRAVITON2 = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
_INTEL_5 = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")
_INTEL_6 = (*_INTEL_5, "32xlarge")
_INTEL_7 = (*_INTEL_5, "48xlarge")
_GRAVITON4 = (*_INTEL_5, "48xlarge")
# Sizes of each family RDS offers for MySQL, MariaDB and PostgreSQL (the instance class support page,
# November 2026): there is no db.t4g.nano, and no db.m6g.24xlarge. Families whose sizes vary by engine are
# listed with no sizes: only the family is checked.
RDS_INSTANCE_SIZES: dict[str, tuple[str, ...]] = {
    "db.t2": (),
    "db.m4": (),
    "db.r4": (),
    "db.r5b": (),
    "db.m6id": (),
    "db.m6idn": (),
    "db.m6in": (),
    "db.r6id": (),
    "db.r6idn": (),
    "db.r6in": (),
    "db.x2idn": (),
    "db.x2iedn": (),
    "db.z1d": (),
    "db.c6gd": (),
    "db.t3": _BURSTABLE,
    "db.t4g": _BURSTABLE,
    "db.m5": _INTEL_5,
    "db.m5d": _INTEL_5,
    "db.m6g": _GRAVITON2,
    "db.m6gd": _GRAVITON2,
    "db.m6i": _INTEL_6,
    "db.m7g": _GRAVITON2,
    "db.m7i": _INTEL_7,
    "db.m8g": _GRAVITON4,
    "db.r5": _INTEL_5,
    "db.r5d": _INTEL_5,
    "db.r6g": _GRAVITON2,
    "db.r6gd": _GRAVITON2,
    "db.r6i": _INTEL_6,
    "db.r7g": _GRAVITON2,
    "db.r7i": _INTEL_7,
    "db.r8g": _GRAVITON4,
    "db.x2g": _GRAVITON2,
}
# Aurora offers the burstable classes in medium and large only, and no m-family classes for PostgreSQL.
AURORA_INSTANCE_SIZES: dict[str, tuple[str, ...]] = {
    "db.t3": ("medium", "large"),
    "db.t4g": ("medium", "large"),
    "db.r5": _INTEL_5,
    "db.r6g": _GRAVITON2,
    "db.r6gd": _GRAVITON2,
    "db.r6i": _INTEL_6,
    "db.r7g": _GRAVITON2,
    "db.r7i": _INTEL_7,
    "db.r8g": _GRAVITON4,
    "db.x2g": _GRAVITON2,
}

ENGINE_VERSIONS_SOURCE = {
    "mysql": "https://docs.aws.amazon.com/AmazonRDS/latest/MySQLReleaseNotes/mysql-versions.html",
    "mariadb": "https://docs.aws.amazon.com/AmazonRDS/latest/MariaDBReleaseNotes/mariadb-versions.html",
    "postgres": "https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-versions.html",
}
# The major versions (MySQL and MariaDB: major.minor) a new DB instance can be created with, standard or
# extended support, from the release notes pages above: no MySQL 5.6 or 8.1-8.3 innovation releases.
ENGINE_FAMILIES = {
    "mysql": frozenset({"5.7", "8.0", "8.4"}),
    "mariadb": frozenset({"10.5", "10.6", "10.11", "11.4", "11.8"}),
    "postgres": frozenset({"11", "12", "13", "14", "15", "16", "17", "18"}),
}
# Allocated storage (GiB) per storage type for MySQL, MariaDB and PostgreSQL (CreateDBInstance).
STORAGE_RANGES = {
    "gp2": (20, 65536),
    "gp3": (20, 65536),
    "io1": (100, 65536),
    "io2": (100, 65536),
    "standard": (5, 3072),
}
GP3_PROVISIONING_FLOOR = 400
MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)
PASSWORD_LENGTHS = {"mysql": (8, 41), "mariadb": (8, 41), "postgres": (8, 128)}
PASSWORD_FORBIDDEN = ("/", '"', "@", " ")
MAX_BACKUP_RETENTION = 35
MIN_WINDOW_MINUTES = 30
CREATE_DB_INSTANCE = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
CREATE_DB_CLUSTER = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"
INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


def _engine_family(engine: str, version: str) -> str | None:
    """`8.0.35` -> `8.0` for MySQL and MariaDB, `16.3` -> `16` for PostgreSQL; None for other engines."""
    parts = version.split(".")
    if engine == "postgres":
        return parts[0]
    if engine in ("mysql", "mariadb"):
        return ".".join(parts[:2])
    return None


def _class_problem(instance_class: str, sizes: Mapping[str, tuple[str, ...]], what: str) -> str | None:
    family, _, size = instance_class.rpartition(".")
    if family not in sizes:
        return f"{instance_class} is not a DB instance class {what} offers (families: {', '.join(sizes)})"
    if sizes[family] and size not in sizes[family]:
        return f"{instance_class} does not exist for {what}: {family} comes in {', '.join(sizes[family])}"
    return None


@rule(
    "rds-instance-class-exists",
    INSTANCE,
    prop="instanceClass",
    summary="The DB instance class exists for MySQL, MariaDB and PostgreSQL",
    source=INSTANCE_CLASS_SOURCE,
)
def _instance_class_exists(ctx: Context, r: Resource) -> str | None:
    instance_class = r.get("instanceClass")
    if not isinstance(instance_class, str) or r.get("engine") not in ENGINE_FAMILIES:
        return None
    return _class_problem(instance_class, RDS_INSTANCE_SIZES, f"RDS for {r.get('engine')}")


@rule(
    "rds-aurora-instance-class-exists",
    CLUSTER_INSTANCE,
    prop="instanceClass",
    summary="An Aurora instance class exists (burstable classes: medium and large only), or db.serverless",
    source=AURORA_CLASS_SOURCE,
)
def _aurora_class_exists(ctx: Context, r: Resource) -> str | None:
    instance_class = r.get("instanceClass")
    if not isinstance(instance_class, str) or instance_class == "db.serverless":
        return None
    return _class_problem(instance_class, AURORA_INSTANCE_SIZES, "Aurora")


@rule(
    "rds-engine-version-exists",
    INSTANCE,
    prop="engineVersion",
    summary="The engine version belongs to a major version RDS offers for the engine",
    source=" ; ".join(ENGINE_VERSIONS_SOURCE.values()),
)
def _engine_version_exists(ctx: Context, r: Resource) -> str | None:
    engine, version = r.get("engine"), r.get("engineVersion")
    if engine not in ENGINE_FAMILIES or not isinstance(version, str):
        return None
    family = _engine_family(engine, version)
    if family in ENGINE_FAMILIES[engine]:
        return None
    offered = ", ".join(sorted(ENGINE_FAMILIES[engine], key=lambda v: [int(p) for p in v.split(".")]))
    return f"RDS offers no {engine} {version}: the versions it offers are {offered} (with their minors)"


@rule(
    "rds-allocated-storage-range",
    INSTANCE,
    prop="allocatedStorage",
    summary="Allocated storage is within the storage type's range (gp2/gp3 20-65536, io1/io2 100-65536, "
    "standard 5-3072 GiB)",
    source=CREATE_DB_INSTANCE + " (AllocatedStorage)",
)
def _allocated_storage(ctx: Context, r: Resource) -> str | None:
    storage, storage_type = r.get("allocatedStorage"), r.get("storageType", "gp2")
    if storage is None or r.get("replicateSourceDb") or storage_type not in STORAGE_RANGES:
        return None
    low, high = STORAGE_RANGES[storage_type]
    if low <= int(storage) <= high:
        return None
    return f"{storage_type} storage must be {low}-{high} GiB; got {storage}"


@rule(
    "rds-storage-type",
    INSTANCE,
    prop="storageType",
    summary="The storage type is gp2, gp3, io1, io2 or standard",
    source=CREATE_DB_INSTANCE + " (StorageType: valid values gp2 | gp3 | io1 | io2 | standard)",
)
def _storage_type(ctx: Context, r: Resource) -> str | None:
    storage_type = r.get("storageType")
    if (
        not isinstance(storage_type, str)
        or storage_type in STORAGE_RANGES
        or r.get("engine", "").startswith("aurora")
    ):
        return None
    return f"storage type {storage_type!r} is not one of {', '.join(STORAGE_RANGES)}"


@rule(
    "rds-provisioned-iops-storage-needs-iops",
    INSTANCE,
    prop="iops",
    summary="io1 and io2 storage is given its provisioned IOPS",
    source=CREATE_DB_INSTANCE
    + " (StorageType: if you specify io1, io2, or gp3, you must also include a value "
    "for the Iops parameter)",
)
def _provisioned_iops_needs_iops(ctx: Context, r: Resource) -> str | None:
    storage_type = r.get("storageType")
    if storage_type not in ("io1", "io2") or r.get("iops") is not None or r.get("replicateSourceDb"):
        return None
    return f"{storage_type} storage needs iops (provisioned IOPS)"


@rule(
    "rds-gp3-provisioning-floor",
    INSTANCE,
    prop="iops",
    summary="gp3 storage under 400 GiB takes no iops (MySQL, MariaDB, PostgreSQL)",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage",
)
def _gp3_floor(ctx: Context, r: Resource) -> str | None:
    return _gp3_floor_problem(r, "iops")


@rule(
    "rds-gp3-throughput-floor",
    INSTANCE,
    prop="storageThroughput",
    summary="gp3 storage under 400 GiB takes no storageThroughput (MySQL, MariaDB, PostgreSQL)",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage",
)
def _gp3_throughput_floor(ctx: Context, r: Resource) -> str | None:
    return _gp3_floor_problem(r, "storageThroughput")


def _gp3_floor_problem(r: Resource, prop: str) -> str | None:
    if r.get("storageType") != "gp3" or r.get("engine") not in ENGINE_FAMILIES or r.get(prop) is None:
        return None
    storage = r.get("allocatedStorage")
    if storage is None or int(storage) >= GP3_PROVISIONING_FLOOR:
        return None
    return (
        f"you can't specify {prop} for engine {r.get('engine')} and a gp3 storage size less "
        f"than {GP3_PROVISIONING_FLOOR} GiB (got {storage})"
    )


@rule(
    "rds-max-allocated-storage",
    INSTANCE,
    prop="maxAllocatedStorage",
    summary="maxAllocatedStorage (storage autoscaling) exceeds allocatedStorage",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html",
)
def _max_allocated(ctx: Context, r: Resource) -> str | None:
    maximum, storage = r.get("maxAllocatedStorage"), r.get("allocatedStorage")
    if not maximum or storage is None or int(maximum) > int(storage):
        return None
    return f"the maximum storage threshold ({maximum} GiB) must be greater than allocated storage ({storage})"


@rule(
    "rds-backup-retention-range",
    INSTANCE,
    prop="backupRetentionPeriod",
    summary="backupRetentionPeriod is 0-35 days",
    source=CREATE_DB_INSTANCE + " (BackupRetentionPeriod)",
)
def _backup_retention(ctx: Context, r: Resource) -> str | None:
    days = r.get("backupRetentionPeriod")
    if days is None or 0 <= int(days) <= MAX_BACKUP_RETENTION:
        return None
    return f"the backup retention period must be 0-{MAX_BACKUP_RETENTION} days; got {days}"


PORT_RANGE = (1150, 65535)
SQL_SERVER_RESERVED_PORTS = frozenset({1234, 1434, 3260, 3343, 3389, 47001, *range(49152, 49157)})


@rule(
    "rds-port-range",
    (INSTANCE, CLUSTER),
    prop="port",
    summary="port is 1150-65535 (SQL Server: not 1234, 1434, 3260, 3343, 3389, 47001 or 49152-49156)",
    source=CREATE_DB_INSTANCE + " and " + CREATE_DB_CLUSTER + " (Port: Valid Values: 1150-65535)",
)
def _port_range(ctx: Context, r: Resource) -> str | None:
    port = r.get("port")
    if port is None:
        return None
    low, high = PORT_RANGE
    if not low <= int(port) <= high:
        return f"the port must be {low}-{high}; got {port}"
    if str(r.get("engine", "")).startswith("sqlserver") and int(port) in SQL_SERVER_RESERVED_PORTS:
        return f"RDS for SQL Server reserves port {port}"
    return None


@rule(
    "rds-replica-source-backups",
    INSTANCE,
    prop="replicateSourceDb",
    summary="A read replica's source keeps automated backups (backupRetentionPeriod > 0)",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Create.html",
)
def _replica_source_backups(ctx: Context, r: Resource) -> str | None:
    source = r.get("replicateSourceDb")
    if not isinstance(source, str) or source.startswith("arn:"):
        return None
    found = ctx.client("rds").describe_db_instances(Filters=[{"Name": "db-instance-id", "Values": [source]}])
    for instance in found["DBInstances"]:
        if int(instance.get("BackupRetentionPeriod", 1)) == 0:
            return (
                f"the source DB instance {source} has automated backups turned off (backup retention 0); "
                "set its backupRetentionPeriod to 1-35 before creating a read replica"
            )
    return None


def _password_problem(password: str, low: int, high: int) -> str | None:
    if not low <= len(password) <= high:
        return f"the master password must be {low}-{high} characters; it has {len(password)}"
    bad = [c for c in PASSWORD_FORBIDDEN if c in password]
    if bad or not password.isascii() or not password.isprintable():
        return 'the master password may hold printable ASCII characters except / " @ and space'
    return None


@rule(
    "rds-master-password",
    INSTANCE,
    prop="password",
    summary="The master password is 8-41 characters (MySQL, MariaDB; PostgreSQL 8-128), printable ASCII "
    'without / " @ or space',
    source=CREATE_DB_INSTANCE
    + " (MasterUserPassword); https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CreateDBInstance.Settings.html",
)
def _instance_password(ctx: Context, r: Resource) -> str | None:
    password, engine = r.get("password"), r.get("engine")
    if not isinstance(password, str) or engine not in PASSWORD_LENGTHS:
        return None
    return _password_problem(password, *PASSWORD_LENGTHS[engine])


@rule(
    "rds-cluster-master-password",
    CLUSTER,
    prop="masterPassword",
    summary='An Aurora master password is 8-41 printable ASCII characters without / " @ or space',
    source=CREATE_DB_CLUSTER + " (MasterUserPassword)",
)
def _cluster_password(ctx: Context, r: Resource) -> str | None:
    password = r.get("masterPassword")
    return _password_problem(password, 8, 41) if isinstance(password, str) else None


@rule(
    "rds-managed-password-excludes-password",
    INSTANCE,
    prop="manageMasterUserPassword",
    summary="manageMasterUserPassword and password are not both set",
    source=CREATE_DB_INSTANCE
    + " (ManageMasterUserPassword: can't be turned on if MasterUserPassword is set)",
)
def _managed_password(ctx: Context, r: Resource) -> str | None:
    if r.get("manageMasterUserPassword") and r.get("password"):
        return "password can't be given when manageMasterUserPassword is true (Secrets Manager holds it)"
    return None


@rule(
    "rds-cluster-managed-password-excludes-password",
    CLUSTER,
    prop="manageMasterUserPassword",
    summary="manageMasterUserPassword and masterPassword are not both set",
    source=CREATE_DB_CLUSTER + " (ManageMasterUserPassword: can't be turned on if MasterUserPassword is set)",
)
def _cluster_managed_password(ctx: Context, r: Resource) -> str | None:
    if r.get("manageMasterUserPassword") and r.get("masterPassword"):
        return (
            "masterPassword can't be given when manageMasterUserPassword is true (Secrets Manager holds it)"
        )
    return None


_DAY_WINDOW = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")
_WEEK_WINDOW = re.compile(
    r"(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)"
)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEK = 7 * 24 * 60


def _day_window(text: str) -> tuple[int, int] | None:
    """Minutes since midnight at the start and end of `hh24:mi-hh24:mi`, or None if malformed."""
    m = _DAY_WINDOW.fullmatch(text)
    if not m:
        return None
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    return h1 * 60 + m1, h2 * 60 + m2


def _week_window(text: str) -> tuple[int, int] | None:
    """Minutes since Monday 00:00 at the start and end of `ddd:hh24:mi-ddd:hh24:mi`, or None."""
    m = _WEEK_WINDOW.fullmatch(text.lower())
    if not m:
        return None
    d1, h1, m1, d2, h2, m2 = m.groups()
    start = _DAYS.index(d1) * 1440 + int(h1) * 60 + int(m1)
    return start, _DAYS.index(d2) * 1440 + int(h2) * 60 + int(m2)


def _span(start: int, end: int, period: int) -> int:
    return (end - start) % period


def _windows_problem(backup: Any, maintenance: Any) -> tuple[str, str] | None:
    """("backup" or "maintenance", why) for malformed, short or overlapping backup and maintenance windows."""
    daily = _day_window(backup) if isinstance(backup, str) else None
    weekly = _week_window(maintenance) if isinstance(maintenance, str) else None
    if isinstance(backup, str) and daily is None:
        return "backup", f"the backup window must be hh24:mi-hh24:mi in UTC; got {backup!r}"
    if isinstance(maintenance, str) and weekly is None:
        return "maintenance", f"the maintenance window must be ddd:hh24:mi-ddd:hh24:mi; got {maintenance!r}"
    if daily and _span(*daily, 1440) < MIN_WINDOW_MINUTES:
        return "backup", f"the backup window {backup} is shorter than {MIN_WINDOW_MINUTES} minutes"
    if weekly and _span(*weekly, _WEEK) < MIN_WINDOW_MINUTES:
        return "maintenance", f"the maintenance window {maintenance} is shorter than 30 minutes"
    if daily and weekly:
        length = _span(*daily, 1440)
        for day in range(7):
            start = day * 1440 + daily[0]
            if _overlap(start, length, weekly[0], _span(*weekly, _WEEK)):
                return "backup", f"the backup window {backup} overlaps the maintenance window {maintenance}"
    return None


def _overlap(a: int, a_length: int, b: int, b_length: int) -> bool:
    return (b - a) % _WEEK < a_length or (a - b) % _WEEK < b_length


def _windows_rule(backup_prop: str, maintenance_prop: str, blamed: str) -> Callable[..., str | None]:
    def check(ctx: Context, r: Resource) -> str | None:
        found = _windows_problem(r.get(backup_prop), r.get(maintenance_prop))
        return found[1] if found and found[0] == blamed else None

    return check


_WINDOWS_SUMMARY = (
    "the backup window is hh24:mi-hh24:mi, the maintenance window ddd:hh24:mi-ddd:hh24:mi, each at least "
    "30 minutes, not overlapping"
)
rule(
    "rds-backup-window",
    INSTANCE,
    prop="backupWindow",
    summary=_WINDOWS_SUMMARY,
    source=CREATE_DB_INSTANCE + " (PreferredBackupWindow)",
)(_windows_rule("backupWindow", "maintenanceWindow", "backup"))
rule(
    "rds-maintenance-window",
    INSTANCE,
    prop="maintenanceWindow",
    summary=_WINDOWS_SUMMARY,
    source=CREATE_DB_INSTANCE + " (PreferredMaintenanceWindow)",
)(_windows_rule("backupWindow", "maintenanceWindow", "maintenance"))
rule(
    "rds-cluster-backup-window",
    CLUSTER,
    prop="preferredBackupWindow",
    summary=_WINDOWS_SUMMARY,
    source=CREATE_DB_CLUSTER + " (PreferredBackupWindow)",
)(_windows_rule("preferredBackupWindow", "preferredMaintenanceWindow", "backup"))
rule(
    "rds-cluster-maintenance-window",
    CLUSTER,
    prop="preferredMaintenanceWindow",
    summary=_WINDOWS_SUMMARY,
    source=CREATE_DB_CLUSTER + " (PreferredMaintenanceWindow)",
)(_windows_rule("preferredBackupWindow", "preferredMaintenanceWindow", "maintenance"))


def _retention_problem(days: Any) -> str | None:
    if days is None:
        return None
    value = int(days)
    if value in (7, 731) or (value % 31 == 0 and 31 <= value <= 713):
        return None
    return f"Performance Insights keeps data 7 days, a number of months (31 * 1..23) or 731 days; got {days}"


@rule(
    "rds-performance-insights-retention",
    (INSTANCE, CLUSTER_INSTANCE, CLUSTER),
    prop="performanceInsightsRetentionPeriod",
    summary="performanceInsightsRetentionPeriod is 7, 31 * n (n = 1..23) or 731",
    source=CREATE_DB_INSTANCE + " (PerformanceInsightsRetentionPeriod)",
)
def _pi_retention(ctx: Context, r: Resource) -> str | None:
    return _retention_problem(r.get("performanceInsightsRetentionPeriod"))


@rule(
    "rds-monitoring-interval",
    (INSTANCE, CLUSTER_INSTANCE, CLUSTER),
    prop="monitoringInterval",
    summary="monitoringInterval is 0, 1, 5, 10, 15, 30 or 60, with a monitoringRoleArn when above 0",
    source=CREATE_DB_INSTANCE + " (MonitoringInterval, MonitoringRoleArn)",
)
def _monitoring(ctx: Context, r: Resource) -> str | None:
    interval = r.get("monitoringInterval")
    if interval is None:
        return None
    if int(interval) not in MONITORING_INTERVALS:
        allowed = ", ".join(map(str, MONITORING_INTERVALS))
        return f"the monitoring interval must be one of {allowed}; got {interval}"
    if int(interval) > 0 and not r.get("monitoringRoleArn"):
        return (
            f"a monitoring interval of {interval} s needs monitoringRoleArn (the role that publishes metrics)"
        )
    return None


@rule(
    "rds-multi-az-without-zone",
    INSTANCE,
    prop="availabilityZone",
    summary="A Multi-AZ DB instance names no availabilityZone",
    source=CREATE_DB_INSTANCE
    + " (AvailabilityZone: can't be set if the DB instance is a Multi-AZ deployment)",
)
def _multi_az_zone(ctx: Context, r: Resource) -> str | None:
    if r.get("multiAz") and r.get("availabilityZone"):
        return f"availabilityZone {r.get('availabilityZone')} can't be set on a Multi-AZ DB instance"
    return None


@rule(
    "rds-sqlserver-express-single-az",
    INSTANCE,
    prop="multiAz",
    summary="SQL Server Express Edition (sqlserver-ex) runs in a single Availability Zone",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_SQLServerMultiAZ.html (Multi-AZ "
    "for the Standard and Enterprise editions, and Web Edition with block-level replication)",
)
def _sqlserver_express_single_az(ctx: Context, r: Resource) -> str | None:
    if r.get("engine") == "sqlserver-ex" and r.get("multiAz"):
        return "SQL Server Express Edition (sqlserver-ex) does not support Multi-AZ deployments"
    return None


def _expected_family(engine: str, version: str) -> str | None:
    if engine == "aurora-mysql":
        return "aurora-mysql" + ".".join(version.split(".")[:2])
    if engine == "aurora-postgresql":
        return "aurora-postgresql" + version.split(".")[0]
    major = _engine_family(engine, version)
    return f"{engine}{major}" if major else None


# How RDS names a family after the engine's major version: postgres16 (postgres9.6 before 10), mysql8.0,
# mariadb10.11 (DescribeDBEngineVersions' DBParameterGroupFamily).
_FAMILY_FORMS = {
    "postgres": re.compile(r"postgres(\d{2}|9\.\d)"),
    "mysql": re.compile(r"mysql\d+\.\d+"),
    "mariadb": re.compile(r"mariadb\d+\.\d+"),
}


@rule(
    "rds-parameter-group-family-form",
    "aws:rds/parameterGroup:ParameterGroup",
    prop="family",
    summary="A MySQL, MariaDB or PostgreSQL parameter group family is the engine and its major version "
    "(postgres16, mysql8.0, mariadb10.11), not a minor version",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithDBInstanceParamGroups.html;"
    " https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html "
    "(DBParameterGroupFamily: the families describe-db-engine-versions lists)",
)
def _parameter_group_family_form(ctx: Context, r: Resource) -> str | None:
    family = r.get("family")
    if not isinstance(family, str):
        return None
    engine = next((e for e in _FAMILY_FORMS if family.startswith(e)), None)
    if engine is None or _FAMILY_FORMS[engine].fullmatch(family):
        return None
    example = {"postgres": "postgres16", "mysql": "mysql8.0", "mariadb": "mariadb10.11"}[engine]
    return f"family {family!r} is not a {engine} family: a family names the major version (e.g. {example})"


@rule(
    "rds-parameter-group-family",
    INSTANCE,
    prop="parameterGroupName",
    summary="The DB parameter group's family matches the engine and its major version",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithDBInstanceParamGroups.html",
)
def _parameter_family(ctx: Context, r: Resource) -> str | None:
    name, engine, version = r.get("parameterGroupName"), r.get("engine"), r.get("engineVersion")
    if not (isinstance(name, str) and isinstance(engine, str) and isinstance(version, str)):
        return None
    wanted = _expected_family(engine, version)
    groups = ctx.client("rds").describe_db_parameter_groups()["DBParameterGroups"]
    family = next((g["DBParameterGroupFamily"] for g in groups if g["DBParameterGroupName"] == name), None)
    if wanted is None or family is None or family == wanted:
        return None
    return f"parameter group {name} is of family {family}; {engine} {version} needs a {wanted} group"


@rule(
    "rds-cluster-parameter-group-family",
    CLUSTER,
    prop="dbClusterParameterGroupName",
    summary="The DB cluster parameter group's family matches the Aurora engine and its major version",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html",
)
def _cluster_parameter_family(ctx: Context, r: Resource) -> str | None:
    name, engine, version = r.get("dbClusterParameterGroupName"), r.get("engine"), r.get("engineVersion")
    if not (isinstance(name, str) and isinstance(engine, str) and isinstance(version, str)):
        return None
    wanted = _expected_family(engine, version)
    groups = ctx.client("rds").describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
    family = next(
        (g["DBParameterGroupFamily"] for g in groups if g["DBClusterParameterGroupName"] == name), None
    )
    if wanted is None or family is None or family == wanted:
        return None
    return f"cluster parameter group {name} is of family {family}; {engine} {version} needs a {wanted} group"


# The provider's engineMode_Values (internal/service/rds/consts.go); Serverless v2 runs in provisioned mode.
ENGINE_MODES = ("global", "multimaster", "parallelquery", "provisioned", "serverless")


@rule(
    "rds-cluster-engine-mode",
    CLUSTER,
    prop="engineMode",
    summary="engineMode is one the provider knows; Serverless v2 scaling needs engineMode provisioned",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.create.html",
)
def _engine_mode(ctx: Context, r: Resource) -> str | None:
    mode = r.get("engineMode")
    if mode is None:
        return None
    if mode not in ENGINE_MODES:
        return f"engine mode {mode!r} is not one of {', '.join(ENGINE_MODES)}"
    if r.get("serverlessv2ScalingConfiguration") and mode != "provisioned":
        return f"Aurora Serverless v2 scaling needs engineMode provisioned, not {mode!r}"
    return None


@rule(
    "rds-cluster-backup-retention-range",
    CLUSTER,
    prop="backupRetentionPeriod",
    summary="An Aurora cluster keeps backups 1-35 days",
    source=CREATE_DB_CLUSTER + " (BackupRetentionPeriod: must be a value from 1 to 35)",
)
def _cluster_backup_retention(ctx: Context, r: Resource) -> str | None:
    days = r.get("backupRetentionPeriod")
    if days is None or 1 <= int(days) <= MAX_BACKUP_RETENTION:
        return None
    return f"the backup retention period must be 1-{MAX_BACKUP_RETENTION} days; got {days}"


@rule(
    "rds-cluster-instance-engine",
    CLUSTER_INSTANCE,
    prop="engine",
    summary="A cluster instance's engine is its cluster's engine",
    source=CREATE_DB_INSTANCE + " (Engine; DBClusterIdentifier)",
)
def _cluster_instance_engine(ctx: Context, r: Resource) -> str | None:
    cluster_id, engine = r.get("clusterIdentifier"), r.get("engine")
    if not isinstance(cluster_id, str) or not isinstance(engine, str):
        return None
    clusters = ctx.client("rds").describe_db_clusters()["DBClusters"]
    found = next((c for c in clusters if c["DBClusterIdentifier"] == cluster_id), None)
    if found is None or found["Engine"] == engine:
        return None
    return f"cluster {cluster_id} runs {found['Engine']}; its instances can't run {engine}"


CLUSTER_PARAMETER_GROUP_NAME = Naming(
    max_length=255,
    pattern=r"[a-z](-?[a-z0-9])*",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBClusterParameterGroup.html"
        " (DBClusterParameterGroupName: letters, digits, hyphens; first a letter; no trailing or double"
        " hyphen); the provider's validParamGroupName, lowercase"
    ),
)


@emulates(
    "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    note="create_db_cluster_parameter_group, modify_db_cluster_parameter_group",
    replace_on={"description", "family", "name", "namePrefix"},
    naming=CLUSTER_PARAMETER_GROUP_NAME,
    arn="arn:{partition}:rds:{region}:{account}:cluster-pg:{name}",
)
def db_cluster_parameter_group(ctx: Context, r: Resource) -> Emulated:
    return _parameter_group(ctx, r, "DBClusterParameterGroup", "db_cluster_parameter_group")


# The storage types moto 5.2 has a default cluster size for (DBCluster.default_allocated_storage).
_MOTO_CLUSTER_STORAGE_TYPES = ("gp2", "io1", "standard")


def _moto_cluster(ctx: Context, identifier: str) -> Any:
    from moto.rds.models import rds_backends

    return rds_backends[ctx.account_id][ctx.region].clusters[identifier]


def _cluster_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    cluster_id = s.get("clusterIdentifier", name)
    suffix = stable_hex(cluster_id, length=12)
    return {
        "endpoint": f"{cluster_id}.cluster-{suffix}.{where.region}.rds.amazonaws.com",
        "readerEndpoint": f"{cluster_id}.cluster-ro-{suffix}.{where.region}.rds.amazonaws.com",
        "port": s.get("port", 3306),
        "clusterResourceId": f"cluster-{stable_hex(cluster_id, length=26).upper()}",
    }


@emulates(
    CLUSTER,
    note="create_db_cluster; moto keeps the engine mode and Serverless v2 scaling as given",
    replace_on={
        "availabilityZones",
        "clusterIdentifier",
        "clusterIdentifierPrefix",
        "clusterScalabilityType",
        "databaseName",
        "dbSubnetGroupName",
        "dbSystemId",
        "engine",
        "engineMode",
        "kmsKeyId",
        "masterUsername",
        "restoreToPointInTime",
        "s3Import",
        "snapshotIdentifier",
        "sourceRegion",
        "storageEncrypted",
    },
    naming=DB_CLUSTER_IDENTIFIER,
    arn="arn:{partition}:rds:{region}:{account}:cluster:{name}",
    stateful="database",
    computed=_cluster_outputs,
)
def db_cluster(ctx: Context, r: Resource) -> Emulated:
    identifier = r.physical_name()
    kwargs: dict[str, Any] = {
        "DBClusterIdentifier": identifier,
        "Engine": r.get("engine"),
        "StorageEncrypted": bool(r.get("storageEncrypted", False)),
        "DeletionProtection": bool(r.get("deletionProtection", False)),
        "CopyTagsToSnapshot": bool(r.get("copyTagsToSnapshot", False)),
        "VpcSecurityGroupIds": list(r.get("vpcSecurityGroupIds", [])),
        "Tags": tags_list(r.get("tags")),
    }
    optional = {
        "engineVersion": "EngineVersion",
        "engineMode": "EngineMode",
        "databaseName": "DatabaseName",
        "masterUsername": "MasterUsername",
        "masterPassword": "MasterUserPassword",
        "manageMasterUserPassword": "ManageMasterUserPassword",
        "port": "Port",
        "dbSubnetGroupName": "DBSubnetGroupName",
        "dbClusterParameterGroupName": "DBClusterParameterGroupName",
        "backupRetentionPeriod": "BackupRetentionPeriod",
        "preferredBackupWindow": "PreferredBackupWindow",
        "preferredMaintenanceWindow": "PreferredMaintenanceWindow",
        "kmsKeyId": "KmsKeyId",
        "iamDatabaseAuthenticationEnabled": "EnableIAMDatabaseAuthentication",
        "enabledCloudwatchLogsExports": "EnableCloudwatchLogsExports",
        "availabilityZones": "AvailabilityZones",
        "storageType": "StorageType",
    }
    for key, boto in optional.items():
        value = r.get(key)
        if value is not None:
            kwargs[boto] = int(value) if isinstance(value, float) else value
    scaling = r.get("serverlessv2ScalingConfiguration")
    if scaling:
        kwargs["ServerlessV2ScalingConfiguration"] = {
            "MinCapacity": float(scaling["minCapacity"]),
            "MaxCapacity": float(scaling["maxCapacity"]),
        }
    storage_type = kwargs.get("StorageType")
    if storage_type not in (None, *_MOTO_CLUSTER_STORAGE_TYPES):
        # moto 5.2 knows no Aurora storage type (`aurora`, `aurora-iopt1`) nor gp3/io2 and fails with a
        # KeyError: the request is checked against the model as given, created without the storage type,
        # and the cluster recorded with its own.
        ctx.check(r, "storageType", "rds", "create_db_cluster", **kwargs)
        del kwargs["StorageType"]
        created = ctx.aws(r, "engine", "rds", "create_db_cluster", **kwargs)["DBCluster"]
        _moto_cluster(ctx, identifier).storage_type = storage_type
        created = dict(created, StorageType=storage_type)
    else:
        created = ctx.aws(r, "engine", "rds", "create_db_cluster", **kwargs)["DBCluster"]
    return identifier, {
        "clusterIdentifier": identifier,
        "arn": created["DBClusterArn"],
        "endpoint": created.get("Endpoint", ""),
        "readerEndpoint": created.get("ReaderEndpoint", ""),
        "port": created.get("Port", 3306),
        "hostedZoneId": created.get("HostedZoneId", ""),
        "clusterResourceId": created.get("DbClusterResourceId", ""),
        "engineVersionActual": created.get("EngineVersion", ""),
        "engineMode": created.get("EngineMode", "provisioned"),
        "clusterMembers": [],
        "masterUserSecrets": _master_user_secrets(created),
    }


def _cluster_instance_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {"endpoint": provider_host(where, s.get("identifier", name), "rds"), "port": 3306, "writer": True}


@emulates(
    CLUSTER_INSTANCE,
    note="create_db_instance with DBClusterIdentifier (moto adds it to the cluster's members)",
    replace_on={
        "availabilityZone",
        "clusterIdentifier",
        "customIamInstanceProfile",
        "dbSubnetGroupName",
        "engine",
        "identifier",
        "identifierPrefix",
    },
    naming=DB_INSTANCE_IDENTIFIER,
    arn="arn:{partition}:rds:{region}:{account}:db:{name}",
    computed=_cluster_instance_outputs,
)
def db_cluster_instance(ctx: Context, r: Resource) -> Emulated:
    identifier = r.physical_name()
    kwargs: dict[str, Any] = {
        "DBInstanceIdentifier": identifier,
        "DBClusterIdentifier": r.get("clusterIdentifier"),
        "Engine": r.get("engine"),
        "DBInstanceClass": r.get("instanceClass"),
        "PubliclyAccessible": bool(r.get("publiclyAccessible", False)),
        "AutoMinorVersionUpgrade": bool(r.get("autoMinorVersionUpgrade", True)),
        "CopyTagsToSnapshot": bool(r.get("copyTagsToSnapshot", False)),
        "PromotionTier": int(r.get("promotionTier", 0)),
        "Tags": tags_list(r.get("tags")),
    }
    optional = {
        "engineVersion": "EngineVersion",
        "availabilityZone": "AvailabilityZone",
        "dbParameterGroupName": "DBParameterGroupName",
        "dbSubnetGroupName": "DBSubnetGroupName",
        "monitoringInterval": "MonitoringInterval",
        "monitoringRoleArn": "MonitoringRoleArn",
        "performanceInsightsEnabled": "EnablePerformanceInsights",
        "performanceInsightsRetentionPeriod": "PerformanceInsightsRetentionPeriod",
        "preferredBackupWindow": "PreferredBackupWindow",
        "preferredMaintenanceWindow": "PreferredMaintenanceWindow",
    }
    for key, boto in optional.items():
        value = r.get(key)
        if value is not None:
            kwargs[boto] = int(value) if isinstance(value, float) else value
    created = ctx.aws(r, "instanceClass", "rds", "create_db_instance", **kwargs)["DBInstance"]
    endpoint = created.get("Endpoint") or {}
    return identifier, {
        "identifier": identifier,
        "arn": created["DBInstanceArn"],
        "endpoint": endpoint.get("Address", ""),
        "port": endpoint.get("Port", 3306),
        "dbiResourceId": created.get("DbiResourceId", ""),
        "engineVersionActual": created.get("EngineVersion", ""),
        "writer": True,
    }


# CreateDBInstance's DBName and MasterUsername constraints per engine: (pattern, longest).
DB_NAME_RULES = {
    "mysql": (r"[A-Za-z][A-Za-z0-9_]*", 64),
    "mariadb": (r"[A-Za-z][A-Za-z0-9_]*", 64),
    "postgres": (r"[A-Za-z][A-Za-z0-9_]*", 63),
}
MASTER_USERNAME_RULES = {
    "mysql": (r"[A-Za-z][A-Za-z0-9_]*", 16),
    "mariadb": (r"[A-Za-z][A-Za-z0-9_]*", 16),
    "postgres": (r"[A-Za-z][A-Za-z0-9_]*", 63),
}


def _identifier_problem(value: Any, rules: dict[str, tuple[str, int]], engine: Any, what: str) -> str | None:
    if not isinstance(value, str) or engine not in rules:
        return None
    pattern, longest = rules[engine]
    if len(value) > longest or not re.fullmatch(pattern, value):
        return (
            f"{what} {value!r} is not allowed for {engine}: 1 to {longest} letters, digits or underscores, "
            "beginning with a letter"
        )
    return None


@rule(
    "rds-db-name",
    INSTANCE,
    prop="dbName",
    summary="The initial database's name is letters, digits and underscores, beginning with a letter",
    source=CREATE_DB_INSTANCE + " (DBName, per engine)",
)
def _db_name(ctx: Context, r: Resource) -> str | None:
    return _identifier_problem(r.get("dbName"), DB_NAME_RULES, r.get("engine"), "the database name")


@rule(
    "rds-master-username",
    INSTANCE,
    prop="username",
    summary="The master user name is letters, digits and underscores, beginning with a letter (MySQL: 16)",
    source=CREATE_DB_INSTANCE + " (MasterUsername, per engine)",
)
def _master_username(ctx: Context, r: Resource) -> str | None:
    return _identifier_problem(
        r.get("username"), MASTER_USERNAME_RULES, r.get("engine"), "the master user name"
    )


# CreateDBInstance's Engine: the valid values the API reference lists.
DB_ENGINES = frozenset(
    {
        "aurora-mysql",
        "aurora-postgresql",
        "custom-oracle-ee",
        "custom-oracle-ee-cdb",
        "custom-oracle-se2",
        "custom-oracle-se2-cdb",
        "custom-sqlserver-dev",
        "custom-sqlserver-ee",
        "custom-sqlserver-se",
        "custom-sqlserver-web",
        "db2-ae",
        "db2-se",
        "mariadb",
        "mysql",
        "oracle-ee",
        "oracle-ee-cdb",
        "oracle-se2",
        "oracle-se2-cdb",
        "postgres",
        "sqlserver-ee",
        "sqlserver-ex",
        "sqlserver-se",
        "sqlserver-web",
    }
)


@rule(
    "rds-engine-known",
    INSTANCE,
    prop="engine",
    summary="The DB instance's engine is one RDS offers",
    source=CREATE_DB_INSTANCE + " (Engine: valid values)",
)
def _engine_known(ctx: Context, r: Resource) -> str | None:
    engine = r.get("engine")
    if not isinstance(engine, str) or engine in DB_ENGINES:
        return None
    return f"RDS has no engine {engine!r}; it offers {', '.join(sorted(DB_ENGINES))}"


# CreateDBInstance's Iops: a multiple of the allocated storage in this range (SQL Server: from 1).
IO1_IOPS_PER_GIB = (0.5, 50)
SQL_SERVER_IO1_IOPS_PER_GIB = (1, 50)


@rule(
    "rds-io1-iops-ratio",
    INSTANCE,
    prop="iops",
    summary="io1 Provisioned IOPS are 0.5-50 times the allocated storage in GiB (SQL Server: 1-50)",
    source=CREATE_DB_INSTANCE + " (Iops: must be a multiple between .5 and 50 of the storage amount)",
)
def _io1_iops_ratio(ctx: Context, r: Resource) -> str | None:
    iops, storage, engine = r.get("iops"), r.get("allocatedStorage"), r.get("engine")
    if r.get("storageType") != "io1" or r.get("replicateSourceDb"):
        return None
    if not isinstance(iops, (int, float)) or not isinstance(storage, (int, float)) or not storage:
        return None
    sql_server = isinstance(engine, str) and engine.startswith("sqlserver")
    low, high = SQL_SERVER_IO1_IOPS_PER_GIB if sql_server else IO1_IOPS_PER_GIB
    if low * storage <= iops <= high * storage:
        return None
    return (
        f"{iops:g} IOPS on {storage:g} GiB of io1 is {iops / storage:g} IOPS per GiB; it must be "
        f"{low:g}-{high:g} per GiB ({low * storage:g}-{high * storage:g} IOPS)"
    )


SERVERLESS_V2 = (
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ServerlessV2ScalingConfiguration.html"
)
MAX_SERVERLESS_V2_ACUS = 256


@rule(
    "rds-serverless-v2-capacity",
    CLUSTER,
    prop="serverlessv2ScalingConfiguration.maxCapacity",
    summary="Serverless v2 capacity is at most 256 ACUs and maxCapacity is not below minCapacity",
    source=SERVERLESS_V2 + " (MaxCapacity: the largest value is 256)",
)
def _serverless_v2_capacity(ctx: Context, r: Resource) -> str | None:
    scaling = r.get("serverlessv2ScalingConfiguration") or {}
    low, high = scaling.get("minCapacity"), scaling.get("maxCapacity")
    if not isinstance(high, (int, float)):
        return None
    if high > MAX_SERVERLESS_V2_ACUS:
        return f"Serverless v2 scales to {MAX_SERVERLESS_V2_ACUS} ACUs at most; got maxCapacity {high:g}"
    if isinstance(low, (int, float)) and high < low:
        return f"maxCapacity {high:g} is below minCapacity {low:g}"
    return None


@rule(
    "rds-serverless-instance-needs-scaling",
    CLUSTER_INSTANCE,
    prop="instanceClass",
    summary="A db.serverless instance joins a cluster with a Serverless v2 capacity range",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.create.html",
)
def _serverless_needs_scaling(ctx: Context, r: Resource) -> str | None:
    cluster_id = r.get("clusterIdentifier")
    if r.get("instanceClass") != "db.serverless" or not isinstance(cluster_id, str):
        return None
    clusters = ctx.client("rds").describe_db_clusters()["DBClusters"]
    found = next((c for c in clusters if c["DBClusterIdentifier"] == cluster_id), None)
    if found is None or found.get("ServerlessV2ScalingConfiguration"):
        return None
    return (
        f"cluster {cluster_id} has no Serverless v2 capacity range: set its serverlessv2ScalingConfiguration "
        "(minCapacity, maxCapacity) before adding db.serverless instances"
    )


# The provider's validation of aws_db_instance's final_snapshot_identifier (internal/service/rds/instance.go).
FINAL_SNAPSHOT_IDENTIFIER = re.compile(r"[0-9A-Za-z]+(-[0-9A-Za-z]+)*")


@rule(
    "rds-final-snapshot-identifier",
    INSTANCE,
    prop="finalSnapshotIdentifier",
    summary="finalSnapshotIdentifier is letters, digits and single hyphens, not ending in a hyphen",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/rds/instance.go"
    " (final_snapshot_identifier ValidateFunc); "
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html"
    " (FinalDBSnapshotIdentifier)",
)
def _final_snapshot_identifier(ctx: Context, r: Resource) -> str | None:
    value = r.get("finalSnapshotIdentifier")
    if not isinstance(value, str) or FINAL_SNAPSHOT_IDENTIFIER.fullmatch(value):
        return None
    return (
        f"finalSnapshotIdentifier {value!r} may hold only letters, digits and hyphens, with no two hyphens "
        "together and none at the end"
    )


@rule(
    "rds-subnet-group-one-vpc",
    "aws:rds/subnetGroup:SubnetGroup",
    prop="subnetIds",
    summary="A DB subnet group's subnets all belong to one VPC",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html"
    " (InvalidSubnet: multiple subnets were requested that are not all in a common VPC)",
)
def _subnet_group_one_vpc(ctx: Context, r: Resource) -> str | None:
    subnet_ids = r.get("subnetIds")
    if not isinstance(subnet_ids, list) or not all(isinstance(s, str) for s in subnet_ids):
        return None
    vpcs = _subnet_vpcs(ctx, subnet_ids)
    if vpcs is None or len(set(vpcs.values())) < 2:
        return None
    listing = ", ".join(f"{s} in {v}" for s, v in sorted(vpcs.items()))
    return f"the subnets are not all in one VPC: {listing}"


@rule(
    "rds-security-groups-in-vpc",
    INSTANCE,
    prop="vpcSecurityGroupIds",
    summary="A DB instance's VPC security groups belong to the VPC of its DB subnet group",
    source=SAME_VPC,
)
def _security_groups_in_vpc(ctx: Context, r: Resource) -> str | None:
    subnet_group = r.get("dbSubnetGroupName")
    if not isinstance(subnet_group, str):
        return None
    groups = ctx.client("rds").describe_db_subnet_groups()["DBSubnetGroups"]
    found = next((g for g in groups if g["DBSubnetGroupName"] == subnet_group), None)
    if found is None:
        return None
    subnet_ids = [s["SubnetIdentifier"] for s in found.get("Subnets", [])]
    return groups_outside_the_subnets_vpc(ctx, subnet_ids, r.get("vpcSecurityGroupIds"))


def _subnet_vpcs(ctx: Context, subnet_ids: list[str]) -> dict[str, str] | None:
    """Subnet id -> VPC id, as the account holds them; None when one is not there to read."""
    from botocore.exceptions import ClientError

    try:
        subnets = ctx.client("ec2").describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    except ClientError:
        return None
    return {s["SubnetId"]: s["VpcId"] for s in subnets}


@rule(
    "rds-option-group-major-version",
    "aws:rds/optionGroup:OptionGroup",
    prop="majorEngineVersion",
    summary="An option group's major engine version is one RDS offers for the engine (8.0, not 8.0.35)",
    source="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateOptionGroup.html"
    " (MajorEngineVersion); " + " ; ".join(ENGINE_VERSIONS_SOURCE.values()),
)
def _option_group_major_version(ctx: Context, r: Resource) -> str | None:
    engine, version = r.get("engineName"), r.get("majorEngineVersion")
    if engine not in ENGINE_FAMILIES or not isinstance(version, str) or version in ENGINE_FAMILIES[engine]:
        return None
    offered = ", ".join(sorted(ENGINE_FAMILIES[engine], key=lambda v: [int(p) for p in v.split(".")]))
    return f"{version} is not a {engine} major version RDS offers: use one of {offered}"


# CreateDBCluster's StorageType: Aurora clusters take the Aurora storage types, Multi-AZ DB clusters
# (engine mysql or postgres) the Provisioned IOPS and gp3 ones.
CLUSTER_STORAGE_TYPES = {
    "aurora-mysql": ("aurora", "aurora-iopt1"),
    "aurora-postgresql": ("aurora", "aurora-iopt1"),
    "mysql": ("io1", "io2", "gp3"),
    "postgres": ("io1", "io2", "gp3"),
}


@rule(
    "rds-cluster-storage-type",
    CLUSTER,
    prop="storageType",
    summary="Aurora clusters take storage type aurora or aurora-iopt1; Multi-AZ DB clusters io1, io2, gp3",
    source=CREATE_DB_CLUSTER + " (StorageType: valid values per cluster type)",
)
def _cluster_storage_type(ctx: Context, r: Resource) -> str | None:
    engine, storage_type = r.get("engine"), r.get("storageType")
    if not isinstance(storage_type, str) or not storage_type or engine not in CLUSTER_STORAGE_TYPES:
        return None
    allowed = CLUSTER_STORAGE_TYPES[str(engine)]
    if storage_type in allowed:
        return None
    return f"{engine} clusters take storage type {' or '.join(allowed)}; got {storage_type}"


GET_ENGINE_VERSION = "aws:rds/getEngineVersion:getEngineVersion"
_FAMILY = {"mysql": "mysql{major}"}


def _mysql_versions() -> list[str]:
    versions = load("rds_engine_versions").values
    return sorted_naturally(v for minors in versions.values() for v in minors)


def _known_engine(token: str, engine: str) -> None:
    if engine != "mysql":
        raise LookupError(
            f"{token}: engine {engine!r}: the rehearsal knows RDS's versions and classes for mysql only "
            "(infra/offerings/data, read from DescribeDBEngineVersions); give the version or class directly"
        )


@answers(GET_ENGINE_VERSION)
def get_engine_version(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An engine version from the catalogue of RDS's versions: the first of `preferredVersions` offered,
    else `version` (a major version picks its newest minor), else with `latest` or `defaultOnly` the
    newest (the catalogue does not say which one RDS makes the default)."""
    engine = str(args.get("engine", ""))
    _known_engine(GET_ENGINE_VERSION, engine)
    offered = _mysql_versions()
    choice: str | None = None
    for wanted in [
        *(args.get("preferredVersions") or []),
        *([args["version"]] if args.get("version") else []),
    ]:
        matching = [v for v in offered if v == wanted or v.startswith(f"{wanted}.")]
        if matching:
            choice = matching[-1]
            break
    if choice is None and not args.get("preferredVersions") and not args.get("version"):
        choice = offered[-1] if offered else None
    if choice is None:
        raise NotFoundError(GET_ENGINE_VERSION, "RDS engine version", args, ctx.region)
    major = ".".join(choice.split(".")[:2])
    return {
        "id": choice,
        "engine": engine,
        "version": choice,
        "versionActual": choice,
        "parameterGroupFamily": _FAMILY[engine].format(major=major),
        "status": "available",
        "region": ctx.region,
    }


GET_ORDERABLE = "aws:rds/getOrderableDbInstance:getOrderableDbInstance"


@answers(GET_ORDERABLE)
def get_orderable_db_instance(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An instance class RDS offers for the engine: `instanceClass`, else the first of
    `preferredInstanceClasses` offered, from the catalogue of DescribeOrderableDBInstanceOptions."""
    engine = str(args.get("engine", ""))
    _known_engine(GET_ORDERABLE, engine)
    offered = set(load("rds_instance_classes").values.get("all", []))
    candidates = (
        [args["instanceClass"]]
        if args.get("instanceClass")
        else list(args.get("preferredInstanceClasses") or [])
    )
    chosen = next((c for c in candidates if c in offered), None)
    if chosen is None:
        raise NotFoundError(GET_ORDERABLE, "RDS orderable DB instance", args, ctx.region)
    version = (
        args.get("engineVersion")
        or (args.get("preferredEngineVersions") or [None])[0]
        or _mysql_versions()[-1]
    )
    return {
        "id": chosen,
        "engine": engine,
        "engineVersion": version,
        "instanceClass": chosen,
        "licenseModel": "general-public-license",  # MySQL's only license model on RDS
        "storageType": args.get("storageType"),
        "region": ctx.region,
    }
