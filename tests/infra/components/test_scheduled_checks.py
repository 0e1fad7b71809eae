"""Scheduled checks: a schedule starting the checks task, least-privilege roles, an alarm per check."""

from __future__ import annotations

import json

import pytest

from infra.components.scheduled_checks import check_settings, task_family_arn
from tests.infra.program import run, subnet_ids

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def test_the_schedule_runs_the_checks_task_in_the_app_subnets() -> None:
    result = run("dev")
    schedule = result.one("aws:scheduler/schedule:Schedule", "postings-dev-checks-schedule").inputs
    task = result.one("aws:ecs/taskDefinition:TaskDefinition", "postings-dev-checks-task")
    assert schedule["name"] == "postings-dev-checks"
    assert schedule["scheduleExpression"] == "rate(5 minutes)"
    assert schedule["flexibleTimeWindow"] == {"mode": "OFF"}
    target = schedule["target"]
    assert target["arn"] == result.one("aws:ecs/cluster:Cluster", "postings-dev-cluster").state["arn"]
    assert target["ecsParameters"]["taskDefinitionArn"] == task.state["arn"]
    assert target["ecsParameters"]["launchType"] == "FARGATE"
    network = target["ecsParameters"]["networkConfiguration"]
    assert sorted(network["subnets"]) == subnet_ids(result, "app")
    assert network["assignPublicIp"] is False
    worker_group = result.one("aws:ec2/securityGroup:SecurityGroup", "postings-dev-worker").id
    assert network["securityGroups"] == [worker_group]
    assert (
        target["roleArn"]
        == result.one("aws:iam/role:Role", "postings-dev-checks-scheduler-role").state["arn"]
    )


def test_the_task_runs_the_checks_image_with_the_environments_names() -> None:
    task = run("staging").one("aws:ecs/taskDefinition:TaskDefinition", "postings-staging-checks-task")
    (container,) = json.loads(task.inputs["containerDefinitions"])
    assert container["image"] == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/postings-staging:checks-0.1.0"
    assert container["command"] == ["python", "-m", "monitoring.checks.scheduled"]
    assert {e["name"]: e["value"] for e in container["environment"]} == {
        "AWS_REGION": "eu-west-1",
        "CHECK_ALARM_PREFIX": "postings-staging-",
        "CHECK_BROKER": "postings-staging-rabbitmq",
        "CHECK_DATABASE_INSTANCE": "postings-staging-mysql",
        "CHECK_ENVIRONMENT": "staging",
        "CHECK_SEARCH_DOMAIN": "postings-staging-search",
        "CHECK_SERVICE_URL": "https://jobs.staging.example.com",
    }


def test_http_checks_only_over_https() -> None:
    names = {
        "environment": "prod",
        "region": "eu-west-1",
        "database": "d",
        "broker": "b",
        "search_domain": "s",
        "alarm_prefix": "p-",
    }
    assert check_settings(service_url="https://jobs.example.com", **names)["CHECK_SERVICE_URL"] == (
        "https://jobs.example.com"
    )
    assert check_settings(service_url="http://alb.example.com", **names)["CHECK_SERVICE_URL"] == ""


def test_roles_may_do_only_what_the_schedule_needs() -> None:
    result = run("dev")
    task = result.one("aws:ecs/taskDefinition:TaskDefinition", "postings-dev-checks-task")
    run_policy = json.loads(
        result.one("aws:iam/rolePolicy:RolePolicy", "postings-dev-checks-scheduler-run").inputs["policy"]
    )
    roles = [
        result.one("aws:iam/role:Role", f"postings-dev-checks-{r}-role").state["arn"]
        for r in ("execution", "task")
    ]
    family = task.state["arn"]  # the mocks' ARN has no revision to strip; see the test below
    assert run_policy["Statement"] == [
        {"Effect": "Allow", "Action": ["ecs:RunTask"], "Resource": [f"{family}:*"]},
        {"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": roles},
    ]
    read = json.loads(
        result.one("aws:iam/rolePolicy:RolePolicy", "postings-dev-checks-task-read").inputs["policy"]
    )
    put = read["Statement"][1]
    assert put["Action"] == ["cloudwatch:PutMetricData"]
    assert put["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Postings/Checks"}}
    assert all(
        a.split(":")[1].startswith(("Describe", "List", "Get")) for a in read["Statement"][0]["Action"]
    )


@pytest.mark.parametrize("check", ["http", "ready", "database", "queues", "search"])
def test_a_critical_check_raises_its_alarm(check: str) -> None:
    result = run("dev")
    topic = result.one("aws:sns/topic:Topic", "postings-dev-alerts").state["arn"]
    alarm = result.one(ALARM, f"postings-dev-check-{check}-critical").inputs
    assert {k: v for k, v in alarm.items() if k != "alarmDescription"} == {
        "name": f"postings-dev-check-{check}-critical",
        "namespace": "Postings/Checks",
        "metricName": "CheckStatus",
        "dimensions": {"Environment": "dev", "Check": check},
        "statistic": "Maximum",
        "period": 300.0,
        "evaluationPeriods": 2.0,
        "datapointsToAlarm": 2.0,
        "comparisonOperator": "GreaterThanOrEqualToThreshold",
        "threshold": 2.0,
        "treatMissingData": "missing",
        "alarmActions": [topic],
        "okActions": [topic],
        "tags": {"Check": check, "Severity": "critical"},
    }


def test_run_task_is_allowed_on_every_revision_of_the_family() -> None:
    arn = "arn:aws:ecs:eu-west-1:1:task-definition/postings-dev-checks"
    assert task_family_arn(f"{arn}:12") == f"{arn}:*"
    assert task_family_arn(arn) == f"{arn}:*"
