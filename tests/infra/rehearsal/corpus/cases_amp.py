"""Amazon Managed Service for Prometheus cases."""

from __future__ import annotations

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

API = "https://docs.aws.amazon.com/prometheus/latest/APIReference/API_CreateWorkspace.html"


@valid("amp")
def amp_workspace_with_an_alias() -> None:
    aws.amp.Workspace("metrics", alias="postings-metrics")


@refused("amp", token="aws:amp/workspace:Workspace", prop="alias", source=API)
def amp_workspace_alias_over_100_characters() -> None:
    aws.amp.Workspace("metrics", alias="m" * 101)


@refused("amp", token="aws:amp/workspace:Workspace", prop="kmsKeyArn", source=API)
def amp_workspace_key_that_is_not_a_kms_key_arn() -> None:
    aws.amp.Workspace("metrics", kms_key_arn="alias/metrics")
