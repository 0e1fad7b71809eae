"""Application Auto Scaling cases: scalable targets and scaling policies of ECS services."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import network

API = "https://docs.aws.amazon.com/autoscaling/application/APIReference"
TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"


def _service() -> pulumi.Output[str]:
    """The resource id (`service/<cluster>/<service>`) of a Fargate service."""
    net = network()
    cluster = aws.ecs.Cluster("apps")
    task = aws.ecs.TaskDefinition(
        "web",
        family="web",
        cpu="256",
        memory="512",
        network_mode="awsvpc",
        requires_compatibilities=["FARGATE"],
        container_definitions=json.dumps([{"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27"}]),
    )
    service = aws.ecs.Service(
        "web",
        cluster=cluster.arn,
        task_definition=task.arn,
        launch_type="FARGATE",
        desired_count=1,
        network_configuration={"subnets": [net.subnets[0].id], "security_groups": [net.group.id]},
    )
    return pulumi.Output.concat("service/", cluster.name, "/", service.name)


def _target(**overrides: Any) -> aws.appautoscaling.Target:
    args: dict[str, Any] = {
        "service_namespace": "ecs",
        "resource_id": _service(),
        "scalable_dimension": "ecs:service:DesiredCount",
        "min_capacity": 1,
        "max_capacity": 4,
    }
    args.update(overrides)
    return aws.appautoscaling.Target("web", **args)


def _cpu_policy(target: aws.appautoscaling.Target, **overrides: Any) -> aws.appautoscaling.Policy:
    return aws.appautoscaling.Policy(
        "cpu",
        policy_type="TargetTrackingScaling",
        service_namespace=target.service_namespace,
        resource_id=target.resource_id,
        scalable_dimension=target.scalable_dimension,
        **overrides,
    )


@valid("appautoscaling")
def appautoscaling_cpu_target_tracking_on_a_service() -> None:
    target = _target()
    _cpu_policy(
        target,
        target_tracking_scaling_policy_configuration={
            "target_value": 60,
            "scale_in_cooldown": 120,
            "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
        },
    )


@refused("appautoscaling", token=TARGET, prop="minCapacity", source=f"{API}/API_RegisterScalableTarget.html")
def appautoscaling_target_min_above_max() -> None:
    _target(min_capacity=6, max_capacity=2)


@refused(
    "appautoscaling", token=TARGET, prop="scalableDimension", source=f"{API}/API_RegisterScalableTarget.html"
)
def appautoscaling_target_dimension_misspelt() -> None:
    _target(scalable_dimension="ecs:service:DesiredTaskCount")


@refused("appautoscaling", token=TARGET, prop="resourceId", source=f"{API}/API_RegisterScalableTarget.html")
def appautoscaling_target_of_a_cluster_that_does_not_exist() -> None:
    _target(resource_id="service/missing-cluster/web")


@refused("appautoscaling", token=POLICY, prop="policyType", source=f"{API}/API_PutScalingPolicy.html")
def appautoscaling_target_tracking_policy_without_configuration() -> None:
    target = _target()
    _cpu_policy(target)


@valid("appautoscaling")
def appautoscaling_dynamodb_read_capacity_tracking() -> None:
    table = aws.dynamodb.Table(
        "orders",
        billing_mode="PROVISIONED",
        read_capacity=5,
        write_capacity=5,
        hash_key="pk",
        attributes=[{"name": "pk", "type": "S"}],
    )
    target = aws.appautoscaling.Target(
        "orders-read",
        service_namespace="dynamodb",
        scalable_dimension="dynamodb:table:ReadCapacityUnits",
        resource_id=table.name.apply(lambda name: f"table/{name}"),
        min_capacity=5,
        max_capacity=100,
    )
    aws.appautoscaling.Policy(
        "orders-read",
        policy_type="TargetTrackingScaling",
        service_namespace=target.service_namespace,
        resource_id=target.resource_id,
        scalable_dimension=target.scalable_dimension,
        target_tracking_scaling_policy_configuration={
            "target_value": 70,
            "predefined_metric_specification": {"predefined_metric_type": "DynamoDBReadCapacityUtilization"},
        },
    )


@refused(
    "appautoscaling", token=TARGET, prop="scalableDimension", source=f"{API}/API_RegisterScalableTarget.html"
)
def appautoscaling_target_dimension_of_another_namespace() -> None:
    aws.appautoscaling.Target(
        "orders-read",
        service_namespace="dynamodb",
        scalable_dimension="ecs:service:DesiredCount",
        resource_id="table/orders",
        min_capacity=1,
        max_capacity=10,
    )


@refused(
    "appautoscaling",
    token=POLICY,
    prop="targetTrackingScalingPolicyConfiguration",
    source=f"{API}/API_PredefinedMetricSpecification.html",
)
def appautoscaling_ecs_metric_on_a_service_of_another_namespace() -> None:
    _cpu_policy(
        _target(),
        target_tracking_scaling_policy_configuration={
            "target_value": 70,
            "predefined_metric_specification": {"predefined_metric_type": "DynamoDBReadCapacityUtilization"},
        },
    )


def _step_policy(target: aws.appautoscaling.Target, steps: list[dict[str, Any]]) -> aws.appautoscaling.Policy:
    configuration: dict[str, Any] = {
        "adjustment_type": "ChangeInCapacity",
        "cooldown": 60,
        "metric_aggregation_type": "Average",
        "step_adjustments": steps,
    }
    args: dict[str, Any] = {
        "policy_type": "StepScaling",
        "service_namespace": target.service_namespace,
        "resource_id": target.resource_id,
        "scalable_dimension": target.scalable_dimension,
        "step_scaling_policy_configuration": configuration,
    }
    return aws.appautoscaling.Policy("steps", **args)


@valid("appautoscaling")
def appautoscaling_step_policy_adding_a_task() -> None:
    _step_policy(_target(), [{"metric_interval_lower_bound": "0", "scaling_adjustment": 1}])


@refused(
    "appautoscaling",
    token=POLICY,
    prop="stepScalingPolicyConfiguration",
    source=f"{API}/API_StepScalingPolicyConfiguration.html",
)
def appautoscaling_step_policy_without_steps() -> None:
    _step_policy(_target(), [])
