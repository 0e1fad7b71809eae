"""Amazon Managed Grafana over AMP and CloudWatch; its dashboards come from monitoring/grafana."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.iam import allow, assume_role_policy, policy

AMP_QUERY_ACTIONS = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"]
# What Grafana's CloudWatch data source reads (AWS's AmazonGrafanaCloudWatchAccess, without Logs Insights).
CLOUDWATCH_READ_ACTIONS = [
    "cloudwatch:DescribeAlarmsForMetric",
    "cloudwatch:DescribeAlarmHistory",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:ListMetrics",
    "cloudwatch:GetMetricData",
    "cloudwatch:GetInsightRuleReport",
    "ec2:DescribeTags",
    "ec2:DescribeInstances",
    "ec2:DescribeRegions",
    "tag:GetResources",
]
DATA_SOURCES = ["PROMETHEUS", "CLOUDWATCH"]
# People sign in through IAM Identity Center, which must be enabled in the account (or its organization).
AUTHENTICATION_PROVIDERS = ["AWS_SSO"]


def workspace_policy(prometheus_workspace_arn: str) -> str:
    """Query the environment's AMP workspace; read CloudWatch (account-wide: its API has no resources)."""
    return policy(
        [allow(AMP_QUERY_ACTIONS, [prometheus_workspace_arn]), allow(CLOUDWATCH_READ_ACTIONS, ["*"])]
    )


@dataclass(frozen=True, kw_only=True)
class GrafanaArgs:
    prometheus_workspace_arn: pulumi.Input[str]
    """AMP workspace Grafana queries."""


class Grafana(pulumi.ComponentResource):
    """A workspace whose role may query AMP and CloudWatch, and an admin service account from which the
    provisioning step (`python -m monitoring.grafana.provision`) mints short-lived tokens."""

    workspace_id: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    service_account_id: pulumi.Output[str]

    def __init__(self, name: str, args: GrafanaArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:Grafana", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-grafana-role", assume_role_policy=assume_role_policy("grafana.amazonaws.com"), opts=child
        )
        aws.iam.RolePolicy(
            f"{name}-grafana-data",
            role=role.id,
            policy=pulumi.Output.from_input(args.prometheus_workspace_arn).apply(workspace_policy),
            opts=child,
        )
        workspace = aws.grafana.Workspace(
            f"{name}-grafana",
            name=name,
            description=f"{name}: service (AMP) and infrastructure (CloudWatch) dashboards",
            account_access_type="CURRENT_ACCOUNT",
            authentication_providers=AUTHENTICATION_PROVIDERS,
            permission_type="CUSTOMER_MANAGED",
            role_arn=role.arn,
            data_sources=DATA_SOURCES,
            opts=child,
        )
        account = aws.grafana.WorkspaceServiceAccount(
            f"{name}-grafana-provisioner",
            name="provisioner",
            grafana_role="ADMIN",
            workspace_id=workspace.id,
            opts=child,
        )
        self.workspace_id = workspace.id
        self.endpoint = workspace.endpoint
        self.service_account_id = account.service_account_id
        self.register_outputs(
            {
                "workspace_id": self.workspace_id,
                "endpoint": self.endpoint,
                "service_account_id": self.service_account_id,
            }
        )
