"""Step Functions cases."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import role

MACHINE = "aws:sfn/stateMachine:StateMachine"
ASL = "https://states-language.net/spec.html"


def _machine(definition: Any, **overrides: Any) -> None:
    body = definition if isinstance(definition, str) else json.dumps(definition)
    aws.sfn.StateMachine(
        "flow", role_arn=role("flow-role", "states.amazonaws.com").arn, definition=body, **overrides
    )


@valid("sfn")
def sfn_wait_then_choice_machine() -> None:
    _machine(
        {
            "Comment": "wait, then branch",
            "StartAt": "Wait",
            "States": {
                "Wait": {"Type": "Wait", "Seconds": 10, "Next": "Check"},
                "Check": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Done"}],
                    "Default": "Failed",
                },
                "Done": {"Type": "Succeed"},
                "Failed": {"Type": "Fail", "Error": "NotOk"},
            },
        },
        type="EXPRESS",
    )


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_definition_that_is_yaml() -> None:
    _machine("StartAt: Hello\nStates:\n  Hello:\n    Type: Pass\n    End: true\n")


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_start_at_a_missing_state() -> None:
    _machine({"StartAt": "Begin", "States": {"Start": {"Type": "Pass", "End": True}}})


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_without_start_at() -> None:
    _machine({"States": {"Hello": {"Type": "Pass", "End": True}}})


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_state_with_unknown_type() -> None:
    _machine({"StartAt": "Hello", "States": {"Hello": {"Type": "Lambda", "End": True}}})


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_next_to_a_missing_state() -> None:
    _machine({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}})


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_pass_state_without_next_or_end() -> None:
    _machine({"StartAt": "A", "States": {"A": {"Type": "Pass"}}})


@refused(
    "sfn",
    token=MACHINE,
    prop="type",
    source="https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
)
def sfn_type_async() -> None:
    _machine({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}, type="ASYNC")


@refused(
    "sfn",
    token=MACHINE,
    prop="name",
    source="https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
)
def sfn_name_with_spaces() -> None:
    _machine({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}, name="order flow")


LOGGING = "https://docs.aws.amazon.com/step-functions/latest/apireference/API_LoggingConfiguration.html"


@valid("sfn")
def sfn_logged_machine_with_task_and_timestamp_wait() -> None:
    logs = aws.cloudwatch.LogGroup("flow-logs", name="/aws/vendedlogs/states/flow")
    _machine(
        {
            "StartAt": "Until",
            "States": {
                "Until": {"Type": "Wait", "TimestampPath": "$.at", "Next": "Notify"},
                "Notify": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sns:publish",
                    "Parameters": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:alerts", "Message.$": "$"},
                    "End": True,
                },
            },
        },
        logging_configuration={
            "level": "ERROR",
            "include_execution_data": False,
            "log_destination": logs.arn.apply(lambda arn: f"{arn}:*"),
        },
    )


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_choice_without_choices() -> None:
    _machine(
        {
            "StartAt": "Check",
            "States": {"Check": {"Type": "Choice", "Default": "Done"}, "Done": {"Type": "Succeed"}},
        }
    )


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_state_with_next_and_end() -> None:
    _machine(
        {
            "StartAt": "A",
            "States": {"A": {"Type": "Pass", "Next": "B", "End": True}, "B": {"Type": "Succeed"}},
        }
    )


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_wait_without_a_time() -> None:
    _machine({"StartAt": "W", "States": {"W": {"Type": "Wait", "Next": "D"}, "D": {"Type": "Succeed"}}})


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_wait_with_seconds_and_timestamp() -> None:
    _machine(
        {
            "StartAt": "W",
            "States": {"W": {"Type": "Wait", "Seconds": 5, "Timestamp": "2026-01-01T00:00:00Z", "End": True}},
        }
    )


@refused("sfn", token=MACHINE, prop="definition", source=ASL)
def sfn_task_resource_that_is_a_bare_name() -> None:
    _machine({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "my-function", "End": True}}})


@refused("sfn", token=MACHINE, prop="loggingConfiguration", source=LOGGING)
def sfn_logging_all_without_a_destination() -> None:
    _machine(
        {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
        logging_configuration={"level": "ALL", "include_execution_data": True},
    )
