"""Amazon Managed Grafana cases (moto has no Grafana: the service model and the role lookup judge)."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import role

API = "https://docs.aws.amazon.com/grafana/latest/APIReference"


def _workspace(**overrides: Any) -> aws.grafana.Workspace:
    args: dict[str, Any] = {
        "account_access_type": "CURRENT_ACCOUNT",
        "authentication_providers": ["AWS_SSO"],
        "permission_type": "SERVICE_MANAGED",
        "role_arn": role("grafana-role", "grafana.amazonaws.com").arn,
        "data_sources": ["CLOUDWATCH", "PROMETHEUS"],
    }
    args.update(overrides)
    return aws.grafana.Workspace("grafana", **args)


@valid("grafana")
def grafana_workspace_with_a_service_account() -> None:
    workspace = _workspace()
    aws.grafana.WorkspaceServiceAccount(
        "reader", name="reader", grafana_role="VIEWER", workspace_id=workspace.id
    )


@refused(
    "grafana",
    token="aws:grafana/workspace:Workspace",
    prop="accountAccessType",
    source=f"{API}/API_CreateWorkspace.html",
)
def grafana_workspace_open_to_everyone() -> None:
    _workspace(account_access_type="EVERYONE")


@refused(
    "grafana",
    token="aws:grafana/workspace:Workspace",
    prop="authenticationProviders",
    source=f"{API}/API_CreateWorkspace.html",
)
def grafana_workspace_with_ldap_login() -> None:
    _workspace(authentication_providers=["LDAP"])


@refused(
    "grafana",
    token="aws:grafana/workspace:Workspace",
    prop="dataSources",
    source=f"{API}/API_CreateWorkspace.html",
)
def grafana_workspace_with_an_unknown_data_source() -> None:
    _workspace(data_sources=["LOKI"])


@refused(
    "grafana",
    token="aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount",
    prop="grafanaRole",
    source=f"{API}/API_CreateWorkspaceServiceAccount.html",
)
def grafana_service_account_as_owner() -> None:
    workspace = _workspace()
    aws.grafana.WorkspaceServiceAccount(
        "owner", name="owner", grafana_role="OWNER", workspace_id=workspace.id
    )
