"""`infra migrate`: run `postings migrate` with a new image as a one-off Fargate task, with its logs."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from infra import naming
from infra.ops.errors import OpsError
from infra.ops.stack import ServiceNetwork

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_ecs.type_defs import TagTypeDef
    from mypy_boto3_logs import CloudWatchLogsClient

ENTRY_POINT = ("postings",)
COMMAND = ("migrate",)
"""`postings migrate`, whatever ENTRYPOINT the image declares: the definition sets both."""
STARTED_BY = "infra-migrate"
LOG_PREFIX = "migrate"
# What register_task_definition accepts back from describe_task_definition, besides the containers.
KEPT_FIELDS = (
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "volumes",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "runtimePlatform",
    "ephemeralStorage",
)

LogLine = Callable[[str], None]


class MigrationFailed(OpsError):
    """The migration task could not start, or stopped with a non-zero exit."""


class MigrationTimedOut(OpsError):
    """The migration task was still running when the wait ended."""


@dataclass(frozen=True)
class Migration:
    """A finished migration task."""

    task_arn: str
    task_definition_arn: str
    exit_code: int
    log_group: str
    log_stream: str


def migration_family(environment: str) -> str:
    return f"{naming.prefix(environment)}-migrate"


def migration_task_definition(api: Mapping[str, Any], *, image: str, family: str) -> dict[str, Any]:
    """The api task definition turned into the migration's: the api's app container (the one named
    after the family; sidecars such as the metrics collector are left out) with the same roles, size,
    network mode, settings and secrets; the new image; `postings migrate` as entry point and command
    instead of the server; no port, no health check; its log streams under `migrate/`."""
    api_family = api.get("family")
    containers = [c for c in api.get("containerDefinitions") or [] if c.get("name") == api_family]
    if len(containers) != 1:
        raise MigrationFailed(
            f"the api task definition {api.get('taskDefinitionArn')} has no container named {api_family}; "
            "the platform names the app container after the family, so it was changed outside Pulumi: "
            "run `pulumi up` first"
        )
    container = copy.deepcopy(dict(containers[0]))
    container["name"] = family
    container["image"] = image
    container["entryPoint"] = list(ENTRY_POINT)
    container["command"] = list(COMMAND)
    container["essential"] = True
    for key in ("portMappings", "healthCheck", "dependsOn"):
        container.pop(key, None)
    log_config = container.get("logConfiguration")
    if not log_config or log_config.get("logDriver") != "awslogs":
        raise MigrationFailed(
            f"the api container of {api.get('taskDefinitionArn')} does not log to CloudWatch (awslogs); "
            "the migration's output could not be shown: run `pulumi up` to restore the platform's definition"
        )
    log_config["options"] = {**log_config.get("options", {}), "awslogs-stream-prefix": LOG_PREFIX}
    definition: dict[str, Any] = {k: copy.deepcopy(api[k]) for k in KEPT_FIELDS if k in api}
    definition["family"] = family
    definition["containerDefinitions"] = [container]
    return definition


def log_location(definition: Mapping[str, Any], task_arn: str) -> tuple[str, str]:
    """The CloudWatch group and stream the awslogs driver writes the task's container to."""
    container = definition["containerDefinitions"][0]
    options = container["logConfiguration"]["options"]
    task_id = task_arn.rsplit("/", 1)[-1]
    return options["awslogs-group"], f"{options['awslogs-stream-prefix']}/{container['name']}/{task_id}"


def start_migration(
    ecs: ECSClient, api: ServiceNetwork, *, image: str, environment: str, tags: Mapping[str, str]
) -> tuple[str, dict[str, Any]]:
    """Register the migration task definition for `image` and start one task of it in the api's
    subnets with the api's security group (the one the database admits). Returns the task ARN and
    the registered definition."""
    api_definition = ecs.describe_task_definition(taskDefinition=api.task_definition_arn)["taskDefinition"]
    wanted = migration_task_definition(api_definition, image=image, family=migration_family(environment))
    tag_list: list[TagTypeDef] = [{"key": k, "value": v} for k, v in sorted(tags.items())]
    registered = ecs.register_task_definition(**wanted, tags=tag_list)["taskDefinition"]
    started = ecs.run_task(
        cluster=api.cluster_arn,
        taskDefinition=registered["taskDefinitionArn"],
        launchType="FARGATE",
        count=1,
        startedBy=STARTED_BY,
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": list(api.subnet_ids),
                "securityGroups": list(api.security_group_ids),
                "assignPublicIp": "DISABLED",
            }
        },
        overrides={"containerOverrides": [{"name": wanted["family"], "command": list(COMMAND)}]},
        tags=tag_list,
        propagateTags="TASK_DEFINITION",
    )
    if started.get("failures") or not started.get("tasks"):
        reasons = "; ".join(
            f"{f.get('arn', '?')}: {f.get('reason', '?')} {f.get('detail', '')}".strip()
            for f in started.get("failures", [])
        )
        raise MigrationFailed(
            f"ECS did not start the migration task ({reasons or 'no task returned'}); nothing was migrated "
            "and the services still run the previous image"
        )
    return started["tasks"][0]["taskArn"], dict(registered)


