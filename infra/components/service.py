"""A Fargate service (the api behind the ALB, or the worker): task definition, roles, logs and autoscaling."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from infra.components.observability import (
    COLLECTOR_CONFIG_ENV,
    COLLECTOR_USER,
    EMF_LOG_ACTIONS,
    REMOTE_WRITE_ACTIONS,
)
from infra.iam import allow, assume_role_policy, policy

EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
SEARCH_ACTIONS = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"]
CPU_TARGET_PERCENT = 60.0
REQUESTS_PER_TARGET = 500.0
SCALE_IN_COOLDOWN = 300
SCALE_OUT_COOLDOWN = 60


def container_definitions(
    *,
    name: str,
    image: str,
    entry_point: Sequence[str],
    command: Sequence[str],
    environment: Mapping[str, str],
    secrets: Mapping[str, str],
    log_group: str,
    region: str,
    container_port: int | None,
    collector_image: str | None = None,
    collector_config: str | None = None,
) -> str:
    """The task's app container, and the metrics collector beside it when one is given. Secrets go in
    `secrets` (fetched by ECS from Secrets Manager at start), never in `environment`; root filesystems
    are read-only with a scratch /tmp."""
    overlap = set(environment) & set(secrets)
    if overlap:
        raise ValueError(f"{name}: {sorted(overlap)} set both as plain environment and as secrets")
    container: dict[str, Any] = {
        "name": name,
        "image": image,
        "essential": True,
        "entryPoint": list(entry_point),
        "command": list(command),
        "environment": [{"name": k, "value": v} for k, v in sorted(environment.items())],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(secrets.items())],
        "readonlyRootFilesystem": True,
        "privileged": False,
        "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": log_group, "awslogs-region": region, "awslogs-stream-prefix": name},
        },
        "stopTimeout": 30,
    }
    if container_port is not None:
        container["portMappings"] = [{"containerPort": container_port, "protocol": "tcp"}]
        container["healthCheck"] = {
            "command": [
                "CMD",
                "python",
                "-c",
                "import urllib.request; "
                f"urllib.request.urlopen('http://127.0.0.1:{container_port}/healthz', timeout=3)",
            ],
            "interval": 15,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 20,
        }
    containers = [container]
    if (collector_image is None) != (collector_config is None):
        raise ValueError(f"{name}: the metrics collector needs both its image and its config")
    if collector_image is not None and collector_config is not None:
        # Not essential: losing metrics must not take the api down with it.
        containers.append(
            {
                "name": f"{name}-collector",
                "image": collector_image,
                "essential": False,
                "command": [f"--config=env:{COLLECTOR_CONFIG_ENV}"],
                "user": COLLECTOR_USER,
                "environment": [{"name": COLLECTOR_CONFIG_ENV, "value": collector_config}],
                "readonlyRootFilesystem": True,
                "privileged": False,
                "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": log_group,
                        "awslogs-region": region,
                        "awslogs-stream-prefix": f"{name}-collector",
                    },
                },
            }
        )
    return json.dumps(containers, sort_keys=True)


@dataclass(frozen=True)
class TaskIdentity:
    """What every Fargate task of the platform runs with."""

    log_group: aws.cloudwatch.LogGroup
    execution_role: aws.iam.Role
    task_role: aws.iam.Role

    def task_definition(
        self,
        resource_name: str,
        *,
        family: str,
        cpu: str,
        memory: str,
        containers: pulumi.Input[str],
        opts: pulumi.ResourceOptions,
        volumes: list[aws.ecs.TaskDefinitionVolumeArgs] | None = None,
    ) -> aws.ecs.TaskDefinition:
        """A Fargate task definition (awsvpc, Linux on x86_64) that runs as this identity."""
        return aws.ecs.TaskDefinition(
            resource_name,
            family=family,
            cpu=cpu,
            memory=memory,
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture="X86_64"
            ),
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            container_definitions=containers,
            volumes=volumes,
            opts=opts,
        )


def task_identity(prefix: str, *, log_retention_days: int, parent: pulumi.Resource) -> TaskIdentity:
    """A task's log group, its execution role (ECS's managed policy: pull the image, write logs) and
    an empty task role for the caller's grants, named `<prefix>-logs`, `-execution-role`, `-task-role`."""
    child = pulumi.ResourceOptions(parent=parent)
    log_group = aws.cloudwatch.LogGroup(f"{prefix}-logs", retention_in_days=log_retention_days, opts=child)
    execution_role = aws.iam.Role(
        f"{prefix}-execution-role",
        assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"),
        opts=child,
    )
    aws.iam.RolePolicyAttachment(
        f"{prefix}-execution-managed", role=execution_role.name, policy_arn=EXECUTION_POLICY, opts=child
    )
    task_role = aws.iam.Role(
        f"{prefix}-task-role", assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"), opts=child
    )
    return TaskIdentity(log_group=log_group, execution_role=execution_role, task_role=task_role)


