"""The AWS checks through moto: OK, WARNING, CRITICAL and UNKNOWN for database, queues, search, alarms."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from monitoring.checks import (
    aws,
    check_cloudwatch_alarms,
    check_postings_database,
    check_postings_queues,
    check_postings_search,
)
from monitoring.checks.plugin import Result, Status, execute
from monitoring.thresholds import GIB

REGION = "eu-west-1"
DB = "postings-dev-mysql"
BROKER = "postings-dev-rabbitmq"
DOMAIN = "postings-dev-search"
QUEUE = {"Broker": BROKER, "VirtualHost": "/", "Queue": "postings.search-indexer"}


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    """A moto account holding the dev environment's database, broker and search domain."""
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        session.client("rds").create_db_instance(
            DBInstanceIdentifier=DB,
            Engine="mysql",
            DBInstanceClass="db.t4g.micro",
            AllocatedStorage=20,
            MasterUsername="admin",
            MasterUserPassword="password-1234",
        )
        session.client("mq").create_broker(
            BrokerName=BROKER,
            EngineType="RABBITMQ",
            EngineVersion="3.13",
            HostInstanceType="mq.t3.micro",
            DeploymentMode="SINGLE_INSTANCE",
            PubliclyAccessible=False,
            AutoMinorVersionUpgrade=True,
            Users=[{"Username": "postings", "Password": "password-123456"}],
        )
        session.client("opensearch").create_domain(DomainName=DOMAIN, EngineVersion="OpenSearch_2.19")
        monkeypatch.setattr(aws, "session_factory", lambda _options: session)
        yield session


def put(session: boto3.Session, namespace: str, name: str, dims: dict[str, str], value: float) -> None:
    session.client("cloudwatch").put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                "Timestamp": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1),
                "Value": value,
            }
        ],
    )


def run(module: Any, *argv: str) -> Result:
    check: Callable[[argparse.Namespace], Result] = module.check
    return execute(module.build, check, [*argv, "--region", REGION])


def test_database_ok_warning_critical(account: boto3.Session) -> None:
    ok = run(check_postings_database, "-i", DB)
    assert (ok.status, ok.message) == (
        Status.OK,
        f"{DB} available, free_storage no data, cpu no data, connections no data",
    )
    put(account, "AWS/RDS", "FreeStorageSpace", {"DBInstanceIdentifier": DB}, 3 * GIB)
    put(account, "AWS/RDS", "CPUUtilization", {"DBInstanceIdentifier": DB}, 12.5)
    warning = run(check_postings_database, "-i", DB)
    assert warning.status is Status.WARNING, warning.message
    assert warning.message == (
        f"free_storage 3221225472 Bytes (WARNING, min {5 * GIB}:), {DB} available, "
        "cpu 12.5%, connections no data"
    )
    assert [str(p) for p in warning.perfdata] == [
        f"free_storage=3221225472B;{5 * GIB}:;{2 * GIB}:;0",
        "cpu=12.5%;80;95;0",
    ]
    account.client("rds").stop_db_instance(DBInstanceIdentifier=DB)
    critical = run(check_postings_database, "-i", DB)
    assert critical.status is Status.CRITICAL
    assert critical.message.startswith(f"{DB} is stopped, free_storage 3221225472 Bytes (WARNING")
    missing = run(check_postings_database, "-i", "postings-dev-nothing")
    assert (missing.status, missing.message) == (
        Status.CRITICAL,
        "DB instance postings-dev-nothing does not exist",
    )


def test_database_thresholds_come_from_the_command_line(account: boto3.Session) -> None:
    put(account, "AWS/RDS", "FreeStorageSpace", {"DBInstanceIdentifier": DB}, 3 * GIB)
    result = run(check_postings_database, "-i", DB, "-w", f"{GIB}:", "-c", "100:")
    assert result.status is Status.OK, result.message
    assert str(result.perfdata[0]) == f"free_storage=3221225472B;{GIB}:;100:;0"


def test_queues_ok_warning_critical(account: boto3.Session) -> None:
    ok = run(check_postings_queues, "-b", BROKER)
    assert (ok.status, ok.message) == (
        Status.OK,
        f"{BROKER} RUNNING, depth no data, without_consumers no data",
    )
    put(account, "AWS/AmazonMQ", "MessageCount", QUEUE, 2500)
    put(account, "AWS/AmazonMQ", "MessageReadyCount", QUEUE, 2400)
    put(account, "AWS/AmazonMQ", "ConsumerCount", QUEUE, 2)
    warning = run(check_postings_queues, "-b", BROKER)
    assert warning.status is Status.WARNING, warning.message
    assert [str(p) for p in warning.perfdata] == ["depth=2500;1000;10000;0", "without_consumers=0;0;100;0"]
    put(account, "AWS/AmazonMQ", "ConsumerCount", QUEUE, 0)
    critical = run(check_postings_queues, "-b", BROKER)
    assert critical.status is Status.CRITICAL, critical.message
    assert critical.message == (
        "without_consumers 2400 count (CRITICAL, max 100), depth 2500 count (WARNING, max 1000), "
        f"{BROKER} RUNNING"
    )
    gone = run(check_postings_queues, "-b", "postings-dev-other")
    assert (gone.status, gone.message) == (Status.CRITICAL, "broker postings-dev-other does not exist")


