"""Application Auto Scaling: scalable targets and scaling policies."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates, rule

SCALING_POLICY_NAME = Naming(
    max_length=256,
    source=(
        "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html"
        " (PolicyName: 1-256)"
    ),
)


_API = "https://docs.aws.amazon.com/autoscaling/application/APIReference"


@rule(
    "appautoscaling-target-capacity",
    "aws:appautoscaling/target:Target",
    prop="minCapacity",
    summary="A scalable target's minCapacity is at most its maxCapacity",
    source=f"{_API}/API_RegisterScalableTarget.html (MinCapacity, MaxCapacity)",
)
def _target_capacity(ctx: Context, r: Resource) -> str | None:
    low, high = r.get("minCapacity"), r.get("maxCapacity")
    if low is None or high is None or int(low) <= int(high):
        return None
    return f"minCapacity {int(low)} is greater than maxCapacity {int(high)}"


@rule(
    "appautoscaling-dimension-namespace",
    ("aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy"),
    prop="scalableDimension",
    summary="A scalable dimension begins with its service namespace (ecs:service:DesiredCount for ecs)",
    source=f"{_API}/API_RegisterScalableTarget.html (ScalableDimension: the service namespace, resource type "
    "and scaling property)",
)
def _dimension_namespace(ctx: Context, r: Resource) -> str | None:
    dimension, namespace = r.get("scalableDimension"), r.get("serviceNamespace")
    if not isinstance(dimension, str) or not isinstance(namespace, str):
        return None
    if dimension.split(":", 1)[0] == namespace:
        return None
    return f"scalableDimension {dimension!r} is not one of service namespace {namespace!r}"


# Predefined metric type prefix -> the service namespaces it measures (API_PredefinedMetricSpecification).
_METRIC_NAMESPACES = {
    "ALBRequestCountPerTarget": ("ec2", "ecs"),
    "AppStream": ("appstream",),
    "Cassandra": ("cassandra",),
    "Comprehend": ("comprehend",),
    "DynamoDB": ("dynamodb",),
    "EC2SpotFleet": ("ec2",),
    "ECSService": ("ecs",),
    "ElastiCache": ("elasticache",),
    "Kafka": ("kafka",),
    "Lambda": ("lambda",),
    "Neptune": ("neptune",),
    "RDS": ("rds",),
    "SageMaker": ("sagemaker",),
    "WorkSpaces": ("workspaces",),
}


@rule(
    "appautoscaling-predefined-metric-namespace",
    "aws:appautoscaling/policy:Policy",
    prop="targetTrackingScalingPolicyConfiguration",
    summary="A target tracking policy's predefined metric measures the policy's service namespace",
    source=f"{_API}/API_PredefinedMetricSpecification.html (each metric type names its service; "
    "ALBRequestCountPerTarget applies only to Spot Fleets and ECS services)",
)
def _metric_namespace(ctx: Context, r: Resource) -> str | None:
    config = r.get("targetTrackingScalingPolicyConfiguration") or {}
    metric = (config.get("predefinedMetricSpecification") or {}).get("predefinedMetricType")
    namespace = r.get("serviceNamespace")
    if not isinstance(metric, str) or not isinstance(namespace, str):
        return None
    namespaces = next((v for prefix, v in _METRIC_NAMESPACES.items() if metric.startswith(prefix)), None)
    if namespaces is None or namespace in namespaces:
        return None
    return f"predefined metric {metric} measures {' or '.join(namespaces)}, not service namespace {namespace}"


_POLICY_CONFIG = {
    "TargetTrackingScaling": "targetTrackingScalingPolicyConfiguration",
    "StepScaling": "stepScalingPolicyConfiguration",
    "PredictiveScaling": "predictiveScalingPolicyConfiguration",
}


@rule(
    "appautoscaling-policy-configuration",
    "aws:appautoscaling/policy:Policy",
    prop="policyType",
    summary="A scaling policy carries the configuration of its type",
    source=f"{_API}/API_PutScalingPolicy.html (the configuration is required for its policy type)",
)
def _policy_configuration(ctx: Context, r: Resource) -> str | None:
    kind = str(r.get("policyType", "StepScaling"))
    needed = _POLICY_CONFIG.get(kind)
    if needed is None or r.get(needed):
        return None
    return f"a {kind} policy needs {needed}"


@rule(
    "appautoscaling-step-adjustments",
    "aws:appautoscaling/policy:Policy",
    prop="stepScalingPolicyConfiguration",
    summary="A step scaling policy has at least one step adjustment",
    source=f"{_API}/API_StepScalingPolicyConfiguration.html (StepAdjustments: at least one step adjustment "
    "is required if you are adding a new step scaling policy configuration)",
)
def _step_adjustments(ctx: Context, r: Resource) -> str | None:
    configuration = r.get("stepScalingPolicyConfiguration")
    if str(r.get("policyType", "StepScaling")) != "StepScaling" or not isinstance(configuration, dict):
        return None
    if configuration.get("stepAdjustments"):
        return None
    return "a step scaling policy needs at least one step adjustment (stepAdjustments)"


@emulates(
    "aws:appautoscaling/target:Target",
    note="register_scalable_target; moto looks the ECS service up",
    replace_on={"resourceId", "scalableDimension", "serviceNamespace"},
    naming=UNNAMED,
    arn="arn:{partition}:application-autoscaling:{region}:{account}:scalable-target/{id}",
)
def scaling_target(ctx: Context, r: Resource) -> Emulated:
    kwargs = {
        "ServiceNamespace": r.get("serviceNamespace"),
        "ResourceId": r.get("resourceId"),
        "ScalableDimension": r.get("scalableDimension"),
        "MinCapacity": int(r.get("minCapacity", 0)),
        "MaxCapacity": int(r.get("maxCapacity", 0)),
    }
    created = ctx.aws(r, "resourceId", "application-autoscaling", "register_scalable_target", **kwargs)
    arn = created.get("ScalableTargetARN") or ctx.arn(
        "application-autoscaling", f"scalable-target/{r.get('resourceId')}"
    )
    return str(r.get("resourceId")), {"arn": arn}


@emulates(
    "aws:appautoscaling/policy:Policy",
    note="put_scaling_policy on the registered target",
    replace_on={"name", "resourceId", "scalableDimension", "serviceNamespace"},
    naming=SCALING_POLICY_NAME,
    arn="arn:{partition}:autoscaling:{region}:{account}:scalingPolicy:{id}",
)
def scaling_policy(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "PolicyName": name,
        "ServiceNamespace": r.get("serviceNamespace"),
        "ResourceId": r.get("resourceId"),
        "ScalableDimension": r.get("scalableDimension"),
        "PolicyType": r.get("policyType", "StepScaling"),
    }
    tracking = r.get("targetTrackingScalingPolicyConfiguration")
    if tracking:
        config: dict[str, Any] = {"TargetValue": float(tracking["targetValue"])}
        for prop, boto in (("scaleInCooldown", "ScaleInCooldown"), ("scaleOutCooldown", "ScaleOutCooldown")):
            if tracking.get(prop) is not None:
                config[boto] = int(tracking[prop])
        predefined = tracking.get("predefinedMetricSpecification")
        if predefined:
            config["PredefinedMetricSpecification"] = {
                "PredefinedMetricType": predefined["predefinedMetricType"],
                **({"ResourceLabel": predefined["resourceLabel"]} if predefined.get("resourceLabel") else {}),
            }
        kwargs["TargetTrackingScalingPolicyConfiguration"] = config
    created = ctx.aws(
        r,
        "targetTrackingScalingPolicyConfiguration",
        "application-autoscaling",
        "put_scaling_policy",
        **kwargs,
    )
    return name, {
        "arn": created["PolicyARN"],
        "name": name,
        "alarmArns": [a["AlarmARN"] for a in created.get("Alarms", [])],
    }
