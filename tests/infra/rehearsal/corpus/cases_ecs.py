"""ECS cases: clusters, capacity providers, task definitions, services."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import network, role

GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"
API = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference"
TASK_SIZE = f"{GUIDE}/fargate-tasks-services.html#fargate-tasks-size"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
IMAGE = "public.ecr.aws/nginx/nginx:1.27"


def _containers(**overrides: Any) -> str:
    container: dict[str, Any] = {
        "name": "web",
        "image": IMAGE,
        "essential": True,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
    }
    container.update(overrides)
    return json.dumps([container])


def _task(**overrides: Any) -> aws.ecs.TaskDefinition:
    args: dict[str, Any] = {
        "family": "web",
        "cpu": "256",
        "memory": "512",
        "network_mode": "awsvpc",
        "requires_compatibilities": ["FARGATE"],
        "execution_role_arn": role("execution", "ecs-tasks.amazonaws.com").arn,
        "container_definitions": _containers(),
    }
    args.update(overrides)
    return aws.ecs.TaskDefinition("web", **args)


@valid("ecs")
def ecs_fargate_service_in_private_subnets() -> None:
    net = network()
    cluster = aws.ecs.Cluster("apps", settings=[{"name": "containerInsights", "value": "enabled"}])
    aws.ecs.ClusterCapacityProviders(
        "apps",
        cluster_name=cluster.name,
        capacity_providers=["FARGATE", "FARGATE_SPOT"],
        default_capacity_provider_strategies=[{"capacity_provider": "FARGATE", "weight": 1, "base": 1}],
    )
    task = _task(cpu="1 vCPU", memory="2 GB", container_definitions=_containers(memoryReservation=1024))
    aws.ecs.Service(
        "web",
        cluster=cluster.arn,
        task_definition=task.arn,
        launch_type="FARGATE",
        desired_count=2,
        deployment_minimum_healthy_percent=50,
        deployment_maximum_percent=200,
        network_configuration={"subnets": [s.id for s in net.subnets], "security_groups": [net.group.id]},
    )


@valid("ecs")
def ecs_capacity_provider_on_an_auto_scaling_group() -> None:
    net = network()
    template = aws.ec2.LaunchTemplate("ecs-hosts", instance_type="t3.medium")
    group = aws.autoscaling.Group(
        "ecs-hosts",
        min_size=0,
        max_size=4,
        vpc_zone_identifiers=[s.id for s in net.subnets],
        launch_template={"id": template.id, "version": "$Latest"},
    )
    aws.ecs.CapacityProvider(
        "hosts",
        auto_scaling_group_provider={
            "auto_scaling_group_arn": group.arn,
            "managed_termination_protection": "DISABLED",
            "managed_scaling": {"status": "ENABLED", "target_capacity": 90},
        },
    )


@valid("ecs")
def ecs_fargate_largest_task_size() -> None:
    _task(cpu="16384", memory="122880")


@refused("ecs", token=TASK_DEFINITION, prop="networkMode", source=f"{GUIDE}/fargate-task-defs.html")
def ecs_fargate_task_in_bridge_mode() -> None:
    _task(
        network_mode="bridge",
        container_definitions=_containers(portMappings=[{"containerPort": 8080, "hostPort": 0}]),
    )


@refused("ecs", token=TASK_DEFINITION, prop="cpu", source=TASK_SIZE)
def ecs_fargate_cpu_that_is_not_a_task_size() -> None:
    _task(cpu="300")


@refused("ecs", token=TASK_DEFINITION, prop="cpu", source=TASK_SIZE)
def ecs_fargate_task_without_task_cpu() -> None:
    _task(cpu=None, memory=None, container_definitions=_containers(cpu=256, memory=512))


@refused("ecs", token=TASK_DEFINITION, prop="memory", source=TASK_SIZE)
def ecs_fargate_memory_too_small_for_its_cpu() -> None:
    _task(cpu="2048", memory="2048")


@refused("ecs", token=TASK_DEFINITION, prop="memory", source=TASK_SIZE)
def ecs_fargate_memory_off_the_step() -> None:
    _task(cpu="256", memory="1536")


@refused(
    "ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_ContainerDefinition.html"
)
def ecs_container_definitions_that_are_not_json() -> None:
    _task(container_definitions="[{name: 'web', image: 'nginx'}]")


@refused(
    "ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_ContainerDefinition.html"
)
def ecs_container_without_an_image() -> None:
    _task(container_definitions=json.dumps([{"name": "web", "essential": True}]))


@refused(
    "ecs",
    token=TASK_DEFINITION,
    prop="containerDefinitions",
    source=f"{GUIDE}/task_definition_parameters.html",
)
def ecs_task_without_an_essential_container() -> None:
    _task(container_definitions=_containers(essential=False))


@refused(
    "ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_ContainerDefinition.html"
)
def ecs_containers_reserve_more_than_the_task() -> None:
    sidecar = {"name": "collector", "image": IMAGE, "essential": False, "memoryReservation": 256}
    web = {"name": "web", "image": IMAGE, "memoryReservation": 512}
    _task(container_definitions=json.dumps([web, sidecar]))


@refused("ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_PortMapping.html")
def ecs_awsvpc_host_port_differs_from_container_port() -> None:
    _task(container_definitions=_containers(portMappings=[{"containerPort": 8080, "hostPort": 80}]))


@refused(
    "ecs", token="aws:ecs/service:Service", prop="schedulingStrategy", source=f"{API}/API_CreateService.html"
)
def ecs_daemon_service_on_fargate() -> None:
    net = network()
    cluster = aws.ecs.Cluster("apps")
    aws.ecs.Service(
        "agent",
        cluster=cluster.arn,
        task_definition=_task().arn,
        launch_type="FARGATE",
        scheduling_strategy="DAEMON",
        network_configuration={"subnets": [net.subnets[0].id], "security_groups": [net.group.id]},
    )


@refused("ecs", token="aws:ecs/cluster:Cluster", prop="name", source=f"{API}/API_CreateCluster.html")
def ecs_cluster_name_with_a_dot() -> None:
    aws.ecs.Cluster("apps", name="apps.production")


@refused(
    "ecs",
    token="aws:ecs/capacityProvider:CapacityProvider",
    prop="name",
    source=f"{API}/API_CreateCapacityProvider.html",
)
def ecs_capacity_provider_named_with_a_reserved_prefix() -> None:
    net = network()
    template = aws.ec2.LaunchTemplate("ecs-hosts", instance_type="t3.medium")
    group = aws.autoscaling.Group(
        "ecs-hosts",
        min_size=0,
        max_size=2,
        vpc_zone_identifiers=[net.subnets[0].id],
        launch_template={"id": template.id},
    )
    aws.ecs.CapacityProvider(
        "hosts", name="ecs-spot-hosts", auto_scaling_group_provider={"auto_scaling_group_arn": group.arn}
    )


SAME_VPC = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"


@refused(
    "ecs",
    token="aws:ecs/service:Service",
    prop="taskDefinition",
    source=f"{GUIDE}/task_definition_parameters.html#requires_compatibilities",
)
def ecs_fargate_service_of_an_ec2_only_task_definition() -> None:
    net = network()
    cluster = aws.ecs.Cluster("cluster")
    task = _task(
        requires_compatibilities=["EC2"],
        cpu=None,
        memory=None,
        network_mode="bridge",
        container_definitions=_containers(memory=256, portMappings=[]),
    )
    aws.ecs.Service(
        "web",
        cluster=cluster.arn,
        task_definition=task.arn,
        desired_count=1,
        launch_type="FARGATE",
        network_configuration={"subnets": [s.id for s in net.subnets], "security_groups": [net.group.id]},
    )


@refused("ecs", token="aws:ecs/service:Service", prop="networkConfiguration", source=SAME_VPC)
def ecs_service_with_a_security_group_of_another_vpc() -> None:
    net, other = network(), network("other", "10.1.0.0/16")
    cluster = aws.ecs.Cluster("cluster")
    aws.ecs.Service(
        "web",
        cluster=cluster.arn,
        task_definition=_task().arn,
        desired_count=1,
        launch_type="FARGATE",
        network_configuration={"subnets": [s.id for s in net.subnets], "security_groups": [other.group.id]},
    )


@refused(
    "ecs",
    token="aws:ecs/service:Service",
    prop="networkConfiguration",
    source=f"{API}/API_CreateService.html",
)
def ecs_awsvpc_service_without_a_network_configuration() -> None:
    cluster = aws.ecs.Cluster("cluster")
    aws.ecs.Service(
        "web", cluster=cluster.arn, task_definition=_task().arn, desired_count=1, launch_type="FARGATE"
    )


@valid("ecs")
def ecs_ec2_task_with_only_a_memory_reservation() -> None:
    """memoryReservation alone is enough without a task memory (API_ContainerDefinition.html)."""
    aws.ecs.TaskDefinition(
        "worker",
        family="worker",
        requires_compatibilities=["EC2"],
        network_mode="bridge",
        container_definitions=_containers(
            memoryReservation=128, portMappings=[{"containerPort": 8080, "hostPort": 0}]
        ),
    )


@valid("ecs")
def ecs_fargate_service_behind_an_alb_on_spot() -> None:
    net = network()
    cluster = aws.ecs.Cluster("apps")
    providers = aws.ecs.ClusterCapacityProviders(
        "apps",
        cluster_name=cluster.name,
        capacity_providers=["FARGATE", "FARGATE_SPOT"],
        default_capacity_provider_strategies=[
            {"capacity_provider": "FARGATE", "weight": 1, "base": 2},
            {"capacity_provider": "FARGATE_SPOT", "weight": 4, "base": 0},
        ],
    )
    logs = aws.cloudwatch.LogGroup("web", retention_in_days=14)
    secret = aws.ssm.Parameter("db-url", type="SecureString", value="postgres://db.internal/app")
    web = {
        "name": "web_api-1",
        "image": IMAGE,
        "essential": True,
        "cpu": 768,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "healthCheck": {
            "command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
            "interval": 300,
            "timeout": 5,
            "retries": 10,
            "startPeriod": 0,
        },
    }
    sidecar = {"name": "collector", "image": IMAGE, "essential": False, "cpu": 256}
    task = _task(
        family="web_api-v2",
        cpu="1024",
        memory="2048",
        ephemeral_storage={"size_in_gib": 200},
        container_definitions=pulumi.Output.all(logs.name, secret.arn).apply(
            lambda args: json.dumps(
                [
                    {
                        **web,
                        "secrets": [{"name": "DATABASE_URL", "valueFrom": args[1]}],
                        "logConfiguration": {
                            "logDriver": "awslogs",
                            "options": {"awslogs-group": args[0], "awslogs-region": "eu-west-1"},
                        },
                    },
                    sidecar,
                ]
            )
        ),
    )
    balancer = aws.lb.LoadBalancer(
        "web",
        load_balancer_type="application",
        subnets=[s.id for s in net.subnets],
        security_groups=[net.group.id],
    )
    group = aws.lb.TargetGroup("web", port=8080, protocol="HTTP", vpc_id=net.vpc.id, target_type="ip")
    listener = aws.lb.Listener(
        "http",
        load_balancer_arn=balancer.arn,
        port=80,
        protocol="HTTP",
        default_actions=[{"type": "forward", "target_group_arn": group.arn}],
    )
    aws.ecs.Service(
        "web",
        cluster=cluster.arn,
        task_definition=task.arn,
        desired_count=2,
        capacity_provider_strategies=[
            {"capacity_provider": "FARGATE", "weight": 1, "base": 1},
            {"capacity_provider": "FARGATE_SPOT", "weight": 3},
        ],
        load_balancers=[
            {"target_group_arn": group.arn, "container_name": "web_api-1", "container_port": 8080}
        ],
        network_configuration={"subnets": [s.id for s in net.subnets], "security_groups": [net.group.id]},
        opts=pulumi.ResourceOptions(depends_on=[listener, providers]),
    )


@refused("ecs", token=TASK_DEFINITION, prop="ephemeralStorage", source=f"{API}/API_EphemeralStorage.html")
def ecs_ephemeral_storage_below_21_gib() -> None:
    _task(ephemeral_storage={"size_in_gib": 10})


@refused("ecs", token=TASK_DEFINITION, prop="ephemeralStorage", source=f"{API}/API_EphemeralStorage.html")
def ecs_ephemeral_storage_over_200_gib() -> None:
    _task(ephemeral_storage={"size_in_gib": 500})


@refused("ecs", token=TASK_DEFINITION, prop="family", source=f"{API}/API_RegisterTaskDefinition.html")
def ecs_task_family_with_a_dot() -> None:
    _task(family="web.v2")


@refused(
    "ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_ContainerDefinition.html"
)
def ecs_container_name_with_a_space() -> None:
    _task(container_definitions=_containers(name="web server"))


EXECUTION_ROLE = f"{GUIDE}/task_execution_IAM_role.html"


@refused("ecs", token=TASK_DEFINITION, prop="executionRoleArn", source=EXECUTION_ROLE)
def ecs_fargate_awslogs_without_an_execution_role() -> None:
    logs = aws.cloudwatch.LogGroup("web", retention_in_days=7)
    _task(
        execution_role_arn=None,
        container_definitions=logs.name.apply(
            lambda name: _containers(
                logConfiguration={
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": name, "awslogs-region": "eu-west-1"},
                }
            )
        ),
    )


@refused("ecs", token=TASK_DEFINITION, prop="executionRoleArn", source=EXECUTION_ROLE)
def ecs_container_secrets_without_an_execution_role() -> None:
    secret = aws.ssm.Parameter("db-url", type="SecureString", value="postgres://db.internal/app")
    _task(
        execution_role_arn=None,
        container_definitions=secret.arn.apply(
            lambda arn: _containers(secrets=[{"name": "DATABASE_URL", "valueFrom": arn}])
        ),
    )


@refused(
    "ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_ContainerDefinition.html"
)
def ecs_containers_reserve_more_cpu_than_the_task() -> None:
    sidecar = {"name": "collector", "image": IMAGE, "essential": False, "cpu": 128}
    web = {"name": "web", "image": IMAGE, "cpu": 256}
    _task(container_definitions=json.dumps([web, sidecar]))


@refused(
    "ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_ContainerDefinition.html"
)
def ecs_privileged_container_on_fargate() -> None:
    _task(container_definitions=_containers(privileged=True))


def _health_check(**fields: Any) -> str:
    return _containers(healthCheck={"command": ["CMD-SHELL", "true"], **fields})


@refused("ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_HealthCheck.html")
def ecs_health_check_interval_over_300_seconds() -> None:
    _task(container_definitions=_health_check(interval=600))


@refused("ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_HealthCheck.html")
def ecs_health_check_retries_over_10() -> None:
    _task(container_definitions=_health_check(retries=20))


@refused("ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_HealthCheck.html")
def ecs_health_check_start_period_over_300_seconds() -> None:
    _task(container_definitions=_health_check(startPeriod=600))


@refused("ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_HealthCheck.html")
def ecs_health_check_timeout_of_one_second() -> None:
    _task(container_definitions=_health_check(timeout=1))


STRATEGY_ITEM = f"{API}/API_CapacityProviderStrategyItem.html"


@refused(
    "ecs",
    token="aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    prop="defaultCapacityProviderStrategies",
    source=STRATEGY_ITEM,
)
def ecs_cluster_strategy_with_two_bases() -> None:
    cluster = aws.ecs.Cluster("apps")
    aws.ecs.ClusterCapacityProviders(
        "apps",
        cluster_name=cluster.name,
        capacity_providers=["FARGATE", "FARGATE_SPOT"],
        default_capacity_provider_strategies=[
            {"capacity_provider": "FARGATE", "weight": 1, "base": 1},
            {"capacity_provider": "FARGATE_SPOT", "weight": 3, "base": 1},
        ],
    )


def _fargate_service(**overrides: Any) -> None:
    net = network()
    cluster = aws.ecs.Cluster("apps")
    providers = aws.ecs.ClusterCapacityProviders(
        "apps", cluster_name=cluster.name, capacity_providers=["FARGATE", "FARGATE_SPOT"]
    )
    args: dict[str, Any] = {
        "cluster": cluster.arn,
        "task_definition": _task().arn,
        "desired_count": 1,
        "network_configuration": {"subnets": [s.id for s in net.subnets], "security_groups": [net.group.id]},
        "opts": pulumi.ResourceOptions(depends_on=[providers]),
    }
    args.update(overrides)
    aws.ecs.Service("web", **args)


@refused("ecs", token="aws:ecs/service:Service", prop="capacityProviderStrategies", source=STRATEGY_ITEM)
def ecs_service_strategy_with_two_bases() -> None:
    _fargate_service(
        capacity_provider_strategies=[
            {"capacity_provider": "FARGATE", "weight": 1, "base": 1},
            {"capacity_provider": "FARGATE_SPOT", "weight": 1, "base": 2},
        ]
    )


@refused("ecs", token="aws:ecs/service:Service", prop="launchType", source=f"{API}/API_CreateService.html")
def ecs_service_with_a_launch_type_and_a_strategy() -> None:
    _fargate_service(
        launch_type="FARGATE",
        capacity_provider_strategies=[{"capacity_provider": "FARGATE_SPOT", "weight": 1}],
    )


def _balanced_service(target_type: str, container_name: str, container_port: int) -> None:
    net = network()
    balancer = aws.lb.LoadBalancer(
        "web",
        load_balancer_type="application",
        subnets=[s.id for s in net.subnets],
        security_groups=[net.group.id],
    )
    group = aws.lb.TargetGroup("web", port=8080, protocol="HTTP", vpc_id=net.vpc.id, target_type=target_type)
    listener = aws.lb.Listener(
        "http",
        load_balancer_arn=balancer.arn,
        port=80,
        protocol="HTTP",
        default_actions=[{"type": "forward", "target_group_arn": group.arn}],
    )
    aws.ecs.Service(
        "web",
        cluster=aws.ecs.Cluster("apps").arn,
        task_definition=_task().arn,
        desired_count=1,
        launch_type="FARGATE",
        load_balancers=[
            {
                "target_group_arn": group.arn,
                "container_name": container_name,
                "container_port": container_port,
            }
        ],
        network_configuration={"subnets": [s.id for s in net.subnets], "security_groups": [net.group.id]},
        opts=pulumi.ResourceOptions(depends_on=[listener]),
    )


@refused("ecs", token="aws:ecs/service:Service", prop="loadBalancers", source=f"{GUIDE}/alb.html")
def ecs_awsvpc_service_with_an_instance_target_group() -> None:
    _balanced_service("instance", "web", 8080)


@refused("ecs", token="aws:ecs/service:Service", prop="loadBalancers", source=f"{API}/API_LoadBalancer.html")
def ecs_service_balancing_a_container_the_task_lacks() -> None:
    _balanced_service("ip", "api", 8080)


@refused("ecs", token="aws:ecs/service:Service", prop="loadBalancers", source=f"{API}/API_LoadBalancer.html")
def ecs_service_balancing_a_port_the_container_does_not_map() -> None:
    _balanced_service("ip", "web", 80)


@refused("ecs", token="aws:ecs/service:Service", prop="capacityProviderStrategies", source=STRATEGY_ITEM)
def ecs_service_on_spot_of_a_cluster_without_spot() -> None:
    net = network()
    cluster = aws.ecs.Cluster("apps")
    providers = aws.ecs.ClusterCapacityProviders(
        "apps", cluster_name=cluster.name, capacity_providers=["FARGATE"]
    )
    aws.ecs.Service(
        "web",
        cluster=cluster.arn,
        task_definition=_task().arn,
        desired_count=1,
        capacity_provider_strategies=[{"capacity_provider": "FARGATE_SPOT", "weight": 1}],
        network_configuration={"subnets": [s.id for s in net.subnets], "security_groups": [net.group.id]},
        opts=pulumi.ResourceOptions(depends_on=[providers]),
    )


def _windows(cpu: str, memory: str) -> aws.ecs.TaskDefinition:
    return _task(
        cpu=cpu,
        memory=memory,
        runtime_platform={
            "operating_system_family": "WINDOWS_SERVER_2022_CORE",
            "cpu_architecture": "X86_64",
        },
        container_definitions=_containers(
            image="mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"
        ),
    )


@valid("ecs")
def ecs_windows_task_on_fargate_at_one_vcpu() -> None:
    _windows("1024", "2048")


@refused("ecs", token=TASK_DEFINITION, prop="cpu", source=TASK_SIZE)
def ecs_windows_task_on_fargate_at_a_quarter_vcpu() -> None:
    _windows("256", "512")


@valid("ecs")
def ecs_container_reserving_less_than_its_hard_limit() -> None:
    _task(container_definitions=_containers(memory=512, memoryReservation=256))


@refused(
    "ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{API}/API_ContainerDefinition.html"
)
def ecs_container_reservation_above_its_hard_limit() -> None:
    _task(container_definitions=_containers(memory=256, memoryReservation=384))


@refused(
    "ecs", token=TASK_DEFINITION, prop="containerDefinitions", source=f"{GUIDE}/fargate-tasks-services.html"
)
def ecs_fargate_container_with_links() -> None:
    _task(container_definitions=_containers(links=["db"], dnsServers=["10.0.0.2"]))


@valid("ecs")
def ecs_fargate_sizes_written_without_a_space() -> None:
    _task(cpu="1024", memory="2GB")
