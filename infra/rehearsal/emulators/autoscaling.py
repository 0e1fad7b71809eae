"""EC2 Auto Scaling: groups, scaling policies, scheduled actions, lifecycle hooks."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, EmulationError, Resource
from infra.rehearsal.spec import Emulated, Naming, Where, emulates, rule, stable_hex

_API = "https://docs.aws.amazon.com/autoscaling/ec2/APIReference"
GROUP_NAME = Naming(
    max_length=255,
    source=f"{_API}/API_CreateAutoScalingGroup.html (AutoScalingGroupName: 1-255 characters)",
)
POLICY_NAME = Naming(
    max_length=255, source=f"{_API}/API_PutScalingPolicy.html (PolicyName: 1-255 characters)"
)
SCHEDULED_ACTION_NAME = Naming(
    key="scheduledActionName",
    max_length=255,
    source=f"{_API}/API_PutScheduledUpdateGroupAction.html (ScheduledActionName: 1-255 characters)",
)
LIFECYCLE_HOOK_NAME = Naming(
    max_length=255,
    pattern=r"[A-Za-z0-9\-_/]+",
    source=f"{_API}/API_PutLifecycleHook.html (LifecycleHookName: 1-255 letters, digits, - _ /)",
)

_GROUP = "aws:autoscaling/group:Group"


def _size(r: Resource, key: str) -> int | None:
    value = r.get(key)
    return None if value is None else int(value)


@rule(
    "autoscaling-group-min-max",
    _GROUP,
    prop="minSize",
    summary="A group's minSize is at most its maxSize",
    source=f"{_API}/API_CreateAutoScalingGroup.html",
)
def _group_min_max(ctx: Context, r: Resource) -> str | None:
    low, high = _size(r, "minSize"), _size(r, "maxSize")
    if low is None or high is None or low <= high:
        return None
    return f"minSize {low} is greater than maxSize {high}"


@rule(
    "autoscaling-group-desired",
    _GROUP,
    prop="desiredCapacity",
    summary="A group's desiredCapacity is within minSize and maxSize",
    source=f"{_API}/API_CreateAutoScalingGroup.html (DesiredCapacity: at least the minimum size and at "
    "most the maximum size)",
)
def _group_desired(ctx: Context, r: Resource) -> str | None:
    low, high, desired = _size(r, "minSize"), _size(r, "maxSize"), _size(r, "desiredCapacity")
    if desired is None or low is None or high is None or low <= desired <= high:
        return None
    return f"desiredCapacity {desired} is outside minSize {low} to maxSize {high}"


HEALTH_CHECK_TYPES = ("EC2", "EBS", "ELB", "VPC_LATTICE")


@rule(
    "autoscaling-group-health-check-type",
    _GROUP,
    prop="healthCheckType",
    summary="A group's healthCheckType is a comma-separated list of EC2, EBS, ELB and VPC_LATTICE",
    source=f"{_API}/API_CreateAutoScalingGroup.html (HealthCheckType: valid values)",
)
def _group_health_check_type(ctx: Context, r: Resource) -> str | None:
    given = r.get("healthCheckType")
    if not isinstance(given, str) or not given:
        return None
    unknown = [kind for kind in given.split(",") if kind.strip() not in HEALTH_CHECK_TYPES]
    if not unknown:
        return None
    return f"healthCheckType {given!r}: {', '.join(unknown)} is not one of {', '.join(HEALTH_CHECK_TYPES)}"


ONE_DAY_S = 86_400


@rule(
    "autoscaling-group-max-instance-lifetime",
    _GROUP,
    prop="maxInstanceLifetime",
    summary="A group's maxInstanceLifetime is 0 or at least 86,400 seconds (one day)",
    source=f"{_API}/API_CreateAutoScalingGroup.html (MaxInstanceLifetime)",
)
def _group_max_instance_lifetime(ctx: Context, r: Resource) -> str | None:
    lifetime = _size(r, "maxInstanceLifetime")
    if lifetime is None or lifetime == 0 or lifetime >= ONE_DAY_S:
        return None
    return f"maxInstanceLifetime {lifetime} must be 0 or at least {ONE_DAY_S} seconds"


@rule(
    "autoscaling-group-instance-target-groups",
    _GROUP,
    prop="targetGroupArns",
    summary="A group's target groups have the instance target type",
    source="https://docs.aws.amazon.com/autoscaling/ec2/userguide/getting-started-elastic-load-balancing.html"
    " (the target group must specify a target type of instance)",
)
def _group_instance_target_groups(ctx: Context, r: Resource) -> str | None:
    arns = [arn for arn in r.get("targetGroupArns") or [] if isinstance(arn, str) and arn]
    if not arns:
        return None
    try:
        groups = ctx.client("elbv2").describe_target_groups(TargetGroupArns=arns)["TargetGroups"]
    except Exception:  # a target group the account does not hold is moto's refusal to make
        return None
    other = [g["TargetGroupName"] for g in groups if g.get("TargetType", "instance") != "instance"]
    if not other:
        return None
    return (
        f"target group {', '.join(other)} is not of target type instance, which an Auto Scaling group needs"
    )


@rule(
    "autoscaling-group-on-demand-percentage",
    _GROUP,
    prop="mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity",
    summary="A mixed instances policy's onDemandPercentageAboveBaseCapacity is 0-100 and its "
    "onDemandBaseCapacity at least 0",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/autoscaling/"
    "group.go (on_demand_percentage_above_base_capacity: validation.IntBetween(0, 100); "
    "on_demand_base_capacity: validation.IntAtLeast(0))",
)
def _group_on_demand_percentage(ctx: Context, r: Resource) -> str | None:
    distribution = (r.get("mixedInstancesPolicy") or {}).get("instancesDistribution") or {}
    percentage = distribution.get("onDemandPercentageAboveBaseCapacity")
    if isinstance(percentage, (int, float)) and not 0 <= percentage <= 100:
        return f"onDemandPercentageAboveBaseCapacity is a percentage, 0-100; got {percentage}"
    base = distribution.get("onDemandBaseCapacity")
    if isinstance(base, (int, float)) and base < 0:
        return f"onDemandBaseCapacity is at least 0; got {base}"
    return None


def _launch_template(spec: Mapping[str, Any]) -> dict[str, Any]:
    template: dict[str, Any] = {}
    if spec.get("id"):
        template["LaunchTemplateId"] = spec["id"]
    if spec.get("name"):
        template["LaunchTemplateName"] = spec["name"]
    if spec.get("version"):
        template["Version"] = str(spec["version"])
    return template


_DISTRIBUTION = {
    "onDemandAllocationStrategy": "OnDemandAllocationStrategy",
    "onDemandBaseCapacity": "OnDemandBaseCapacity",
    "onDemandPercentageAboveBaseCapacity": "OnDemandPercentageAboveBaseCapacity",
    "spotAllocationStrategy": "SpotAllocationStrategy",
    "spotInstancePools": "SpotInstancePools",
    "spotMaxPrice": "SpotMaxPrice",
}


def _template_specification(spec: Mapping[str, Any]) -> dict[str, Any]:
    return _launch_template(
        {
            "id": spec.get("launchTemplateId"),
            "name": spec.get("launchTemplateName"),
            "version": spec.get("version"),
        }
    )


def _mixed_instances_policy(policy: Mapping[str, Any]) -> dict[str, Any]:
    """The provider's expandMixedInstancesPolicy, without instance requirements (which moto ignores)."""
    converted: dict[str, Any] = {}
    distribution = policy.get("instancesDistribution") or {}
    given = {
        boto: distribution[key]
        for key, boto in _DISTRIBUTION.items()
        if distribution.get(key) not in (None, "")
    }
    if given:
        converted["InstancesDistribution"] = {
            boto: int(value) if isinstance(value, float) else value for boto, value in given.items()
        }
    template = policy.get("launchTemplate") or {}
    converted["LaunchTemplate"] = {
        "LaunchTemplateSpecification": _template_specification(
            template.get("launchTemplateSpecification") or {}
        ),
        "Overrides": [
            {
                **({"InstanceType": o["instanceType"]} if o.get("instanceType") else {}),
                **({"WeightedCapacity": str(o["weightedCapacity"])} if o.get("weightedCapacity") else {}),
                **(
                    {"LaunchTemplateSpecification": _template_specification(o["launchTemplateSpecification"])}
                    if o.get("launchTemplateSpecification")
                    else {}
                ),
            }
            for o in template.get("overrides") or []
        ],
    }
    return converted


