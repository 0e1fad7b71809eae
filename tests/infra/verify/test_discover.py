"""Finding a deployed environment: by the provider's tags through moto, or by the stack's outputs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.ops.stack import StackNotFound
from infra.verify.commands import verify_deployed
from infra.verify.discover import Target, from_outputs, from_tags
from monitoring.checks.plugin import Status

REGION = "eu-west-1"


def tags(environment: str) -> list[Any]:
    return [{"Key": "Project", "Value": "postings"}, {"Key": "Environment", "Value": environment}]


def deploy(session: boto3.Session, environment: str, *, broker: bool = True) -> None:
    """What `pulumi up` leaves behind that the checks look at, tagged as the provider tags it."""
    session.client("rds").create_db_instance(
        DBInstanceIdentifier=f"postings-{environment}-mysql",
        Engine="mysql",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="password-1234",
        Tags=tags(environment),
    )
    if broker:
        session.client("mq").create_broker(
            BrokerName=f"postings-{environment}-rabbitmq",
            EngineType="RABBITMQ",
            EngineVersion="3.13",
            HostInstanceType="mq.t3.micro",
            DeploymentMode="SINGLE_INSTANCE",
            PubliclyAccessible=False,
            AutoMinorVersionUpgrade=True,
            Users=[{"Username": "postings", "Password": "password-123456"}],
            Tags={t["Key"]: t["Value"] for t in tags(environment)},
        )
    session.client("opensearch").create_domain(
        DomainName=f"postings-{environment}-search",
        EngineVersion="OpenSearch_2.19",
        TagList=tags(environment),
    )


@pytest.fixture
def session() -> Iterator[boto3.Session]:
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def test_tags_single_out_the_environment(session: boto3.Session) -> None:
    deploy(session, "dev")
    deploy(session, "staging")
    assert from_tags(session, "staging", REGION) == Target(
        environment="staging",
        region=REGION,
        database="postings-staging-mysql",
        broker="postings-staging-rabbitmq",
        search_domain="postings-staging-search",
        service_url="",
        found_by="tags",
    )


def test_a_missing_resource_says_what_to_do(session: boto3.Session) -> None:
    deploy(session, "staging", broker=False)
    with pytest.raises(StackNotFound) as caught:
        from_tags(session, "staging", REGION)
    assert str(caught.value) == (
        "no Amazon MQ broker tagged Project=postings, Environment=staging in this account and region: "
        "deploy the stack (`pulumi up -s staging`), or check AWS_PROFILE and --region"
    )


def test_outputs_must_name_what_the_checks_need() -> None:
    with pytest.raises(StackNotFound, match=r"the stack outputs lack brokerName, searchDomainName: "):
        from_outputs("dev", REGION, {"databaseIdentifier": "postings-dev-mysql"})


def test_verify_finds_by_tags_without_the_pulumi_cli(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy(session, "staging")
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    report = verify_deployed("staging", REGION, None, None)
    assert report.target.found_by == "tags"
    assert [(r.check, r.status) for r in report.rows] == [
        ("database", Status.OK),
        ("queues", Status.OK),
        ("search", Status.OK),
        ("alarms", Status.OK),
    ]
    assert "stack outputs unavailable (the Pulumi CLI is not on PATH)" in capsys.readouterr().err


def test_verify_reads_an_outputs_file_and_fails_on_critical(session: boto3.Session, tmp_path: Path) -> None:
    deploy(session, "prod")
    outputs = tmp_path / "outputs.json"
    outputs.write_text(
        json.dumps(
            {
                "databaseIdentifier": "postings-prod-mysql",
                "brokerName": "postings-prod-rabbitmq",
                "searchDomainName": "postings-prod-search",
            }
        )
    )
    session.client("rds").stop_db_instance(DBInstanceIdentifier="postings-prod-mysql")
    report = verify_deployed("prod", REGION, None, outputs)
    assert report.target.found_by == "stack outputs"
    assert [r.status for r in report.rows] == [Status.CRITICAL, Status.OK, Status.OK, Status.OK]
    assert report.exit_code == 2
