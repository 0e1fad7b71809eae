"""SQS: queues, queue policies and redrive policies, with the limits the provider and AWS enforce."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, NotFoundError, Resource, answers
from infra.rehearsal.emulators.iam import PolicyKind, policy_problem
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates, rule

QUEUE_TOKEN = "aws:sqs/queue:Queue"
REDRIVE_TOKEN = "aws:sqs/redrivePolicy:RedrivePolicy"
FIFO_SUFFIX = ".fifo"
CREATE_QUEUE = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"
PROVIDER_QUEUE = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/sqs/queue.go"
DEAD_LETTER_QUEUES = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html"
)

QUEUE_NAME = Naming(
    max_length=80,
    pattern=r"[0-9A-Za-z_-]{1,80}|[0-9A-Za-z_-]{1,75}\.fifo",
    source=f"{CREATE_QUEUE} (QueueName: up to 80 letters, digits, - and _; a FIFO queue's ends in .fifo)",
)

# Pulumi input -> SQS attribute, as the provider's queueAttributeMap sends them on create.
_ATTRIBUTES = {
    "contentBasedDeduplication": "ContentBasedDeduplication",
    "deduplicationScope": "DeduplicationScope",
    "delaySeconds": "DelaySeconds",
    "fifoQueue": "FifoQueue",
    "fifoThroughputLimit": "FifoThroughputLimit",
    "kmsDataKeyReusePeriodSeconds": "KmsDataKeyReusePeriodSeconds",
    "kmsMasterKeyId": "KmsMasterKeyId",
    "maxMessageSize": "MaximumMessageSize",
    "messageRetentionSeconds": "MessageRetentionPeriod",
    "policy": "Policy",
    "receiveWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "redriveAllowPolicy": "RedriveAllowPolicy",
    "redrivePolicy": "RedrivePolicy",
    "sqsManagedSseEnabled": "SqsManagedSseEnabled",
    "visibilityTimeoutSeconds": "VisibilityTimeout",
}


def _attribute(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def queue_name(r: Resource) -> str:
    """The explicit name, else the provider's auto-name, which keeps the .fifo suffix of a FIFO queue."""
    if r.get("name") or not r.get("fifoQueue"):
        return r.physical_name()
    return r.physical_name()[: QUEUE_NAME.max_length - len(FIFO_SUFFIX)] + FIFO_SUFFIX


def queue_name_from_arn(arn: str) -> str:
    return arn.rsplit(":", 1)[-1]


