"""SNS cases."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
CREATE_TOPIC = "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"
SUBSCRIBE = "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"


@valid("sns")
def sns_topic_with_policy_and_queue_subscription() -> None:
    topic = aws.sns.Topic("events")
    aws.sns.TopicPolicy(
        "events-policy",
        arn=topic.arn,
        policy=topic.arn.apply(
            lambda arn: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": arn,
                        }
                    ],
                }
            )
        ),
    )
    queue = aws.sqs.Queue("events-copy")
    aws.sns.TopicSubscription("events-to-queue", topic=topic.arn, protocol="sqs", endpoint=queue.arn)


@valid("sns")
def sns_fifo_topic_with_content_deduplication() -> None:
    aws.sns.Topic("orders", name="orders.fifo", fifo_topic=True, content_based_deduplication=True)
    aws.sns.Topic("auto-named-orders", fifo_topic=True)


@refused("sns", token=TOPIC, prop="name", source=CREATE_TOPIC)
def sns_fifo_topic_without_suffix() -> None:
    aws.sns.Topic("orders", name="orders", fifo_topic=True)


@refused("sns", token=TOPIC, prop="name", source=CREATE_TOPIC)
def sns_standard_topic_named_fifo() -> None:
    aws.sns.Topic("orders", name="orders.fifo")


@refused("sns", token=TOPIC, prop="contentBasedDeduplication", source=CREATE_TOPIC)
def sns_content_deduplication_on_standard_topic() -> None:
    aws.sns.Topic("orders", content_based_deduplication=True)


@refused("sns", token=SUBSCRIPTION, prop="protocol", source=SUBSCRIBE)
def sns_subscription_protocol_webhook() -> None:
    topic = aws.sns.Topic("alerts")
    aws.sns.TopicSubscription(
        "hook", topic=topic.arn, protocol="webhook", endpoint="https://example.com/hook"
    )


@refused("sns", token=SUBSCRIPTION, prop="endpoint", source=SUBSCRIBE)
def sns_sqs_subscription_to_a_queue_url() -> None:
    topic = aws.sns.Topic("alerts")
    queue = aws.sqs.Queue("alerts-copy")
    aws.sns.TopicSubscription("to-queue", topic=topic.arn, protocol="sqs", endpoint=queue.url)


@refused("sns", token=SUBSCRIPTION, prop="endpoint", source=SUBSCRIBE)
def sns_https_subscription_to_an_http_url() -> None:
    topic = aws.sns.Topic("alerts")
    aws.sns.TopicSubscription("hook", topic=topic.arn, protocol="https", endpoint="http://example.com/hook")


@refused("sns", token=SUBSCRIPTION, prop="endpoint", source=SUBSCRIBE)
def sns_email_subscription_without_at_sign() -> None:
    topic = aws.sns.Topic("alerts")
    aws.sns.TopicSubscription("mail", topic=topic.arn, protocol="email", endpoint="ops.example.com")


@refused(
    "sns",
    token=SUBSCRIPTION,
    prop="subscriptionRoleArn",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/sns/topic_subscription.go",
)
def sns_firehose_subscription_without_role() -> None:
    topic = aws.sns.Topic("alerts")
    aws.sns.TopicSubscription(
        "to-firehose",
        topic=topic.arn,
        protocol="firehose",
        endpoint="arn:aws:firehose:eu-west-1:123456789012:deliverystream/alerts",
    )


@refused(
    "sns",
    token="aws:sns/topicPolicy:TopicPolicy",
    prop="arn",
    source="https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html",
)
def sns_policy_on_a_topic_that_does_not_exist() -> None:
    aws.sns.TopicPolicy(
        "policy",
        arn="arn:aws:sns:eu-west-1:123456789012:missing",
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "events.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": "arn:aws:sns:eu-west-1:123456789012:missing",
                    }
                ],
            }
        ),
    )


@valid("sns")
def sns_queue_subscribed_to_topic_and_queue_found_by_name() -> None:
    """getTopic and getQueue find what the program made by name."""
    topic = aws.sns.Topic("events", name="order-events")
    queue = aws.sqs.Queue("orders", name="order-events-sink")
    found_topic = aws.sns.get_topic_output(name=topic.name)
    found_queue = aws.sqs.get_queue_output(name=queue.name)
    aws.sns.TopicSubscription("sink", topic=found_topic.arn, protocol="sqs", endpoint=found_queue.arn)


@refused(
    "sns",
    token="aws:sns/topicPolicy:TopicPolicy",
    prop="policy",
    source="https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html",
)
def sns_topic_policy_without_a_principal() -> None:
    topic = aws.sns.Topic("events")
    statement = {"Effect": "Allow", "Action": "sns:Publish"}
    aws.sns.TopicPolicy(
        "publish",
        arn=topic.arn,
        policy=topic.arn.apply(
            lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{**statement, "Resource": arn}]})
        ),
    )


FILTER_SCOPE = "https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering-scope.html"
FILTER_CONSTRAINTS = "https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html"
RAW_DELIVERY = "https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html"


def _queue_subscription(**overrides: Any) -> aws.sns.TopicSubscription:
    topic = aws.sns.Topic("orders")
    queue = aws.sqs.Queue("orders-copy")
    return aws.sns.TopicSubscription(
        "orders-to-queue", topic=topic.arn, protocol="sqs", endpoint=queue.arn, **overrides
    )


@valid("sns")
def sns_filtered_raw_subscriptions() -> None:
    _queue_subscription(
        raw_message_delivery=True,
        filter_policy=json.dumps(
            {
                "event_type": ["order_created", "order_paid"],
                "$or": [{"store": ["web"]}, {"price": [{"numeric": [">", 0]}]}],
            }
        ),
    )
    topic = aws.sns.Topic("payments")
    queue = aws.sqs.Queue("payments-copy")
    aws.sns.TopicSubscription(
        "payments-to-queue",
        topic=topic.arn,
        protocol="sqs",
        endpoint=queue.arn,
        filter_policy_scope="MessageBody",
        filter_policy=json.dumps({"order": {"status": ["paid"], "total": [{"numeric": [">=", 100]}]}}),
    )


@refused("sns", token=SUBSCRIPTION, prop="filterPolicy", source=FILTER_CONSTRAINTS)
def sns_filter_policy_with_a_scalar_value() -> None:
    _queue_subscription(filter_policy=json.dumps({"event_type": "order_created"}))


@refused("sns", token=SUBSCRIPTION, prop="filterPolicy", source=FILTER_CONSTRAINTS)
def sns_nested_filter_policy_on_message_attributes() -> None:
    _queue_subscription(filter_policy=json.dumps({"order": {"status": ["paid"]}}))


@refused("sns", token=SUBSCRIPTION, prop="filterPolicyScope", source=FILTER_SCOPE)
def sns_filter_policy_scope_message_attribute() -> None:
    _queue_subscription(
        filter_policy=json.dumps({"event_type": ["order_created"]}), filter_policy_scope="MessageAttribute"
    )


@refused("sns", token=SUBSCRIPTION, prop="rawMessageDelivery", source=RAW_DELIVERY)
def sns_raw_message_delivery_to_email() -> None:
    topic = aws.sns.Topic("alerts")
    aws.sns.TopicSubscription(
        "alerts-to-ops",
        topic=topic.arn,
        protocol="email",
        endpoint="ops@example.com",
        raw_message_delivery=True,
    )


FIFO_DELIVERY = "https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html"


@valid("sns")
def sns_fifo_topic_fanning_out_to_fifo_and_standard_queues() -> None:
    topic = aws.sns.Topic("orders", name="orders.fifo", fifo_topic=True, content_based_deduplication=True)
    for name, fifo in (("orders-ledger.fifo", True), ("orders-search", False)):
        queue = aws.sqs.Queue(name.removesuffix(".fifo"), name=name, fifo_queue=fifo or None)
        aws.sns.TopicSubscription(f"{queue._name}-sub", topic=topic.arn, protocol="sqs", endpoint=queue.arn)


@refused("sns", token=SUBSCRIPTION, prop="protocol", source=FIFO_DELIVERY)
def sns_email_subscription_to_a_fifo_topic() -> None:
    topic = aws.sns.Topic("orders", name="orders.fifo", fifo_topic=True)
    aws.sns.TopicSubscription("ops-mail", topic=topic.arn, protocol="email", endpoint="ops@example.com")


@refused("sns", token=SUBSCRIPTION, prop="protocol", source=FIFO_DELIVERY)
def sns_https_subscription_to_an_auto_named_fifo_topic() -> None:
    topic = aws.sns.Topic("orders", fifo_topic=True)
    aws.sns.TopicSubscription(
        "hook", topic=topic.arn, protocol="https", endpoint="https://hooks.example.com/sns"
    )


@valid("sns")
def sns_filter_policy_of_five_keys() -> None:
    _queue_subscription(filter_policy=json.dumps({key: ["x"] for key in ("a", "b", "c", "d", "e")}))


@refused("sns", token=SUBSCRIPTION, prop="filterPolicy", source=FILTER_CONSTRAINTS)
def sns_filter_policy_of_six_keys() -> None:
    _queue_subscription(filter_policy=json.dumps({key: ["x"] for key in ("a", "b", "c", "d", "e", "f")}))
