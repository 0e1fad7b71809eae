"""EventBridge cases."""

from __future__ import annotations

import json

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
SCHEDULES = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html"
PROVIDER_RULE = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/events/rule.go"
)


@valid("events")
def events_custom_bus_rule_and_queue_target() -> None:
    bus = aws.cloudwatch.EventBus("orders", name="orders")
    rule = aws.cloudwatch.EventRule(
        "order-placed",
        event_bus_name=bus.name,
        event_pattern=json.dumps({"source": ["shop.orders"], "detail-type": ["OrderPlaced"]}),
    )
    queue = aws.sqs.Queue("order-placed")
    aws.cloudwatch.EventTarget(
        "order-placed-queue",
        rule=rule.name,
        event_bus_name=bus.name,
        arn=queue.arn,
        retry_policy={"maximum_retry_attempts": 3, "maximum_event_age_in_seconds": 3600},
    )


@valid("events")
def events_scheduled_rules_rate_and_cron() -> None:
    aws.cloudwatch.EventRule("hourly", schedule_expression="rate(1 hour)")
    nightly = aws.cloudwatch.EventRule("nightly", schedule_expression="cron(15 2 ? * MON-FRI *)")
    queue = aws.sqs.Queue("nightly")
    aws.cloudwatch.EventTarget(
        "nightly-queue", rule=nightly.name, arn=queue.arn, input=json.dumps({"job": "x"})
    )


@refused("events", token=RULE, prop="scheduleExpression", source=SCHEDULES)
def events_cron_with_five_fields() -> None:
    aws.cloudwatch.EventRule("nightly", schedule_expression="cron(0 2 * * *)")


@refused("events", token=RULE, prop="scheduleExpression", source=SCHEDULES)
def events_cron_with_both_day_fields() -> None:
    aws.cloudwatch.EventRule("nightly", schedule_expression="cron(0 2 * * MON *)")


@refused("events", token=RULE, prop="scheduleExpression", source=SCHEDULES)
def events_cron_hour_25() -> None:
    aws.cloudwatch.EventRule("nightly", schedule_expression="cron(0 25 * * ? *)")


@refused("events", token=RULE, prop="scheduleExpression", source=SCHEDULES)
def events_rate_one_minutes() -> None:
    aws.cloudwatch.EventRule("often", schedule_expression="rate(1 minutes)")


@refused("events", token=RULE, prop="scheduleExpression", source=SCHEDULES)
def events_rate_in_seconds() -> None:
    aws.cloudwatch.EventRule("often", schedule_expression="rate(30 seconds)")


@refused("events", token=RULE, prop="eventBusName", source=SCHEDULES)
def events_schedule_on_a_custom_bus() -> None:
    bus = aws.cloudwatch.EventBus("orders", name="orders")
    aws.cloudwatch.EventRule("hourly", event_bus_name=bus.name, schedule_expression="rate(1 hour)")


@refused("events", token=RULE, prop="eventPattern", source=PROVIDER_RULE)
def events_pattern_that_is_not_json() -> None:
    aws.cloudwatch.EventRule("placed", event_pattern="{source: ['shop.orders']}")


@refused("events", token=RULE, prop="eventPattern", source=PROVIDER_RULE)
def events_rule_without_pattern_or_schedule() -> None:
    aws.cloudwatch.EventRule("placed", description="forgot the pattern")


@refused(
    "events",
    token=RULE,
    prop="eventBusName",
    source="https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
)
def events_rule_on_a_bus_that_does_not_exist() -> None:
    aws.cloudwatch.EventRule(
        "placed", event_bus_name="orders", event_pattern=json.dumps({"source": ["shop"]})
    )


@refused(
    "events",
    token="aws:cloudwatch/eventBus:EventBus",
    prop="name",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/events/bus.go",
)
def events_bus_named_default() -> None:
    aws.cloudwatch.EventBus("bus", name="default")


@refused(
    "events",
    token=TARGET,
    prop="input",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/events/target.go",
)
def events_target_input_that_is_not_json() -> None:
    rule = aws.cloudwatch.EventRule("hourly", schedule_expression="rate(1 hour)")
    queue = aws.sqs.Queue("hourly")
    aws.cloudwatch.EventTarget("hourly-queue", rule=rule.name, arn=queue.arn, input="job=cleanup")


@refused(
    "events",
    token=TARGET,
    prop="retryPolicy",
    source="https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html",
)
def events_target_retrying_for_two_days() -> None:
    rule = aws.cloudwatch.EventRule("hourly", schedule_expression="rate(1 hour)")
    queue = aws.sqs.Queue("hourly")
    aws.cloudwatch.EventTarget(
        "hourly-queue", rule=rule.name, arn=queue.arn, retry_policy={"maximum_event_age_in_seconds": 172_800}
    )


