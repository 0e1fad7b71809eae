"""SNS: topics and subscriptions."""

from __future__ import annotations

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates

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
