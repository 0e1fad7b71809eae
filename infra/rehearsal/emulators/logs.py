"""CloudWatch Logs: log groups and streams, metric and subscription filters, resource policies."""

from __future__ import annotations

import json
import re
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.spec import EVERY_INPUT, UNNAMED, Emulated, Naming, emulates, rule, stable_hex

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


LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
SUBSCRIPTION_FILTER = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
PATTERN_SYNTAX = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html"
MAX_SUBSCRIPTION_FILTERS = 2


@rule(
    "logs-retention-days",
    LOG_GROUP,
    prop="retentionInDays",
    summary="retentionInDays is a value CloudWatch Logs allows (1, 3, 5, 7, 14, 30, ... 3653), or 0",
    source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
)
def _retention(ctx: Context, r: Resource) -> str | None:
    days = r.get("retentionInDays")
    if not days or int(days) in RETENTION_DAYS:
        return None
    return f"a log group keeps events {', '.join(map(str, RETENTION_DAYS))} days (0: forever); got {days}"


_SELECTOR = re.compile(r"\$(\.[\w@-]+|\[\d+\]|\[\*\]|\.\*)+")
_JSON_TEST = re.compile(
    r"\(?\s*(?P<sel>\$\S*?)\s*(?P<op>=|!=|<=|>=|<|>|IS\s+(TRUE|FALSE|NULL)|NOT\s+EXISTS)", re.IGNORECASE
)


def _balanced(text: str) -> str | None:
    """Why the brackets or quotes of a pattern do not pair up, or None."""
    depth = {"(": 0, "[": 0, "{": 0}
    closing = {")": "(", "]": "[", "}": "{"}
    in_quotes = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif in_quotes:
            continue
        elif char in depth:
            depth[char] += 1
        elif char in closing:
            depth[closing[char]] -= 1
            if depth[closing[char]] < 0:
                return f"an unmatched {char!r}"
    if in_quotes:
        return "an unterminated quoted term"
    unclosed = [opening for opening, count in depth.items() if count]
    return f"an unclosed {unclosed[0]!r}" if unclosed else None


def pattern_problem(pattern: str) -> str | None:
    """Why CloudWatch Logs refuses a filter pattern (terms, `[space-delimited]` or `{ JSON }`), or None."""
    text = pattern.strip()
    if not text:
        return None
    unbalanced = _balanced(text)
    if unbalanced:
        return f"filter pattern {pattern!r} has {unbalanced}"
    if text.startswith("{"):
        if not text.endswith("}"):
            return f"a JSON filter pattern is enclosed in {{ }}: {pattern!r}"
        body = text[1:-1].strip()
        tests = list(_JSON_TEST.finditer(body))
        if not tests:
            return f'a JSON filter pattern compares selectors like {{ $.level = "ERROR" }}: {pattern!r}'
        for test in tests:
            if not _SELECTOR.fullmatch(test.group("sel")):
                return f"{test.group('sel')!r} is not a JSON selector ($.field, $.list[0], ...)"
        return None
    if text.startswith("[") and not text.endswith("]"):
        return f"a space-delimited filter pattern is enclosed in [ ]: {pattern!r}"
    return None


_PATTERN_SUMMARY = (
    "The filter pattern is a term, [space-delimited] or { JSON } pattern with balanced brackets"
)


@rule(
    "logs-metric-filter-pattern",
    METRIC_FILTER,
    prop="pattern",
    summary=_PATTERN_SUMMARY,
    source=PATTERN_SYNTAX,
)
def _metric_pattern(ctx: Context, r: Resource) -> str | None:
    pattern = r.get("pattern")
    return pattern_problem(pattern) if isinstance(pattern, str) else None


@rule(
    "logs-subscription-filter-pattern",
    SUBSCRIPTION_FILTER,
    prop="filterPattern",
    summary=_PATTERN_SUMMARY,
    source=PATTERN_SYNTAX,
)
def _subscription_pattern(ctx: Context, r: Resource) -> str | None:
    pattern = r.get("filterPattern")
    return pattern_problem(pattern) if isinstance(pattern, str) else None


