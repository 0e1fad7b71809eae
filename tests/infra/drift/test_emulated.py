"""`infra drift --emulated`'s logic on dev's emulated account: nothing drifts right after the rehearsal;
after changes made out of band through boto3 on `rehearsal.session`, exactly those are reported, the
allowlisted one and the one under ignoreChanges left out with their reasons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from infra.drift import allowlist
from infra.drift.allowlist import Entry
from infra.drift.emulated import READERS, emulated_drift
from infra.drift.report import DriftReport, LeftOut, PropertyDrift
from infra.rehearsal.engine import Registration
from infra.rehearsal.rehearse import Rehearsal, rehearse
from tests.infra.rehearsal.conftest import PROJECT_ROOT

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


@dataclass(frozen=True)
class Drifted:
    rehearsal: Rehearsal
    before: DriftReport
    after: DriftReport
    custom: DriftReport
    added_rule: str


def _change_out_of_band(rehearsal: Rehearsal) -> str:
    """What someone with console access does; returns the id of the rule they add."""
    session, result = rehearsal.session, rehearsal.result
    logs, ec2 = session.client("logs"), session.client("ec2")
    api_logs = result.one(LOG_GROUP, "postings-dev-api-logs")
    logs.put_retention_policy(logGroupName=api_logs.state["name"], retentionInDays=14)
    # AWS Backup tags what it protects with keys only AWS may write: allowlisted.
    logs.tag_resource(resourceArn=api_logs.state["arn"], tags={"aws:backup:source-resource": "rp-1"})
    database_group = result.one(GROUP, "postings-dev-database")
    added = ec2.authorize_security_group_ingress(
        GroupId=str(database_group.id),
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        ],
    )
    http = result.one(INGRESS, "postings-dev-in-internet-to-alb-80")
    ec2.revoke_security_group_ingress(
        GroupId=str(http.inputs["securityGroupId"]), SecurityGroupRuleIds=[str(http.id)]
    )
    session.client("rds").modify_db_instance(
        DBInstanceIdentifier="postings-dev-mysql",
        DBInstanceClass="db.t4g.small",
        BackupRetentionPeriod=7,
        ApplyImmediately=True,
    )
    ecs = session.client("ecs")
    api = result.one("aws:ecs/service:Service", "postings-dev-api-service")
    # Autoscaling's doing, and under the service's ignoreChanges.
    ecs.update_service(cluster=str(api.inputs["cluster"]), service="postings-dev-api", desiredCount=4)
    ecs.untag_resource(resourceArn=str(api.id), tagKeys=["Service"])
    topic = result.one("aws:sns/topic:Topic", "postings-dev-alerts")
    session.client("sns").tag_resource(
        ResourceArn=str(topic.id), Tags=[{"Key": "CostCenter", "Value": "1234"}]
    )
    block = result.one(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "postings-dev-alb-logs-public-access"
    )
    session.client("s3").put_public_access_block(
        Bucket=str(block.inputs["bucket"]),
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True,
        },
    )
    session.client("ecr").put_image_tag_mutability(
        repositoryName="postings-dev", imageTagMutability="MUTABLE"
    )
    cloudwatch = session.client("cloudwatch")
    (alarm,) = cloudwatch.describe_alarms(AlarmNames=["postings-dev-rds-cpu-critical"])["MetricAlarms"]
    cloudwatch.put_metric_alarm(
        AlarmName=alarm["AlarmName"],
        MetricName=alarm["MetricName"],
        Namespace=alarm["Namespace"],
        Statistic=alarm["Statistic"],
        Dimensions=alarm["Dimensions"],
        Period=alarm["Period"],
        EvaluationPeriods=alarm["EvaluationPeriods"],
        ComparisonOperator=alarm["ComparisonOperator"],
        Threshold=99.0,
        DatapointsToAlarm=alarm["DatapointsToAlarm"],
        TreatMissingData=alarm["TreatMissingData"],
        AlarmActions=alarm["AlarmActions"],
        OKActions=alarm["OKActions"],
    )
    return str(added["SecurityGroupRules"][0]["SecurityGroupRuleId"])


@pytest.fixture(scope="module")
def drifted() -> Iterator[Drifted]:
    with rehearse(PROJECT_ROOT, "dev") as rehearsal:
        entries = allowlist.load()
        before = emulated_drift(rehearsal, entries)
        added_rule = _change_out_of_band(rehearsal)
        after = emulated_drift(rehearsal, entries)
        custom = emulated_drift(
            rehearsal,
            [*entries, Entry(LOG_GROUP, "retentionInDays", "a test: a team lowers retention on its own")],
        )
        yield Drifted(rehearsal, before, after, custom, added_rule)


def _by_name(report: DriftReport) -> dict[str, tuple[str, tuple[PropertyDrift, ...]]]:
    return {r.name: (r.op, r.properties) for r in report.drifted}


def test_nothing_drifts_right_after_the_rehearsal(drifted: Drifted) -> None:
    assert drifted.before.drifted == ()
    assert drifted.before.left_out == ()
    registrations = drifted.rehearsal.result.registrations
    compared = [r for r in registrations if r.type in READERS]
    assert (len(compared), len({r.type for r in compared})) == (109, 10)
    assert drifted.before.text().splitlines()[0] == "dev: no drift (emulated account)"


def test_exactly_the_out_of_band_changes_are_reported(drifted: Drifted) -> None:
    api_service = drifted.rehearsal.result.one("aws:ecs/service:Service", "postings-dev-api-service")
    assert _by_name(drifted.after) == {
        "postings-dev-api-logs": ("update", (PropertyDrift("retentionInDays", "changed", 30.0, 14),)),
        "postings-dev-database": (
            "update",
            (PropertyDrift("ingress", "added", None, f"{drifted.added_rule}: tcp 3306 from 0.0.0.0/0"),),
        ),
        "postings-dev-in-internet-to-alb-80": ("create", ()),
        "postings-dev-db-instance": (
            "update",
            (
                PropertyDrift("instanceClass", "changed", "db.t4g.micro", "db.t4g.small"),
                PropertyDrift("backupRetentionPeriod", "changed", 1.0, 7),
            ),
        ),
        "postings-dev-api-service": ("update", (PropertyDrift("tags.Service", "removed", "api", None),)),
        "postings-dev-alerts": ("update", (PropertyDrift("tags.CostCenter", "added", None, "1234"),)),
        "postings-dev-alb-logs-public-access": (
            "update",
            (PropertyDrift("blockPublicPolicy", "changed", True, False),),
        ),
        "postings-dev-repository": (
            "update",
            (PropertyDrift("imageTagMutability", "changed", "IMMUTABLE", "MUTABLE"),),
        ),
        "postings-dev-rds-cpu-critical": ("update", (PropertyDrift("threshold", "changed", 95.0, 99.0),)),
    }
    assert api_service.ignore_changes == ["desiredCount"]


def test_the_allowlisted_and_ignored_changes_are_left_out_with_their_reasons(drifted: Drifted) -> None:
    result = drifted.rehearsal.result
    api_logs = result.one(LOG_GROUP, "postings-dev-api-logs")
    api_service = result.one("aws:ecs/service:Service", "postings-dev-api-service")
    (tag_entry,) = [e for e in allowlist.load() if e.property == 'tags["aws:*"]']
    assert drifted.after.left_out == (
        LeftOut(
            api_logs.urn,
            'tags["aws:backup:source-resource"]',
            "allowlisted: " + " ".join(tag_entry.reason.split()),
        ),
        LeftOut(api_service.urn, "desiredCount", "in the resource's ignoreChanges"),
    )


def test_an_allowlist_entry_takes_a_change_out_of_the_report(drifted: Drifted) -> None:
    assert set(_by_name(drifted.after)) - set(_by_name(drifted.custom)) == {"postings-dev-api-logs"}
    api_logs = drifted.rehearsal.result.one(LOG_GROUP, "postings-dev-api-logs")
    assert LeftOut(
        api_logs.urn, "retentionInDays", "allowlisted: a test: a team lowers retention on its own"
    ) in (drifted.custom.left_out)
    assert drifted.custom.has_drift


def test_the_report_reads_as_the_issue_and_the_terminal_show_it(drifted: Drifted) -> None:
    lines = drifted.after.text().splitlines()
    assert lines[0] == "dev: drift in 9 resources, 10 changes (emulated account)"
    assert "  aws:cloudwatch/logGroup:LogGroup  postings-dev-api-logs: changed outside Pulumi" in lines
    assert "    retentionInDays: declared 30, live 14" in lines
    assert (
        "  aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule  postings-dev-in-internet-to-alb-80: "
        "missing: deleted outside Pulumi (`pulumi up` would create it again)"
    ) in lines
    markdown = drifted.after.markdown().splitlines()
    assert (
        '| `postings-dev-db-instance` | `aws:rds/instance:Instance` | `instanceClass` | `"db.t4g.micro"` '
        '| `"db.t4g.small"` |'
    ) in markdown
    assert "<details><summary>Left out: 2 known difference(s)</summary>" in markdown


def _scaling_targets(registrations: list[Registration]) -> set[str]:
    return {
        str(r.inputs["resourceId"])
        for r in registrations
        if r.type == "aws:appautoscaling/target:Target"
        and r.inputs.get("scalableDimension") == "ecs:service:DesiredCount"
    }


def test_the_desired_count_entry_says_true_every_service_is_autoscaled(drifted: Drifted) -> None:
    registrations = drifted.rehearsal.result.registrations
    services = [r for r in registrations if r.type == "aws:ecs/service:Service"]
    cluster = drifted.rehearsal.result.one("aws:ecs/cluster:Cluster", "postings-dev-cluster")
    assert [r.name for r in services] != []
    for service in services:
        resource_id = f"service/{cluster.state['name']}/{service.inputs['name']}"
        assert resource_id in _scaling_targets(registrations), service.urn
        assert service.ignore_changes == ["desiredCount"], service.urn
