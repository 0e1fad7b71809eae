"""App services: task definitions without plain secrets, least-privilege roles, rollback, autoscaling."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from infra.components.service import LoadBalancerAttachment, MetricsSidecar, container_definitions
from tests.infra.program import run, subnet_ids

TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"


def containers(stack: str, role: str) -> dict[str, Any]:
    task = run(stack).one(TASK, f"postings-{stack}-{role}-task")
    definitions = json.loads(task.inputs["containerDefinitions"])
    # Each runs the metrics collector beside it (tests/infra/components/test_observability.py).
    expected = [f"postings-{stack}-{role}", f"postings-{stack}-{role}-collector"]
    assert [d["name"] for d in definitions] == expected, task.name
    container: dict[str, Any] = definitions[0]
    return container


def test_container_definitions_refuse_a_setting_both_plain_and_secret() -> None:
    with pytest.raises(ValueError, match=r"api: \['X'\] set both as plain environment and as secrets"):
        container_definitions(
            name="api",
            image="i",
            entry_point=[],
            command=[],
            environment={"X": "1"},
            secrets={"X": "arn"},
            log_group="g",
            region="r",
            container_port=None,
        )


@pytest.mark.parametrize("option", [LoadBalancerAttachment, MetricsSidecar])
def test_grouped_options_have_no_defaults_so_none_can_be_left_out(option: type) -> None:
    optional = [f.name for f in dataclasses.fields(option) if f.default is not dataclasses.MISSING]
    optional += [f.name for f in dataclasses.fields(option) if f.default_factory is not dataclasses.MISSING]
    assert optional == [], f"{option.__name__}: {optional} may be left out, so the group could be half set"


@pytest.mark.parametrize(
    ("image", "config"), [("amazon/aws-otel-collector:v0", None), (None, "receivers: {}")]
)
def test_container_definitions_refuse_half_a_collector(image: str | None, config: str | None) -> None:
    with pytest.raises(ValueError, match="api: the metrics collector needs both its image and its config"):
        container_definitions(
            name="api",
            image="i",
            entry_point=[],
            command=[],
            environment={},
            secrets={},
            log_group="g",
            region="r",
            container_port=8000,
            collector_image=image,
            collector_config=config,
        )


def test_api_container() -> None:
    container = containers("dev", "api")
    assert container["image"] == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/postings-dev:0.1.0"
    assert container["entryPoint"] == ["postings"]
    assert container["command"] == ["serve", "--host", "0.0.0.0", "--port", "8000"]
    assert container["portMappings"] == [{"containerPort": 8000, "protocol": "tcp"}]
    assert container["readonlyRootFilesystem"] is True
    assert container["privileged"] is False
    assert container["logConfiguration"]["logDriver"] == "awslogs"
    assert [s["name"] for s in container["secrets"]] == [
        "POSTINGS_AMQP_PASSWORD",
        "POSTINGS_AMQP_USERNAME",
        "POSTINGS_DB_PASSWORD",
        "POSTINGS_DB_USERNAME",
        "POSTINGS_REDIS_AUTH_TOKEN",
    ]
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["POSTINGS_DB_PORT"] == "3306"
    assert env["POSTINGS_DB_TLS"] == env["POSTINGS_REDIS_TLS"] == env["POSTINGS_AMQP_TLS"] == "true"
    assert env["POSTINGS_AMQP_PORT"] == "5671"
    assert env["POSTINGS_SEARCH_BACKEND"] == "opensearch"
    assert env["POSTINGS_OPENSEARCH_URL"].startswith("https://vpc-postings-dev-search-")


def test_secrets_reference_json_keys_of_the_right_secrets() -> None:
    result = run("dev")
    secrets = {s["name"]: s["valueFrom"] for s in containers("dev", "worker")["secrets"]}
    assert secrets["POSTINGS_DB_PASSWORD"] == result.outputs["databaseSecretArn"] + ":password::"
    assert secrets["POSTINGS_REDIS_AUTH_TOKEN"] == result.outputs["redisAuthSecretArn"] + ":password::"
    assert secrets["POSTINGS_AMQP_USERNAME"] == result.outputs["brokerSecretArn"] + ":username::"


def test_worker_has_no_port_and_its_own_command() -> None:
    container = containers("dev", "worker")
    assert container["entryPoint"] == ["postings"]
    assert container["command"] == ["worker"]
    assert "portMappings" not in container


@pytest.mark.parametrize(
    ("stack", "role", "cpu", "memory", "desired", "low", "high"),
    [
        ("dev", "api", "256", "512", 1, 1, 2),
        ("staging", "api", "256", "512", 2, 2, 4),
        ("prod", "api", "1024", "2048", 3, 3, 12),
        ("prod", "worker", "512", "1024", 2, 2, 6),
    ],
)
def test_sizes_and_scaling_bounds(
    stack: str, role: str, cpu: str, memory: str, desired: int, low: int, high: int
) -> None:
    result = run(stack)
    task = result.one(TASK, f"postings-{stack}-{role}-task").inputs
    assert (task["cpu"], task["memory"], task["networkMode"]) == (cpu, memory, "awsvpc")
    assert task["requiresCompatibilities"] == ["FARGATE"]
    service = result.one(SERVICE, f"postings-{stack}-{role}-service").inputs
    assert service["desiredCount"] == desired
    target = result.one("aws:appautoscaling/target:Target", f"postings-{stack}-{role}-scaling").inputs
    assert (target["minCapacity"], target["maxCapacity"]) == (low, high)
    assert target["resourceId"] == f"service/{result.outputs['clusterName']}/postings-{stack}-{role}"


def test_service_runs_private_with_rollback() -> None:
    result = run("dev")
    service = result.one(SERVICE, "postings-dev-api-service").inputs
    assert service["launchType"] == "FARGATE"
    assert service["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service["networkConfiguration"]["assignPublicIp"] is False
    app = subnet_ids(result, "app")
    assert sorted(service["networkConfiguration"]["subnets"]) == app
    target_group = result.one("aws:lb/targetGroup:TargetGroup", "postings-dev-api")
    assert service["loadBalancers"] == [
        {
            "targetGroupArn": target_group.state["arn"],
            "containerName": "postings-dev-api",
            "containerPort": 8000,
        }
    ]
    assert result.one(SERVICE, "postings-dev-worker-service").inputs.get("loadBalancers", []) == []


def test_api_scales_on_cpu_and_requests_worker_on_cpu() -> None:
    result = run("dev")
    policies = {
        r.name: r.inputs["targetTrackingScalingPolicyConfiguration"]
        for r in result.by_type("aws:appautoscaling/policy:Policy")
    }
    assert sorted(policies) == [
        "postings-dev-api-scale-cpu",
        "postings-dev-api-scale-requests",
        "postings-dev-worker-scale-cpu",
    ]
    requests = policies["postings-dev-api-scale-requests"]
    assert requests["targetValue"] == 500
    lb = result.one("aws:lb/loadBalancer:LoadBalancer", "postings-dev-alb").state["arnSuffix"]
    tg = result.one("aws:lb/targetGroup:TargetGroup", "postings-dev-api").state["arnSuffix"]
    assert requests["predefinedMetricSpecification"] == {
        "predefinedMetricType": "ALBRequestCountPerTarget",
        "resourceLabel": f"{lb}/{tg}",
    }
    assert policies["postings-dev-worker-scale-cpu"]["targetValue"] == 60


def test_execution_role_reads_only_the_three_secrets() -> None:
    result = run("dev")
    policy = json.loads(
        result.one("aws:iam/rolePolicy:RolePolicy", "postings-dev-api-execution-secrets").inputs["policy"]
    )
    assert policy["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": sorted(
                [
                    result.outputs["databaseSecretArn"],
                    result.outputs["redisAuthSecretArn"],
                    result.outputs["brokerSecretArn"],
                ]
            ),
        }
    ]


def test_task_role_may_only_call_the_search_domain() -> None:
    result = run("dev")
    domain = result.one("aws:opensearch/domain:Domain", "postings-dev-search-domain").state["arn"]
    policy = json.loads(
        result.one("aws:iam/rolePolicy:RolePolicy", "postings-dev-worker-task-search").inputs["policy"]
    )
    assert policy["Statement"][0]["Resource"] == [domain, f"{domain}/*"]
    assert all(action.startswith("es:ESHttp") for action in policy["Statement"][0]["Action"])
