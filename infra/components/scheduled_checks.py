"""The Nagios checks on a schedule: EventBridge Scheduler starts a Fargate task that runs them, publishes
each status to CloudWatch (Postings/Checks), and an alarm per check pages on CRITICAL."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.service import task_identity
from infra.iam import allow, assume_role_policy, policy
from monitoring.checks.contract import (
    ALARM_PREFIX,
    ALARMED,
    BROKER,
    DATABASE,
    ENVIRONMENT,
    METRIC,
    NAMESPACE,
    REGION,
    SEARCH_DOMAIN,
    SERVICE_URL,
)

SCHEDULE = "rate(5 minutes)"
CHECKS_USER = "65534:65534"  # nobody, as monitoring/checks/Dockerfile runs
CHECK_PERIOD = 300
CRITICAL = 2
# Read-only calls the checks make; Describe/List/Get on these services cannot be scoped to one resource.
READ_ACTIONS = [
    "rds:DescribeDBInstances",
    "mq:ListBrokers",
    "mq:DescribeBroker",
    "es:DescribeDomain",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:DescribeAlarms",
]


def task_policy() -> str:
    """Read what the checks look at; write metrics only into the checks' own namespace."""
    return policy(
        [
            allow(READ_ACTIONS, ["*"]),
            {
                "Effect": "Allow",
                "Action": ["cloudwatch:PutMetricData"],
                "Resource": ["*"],
                "Condition": {"StringEquals": {"cloudwatch:namespace": NAMESPACE}},
            },
        ]
    )


def task_family_arn(task_definition_arn: str) -> str:
    """Every revision of a task definition's family: `...:task-definition/<family>:*`."""
    return re.sub(r":\d+$", "", task_definition_arn) + ":*"


def check_settings(
    *,
    environment: str,
    region: str,
    service_url: str,
    database: str,
    broker: str,
    search_domain: str,
    alarm_prefix: str,
) -> dict[str, str]:
    """The task's environment: what monitoring.checks.scheduled reads. The HTTP checks go through the
    public URL only over HTTPS: the task's security group (the worker's) allows port 443 out, not 80."""
    return {
        ENVIRONMENT: environment,
        REGION: region,
        SERVICE_URL: service_url if service_url.startswith("https://") else "",
        DATABASE: database,
        BROKER: broker,
        SEARCH_DOMAIN: search_domain,
        ALARM_PREFIX: alarm_prefix,
    }


def checks_container(
    *, name: str, image: str, settings: Mapping[str, str], log_group: str, region: str
) -> str:
    return json.dumps(
        [
            {
                "name": name,
                "image": image,
                "essential": True,
                "command": ["python", "-m", "monitoring.checks.scheduled"],
                "user": CHECKS_USER,
                "environment": [{"name": k, "value": v} for k, v in sorted(settings.items())],
                "readonlyRootFilesystem": True,
                "privileged": False,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": log_group,
                        "awslogs-region": region,
                        "awslogs-stream-prefix": name,
                    },
                },
            }
        ],
        sort_keys=True,
    )


@dataclass(frozen=True, kw_only=True)
class ScheduledChecksArgs:
    environment: str
    """Environment name (the metrics' Environment dimension)."""
    region: str
    """Region of the environment."""
    cluster_arn: pulumi.Input[str]
    """ECS cluster the task runs in."""
    image: pulumi.Input[str]
    """The checks image (monitoring/checks/Dockerfile), repository URL and tag."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """App-tier subnets (AWS APIs through NAT)."""
    security_group_id: pulumi.Input[str]
    """Security group of the task (HTTPS out)."""
    service_url: pulumi.Input[str]
    """Public URL of the api."""
    database_identifier: str
    """RDS instance identifier."""
    broker_name: str
    """Amazon MQ broker name."""
    search_domain_name: str
    """OpenSearch domain name."""
    alarm_prefix: str
    """Prefix of the environment's alarm names."""
    topic_arn: pulumi.Input[str]
    """SNS topic for ALARM and OK of each check's alarm."""
    log_retention_days: int
    """Retention of the task's log group."""


