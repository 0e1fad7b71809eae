"""EventBridge Scheduler: schedule groups and schedules, with the schedule grammar and time window rules."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.emulators.events import schedule_problem
from infra.rehearsal.spec import Emulated, Naming, Where, emulates, rule

SCHEDULE_TOKEN = "aws:scheduler/schedule:Schedule"
FLEXIBLE_WINDOW_MINUTES = (1, 1440)

SCHEDULE_NAME = Naming(
    max_length=64,
    pattern=r"[0-9a-zA-Z_.-]+",
    source=(
        "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html"
        " (Name: 1-64, [0-9a-zA-Z-_.]+)"
    ),
)

GROUP_NAME = Naming(
    max_length=64,
    pattern=r"[0-9a-zA-Z_.-]+",
    source=(
        "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html"
        " (Name: 1-64, [0-9a-zA-Z-_.]+)"
    ),
)


@emulates(
    "aws:scheduler/scheduleGroup:ScheduleGroup",
    note="scheduler create_schedule_group",
    replace_on={"name", "namePrefix"},
    naming=GROUP_NAME,
    arn="arn:{partition}:scheduler:{region}:{account}:schedule-group/{name}",
)
def schedule_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    tags = [{"Key": k, "Value": str(v)} for k, v in sorted(dict(r.get("tags", {})).items())]
    kwargs: dict[str, Any] = {"Name": name}
    if tags:
        kwargs["Tags"] = tags
    created = ctx.aws(r, "name", "scheduler", "create_schedule_group", **kwargs)
    return name, {"name": name, "arn": created["ScheduleGroupArn"], "state": "ACTIVE"}


def _schedule_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    """A schedule's ARN names its group, `default` when the program names none."""
    group = s.get("groupName") or "default"
    return {"arn": f"arn:aws:scheduler:{where.region}:{where.account_id}:schedule/{group}/{s['name']}"}


@emulates(
    SCHEDULE_TOKEN,
    note="scheduler create_schedule",
    replace_on={"groupName", "name", "namePrefix"},
    naming=SCHEDULE_NAME,
    arn="arn:{partition}:scheduler:{region}:{account}:schedule/{input[groupName]}/{name}",
    computed=_schedule_outputs,
)
def schedule(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    target = r.get("target", {})
    converted: dict[str, Any] = {"Arn": target.get("arn"), "RoleArn": target.get("roleArn")}
    ecs = target.get("ecsParameters")
    if ecs:
        parameters: dict[str, Any] = {"TaskDefinitionArn": ecs["taskDefinitionArn"]}
        for key, boto in (("launchType", "LaunchType"), ("platformVersion", "PlatformVersion")):
            if ecs.get(key):
                parameters[boto] = ecs[key]
        if ecs.get("taskCount") is not None:
            parameters["TaskCount"] = int(ecs["taskCount"])
        network = ecs.get("networkConfiguration")
        if network:
            parameters["NetworkConfiguration"] = {
                "awsvpcConfiguration": {
                    "Subnets": list(network.get("subnets", [])),
                    "SecurityGroups": list(network.get("securityGroups", [])),
                    "AssignPublicIp": "ENABLED" if network.get("assignPublicIp") else "DISABLED",
                }
            }
        converted["EcsParameters"] = parameters
    retry = target.get("retryPolicy")
    if retry:
        converted["RetryPolicy"] = {
            "MaximumRetryAttempts": int(retry.get("maximumRetryAttempts", 185)),
            "MaximumEventAgeInSeconds": int(retry.get("maximumEventAgeInSeconds", 86400)),
        }
    if target.get("input"):
        converted["Input"] = target["input"]
    window = r.get("flexibleTimeWindow", {})
    kwargs: dict[str, Any] = {
        "Name": name,
        "ScheduleExpression": r.get("scheduleExpression"),
        "FlexibleTimeWindow": {"Mode": window.get("mode", "OFF")},
        "Target": converted,
        "State": r.get("state", "ENABLED"),
    }
    if window.get("maximumWindowInMinutes"):
        kwargs["FlexibleTimeWindow"]["MaximumWindowInMinutes"] = int(window["maximumWindowInMinutes"])
    if r.get("groupName"):
        kwargs["GroupName"] = r.get("groupName")
    created = ctx.aws(r, "scheduleExpression", "scheduler", "create_schedule", **kwargs)
    group = r.get("groupName", "default")
    return f"{group}/{name}", {"arn": created["ScheduleArn"], "name": name, "groupName": group}


@rule(
    "scheduler-schedule-expression",
    SCHEDULE_TOKEN,
    prop="scheduleExpression",
    summary="A schedule is at(yyyy-mm-ddThh:mm:ss), rate(<n> <unit>) or cron() with six valid fields",
    source="https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html",
)
def _expression(ctx: Context, r: Resource) -> str | None:
    expression = r.get("scheduleExpression")
    return schedule_problem(str(expression), at_allowed=True) if expression else None


@rule(
    "scheduler-flexible-time-window",
    SCHEDULE_TOKEN,
    prop="flexibleTimeWindow",
    summary="A FLEXIBLE window sets maximumWindowInMinutes (1-1440); an OFF window sets none",
    source="https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html",
)
def _flexible_window(ctx: Context, r: Resource) -> str | None:
    window = r.get("flexibleTimeWindow") or {}
    mode, minutes = window.get("mode"), window.get("maximumWindowInMinutes")
    low, high = FLEXIBLE_WINDOW_MINUTES
    if mode == "FLEXIBLE":
        if minutes is None:
            return "a FLEXIBLE time window needs maximumWindowInMinutes"
        if not low <= int(minutes) <= high:
            return f"maximumWindowInMinutes is {minutes}; it must be between {low} and {high}"
    if mode == "OFF" and minutes is not None:
        return "maximumWindowInMinutes applies to FLEXIBLE time windows only, not OFF"
    return None


@rule(
    "scheduler-timezone",
    SCHEDULE_TOKEN,
    prop="scheduleExpressionTimezone",
    summary="A schedule's time zone is a name from the IANA time zone database (Europe/Dublin, Etc/UTC, ...)",
    source="https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#time-zones",
)
def _timezone(ctx: Context, r: Resource) -> str | None:
    zone = r.get("scheduleExpressionTimezone")
    known = zoneinfo.available_timezones()
    # Without a time zone database on this machine there is nothing to compare with.
    if not isinstance(zone, str) or not zone or not known or zone in known:
        return None
    return f"scheduleExpressionTimezone {zone!r} is not a time zone of the IANA database (e.g. Europe/Dublin)"
