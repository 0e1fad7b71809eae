"""Kinesis Data Streams: streams, with the capacity mode and retention rules the provider enforces."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import Context, Resource
from infra.rehearsal.spec import Emulated, Naming, emulates, rule

STREAM_TOKEN = "aws:kinesis/stream:Stream"
PROVIDER_STREAM = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/kinesis/stream.go"
)
STREAM_NAME = Naming(
    max_length=128,
    pattern=r"[a-zA-Z0-9_.-]+",
    source=(
        "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html"
        " (StreamName: 1-128 of [a-zA-Z0-9_.-])"
    ),
)
RETENTION_HOURS = (24, 8760)
PROVISIONED, ON_DEMAND = "PROVISIONED", "ON_DEMAND"


def stream_mode(r: Resource) -> str:
    return str((r.get("streamModeDetails") or {}).get("streamMode") or PROVISIONED)


@emulates(
    STREAM_TOKEN,
    note="create_stream, increase_stream_retention_period, enable_enhanced_monitoring,"
    " start_stream_encryption",
    replace_on={"name"},
    naming=STREAM_NAME,
    arn="arn:{partition}:kinesis:{region}:{account}:stream/{name}",
    stateful="stream records",
)
def stream(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    mode = stream_mode(r)
    kwargs: dict[str, Any] = {"StreamName": name, "StreamModeDetails": {"StreamMode": mode}}
    if mode == PROVISIONED:
        kwargs["ShardCount"] = int(r.get("shardCount", 0))
    if r.get("tags"):
        kwargs["Tags"] = dict(r.get("tags"))
    ctx.aws(r, "shardCount", "kinesis", "create_stream", **kwargs)
    retention = int(r.get("retentionPeriod", RETENTION_HOURS[0]))
    if retention > RETENTION_HOURS[0]:
        ctx.aws(
            r,
            "retentionPeriod",
            "kinesis",
            "increase_stream_retention_period",
            StreamName=name,
            RetentionPeriodHours=retention,
        )
    metrics = list(r.get("shardLevelMetrics", []))
    if metrics:
        ctx.aws(
            r,
            "shardLevelMetrics",
            "kinesis",
            "enable_enhanced_monitoring",
            StreamName=name,
            ShardLevelMetrics=metrics,
        )
    if r.get("encryptionType") == "KMS":
        ctx.aws(
            r,
            "kmsKeyId",
            "kinesis",
            "start_stream_encryption",
            StreamName=name,
            EncryptionType="KMS",
            KeyId=r.get("kmsKeyId"),
        )
    arn = ctx.aws(r, "name", "kinesis", "describe_stream_summary", StreamName=name)[
        "StreamDescriptionSummary"
    ]["StreamARN"]
    return arn, {"name": name, "arn": arn, "streamModeDetails": {"streamMode": mode}}


@rule(
    "kinesis-shard-count-mode",
    STREAM_TOKEN,
    prop="shardCount",
    summary="A PROVISIONED stream has at least one shard; an ON_DEMAND stream sets no shard count",
    source=PROVIDER_STREAM,
)
def _shard_count(ctx: Context, r: Resource) -> str | None:
    count = int(r.get("shardCount", 0))
    mode = stream_mode(r)
    if mode == ON_DEMAND and count > 0:
        return f"shardCount must not be set when the stream mode is {ON_DEMAND}"
    if mode == PROVISIONED and count < 1:
        return f"shardCount must be at least 1 when the stream mode is {PROVISIONED}"
    return None


@rule(
    "kinesis-retention-period",
    STREAM_TOKEN,
    prop="retentionPeriod",
    summary="Retention is 24-8760 hours",
    source=PROVIDER_STREAM,
)
def _retention(ctx: Context, r: Resource) -> str | None:
    hours = r.get("retentionPeriod")
    low, high = RETENTION_HOURS
    if hours is None or low <= int(hours) <= high:
        return None
    return f"retentionPeriod is {hours} hours; it must be between {low} and {high}"


@rule(
    "kinesis-kms-key",
    STREAM_TOKEN,
    prop="kmsKeyId",
    summary="A KMS-encrypted stream names its key",
    source=PROVIDER_STREAM,
)
def _kms_key(ctx: Context, r: Resource) -> str | None:
    if r.get("encryptionType") != "KMS" or r.get("kmsKeyId"):
        return None
    return "kmsKeyId is required when encryptionType is KMS"
