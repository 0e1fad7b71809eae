"""Step Functions: state machines, whose definitions are checked against the Amazon States Language."""

from __future__ import annotations

import json
import re
from typing import Any

from infra.rehearsal.emulation import Context, Resource
from infra.rehearsal.spec import Emulated, Naming, emulates, rule

STATE_MACHINE_NAME = Naming(
    max_length=80,
    pattern=r"[0-9A-Za-z_-]+",
    source=(
        "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html"
        " (name: 1-80); the provider allows 0-9, A-Z, a-z, - and _"
    ),
)
STATE_TYPES = frozenset({"Choice", "Fail", "Map", "Parallel", "Pass", "Succeed", "Task", "Wait"})
# States that end an execution path, or branch by their own rules, need neither Next nor End.
_SELF_ENDING = frozenset({"Choice", "Fail", "Succeed"})


WAIT_FIELDS = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def _state_fields_problem(kind: str, state: dict[str, Any]) -> str | None:
    """What a state of `kind` lacks or has too much of (spec: Next and End, Choice, Wait, Task)."""
    if state.get("Next") is not None and state.get("End") is True:
        return "has both Next and End; a state has one of them"
    if kind == "Choice" and not (isinstance(state.get("Choices"), list) and state["Choices"]):
        return "needs a non-empty Choices array"
    if kind == "Wait" and sum(key in state for key in WAIT_FIELDS) != 1:
        return f"needs exactly one of {', '.join(WAIT_FIELDS)}"
    resource = state.get("Resource")
    if kind == "Task" and not resource:
        return "needs a Resource"
    if kind == "Task" and not (isinstance(resource, str) and _URI.fullmatch(resource)):
        return (
            f"has Resource {resource!r}, which is not a URI (an ARN such as arn:aws:states:::lambda:invoke)"
        )
    return None


def _states_problem(machine: dict[str, Any], where: str) -> str | None:
    """Why an ASL state machine (or a Parallel branch, a Map iterator) is invalid, or None."""
    states, start = machine.get("States"), machine.get("StartAt")
    if not isinstance(states, dict) or not states:
        return f"{where} must have a non-empty object field States"
    if not isinstance(start, str):
        return f"{where} must have a string field StartAt"
    if start not in states:
        return f"{where}: StartAt {start!r} is not one of its States ({', '.join(states)})"
    for name, state in states.items():
        if not isinstance(state, dict) or state.get("Type") not in STATE_TYPES:
            kind = state.get("Type") if isinstance(state, dict) else state
            return f"{where}: state {name!r} has Type {kind!r}, not one of {', '.join(sorted(STATE_TYPES))}"
        kind = state["Type"]
        following = state.get("Next")
        if following is not None and following not in states:
            return f"{where}: state {name!r} goes Next to {following!r}, which is not a state"
        if kind not in _SELF_ENDING and following is None and state.get("End") is not True:
            return f"{where}: state {name!r} ({kind}) needs Next or End: true"
        problem = _state_fields_problem(kind, state)
        if problem:
            return f"{where}: {kind} state {name!r} {problem}"
        for index, branch in enumerate(state.get("Branches", []) if kind == "Parallel" else []):
            problem = _states_problem(branch, f"{where} state {name!r} branch {index}")
            if problem:
                return problem
    return None


def definition_problem(raw: Any) -> str | None:
    """Why Step Functions refuses a definition (InvalidDefinition), or None."""
    try:
        machine = json.loads(str(raw))
    except ValueError as err:
        return f"the definition is not valid JSON: {err}"
    if not isinstance(machine, dict):
        return "the definition is a JSON object"
    return _states_problem(machine, "the state machine")


@emulates(
    "aws:sfn/stateMachine:StateMachine",
    note="create_state_machine; moto keeps the definition unchecked, its ASL structure is a catalogued rule",
    replace_on={"name", "namePrefix", "type"},
    naming=STATE_MACHINE_NAME,
    arn="arn:{partition}:states:{region}:{account}:stateMachine:{name}",
)
def state_machine(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "name": name,
        "definition": r.get("definition"),
        "roleArn": r.get("roleArn"),
        "type": r.get("type", "STANDARD"),
        "publish": bool(r.get("publish", False)),
    }
    logging = r.get("loggingConfiguration")
    if logging:
        converted: dict[str, Any] = {"level": logging.get("level", "OFF")}
        if logging.get("includeExecutionData") is not None:
            converted["includeExecutionData"] = bool(logging["includeExecutionData"])
        if logging.get("logDestination"):
            converted["destinations"] = [
                {"cloudWatchLogsLogGroup": {"logGroupArn": logging["logDestination"]}}
            ]
        kwargs["loggingConfiguration"] = converted
    tracing = r.get("tracingConfiguration")
    if tracing:
        kwargs["tracingConfiguration"] = {"enabled": bool(tracing.get("enabled", False))}
    if r.get("tags"):
        kwargs["tags"] = [{"key": k, "value": str(v)} for k, v in sorted(dict(r.get("tags")).items())]
    created = ctx.aws(r, "definition", "stepfunctions", "create_state_machine", **kwargs)
    arn = created["stateMachineArn"]
    return arn, {
        "name": name,
        "arn": arn,
        "creationDate": str(created.get("creationDate", "")),
        "status": "ACTIVE",
        "stateMachineVersionArn": created.get("stateMachineVersionArn", ""),
    }


@rule(
    "sfn-definition-asl",
    "aws:sfn/stateMachine:StateMachine",
    prop="definition",
    summary="A definition is Amazon States Language: StartAt names one of the States, each with a valid Type",
    source="https://states-language.net/spec.html",
)
def _definition(ctx: Context, r: Resource) -> str | None:
    raw = r.get("definition")
    return definition_problem(raw) if raw is not None else None


@rule(
    "sfn-logging-destination",
    "aws:sfn/stateMachine:StateMachine",
    prop="loggingConfiguration",
    summary="Logging at a level other than OFF names a log destination",
    source="https://docs.aws.amazon.com/step-functions/latest/apireference/API_LoggingConfiguration.html "
    "(destinations: required if the log level is not OFF)",
)
def _logging_destination(ctx: Context, r: Resource) -> str | None:
    logging = r.get("loggingConfiguration") or {}
    level = logging.get("level")
    if level in (None, "OFF") or logging.get("logDestination"):
        return None
    return f"logging level {level} needs logDestination (a CloudWatch Logs log group ARN ending in :*)"