@dataclass(frozen=True, kw_only=True)
class LoadBalancerAttachment:
    """A service's place behind the ALB: its port, its target group and the label it scales on by."""

    container_port: int
    """Port the app container serves on, registered in the target group."""
    target_group_arn: pulumi.Input[str]
    """Target group ECS registers the tasks in."""
    request_count_label: pulumi.Input[str]
    """`<alb arn suffix>/<target group arn suffix>`: scale on requests per target too."""


@dataclass(frozen=True, kw_only=True)
class MetricsSidecar:
    """The metrics collector (ADOT) beside the app, scraping its /metrics, and where it may write."""

    image: str
    """The collector's image."""
    config: pulumi.Input[str]
    """Its config (see observability.collector_config)."""
    prometheus_workspace_arn: pulumi.Input[str]
    """AMP workspace the collector remote-writes to with the task role."""
    metrics_log_group_arn: pulumi.Input[str]
    """Log group the collector writes EMF metrics to with the task role."""


@dataclass(frozen=True, kw_only=True)
class AppServiceArgs:
    cluster_arn: pulumi.Input[str]
    """The ECS cluster."""
    cluster_name: pulumi.Input[str]
    """The cluster's name (autoscaling addresses services by it)."""
    region: str
    """Region of the log group."""
    image: pulumi.Input[str]
    """Full image reference, repository URL and tag."""
    entry_point: list[str]
    """The container's executable, set here rather than trusted to the image's ENTRYPOINT."""
    command: list[str]
    """Its arguments, e.g. ["serve", "--port", "8000"]."""
    cpu: int
    """Task CPU units."""
    memory: int
    """Task memory, MiB."""
    desired_count: int
    """Tasks at creation; afterwards the autoscaler owns the number."""
    min_count: int
    """Autoscaling floor."""
    max_count: int
    """Autoscaling ceiling."""
    subnet_ids: pulumi.Input[list[str]]
    """App-tier subnets."""
    security_group_id: pulumi.Input[str]
    """The service's security group."""
    environment: Mapping[str, pulumi.Input[str]]
    """Plain settings: endpoints, ports, flags. Never secrets."""
    secrets: Mapping[str, pulumi.Input[str]]
    """Settings read from Secrets Manager at task start: env name -> secret ARN (with `:key::`)."""
    secret_arns: Sequence[pulumi.Input[str]]
    """Secrets the execution role may read."""
    search_domain_arn: pulumi.Input[str]
    """OpenSearch domain the task role may call."""
    log_retention_days: int
    """Retention of the service's log group."""
    load_balancer: LoadBalancerAttachment | None = None
    """Serve behind the load balancer (the api); none: no port, no target group, CPU scaling only."""
    metrics: MetricsSidecar | None = None
    """Run the metrics collector beside the app; none: no sidecar, no metrics grants."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags (e.g. Service)."""