class ScheduledChecks(pulumi.ComponentResource):
    """Every five minutes, the checks run as a Fargate task; two CRITICAL runs in a row raise an alarm."""

    schedule_arn: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    alarm_names: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: ScheduledChecksArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("postings:infra:ScheduledChecks", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        identity = task_identity(f"{name}-checks", log_retention_days=args.log_retention_days, parent=self)
        log_group, execution_role, task_role = identity.log_group, identity.execution_role, identity.task_role
        aws.iam.RolePolicy(f"{name}-checks-task-read", role=task_role.id, policy=task_policy(), opts=child)
        definitions = pulumi.Output.all(
            image=args.image, url=args.service_url, log_group=log_group.name
        ).apply(
            lambda v: checks_container(
                name=f"{name}-checks",
                image=str(v["image"]),
                settings=check_settings(
                    environment=args.environment,
                    region=args.region,
                    service_url=str(v["url"]),
                    database=args.database_identifier,
                    broker=args.broker_name,
                    search_domain=args.search_domain_name,
                    alarm_prefix=args.alarm_prefix,
                ),
                log_group=str(v["log_group"]),
                region=args.region,
            )
        )
        task_definition = identity.task_definition(
            f"{name}-checks-task",
            family=f"{name}-checks",
            cpu="256",
            memory="512",
            containers=definitions,
            opts=child,
        )
        scheduler_role = aws.iam.Role(
            f"{name}-checks-scheduler-role",
            assume_role_policy=assume_role_policy("scheduler.amazonaws.com"),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-checks-scheduler-run",
            role=scheduler_role.id,
            policy=pulumi.Output.all(task_definition.arn, execution_role.arn, task_role.arn).apply(
                lambda arns: policy(
                    [
                        # Any revision of the family: `...:task-definition/<family>:*`.
                        allow(["ecs:RunTask"], [task_family_arn(str(arns[0]))]),
                        allow(["iam:PassRole"], [str(arns[1]), str(arns[2])]),
                    ]
                )
            ),
            opts=child,
        )
        schedule = aws.scheduler.Schedule(
            f"{name}-checks-schedule",
            name=f"{name}-checks",
            schedule_expression=SCHEDULE,
            flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
            target=aws.scheduler.ScheduleTargetArgs(
                arn=args.cluster_arn,
                role_arn=scheduler_role.arn,
                ecs_parameters=aws.scheduler.ScheduleTargetEcsParametersArgs(
                    task_definition_arn=task_definition.arn,
                    launch_type="FARGATE",
                    task_count=1,
                    network_configuration=aws.scheduler.ScheduleTargetEcsParametersNetworkConfigurationArgs(
                        subnets=args.subnet_ids,
                        security_groups=[args.security_group_id],
                        assign_public_ip=False,
                    ),
                ),
                retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(
                    maximum_retry_attempts=0, maximum_event_age_in_seconds=CHECK_PERIOD
                ),
            ),
            opts=child,
        )
        alarms = [
            aws.cloudwatch.MetricAlarm(
                f"{name}-check-{check}-critical",
                name=f"{args.alarm_prefix}check-{check}-critical",
                alarm_description=(
                    f"CRITICAL: the scheduled `{check}` check returned CRITICAL twice in a row. "
                    f"Its output is in the log group of {name}-checks. "
                    "Runbook: monitoring/README.md#scheduled-checks"
                ),
                namespace=NAMESPACE,
                metric_name=METRIC,
                dimensions={"Environment": args.environment, "Check": check},
                statistic="Maximum",
                period=CHECK_PERIOD,
                evaluation_periods=2,
                datapoints_to_alarm=2,
                comparison_operator="GreaterThanOrEqualToThreshold",
                threshold=CRITICAL,
                treat_missing_data="missing",
                alarm_actions=[args.topic_arn],
                ok_actions=[args.topic_arn],
                tags={"Check": check, "Severity": "critical"},
                opts=child,
            )
            for check in ALARMED
        ]
        self.schedule_arn = schedule.arn
        self.task_definition_arn = task_definition.arn
        self.alarm_names = pulumi.Output.all(*[a.name for a in alarms])
        self.register_outputs(
            {
                "schedule_arn": self.schedule_arn,
                "task_definition_arn": self.task_definition_arn,
                "alarm_names": self.alarm_names,
            }
        )
