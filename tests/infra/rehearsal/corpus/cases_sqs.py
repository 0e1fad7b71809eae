"""SQS cases."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

QUEUE = "aws:sqs/queue:Queue"
REDRIVE = "aws:sqs/redrivePolicy:RedrivePolicy"
CREATE_QUEUE = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"
PROVIDER_QUEUE = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/sqs/queue.go"
DEAD_LETTER = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html"
)


def _redrive(dlq: aws.sqs.Queue, count: int = 5) -> pulumi.Output[str]:
    return dlq.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": count}))


@valid("sqs")
def sqs_queue_with_dead_letter_queue_and_policy() -> None:
    dlq = aws.sqs.Queue("jobs-dlq", message_retention_seconds=1_209_600)
    jobs = aws.sqs.Queue(
        "jobs",
        visibility_timeout_seconds=120,
        receive_wait_time_seconds=20,
        max_message_size=262_144,
        delay_seconds=0,
        redrive_policy=_redrive(dlq),
    )
    aws.sqs.QueuePolicy(
        "jobs-policy",
        queue_url=jobs.url,
        policy=jobs.arn.apply(
            lambda arn: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": arn,
                        }
                    ],
                }
            )
        ),
    )


@valid("sqs")
def sqs_fifo_queue_with_fifo_dead_letter_queue() -> None:
    dlq = aws.sqs.Queue("orders-dlq", fifo_queue=True)
    orders = aws.sqs.Queue(
        "orders",
        name="orders.fifo",
        fifo_queue=True,
        content_based_deduplication=True,
        deduplication_scope="messageGroup",
        fifo_throughput_limit="perMessageGroupId",
    )
    aws.sqs.RedrivePolicy("orders-redrive", queue_url=orders.url, redrive_policy=_redrive(dlq, 3))


def _queue(**overrides: Any) -> aws.sqs.Queue:
    return aws.sqs.Queue("queue", **overrides)


@refused("sqs", token=QUEUE, prop="visibilityTimeoutSeconds", source=PROVIDER_QUEUE)
def sqs_visibility_timeout_over_twelve_hours() -> None:
    _queue(visibility_timeout_seconds=86_400)


@refused("sqs", token=QUEUE, prop="messageRetentionSeconds", source=PROVIDER_QUEUE)
def sqs_retention_of_thirty_days() -> None:
    _queue(message_retention_seconds=30 * 86_400)


@refused("sqs", token=QUEUE, prop="messageRetentionSeconds", source=PROVIDER_QUEUE)
def sqs_retention_under_a_minute() -> None:
    _queue(message_retention_seconds=30)


@refused("sqs", token=QUEUE, prop="delaySeconds", source=PROVIDER_QUEUE)
def sqs_delay_of_an_hour() -> None:
    _queue(delay_seconds=3600)


@refused("sqs", token=QUEUE, prop="maxMessageSize", source=PROVIDER_QUEUE)
def sqs_max_message_size_of_two_mib() -> None:
    _queue(max_message_size=2 * 1_048_576)


@refused("sqs", token=QUEUE, prop="receiveWaitTimeSeconds", source=CREATE_QUEUE)
def sqs_long_polling_for_a_minute() -> None:
    _queue(receive_wait_time_seconds=60)


@refused("sqs", token=QUEUE, prop="name", source=CREATE_QUEUE)
def sqs_fifo_queue_without_fifo_suffix() -> None:
    _queue(name="orders", fifo_queue=True)


@refused("sqs", token=QUEUE, prop="name", source=CREATE_QUEUE)
def sqs_standard_queue_named_fifo() -> None:
    _queue(name="orders.fifo")


@refused("sqs", token=QUEUE, prop="name", source=CREATE_QUEUE)
def sqs_queue_name_with_a_space() -> None:
    _queue(name="order events")


@refused("sqs", token=QUEUE, prop="contentBasedDeduplication", source=PROVIDER_QUEUE)
def sqs_content_deduplication_on_standard_queue() -> None:
    _queue(content_based_deduplication=True)


@refused("sqs", token=QUEUE, prop="deduplicationScope", source=CREATE_QUEUE)
def sqs_deduplication_scope_on_standard_queue() -> None:
    _queue(deduplication_scope="messageGroup")


@refused("sqs", token=QUEUE, prop="fifoThroughputLimit", source=CREATE_QUEUE)
def sqs_throughput_limit_on_standard_queue() -> None:
    _queue(fifo_throughput_limit="perMessageGroupId")


@refused("sqs", token=QUEUE, prop="redrivePolicy", source=DEAD_LETTER)
def sqs_redrive_max_receive_count_zero() -> None:
    dlq = aws.sqs.Queue("dlq")
    _queue(redrive_policy=_redrive(dlq, 0))


@refused("sqs", token=REDRIVE, prop="redrivePolicy", source=DEAD_LETTER)
def sqs_redrive_policy_max_receive_count_over_1000() -> None:
    dlq = aws.sqs.Queue("dlq")
    source = _queue()
    aws.sqs.RedrivePolicy("redrive", queue_url=source.url, redrive_policy=_redrive(dlq, 5000))


@refused("sqs", token=QUEUE, prop="redrivePolicy", source=DEAD_LETTER)
def sqs_fifo_queue_with_standard_dead_letter_queue() -> None:
    dlq = aws.sqs.Queue("dlq")
    _queue(fifo_queue=True, redrive_policy=_redrive(dlq))


@refused("sqs", token=REDRIVE, prop="redrivePolicy", source=DEAD_LETTER)
def sqs_standard_queue_redriven_to_fifo_queue() -> None:
    dlq = aws.sqs.Queue("dlq", fifo_queue=True)
    source = _queue()
    aws.sqs.RedrivePolicy("redrive", queue_url=source.url, redrive_policy=_redrive(dlq))


@refused("sqs", token=QUEUE, prop="redrivePolicy", source=DEAD_LETTER)
def sqs_dead_letter_queue_that_does_not_exist() -> None:
    missing = "arn:aws:sqs:eu-west-1:123456789012:no-such-dlq"
    _queue(redrive_policy=json.dumps({"deadLetterTargetArn": missing, "maxReceiveCount": 5}))


@refused(
    "sqs",
    token="aws:sqs/queuePolicy:QueuePolicy",
    prop="policy",
    source="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-iam-policies.html",
)
def sqs_queue_policy_without_a_principal() -> None:
    queue = aws.sqs.Queue("jobs")
    statement = {"Effect": "Allow", "Action": "sqs:SendMessage"}
    aws.sqs.QueuePolicy(
        "send",
        queue_url=queue.url,
        policy=queue.arn.apply(
            lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{**statement, "Resource": arn}]})
        ),
    )


@valid("sqs")
def sqs_queues_encrypted_by_kms_and_by_sqs() -> None:
    key = aws.kms.Key("queues", description="queue encryption")
    aws.sqs.Queue("kms", kms_master_key_id=key.arn, kms_data_key_reuse_period_seconds=3600)
    aws.sqs.Queue("managed", sqs_managed_sse_enabled=True)


@refused("sqs", token=QUEUE, prop="kmsDataKeyReusePeriodSeconds", source=PROVIDER_QUEUE)
def sqs_kms_data_key_reused_for_thirty_seconds() -> None:
    _queue(kms_master_key_id="alias/aws/sqs", kms_data_key_reuse_period_seconds=30)


@refused("sqs", token=QUEUE, prop="sqsManagedSseEnabled", source=PROVIDER_QUEUE)
def sqs_managed_sse_and_a_kms_key() -> None:
    _queue(sqs_managed_sse_enabled=True, kms_master_key_id="alias/aws/sqs")