def test_search_ok_warning_critical(account: boto3.Session) -> None:
    dims = {"DomainName": DOMAIN, "ClientId": "123456789012"}
    ok = run(check_postings_search, "-d", DOMAIN)
    assert ok.status is Status.OK, ok.message
    assert ok.message.startswith(f"{DOMAIN} ")
    put(account, "AWS/ES", "ClusterStatus.yellow", dims, 1)
    put(account, "AWS/ES", "ClusterStatus.red", dims, 0)
    warning = run(check_postings_search, "-d", DOMAIN)
    assert warning.status is Status.WARNING, warning.message
    assert str(warning.perfdata[0]) == "health=1;0;1;0"
    put(account, "AWS/ES", "ClusterStatus.red", dims, 1)
    critical = run(check_postings_search, "-d", DOMAIN)
    assert critical.status is Status.CRITICAL, critical.message
    assert critical.message.startswith("health 2 status (CRITICAL, max 1)")
    gone = run(check_postings_search, "-d", "postings-dev-none")
    assert (gone.status, gone.message) == (Status.CRITICAL, "domain postings-dev-none does not exist")


def alarm(session: boto3.Session, name: str) -> None:
    session.client("cloudwatch").put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/RDS",
        MetricName="CPUUtilization",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=80,
        ComparisonOperator="GreaterThanThreshold",
    )


def test_alarms_ok_warning_critical(account: boto3.Session) -> None:
    for name in ("postings-dev-rds-cpu-warning", "postings-dev-rds-cpu-critical", "other-team-critical"):
        alarm(account, name)
    cloudwatch = account.client("cloudwatch")
    cloudwatch.set_alarm_state(AlarmName="other-team-critical", StateValue="ALARM", StateReason="test")
    ok = run(check_cloudwatch_alarms, "-p", "postings-dev-")
    assert (ok.status, ok.message) == (Status.OK, "no alarm named postings-dev-* in ALARM")
    assert [str(p) for p in ok.perfdata] == ["critical_alarms=0;;0;0", "warning_alarms=0;0;;0"]
    cloudwatch.set_alarm_state(AlarmName="postings-dev-rds-cpu-warning", StateValue="ALARM", StateReason="t")
    warning = run(check_cloudwatch_alarms, "-p", "postings-dev-")
    assert (warning.status, warning.message) == (
        Status.WARNING,
        "0 critical, 1 warning in ALARM: postings-dev-rds-cpu-warning",
    )
    cloudwatch.set_alarm_state(AlarmName="postings-dev-rds-cpu-critical", StateValue="ALARM", StateReason="t")
    critical = run(check_cloudwatch_alarms, "-p", "postings-dev-")
    assert (critical.status, critical.message) == (
        Status.CRITICAL,
        "1 critical, 1 warning in ALARM: postings-dev-rds-cpu-critical, postings-dev-rds-cpu-warning",
    )
    tolerant = run(check_cloudwatch_alarms, "-p", "postings-dev-", "-c", "1", "-w", "1")
    assert tolerant.status is Status.OK


CHECKS = [
    (check_postings_database, ["-i", DB]),
    (check_postings_queues, ["-b", BROKER]),
    (check_postings_search, ["-d", DOMAIN]),
    (check_cloudwatch_alarms, ["-p", "postings-dev-"]),
]


@pytest.mark.parametrize(("module", "argv"), CHECKS, ids=lambda v: getattr(v, "NAME", ""))
def test_no_credentials_is_unknown(
    module: Any, argv: list[str], account: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def without_credentials(_options: argparse.Namespace) -> boto3.Session:
        session = boto3.Session(region_name=REGION)
        session._session.get_component("credential_provider").providers = []
        return session

    monkeypatch.setattr(aws, "session_factory", without_credentials)
    result = run(module, *argv)
    assert (result.status, result.message) == (
        Status.UNKNOWN,
        "no AWS credentials: set AWS_PROFILE, or run where a role is attached",
    )


@pytest.mark.parametrize(("module", "argv"), CHECKS, ids=lambda v: getattr(v, "NAME", ""))
def test_refused_credentials_are_unknown(
    module: Any, argv: list[str], account: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    bogus = boto3.Session(aws_access_key_id="AKIABOGUS", aws_secret_access_key="wrong", region_name=REGION)
    monkeypatch.setattr(aws, "session_factory", lambda _options: bogus)
    result = set_initial_no_auth_action_count(0)(lambda: run(module, *argv))()
    assert result.status is Status.UNKNOWN, result.message
    assert result.message.startswith("AWS refused the credentials ("), result.message
    assert "InvalidClientTokenId" in result.message, result.message
