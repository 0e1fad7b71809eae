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
    note="moto has no Managed Grafana; the emulator checks the role exists in the account and returns the "
    "documented id and endpoint shapes",
    replace_on={"authenticationProviders", "kmsKeyId"},
    naming=UNNAMED,
    arn="arn:{partition}:grafana:{region}:{account}:/workspaces/{id}",
    validation=Validation.UNVALIDATED,
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
    note="moto has no Managed Grafana; the emulator only checks the workspace was created in this rehearsal",
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
    if r.get("grafanaRole") not in ("ADMIN", "EDITOR", "VIEWER"):
        raise EmulationError(
            r.urn, "grafanaRole", "ValidationException", "grafanaRole must be one of ADMIN, EDITOR, VIEWER"
        )
    account_id = str(int(stable_hex(r.urn, length=6), 16))
    return f"{workspace_id},{account_id}", {"serviceAccountId": account_id}