def _group_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {"availabilityZones": [], "defaultCooldown": 300}


@emulates(
    _GROUP,
    note="create_auto_scaling_group, describe_auto_scaling_groups; moto refuses a group without a launch "
    "template, configuration or mixed instances policy and subnets that do not exist; the rules check the "
    "sizes (moto does not)",
    replace_on={"initialLifecycleHooks", "name", "namePrefix"},
    naming=GROUP_NAME,
    arn="arn:{partition}:autoscaling:{region}:{account}:autoScalingGroup:{id}:autoScalingGroupName/{name}",
    computed=_group_outputs,
)
def group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "AutoScalingGroupName": name,
        "MinSize": _size(r, "minSize"),
        "MaxSize": _size(r, "maxSize"),
        "Tags": [
            {
                "Key": t["key"],
                "Value": str(t["value"]),
                "PropagateAtLaunch": bool(t.get("propagateAtLaunch", False)),
                "ResourceId": name,
                "ResourceType": "auto-scaling-group",
            }
            for t in r.get("tags", [])
        ],
    }
    optional = {
        "desiredCapacity": "DesiredCapacity",
        "defaultCooldown": "DefaultCooldown",
        "healthCheckGracePeriod": "HealthCheckGracePeriod",
        "healthCheckType": "HealthCheckType",
        "launchConfiguration": "LaunchConfigurationName",
        "capacityRebalance": "CapacityRebalance",
        "maxInstanceLifetime": "MaxInstanceLifetime",
    }
    for prop, boto in optional.items():
        value = r.get(prop)
        if value is not None:
            kwargs[boto] = int(value) if isinstance(value, float) else value
    if r.get("launchTemplate"):
        kwargs["LaunchTemplate"] = _launch_template(r.get("launchTemplate"))
    if r.get("mixedInstancesPolicy"):
        kwargs["MixedInstancesPolicy"] = _mixed_instances_policy(r.get("mixedInstancesPolicy"))
    if r.get("vpcZoneIdentifiers"):
        kwargs["VPCZoneIdentifier"] = ",".join(r.get("vpcZoneIdentifiers"))
    if r.get("availabilityZones"):
        kwargs["AvailabilityZones"] = list(r.get("availabilityZones"))
    if r.get("targetGroupArns"):
        kwargs["TargetGroupARNs"] = list(r.get("targetGroupArns"))
    if r.get("terminationPolicies"):
        kwargs["TerminationPolicies"] = list(r.get("terminationPolicies"))
    try:
        ctx.aws(r, "launchTemplate", "autoscaling", "create_auto_scaling_group", **kwargs)
    except EmulationError as err:
        if err.code != "InvalidSubnetID.NotFound":
            raise
        raise EmulationError(r.urn, "vpcZoneIdentifiers", err.code, err.aws_message, err.source) from err
    created = ctx.aws(r, "name", "autoscaling", "describe_auto_scaling_groups", AutoScalingGroupNames=[name])[
        "AutoScalingGroups"
    ][0]
    return name, {
        "arn": created["AutoScalingGroupARN"],
        "name": name,
        "availabilityZones": created.get("AvailabilityZones", []),
        "defaultCooldown": created.get("DefaultCooldown", 300),
        "desiredCapacity": created.get("DesiredCapacity", kwargs["MinSize"]),
    }


