"""EventBridge Scheduler: schedules."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.spec import Emulated, Naming, emulates

SCHEDULE_NAME = Naming(
    max_length=64,
    pattern=r"[0-9a-zA-Z_.-]+",
    source=(
        "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html"
        " (Name: 1-64, [0-9a-zA-Z-_.]+)"
    ),
)


@emulates(
    "aws:scheduler/schedule:Schedule",
    note="scheduler create_schedule",
    replace_on={"groupName", "name", "namePrefix"},
    naming=SCHEDULE_NAME,
    arn="arn:{partition}:scheduler:{region}:{account}:schedule/default/{name}",
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
