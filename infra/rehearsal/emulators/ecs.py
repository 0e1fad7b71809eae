"""ECS: clusters, capacity providers, task definitions, services."""

from __future__ import annotations

import json
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    EmulationError,
    Resource,
    tags_list,
)
from infra.rehearsal.emulators.ec2 import SAME_VPC, groups_outside_the_subnets_vpc
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates, rule

ECS_NAME = Naming(
    max_length=255,
    pattern=r"[A-Za-z0-9_-]+",
    source=(
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html"
        " and API_CreateService.html"
        " (up to 255 letters, digits, underscores, hyphens)"
    ),
)


@emulates(
    "aws:ecs/cluster:Cluster",
    note="create_cluster",
    replace_on={"name"},
    naming=ECS_NAME,
    arn="arn:{partition}:ecs:{region}:{account}:cluster/{name}",
)
def ecs_cluster(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    settings = [{"name": s["name"], "value": s["value"]} for s in r.get("settings", [])]
    cluster = ctx.aws(
        r,
        "name",
        "ecs",
        "create_cluster",
        clusterName=name,
        settings=settings,
        tags=tags_list(r.get("tags"), key="key", value="value"),
    )["cluster"]
    return cluster["clusterArn"], {"arn": cluster["clusterArn"], "name": name}


@emulates(
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    note="put_cluster_capacity_providers",
    replace_on={"clusterName"},
    naming=UNNAMED,
    arn="",
)
def ecs_capacity_providers(ctx: Context, r: Resource) -> Emulated:
    cluster = str(r.get("clusterName"))
    strategy = [
        {
            "capacityProvider": s["capacityProvider"],
            "weight": int(s.get("weight", 0)),
            "base": int(s.get("base", 0)),
        }
        for s in r.get("defaultCapacityProviderStrategies", [])
    ]
    ctx.aws(
        r,
        "capacityProviders",
        "ecs",
        "put_cluster_capacity_providers",
        cluster=cluster,
        capacityProviders=list(r.get("capacityProviders", [])),
        defaultCapacityProviderStrategy=strategy,
    )
    return cluster, {}


@emulates(
    "aws:ecs/taskDefinition:TaskDefinition",
    note="register_task_definition",
    # task_definition.go (id 4453944302): has an Update (tags); inference_accelerator is gone in pulumi-aws v7
    replace_on={
        "containerDefinitions",
        "cpu",
        "enableFaultInjection",
        "ephemeralStorage",
        "executionRoleArn",
        "family",
        "ipcMode",
        "memory",
        "networkMode",
        "pidMode",
        "placementConstraints",
        "proxyConfiguration",
        "requiresCompatibilities",
        "runtimePlatform",
        "taskRoleArn",
        "volumes",
    },
    naming=UNNAMED,
    arn="arn:{partition}:ecs:{region}:{account}:task-definition/{id}",
)
def ecs_task_definition(ctx: Context, r: Resource) -> Emulated:
    try:
        containers = json.loads(str(r.get("containerDefinitions")))
    except json.JSONDecodeError as err:
        raise EmulationError(
            r.urn, "containerDefinitions", "ClientException", f"invalid JSON: {err}"
        ) from err
    kwargs: dict[str, Any] = {"family": r.get("family"), "containerDefinitions": containers}
    optional = {
        "cpu": "cpu",
        "memory": "memory",
        "networkMode": "networkMode",
        "executionRoleArn": "executionRoleArn",
        "taskRoleArn": "taskRoleArn",
        "requiresCompatibilities": "requiresCompatibilities",
    }
    kwargs.update({boto: r.get(key) for key, boto in optional.items() if r.get(key) is not None})
    if r.get("volumes"):
        kwargs["volumes"] = [{"name": v["name"]} for v in r.get("volumes")]
    platform = r.get("runtimePlatform")
    if platform:
        kwargs["runtimePlatform"] = {
            "operatingSystemFamily": platform.get("operatingSystemFamily", "LINUX"),
            "cpuArchitecture": platform.get("cpuArchitecture", "X86_64"),
        }
    definition = ctx.aws(r, "containerDefinitions", "ecs", "register_task_definition", **kwargs)[
        "taskDefinition"
    ]
    arn = definition["taskDefinitionArn"]
    return str(r.get("family")), {
        "arn": arn,
        "arnWithoutRevision": arn.rsplit(":", 1)[0],
        "revision": definition["revision"],
    }


@emulates(
    "aws:ecs/service:Service",
    note="create_service",
    replace_on={"cluster", "deploymentController", "iamRole", "launchType", "name", "schedulingStrategy"},
    naming=ECS_NAME,
    arn="arn:{partition}:ecs:{region}:{account}:service/{name}",
)
def ecs_service(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "cluster": r.get("cluster"),
        "serviceName": name,
        "taskDefinition": r.get("taskDefinition"),
        "desiredCount": int(r.get("desiredCount", 1)),
        "tags": tags_list(r.get("tags"), key="key", value="value"),
        "enableECSManagedTags": bool(r.get("enableEcsManagedTags", False)),
    }
    if r.get("launchType"):
        kwargs["launchType"] = r.get("launchType")
    if r.get("platformVersion"):
        kwargs["platformVersion"] = r.get("platformVersion")
    if r.get("propagateTags"):
        kwargs["propagateTags"] = r.get("propagateTags")
    network = r.get("networkConfiguration")
    if network:
        kwargs["networkConfiguration"] = {
            "awsvpcConfiguration": {
                "subnets": list(network.get("subnets", [])),
                "securityGroups": list(network.get("securityGroups", [])),
                "assignPublicIp": "ENABLED" if network.get("assignPublicIp") else "DISABLED",
            }
        }
    balancers = [
        {
            "targetGroupArn": lb["targetGroupArn"],
            "containerName": lb["containerName"],
            "containerPort": int(lb["containerPort"]),
        }
        for lb in r.get("loadBalancers", [])
    ]
    if balancers:
        kwargs["loadBalancers"] = balancers
    if r.get("healthCheckGracePeriodSeconds") is not None:
        kwargs["healthCheckGracePeriodSeconds"] = int(r.get("healthCheckGracePeriodSeconds"))
    deployment: dict[str, Any] = {}
    breaker = r.get("deploymentCircuitBreaker")
    if breaker:
        deployment["deploymentCircuitBreaker"] = {
            "enable": bool(breaker["enable"]),
            "rollback": bool(breaker["rollback"]),
        }
    for prop, boto in (
        ("deploymentMinimumHealthyPercent", "minimumHealthyPercent"),
        ("deploymentMaximumPercent", "maximumPercent"),
    ):
        if r.get(prop) is not None:
            deployment[boto] = int(r.get(prop))
    if deployment:
        kwargs["deploymentConfiguration"] = deployment
    service = ctx.aws(r, "taskDefinition", "ecs", "create_service", **kwargs)["service"]
    return service["serviceArn"], {
        "name": name,
        "arn": service["serviceArn"],
        "cluster": service["clusterArn"],
    }


_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
_DEV_GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"
_TASK_SIZE = f"{_DEV_GUIDE}/fargate-tasks-services.html#fargate-tasks-size"

# Fargate task CPU units -> the memory sizes (MiB) allowed with it, from the task size table.
FARGATE_TASK_SIZES: dict[int, range | tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: range(1024, 4096 + 1, 1024),
    1024: range(2048, 8192 + 1, 1024),
    2048: range(4096, 16384 + 1, 1024),
    4096: range(8192, 30720 + 1, 1024),
    8192: range(16384, 61440 + 1, 4096),
    16384: range(32768, 122880 + 1, 8192),
}


def _units(value: Any, unit: str, per_unit: int) -> int | None:
    """CPU units or MiB from "1024", "1 vCPU" or "2 GB", as the task definition accepts them."""
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    number, _, suffix = text.partition(" ")
    if suffix.strip().lower() == unit.lower():
        try:
            return int(float(number) * per_unit)
        except ValueError:
            return None
    return None


def _is_fargate(r: Resource) -> bool:
    return "FARGATE" in (r.get("requiresCompatibilities") or [])


@rule(
    "ecs-fargate-network-mode",
    _TASK_DEFINITION,
    prop="networkMode",
    summary="A Fargate task definition uses the awsvpc network mode",
    source=f"{_DEV_GUIDE}/fargate-task-defs.html (network mode awsvpc)",
)
def _fargate_network_mode(ctx: Context, r: Resource) -> str | None:
    mode = r.get("networkMode")
    if not _is_fargate(r) or mode == "awsvpc":
        return None
    return f"Fargate tasks require the awsvpc network mode, not {mode or 'the default (bridge)'}"


@rule(
    "ecs-fargate-task-cpu",
    _TASK_DEFINITION,
    prop="cpu",
    summary="A Fargate task definition has a task CPU of 256, 512, 1024, 2048, 4096, 8192 or 16384 units",
    source=_TASK_SIZE,
)
def _fargate_task_cpu(ctx: Context, r: Resource) -> str | None:
    if not _is_fargate(r):
        return None
    cpu = r.get("cpu")
    if cpu is None:
        return "a Fargate task definition needs a task-level cpu"
    units = _units(cpu, "vCPU", 1024)
    if units in FARGATE_TASK_SIZES:
        return None
    return f"task cpu {cpu!r} is not a Fargate size ({', '.join(str(c) for c in FARGATE_TASK_SIZES)})"


@rule(
    "ecs-fargate-task-memory",
    _TASK_DEFINITION,
    prop="memory",
    summary="A Fargate task definition's memory is one the task size table allows with its CPU",
    source=_TASK_SIZE,
)
def _fargate_task_memory(ctx: Context, r: Resource) -> str | None:
    if not _is_fargate(r):
        return None
    cpu = _units(r.get("cpu", ""), "vCPU", 1024)
    memory = r.get("memory")
    if memory is None:
        return "a Fargate task definition needs a task-level memory"
    allowed = FARGATE_TASK_SIZES.get(cpu or 0)
    mib = _units(memory, "GB", 1024)
    if allowed is None or mib in allowed:
        return None
    shown = (
        f"{allowed.start}-{allowed.stop - 1} MiB in steps of {allowed.step}"
        if isinstance(allowed, range)
        else f"{', '.join(str(m) for m in allowed)} MiB"
    )
    return f"memory {memory!r} is not allowed with cpu {r.get('cpu')}: Fargate allows {shown}"


def _containers(r: Resource) -> list[Any] | None:
    try:
        containers = json.loads(str(r.get("containerDefinitions")))
    except json.JSONDecodeError:
        return None
    return containers if isinstance(containers, list) else None


_CONTAINER_DEFINITION = (
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html"
)


@rule(
    "ecs-container-definitions",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="containerDefinitions is a JSON list of containers, each with a name and an image",
    source=f"{_CONTAINER_DEFINITION} (name and image are required); the provider's "
    "validTaskDefinitionContainerDefinitions",
)
def _container_definitions(ctx: Context, r: Resource) -> str | None:
    text = r.get("containerDefinitions")
    if text is None:
        return None
    try:
        containers = json.loads(str(text))
    except json.JSONDecodeError as err:
        return f"containerDefinitions is not valid JSON: {err}"
    if not isinstance(containers, list) or not containers:
        return "containerDefinitions must be a non-empty JSON list of container definitions"
    for index, container in enumerate(containers):
        missing = [
            key for key in ("name", "image") if not isinstance(container, dict) or not container.get(key)
        ]
        if missing:
            return f"container [{index}] has no {' or '.join(missing)}"
    return None


@rule(
    "ecs-essential-container",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="A task definition has at least one essential container",
    source=f"{_DEV_GUIDE}/task_definition_parameters.html (essential: all tasks must have at least one "
    "essential container)",
)
def _essential_container(ctx: Context, r: Resource) -> str | None:
    containers = _containers(r)
    if not containers or any(c.get("essential", True) for c in containers if isinstance(c, dict)):
        return None
    return "every container has essential: false; a task needs at least one essential container"


@rule(
    "ecs-container-memory",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="The memory the containers reserve together fits in the task's memory",
    source=f"{_CONTAINER_DEFINITION} (memory: the total reserved for all containers must be lower than the "
    "task memory)",
)
def _container_memory(ctx: Context, r: Resource) -> str | None:
    containers = _containers(r)
    task_memory = _units(r.get("memory", ""), "GB", 1024)
    if not containers or task_memory is None:
        return None
    reserved = sum(
        int(c.get("memoryReservation") or c.get("memory") or 0) for c in containers if isinstance(c, dict)
    )
    if reserved <= task_memory:
        return None
    return f"the containers reserve {reserved} MiB, more than the task's {task_memory} MiB"


@rule(
    "ecs-awsvpc-host-port",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="With the awsvpc network mode a port mapping's hostPort is omitted or equals its containerPort",
    source="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html (hostPort)",
)
def _awsvpc_host_port(ctx: Context, r: Resource) -> str | None:
    containers = _containers(r)
    if r.get("networkMode") != "awsvpc" or not containers:
        return None
    for container in containers:
        for mapping in container.get("portMappings", []) if isinstance(container, dict) else []:
            host, port = mapping.get("hostPort"), mapping.get("containerPort")
            if host is not None and port is not None and int(host) != int(port):
                return (
                    f"container {container.get('name')!r} maps hostPort {host} to containerPort {port};"
                    " with awsvpc they must be equal"
                )
    return None


@rule(
    "ecs-service-daemon-fargate",
    "aws:ecs/service:Service",
    prop="schedulingStrategy",
    summary="The DAEMON scheduling strategy is not used with the Fargate launch type",
    source="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"
    " (schedulingStrategy: Fargate tasks don't support DAEMON)",
)
def _daemon_fargate(ctx: Context, r: Resource) -> str | None:
    if r.get("schedulingStrategy") == "DAEMON" and r.get("launchType") == "FARGATE":
        return "tasks using the Fargate launch type don't support the DAEMON scheduling strategy"
    return None


def _described_task_definition(ctx: Context, r: Resource) -> dict[str, Any] | None:
    """The service's task definition as the account holds it, or None (moto refuses an unknown one)."""
    task_definition, ecs = r.get("taskDefinition"), ctx.client("ecs")
    if not isinstance(task_definition, str):
        return None
    try:
        described: dict[str, Any] = ecs.describe_task_definition(taskDefinition=task_definition)
    except ecs.exceptions.ClientError:  # one moto does not hold: moto refuses the service itself
        return None
    return dict(described["taskDefinition"])


@rule(
    "ecs-service-awsvpc-network-configuration",
    "aws:ecs/service:Service",
    prop="networkConfiguration",
    summary="A service whose task definition uses the awsvpc network mode has a network configuration",
    source="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"
    " (networkConfiguration: required for task definitions that use the awsvpc network mode)",
)
def _awsvpc_network_configuration(ctx: Context, r: Resource) -> str | None:
    if r.get("networkConfiguration"):
        return None
    task = _described_task_definition(ctx, r)
    if task is None or task.get("networkMode") != "awsvpc":
        return None
    return "the task definition uses the awsvpc network mode, so the service needs a networkConfiguration"


@rule(
    "ecs-service-launch-type-compatible",
    "aws:ecs/service:Service",
    prop="taskDefinition",
    summary="A service's launch type is one its task definition requires compatibility with",
    source=f"{_DEV_GUIDE}/task_definition_parameters.html#requires_compatibilities"
    " (the launch types a task definition is validated against)",
)
def _launch_type_compatible(ctx: Context, r: Resource) -> str | None:
    launch_type = r.get("launchType")
    task = _described_task_definition(ctx, r) if launch_type in ("FARGATE", "EC2", "EXTERNAL") else None
    if task is None:
        return None
    compatibilities = task.get("requiresCompatibilities") or ["EC2"]
    if launch_type in compatibilities:
        return None
    return f"the task definition does not support launch type {launch_type} (it requires {compatibilities})"


@rule(
    "ecs-service-groups-in-subnet-vpc",
    "aws:ecs/service:Service",
    prop="networkConfiguration.securityGroups",
    summary="An awsvpc service's security groups belong to its subnets' VPC",
    source=SAME_VPC,
)
def _service_groups_in_vpc(ctx: Context, r: Resource) -> str | None:
    network = r.get("networkConfiguration") or {}
    return groups_outside_the_subnets_vpc(ctx, network.get("subnets"), network.get("securityGroups"))


CAPACITY_PROVIDER_NAME = Naming(
    max_length=255,
    pattern=r"(?!(?i:aws|ecs|fargate))[A-Za-z0-9_-]+",
    source=(
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html"
        " (name: up to 255 letters, digits, underscores, hyphens; not prefixed with aws, ecs or fargate)"
    ),
)


@emulates(
    "aws:ecs/capacityProvider:CapacityProvider",
    note="create_capacity_provider on an Auto Scaling group",
    # autoScalingGroupProvider.autoScalingGroupArn is ForceNew too, but the rest of that block updates.
    replace_on={"autoScalingGroupProvider", "cluster", "managedInstancesProvider", "name"},
    naming=CAPACITY_PROVIDER_NAME,
    arn="arn:{partition}:ecs:{region}:{account}:capacity-provider/{name}",
)
def ecs_capacity_provider(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    provider = r.get("autoScalingGroupProvider") or {}
    converted: dict[str, Any] = {"autoScalingGroupArn": provider.get("autoScalingGroupArn")}
    scaling = provider.get("managedScaling")
    if scaling:
        converted["managedScaling"] = {
            boto: (int(scaling[key]) if isinstance(scaling[key], float) else scaling[key])
            for key, boto in (
                ("status", "status"),
                ("targetCapacity", "targetCapacity"),
                ("minimumScalingStepSize", "minimumScalingStepSize"),
                ("maximumScalingStepSize", "maximumScalingStepSize"),
                ("instanceWarmupPeriod", "instanceWarmupPeriod"),
            )
            if scaling.get(key) is not None
        }
    if provider.get("managedTerminationProtection"):
        converted["managedTerminationProtection"] = provider["managedTerminationProtection"]
    if provider.get("managedDraining"):
        converted["managedDraining"] = provider["managedDraining"]
    created = ctx.aws(
        r,
        "autoScalingGroupProvider",
        "ecs",
        "create_capacity_provider",
        name=name,
        autoScalingGroupProvider=converted,
        tags=tags_list(r.get("tags"), key="key", value="value"),
    )["capacityProvider"]
    return created["capacityProviderArn"], {"arn": created["capacityProviderArn"], "name": name}
