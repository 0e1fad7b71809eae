"""The scheduled run: the plan from the task's settings, and one CheckStatus datapoint per check."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from moto import mock_aws

from monitoring.checks import check_postings_database, check_postings_http, scheduled
from monitoring.checks.plugin import Result, Status

SETTINGS = {
    "CHECK_ENVIRONMENT": "dev",
    "CHECK_SERVICE_URL": "https://jobs.example.com/",
    "CHECK_DATABASE_INSTANCE": "postings-dev-mysql",
    "CHECK_BROKER": "postings-dev-rabbitmq",
    "CHECK_SEARCH_DOMAIN": "postings-dev-search",
    "CHECK_ALARM_PREFIX": "postings-dev-",
    "AWS_REGION": "eu-west-1",
}


def test_plan_names_every_check_with_its_command_line() -> None:
    planned = scheduled.plan(SETTINGS)
    assert [(p.name, p.argv) for p in planned] == [
        ("http", ("-u", "https://jobs.example.com/healthz", "-s", "ok")),
        ("ready", ("-u", "https://jobs.example.com/")),
        ("database", ("-i", "postings-dev-mysql", "--region", "eu-west-1")),
        ("queues", ("-b", "postings-dev-rabbitmq", "--region", "eu-west-1")),
        ("search", ("-d", "postings-dev-search", "--region", "eu-west-1")),
        ("alarms", ("-p", "postings-dev-", "--region", "eu-west-1")),
    ]
    without_url = scheduled.plan({**SETTINGS, "CHECK_SERVICE_URL": ""})
    assert [p.name for p in without_url] == ["database", "queues", "search", "alarms"]
    assert [p.name for p in scheduled.plan(SETTINGS, http=False)] == [
        "database",
        "queues",
        "search",
        "alarms",
    ]


def test_every_planned_check_parses_its_command_line() -> None:
    for planned in scheduled.plan(SETTINGS):
        options = planned.module.build().parse_args(list(planned.argv))
        assert options.timeout == 10, planned.name


@pytest.mark.parametrize("status", list(Status))
def test_publish_one_datapoint_per_check_with_its_status(status: Status) -> None:
    with mock_aws():
        cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
        results = [
            (scheduled.Planned("http", check_postings_http, ()), Result(Status.OK, "fine")),
            (scheduled.Planned("database", check_postings_database, ()), Result(status, "x")),
        ]
        scheduled.publish(cloudwatch, "dev", results)
        now = dt.datetime.now(dt.UTC)
        values = {}
        for check in ("http", "database"):
            answer = cloudwatch.get_metric_statistics(
                Namespace="Postings/Checks",
                MetricName="CheckStatus",
                Dimensions=[{"Name": "Environment", "Value": "dev"}, {"Name": "Check", "Value": check}],
                StartTime=now - dt.timedelta(minutes=5),
                EndTime=now + dt.timedelta(minutes=1),
                Period=60,
                Statistics=["Maximum"],
            )
            values[check] = [p["Maximum"] for p in answer["Datapoints"]]
    assert values == {"http": [0.0], "database": [float(status)]}
