"""CloudWatch Logs: log groups and resource policies."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates

LOG_GROUP_NAME = Naming(
    max_length=512,
    pattern=r"[.\-_/#A-Za-z0-9]+",
    source=(
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"
        " (logGroupName: 1-512, [.-_/#A-Za-z0-9]+)"
    ),
)


@emulates(
    "aws:cloudwatch/logGroup:LogGroup",
    note="create_log_group, put_retention_policy",
    replace_on={"name", "namePrefix"},
    naming=LOG_GROUP_NAME,
    arn="arn:{partition}:logs:{region}:{account}:log-group:{name}",
)
def log_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {"logGroupName": name}
    if r.get("kmsKeyId"):
        kwargs["kmsKeyId"] = r.get("kmsKeyId")
    if r.get("tags"):
        kwargs["tags"] = dict(r.get("tags"))
    ctx.aws(r, "name", "logs", "create_log_group", **kwargs)
    if r.get("retentionInDays"):
        ctx.aws(
            r,
            "retentionInDays",
            "logs",
            "put_retention_policy",
            logGroupName=name,
            retentionInDays=int(r.get("retentionInDays")),
        )
    return name, {"name": name, "arn": ctx.arn("logs", f"log-group:{name}")}


@emulates(
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
    note="logs put_resource_policy",
    replace_on={"policyName"},
    naming=UNNAMED,
    arn="",
)
def log_resource_policy(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("policyName"))
    ctx.aws(
        r,
        "policyDocument",
        "logs",
        "put_resource_policy",
        policyName=name,
        policyDocument=r.get("policyDocument"),
    )
    return name, {}
