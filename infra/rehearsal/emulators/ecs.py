"""ECS: clusters, capacity providers, task definitions, services."""

from __future__ import annotations

import json
import re
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


def _moto_refuses_memory_reservation_alone(kwargs: dict[str, Any]) -> bool:
    """moto 5.2 wants a container's hard `memory` on EC2 without a task memory; AWS takes memoryReservation
    alone (API_ContainerDefinition.html, memoryReservation), so such a definition is registered without its
    requiresCompatibilities, which are put back on moto's copy after."""
    return (
        "EC2" in (kwargs.get("requiresCompatibilities") or [])
        and kwargs.get("memory") is None
        and any(isinstance(c, dict) and "memory" not in c for c in kwargs["containerDefinitions"])
    )


def _moto_task_definition(ctx: Context, arn: str) -> Any:
    from moto.ecs.models import ecs_backends

    family, revision = arn.rsplit("/", 1)[-1].rsplit(":", 1)
    return ecs_backends[ctx.account_id][ctx.region].task_definitions[family][int(revision)]


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
    requires = kwargs.get("requiresCompatibilities")
    reservation_only = _moto_refuses_memory_reservation_alone(kwargs)
    if reservation_only:
        del kwargs["requiresCompatibilities"]
    definition = ctx.aws(r, "containerDefinitions", "ecs", "register_task_definition", **kwargs)[
        "taskDefinition"
    ]
    arn = definition["taskDefinitionArn"]
    if reservation_only:
        _moto_task_definition(ctx, arn).requires_compatibilities = requires
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
    """CPU units or MiB from "1024", "1 vCPU", "2 GB" or "2GB", as the task definition accepts them
    (API_RegisterTaskDefinition: memory "1GB or 1 GB", cpu "1 vCPU or 1 vcpu")."""
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*" + re.escape(unit), text, flags=re.IGNORECASE)
    return int(float(match.group(1)) * per_unit) if match else None


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


# The task size table's "operating systems" column: Windows on Fargate runs at 1, 2 or 4 vCPU only.
FARGATE_WINDOWS_CPU = (1024, 2048, 4096)


@rule(
    "ecs-fargate-windows-task-cpu",
    _TASK_DEFINITION,
    prop="cpu",
    summary="A Windows task definition on Fargate has a task CPU of 1024, 2048 or 4096 units",
    source=f"{_TASK_SIZE} (Windows: 1, 2 and 4 vCPU); https://docs.aws.amazon.com/AmazonECS/latest/"
    "APIReference/API_RegisterTaskDefinition.html (memory: the "
    "CPU units cannot be less than 1 vCPU when you use Windows containers on Fargate)",
)
def _fargate_windows_task_cpu(ctx: Context, r: Resource) -> str | None:
    family = str((r.get("runtimePlatform") or {}).get("operatingSystemFamily", ""))
    if not _is_fargate(r) or not family.startswith("WINDOWS"):
        return None
    units = _units(r.get("cpu", ""), "vCPU", 1024)
    if units is None or units in FARGATE_WINDOWS_CPU:
        return None
    allowed = ", ".join(str(c) for c in FARGATE_WINDOWS_CPU)
    return f"task cpu {r.get('cpu')!r} is not offered for {family} on Fargate ({allowed})"


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
    "ecs-container-memory-reservation",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="A container that sets both memory and memoryReservation reserves no more than its hard limit",
    source=f"{_CONTAINER_DEFINITION} (memoryReservation: if you specify both, memory must be greater than "
    "memoryReservation)",
)
def _container_memory_reservation(ctx: Context, r: Resource) -> str | None:
    for container in _containers(r) or []:
        if not isinstance(container, dict):
            continue
        memory, reservation = container.get("memory"), container.get("memoryReservation")
        # Equal values are left alone: AWS's wording ("greater than") is stricter than what is known refused.
        if isinstance(memory, int) and isinstance(reservation, int) and memory < reservation:
            return (
                f"container {container.get('name')!r}: memoryReservation {reservation} MiB is above its hard "
                f"limit, memory {memory} MiB; memory must be greater than memoryReservation"
            )
    return None


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


