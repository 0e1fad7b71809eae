"""Amazon Managed Grafana: workspaces and service accounts (moto has no Grafana)."""

from __future__ import annotations

from infra.rehearsal.emulation import (
    Context,
    EmulationError,
    Resource,
)
from infra.rehearsal.spec import EVERY_INPUT, UNNAMED, Emulated, Validation, emulates, stable_hex


def _role_exists(ctx: Context, r: Resource, prop: str, role_arn: str) -> None:
    """Read the role back from the emulated account, as Grafana's CreateWorkspace validates it."""
    name = role_arn.rsplit("/", 1)[-1]
    ctx.aws(r, prop, "iam", "get_role", RoleName=name)


@emulates(
    "aws:grafana/workspace:Workspace",
    note="moto has no Managed Grafana; the request is checked against the service model, the role is read "
    "back from the account, and the documented id and endpoint shapes are returned",
    replace_on={"authenticationProviders", "kmsKeyId"},
    naming=UNNAMED,
    arn="arn:{partition}:grafana:{region}:{account}:/workspaces/{id}",
    validation=Validation.UNVALIDATED,
)
def grafana_workspace(ctx: Context, r: Resource) -> Emulated:
    for prop in ("accountAccessType", "authenticationProviders", "permissionType"):
        if not r.get(prop):
            raise EmulationError(r.urn, prop, "ValidationException", f"{prop} is required")
    request = {
        "accountAccessType": r.get("accountAccessType"),
        "authenticationProviders": list(r.get("authenticationProviders")),
        "permissionType": r.get("permissionType"),
        "workspaceDataSources": list(r.get("dataSources", [])),
        "workspaceNotificationDestinations": list(r.get("notificationDestinations", [])),
        "tags": dict(r.get("tags", {})),
    }
    optional = {"name": "workspaceName", "roleArn": "workspaceRoleArn", "grafanaVersion": "grafanaVersion"}
    request.update({api: r.get(prop) for prop, api in optional.items() if r.get(prop)})
    ctx.check(r, "accountAccessType", "grafana", "create_workspace", **request)
    if r.get("roleArn"):
        _role_exists(ctx, r, "roleArn", str(r.get("roleArn")))
    workspace_id = f"g-{stable_hex(ctx.account_id, r.urn, length=10)}"
    ctx.grafana_workspaces.add(workspace_id)
    return workspace_id, {
        "arn": ctx.arn("grafana", f"/workspaces/{workspace_id}"),
        "endpoint": f"{workspace_id}.grafana-workspace.{ctx.region}.amazonaws.com",
        "grafanaVersion": str(r.get("grafanaVersion", "10.4")),
    }


@emulates(
    "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount",
    note="moto has no Managed Grafana; the request is checked against the service model and the workspace "
    "must have been created in this rehearsal",
    replace_on={EVERY_INPUT},
    naming=UNNAMED,
    arn="",
    validation=Validation.UNVALIDATED,
)
def grafana_service_account(ctx: Context, r: Resource) -> Emulated:
    workspace_id = str(r.get("workspaceId"))
    if workspace_id not in ctx.grafana_workspaces:
        raise EmulationError(
            r.urn, "workspaceId", "ResourceNotFoundException", f"Workspace {workspace_id} not found"
        )
    ctx.check(
        r,
        "grafanaRole",
        "grafana",
        "create_workspace_service_account",
        grafanaRole=r.get("grafanaRole"),
        name=r.get("name") or r.name,
        workspaceId=workspace_id,
    )
    account_id = str(int(stable_hex(r.urn, length=6), 16))
    return f"{workspace_id},{account_id}", {"serviceAccountId": account_id}
