"""EC2 Auto Scaling cases: groups, scaling policies, scheduled actions, lifecycle hooks."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import Net, network

API = "https://docs.aws.amazon.com/autoscaling/ec2/APIReference"
GROUP = "aws:autoscaling/group:Group"


def _group(net: Net | None = None, **overrides: Any) -> aws.autoscaling.Group:
    net = net or network()
    template = aws.ec2.LaunchTemplate("workers", instance_type="t3.micro")
    args: dict[str, Any] = {
        "min_size": 1,
        "max_size": 3,
        "desired_capacity": 2,
        "vpc_zone_identifiers": [s.id for s in net.subnets],
        "launch_template": {"id": template.id, "version": "$Latest"},
    }
    args.update(overrides)
    return aws.autoscaling.Group("workers", **args)


@valid("autoscaling")
def autoscaling_group_across_two_subnets() -> None:
    _group()


@valid("autoscaling")
def autoscaling_target_tracking_policy_and_schedule() -> None:
    group = _group()
    aws.autoscaling.Policy(
        "cpu",
        autoscaling_group_name=group.name,
        policy_type="TargetTrackingScaling",
        target_tracking_configuration={
            "predefined_metric_specification": {"predefined_metric_type": "ASGAverageCPUUtilization"},
            "target_value": 50,
        },
    )
    aws.autoscaling.Schedule(
        "night",
        autoscaling_group_name=group.name,
        scheduled_action_name="night",
        recurrence="0 22 * * 1-5",
        min_size=0,
        max_size=1,
        desired_capacity=0,
    )


@valid("autoscaling")
def autoscaling_launch_lifecycle_hook() -> None:
    group = _group()
    aws.autoscaling.LifecycleHook(
        "warm-up",
        autoscaling_group_name=group.name,
        lifecycle_transition="autoscaling:EC2_INSTANCE_LAUNCHING",
        default_result="CONTINUE",
        heartbeat_timeout=300,
    )


@refused("autoscaling", token=GROUP, prop="minSize", source=f"{API}/API_CreateAutoScalingGroup.html")
def autoscaling_group_min_above_max() -> None:
    _group(min_size=4, max_size=2, desired_capacity=None)


@refused("autoscaling", token=GROUP, prop="desiredCapacity", source=f"{API}/API_CreateAutoScalingGroup.html")
def autoscaling_group_desired_above_max() -> None:
    _group(desired_capacity=5)


@refused("autoscaling", token=GROUP, prop="launchTemplate", source=f"{API}/API_CreateAutoScalingGroup.html")
def autoscaling_group_without_a_launch_template() -> None:
    _group(launch_template=None)


@refused(
    "autoscaling", token=GROUP, prop="vpcZoneIdentifiers", source=f"{API}/API_CreateAutoScalingGroup.html"
)
def autoscaling_group_in_a_subnet_that_does_not_exist() -> None:
    _group(vpc_zone_identifiers=["subnet-0123456789abcdef0"])


@refused(
    "autoscaling",
    token="aws:autoscaling/policy:Policy",
    prop="policyType",
    source=f"{API}/API_PutScalingPolicy.html",
)
def autoscaling_target_tracking_policy_without_its_configuration() -> None:
    aws.autoscaling.Policy("cpu", autoscaling_group_name=_group().name, policy_type="TargetTrackingScaling")


@refused(
    "autoscaling",
    token="aws:autoscaling/policy:Policy",
    prop="policyType",
    source=f"{API}/API_PutScalingPolicy.html",
)
def autoscaling_policy_type_that_does_not_exist() -> None:
    aws.autoscaling.Policy(
        "cpu", autoscaling_group_name=_group().name, policy_type="TargetTracking", scaling_adjustment=1
    )


@refused(
    "autoscaling",
    token="aws:autoscaling/schedule:Schedule",
    prop="recurrence",
    source=f"{API}/API_PutScheduledUpdateGroupAction.html",
)
def autoscaling_schedule_with_an_eventbridge_cron() -> None:
    aws.autoscaling.Schedule(
        "night",
        autoscaling_group_name=_group().name,
        scheduled_action_name="night",
        recurrence="0 22 ? * MON-FRI *",
        min_size=0,
    )


@refused(
    "autoscaling",
    token="aws:autoscaling/lifecycleHook:LifecycleHook",
    prop="heartbeatTimeout",
    source=f"{API}/API_PutLifecycleHook.html",
)
def autoscaling_lifecycle_hook_heartbeat_of_three_hours() -> None:
    aws.autoscaling.LifecycleHook(
        "drain",
        autoscaling_group_name=_group().name,
        lifecycle_transition="autoscaling:EC2_INSTANCE_TERMINATING",
        heartbeat_timeout=10800,
    )


@refused(
    "autoscaling",
    token="aws:autoscaling/lifecycleHook:LifecycleHook",
    prop="lifecycleTransition",
    source=f"{API}/API_PutLifecycleHook.html",
)
def autoscaling_lifecycle_hook_on_an_unknown_transition() -> None:
    aws.autoscaling.LifecycleHook(
        "drain",
        autoscaling_group_name=_group().name,
        lifecycle_transition="autoscaling:EC2_INSTANCE_STOPPING",
    )


def _target_group(net: Net, target_type: str) -> aws.lb.TargetGroup:
    return aws.lb.TargetGroup("web", port=80, protocol="HTTP", vpc_id=net.vpc.id, target_type=target_type)


@valid("autoscaling")
def autoscaling_mixed_instances_group_behind_a_target_group() -> None:
    net = network()
    template = aws.ec2.LaunchTemplate("mixed", instance_type="t3.micro")
    group = _group(
        net,
        launch_template=None,
        mixed_instances_policy={
            "instances_distribution": {
                "on_demand_base_capacity": 1,
                "on_demand_percentage_above_base_capacity": 25,
                "spot_allocation_strategy": "price-capacity-optimized",
            },
            "launch_template": {
                "launch_template_specification": {"launch_template_id": template.id, "version": "$Latest"},
                "overrides": [
                    {"instance_type": "t3.small"},
                    {"instance_type": "t3a.small", "weighted_capacity": "2"},
                ],
            },
        },
        health_check_type="ELB",
        max_instance_lifetime=604_800,
        target_group_arns=[_target_group(net, "instance").arn],
    )
    aws.autoscaling.Policy(
        "steps",
        autoscaling_group_name=group.name,
        policy_type="StepScaling",
        adjustment_type="ChangeInCapacity",
        step_adjustments=[
            {"metric_interval_upper_bound": "0", "scaling_adjustment": -1},
            {
                "metric_interval_lower_bound": "0",
                "metric_interval_upper_bound": "20",
                "scaling_adjustment": 1,
            },
            {"metric_interval_lower_bound": "20", "scaling_adjustment": 2},
        ],
    )
    aws.autoscaling.LifecycleHook(
        "drain",
        autoscaling_group_name=group.name,
        lifecycle_transition="autoscaling:EC2_INSTANCE_TERMINATING",
        default_result="ABANDON",
    )


@refused("autoscaling", token=GROUP, prop="healthCheckType", source=f"{API}/API_CreateAutoScalingGroup.html")
def autoscaling_group_health_check_type_alb() -> None:
    _group(health_check_type="ALB")


@refused("autoscaling", token=GROUP, prop="healthCheckType", source=f"{API}/API_CreateAutoScalingGroup.html")
def autoscaling_group_health_check_types_with_a_typo() -> None:
    _group(health_check_type="ELB,EBSS")


@refused(
    "autoscaling", token=GROUP, prop="maxInstanceLifetime", source=f"{API}/API_CreateAutoScalingGroup.html"
)
def autoscaling_group_instances_living_one_hour() -> None:
    _group(max_instance_lifetime=3600)


@refused(
    "autoscaling",
    token=GROUP,
    prop="targetGroupArns",
    source="https://docs.aws.amazon.com/autoscaling/ec2/userguide/getting-started-elastic-load-balancing.html",
)
def autoscaling_group_behind_an_ip_target_group() -> None:
    net = network()
    _group(net, target_group_arns=[_target_group(net, "ip").arn])


@refused(
    "autoscaling",
    token="aws:autoscaling/policy:Policy",
    prop="stepAdjustments",
    source=f"{API}/API_StepAdjustment.html",
)
def autoscaling_step_policy_with_overlapping_steps() -> None:
    aws.autoscaling.Policy(
        "steps",
        autoscaling_group_name=_group().name,
        policy_type="StepScaling",
        adjustment_type="ChangeInCapacity",
        step_adjustments=[
            {
                "metric_interval_lower_bound": "0",
                "metric_interval_upper_bound": "20",
                "scaling_adjustment": 1,
            },
            {"metric_interval_lower_bound": "10", "scaling_adjustment": 2},
        ],
    )


@refused(
    "autoscaling",
    token="aws:autoscaling/policy:Policy",
    prop="stepAdjustments",
    source=f"{API}/API_StepAdjustment.html",
)
def autoscaling_step_policy_with_a_gap_between_steps() -> None:
    aws.autoscaling.Policy(
        "steps",
        autoscaling_group_name=_group().name,
        policy_type="StepScaling",
        adjustment_type="ChangeInCapacity",
        step_adjustments=[
            {
                "metric_interval_lower_bound": "0",
                "metric_interval_upper_bound": "10",
                "scaling_adjustment": 1,
            },
            {"metric_interval_lower_bound": "20", "scaling_adjustment": 2},
        ],
    )


@refused(
    "autoscaling",
    token="aws:autoscaling/lifecycleHook:LifecycleHook",
    prop="defaultResult",
    source=f"{API}/API_PutLifecycleHook.html",
)
def autoscaling_lifecycle_hook_default_result_abandoned() -> None:
    aws.autoscaling.LifecycleHook(
        "drain",
        autoscaling_group_name=_group().name,
        lifecycle_transition="autoscaling:EC2_INSTANCE_TERMINATING",
        default_result="ABANDONED",
    )


AUTOSCALING_GROUP_GO = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/autoscaling/group.go"
)


def _mixed(distribution: dict[str, Any]) -> aws.autoscaling.Group:
    template = aws.ec2.LaunchTemplate("mixed", instance_type="m7g.large")
    return _group(
        launch_template=None,
        mixed_instances_policy={
            "launch_template": {
                "launch_template_specification": {"launch_template_id": template.id, "version": "$Latest"},
                "overrides": [{"instance_type": "m7g.large"}, {"instance_type": "m6g.large"}],
            },
            "instances_distribution": distribution,
        },
    )


@valid("autoscaling")
def autoscaling_group_with_a_quarter_on_demand_above_its_base() -> None:
    _mixed(
        {
            "on_demand_base_capacity": 1,
            "on_demand_percentage_above_base_capacity": 25,
            "spot_allocation_strategy": "price-capacity-optimized",
        }
    )


@refused(
    "autoscaling",
    token=GROUP,
    prop="mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity",
    source=AUTOSCALING_GROUP_GO,
)
def autoscaling_group_on_demand_percentage_over_100() -> None:
    _mixed({"on_demand_percentage_above_base_capacity": 150})
