"""SNS: topics, topic policies and subscriptions, with the FIFO and protocol rules AWS enforces."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    NotFoundError,
    Resource,
    answers,
    tags_list,
    tags_map,
)
from infra.rehearsal.emulators.iam import PolicyKind, policy_problem
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates, rule

TOPIC_TOKEN = "aws:sns/topic:Topic"
SUBSCRIPTION_TOKEN = "aws:sns/topicSubscription:TopicSubscription"
FIFO_SUFFIX = ".fifo"
CREATE_TOPIC = "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"
SUBSCRIBE = "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"
PROVIDER_SUBSCRIPTION = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/sns/topic_subscription.go"
)

TOPIC_NAME = Naming(
    max_length=256,
    pattern=r"[A-Za-z0-9_-]+(\.fifo)?",
    source=(
        "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"
        " (Name: up to 256 letters, digits, - and _; FIFO topics end in .fifo)"
    ),
)


@emulates(
    "aws:sns/topic:Topic",
    note="create_topic",
    replace_on={"fifoTopic", "name", "namePrefix"},
    naming=TOPIC_NAME,
    arn="arn:{partition}:sns:{region}:{account}:{name}",
)
def topic(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    if r.get("fifoTopic") and not r.get("name"):
        # The provider's auto-name of a FIFO topic keeps the suffix.
        name = name[: TOPIC_NAME.max_length - len(FIFO_SUFFIX)] + FIFO_SUFFIX
    attributes = {
        boto: str(r.get(key))
        for key, boto in (
            ("kmsMasterKeyId", "KmsMasterKeyId"),
            ("displayName", "DisplayName"),
            ("policy", "Policy"),
        )
        if r.get(key) is not None
    }
    if r.get("fifoTopic"):
        attributes["FifoTopic"] = "true"
    if r.get("contentBasedDeduplication"):
        attributes["ContentBasedDeduplication"] = "true"
    created = ctx.aws(
        r, "name", "sns", "create_topic", Name=name, Attributes=attributes, Tags=tags_list(r.get("tags"))
    )
    return created["TopicArn"], {"arn": created["TopicArn"], "name": name, "owner": ctx.account_id}


@emulates(
    "aws:sns/topicSubscription:TopicSubscription",
    note="subscribe",
    replace_on={"endpoint", "protocol", "topic"},
    naming=UNNAMED,
    arn="arn:{partition}:sns:{region}:{account}:{id}",
)
def topic_subscription(ctx: Context, r: Resource) -> Emulated:
    created = ctx.aws(
        r,
        "endpoint",
        "sns",
        "subscribe",
        TopicArn=r.get("topic"),
        Protocol=r.get("protocol"),
        Endpoint=r.get("endpoint"),
        ReturnSubscriptionArn=True,
    )
    arn = created["SubscriptionArn"]
    return arn, {
        "arn": arn,
        "ownerId": ctx.account_id,
        "pendingConfirmation": r.get("protocol") in ("email", "email-json"),
    }


@emulates(
    "aws:sns/topicPolicy:TopicPolicy",
    note="set_topic_attributes (Policy) on the topic, which must exist",
    replace_on={"arn"},
    naming=UNNAMED,
    arn="",
)
def topic_policy(ctx: Context, r: Resource) -> Emulated:
    arn = str(r.get("arn"))
    ctx.aws(
        r,
        "arn",
        "sns",
        "set_topic_attributes",
        TopicArn=arn,
        AttributeName="Policy",
        AttributeValue=r.get("policy"),
    )
    return arn, {"owner": ctx.account_id}


@rule(
    "sns-fifo-name-suffix",
    TOPIC_TOKEN,
    prop="name",
    summary="A FIFO topic's name ends in .fifo, and only a FIFO topic's does",
    source=CREATE_TOPIC,
)
def _fifo_name(ctx: Context, r: Resource) -> str | None:
    name = r.get("name")
    if not isinstance(name, str):
        return None
    fifo = bool(r.get("fifoTopic"))
    if fifo and not name.endswith(FIFO_SUFFIX):
        return f"FIFO topic {name!r} must be named with the .fifo suffix"
    if not fifo and name.endswith(FIFO_SUFFIX):
        return f"topic {name!r} ends in .fifo but fifoTopic is not set: only FIFO topics may use the suffix"
    return None


@rule(
    "sns-content-deduplication-fifo-only",
    TOPIC_TOKEN,
    prop="contentBasedDeduplication",
    summary="Content-based deduplication is set on FIFO topics only",
    source=CREATE_TOPIC,
)
def _content_deduplication(ctx: Context, r: Resource) -> str | None:
    if not r.get("contentBasedDeduplication") or r.get("fifoTopic"):
        return None
    return "contentBasedDeduplication applies to FIFO topics only (set fifoTopic)"


# Protocol -> what its endpoint is, as the Subscribe API reference lists them.
ENDPOINTS = {
    "http": (r"http://\S+", "a URL beginning with http://"),
    "https": (r"https://\S+", "a URL beginning with https://"),
    "email": (r"[^@\s]+@[^@\s]+\.[^@\s]+", "an email address"),
    "email-json": (r"[^@\s]+@[^@\s]+\.[^@\s]+", "an email address"),
    "sms": (r"\+?[0-9]{7,15}", "a phone number (E.164)"),
    "sqs": (r"arn:aws[\w-]*:sqs:[a-z0-9-]+:\d{12}:[\w.-]+", "the ARN of an SQS queue"),
    "lambda": (r"arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?", "the ARN of a function"),
    "application": (r"arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:endpoint/\S+", "the ARN of a mobile endpoint"),
    "firehose": (
        r"arn:aws[\w-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream/\S+",
        "the ARN of a Firehose stream",
    ),
}


@rule(
    "sns-subscription-protocol",
    SUBSCRIPTION_TOKEN,
    prop="protocol",
    summary="A subscription's protocol is one SNS delivers to",
    source=SUBSCRIBE,
)
def _protocol(ctx: Context, r: Resource) -> str | None:
    protocol = r.get("protocol")
    if protocol is None or protocol in ENDPOINTS:
        return None
    return f"protocol {protocol!r} is not one of {', '.join(sorted(ENDPOINTS))}"


@rule(
    "sns-fifo-topic-sqs-only",
    SUBSCRIPTION_TOKEN,
    prop="protocol",
    summary="A FIFO topic delivers only to SQS queues",
    source="https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html",
)
def _fifo_topic_protocol(ctx: Context, r: Resource) -> str | None:
    topic, protocol = r.get("topic"), r.get("protocol")
    if not isinstance(topic, str) or not topic.endswith(".fifo") or protocol in (None, "sqs"):
        return None
    return f"{topic} is a FIFO topic, which delivers to SQS queues only, not over {protocol}"


@rule(
    "sns-subscription-endpoint",
    SUBSCRIPTION_TOKEN,
    prop="endpoint",
    summary="A subscription's endpoint has the shape its protocol expects",
    source=SUBSCRIBE,
)
def _endpoint(ctx: Context, r: Resource) -> str | None:
    expected = ENDPOINTS.get(str(r.get("protocol")))
    endpoint = r.get("endpoint")
    if expected is None or not isinstance(endpoint, str):
        return None
    pattern, what = expected
    if re.fullmatch(pattern, endpoint):
        return None
    return f"endpoint {endpoint!r} is not {what}, as protocol {r.get('protocol')} requires"


@rule(
    "sns-firehose-subscription-role",
    SUBSCRIPTION_TOKEN,
    prop="subscriptionRoleArn",
    summary="A Firehose subscription names the role SNS writes to the stream with",
    source=PROVIDER_SUBSCRIPTION,
)
def _firehose_role(ctx: Context, r: Resource) -> str | None:
    if r.get("protocol") != "firehose" or r.get("subscriptionRoleArn"):
        return None
    return "subscriptionRoleArn is required when protocol is firehose"


FILTER_SCOPES = ("MessageAttributes", "MessageBody")


@rule(
    "sns-filter-policy-scope",
    SUBSCRIPTION_TOKEN,
    prop="filterPolicyScope",
    summary="A subscription's filterPolicyScope is MessageAttributes or MessageBody",
    source="https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering-scope.html",
)
def _filter_scope(ctx: Context, r: Resource) -> str | None:
    scope = r.get("filterPolicyScope")
    if scope in (None, "", *FILTER_SCOPES):
        return None
    return f"filterPolicyScope {scope!r} is not one of {', '.join(FILTER_SCOPES)}"


def _filter_shape(policy: Mapping[str, Any], nested: bool, path: str = "") -> str | None:
    """Where a filter policy maps a property to something else than an array of match values."""
    for key, value in policy.items():
        where = f"{path}{key}"
        if key == "$or" and isinstance(value, list):
            found = next(
                (p for p in (_filter_shape(v, nested, path) for v in value if isinstance(v, Mapping)) if p),
                None,
            )
            if found:
                return found
        elif isinstance(value, Mapping):
            if not nested:
                return f"{where!r} is a nested object, which attribute-based filtering does not accept"
            found = _filter_shape(value, nested, f"{where}.")
            if found:
                return found
        elif not isinstance(value, list):
            return (
                f"{where!r} maps to {value!r}: match values must be in an array, as in [{json.dumps(value)}]"
            )
    return None


@rule(
    "sns-filter-policy-shape",
    SUBSCRIPTION_TOKEN,
    prop="filterPolicy",
    summary="A filter policy maps each property to an array of match values (nested objects only when it "
    "filters the message body)",
    source="https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html",
)
def _filter_policy(ctx: Context, r: Resource) -> str | None:
    raw = r.get("filterPolicy")
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        policy = json.loads(raw)
    except ValueError:
        return "the filter policy is not JSON"
    if not isinstance(policy, Mapping):
        return "the filter policy is not a JSON object"
    return _filter_shape(policy, nested=r.get("filterPolicyScope") == "MessageBody")


MAX_FILTER_KEYS = 5


@rule(
    "sns-filter-policy-keys",
    SUBSCRIPTION_TOKEN,
    prop="filterPolicy",
    summary=f"A filter policy names at most {MAX_FILTER_KEYS} keys",
    source="https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html"
    " (a maximum of 5 keys)",
)
def _filter_policy_keys(ctx: Context, r: Resource) -> str | None:
    raw = r.get("filterPolicy")
    try:
        policy = json.loads(raw) if isinstance(raw, str) and raw.strip() else None
    except ValueError:
        return None  # sns-filter-policy-shape says why
    if not isinstance(policy, Mapping):
        return None
    keys = [key for key in policy if key != "$or"]
    if len(keys) <= MAX_FILTER_KEYS:
        return None
    return f"the filter policy names {len(keys)} keys ({', '.join(keys)}); at most {MAX_FILTER_KEYS}"


RAW_DELIVERY_PROTOCOLS = ("firehose", "http", "https", "sqs")


@rule(
    "sns-raw-delivery-protocol",
    SUBSCRIPTION_TOKEN,
    prop="rawMessageDelivery",
    summary="Raw message delivery is for Firehose, SQS and HTTP/S subscriptions",
    source="https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html",
)
def _raw_delivery(ctx: Context, r: Resource) -> str | None:
    protocol = r.get("protocol")
    if not r.get("rawMessageDelivery") or protocol is None or protocol in RAW_DELIVERY_PROTOCOLS:
        return None
    allowed = ", ".join(RAW_DELIVERY_PROTOCOLS)
    return f"rawMessageDelivery is not supported for protocol {protocol}: only {allowed}"


GET_TOPIC = "aws:sns/getTopic:getTopic"


@answers(GET_TOPIC)
def get_topic(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    sns = ctx.client("sns")
    region = str(args.get("region") or ctx.region)
    pages = sns.get_paginator("list_topics").paginate()
    arns = [t["TopicArn"] for page in pages for t in page["Topics"]]
    found = [arn for arn in arns if arn.rsplit(":", 1)[-1] == args.get("name")]
    if not found:
        raise NotFoundError(GET_TOPIC, "SNS Topic", {"name": args.get("name")}, region)
    arn = found[0]
    return {
        "id": arn,
        "arn": arn,
        "name": arn.rsplit(":", 1)[-1],
        "tags": tags_map(sns.list_tags_for_resource(ResourceArn=arn).get("Tags")),
        "region": region,
    }


@rule(
    "sns-topic-policy-grammar",
    "aws:sns/topicPolicy:TopicPolicy",
    prop="policy",
    summary="A topic policy names a Principal and a Resource in every statement",
    source="https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html"
    " (topic policies are resource-based: Principal required)",
)
def _resource_policy_grammar(ctx: Context, r: Resource) -> str | None:
    document = r.get("policy")
    return None if document is None else policy_problem(document, PolicyKind.RESOURCE)