EPHEMERAL_STORAGE_GIB = (21, 200)


@rule(
    "ecs-ephemeral-storage-size",
    _TASK_DEFINITION,
    prop="ephemeralStorage",
    summary="A task's ephemeral storage is 21-200 GiB",
    source="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html (sizeInGiB)",
)
def _ephemeral_storage(ctx: Context, r: Resource) -> str | None:
    size = (r.get("ephemeralStorage") or {}).get("sizeInGib")
    low, high = EPHEMERAL_STORAGE_GIB
    if not isinstance(size, int | float) or low <= size <= high:
        return None
    return f"ephemeralStorage.sizeInGib {int(size)} is not within {low}-{high} GiB"


_ECS_IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{1,255}")


@rule(
    "ecs-task-family",
    _TASK_DEFINITION,
    prop="family",
    summary="A task definition family is up to 255 letters, digits, underscores and hyphens",
    source="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html"
    " (family)",
)
def _task_family(ctx: Context, r: Resource) -> str | None:
    family = r.get("family")
    if not isinstance(family, str) or _ECS_IDENTIFIER.fullmatch(family):
        return None
    return f"family {family!r} is not up to 255 letters, digits, underscores and hyphens"


@rule(
    "ecs-container-name",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="A container's name is up to 255 letters, digits, underscores and hyphens",
    source=f"{_CONTAINER_DEFINITION} (name)",
)
def _container_name(ctx: Context, r: Resource) -> str | None:
    for container in _containers(r) or []:
        name = container.get("name") if isinstance(container, dict) else None
        if isinstance(name, str) and not _ECS_IDENTIFIER.fullmatch(name):
            return f"container name {name!r} is not up to 255 letters, digits, underscores and hyphens"
    return None


@rule(
    "ecs-fargate-awslogs-execution-role",
    _TASK_DEFINITION,
    prop="executionRoleArn",
    summary="A Fargate task definition whose containers log with awslogs has an execution role",
    source=f"{_DEV_GUIDE}/task_execution_IAM_role.html (Fargate tasks sending logs with the awslogs driver"
    " need the task execution role)",
)
def _awslogs_execution_role(ctx: Context, r: Resource) -> str | None:
    if not _is_fargate(r) or r.get("executionRoleArn"):
        return None
    for container in _containers(r) or []:
        driver = ((container.get("logConfiguration") or {}) if isinstance(container, dict) else {}).get(
            "logDriver"
        )
        if driver == "awslogs":
            return f"container {container.get('name')!r} logs with awslogs on Fargate: needs executionRoleArn"
    return None


@rule(
    "ecs-secrets-execution-role",
    _TASK_DEFINITION,
    prop="executionRoleArn",
    summary="A task definition whose containers take secrets has an execution role to read them",
    source=f"{_DEV_GUIDE}/task_execution_IAM_role.html (required to reference sensitive data with Secrets "
    "Manager or Systems Manager Parameter Store)",
)
def _secrets_execution_role(ctx: Context, r: Resource) -> str | None:
    if r.get("executionRoleArn"):
        return None
    for container in _containers(r) or []:
        if isinstance(container, dict) and container.get("secrets"):
            return f"container {container.get('name')!r} takes secrets, which needs executionRoleArn"
    return None


@rule(
    "ecs-container-cpu",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="The CPU units the containers reserve together fit in the task's CPU",
    source=f"{_CONTAINER_DEFINITION} (cpu: the total reserved for all containers must be lower than the task "
    "cpu)",
)
def _container_cpu(ctx: Context, r: Resource) -> str | None:
    containers = _containers(r)
    task_cpu = _units(r.get("cpu", ""), "vCPU", 1024)
    if not containers or task_cpu is None:
        return None
    reserved = sum(int(c.get("cpu") or 0) for c in containers if isinstance(c, dict))
    if reserved <= task_cpu:
        return None
    return f"the containers reserve {reserved} CPU units, more than the task's {task_cpu}"