_POLICY = "aws:autoscaling/policy:Policy"
_POLICY_CONFIG = {
    "TargetTrackingScaling": "targetTrackingConfiguration",
    "StepScaling": "stepAdjustments",
    "SimpleScaling": "scalingAdjustment",
    "PredictiveScaling": "predictiveScalingConfiguration",
}


@rule(
    "autoscaling-policy-configuration",
    _POLICY,
    prop="policyType",
    summary="A policy's type is TargetTrackingScaling, StepScaling, SimpleScaling or PredictiveScaling and "
    "carries that type's configuration",
    source=f"{_API}/API_PutScalingPolicy.html",
)
def _policy_configuration(ctx: Context, r: Resource) -> str | None:
    kind = str(r.get("policyType", "SimpleScaling"))
    needed = _POLICY_CONFIG.get(kind)
    if needed is None:
        return f"policyType {kind!r} is not one of {', '.join(_POLICY_CONFIG)}"
    if r.get(needed) not in (None, []):
        return None
    return f"a {kind} policy needs {needed}"


def _bound(step: Mapping[str, Any], key: str) -> float | None:
    value = step.get(key)
    return None if value is None or value == "" else float(value)


@rule(
    "autoscaling-policy-step-ranges",
    _POLICY,
    prop="stepAdjustments",
    summary="A step policy's step ranges neither overlap nor leave a gap, and no step is unbounded both ways",
    source=f"{_API}/API_StepAdjustment.html",
)
def _policy_step_ranges(ctx: Context, r: Resource) -> str | None:
    steps = [
        (_bound(s, "metricIntervalLowerBound"), _bound(s, "metricIntervalUpperBound"))
        for s in r.get("stepAdjustments") or []
    ]
    if any(low is None and high is None for low, high in steps) and len(steps) > 1:
        return "a step adjustment has neither a lower nor an upper bound"
    ordered = sorted(steps, key=lambda step: -math.inf if step[0] is None else step[0])
    for (low, high), (next_low, next_high) in itertools.pairwise(ordered):
        if high is None or next_low is None or high != next_low:
            return (
                f"the step ranges [{low}, {high}) and [{next_low}, {next_high}) overlap or leave a gap: each "
                "upper bound must be the next step's lower bound"
            )
    return None


