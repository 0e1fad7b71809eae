"""ECS cases: clusters, capacity providers, task definitions, services."""

from __future__ import annotations

import json
from typing import Any

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
