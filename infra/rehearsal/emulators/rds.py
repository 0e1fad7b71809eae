"""RDS: DB subnet, parameter and option groups, DB instances."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    EmulationError,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import Emulated, Naming, Where, emulates, provider_host, stable_hex

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
    name = r.physical_name()
    group = ctx.aws(
        r,
        "family",
        "rds",
        "create_db_parameter_group",
        DBParameterGroupName=name,
        DBParameterGroupFamily=r.get("family"),
        Description=r.get("description", "Managed by Pulumi"),
        Tags=tags_list(r.get("tags")),
    )["DBParameterGroup"]
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
            "modify_db_parameter_group",
            DBParameterGroupName=name,
            Parameters=parameters,
        )
    return name, {"name": name, "arn": group["DBParameterGroupArn"]}


@emulates(
    "aws:rds/optionGroup:OptionGroup",
    note="create_option_group, modify_option_group",
    replace_on={"engineName", "majorEngineVersion", "name", "namePrefix", "optionGroupDescription"},
    naming=OPTION_GROUP_NAME,
    arn="arn:{partition}:rds:{region}:{account}:og:{name}",
)
def db_option_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    group = ctx.aws(
        r,
        "engineName",
        "rds",
        "create_option_group",
        OptionGroupName=name,
        EngineName=r.get("engineName"),
        MajorEngineVersion=r.get("majorEngineVersion"),
        OptionGroupDescription=r.get("optionGroupDescription", "Managed by Pulumi"),
        Tags=tags_list(r.get("tags")),
    )["OptionGroup"]
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
    }
    for key, boto in optional.items():
        value = r.get(key)
        if value is not None:
            kwargs[boto] = int(value) if isinstance(value, float) else value
    created = ctx.aws(r, "instanceClass", "rds", "create_db_instance", **kwargs)["DBInstance"]
    endpoint = created.get("Endpoint") or {}
    secret = created.get("MasterUserSecret")
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
        "masterUserSecrets": [
            {
                "secretArn": secret["SecretArn"],
                "secretStatus": secret.get("SecretStatus", "active"),
                "kmsKeyId": secret.get("KmsKeyId", ""),
            }
        ]
        if secret
        else [],
    }
    return identifier, state
