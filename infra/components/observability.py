"""Where the service's own metrics go: an Amazon Managed Prometheus workspace, and CloudWatch (via EMF)
for the service signals that alarm; plus the ADOT collector config a task's sidecar runs."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from monitoring.thresholds import SERVICE_NAMESPACE, SIGNALS, Scope

# The AWS Distro for OpenTelemetry collector (AWS publishes it on Docker Hub and ECR Public), pinned;
# it reads its config from AOT_CONFIG_CONTENT.
COLLECTOR_IMAGE = "amazon/aws-otel-collector:v0.43.3"
COLLECTOR_CONFIG_ENV = "AOT_CONFIG_CONTENT"
COLLECTOR_USER = "10001"  # the unprivileged `aoc` user the collector image runs as
SCRAPE_INTERVAL = "30s"
# Where `postings worker` and `postings relay` serve their metrics (POSTINGS_METRICS_PORT's default).
PROCESS_METRICS_PORT = 9464
REMOTE_WRITE_ACTIONS = ["aps:RemoteWrite"]
EMF_LOG_ACTIONS = ["logs:PutLogEvents", "logs:CreateLogStream", "logs:DescribeLogStreams"]


def emf_metric_names() -> list[str]:
    """The service metrics CloudWatch alarms on (SERVICE scope signals), shipped as EMF."""
    return sorted(
        metric.name
        for signal in SIGNALS.values()
        if signal.scope is Scope.SERVICE
        for metric in signal.metrics.values()
    )


def emf_dimension_sets() -> list[list[str]]:
    """The dimension sets the alarms query: Environment, plus each signal's fixed dimensions (queue,
    outcome). Every other label, the task's included, is left out, so CloudWatch aggregates over tasks."""
    sets = [["Environment"]]
    for signal in SIGNALS.values():
        if signal.scope is not Scope.SERVICE:
            continue
        for metric in signal.metrics.values():
            dimensions = ["Environment", *sorted(key for key, _ in metric.extra_dimensions)]
            if dimensions not in sets:
                sets.append(dimensions)
    return sets


def collector_config(
    *,
    environment: str,
    region: str,
    app_port: int,
    remote_write_url: str,
    emf_log_group: str,
    job: str = "postings",
) -> str:
    """ADOT collector config: scrape the app container's /metrics over localhost (the api's port, or
    PROCESS_METRICS_PORT for a worker or relay task, with its own `job`), label every series with the
    environment, remote-write everything to AMP (SigV4 with the task role), and send the alarmed
    service metrics to CloudWatch as EMF in SERVICE_NAMESPACE with the dimensions the alarms use. The
    series already carry `task` (the app reads its ECS task id), since every task's collector scrapes
    127.0.0.1 and its `instance` label cannot tell tasks apart."""
    emf_names = emf_metric_names()
    config = {
        "extensions": {"sigv4auth": {"region": region, "service": "aps"}, "health_check": {}},
        "receivers": {
            "prometheus": {
                "config": {
                    "global": {"scrape_interval": SCRAPE_INTERVAL},
                    "scrape_configs": [
                        {
                            "job_name": job,
                            "metrics_path": "/metrics",
                            "static_configs": [
                                {"targets": [f"127.0.0.1:{app_port}"], "labels": {"environment": environment}}
                            ],
                        }
                    ],
                }
            }
        },
        "processors": {
            "batch": {"timeout": "30s"},
            "filter/emf": {"metrics": {"include": {"match_type": "strict", "metric_names": emf_names}}},
            "resource/emf": {
                "attributes": [{"key": "Environment", "value": environment, "action": "upsert"}]
            },
        },
        "exporters": {
            "prometheusremotewrite": {"endpoint": remote_write_url, "auth": {"authenticator": "sigv4auth"}},
            "awsemf": {
                "namespace": SERVICE_NAMESPACE,
                "region": region,
                "log_group_name": emf_log_group,
                "log_stream_name": "{TaskId}",
                "resource_to_telemetry_conversion": {"enabled": True},
                "dimension_rollup_option": "NoDimensionRollup",
                "metric_declarations": [
                    {
                        "dimensions": emf_dimension_sets(),
                        "metric_name_selectors": emf_names,
                    }
                ],
            },
        },
        "service": {
            "extensions": ["sigv4auth", "health_check"],
            "pipelines": {
                "metrics/amp": {
                    "receivers": ["prometheus"],
                    "processors": ["batch"],
                    "exporters": ["prometheusremotewrite"],
                },
                "metrics/cloudwatch": {
                    "receivers": ["prometheus"],
                    "processors": ["filter/emf", "resource/emf", "batch"],
                    "exporters": ["awsemf"],
                },
            },
        },
    }
    # YAML is a superset of JSON: the collector reads this as its YAML config.
    return json.dumps(config, sort_keys=True)


def prometheus_endpoint(region: str, workspace_id: str) -> str:
    return f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{workspace_id}/"


@dataclass(frozen=True, kw_only=True)
class MetricsStoreArgs:
    region: str
    """Region of the workspace (its endpoint's host)."""
    log_retention_days: int
    """Retention of the EMF log group the collector writes the alarmed service metrics to."""


class MetricsStore(pulumi.ComponentResource):
    """An AMP workspace for every service metric, and the log group CloudWatch extracts EMF metrics from."""

    workspace_arn: pulumi.Output[str]
    workspace_id: pulumi.Output[str]
    prometheus_endpoint: pulumi.Output[str]
    remote_write_url: pulumi.Output[str]
    emf_log_group_name: pulumi.Output[str]
    emf_log_group_arn: pulumi.Output[str]

    def __init__(self, name: str, args: MetricsStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:MetricsStore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        workspace = aws.amp.Workspace(f"{name}-prometheus", alias=name, opts=child)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-service-metrics", retention_in_days=args.log_retention_days, opts=child
        )
        self.workspace_arn = workspace.arn
        self.workspace_id = workspace.id
        # AMP's documented endpoint shape, from the id (what the provider reports as prometheusEndpoint).
        self.prometheus_endpoint = workspace.id.apply(lambda i: prometheus_endpoint(args.region, i))
        self.remote_write_url = self.prometheus_endpoint.apply(
            lambda endpoint: f"{endpoint}api/v1/remote_write"
        )
        self.emf_log_group_name = log_group.name
        self.emf_log_group_arn = log_group.arn
        self.register_outputs(
            {
                "workspace_arn": self.workspace_arn,
                "workspace_id": self.workspace_id,
                "prometheus_endpoint": self.prometheus_endpoint,
                "remote_write_url": self.remote_write_url,
                "emf_log_group_name": self.emf_log_group_name,
                "emf_log_group_arn": self.emf_log_group_arn,
            }
        )
