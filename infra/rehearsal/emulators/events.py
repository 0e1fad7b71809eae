"""EventBridge: event buses, rules and targets, and the schedule grammar that rules and Scheduler share."""

from __future__ import annotations

import json
import re
from typing import Any

from infra.rehearsal.emulation import Context, EmulationError, Resource, blamed_property, tags_list
from infra.rehearsal.spec import Emulated, Naming, emulates, rule

RULE_TOKEN = "aws:cloudwatch/eventRule:EventRule"
TARGET_TOKEN = "aws:cloudwatch/eventTarget:EventTarget"
DEFAULT_BUS = "default"
SCHEDULE_RULES = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html"
PROVIDER_RULE = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/events/rule.go"
)
PROVIDER_TARGET = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/events/target.go"
)

RULE_NAME = Naming(
    max_length=64,
    pattern=r"[.\-_A-Za-z0-9]+",
    source=(
        "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html"
        " (Name: 1-64 letters, digits, . - _)"
    ),
)
TARGET_ID = Naming(
    key="targetId",
    max_length=64,
    pattern=r"[.\-_A-Za-z0-9]+",
    source=(
        "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html"
        " (Id: 1-64 letters, digits, . - _)"
    ),
)
BUS_NAME = Naming(
    max_length=256,
    pattern=r"(?!default$)[/.\-_A-Za-z0-9]+",
    source=(
        "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html (Name: 1-256,"
        " [/\\.\\-_A-Za-z0-9]+); the provider's validCustomEventBusName refuses `default`"
    ),
)

_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"


def _single(names: str) -> str:
    """A regex for one value of a cron field: a number (its range is checked apart) or a name."""
    return rf"(\d+{'|' + names if names else ''})"


# Per field: (name, low, high, names, extra single-value forms).
_CRON_FIELDS = (
    ("minutes", 0, 59, "", ""),
    ("hours", 0, 23, "", ""),
    ("day-of-month", 1, 31, "", r"|\?|L|LW|\d+W"),
    ("month", 1, 12, _MONTHS, ""),
    ("day-of-week", 1, 7, _DAYS, r"|\?|L|\d+L|[1-7]#[1-5]|(" + _DAYS + r")#[1-5]"),
    ("year", 1970, 2199, "", ""),
)


def _cron_field_problem(value: str, name: str, low: int, high: int, names: str, extra: str) -> str | None:
    single = _single(names)
    part = rf"(\*|{single}(-{single})?)(/\d+)?"
    if not re.fullmatch(rf"({part}(,{part})*{extra})", value, flags=re.IGNORECASE):
        return f"the {name} field {value!r} is not valid"
    for number in re.findall(r"(?<![#/\d])\d+(?![W#L\d])", value.split("/")[0]):
        if not low <= int(number) <= high:
            return f"the {name} field {value!r} has {number}, outside {low}-{high}"
    return None


def cron_problem(fields: str) -> str | None:
    """Why the six fields of a cron() expression are refused, or None."""
    parts = fields.split()
    if len(parts) != len(_CRON_FIELDS):
        return (
            f"cron({fields}) has {len(parts)} fields; EventBridge cron expressions have six: "
            "minutes hours day-of-month month day-of-week year"
        )
    for value, spec in zip(parts, _CRON_FIELDS, strict=True):
        problem = _cron_field_problem(value, *spec)
        if problem:
            return f"cron({fields}): {problem}"
    if (parts[2] == "?") == (parts[4] == "?"):
        return f"cron({fields}): exactly one of day-of-month and day-of-week must be ?"
    return None


def rate_problem(expression: str) -> str | None:
    match = _RATE.fullmatch(expression)
    if match is None:
        return f"{expression!r} is not rate(<value> <minute(s)|hour(s)|day(s)>)"
    value, unit = int(match.group(1)), match.group(2)
    if value < 1:
        return f"{expression!r}: the value must be a positive whole number"
    if (value == 1) != (not unit.endswith("s")):
        return f"{expression!r}: the unit is singular for a value of 1 and plural otherwise"
    return None


