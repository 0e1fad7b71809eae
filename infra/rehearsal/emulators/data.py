"""Data stores on the emulated account: RDS, ElastiCache, Amazon MQ, OpenSearch, Secrets Manager, KMS."""

from __future__ import annotations

import hashlib
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Emulated,
    EmulationError,
    Resource,
    Validation,
    emulates,
    tags_list,
)

MIN_DB_SUBNET_GROUP_AZS = 2


def _subnet_zones(ctx: Context, r: Resource, subnet_ids: list[str]) -> list[str]:
    subnets = ctx.aws(r, "subnetIds", "ec2", "describe_subnets", SubnetIds=subnet_ids)["Subnets"]
    return sorted({s["AvailabilityZone"] for s in subnets})


@emulates(
    "aws:rds/subnetGroup:SubnetGroup",
    note="create_db_subnet_group; the emulator refuses fewer than 2 AZs, read back from the account (moto "
    "does not)",
)
def db_subnet_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(lower=True)
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
    "aws:rds/parameterGroup:ParameterGroup", note="create_db_parameter_group, modify_db_parameter_group"
)
def db_parameter_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(lower=True)
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


@emulates("aws:rds/optionGroup:OptionGroup", note="create_option_group, modify_option_group")
def db_option_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(lower=True)
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


@emulates(
    "aws:rds/instance:Instance",
    note="create_db_instance; moto creates the managed master secret",
)
def db_instance(ctx: Context, r: Resource) -> Emulated:
    identifier = r.physical_name("identifier", lower=True, max_length=63)
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


@emulates("aws:elasticache/subnetGroup:SubnetGroup", note="create_cache_subnet_group")
def cache_subnet_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(lower=True)
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


@emulates(
    "aws:elasticache/replicationGroup:ReplicationGroup",
    note="create_replication_group; moto keeps one member cluster whatever numCacheClusters says and names "
    "endpoints in us-east-1 (returned as moto gives them)",
)
def replication_group(ctx: Context, r: Resource) -> Emulated:
    group_id = r.physical_name("replicationGroupId", lower=True, max_length=40)
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