@emulates(
    QUEUE_TOKEN,
    note="create_queue, then set_queue_attributes for a redrive policy (moto checks the dead-letter queue)",
    replace_on={"fifoQueue", "name", "namePrefix"},
    naming=QUEUE_NAME,
    arn="arn:{partition}:sqs:{region}:{account}:{name}",
    stateful="queued messages",
)
def queue(ctx: Context, r: Resource) -> Emulated:
    name = queue_name(r)
    attributes = {boto: _attribute(r.get(key)) for key, boto in _ATTRIBUTES.items() if r.get(key) is not None}
    if attributes.get("FifoQueue") == "false":
        # The provider only sends FifoQueue for FIFO queues; SQS refuses "false" on a standard queue.
        del attributes["FifoQueue"]
    # The provider sends the redrive policy with the other attributes; set apart, a refusal names it.
    redrive = attributes.pop("RedrivePolicy", None)
    url = ctx.aws(
        r, "name", "sqs", "create_queue", QueueName=name, Attributes=attributes, tags=dict(r.get("tags", {}))
    )["QueueUrl"]
    if redrive is not None:
        ctx.aws(
            r,
            "redrivePolicy",
            "sqs",
            "set_queue_attributes",
            QueueUrl=url,
            Attributes={"RedrivePolicy": redrive},
        )
    arn = ctx.aws(r, "name", "sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    return url, {"arn": arn, "url": url, "name": name}


@emulates(
    "aws:sqs/queuePolicy:QueuePolicy",
    note="set_queue_attributes (Policy) on the queue, which must exist",
    replace_on={"queueUrl"},
    naming=UNNAMED,
    arn="",
)
def queue_policy(ctx: Context, r: Resource) -> Emulated:
    url = r.get("queueUrl")
    ctx.aws(
        r, "queueUrl", "sqs", "set_queue_attributes", QueueUrl=url, Attributes={"Policy": r.get("policy")}
    )
    return str(url), {}


@emulates(
    REDRIVE_TOKEN,
    note="set_queue_attributes (RedrivePolicy); moto checks the dead-letter queue exists",
    replace_on={"queueUrl"},
    naming=UNNAMED,
    arn="",
)
def redrive_policy(ctx: Context, r: Resource) -> Emulated:
    url = r.get("queueUrl")
    ctx.aws(
        r,
        "redrivePolicy",
        "sqs",
        "set_queue_attributes",
        QueueUrl=url,
        Attributes={"RedrivePolicy": r.get("redrivePolicy")},
    )
    return str(url), {}


def int_between_rule(
    rule_id: str, token: str, prop: str, low: int, high: int, what: str, source: str
) -> None:
    """Add rule `rule_id`: `prop` of `token`, which the provider validates with IntBetween(low, high)."""

    def check(ctx: Context, r: Resource) -> str | None:
        value = r.get(prop)
        if value is None or low <= int(value) <= high:
            return None
        return f"{prop} is {value}; {what} must be between {low} and {high}"

    check.__qualname__ = f"check_{prop}"
    rule(rule_id, token, prop=prop, summary=f"{what} is {low}-{high}", source=source)(check)


int_between_rule(
    "sqs-visibility-timeout",
    QUEUE_TOKEN,
    "visibilityTimeoutSeconds",
    0,
    43_200,
    "the visibility timeout (s)",
    PROVIDER_QUEUE,
)
int_between_rule(
    "sqs-message-retention",
    QUEUE_TOKEN,
    "messageRetentionSeconds",
    60,
    1_209_600,
    "the retention period (s)",
    PROVIDER_QUEUE,
)
int_between_rule("sqs-delay", QUEUE_TOKEN, "delaySeconds", 0, 900, "the delivery delay (s)", PROVIDER_QUEUE)
int_between_rule(
    "sqs-max-message-size",
    QUEUE_TOKEN,
    "maxMessageSize",
    1024,
    1_048_576,
    "the maximum message size (bytes)",
    PROVIDER_QUEUE,
)
int_between_rule(
    "sqs-receive-wait",
    QUEUE_TOKEN,
    "receiveWaitTimeSeconds",
    0,
    20,
    "the long-polling wait (s)",
    CREATE_QUEUE,
)

int_between_rule(
    "sqs-kms-data-key-reuse",
    QUEUE_TOKEN,
    "kmsDataKeyReusePeriodSeconds",
    60,
    86_400,
    "the KMS data key reuse period (s)",
    PROVIDER_QUEUE,
)


@rule(
    "sqs-one-encryption",
    QUEUE_TOKEN,
    prop="sqsManagedSseEnabled",
    summary="A queue is encrypted with SQS-managed keys or a KMS key, not both",
    source=f"{PROVIDER_QUEUE} (sqs_managed_sse_enabled ConflictsWith kms_master_key_id)",
)
def _one_encryption(ctx: Context, r: Resource) -> str | None:
    if not r.get("sqsManagedSseEnabled") or not r.get("kmsMasterKeyId"):
        return None
    return "sqsManagedSseEnabled and kmsMasterKeyId conflict: choose SQS-managed SSE or a KMS key"


@rule(
    "sqs-fifo-name-suffix",
    QUEUE_TOKEN,
    prop="name",
    summary="A FIFO queue's name ends in .fifo, and only a FIFO queue's does",
    source=CREATE_QUEUE,
)
def _fifo_name(ctx: Context, r: Resource) -> str | None:
    name = r.get("name")
    if not isinstance(name, str):
        return None
    fifo = bool(r.get("fifoQueue"))
    if fifo and not name.endswith(FIFO_SUFFIX):
        return f"FIFO queue {name!r} must be named with the .fifo suffix"
    if not fifo and name.endswith(FIFO_SUFFIX):
        return f"queue {name!r} ends in .fifo but fifoQueue is not set: only FIFO queues may use the suffix"
    return None


def _fifo_only_rule(rule_id: str, prop: str, source: str) -> None:
    """An attribute that applies to FIFO queues only."""

    def check(ctx: Context, r: Resource) -> str | None:
        value = r.get(prop)
        if value in (None, False) or r.get("fifoQueue"):
            return None
        return f"{prop} is {value!r} on a standard queue; it applies to FIFO queues only (set fifoQueue)"

    check.__qualname__ = f"check_{prop}"
    rule(rule_id, QUEUE_TOKEN, prop=prop, summary=f"{prop} is set on FIFO queues only", source=source)(check)


_fifo_only_rule("sqs-content-deduplication-fifo-only", "contentBasedDeduplication", PROVIDER_QUEUE)
_fifo_only_rule("sqs-deduplication-scope-fifo-only", "deduplicationScope", CREATE_QUEUE)
_fifo_only_rule("sqs-throughput-limit-fifo-only", "fifoThroughputLimit", CREATE_QUEUE)


def _redrive(r: Resource) -> dict[str, Any] | None:
    raw = r.get("redrivePolicy")
    if not isinstance(raw, str) or not raw:
        return None
    try:
        parsed = json.loads(raw)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


MAX_RECEIVE_COUNT = (1, 1000)


@rule(
    "sqs-redrive-max-receive-count",
    (QUEUE_TOKEN, REDRIVE_TOKEN),
    prop="redrivePolicy",
    summary="A redrive policy's maxReceiveCount is 1-1000",
    source=DEAD_LETTER_QUEUES,
)
def _max_receive_count(ctx: Context, r: Resource) -> str | None:
    policy = _redrive(r)
    if policy is None or "maxReceiveCount" not in policy:
        return None
    try:
        count = int(policy["maxReceiveCount"])
    except (TypeError, ValueError):
        return f"maxReceiveCount {policy['maxReceiveCount']!r} is not a number"
    low, high = MAX_RECEIVE_COUNT
    if low <= count <= high:
        return None
    return f"maxReceiveCount is {count}; it must be between {low} and {high}"


def _source_is_fifo(ctx: Context, r: Resource) -> bool | None:
    if r.type == QUEUE_TOKEN:
        return bool(r.get("fifoQueue"))
    url = r.get("queueUrl")
    if not url:
        return None
    try:
        attributes = ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["FifoQueue"])
    except Exception:  # an unknown queue is the emulator's refusal to make
        return None
    return bool(attributes.get("Attributes", {}).get("FifoQueue") == "true")


