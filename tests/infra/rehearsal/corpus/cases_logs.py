"""CloudWatch Logs cases: log groups, streams, metric and subscription filters."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import role

GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
SUBSCRIPTION = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
PATTERNS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html"
PUT_SUBSCRIPTION = (
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html"
)


def _errors_metric(group: aws.cloudwatch.LogGroup, pattern: str) -> aws.cloudwatch.LogMetricFilter:
    return aws.cloudwatch.LogMetricFilter(
        "errors",
        log_group_name=group.name,
        pattern=pattern,
        metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
            name="Errors", namespace="Corpus", value="1", default_value="0"
        ),
    )


def _delivery_role() -> aws.iam.Role:
    delivery = role("logs-delivery", "logs.amazonaws.com")
    aws.iam.RolePolicy(
        "logs-delivery-put",
        role=delivery.id,
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "kinesis:PutRecord", "Resource": "*"}],
            }
        ),
    )
    return delivery


@valid("logs")
def logs_group_stream_and_filters() -> None:
    group = aws.cloudwatch.LogGroup("app", name="/corpus/app", retention_in_days=30)
    aws.cloudwatch.LogStream("app-stream", name="web-1", log_group_name=group.name)
    _errors_metric(group, '{ $.level = "ERROR" && $.latency > 500 }')
    aws.cloudwatch.LogMetricFilter(
        "rejects",
        log_group_name=group.name,
        pattern="[ip, user, username, timestamp, request, status_code = 4*, size]",
        metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
            name="Rejects", namespace="Corpus", value="1"
        ),
    )
    aws.cloudwatch.LogResourcePolicy(
        "es-logs",
        policy_name="corpus-opensearch-logs",
        policy_document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "es.amazonaws.com"},
                        "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
                        "Resource": "arn:aws:logs:*",
                    }
                ],
            }
        ),
    )
    stream = aws.kinesis.Stream("log-stream", shard_count=1)
    aws.cloudwatch.LogSubscriptionFilter(
        "to-kinesis",
        log_group=group.name,
        filter_pattern="?ERROR ?WARN",
        destination_arn=stream.arn,
        role_arn=_delivery_role().arn,
    )


@refused(
    "logs",
    token=GROUP,
    prop="retentionInDays",
    source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
)
def logs_retention_45_days() -> None:
    aws.cloudwatch.LogGroup("app", retention_in_days=45)


@refused(
    "logs",
    token=GROUP,
    prop="retentionInDays",
    source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
)
def logs_retention_two_years_as_730() -> None:
    aws.cloudwatch.LogGroup("app", retention_in_days=730)


@refused(
    "logs",
    token=GROUP,
    prop="name",
    source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
)
def logs_group_name_with_space() -> None:
    aws.cloudwatch.LogGroup("app", name="/corpus/my app")


@refused(
    "logs",
    token="aws:cloudwatch/logStream:LogStream",
    prop="name",
    source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html",
)
def logs_stream_name_with_colon() -> None:
    group = aws.cloudwatch.LogGroup("app")
    aws.cloudwatch.LogStream("app-stream", name="web:1", log_group_name=group.name)


@refused(
    "logs",
    token="aws:cloudwatch/logStream:LogStream",
    prop="logGroupName",
    source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html",
)
def logs_stream_in_missing_group() -> None:
    aws.cloudwatch.LogStream("app-stream", name="web-1", log_group_name="/corpus/never-created")


@refused("logs", token=METRIC_FILTER, prop="pattern", source=PATTERNS)
def logs_json_pattern_unclosed_brace() -> None:
    _errors_metric(aws.cloudwatch.LogGroup("app"), '{ $.level = "ERROR"')


@refused("logs", token=METRIC_FILTER, prop="pattern", source=PATTERNS)
def logs_json_pattern_selector_without_dollar() -> None:
    _errors_metric(aws.cloudwatch.LogGroup("app"), '{ level = "ERROR" }')


@refused("logs", token=METRIC_FILTER, prop="pattern", source=PATTERNS)
def logs_term_pattern_unterminated_quote() -> None:
    _errors_metric(aws.cloudwatch.LogGroup("app"), '"Exception in thread')


@refused("logs", token=SUBSCRIPTION, prop="roleArn", source=PUT_SUBSCRIPTION)
def logs_subscription_to_kinesis_without_role() -> None:
    group = aws.cloudwatch.LogGroup("app")
    stream = aws.kinesis.Stream("log-stream", shard_count=1)
    aws.cloudwatch.LogSubscriptionFilter(
        "to-kinesis", log_group=group.name, filter_pattern="", destination_arn=stream.arn
    )


@refused("logs", token=SUBSCRIPTION, prop="destinationArn", source=PUT_SUBSCRIPTION)
def logs_subscription_to_missing_stream() -> None:
    group = aws.cloudwatch.LogGroup("app")
    aws.cloudwatch.LogSubscriptionFilter(
        "to-kinesis",
        log_group=group.name,
        filter_pattern="",
        destination_arn="arn:aws:kinesis:eu-west-1:123456789012:stream/never-created",
        role_arn=_delivery_role().arn,
    )


@refused(
    "logs",
    token=SUBSCRIPTION,
    prop="logGroup",
    source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html",
)
def logs_third_subscription_filter() -> None:
    group = aws.cloudwatch.LogGroup("app")
    stream = aws.kinesis.Stream("log-stream", shard_count=1)
    delivery = _delivery_role()
    previous: list[aws.cloudwatch.LogSubscriptionFilter] = []
    for index in range(3):
        previous.append(
            aws.cloudwatch.LogSubscriptionFilter(
                f"to-kinesis-{index}",
                log_group=group.name,
                filter_pattern="",
                destination_arn=stream.arn,
                role_arn=delivery.arn,
                opts=pulumi.ResourceOptions(depends_on=previous[-1:]),
            )
        )


@refused("logs", token=SUBSCRIPTION, prop="filterPattern", source=PATTERNS)
def logs_subscription_json_pattern_unclosed() -> None:
    group = aws.cloudwatch.LogGroup("app")
    stream = aws.kinesis.Stream("log-stream", shard_count=1)
    aws.cloudwatch.LogSubscriptionFilter(
        "to-kinesis",
        log_group=group.name,
        filter_pattern='{ $.level = "ERROR" ',
        destination_arn=stream.arn,
        role_arn=_delivery_role().arn,
    )


SUBSCRIPTION_FILTERS = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample"
)
CREATE_GROUP = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"


def _shipper() -> aws.lambda_.Function:
    return aws.lambda_.Function(
        "shipper",
        role=role("shipper-role", "lambda.amazonaws.com").arn,
        runtime="python3.12",
        handler="main.handler",
        code=pulumi.AssetArchive({"main.py": pulumi.StringAsset("def handler(event, context):\n    pass\n")}),
    )


@valid("logs")
def logs_encrypted_group_shipped_to_lambda() -> None:
    # The key policy lets CloudWatch Logs use the key, as encrypt-log-data-kms.html asks.
    root = {"AWS": "arn:aws:iam::000000000000:root"}
    logs = {"Service": "logs.eu-west-1.amazonaws.com"}
    use = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Admin", "Effect": "Allow", "Principal": root, "Action": "kms:*", "Resource": "*"},
            {"Sid": "Logs", "Effect": "Allow", "Principal": logs, "Action": use, "Resource": "*"},
        ],
    }
    key = aws.kms.Key("logs", description="log encryption", policy=json.dumps(policy))
    group = aws.cloudwatch.LogGroup("app", retention_in_days=30, kms_key_id=key.arn)
    shipper = _shipper()
    allowed = aws.lambda_.Permission(
        "logs-invoke",
        action="lambda:InvokeFunction",
        function=shipper.name,
        principal="logs.amazonaws.com",
        source_arn=group.arn.apply(lambda arn: f"{arn}:*"),
    )
    aws.cloudwatch.LogSubscriptionFilter(
        "ship",
        log_group=group.name,
        filter_pattern="",
        destination_arn=shipper.arn,
        opts=pulumi.ResourceOptions(depends_on=[allowed]),
    )


@refused("logs", token=SUBSCRIPTION, prop="destinationArn", source=SUBSCRIPTION_FILTERS)
def logs_subscription_to_lambda_without_permission() -> None:
    group = aws.cloudwatch.LogGroup("app", retention_in_days=30)
    aws.cloudwatch.LogSubscriptionFilter(
        "ship", log_group=group.name, filter_pattern="", destination_arn=_shipper().arn
    )


@refused("logs", token=GROUP, prop="kmsKeyId", source=CREATE_GROUP)
def logs_group_kms_key_given_by_alias() -> None:
    aws.cloudwatch.LogGroup("app", retention_in_days=30, kms_key_id="alias/logs")


@refused("logs", token=SUBSCRIPTION, prop="destinationArn", source=PUT_SUBSCRIPTION)
def logs_subscription_to_a_stream_name_not_its_arn() -> None:
    group = aws.cloudwatch.LogGroup("app")
    aws.cloudwatch.LogSubscriptionFilter(
        "ship",
        log_group=group.name,
        filter_pattern="",
        destination_arn="app-logs",
        role_arn=_delivery_role().arn,
    )