class LogFollower:
    """Reads a CloudWatch log stream from the start, handing each new line on once."""

    def __init__(self, logs: CloudWatchLogsClient, group: str, stream: str, sink: LogLine) -> None:
        self._logs, self._group, self._stream, self._sink = logs, group, stream, sink
        self._token: str | None = None

    def poll(self) -> int:
        """Hand on every event written since the last poll; the number of events handed on."""
        count = 0
        while True:
            kwargs: dict[str, Any] = {
                "logGroupName": self._group,
                "logStreamName": self._stream,
                "startFromHead": True,
            }
            if self._token:
                kwargs["nextToken"] = self._token
            try:
                page = self._logs.get_log_events(**kwargs)
            except self._logs.exceptions.ResourceNotFoundException:
                return count  # the container has not started writing yet
            for event in page["events"]:
                self._sink(event["message"])
                count += 1
            token = page.get("nextForwardToken")
            if token is None or token == self._token or not page["events"]:
                self._token = token or self._token
                return count
            self._token = token


def wait_for_task(
    ecs: ECSClient,
    *,
    cluster: str,
    task_arn: str,
    follower: LogFollower,
    timeout: float,
    poll_seconds: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll the task until it stops, streaming its logs; the stopped task as ECS describes it."""
    deadline = clock() + timeout
    while True:
        described = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])
        if not described["tasks"]:
            raise MigrationFailed(
                f"ECS no longer knows the migration task {task_arn}; check the cluster's events"
            )
        task: dict[str, Any] = dict(described["tasks"][0])
        follower.poll()
        if task.get("lastStatus") == "STOPPED":
            follower.poll()  # the driver may flush the last lines as the task stops
            return task
        if clock() >= deadline:
            raise MigrationTimedOut(
                f"the migration task {task_arn} is still {task.get('lastStatus')} after {timeout:.0f}s; "
                "it was left running (stopping a migration half-way can leave the schema half-changed): "
                "watch it in the ECS console, and deploy only after it has stopped with exit code 0"
            )
        sleep(poll_seconds)


def outcome(task: Mapping[str, Any], container_name: str) -> int:
    """The container's exit code, or MigrationFailed when it did not run to an exit."""
    container = next((c for c in task.get("containers", []) if c.get("name") == container_name), None)
    exit_code = None if container is None else container.get("exitCode")
    if exit_code is None:
        reason = (container or {}).get("reason") or task.get("stoppedReason") or "no reason given"
        raise MigrationFailed(
            f"the migration task {task.get('taskArn')} stopped before `postings migrate` ran to an exit: "
            f"{reason}. Nothing was deployed; fix the cause (image pull, secrets, capacity) and run it again"
        )
    return int(exit_code)


def migrate(
    ecs: ECSClient,
    logs: CloudWatchLogsClient,
    api: ServiceNetwork,
    *,
    image: str,
    environment: str,
    tags: Mapping[str, str],
    log_line: LogLine,
    timeout: float = 1800.0,
    poll_seconds: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Migration:
    """Run the migration to completion; MigrationFailed unless it exits 0."""
    task_arn, definition = start_migration(ecs, api, image=image, environment=environment, tags=tags)
    group, stream = log_location(definition, task_arn)
    follower = LogFollower(logs, group, stream, log_line)
    task = wait_for_task(
        ecs,
        cluster=api.cluster_arn,
        task_arn=task_arn,
        follower=follower,
        timeout=timeout,
        poll_seconds=poll_seconds,
        sleep=sleep,
        clock=clock,
    )
    exit_code = outcome(task, definition["containerDefinitions"][0]["name"])
    if exit_code != 0:
        raise MigrationFailed(
            f"`postings migrate` exited {exit_code} in task {task_arn} (logs: {group} {stream}); the deploy "
            "stops here and the services still run the previous image: fix the migration and release again"
        )
    return Migration(
        task_arn=task_arn,
        task_definition_arn=definition["taskDefinitionArn"],
        exit_code=exit_code,
        log_group=group,
        log_stream=stream,
    )