@emulates(
    "aws:mq/broker:Broker",
    note="create_broker; AMQP endpoints are built from the broker id (moto returns a placeholder host)",
)
def broker(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name("brokerName", max_length=50)
    users = [
        {
            "Username": u["username"],
            "Password": u["password"],
            "ConsoleAccess": bool(u.get("consoleAccess", False)),
        }
        for u in r.get("users", [])
    ]
    window = r.get("maintenanceWindowStartTime")
    kwargs: dict[str, Any] = {
        "BrokerName": name,
        "EngineType": str(r.get("engineType")).upper(),
        "EngineVersion": r.get("engineVersion"),
        "HostInstanceType": r.get("hostInstanceType"),
        "DeploymentMode": r.get("deploymentMode", "SINGLE_INSTANCE"),
        "PubliclyAccessible": bool(r.get("publiclyAccessible", False)),
        "AutoMinorVersionUpgrade": bool(r.get("autoMinorVersionUpgrade", False)),
        "SubnetIds": list(r.get("subnetIds", [])),
        "SecurityGroups": list(r.get("securityGroups", [])),
        "Users": users,
        "Logs": {"General": bool((r.get("logs") or {}).get("general", False))},
        "Tags": dict(r.get("tags", {})),
    }
    if window:
        kwargs["MaintenanceWindowStartTime"] = {
            "DayOfWeek": window["dayOfWeek"],
            "TimeOfDay": window["timeOfDay"],
            "TimeZone": window.get("timeZone", "UTC"),
        }
    created = ctx.aws(r, "engineType", "mq", "create_broker", **kwargs)
    broker_id = created["BrokerId"]
    described = ctx.aws(r, "brokerName", "mq", "describe_broker", BrokerId=broker_id)
    nodes = 3 if kwargs["DeploymentMode"] == "CLUSTER_MULTI_AZ" else 1
    host = f"b-{broker_id}.mq.{ctx.region}.on.aws"
    instances = [
        {
            "consoleUrl": f"https://{host}",
            "endpoints": [f"amqps://{host}:5671"],
            "ipAddress": ""
            if nodes > 1
            else (described.get("BrokerInstances") or [{}])[0].get("IpAddress", ""),
        }
    ]
    return broker_id, {"arn": created["BrokerArn"], "brokerName": name, "instances": instances}


@emulates("aws:opensearch/domain:Domain", note="create_domain; the VPC endpoint is moto's")
def opensearch_domain(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name("domainName", lower=True, max_length=28)
    cluster = r.get("clusterConfig", {})
    kwargs: dict[str, Any] = {"DomainName": name, "EngineVersion": r.get("engineVersion", "OpenSearch_2.19")}
    if cluster:
        config: dict[str, Any] = {
            "InstanceType": cluster.get("instanceType"),
            "InstanceCount": int(cluster.get("instanceCount", 1)),
            "DedicatedMasterEnabled": bool(cluster.get("dedicatedMasterEnabled", False)),
            "ZoneAwarenessEnabled": bool(cluster.get("zoneAwarenessEnabled", False)),
        }
        if cluster.get("dedicatedMasterType"):
            config["DedicatedMasterType"] = cluster["dedicatedMasterType"]
            config["DedicatedMasterCount"] = int(cluster.get("dedicatedMasterCount", 3))
        zone_config = cluster.get("zoneAwarenessConfig")
        if zone_config:
            config["ZoneAwarenessConfig"] = {
                "AvailabilityZoneCount": int(zone_config["availabilityZoneCount"])
            }
        kwargs["ClusterConfig"] = config
    ebs = r.get("ebsOptions")
    if ebs:
        kwargs["EBSOptions"] = {
            "EBSEnabled": bool(ebs.get("ebsEnabled")),
            "VolumeType": ebs.get("volumeType", "gp3"),
            "VolumeSize": int(ebs.get("volumeSize", 10)),
        }
    vpc = r.get("vpcOptions")
    if vpc:
        kwargs["VPCOptions"] = {
            "SubnetIds": list(vpc.get("subnetIds", [])),
            "SecurityGroupIds": list(vpc.get("securityGroupIds", [])),
        }
    for prop, boto in (
        ("encryptAtRest", "EncryptionAtRestOptions"),
        ("nodeToNodeEncryption", "NodeToNodeEncryptionOptions"),
    ):
        if r.get(prop):
            kwargs[boto] = {"Enabled": bool(r.get(prop).get("enabled"))}
    endpoint_options = r.get("domainEndpointOptions")
    if endpoint_options:
        kwargs["DomainEndpointOptions"] = {
            "EnforceHTTPS": bool(endpoint_options.get("enforceHttps", False)),
            "TLSSecurityPolicy": endpoint_options.get("tlsSecurityPolicy", "Policy-Min-TLS-1-2-2019-07"),
        }
    logs = {
        o["logType"]: {
            "CloudWatchLogsLogGroupArn": o["cloudwatchLogGroupArn"],
            "Enabled": bool(o.get("enabled", True)),
        }
        for o in r.get("logPublishingOptions", [])
    }
    if logs:
        kwargs["LogPublishingOptions"] = logs
    if r.get("accessPolicies"):
        kwargs["AccessPolicies"] = r.get("accessPolicies")
    status = ctx.aws(r, "domainName", "opensearch", "create_domain", **kwargs)["DomainStatus"]
    endpoints = status.get("Endpoints") or {}
    endpoint = endpoints.get("vpc") or status.get("Endpoint") or ""
    return status["ARN"], {
        "domainName": name,
        "arn": status["ARN"],
        "domainId": status.get("DomainId", f"{ctx.account_id}/{name}"),
        "endpoint": endpoint,
        "dashboardEndpoint": f"{endpoint}/_dashboards" if endpoint else "",
    }


@emulates("aws:opensearch/domainPolicy:DomainPolicy", note="update_domain_config with the access policy")
def opensearch_domain_policy(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("domainName"))
    ctx.aws(
        r,
        "accessPolicies",
        "opensearch",
        "update_domain_config",
        DomainName=name,
        AccessPolicies=r.get("accessPolicies"),
    )
    return f"esd-policy-{name}", {}


@emulates("aws:secretsmanager/secret:Secret", note="create_secret")
def secret(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {"Name": name, "Tags": tags_list(r.get("tags"))}
    if r.get("description"):
        kwargs["Description"] = r.get("description")
    if r.get("kmsKeyId"):
        kwargs["KmsKeyId"] = r.get("kmsKeyId")
    created = ctx.aws(r, "name", "secretsmanager", "create_secret", **kwargs)
    return created["ARN"], {"arn": created["ARN"], "name": name}


@emulates("aws:secretsmanager/secretVersion:SecretVersion", note="put_secret_value")
def secret_version(ctx: Context, r: Resource) -> Emulated:
    secret_id = str(r.get("secretId"))
    kwargs: dict[str, Any] = {"SecretId": secret_id}
    if r.get("secretString") is not None:
        kwargs["SecretString"] = r.get("secretString")
    created = ctx.aws(r, "secretId", "secretsmanager", "put_secret_value", **kwargs)
    return f"{secret_id}|{created['VersionId']}", {
        "arn": created["ARN"],
        "versionId": created["VersionId"],
        "versionStages": list(created.get("VersionStages", ["AWSCURRENT"])),
    }


@emulates("aws:kms/key:Key", note="create_key, enable_key_rotation")
def kms_key(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "Description": r.get("description", ""),
        "KeyUsage": r.get("keyUsage", "ENCRYPT_DECRYPT"),
        "KeySpec": r.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT"),
        "Tags": tags_list(r.get("tags"), key="TagKey", value="TagValue"),
    }
    if r.get("policy"):
        kwargs["Policy"] = r.get("policy")
    metadata = ctx.aws(r, "policy", "kms", "create_key", **kwargs)["KeyMetadata"]
    key_id = metadata["KeyId"]
    if r.get("enableKeyRotation"):
        ctx.aws(r, "enableKeyRotation", "kms", "enable_key_rotation", KeyId=key_id)
    return key_id, {"arn": metadata["Arn"], "keyId": key_id}


@emulates("aws:kms/alias:Alias", note="create_alias")
def kms_alias(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    ctx.aws(r, "name", "kms", "create_alias", AliasName=name, TargetKeyId=r.get("targetKeyId"))
    return name, {
        "arn": ctx.arn("kms", name),
        "name": name,
        "targetKeyArn": ctx.arn("kms", f"key/{r.get('targetKeyId')}"),
    }


_PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@emulates(
    "random:index/randomPassword:RandomPassword",
    Validation.LOCAL,
    note="generated locally as the random provider does; derived from the URN so runs repeat",
)
def random_password(ctx: Context, r: Resource) -> Emulated:
    length = int(r.get("length", 16))
    digest = hashlib.sha256(f"{ctx.account_id}/{r.urn}".encode()).digest() * (length // 32 + 1)
    value = "".join(_PASSWORD_ALPHABET[b % len(_PASSWORD_ALPHABET)] for b in digest[:length])
    return "none", {"result": value, "bcryptHash": ""}
