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
from infra.rehearsal.spec import EVERY_INPUT, UNNAMED, Emulated, Naming, emulates

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
    replace_on={EVERY_INPUT},
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
    replace_on={"cluster", "iamRole", "launchType", "name", "schedulingStrategy"},
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