@rule(
    "ecs-fargate-privileged",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="A Fargate task's containers are not privileged",
    source=f"{_CONTAINER_DEFINITION} (privileged: not supported for tasks run on Fargate)",
)
def _fargate_privileged(ctx: Context, r: Resource) -> str | None:
    if not _is_fargate(r):
        return None
    for container in _containers(r) or []:
        if isinstance(container, dict) and container.get("privileged") is True:
            return f"container {container.get('name')!r} is privileged, which Fargate does not support"
    return None


# Container parameters the Fargate task definition differences page lists as not valid in Fargate tasks.
FARGATE_INVALID_CONTAINER_PARAMETERS = (
    "disableNetworking",
    "dnsSearchDomains",
    "dnsServers",
    "dockerSecurityOptions",
    "extraHosts",
    "links",
)


@rule(
    "ecs-fargate-unsupported-container-parameters",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="A Fargate task's containers set none of disableNetworking, dnsSearchDomains, dnsServers, "
    "dockerSecurityOptions, extraHosts, links",
    source=f"{_DEV_GUIDE}/fargate-tasks-services.html (parameters not valid in Fargate tasks)",
)
def _fargate_unsupported_container_parameters(ctx: Context, r: Resource) -> str | None:
    if not _is_fargate(r):
        return None
    for container in _containers(r) or []:
        if not isinstance(container, dict):
            continue
        given = [key for key in FARGATE_INVALID_CONTAINER_PARAMETERS if container.get(key)]
        if given:
            return f"container {container.get('name')!r} sets {', '.join(given)}, not valid in Fargate tasks"
    return None


# Container health check field -> its allowed seconds or count (API_HealthCheck; the timeout's upper bound
# differs between versions of the page, so only its lower bound is checked).
HEALTH_CHECK_RANGES = {
    "interval": (5, 300),
    "timeout": (2, None),
    "retries": (1, 10),
    "startPeriod": (0, 300),
}


@rule(
    "ecs-container-health-check",
    _TASK_DEFINITION,
    prop="containerDefinitions",
    summary="A container health check's interval is 5-300 s, timeout at least 2 s, retries 1-10, "
    "startPeriod 0-300 s",
    source="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
)
def _container_health_check(ctx: Context, r: Resource) -> str | None:
    for container in _containers(r) or []:
        check = container.get("healthCheck") if isinstance(container, dict) else None
        for key, (low, high) in HEALTH_CHECK_RANGES.items():
            value = check.get(key) if isinstance(check, dict) else None
            if isinstance(value, int | float) and (value < low or (high is not None and value > high)):
                shown = f"{low}-{high}" if high is not None else f"at least {low}"
                return f"container {container.get('name')!r}: healthCheck.{key} {value} is not {shown}"
    return None


_STRATEGY_ITEM = (
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html"
    " (base: only one capacity provider in a strategy can have a base defined)"
)


def _several_bases(strategy: list[Any]) -> str | None:
    based = [s.get("capacityProvider") for s in strategy if isinstance(s, dict) and (s.get("base") or 0) > 0]
    if len(based) <= 1:
        return None
    return f"{' and '.join(str(b) for b in based)} both have a base; only one provider of a strategy may"


@rule(
    "ecs-cluster-strategy-one-base",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    prop="defaultCapacityProviderStrategies",
    summary="Only one capacity provider of a cluster's default strategy has a base",
    source=_STRATEGY_ITEM,
)
def _cluster_strategy_one_base(ctx: Context, r: Resource) -> str | None:
    return _several_bases(r.get("defaultCapacityProviderStrategies") or [])


_SERVICE = "aws:ecs/service:Service"


@rule(
    "ecs-service-strategy-one-base",
    _SERVICE,
    prop="capacityProviderStrategies",
    summary="Only one capacity provider of a service's strategy has a base",
    source=_STRATEGY_ITEM,
)
def _service_strategy_one_base(ctx: Context, r: Resource) -> str | None:
    return _several_bases(r.get("capacityProviderStrategies") or [])


@rule(
    "ecs-service-launch-type-or-strategy",
    _SERVICE,
    prop="launchType",
    summary="A service has a launch type or a capacity provider strategy, not both",
    source="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"
    " (capacityProviderStrategy: if specified, the launchType parameter must be omitted)",
)
def _launch_type_or_strategy(ctx: Context, r: Resource) -> str | None:
    if r.get("launchType") and r.get("capacityProviderStrategies"):
        return f"launchType {r.get('launchType')} cannot be set with capacityProviderStrategies"
    return None


