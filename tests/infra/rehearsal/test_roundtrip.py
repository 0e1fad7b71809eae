"""Every resource of a type, whatever the program names it: what it declared is what the account holds."""

from __future__ import annotations

import json
from typing import Any

from infra.rehearsal.engine import Registration
from infra.rehearsal.rehearse import Rehearsal


def _client(rehearsal: Rehearsal, service: str) -> Any:
    return rehearsal.account.client(service)


def _all(rehearsal: Rehearsal, token: str) -> list[Registration]:
    found = rehearsal.result.by_type(token)
    # The program declares every type read back here; losing one must fail, not skip the check.
    assert found, f"the program declares no {token} in {rehearsal.result.stack}"
    return found


def test_every_metric_alarm(prod: Rehearsal) -> None:
    cloudwatch = _client(prod, "cloudwatch")
    for alarm in _all(prod, "aws:cloudwatch/metricAlarm:MetricAlarm"):
        described = cloudwatch.describe_alarms(AlarmNames=[alarm.id])["MetricAlarms"]
        assert len(described) == 1, alarm.urn
        got = described[0]
        assert got["ComparisonOperator"] == alarm.inputs["comparisonOperator"], alarm.urn
        assert got["EvaluationPeriods"] == int(alarm.inputs["evaluationPeriods"]), alarm.urn
        if "threshold" in alarm.inputs:
            assert got["Threshold"] == float(alarm.inputs["threshold"]), alarm.urn
        assert got["AlarmActions"] == list(alarm.inputs.get("alarmActions", [])), alarm.urn


def test_every_dashboard(prod: Rehearsal) -> None:
    cloudwatch = _client(prod, "cloudwatch")
    for dashboard in _all(prod, "aws:cloudwatch/dashboard:Dashboard"):
        body = cloudwatch.get_dashboard(DashboardName=dashboard.id)["DashboardBody"]
        assert json.loads(body) == json.loads(dashboard.inputs["dashboardBody"]), dashboard.urn


def test_every_log_group_keeps_its_retention(prod: Rehearsal) -> None:
    logs = _client(prod, "logs")
    for group in _all(prod, "aws:cloudwatch/logGroup:LogGroup"):
        described = logs.describe_log_groups(logGroupNamePrefix=group.id)["logGroups"]
        match = [g for g in described if g["logGroupName"] == group.id]
        assert [g.get("retentionInDays") for g in match] == [int(group.inputs["retentionInDays"])], group.urn


def test_every_bucket_and_its_configuration(prod: Rehearsal) -> None:
    s3 = _client(prod, "s3")
    for bucket in _all(prod, "aws:s3/bucket:Bucket"):
        assert s3.head_bucket(Bucket=bucket.id)["ResponseMetadata"]["HTTPStatusCode"] == 200, bucket.urn
        location = s3.get_bucket_location(Bucket=bucket.id)["LocationConstraint"]
        assert location == "eu-west-1", bucket.urn
    for block in _all(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
        config = s3.get_public_access_block(Bucket=block.inputs["bucket"])["PublicAccessBlockConfiguration"]
        expected = {
            "BlockPublicAcls": block.inputs.get("blockPublicAcls", False),
            "IgnorePublicAcls": block.inputs.get("ignorePublicAcls", False),
            "BlockPublicPolicy": block.inputs.get("blockPublicPolicy", False),
            "RestrictPublicBuckets": block.inputs.get("restrictPublicBuckets", False),
        }
        assert config == expected, block.urn
    for encryption in _all(
        prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ):
        rules = s3.get_bucket_encryption(Bucket=encryption.inputs["bucket"])[
            "ServerSideEncryptionConfiguration"
        ]["Rules"]
        declared = encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"]
        assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == declared, encryption.urn
    for lifecycle in _all(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"):
        rules = s3.get_bucket_lifecycle_configuration(Bucket=lifecycle.inputs["bucket"])["Rules"]
        assert [r["ID"] for r in rules] == [r["id"] for r in lifecycle.inputs["rules"]], lifecycle.urn
    for ownership in _all(prod, "aws:s3/bucketOwnershipControls:BucketOwnershipControls"):
        controls = s3.get_bucket_ownership_controls(Bucket=ownership.inputs["bucket"])["OwnershipControls"]
        assert controls["Rules"][0]["ObjectOwnership"] == ownership.inputs["rule"]["objectOwnership"]
    for policy in _all(prod, "aws:s3/bucketPolicy:BucketPolicy"):
        stored = json.loads(s3.get_bucket_policy(Bucket=policy.inputs["bucket"])["Policy"])
        assert stored == json.loads(policy.inputs["policy"]), policy.urn


def test_every_option_group(prod: Rehearsal) -> None:
    rds = _client(prod, "rds")
    for group in _all(prod, "aws:rds/optionGroup:OptionGroup"):
        described = rds.describe_option_groups(OptionGroupName=group.id)["OptionGroupsList"][0]
        assert described["EngineName"] == group.inputs["engineName"], group.urn
        assert described["MajorEngineVersion"] == group.inputs["majorEngineVersion"], group.urn
    instance = _all(prod, "aws:rds/instance:Instance")[0]
    if instance.inputs.get("optionGroupName"):
        db = rds.describe_db_instances(DBInstanceIdentifier=instance.id)["DBInstances"][0]
        names = [m["OptionGroupName"] for m in db["OptionGroupMemberships"]]
        assert names == [instance.inputs["optionGroupName"]], instance.urn


def test_every_prometheus_workspace_and_schedule(prod: Rehearsal) -> None:
    amp = _client(prod, "amp")
    for workspace in _all(prod, "aws:amp/workspace:Workspace"):
        described = amp.describe_workspace(workspaceId=workspace.id)["workspace"]
        assert described.get("alias") == workspace.inputs.get("alias"), workspace.urn
        assert workspace.state["prometheusEndpoint"].endswith(f"/workspaces/{workspace.id}/"), workspace.urn
    scheduler = _client(prod, "scheduler")
    for schedule in _all(prod, "aws:scheduler/schedule:Schedule"):
        described = scheduler.get_schedule(Name=schedule.state["name"])
        assert described["ScheduleExpression"] == schedule.inputs["scheduleExpression"], schedule.urn
        assert described["Target"]["Arn"] == schedule.inputs["target"]["arn"], schedule.urn


def test_grafana_is_emulated_without_validation_and_says_so(prod: Rehearsal) -> None:
    for workspace in _all(prod, "aws:grafana/workspace:Workspace"):
        assert workspace.id is not None
        assert workspace.state["endpoint"] == f"{workspace.id}.grafana-workspace.eu-west-1.amazonaws.com"
    assert prod.coverage.types["aws:grafana/workspace:Workspace"] == "emulated without validation"


def test_every_role_policy_is_stored_as_declared(prod: Rehearsal) -> None:
    iam = _client(prod, "iam")
    for policy in _all(prod, "aws:iam/rolePolicy:RolePolicy"):
        role, name = str(policy.id).split(":", 1)
        stored = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        assert stored == json.loads(policy.inputs["policy"]), policy.urn