PROVIDER_TARGET = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/events/target.go"
)
EVENT_PATTERNS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html"
SQS_PARAMETERS = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_SqsParameters.html"


@valid("events")
def events_target_paths_and_fifo_queue() -> None:
    rule = aws.cloudwatch.EventRule(
        "order-placed",
        event_pattern=json.dumps({"source": ["shop.orders"], "detail": {"total": [{"numeric": [">", 0]}]}}),
    )
    queue = aws.sqs.Queue("order-details")
    aws.cloudwatch.EventTarget("order-details", rule=rule.name, arn=queue.arn, input_path="$.detail")
    orders = aws.sqs.Queue("orders", name="orders.fifo", fifo_queue=True)
    aws.cloudwatch.EventTarget(
        "orders", rule=rule.name, arn=orders.arn, sqs_target={"message_group_id": "orders"}
    )


@refused("events", token=TARGET, prop="input", source=PROVIDER_TARGET)
def events_target_input_and_input_path() -> None:
    rule = aws.cloudwatch.EventRule("hourly", schedule_expression="rate(1 hour)")
    queue = aws.sqs.Queue("hourly")
    aws.cloudwatch.EventTarget(
        "hourly-queue", rule=rule.name, arn=queue.arn, input=json.dumps({"a": 1}), input_path="$.detail"
    )


@refused("events", token=RULE, prop="eventPattern", source=EVENT_PATTERNS)
def events_pattern_with_a_scalar_value() -> None:
    aws.cloudwatch.EventRule("orders", event_pattern=json.dumps({"source": "shop.orders"}))


@refused("events", token=TARGET, prop="sqsTarget", source=SQS_PARAMETERS)
def events_fifo_queue_target_without_a_message_group() -> None:
    rule = aws.cloudwatch.EventRule("hourly", schedule_expression="rate(5 minutes)")
    queue = aws.sqs.Queue("jobs", name="jobs.fifo", fifo_queue=True)
    aws.cloudwatch.EventTarget("jobs", rule=rule.name, arn=queue.arn)


INPUT_TRANSFORMER = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html"


def _transformed(paths: dict[str, str], template: str) -> None:
    rule = aws.cloudwatch.EventRule("order-placed", event_pattern=json.dumps({"source": ["shop.orders"]}))
    queue = aws.sqs.Queue("order-placed")
    aws.cloudwatch.EventTarget(
        "order-placed-queue",
        rule=rule.name,
        arn=queue.arn,
        input_transformer={"input_paths": paths, "input_template": template},
    )


@valid("events")
def events_input_transformers_as_text_and_json() -> None:
    _transformed(
        {"id": "$.detail.id", "state": "$.detail.state"},
        '{"order": <id>, "summary": "order <id> is \\"<state>\\"", "rule": "<aws.events.rule-name>"}',
    )


@valid("events")
def events_input_transformer_as_plain_text() -> None:
    _transformed({"id": "$.detail.id"}, '"order <id> was placed"')


@refused("events", token=TARGET, prop="inputTransformer.inputTemplate", source=INPUT_TRANSFORMER)
def events_input_template_missing_its_closing_brace() -> None:
    _transformed({"id": "$.detail.id"}, '{"order": <id>')


@refused("events", token=TARGET, prop="inputTransformer.inputTemplate", source=INPUT_TRANSFORMER)
def events_input_template_placeholder_as_a_key() -> None:
    _transformed({"id": "$.detail.id"}, "{<id>: true}")


@refused("events", token=TARGET, prop="inputTransformer", source=INPUT_TRANSFORMER)
def events_input_path_named_in_the_aws_namespace() -> None:
    _transformed({"AWS.id": "$.detail.id"}, '{"order": <AWS.id>}')


CONTENT_FILTERING = (
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html"
)


def _numeric_rule(numeric: list[object]) -> None:
    pattern = {"source": ["shop.orders"], "detail": {"amount": [{"numeric": numeric}]}}
    aws.cloudwatch.EventRule("large-orders", event_pattern=json.dumps(pattern))


@valid("events")
def events_numeric_range_filter() -> None:
    _numeric_rule([">", 0, "<=", 5])


@refused("events", token=RULE, prop="eventPattern", source=CONTENT_FILTERING)
def events_numeric_filter_against_a_string() -> None:
    _numeric_rule([">", "100"])


@refused("events", token=RULE, prop="eventPattern", source=CONTENT_FILTERING)
def events_numeric_filter_with_an_unknown_operator() -> None:
    _numeric_rule(["!=", 100])
