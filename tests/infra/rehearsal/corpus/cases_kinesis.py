"""Kinesis cases."""

from __future__ import annotations

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

STREAM = "aws:kinesis/stream:Stream"
PROVIDER_STREAM = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/kinesis/stream.go"
)


@valid("kinesis")
def kinesis_provisioned_and_on_demand_streams() -> None:
    aws.kinesis.Stream("clicks", name="clicks", shard_count=2, retention_period=48)
    aws.kinesis.Stream("audit", name="audit", stream_mode_details={"stream_mode": "ON_DEMAND"})


@refused("kinesis", token=STREAM, prop="shardCount", source=PROVIDER_STREAM)
def kinesis_on_demand_with_shard_count() -> None:
    aws.kinesis.Stream("audit", name="audit", shard_count=4, stream_mode_details={"stream_mode": "ON_DEMAND"})


@refused("kinesis", token=STREAM, prop="shardCount", source=PROVIDER_STREAM)
def kinesis_provisioned_without_shards() -> None:
    aws.kinesis.Stream("clicks", name="clicks")


@refused("kinesis", token=STREAM, prop="retentionPeriod", source=PROVIDER_STREAM)
def kinesis_retention_of_twelve_hours() -> None:
    aws.kinesis.Stream("clicks", name="clicks", shard_count=1, retention_period=12)


@refused("kinesis", token=STREAM, prop="retentionPeriod", source=PROVIDER_STREAM)
def kinesis_retention_of_two_years() -> None:
    aws.kinesis.Stream("clicks", name="clicks", shard_count=1, retention_period=2 * 8760)


@refused("kinesis", token=STREAM, prop="kmsKeyId", source=PROVIDER_STREAM)
def kinesis_kms_encryption_without_key() -> None:
    aws.kinesis.Stream("clicks", name="clicks", shard_count=1, encryption_type="KMS")


@refused(
    "kinesis",
    token=STREAM,
    prop="name",
    source="https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html",
)
def kinesis_name_with_slash() -> None:
    aws.kinesis.Stream("clicks", name="web/clicks", shard_count=1)