class AppService(pulumi.ComponentResource):
    """One container per task, in private subnets without public IPs, rolled back when a deployment fails."""

    service_name: pulumi.Output[str]
    task_role_arn: pulumi.Output[str]
    execution_role_arn: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: AppServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:AppService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        identity = task_identity(name, log_retention_days=args.log_retention_days, parent=self)
        log_group, execution_role, task_role = identity.log_group, identity.execution_role, identity.task_role
        aws.iam.RolePolicy(
            f"{name}-execution-secrets",
            role=execution_role.id,
            policy=pulumi.Output.all(*args.secret_arns).apply(
                lambda arns: policy(
                    [allow(["secretsmanager:GetSecretValue"], sorted({str(a) for a in arns}))]
                )
            ),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-task-search",
            role=task_role.id,
            policy=pulumi.Output.from_input(args.search_domain_arn).apply(
                lambda arn: policy([allow(SEARCH_ACTIONS, [arn, f"{arn}/*"])])
            ),
            opts=child,
        )

        load_balancer, metrics = args.load_balancer, args.metrics
        if metrics is not None:
            aws.iam.RolePolicy(
                f"{name}-task-metrics",
                role=task_role.id,
                policy=pulumi.Output.all(
                    metrics.prometheus_workspace_arn, metrics.metrics_log_group_arn
                ).apply(
                    lambda arns: policy(
                        [
                            allow(REMOTE_WRITE_ACTIONS, [arns[0]]),
                            allow(EMF_LOG_ACTIONS, [arns[1], f"{arns[1]}:*"]),
                        ]
                    )
                ),
                opts=child,
            )
        definitions = pulumi.Output.all(
            image=args.image,
            collector_config=metrics.config if metrics is not None else None,
            environment=pulumi.Output.from_input(dict(args.environment)),
            secrets=pulumi.Output.from_input(dict(args.secrets)),
            log_group=log_group.name,
        ).apply(
            lambda v: container_definitions(
                name=name,
                image=v["image"],
                entry_point=args.entry_point,
                command=args.command,
                environment=v["environment"],
                secrets=v["secrets"],
                log_group=v["log_group"],
                region=args.region,
                container_port=load_balancer.container_port if load_balancer is not None else None,
                collector_image=metrics.image if metrics is not None else None,
                collector_config=v["collector_config"],
            )
        )
        task_definition = identity.task_definition(
            f"{name}-task",
            family=name,
            cpu=str(args.cpu),
            memory=str(args.memory),
            containers=definitions,
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name="tmp")],
            opts=child,
        )
        load_balancers = (
            [
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=load_balancer.target_group_arn,
                    container_name=name,
                    container_port=load_balancer.container_port,
                )
            ]
            if load_balancer is not None
            else []
        )
        service = aws.ecs.Service(
            f"{name}-service",
            name=name,
            cluster=args.cluster_arn,
            task_definition=task_definition.arn,
            launch_type="FARGATE",
            platform_version="LATEST",
            desired_count=args.desired_count,
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
                enable=True, rollback=True
            ),
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.subnet_ids, security_groups=[args.security_group_id], assign_public_ip=False
            ),
            load_balancers=load_balancers,
            health_check_grace_period_seconds=30 if load_balancers else None,
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            tags=dict(args.tags),
            # After creation the autoscaler owns the task count; an update must not reset it.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["desiredCount"]),
        )
        self._autoscaling(name, args, service)

        self.service_name = service.name
        self.task_role_arn = task_role.arn
        self.execution_role_arn = execution_role.arn
        self.task_definition_arn = task_definition.arn
        self.log_group_name = log_group.name
        self.register_outputs(
            {
                "service_name": self.service_name,
                "task_role_arn": self.task_role_arn,
                "execution_role_arn": self.execution_role_arn,
                "task_definition_arn": self.task_definition_arn,
                "log_group_name": self.log_group_name,
            }
        )

    def _autoscaling(self, name: str, args: AppServiceArgs, service: aws.ecs.Service) -> None:
        child = pulumi.ResourceOptions(parent=self)
        target = aws.appautoscaling.Target(
            f"{name}-scaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", args.cluster_name, "/", service.name),
            min_capacity=args.min_count,
            max_capacity=args.max_count,
            opts=child,
        )
        metrics: list[tuple[str, float, pulumi.Input[str] | None]] = [
            ("ECSServiceAverageCPUUtilization", CPU_TARGET_PERCENT, None)
        ]
        if args.load_balancer is not None:
            metrics.append(
                ("ALBRequestCountPerTarget", REQUESTS_PER_TARGET, args.load_balancer.request_count_label)
            )
        for metric, value, label in metrics:
            aws.appautoscaling.Policy(
                f"{name}-scale-{'cpu' if label is None else 'requests'}",
                policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace,
                scalable_dimension=target.scalable_dimension,
                resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                    target_value=value,
                    scale_in_cooldown=SCALE_IN_COOLDOWN,
                    scale_out_cooldown=SCALE_OUT_COOLDOWN,
                    predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                        predefined_metric_type=metric, resource_label=label
                    ),
                ),
                opts=child,
            )