@rule(
    "logs-subscription-filters-per-group",
    SUBSCRIPTION_FILTER,
    prop="logGroup",
    summary="A log group has at most 2 subscription filters",
    source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html",
)
def _filters_per_group(ctx: Context, r: Resource) -> str | None:
    group = r.get("logGroup")
    if not isinstance(group, str):
        return None
    try:
        existing = ctx.client("logs").describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    except ctx.client("logs").exceptions.ResourceNotFoundException:
        return None
    others = [f for f in existing if f["filterName"] != r.get("name")]
    if len(others) < MAX_SUBSCRIPTION_FILTERS:
        return None
    return f"log group {group} already has {len(others)} subscription filters, the most it can have"


_SUBSCRIPTION_DESTINATION = re.compile(
    r"arn:aws[\w-]*:(kinesis:[a-z0-9-]+:\d{12}:stream/\S+|firehose:[a-z0-9-]+:\d{12}:deliverystream/\S+"
    r"|lambda:[a-z0-9-]+:\d{12}:function:\S+|logs:[a-z0-9-]+:\d{12}:destination:\S+)"
)


@rule(
    "logs-subscription-destination-arn",
    SUBSCRIPTION_FILTER,
    prop="destinationArn",
    summary="A subscription filter delivers to the ARN of a Kinesis stream, a Firehose stream, a Lambda"
    " function or a logical destination",
    source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html"
    " (destinationArn: the supported destinations)",
)
def _destination_arn(ctx: Context, r: Resource) -> str | None:
    destination = r.get("destinationArn")
    if not isinstance(destination, str) or _SUBSCRIPTION_DESTINATION.fullmatch(destination):
        return None
    return (
        f"destinationArn {destination!r} is not the ARN of a Kinesis stream, a Firehose delivery stream, "
        "a Lambda function or a CloudWatch Logs destination"
    )


@rule(
    "logs-subscription-stream-role",
    SUBSCRIPTION_FILTER,
    prop="roleArn",
    summary="A subscription to a Kinesis or Firehose stream names the role CloudWatch Logs delivers with",
    source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html"
    " (roleArn)",
)
def _stream_role(ctx: Context, r: Resource) -> str | None:
    destination = str(r.get("destinationArn", ""))
    if r.get("roleArn") or not destination.startswith(("arn:aws:kinesis:", "arn:aws:firehose:")):
        return None
    return f"delivering to {destination} needs roleArn, a role CloudWatch Logs assumes to put records"


@rule(
    "logs-group-kms-key-arn",
    "aws:cloudwatch/logGroup:LogGroup",
    prop="kmsKeyId",
    summary="A log group's kmsKeyId is the ARN of a KMS key (not its id or an alias)",
    source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"
    " (kmsKeyId: the Amazon Resource Name (ARN) of the KMS key)",
)
def _kms_key_arn(ctx: Context, r: Resource) -> str | None:
    key = r.get("kmsKeyId")
    if (
        not isinstance(key, str)
        or not key
        or re.fullmatch(r"arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key/\S+", key)
    ):
        return None
    return f"kmsKeyId {key!r} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)"


def _lets_logs_invoke(statement: Any) -> bool:
    if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    services = principal.get("Service") if isinstance(principal, dict) else principal
    services = services if isinstance(services, list) else [services]
    actions = statement.get("Action")
    actions = actions if isinstance(actions, list) else [actions]
    return any(
        isinstance(s, str) and re.fullmatch(r"logs(\.[a-z0-9-]+)?\.amazonaws\.com", s) for s in services
    ) and any(a in ("lambda:InvokeFunction", "lambda:*", "*") for a in actions)


