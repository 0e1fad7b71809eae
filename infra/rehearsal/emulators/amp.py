"""Amazon Managed Service for Prometheus: workspaces."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.spec import UNNAMED, Emulated, emulates


@emulates(
    "aws:amp/workspace:Workspace",
    note="amp create_workspace",
    replace_on={"kmsKeyArn"},
    naming=UNNAMED,
    arn="arn:{partition}:aps:{region}:{account}:workspace/{id}",
)
def prometheus_workspace(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {"tags": dict(r.get("tags", {}))}
    for key in ("alias", "kmsKeyArn"):
        if r.get(key):
            kwargs[key] = r.get(key)
    created = ctx.aws(r, "alias", "amp", "create_workspace", **kwargs)
    workspace_id = created["workspaceId"]
    return workspace_id, {
        "arn": created["arn"],
        "prometheusEndpoint": f"https://aps-workspaces.{ctx.region}.amazonaws.com/workspaces/{workspace_id}/",
    }
