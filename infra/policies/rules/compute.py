"""ECS: private tasks, unprivileged read-only containers, secrets from Secrets Manager, logs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from infra.policies.model import Enforcement, Resource, Rule, Severity, as_list, as_mapping
from infra.policies.rules.common import containers

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
CLUSTER = "aws:ecs/cluster:Cluster"

# Names Security Hub looks for, and the shapes of names that hold credentials in practice.
SECRET_NAME = re.compile(
    r"^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|ECS_ENGINE_AUTH_DATA)$"
    r"|PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY",
    re.IGNORECASE,
)
ROOT_USERS = ("root", "0")


def _no_public_ip(resource: Resource) -> Sequence[str]:
    network = as_mapping(resource.get("networkConfiguration"))
    if network.get("assignPublicIp") is True:
        return [f"service {resource.name} gives its tasks public IP addresses"]
    return []


def _latest_platform(resource: Resource) -> Sequence[str] | None:
    if resource.get("launchType") != "FARGATE" and not resource.get("capacityProviderStrategies"):
        return None
    version = resource.get("platformVersion")
    if version in (None, "LATEST"):
        return []
    return [f"service {resource.name} pins Fargate platform version {version}"]


def _host_network_secure(resource: Resource) -> Sequence[str] | None:
    if resource.get("networkMode") != "host":
        return None
    return [
        f"{resource.name}: container {c.get('name')} runs in host network mode "
        f"{'privileged' if c.get('privileged') is True else 'as root'}"
        for c in containers(resource)
        if c.get("privileged") is True or str(c.get("user") or "root").split(":")[0] in ROOT_USERS
    ]


def _no_host_network(resource: Resource) -> Sequence[str]:
    if resource.get("networkMode") == "host":
        return [f"{resource.name} uses host network mode"]
    return []


def _no_host_pid(resource: Resource) -> Sequence[str]:
    if resource.get("pidMode") == "host":
        return [f"{resource.name} shares the host's process namespace"]
    return []


def _not_privileged(resource: Resource) -> Sequence[str]:
    return [
        f"{resource.name}: container {c.get('name')} is privileged"
        for c in containers(resource)
        if c.get("privileged") is True
    ]


def _read_only_root(resource: Resource) -> Sequence[str]:
    return [
        f"{resource.name}: container {c.get('name')} has a writable root filesystem"
        for c in containers(resource)
        if c.get("readonlyRootFilesystem") is not True
    ]


def _no_secret_environment(resource: Resource) -> Sequence[str]:
    problems = []
    for container in containers(resource):
        for variable in as_list(container.get("environment")):
            name = str(as_mapping(variable).get("name", ""))
            if SECRET_NAME.search(name):
                problems.append(
                    f"{resource.name}: container {container.get('name')} has {name} in plain environment"
                )
    return problems


def _logging(resource: Resource) -> Sequence[str]:
    return [
        f"{resource.name}: container {c.get('name')} has no log configuration"
        for c in containers(resource)
        if not as_mapping(c.get("logConfiguration")).get("logDriver")
    ]


def _container_insights(resource: Resource) -> Sequence[str]:
    settings = {
        str(as_mapping(s).get("name")): str(as_mapping(s).get("value"))
        for s in as_list(resource.get("settings"))
    }
    if settings.get("containerInsights") in ("enabled", "enhanced"):
        return []
    return [f"cluster {resource.name} has Container Insights off"]


def _efs_in_transit(resource: Resource) -> Sequence[str] | None:
    volumes = [as_mapping(v) for v in as_list(resource.get("volumes"))]
    efs = [
        (v, as_mapping(v.get("efsVolumeConfiguration"))) for v in volumes if v.get("efsVolumeConfiguration")
    ]
    if not efs:
        return None
    return [
        f"{resource.name}: EFS volume {v.get('name')} is mounted without transit encryption"
        for v, config in efs
        if config.get("transitEncryption") != "ENABLED"
    ]


def _non_root_user(resource: Resource) -> Sequence[str]:
    if resource.get("networkMode") == "host":
        return []
    return [
        f"{resource.name}: container {c.get('name')} sets no non-root user (the image decides)"
        if not c.get("user")
        else f"{resource.name}: container {c.get('name')} runs as root"
        for c in containers(resource)
        if str(c.get("user") or "root").split(":")[0] in ROOT_USERS
    ]


RULES = (
    Rule(
        id="ecs-task-host-network-secure",
        control="ECS.1",
        desired="Task definitions in host network mode run no privileged or root containers.",
        explanation="In host mode a container shares the host's network stack; set privileged=false and a "
        "non-root user, or use awsvpc.",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(TASK_DEFINITION,),
        check=_host_network_secure,
    ),
    Rule(
        id="ecs-service-no-public-ip",
        control="ECS.2",
        desired="ECS services do not assign public IP addresses to their tasks.",
        explanation="Run tasks in private subnets behind a load balancer; set "
        "network_configuration.assign_public_ip=False.",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(SERVICE,),
        check=_no_public_ip,
    ),
    Rule(
        id="ecs-task-no-host-pid",
        control="ECS.3",
        desired="Task definitions do not share the host's process namespace.",
        explanation="Remove pid_mode='host'.",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(TASK_DEFINITION,),
        check=_no_host_pid,
    ),
    Rule(
        id="ecs-container-not-privileged",
        control="ECS.4",
        desired="Containers do not run privileged.",
        explanation='A privileged container is root on the host. Set "privileged": false.',
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(TASK_DEFINITION,),
        check=_not_privileged,
    ),
    Rule(
        id="ecs-container-read-only-root",
        control="ECS.5",
        desired="Containers have a read-only root filesystem.",
        explanation='Set "readonlyRootFilesystem": true and mount a volume where the process must write '
        "(the platform mounts a scratch /tmp).",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(TASK_DEFINITION,),
        check=_read_only_root,
    ),
    Rule(
        id="ecs-no-secrets-in-environment",
        control="ECS.8",
        desired="No credential is passed to a container as a plain environment variable.",
        explanation="Plain environment is readable by anyone who can describe the task definition. Move the "
        'value to Secrets Manager and reference it under "secrets" (valueFrom).',
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(TASK_DEFINITION,),
        check=_no_secret_environment,
    ),
    Rule(
        id="ecs-container-logging",
        control="ECS.9",
        desired="Every container has a log configuration.",
        explanation="Set logConfiguration with the awslogs driver and a log group.",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(TASK_DEFINITION,),
        check=_logging,
    ),
    Rule(
        id="ecs-fargate-latest-platform",
        control="ECS.10",
        desired="Fargate services run on the LATEST platform version.",
        explanation="Pinned versions miss security patches; set platform_version='LATEST' or leave it unset.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(SERVICE,),
        check=_latest_platform,
    ),
    Rule(
        id="ecs-cluster-container-insights",
        control="ECS.12",
        desired="ECS clusters have Container Insights on.",
        explanation="Add settings=[{name: 'containerInsights', value: 'enhanced'}] (or 'enabled').",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(CLUSTER,),
        check=_container_insights,
    ),
    Rule(
        id="ecs-task-no-host-network",
        control="ECS.17",
        desired="Task definitions do not use host network mode.",
        explanation="Use network_mode='awsvpc' so each task has its own interface and security group.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(TASK_DEFINITION,),
        check=_no_host_network,
    ),
    Rule(
        id="ecs-efs-in-transit-encryption",
        control="ECS.18",
        desired="EFS volumes of task definitions are mounted with transit encryption.",
        explanation="Set efs_volume_configuration.transit_encryption='ENABLED'.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(TASK_DEFINITION,),
        check=_efs_in_transit,
    ),
    Rule(
        id="ecs-container-non-root-user",
        control="ECS.20",
        desired="Linux containers declare a non-root user.",
        explanation='Set "user" to the image\'s unprivileged uid in the container definition, so the task '
        "does not depend on the image's USER line.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.ADVISORY,
        types=(TASK_DEFINITION,),
        check=_non_root_user,
    ),
)