def _balanced_containers(ctx: Context, r: Resource) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The service's loadBalancers and its task definition as the account holds it, when both are known."""
    balancers = [b for b in r.get("loadBalancers") or [] if isinstance(b, dict)]
    task = _described_task_definition(ctx, r) if balancers else None
    return (balancers, task) if task is not None else None


_LOAD_BALANCER_API = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html"


@rule(
    "ecs-service-load-balancer-container",
    _SERVICE,
    prop="loadBalancers",
    summary="A service's load balancer names a container of its task definition and a containerPort it maps",
    source=f"{_LOAD_BALANCER_API} (containerName: as it appears in a container definition; containerPort: "
    "must correspond to a containerPort in the task definition)",
)
def _load_balancer_container(ctx: Context, r: Resource) -> str | None:
    found = _balanced_containers(ctx, r)
    if found is None:
        return None
    balancers, task = found
    containers = {c.get("name"): c for c in task.get("containerDefinitions") or []}
    for balancer in balancers:
        name, port = balancer.get("containerName"), balancer.get("containerPort")
        if not isinstance(name, str):
            continue
        if name not in containers:
            return (
                f"containerName {name!r} is not a container of the task definition ({', '.join(containers)})"
            )
        mappings = containers[name].get("portMappings") or []
        if any(m.get("containerPortRange") for m in mappings):
            continue  # a port range is not read here
        mapped = [m.get("containerPort") for m in mappings]
        if isinstance(port, int | float) and int(port) not in mapped:
            return f"containerPort {int(port)} is not one container {name!r} maps ({mapped or 'none'})"
    return None


@rule(
    "ecs-service-awsvpc-ip-target-group",
    _SERVICE,
    prop="loadBalancers",
    summary="A service whose task definition uses the awsvpc network mode registers with ip target groups",
    source=f"{_DEV_GUIDE}/alb.html (awsvpc network mode: choose ip as the target type, not instance)",
)
def _awsvpc_ip_target_group(ctx: Context, r: Resource) -> str | None:
    from botocore.exceptions import ClientError

    found = _balanced_containers(ctx, r)
    if found is None or found[1].get("networkMode") != "awsvpc":
        return None
    for balancer in found[0]:
        arn = balancer.get("targetGroupArn")
        if not isinstance(arn, str):
            continue
        try:
            groups = ctx.client("elbv2").describe_target_groups(TargetGroupArns=[arn])["TargetGroups"]
        except ClientError:
            continue
        kind = groups[0].get("TargetType") if groups else None
        if kind == "instance":
            return (
                f"the task definition uses awsvpc: target group {arn} must have target type ip, not instance"
            )
    return None


@rule(
    "ecs-service-strategy-providers-on-cluster",
    _SERVICE,
    prop="capacityProviderStrategies",
    summary="A service's capacity provider strategy names providers associated with its cluster",
    source="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html"
    " (a capacity provider must be associated with a cluster before it can be used in a strategy)",
)
def _strategy_providers_on_cluster(ctx: Context, r: Resource) -> str | None:
    strategy = [
        s.get("capacityProvider") for s in r.get("capacityProviderStrategies") or [] if isinstance(s, dict)
    ]
    cluster = r.get("cluster")
    if not strategy or not isinstance(cluster, str):
        return None
    ecs = ctx.client("ecs")
    try:
        found = ecs.describe_clusters(clusters=[cluster])["clusters"]
    except ecs.exceptions.ClientError:
        return None
    associated = list(found[0].get("capacityProviders") or []) if found else []
    # Nothing associated yet may be an association the program makes alongside (a real deploy races it
    # unless the service depends on it); only a cluster whose associations are known is judged.
    missing = [p for p in strategy if isinstance(p, str) and p not in associated]
    if not associated or not missing:
        return None
    return f"{', '.join(missing)} is not associated with the cluster (it has {', '.join(associated)})"
