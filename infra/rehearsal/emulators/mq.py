"""Amazon MQ: brokers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.spec import Emulated, Naming, Where, emulates, provider_host

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
