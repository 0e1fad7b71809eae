"""Metrics: the AMP workspace, the collector sidecar and its config, the task role's write access."""

from __future__ import annotations

import json
from typing import Any

import yaml

from infra.components.observability import COLLECTOR_IMAGE, PROCESS_METRICS_PORT, collector_config
from tests.infra.program import run

TASK = "aws:ecs/taskDefinition:TaskDefinition"


def collector(stack: str) -> dict[str, Any]:
    task = run(stack).one(TASK, f"postings-{stack}-api-task")
    definitions = json.loads(task.inputs["containerDefinitions"])
    sidecar: dict[str, Any] = definitions[1]
    return sidecar


def test_the_api_runs_the_collector_beside_it_and_the_worker_does_not() -> None:
    sidecar = collector("dev")
    assert sidecar["name"] == "postings-dev-api-collector"
    assert sidecar["image"] == COLLECTOR_IMAGE
    assert sidecar["essential"] is False
    assert sidecar["command"] == ["--config=env:AOT_CONFIG_CONTENT"]
    assert sidecar["readonlyRootFilesystem"] is True
    assert sidecar["logConfiguration"]["options"]["awslogs-stream-prefix"] == "postings-dev-api-collector"
    worker = json.loads(run("dev").one(TASK, "postings-dev-worker-task").inputs["containerDefinitions"])
    assert [c["name"] for c in worker] == ["postings-dev-worker"]


def test_the_collector_scrapes_the_app_and_writes_to_this_environments_workspace() -> None:
    result = run("prod")
    workspace = result.one("aws:amp/workspace:Workspace", "postings-prod-prometheus")
    assert workspace.inputs["alias"] == "postings-prod"
    log_group = result.one("aws:cloudwatch/logGroup:LogGroup", "postings-prod-service-metrics")
    assert log_group.inputs["retentionInDays"] == 365
    (variable,) = collector("prod")["environment"]
    config = yaml.safe_load(variable["value"])
    scrape = config["receivers"]["prometheus"]["config"]["scrape_configs"][0]
    assert scrape["static_configs"] == [{"targets": ["127.0.0.1:8000"], "labels": {"environment": "prod"}}]
    assert scrape["metrics_path"] == "/metrics"
    endpoint = f"https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/{workspace.id}/"
    assert config["exporters"]["prometheusremotewrite"]["endpoint"] == f"{endpoint}api/v1/remote_write"
    assert result.outputs["prometheusEndpoint"] == endpoint
    emf = config["exporters"]["awsemf"]
    assert (emf["namespace"], emf["log_group_name"]) == ("Postings/Service", log_group.state["name"])
    (declaration,) = emf["metric_declarations"]
    assert declaration["metric_name_selectors"] == [
        "postings_consumer_lag_messages",
        "postings_outbox_oldest_age_seconds",
        "postings_outbox_publish_failures_total",
        "postings_worker_messages_total",
    ]
    # What the alarms query (the worker-dead-lettered alarm's outcome among them), never the task.
    assert declaration["dimensions"] == [
        ["Environment"],
        ["Environment", "queue"],
        ["Environment", "outcome"],
    ]
    pipelines = config["service"]["pipelines"]
    assert pipelines["metrics/amp"]["exporters"] == ["prometheusremotewrite"]
    assert pipelines["metrics/cloudwatch"]["exporters"] == ["awsemf"]


def test_only_the_api_task_role_may_write_metrics_and_only_there() -> None:
    result = run("dev")
    workspace = result.one("aws:amp/workspace:Workspace", "postings-dev-prometheus").state["arn"]
    log_group = result.one("aws:cloudwatch/logGroup:LogGroup", "postings-dev-service-metrics").state["arn"]
    policy = json.loads(
        result.one("aws:iam/rolePolicy:RolePolicy", "postings-dev-api-task-metrics").inputs["policy"]
    )
    assert policy["Statement"] == [
        {"Effect": "Allow", "Action": ["aps:RemoteWrite"], "Resource": [workspace]},
        {
            "Effect": "Allow",
            "Action": ["logs:PutLogEvents", "logs:CreateLogStream", "logs:DescribeLogStreams"],
            "Resource": [log_group, f"{log_group}:*"],
        },
    ]
    names = {r.name for r in result.by_type("aws:iam/rolePolicy:RolePolicy")}
    assert "postings-dev-worker-task-metrics" not in names


def test_collector_config_is_valid_yaml_with_both_pipelines() -> None:
    text = collector_config(
        environment="dev",
        region="eu-west-1",
        app_port=8000,
        remote_write_url="https://amp/w",
        emf_log_group="g",
    )
    config = yaml.safe_load(text)
    assert sorted(config["service"]["pipelines"]) == ["metrics/amp", "metrics/cloudwatch"]
    assert config["extensions"]["sigv4auth"] == {"region": "eu-west-1", "service": "aps"}
    assert config["processors"]["resource/emf"]["attributes"] == [
        {"key": "Environment", "value": "dev", "action": "upsert"}
    ]


def test_a_worker_tasks_collector_scrapes_the_process_metrics_port_under_its_own_job() -> None:
    config = yaml.safe_load(
        collector_config(
            environment="prod",
            region="eu-west-1",
            app_port=PROCESS_METRICS_PORT,
            remote_write_url="https://amp/w",
            emf_log_group="g",
            job="postings-worker",
        )
    )
    (scrape,) = config["receivers"]["prometheus"]["config"]["scrape_configs"]
    assert scrape["job_name"] == "postings-worker"
    assert scrape["static_configs"] == [{"targets": ["127.0.0.1:9464"], "labels": {"environment": "prod"}}]


def test_the_process_metrics_port_is_the_services_default() -> None:
    # infra does not import the service package; this keeps the two statements of the port together.
    from postings.settings import Settings

    assert Settings.model_fields["metrics_port"].default == PROCESS_METRICS_PORT
