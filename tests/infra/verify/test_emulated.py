"""`infra verify --emulated`: passes on a fresh rehearsal of prod, fails when moto holds a broken resource."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.cli import main
from infra.ops.stack import PROJECT_ROOT
from infra.rehearsal.rehearse import Rehearsal, rehearse
from infra.verify.discover import from_outputs
from infra.verify.run import Report, verify
from monitoring.checks.plugin import Status


@pytest.fixture(scope="module")
def prod() -> Iterator[Rehearsal]:
    with rehearse(PROJECT_ROOT, "prod") as rehearsal:
        yield rehearsal


def check(rehearsal: Rehearsal) -> Report:
    target = from_outputs("prod", rehearsal.account.region, rehearsal.result.outputs)
    return verify(target, rehearsal.session, http=False)


def statuses(report: Report) -> dict[str, Status]:
    return {row.check: row.status for row in report.rows}


def test_cli_passes_on_a_fresh_rehearsal_of_prod(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--emulated", "prod"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["CHECK", "STATUS", "OUTPUT"]
    assert [line.split()[:2] for line in lines[1:-1]] == [
        ["database", "OK"],
        ["queues", "OK"],
        ["search", "OK"],
        ["alarms", "OK"],
    ]
    assert lines[1].endswith(
        "POSTINGS_DATABASE OK - postings-prod-mysql available, free_storage no data, "
        "cpu no data, connections no data"
    )
    assert lines[-1] == "prod (eu-west-1, found by stack outputs): OK"


def test_the_target_is_what_the_stack_exported(prod: Rehearsal) -> None:
    target = from_outputs("prod", "eu-west-1", prod.result.outputs)
    assert (target.database, target.broker, target.search_domain, target.alarm_prefix) == (
        "postings-prod-mysql",
        "postings-prod-rabbitmq",
        "postings-prod-search",
        "postings-prod-",
    )
    report = check(prod)
    expected = dict.fromkeys(["database", "queues", "search", "alarms"], Status.OK)
    assert statuses(report) == expected, report.table()  # a check's own line says why it is not OK
    assert report.exit_code == 0


def test_a_stopped_database_fails_verification(prod: Rehearsal) -> None:
    rds = prod.session.client("rds")
    rds.stop_db_instance(DBInstanceIdentifier="postings-prod-mysql")
    try:
        report = check(prod)
    finally:
        rds.start_db_instance(DBInstanceIdentifier="postings-prod-mysql")
    assert statuses(report)["database"] is Status.CRITICAL
    assert report.rows[0].output.startswith("POSTINGS_DATABASE CRITICAL - postings-prod-mysql is stopped")
    assert report.exit_code == 2
    assert report.table().splitlines()[-1] == "prod (eu-west-1, found by stack outputs): CRITICAL"


def test_an_alarm_in_alarm_fails_verification(prod: Rehearsal) -> None:
    cloudwatch = prod.session.client("cloudwatch")
    name = "postings-prod-opensearch-cluster-status-critical"
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="red in the test")
    try:
        report = check(prod)
    finally:
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="test over")
    assert statuses(report) == {
        **dict.fromkeys(["database", "queues", "search"], Status.OK),
        "alarms": Status.CRITICAL,
    }
    assert report.rows[-1].output.startswith(
        f"CLOUDWATCH_ALARMS CRITICAL - 1 critical, 0 warning in ALARM: {name}"
    )
    assert report.exit_code == 2


def test_a_red_search_domain_fails_verification(prod: Rehearsal) -> None:
    import datetime as dt

    account = prod.account.account_id
    prod.session.client("cloudwatch").put_metric_data(
        Namespace="AWS/ES",
        MetricData=[
            {
                "MetricName": "ClusterStatus.red",
                "Dimensions": [
                    {"Name": "DomainName", "Value": "postings-prod-search"},
                    {"Name": "ClientId", "Value": account},
                ],
                "Timestamp": dt.datetime.now(dt.UTC),
                "Value": 1,
            }
        ],
    )
    report = check(prod)
    assert statuses(report)["search"] is Status.CRITICAL
    assert report.exit_code == 2
