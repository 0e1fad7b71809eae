"""Managed monitoring on the emulated account: Managed Prometheus, Managed Grafana, EventBridge Scheduler."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Emulated,
    EmulationError,
    Resource,
    Validation,
    emulates,
    stable_hex,
)


@emulates("aws:amp/workspace:Workspace", note="amp create_workspace")
def prometheus_workspace(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {"tags": dict(r.get("tags", {}))}
    if r.get("alias"):
        kwargs["alias"] = r.get("alias")
    created = ctx.aws(r, "alias", "amp", "create_workspace", **kwargs)
    workspace_id = created["workspaceId"]
    return workspace_id, {
        "arn": created["arn"],
        "prometheusEndpoint": f"https://aps-workspaces.{ctx.region}.amazonaws.com/workspaces/{workspace_id}/",
    }


def _role_exists(ctx: Context, r: Resource, prop: str, role_arn: str) -> None:
    """Read the role back from the emulated account, as Grafana's CreateWorkspace validates it."""
    name = role_arn.rsplit("/", 1)[-1]
    ctx.aws(r, prop, "iam", "get_role", RoleName=name)


@emulates(
    "aws:grafana/workspace:Workspace",
    Validation.UNVALIDATED,
    note="moto has no Managed Grafana; the emulator checks the role exists in the account and returns the "
    "documented id and endpoint shapes",
)
def grafana_workspace(ctx: Context, r: Resource) -> Emulated:
    if r.get("roleArn"):
        _role_exists(ctx, r, "roleArn", str(r.get("roleArn")))
    for prop in ("accountAccessType", "authenticationProviders", "permissionType"):
        if not r.get(prop):
            raise EmulationError(r.urn, prop, "ValidationException", f"{prop} is required")
    workspace_id = f"g-{stable_hex(ctx.account_id, r.urn, length=10)}"
    ctx.grafana_workspaces.add(workspace_id)
    return workspace_id, {
        "arn": ctx.arn("grafana", f"/workspaces/{workspace_id}"),
        "endpoint": f"{workspace_id}.grafana-workspace.{ctx.region}.amazonaws.com",
        "grafanaVersion": str(r.get("grafanaVersion", "10.4")),
    }


@emulates(
    "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount",
    Validation.UNVALIDATED,
    note="moto has no Managed Grafana; the emulator only checks the workspace was created in this rehearsal",
)
def grafana_service_account(ctx: Context, r: Resource) -> Emulated:
    workspace_id = str(r.get("workspaceId"))
    if workspace_id not in ctx.grafana_workspaces:
        raise EmulationError(
            r.urn, "workspaceId", "ResourceNotFoundException", f"Workspace {workspace_id} not found"
        )
    if r.get("grafanaRole") not in ("ADMIN", "EDITOR", "VIEWER"):
        raise EmulationError(
            r.urn, "grafanaRole", "ValidationException", "grafanaRole must be one of ADMIN, EDITOR, VIEWER"
        )
    account_id = str(int(stable_hex(r.urn, length=6), 16))
    return f"{workspace_id},{account_id}", {"serviceAccountId": account_id}


@emulates("aws:scheduler/schedule:Schedule", note="scheduler create_schedule")
def schedule(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=64)
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