def schedule_problem(expression: str, *, at_allowed: bool = False) -> str | None:
    """Why EventBridge refuses a schedule expression (rate() or cron(); at() for Scheduler), or None."""
    if expression.startswith("rate("):
        return rate_problem(expression)
    cron = re.fullmatch(r"cron\((.*)\)", expression)
    if cron:
        return cron_problem(cron.group(1))
    if at_allowed:
        if re.fullmatch(r"at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)", expression):
            return None
        return f"{expression!r} is not at(yyyy-mm-ddThh:mm:ss), rate(...) or cron(...)"
    return f"{expression!r} is neither rate(...) nor cron(...)"


def json_problem(raw: Any) -> str | None:
    try:
        json.loads(str(raw))
    except ValueError as err:
        return f"{str(raw)[:60]!r} is not valid JSON: {err}"
    return None


def _bus(r: Resource) -> str:
    return str(r.get("eventBusName") or DEFAULT_BUS)


@emulates(
    "aws:cloudwatch/eventBus:EventBus",
    note="create_event_bus",
    replace_on={"eventSourceName", "name"},
    naming=BUS_NAME,
    arn="arn:{partition}:events:{region}:{account}:event-bus/{name}",
)
def event_bus(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {"Name": name, "Tags": tags_list(r.get("tags"))}
    for key, boto in (
        ("eventSourceName", "EventSourceName"),
        ("description", "Description"),
        ("kmsKeyIdentifier", "KmsKeyIdentifier"),
    ):
        if r.get(key):
            kwargs[boto] = r.get(key)
    created = ctx.aws(r, "name", "events", "create_event_bus", **kwargs)
    return name, {"name": name, "arn": created["EventBusArn"]}


@emulates(
    RULE_TOKEN,
    note="put_rule on its bus, which must exist; the schedule grammar and pattern JSON are catalogued rules",
    replace_on={"eventBusName", "name", "namePrefix"},
    naming=RULE_NAME,
    arn="arn:{partition}:events:{region}:{account}:rule/{name}",
)
def event_rule(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {"Name": name, "Tags": tags_list(r.get("tags"))}
    for key, boto in (
        ("scheduleExpression", "ScheduleExpression"),
        ("eventPattern", "EventPattern"),
        ("description", "Description"),
        ("roleArn", "RoleArn"),
        ("state", "State"),
    ):
        if r.get(key):
            kwargs[boto] = r.get(key)
    if r.get("eventBusName"):
        kwargs["EventBusName"] = r.get("eventBusName")
    try:
        created = ctx.aws(r, "eventBusName", "events", "put_rule", **kwargs)
    except EmulationError as err:
        if err.code != "InvalidEventPatternException":
            raise
        raise EmulationError(r.urn, "eventPattern", err.code, err.aws_message, err.source) from err
    bus = _bus(r)
    resource_id = name if bus == DEFAULT_BUS else f"{bus}/{name}"
    return resource_id, {"name": name, "arn": created["RuleArn"]}


def _target(r: Resource, target_id: str) -> dict[str, Any]:
    target: dict[str, Any] = {"Id": target_id, "Arn": r.get("arn")}
    for key, boto in (("roleArn", "RoleArn"), ("input", "Input"), ("inputPath", "InputPath")):
        if r.get(key):
            target[boto] = r.get(key)
    retry = r.get("retryPolicy")
    if retry:
        target["RetryPolicy"] = {
            boto: int(retry[key])
            for key, boto in (
                ("maximumRetryAttempts", "MaximumRetryAttempts"),
                ("maximumEventAgeInSeconds", "MaximumEventAgeInSeconds"),
            )
            if retry.get(key) is not None
        }
    dead_letter = r.get("deadLetterConfig")
    if dead_letter and dead_letter.get("arn"):
        target["DeadLetterConfig"] = {"Arn": dead_letter["arn"]}
    sqs = r.get("sqsTarget")
    if sqs and sqs.get("messageGroupId"):
        target["SqsParameters"] = {"MessageGroupId": sqs["messageGroupId"]}
    return target


@emulates(
    TARGET_TOKEN,
    note="put_targets on the rule, which must exist; a failed entry is a refusal",
    replace_on={"eventBusName", "rule", "targetId"},
    naming=TARGET_ID,
    arn="",
)
def event_target(ctx: Context, r: Resource) -> Emulated:
    target_id = r.physical_name()
    kwargs: dict[str, Any] = {"Rule": r.get("rule"), "Targets": [_target(r, target_id)]}
    if r.get("eventBusName"):
        kwargs["EventBusName"] = r.get("eventBusName")
    try:
        created = ctx.aws(r, "rule", "events", "put_targets", **kwargs)
    except EmulationError as err:
        if "SqsParameters" in err.aws_message:
            raise EmulationError(r.urn, "sqsTarget", err.code, err.aws_message, err.source) from err
        # The target's members sit under Targets[0]; map them back to the target's own inputs.
        member = re.match(r"Targets\[0\]\.([\w.]+) ", err.aws_message)
        if member is None:
            raise
        prop = blamed_property(r.inputs, tuple(member.group(1).split(".")), "rule")
        raise EmulationError(r.urn, prop, err.code, err.aws_message, err.source) from err
    for failed in created.get("FailedEntries", []):
        raise EmulationError(
            r.urn, "arn", str(failed.get("ErrorCode", "Failed")), str(failed.get("ErrorMessage", failed))
        )
    bus = _bus(r)
    prefix = "" if bus == DEFAULT_BUS else f"{bus}-"
    return f"{prefix}{r.get('rule')}-{target_id}", {"targetId": target_id}


@rule(
    "events-schedule-expression",
    RULE_TOKEN,
    prop="scheduleExpression",
    summary="A rule's schedule is rate(<n> <unit>) or cron() with six valid fields",
    source=SCHEDULE_RULES,
)
def _schedule(ctx: Context, r: Resource) -> str | None:
    expression = r.get("scheduleExpression")
    return schedule_problem(str(expression)) if expression else None


@rule(
    "events-schedule-default-bus",
    RULE_TOKEN,
    prop="eventBusName",
    summary="Scheduled rules run on the default event bus only",
    source=SCHEDULE_RULES,
)
def _schedule_bus(ctx: Context, r: Resource) -> str | None:
    if not r.get("scheduleExpression") or _bus(r) == DEFAULT_BUS:
        return None
    return f"a schedule expression is supported only on the default event bus, not {_bus(r)!r}"


@rule(
    "events-pattern-json",
    RULE_TOKEN,
    prop="eventPattern",
    summary="An event pattern is a JSON object",
    source=PROVIDER_RULE,
)
def _pattern(ctx: Context, r: Resource) -> str | None:
    pattern = r.get("eventPattern")
    if not pattern:
        return None
    problem = json_problem(pattern)
    if problem:
        return problem
    if not isinstance(json.loads(str(pattern)), dict):
        return "an event pattern is a JSON object"
    return None


@rule(
    "events-rule-pattern-or-schedule",
    RULE_TOKEN,
    prop="eventPattern",
    summary="A rule has an event pattern, a schedule expression or both",
    source=PROVIDER_RULE,
)
def _pattern_or_schedule(ctx: Context, r: Resource) -> str | None:
    if r.get("eventPattern") or r.get("scheduleExpression"):
        return None
    return "one of eventPattern and scheduleExpression must be set"


@rule(
    "events-target-input-json",
    TARGET_TOKEN,
    prop="input",
    summary="A target's constant input is valid JSON",
    source=PROVIDER_TARGET,
)
def _input(ctx: Context, r: Resource) -> str | None:
    raw = r.get("input")
    return json_problem(raw) if raw else None


TARGET_INPUTS = ("input", "inputPath", "inputTransformer")


@rule(
    "events-target-one-input",
    TARGET_TOKEN,
    prop="input",
    summary="A target's constant input stands without inputPath or inputTransformer",
    source=f"{PROVIDER_TARGET} (input ConflictsWith input_path, input_transformer)",
)
def _one_input(ctx: Context, r: Resource) -> str | None:
    others = [key for key in TARGET_INPUTS[1:] if r.get(key)]
    if not r.get("input") or not others:
        return None
    return f"input conflicts with {' and '.join(others)}: give one of them"


INPUT_TRANSFORMER = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html"
MAX_INPUT_PATHS = 100
_PLACEHOLDER = re.compile(r"<[\w.-]+>")


@rule(
    "events-target-input-transformer",
    TARGET_TOKEN,
    prop="inputTransformer",
    summary="An input transformer maps at most 100 paths, none named AWS.*, and a template that is a JSON"
    " object stays valid JSON with its placeholders filled (never as a key)",
    source=f"{INPUT_TRANSFORMER} (InputPathsMap: up to 100 pairs, keys cannot start with AWS.; InputTemplate:"
    " if a JSON object, the placeholder cannot be used as an object key)",
)
def _input_transformer(ctx: Context, r: Resource) -> tuple[str, str] | str | None:
    transformer = r.get("inputTransformer")
    if not isinstance(transformer, dict):
        return None
    paths = transformer.get("inputPaths") or {}
    if len(paths) > MAX_INPUT_PATHS:
        return f"inputTransformer.inputPaths has {len(paths)} entries; at most {MAX_INPUT_PATHS}"
    reserved = [key for key in paths if str(key).upper().startswith("AWS.")]
    if reserved:
        return f"inputTransformer.inputPaths key {reserved[0]!r} starts with AWS., which is reserved"
    template = transformer.get("inputTemplate")
    if not isinstance(template, str) or not template.strip().startswith("{"):
        return None
    try:
        json.loads(_PLACEHOLDER.sub("null", template))
    except ValueError:
        return (
            "inputTransformer.inputTemplate",
            f"the template {template!r} is a JSON object that is not valid JSON once its placeholders are "
            "filled (check braces, commas and quotes; a placeholder cannot be a key)",
        )
    return None


CONTENT_FILTERING = (
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html"
)
_NUMERIC_OPERATORS = ("<", "<=", "=", ">", ">=")


def _numeric_problem(node: Any) -> str | None:
    """Why a pattern's numeric filters are malformed: each is operator, number pairs (at most two)."""
    if isinstance(node, list):
        for item in node:
            problem = _numeric_problem(item)
            if problem:
                return problem
        return None
    if not isinstance(node, dict):
        return None
    numeric = node.get("numeric")
    if numeric is not None:
        pairs = numeric if isinstance(numeric, list) else []
        if not pairs or len(pairs) % 2 or len(pairs) > 4:
            return f"numeric filter {numeric!r} is one or two operator, number pairs"
        for operator, value in zip(pairs[::2], pairs[1::2], strict=True):
            if operator not in _NUMERIC_OPERATORS:
                return f"numeric filter {numeric!r}: {operator!r} is none of {', '.join(_NUMERIC_OPERATORS)}"
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"numeric filter {numeric!r}: the value of {operator} must be a number, not {value!r}"
    for key, value in node.items():
        if key != "numeric":
            problem = _numeric_problem(value)
            if problem:
                return problem
    return None


@rule(
    "events-pattern-numeric-filter",
    RULE_TOKEN,
    prop="eventPattern",
    summary="A numeric filter in an event pattern is one or two pairs of a comparison operator and a number",
    source=f"{CONTENT_FILTERING} (numeric matching: <, <=, =, >, >= with numbers)",
)
def _numeric_filters(ctx: Context, r: Resource) -> str | None:
    raw = r.get("eventPattern")
    try:
        pattern = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None  # events-pattern-json says why
    return _numeric_problem(pattern)
