"""Amazon MQ: brokers and configurations."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.emulators.ec2 import SAME_VPC, groups_outside_the_subnets_vpc
from infra.rehearsal.spec import Emulated, Naming, Where, emulates, provider_host, rule

BROKER_NAME = Naming(
    key="brokerName",
    max_length=50,
    pattern=r"[A-Za-z0-9_-]+",
    source=(
        "https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html#brokers-prop-createbrokerinput-brokername"
        " (1-50 letters, digits, dashes, underscores)"
    ),
)


def _broker_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    host = provider_host(where, name, "mq")
    return {
        "instances": [
            {"consoleUrl": f"https://{host}", "endpoints": [f"amqps://{host}:5671"], "ipAddress": ""}
        ]
    }


@emulates(
    "aws:mq/broker:Broker",
    note="create_broker; AMQP endpoints are built from the broker id (moto returns a placeholder host)",
    replace_on={
        "brokerName",
        "deploymentMode",
        "encryptionOptions",
        "engineType",
        "publiclyAccessible",
        "storageType",
        "subnetIds",
    },
    naming=BROKER_NAME,
    arn="arn:{partition}:mq:{region}:{account}:broker:{name}:{id}",
    stateful="message broker",
    computed=_broker_outputs,
)
def broker(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
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
    # moto answers arn:...:broker:<id>; AWS (and the provider) name it broker:<name>:<id>.
    arn = ctx.arn("mq", f"broker:{name}:{broker_id}")
    return broker_id, {"arn": arn, "brokerName": name, "instances": instances}


BROKER = "aws:mq/broker:Broker"
BROKERS_API = "https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html"
DEPLOYMENT_MODES = {
    "ACTIVEMQ": ("SINGLE_INSTANCE", "ACTIVE_STANDBY_MULTI_AZ"),
    "RABBITMQ": ("SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"),
}
_M5 = ("mq.m5.large", "mq.m5.xlarge", "mq.m5.2xlarge", "mq.m5.4xlarge")
_M7G = tuple(
    f"mq.m7g.{size}"
    for size in ("medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
)
# Broker instance types per engine (the developer guide's instance type pages, November 2026).
INSTANCE_TYPES = {"ACTIVEMQ": ("mq.t3.micro", *_M5), "RABBITMQ": ("mq.t3.micro", *_M5, *_M7G)}
INSTANCE_TYPES_SOURCE = (
    "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amq-broker-instance-types.html ;"
    " https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rmq-broker-instance-types.html"
)
# The engine versions a new broker can be created with (major.minor; the version management pages).
ENGINE_VERSIONS = {"ACTIVEMQ": ("5.17", "5.18"), "RABBITMQ": ("3.13", "4.2")}
ENGINE_VERSIONS_SOURCE = (
    "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/activemq-version-management.html ;"
    " https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-management.html"
)
PASSWORD_FORBIDDEN = (",", ":", "=")
MIN_PASSWORD, MAX_PASSWORD, MIN_UNIQUE = 12, 250, 4


def _engine(r: Resource) -> str:
    return str(r.get("engineType", "")).upper()


@rule(
    "mq-deployment-mode-for-engine",
    BROKER,
    prop="deploymentMode",
    summary="ActiveMQ runs SINGLE_INSTANCE or ACTIVE_STANDBY_MULTI_AZ; RabbitMQ SINGLE_INSTANCE or "
    "CLUSTER_MULTI_AZ",
    source=BROKERS_API + "#brokers-model-deploymentmode",
)
def _deployment_mode(ctx: Context, r: Resource) -> str | None:
    engine, mode = _engine(r), r.get("deploymentMode", "SINGLE_INSTANCE")
    if engine not in DEPLOYMENT_MODES or mode in DEPLOYMENT_MODES[engine]:
        return None
    return f"{engine} brokers are deployed {' or '.join(DEPLOYMENT_MODES[engine])}, not {mode}"


@rule(
    "mq-subnets-for-deployment-mode",
    BROKER,
    prop="subnetIds",
    summary="SINGLE_INSTANCE takes one subnet, ACTIVE_STANDBY_MULTI_AZ two, a private CLUSTER_MULTI_AZ at "
    "least one",
    source=BROKERS_API + "#brokers-prop-createbrokerinput-subnetids",
)
def _subnets(ctx: Context, r: Resource) -> str | None:
    subnets, mode = list(r.get("subnetIds", [])), r.get("deploymentMode", "SINGLE_INSTANCE")
    if mode == "SINGLE_INSTANCE" and len(subnets) > 1:
        return f"a SINGLE_INSTANCE broker takes one subnet; got {len(subnets)}"
    if mode == "ACTIVE_STANDBY_MULTI_AZ" and len(subnets) != 2:
        return f"an ACTIVE_STANDBY_MULTI_AZ broker takes two subnets in different AZs; got {len(subnets)}"
    if mode == "CLUSTER_MULTI_AZ" and not subnets and not r.get("publiclyAccessible"):
        return "a private CLUSTER_MULTI_AZ broker needs at least one subnet"
    return None


@rule(
    "mq-user-password",
    BROKER,
    prop="users",
    summary="A broker user's password is 12-250 characters, at least 4 distinct, without , : or =",
    source=BROKERS_API + "#brokers-model-user",
)
def _user_passwords(ctx: Context, r: Resource) -> str | None:
    for index, user in enumerate(r.get("users", [])):
        password = user.get("password")
        if not isinstance(password, str):
            continue
        who = f"user {user.get('username')!r} (users[{index}])"
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            limits = f"{MIN_PASSWORD}-{MAX_PASSWORD}"
            return f"{who}: the password must be {limits} characters; it has {len(password)}"
        if len(set(password)) < MIN_UNIQUE:
            return f"{who}: the password must hold at least {MIN_UNIQUE} distinct characters"
        if any(c in password for c in PASSWORD_FORBIDDEN):
            return f"{who}: the password must not contain commas, colons or equal signs"
    return None


@rule(
    "mq-rabbitmq-single-user",
    BROKER,
    prop="users",
    summary="A RabbitMQ broker is created with exactly one (administrative) user",
    source=BROKERS_API + "#brokers-prop-createbrokerinput-users",
)
def _rabbitmq_users(ctx: Context, r: Resource) -> str | None:
    users = list(r.get("users", []))
    if _engine(r) != "RABBITMQ" or len(users) == 1:
        return None
    return f"a RabbitMQ broker accepts one and only one user at creation; got {len(users)}"


@rule(
    "mq-instance-type-exists",
    BROKER,
    prop="hostInstanceType",
    summary="The broker instance type exists for the engine",
    source=INSTANCE_TYPES_SOURCE,
)
def _instance_type(ctx: Context, r: Resource) -> str | None:
    engine, instance_type = _engine(r), r.get("hostInstanceType")
    if engine not in INSTANCE_TYPES or not isinstance(instance_type, str):
        return None
    if instance_type in INSTANCE_TYPES[engine]:
        return None
    return f"{instance_type} is not a {engine} broker instance type ({', '.join(INSTANCE_TYPES[engine])})"


@rule(
    "mq-micro-single-instance",
    BROKER,
    prop="hostInstanceType",
    summary="mq.t3.micro brokers are SINGLE_INSTANCE only",
    source=INSTANCE_TYPES_SOURCE,
)
def _micro_single(ctx: Context, r: Resource) -> str | None:
    mode = r.get("deploymentMode", "SINGLE_INSTANCE")
    if r.get("hostInstanceType") == "mq.t3.micro" and mode != "SINGLE_INSTANCE":
        return f"mq.t3.micro is available for single-instance brokers only, not {mode}"
    return None


@rule(
    "mq-engine-version-exists",
    (BROKER, "aws:mq/configuration:Configuration"),
    prop="engineVersion",
    summary="The engine version is one Amazon MQ offers new brokers (ActiveMQ 5.17/5.18, RabbitMQ 3.13/4.2)",
    source=ENGINE_VERSIONS_SOURCE,
)
def _engine_version(ctx: Context, r: Resource) -> str | None:
    engine, version = _engine(r), r.get("engineVersion")
    if engine not in ENGINE_VERSIONS or not isinstance(version, str):
        return None
    if ".".join(version.split(".")[:2]) in ENGINE_VERSIONS[engine]:
        return None
    return f"Amazon MQ offers no {engine} {version}; new brokers run {', '.join(ENGINE_VERSIONS[engine])}"


@rule(
    "mq-configuration-data-format",
    "aws:mq/configuration:Configuration",
    prop="data",
    summary="ActiveMQ configuration data is XML with a <broker> root; RabbitMQ's is key = value lines",
    source="https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amazon-mq-broker-configuration-parameters.html"
    " ; https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-broker-configuration-parameters.html",
)
def _configuration_data(ctx: Context, r: Resource) -> str | None:
    data, engine = r.get("data"), _engine(r)
    if not isinstance(data, str):
        return None
    if engine == "ACTIVEMQ":
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as err:
            return f"ActiveMQ configuration data is not well-formed XML: {err}"
        if root.tag.rsplit("}", 1)[-1] != "broker":
            return f"ActiveMQ configuration data has root <{root.tag}>, not <broker>"
        return None
    if engine == "RABBITMQ":
        for number, line in enumerate(data.splitlines(), 1):
            text = line.strip()
            if text and not text.startswith("#") and "=" not in text:
                return f"RabbitMQ configuration line {number} is not `key = value`: {text!r}"
    return None


CONFIGURATION_NAME = Naming(
    max_length=150,
    pattern=r"[A-Za-z0-9._~-]+",
    source=(
        "https://docs.aws.amazon.com/amazon-mq/latest/api-reference/configurations.html"
        "#configurations-prop-createconfigurationrequest-name (1-150 letters, digits, - . _ ~)"
    ),
)


@emulates(
    "aws:mq/configuration:Configuration",
    note="create_configuration, update_configuration with the base64 data (moto does not parse it)",
    replace_on={"engineType", "engineVersion", "name"},
    naming=CONFIGURATION_NAME,
    arn="arn:{partition}:mq:{region}:{account}:configuration:{id}",
)
def configuration(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "Name": name,
        "EngineType": _engine(r),
        "EngineVersion": r.get("engineVersion"),
        "Tags": dict(r.get("tags", {})),
    }
    if r.get("authenticationStrategy"):
        kwargs["AuthenticationStrategy"] = str(r.get("authenticationStrategy")).upper()
    created = ctx.aws(r, "engineType", "mq", "create_configuration", **kwargs)
    configuration_id = created["Id"]
    update: dict[str, Any] = {
        "ConfigurationId": configuration_id,
        "Data": base64.b64encode(str(r.get("data", "")).encode()).decode(),
    }
    if r.get("description"):
        update["Description"] = r.get("description")
    updated = ctx.aws(r, "data", "mq", "update_configuration", **update)
    return configuration_id, {
        "name": name,
        "arn": created["Arn"],
        "latestRevision": updated.get("LatestRevision", {}).get("Revision", 2),
        "authenticationStrategy": str(created.get("AuthenticationStrategy", "simple")),
    }


ACTIVEMQ_EBS_FAMILY = "mq.m5."


@rule(
    "mq-ebs-storage-instance-type",
    BROKER,
    prop="storageType",
    summary="An ActiveMQ broker stores on EBS only on an mq.m5 instance type",
    source="https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/activemq-broker-instance-types.html"
    " (you can use Amazon EBS only with the mq.m5 broker instance type family)",
)
def _ebs_storage(ctx: Context, r: Resource) -> str | None:
    storage, host = str(r.get("storageType", "")).lower(), r.get("hostInstanceType")
    if _engine(r) != "ACTIVEMQ" or storage != "ebs" or not isinstance(host, str):
        return None
    if host.startswith(ACTIVEMQ_EBS_FAMILY):
        return None
    return f"EBS storage is for mq.m5 brokers only; a {host} ActiveMQ broker stores on EFS (storageType efs)"


# The User object's username: 2-100 characters; ActiveMQ letters, digits and - . _ ~, RabbitMQ without ~.
USERNAME_PATTERNS = {"ACTIVEMQ": r"[A-Za-z0-9._~-]{2,100}", "RABBITMQ": r"[A-Za-z0-9._-]{2,100}"}


@rule(
    "mq-user-name",
    BROKER,
    prop="users",
    summary="A broker user's name is 2-100 letters, digits, dashes, periods, underscores (ActiveMQ: and "
    "tildes); RabbitMQ refuses guest",
    source=BROKERS_API + "#brokers-model-user",
)
def _user_names(ctx: Context, r: Resource) -> str | None:
    engine = _engine(r)
    pattern = USERNAME_PATTERNS.get(engine)
    if pattern is None:
        return None
    for index, user in enumerate(r.get("users", [])):
        name = user.get("username")
        if not isinstance(name, str):
            continue
        if not re.fullmatch(pattern, name):
            allowed = "letters, digits, - . _" + (" ~" if engine == "ACTIVEMQ" else "")
            return f"users[{index}].username {name!r} must be 2-100 characters of {allowed}"
        if engine == "RABBITMQ" and name == "guest":
            return f"users[{index}].username: Amazon MQ for RabbitMQ refuses the name guest"
    return None


@rule(
    "mq-audit-logs-activemq-only",
    BROKER,
    prop="logs.audit",
    summary="Audit logs are for ActiveMQ brokers (they don't apply to RabbitMQ)",
    source=BROKERS_API + "#brokers-model-logs (audit: does not apply to RabbitMQ brokers)",
)
def _audit_logs(ctx: Context, r: Resource) -> str | None:
    if _engine(r) != "RABBITMQ" or not (r.get("logs") or {}).get("audit"):
        return None
    return "a RabbitMQ broker has no audit log: remove logs.audit"


@rule(
    "mq-security-groups-in-vpc",
    BROKER,
    prop="securityGroups",
    summary="A broker's security groups belong to its subnets' VPC",
    source=SAME_VPC,
)
def _security_groups_in_vpc(ctx: Context, r: Resource) -> str | None:
    return groups_outside_the_subnets_vpc(ctx, r.get("subnetIds"), r.get("securityGroups"))
