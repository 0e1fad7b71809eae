"""Metrics: the AMP workspace, the collector sidecar and its config, the task role's write access."""

from __future__ import annotations

import json
from typing import Any

import yaml

from infra.components.observability import COLLECTOR_IMAGE, PROCESS_METRICS_PORT, collector_config
from tests.infra.program import run

TASK = "aws:ecs/taskDefinition:TaskDefinition"


def collector(stack: str, role: str = "api") -> dict[str, Any]:
    task = run(stack).one(TASK, f"postings-{stack}-{role}-task")
    definitions = json.loads(task.inputs["containerDefinitions"])
    sidecar: dict[str, Any] = definitions[1]
    return sidecar


def test_the_api_and_the_worker_run_the_collector_beside_them() -> None:
    for role in ("api", "worker"):
        sidecar = collector("dev", role)
        assert sidecar["name"] == f"postings-dev-{role}-collector"
        assert sidecar["image"] == COLLECTOR_IMAGE
        assert sidecar["essential"] is False
        assert sidecar["command"] == ["--config=env:AOT_CONFIG_CONTENT"]
        assert sidecar["readonlyRootFilesystem"] is True
        prefix = sidecar["logConfiguration"]["options"]["awslogs-stream-prefix"]
        assert prefix == f"postings-dev-{role}-collector"


def test_the_workers_collector_scrapes_its_process_metrics_port_under_its_own_job() -> None:
    (variable,) = collector("dev", "worker")["environment"]
    scrape = yaml.safe_load(variable["value"])["receivers"]["prometheus"]["config"]["scrape_configs"][0]
    assert scrape["job_name"] == "postings-worker"
    assert scrape["static_configs"] == [
        {"targets": [f"127.0.0.1:{PROCESS_METRICS_PORT}"], "labels": {"environment": "dev"}}
    ]


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


def test_each_task_role_may_write_metrics_to_this_environments_workspace_only() -> None:
    result = run("dev")
    workspace = result.one("aws:amp/workspace:Workspace", "postings-dev-prometheus").state["arn"]
    log_group = result.one("aws:cloudwatch/logGroup:LogGroup", "postings-dev-service-metrics").state["arn"]
    for role in ("api", "worker"):
        policy = json.loads(
            result.one("aws:iam/rolePolicy:RolePolicy", f"postings-dev-{role}-task-metrics").inputs["policy"]
        )
        assert policy["Statement"] == [
            {"Effect": "Allow", "Action": ["aps:RemoteWrite"], "Resource": [workspace]},
            {
                "Effect": "Allow",
                "Action": ["logs:PutLogEvents", "logs:CreateLogStream", "logs:DescribeLogStreams"],
                "Resource": [log_group, f"{log_group}:*"],
            },
        ], role


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
