"""Grafana: a workspace over AMP and CloudWatch, its role scoped to the environment's AMP workspace."""

from __future__ import annotations

import json

from infra.components.grafana import AMP_QUERY_ACTIONS, CLOUDWATCH_READ_ACTIONS
from tests.infra.program import run


def test_workspace_has_both_data_sources_and_its_own_role() -> None:
    result = run("prod")
    workspace = result.one("aws:grafana/workspace:Workspace", "postings-prod-grafana").inputs
    role = result.one("aws:iam/role:Role", "postings-prod-grafana-role")
    assert workspace["name"] == "postings-prod"
    assert workspace["dataSources"] == ["PROMETHEUS", "CLOUDWATCH"]
    assert workspace["accountAccessType"] == "CURRENT_ACCOUNT"
    assert workspace["permissionType"] == "CUSTOMER_MANAGED"
    assert workspace["authenticationProviders"] == ["AWS_SSO"]
    assert workspace["roleArn"] == role.state["arn"]
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "grafana.amazonaws.com"}


def test_role_queries_only_this_environments_prometheus() -> None:
    result = run("dev")
    amp = result.one("aws:amp/workspace:Workspace", "postings-dev-prometheus").state["arn"]
    policy = json.loads(
        result.one("aws:iam/rolePolicy:RolePolicy", "postings-dev-grafana-data").inputs["policy"]
    )
    assert policy["Statement"] == [
        {"Effect": "Allow", "Action": AMP_QUERY_ACTIONS, "Resource": [amp]},
        {"Effect": "Allow", "Action": CLOUDWATCH_READ_ACTIONS, "Resource": ["*"]},
    ]


def test_provisioner_service_account_is_an_admin_of_the_workspace() -> None:
    result = run("dev")
    account = result.one(
        "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount", "postings-dev-grafana-provisioner"
    ).inputs
    workspace = result.one("aws:grafana/workspace:Workspace", "postings-dev-grafana")
    assert (account["name"], account["grafanaRole"], account["workspaceId"]) == (
        "provisioner",
        "ADMIN",
        workspace.id,
    )