def _tracking(config: Mapping[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"TargetValue": float(config["targetValue"])}
    if config.get("disableScaleIn") is not None:
        converted["DisableScaleIn"] = bool(config["disableScaleIn"])
    predefined = config.get("predefinedMetricSpecification")
    if predefined:
        converted["PredefinedMetricSpecification"] = {
            "PredefinedMetricType": predefined["predefinedMetricType"],
            **({"ResourceLabel": predefined["resourceLabel"]} if predefined.get("resourceLabel") else {}),
        }
    return converted


@emulates(
    _POLICY,
    note="put_scaling_policy, describe_policies for the ARN",
    replace_on={"autoscalingGroupName", "name"},
    naming=POLICY_NAME,
    arn="arn:{partition}:autoscaling:{region}:{account}:scalingPolicy:{id}:autoScalingGroupName/"
    "{name}:policyName/{name}",
)
def policy(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    group_name = r.get("autoscalingGroupName")
    kwargs: dict[str, Any] = {
        "AutoScalingGroupName": group_name,
        "PolicyName": name,
        "PolicyType": r.get("policyType", "SimpleScaling"),
    }
    optional = {
        "adjustmentType": "AdjustmentType",
        "scalingAdjustment": "ScalingAdjustment",
        "cooldown": "Cooldown",
        "estimatedInstanceWarmup": "EstimatedInstanceWarmup",
        "metricAggregationType": "MetricAggregationType",
        "minAdjustmentMagnitude": "MinAdjustmentMagnitude",
    }
    for prop, boto in optional.items():
        value = r.get(prop)
        if value is not None:
            kwargs[boto] = int(value) if isinstance(value, float) else value
    if r.get("targetTrackingConfiguration"):
        kwargs["TargetTrackingConfiguration"] = _tracking(r.get("targetTrackingConfiguration"))
    steps = [
        {
            "ScalingAdjustment": int(s["scalingAdjustment"]),
            **{
                boto: float(s[key])
                for key, boto in (
                    ("metricIntervalLowerBound", "MetricIntervalLowerBound"),
                    ("metricIntervalUpperBound", "MetricIntervalUpperBound"),
                )
                if s.get(key) not in (None, "")
            },
        }
        for s in r.get("stepAdjustments", [])
    ]
    if steps:
        kwargs["StepAdjustments"] = steps
    ctx.aws(r, "policyType", "autoscaling", "put_scaling_policy", **kwargs)
    described = ctx.aws(
        r,
        "name",
        "autoscaling",
        "describe_policies",
        AutoScalingGroupName=group_name,
        PolicyNames=[name],
    )["ScalingPolicies"]
    return name, {"arn": described[0]["PolicyARN"], "name": name, "policyType": kwargs["PolicyType"]}


CRON_FIELDS = 5


@rule(
    "autoscaling-schedule-recurrence",
    "aws:autoscaling/schedule:Schedule",
    prop="recurrence",
    summary="A recurrence is a five-field Unix cron expression (minute hour day month weekday)",
    source=f"{_API}/API_PutScheduledUpdateGroupAction.html (Recurrence: five fields separated by white "
    "spaces)",
)
def _schedule_recurrence(ctx: Context, r: Resource) -> str | None:
    recurrence = r.get("recurrence")
    if not recurrence or str(recurrence).startswith("@"):
        return None
    fields = str(recurrence).split()
    if len(fields) == CRON_FIELDS and "?" not in recurrence:
        return None
    return (
        f"{recurrence!r} is not a Unix cron expression of {CRON_FIELDS} fields"
        " [Minute] [Hour] [Day_of_Month] [Month_of_Year] [Day_of_Week]"
    )


@emulates(
    "aws:autoscaling/schedule:Schedule",
    note="put_scheduled_update_group_action; the rule checks the cron grammar (moto does not)",
    replace_on={"autoscalingGroupName", "scheduledActionName"},
    naming=SCHEDULED_ACTION_NAME,
    arn="arn:{partition}:autoscaling:{region}:{account}:scheduledUpdateGroupAction:{id}:"
    "autoScalingGroupName/{name}:scheduledActionName/{name}",
)
def schedule(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    group_name = str(r.get("autoscalingGroupName"))
    kwargs: dict[str, Any] = {"AutoScalingGroupName": group_name, "ScheduledActionName": name}
    optional = {
        "recurrence": "Recurrence",
        "timeZone": "TimeZone",
        "startTime": "StartTime",
        "endTime": "EndTime",
    }
    kwargs.update({boto: r.get(key) for key, boto in optional.items() if r.get(key)})
    # The provider sends -1 for "leave unchanged"; only given sizes reach the API.
    for prop, boto in (
        ("minSize", "MinSize"),
        ("maxSize", "MaxSize"),
        ("desiredCapacity", "DesiredCapacity"),
    ):
        value = _size(r, prop)
        if value is not None and value >= 0:
            kwargs[boto] = value
    ctx.aws(r, "recurrence", "autoscaling", "put_scheduled_update_group_action", **kwargs)
    uuid = stable_hex(ctx.account_id, group_name, name, length=32)
    arn = (
        f"arn:aws:autoscaling:{ctx.region}:{ctx.account_id}:scheduledUpdateGroupAction:"
        f"{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}:"
        f"autoScalingGroupName/{group_name}:scheduledActionName/{name}"
    )
    return name, {"arn": arn, "scheduledActionName": name}


HEARTBEAT_RANGE = (30, 7200)


@rule(
    "autoscaling-lifecycle-hook-heartbeat",
    "aws:autoscaling/lifecycleHook:LifecycleHook",
    prop="heartbeatTimeout",
    summary="A lifecycle hook's heartbeat timeout is 30-7200 seconds",
    source=f"{_API}/API_PutLifecycleHook.html (HeartbeatTimeout: from 30 to 7200 seconds)",
)
def _hook_heartbeat(ctx: Context, r: Resource) -> str | None:
    timeout = r.get("heartbeatTimeout")
    low, high = HEARTBEAT_RANGE
    if timeout is None or low <= int(timeout) <= high:
        return None
    return f"heartbeatTimeout {int(timeout)} is outside {low}-{high} seconds"


LIFECYCLE_TRANSITIONS = ("autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING")


@rule(
    "autoscaling-lifecycle-hook-transition",
    "aws:autoscaling/lifecycleHook:LifecycleHook",
    prop="lifecycleTransition",
    summary="A lifecycle hook is on the launching or the terminating transition",
    source=f"{_API}/API_PutLifecycleHook.html (LifecycleTransition: valid values)",
)
def _hook_transition(ctx: Context, r: Resource) -> str | None:
    transition = r.get("lifecycleTransition")
    if transition is None or transition in LIFECYCLE_TRANSITIONS:
        return None
    return f"lifecycleTransition {transition!r} is not one of {', '.join(LIFECYCLE_TRANSITIONS)}"


LIFECYCLE_RESULTS = ("CONTINUE", "ABANDON")


@rule(
    "autoscaling-lifecycle-hook-default-result",
    "aws:autoscaling/lifecycleHook:LifecycleHook",
    prop="defaultResult",
    summary="A lifecycle hook's default result is CONTINUE or ABANDON",
    source=f"{_API}/API_PutLifecycleHook.html (DefaultResult: valid values)",
)
def _hook_default_result(ctx: Context, r: Resource) -> str | None:
    result = r.get("defaultResult")
    if result is None or result in LIFECYCLE_RESULTS:
        return None
    return f"defaultResult {result!r} is not one of {', '.join(LIFECYCLE_RESULTS)}"


@emulates(
    "aws:autoscaling/lifecycleHook:LifecycleHook",
    note="put_lifecycle_hook; the service model checks the transition and default result",
    replace_on={"autoscalingGroupName", "name"},
    naming=LIFECYCLE_HOOK_NAME,
    arn="",
)
def lifecycle_hook(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "AutoScalingGroupName": r.get("autoscalingGroupName"),
        "LifecycleHookName": name,
        "LifecycleTransition": r.get("lifecycleTransition"),
    }
    optional = {
        "defaultResult": "DefaultResult",
        "heartbeatTimeout": "HeartbeatTimeout",
        "notificationMetadata": "NotificationMetadata",
        "notificationTargetArn": "NotificationTargetARN",
        "roleArn": "RoleARN",
    }
    for prop, boto in optional.items():
        value = r.get(prop)
        if value is not None:
            kwargs[boto] = int(value) if isinstance(value, float) else value
    ctx.aws(r, "lifecycleTransition", "autoscaling", "put_lifecycle_hook", **kwargs)
    return name, {"name": name}