@rule(
    "logs-subscription-lambda-permission",
    SUBSCRIPTION_FILTER,
    prop="destinationArn",
    summary="A subscription to a Lambda function follows a permission that lets CloudWatch Logs invoke it",
    source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html"
    "#LambdaFunctionExample (grant CloudWatch Logs the permission to execute your function)",
)
def _lambda_permission(ctx: Context, r: Resource) -> str | None:
    destination = r.get("destinationArn")
    # A qualified ARN (version or alias) keeps its own policy; only the function's own is read here.
    if not isinstance(destination, str) or ":lambda:" not in destination or destination.count(":") > 6:
        return None
    lambda_ = ctx.client("lambda")
    try:
        lambda_.get_function(FunctionName=destination)
    except Exception:  # a function the account does not hold is moto's refusal to make
        return None
    try:
        statements = json.loads(lambda_.get_policy(FunctionName=destination)["Policy"]).get("Statement", [])
    except Exception:  # no resource policy at all
        statements = []
    if any(_lets_logs_invoke(s) for s in statements):
        return None
    return (
        f"CloudWatch Logs may not invoke {destination}: add an aws.lambda_.Permission for principal "
        "logs.amazonaws.com (action lambda:InvokeFunction) and make the filter depend on it"
    )


LOG_STREAM_NAME = Naming(
    max_length=512,
    pattern=r"[^:*]+",
    source=(
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html"
        " (logStreamName: 1-512, no : or *)"
    ),
)
FILTER_NAME = Naming(
    max_length=512,
    pattern=r"[^:*]+",
    source=(
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html"
        " (filterName: 1-512, no : or *)"
    ),
)


@emulates(
    "aws:cloudwatch/logStream:LogStream",
    note="create_log_stream; moto refuses a log group that does not exist",
    replace_on={EVERY_INPUT},
    naming=LOG_STREAM_NAME,
    arn="arn:{partition}:logs:{region}:{account}:log-group:{input[logGroupName]}:log-stream:{name}",
)
def log_stream(ctx: Context, r: Resource) -> Emulated:
    name, group = r.physical_name(), r.get("logGroupName")
    ctx.aws(r, "logGroupName", "logs", "create_log_stream", logGroupName=group, logStreamName=name)
    return name, {"name": name, "arn": ctx.arn("logs", f"log-group:{group}:log-stream:{name}")}


def _transformation(t: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {
        "metricName": t.get("name"),
        "metricNamespace": t.get("namespace"),
        "metricValue": t.get("value"),
    }
    if t.get("defaultValue") not in (None, ""):
        converted["defaultValue"] = float(t["defaultValue"])
    if t.get("dimensions"):
        converted["dimensions"] = dict(t["dimensions"])
    if t.get("unit"):
        converted["unit"] = t["unit"]
    return converted


@emulates(
    METRIC_FILTER,
    note="put_metric_filter; the pattern grammar is checked by the catalogue (moto does not parse it)",
    replace_on={"logGroupName", "name"},
    naming=FILTER_NAME,
    arn="",
)
def metric_filter(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    ctx.aws(
        r,
        "metricTransformation",
        "logs",
        "put_metric_filter",
        logGroupName=r.get("logGroupName"),
        filterName=name,
        filterPattern=r.get("pattern", ""),
        metricTransformations=[_transformation(r.get("metricTransformation", {}))],
    )
    return name, {"name": name}


@emulates(
    SUBSCRIPTION_FILTER,
    note="put_subscription_filter; moto checks the Lambda, Kinesis or Firehose destination exists",
    replace_on={"destinationArn", "logGroup", "name"},
    naming=FILTER_NAME,
    arn="",
)
def subscription_filter(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "logGroupName": r.get("logGroup"),
        "filterName": name,
        "filterPattern": r.get("filterPattern", ""),
        "destinationArn": r.get("destinationArn"),
    }
    for key, boto in (("roleArn", "roleArn"), ("distribution", "distribution")):
        if r.get(key):
            kwargs[boto] = r.get(key)
    ctx.aws(r, "destinationArn", "logs", "put_subscription_filter", **kwargs)
    group = r.get("logGroup")
    return f"cwlsf-{stable_hex(str(group), name, length=10)}", {"name": name}