@rule(
    "sqs-dead-letter-queue-type",
    (QUEUE_TOKEN, REDRIVE_TOKEN),
    prop="redrivePolicy",
    summary="A FIFO queue's dead-letter queue is FIFO, a standard queue's is standard",
    source=DEAD_LETTER_QUEUES,
)
def _dead_letter_type(ctx: Context, r: Resource) -> str | None:
    policy = _redrive(r)
    target = policy.get("deadLetterTargetArn") if policy else None
    if not isinstance(target, str) or not target:
        return None
    source_fifo = _source_is_fifo(ctx, r)
    if source_fifo is None:
        return None
    target_fifo = queue_name_from_arn(target).endswith(FIFO_SUFFIX)
    if source_fifo == target_fifo:
        return None
    kinds = {True: "FIFO", False: "standard"}
    return (
        f"the dead-letter queue {target} is a {kinds[target_fifo]} queue but the source queue is "
        f"{kinds[source_fifo]}: they must be of the same type"
    )


GET_QUEUE = "aws:sqs/getQueue:getQueue"


@answers(GET_QUEUE)
def get_queue(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    sqs = ctx.client("sqs")
    region = str(args.get("region") or ctx.region)
    try:
        url = sqs.get_queue_url(QueueName=str(args["name"]))["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist as err:
        raise NotFoundError(GET_QUEUE, "SQS Queue", {"name": args["name"]}, region) from err
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return {
        "id": url,
        "arn": arn,
        "name": str(args["name"]),
        "url": url,
        "tags": dict(sqs.list_queue_tags(QueueUrl=url).get("Tags", {})),
        "region": region,
    }


@rule(
    "sqs-queue-policy-grammar",
    "aws:sqs/queuePolicy:QueuePolicy",
    prop="policy",
    summary="A queue policy names a Principal and a Resource in every statement",
    source="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-iam-policies.html"
    " (queue policies are resource-based: Principal required)",
)
def _resource_policy_grammar(ctx: Context, r: Resource) -> str | None:
    document = r.get("policy")
    return None if document is None else policy_problem(document, PolicyKind.RESOURCE)
