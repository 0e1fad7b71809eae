"""`infra migrate` under moto: the migration task definition derived from the api's, the task started
with the new image, the api's subnets, security group and `postings migrate`, its CloudWatch logs
streamed, and the success, failure and timeout paths. moto does not run containers: the tests stop the
task and set its exit code on moto's own task object, through the poll loop's sleep."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto.ecs.models import ecs_backends
from moto.moto_api import state_manager

from infra.cli import main
from infra.components.service import container_definitions
from infra.ops import migrate, stack
from tests.infra.ops.conftest import REGION

ACCOUNT = "123456789012"  # moto's default account
TAG = "0123456789abcdef0123456789abcdef01234567"
LOG_GROUP = "postings-dev-api-logs-4f2a1c9"
COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1"
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:postings-dev-db-AbCdEf"


@dataclass
class World:
    """One deployed `dev` stack in the emulated account, as `pulumi up` leaves it."""

    cluster_arn: str
    cluster_name: str
    subnets: list[str]
    api_group: str
    repository: str
    api_definition_arn: str
    run_task_calls: list[dict[str, Any]] = field(default_factory=list)

    def ecs(self) -> Any:
        client = boto3.client("ecs", region_name=REGION)
        client.meta.events.register(
            "provide-client-params.ecs.RunTask", lambda params, **_: self.run_task_calls.append(dict(params))
        )
        return client

    def task(self, arn: str) -> Any:
        return ecs_backends[ACCOUNT][REGION].tasks[self.cluster_name][arn]


def with_container_memory(definitions: str, memory: int) -> list[Any]:
    """The platform's container definitions plus a container-level memory: moto needs one to place a
    task (AWS does not for Fargate, where the task's memory is enough)."""
    return [{**c, "memory": memory} for c in json.loads(definitions)]


@pytest.fixture
def frozen_tasks() -> Iterator[None]:
    """Tasks stay where the test puts them (moto would otherwise move them on as they are described)."""
    state_manager.set_transition(model_name="ecs::task", transition={"progression": "manual", "times": 10**6})
    yield
    state_manager.unset_transition("ecs::task")


@pytest.fixture
def world(aws: None) -> World:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})  # as the Network component does
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
        for cidr, zone in (("10.0.0.0/18", "a"), ("10.0.64.0/18", "b"))
    ]
    api_group = ec2.create_security_group(GroupName="postings-dev-api", Description="api", VpcId=vpc)[
        "GroupId"
    ]
    ec2.create_security_group(GroupName="postings-dev-worker", Description="worker", VpcId=vpc)
    tags: list[Any] = [{"key": "Project", "value": "postings"}, {"key": "ManagedBy", "value": "pulumi"}]
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(
        clusterName="postings-staging-cluster-1b2c3d4",
        tags=[*tags, {"key": "Environment", "value": "staging"}],
    )
    cluster = ecs.create_cluster(
        clusterName="postings-dev-cluster-9f8e7d6", tags=[*tags, {"key": "Environment", "value": "dev"}]
    )["cluster"]
    ecr = boto3.client("ecr", region_name=REGION)
    repository = ecr.create_repository(repositoryName="postings-dev")["repository"]["repositoryUri"]
    ecr.put_image(
        repositoryName="postings-dev",
        imageManifest=json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_TYPE, "layers": []}),
        imageTag=TAG,
    )
    api = ecs.register_task_definition(
        family="postings-dev-api",
        taskRoleArn="arn:aws:iam::123456789012:role/postings-dev-api-task-role-1a2b3c",
        executionRoleArn="arn:aws:iam::123456789012:role/postings-dev-api-execution-role-4d5e6f",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        runtimePlatform={"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
        volumes=[{"name": "tmp"}],
        containerDefinitions=with_container_memory(
            container_definitions(
                name="postings-dev-api",
                image=f"{repository}:previous",
                entry_point=["postings"],
                command=["serve", "--host", "0.0.0.0", "--port", "8000"],
                environment={"POSTINGS_DB_HOST": "postings-dev-mysql.example", "POSTINGS_ENVIRONMENT": "dev"},
                secrets={"POSTINGS_DB_PASSWORD": f"{SECRET}:password::"},
                log_group=LOG_GROUP,
                region=REGION,
                container_port=8000,
                collector_image=COLLECTOR_IMAGE,
                collector_config="receivers: {}",
            ),
            512,
        ),
    )["taskDefinition"]
    ecs.create_service(
        cluster=cluster["clusterArn"],
        serviceName="postings-dev-api",
        taskDefinition=api["taskDefinitionArn"],
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": subnets,
                "securityGroups": [api_group],
                "assignPublicIp": "DISABLED",
            }
        },
    )
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName=LOG_GROUP)
    return World(
        cluster_arn=cluster["clusterArn"],
        cluster_name=cluster["clusterName"],
        subnets=subnets,
        api_group=api_group,
        repository=repository,
        api_definition_arn=api["taskDefinitionArn"],
    )


def write_logs(stream: str, lines: list[str]) -> None:
    """What the awslogs driver does for the container (CloudWatch refuses events older than 14 days)."""
    client = boto3.client("logs", region_name=REGION)
    start_ms = int(time.time() * 1000)
    with contextlib.suppress(client.exceptions.ResourceAlreadyExistsException):
        client.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
    client.put_log_events(
        logGroupName=LOG_GROUP,
        logStreamName=stream,
        logEvents=[{"timestamp": start_ms + i, "message": line} for i, line in enumerate(lines)],
    )


def container_run(world: World, *, exit_code: int | None, reason: str = "") -> Callable[[float], None]:
    """A `sleep` for the poll loop that plays the container: first sleep, it logs; second, it logs
    once more and stops with `exit_code` (None: it never ran to an exit)."""
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        started = list(ecs_backends[ACCOUNT][REGION].tasks.get(world.cluster_name, {}))
        assert len(started) == 1, f"{len(started)} tasks started; the loop sleeps only after starting one"
        arn = started[0]
        stream = f"migrate/postings-dev-migrate/{arn.rsplit('/', 1)[-1]}"
        if len(sleeps) == 1:
            write_logs(stream, ["migrating postings", "0001_initial: applied"])
        elif len(sleeps) == 2:
            write_logs(stream, ["0002_search: applied" if exit_code == 0 else "0002_search: FAILED"])
            task = world.task(arn)
            task.last_status = "STOPPED"
            task.containers[0].exitCode = exit_code
            task.stopped_reason = reason or "Essential container in task exited"
        else:
            raise AssertionError(f"the loop slept {len(sleeps)} times; the task stopped after 2")

    return sleep


def run_migration(
    world: World, sleep: Callable[[float], None], lines: list[str], **kwargs: Any
) -> migrate.Migration:
    ecs = world.ecs()
    api = stack.find_service(ecs, "dev", "api")
    return migrate.migrate(
        ecs,
        boto3.client("logs", region_name=REGION),
        api,
        image=f"{world.repository}:{TAG}",
        environment="dev",
        tags={"Project": "postings", "Environment": "dev", "ImageTag": TAG},
        log_line=lines.append,
        poll_seconds=0.5,
        sleep=sleep,
        **kwargs,
    )


@pytest.mark.usefixtures("frozen_tasks")
def test_the_migration_definition_is_the_apis_with_the_new_image_and_command(world: World) -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    api = ecs.describe_task_definition(taskDefinition=world.api_definition_arn)["taskDefinition"]

    wanted = migrate.migration_task_definition(
        api, image=f"{world.repository}:{TAG}", family="postings-dev-migrate"
    )

    (container,) = wanted["containerDefinitions"]  # the collector sidecar stays with the api
    api_container, collector = api["containerDefinitions"]
    assert (api_container["name"], collector["name"]) == ("postings-dev-api", "postings-dev-api-collector")
    assert container["image"] == f"{world.repository}:{TAG}"
    assert (container["entryPoint"], container["command"]) == (["postings"], ["migrate"])
    assert container["name"] == "postings-dev-migrate"
    assert "portMappings" not in container
    assert "healthCheck" not in container
    assert (
        container["secrets"]
        == api_container["secrets"]
        == [{"name": "POSTINGS_DB_PASSWORD", "valueFrom": f"{SECRET}:password::"}]
    )
    assert container["environment"] == api_container["environment"]
    assert container["logConfiguration"]["options"] == {
        "awslogs-group": LOG_GROUP,
        "awslogs-region": REGION,
        "awslogs-stream-prefix": "migrate",
    }
    assert {
        k: wanted[k] for k in ("family", "taskRoleArn", "executionRoleArn", "networkMode", "cpu", "memory")
    } == {
        "family": "postings-dev-migrate",
        "taskRoleArn": api["taskRoleArn"],
        "executionRoleArn": api["executionRoleArn"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
    }
    assert api_container["image"] == f"{world.repository}:previous"  # the api's definition is untouched


@pytest.mark.usefixtures("frozen_tasks")
def test_a_successful_migration_runs_the_new_image_in_the_app_subnets_and_streams_its_logs(
    world: World,
) -> None:
    lines: list[str] = []

    done = run_migration(world, container_run(world, exit_code=0), lines)

    (call,) = world.run_task_calls
    assert call["cluster"] == world.cluster_arn
    assert call["launchType"] == "FARGATE"
    assert call["networkConfiguration"] == {
        "awsvpcConfiguration": {
            "subnets": world.subnets,
            "securityGroups": [world.api_group],
            "assignPublicIp": "DISABLED",
        }
    }
    assert call["overrides"] == {
        "containerOverrides": [{"name": "postings-dev-migrate", "command": ["migrate"]}]
    }
    assert call["startedBy"] == "infra-migrate"
    ecs = boto3.client("ecs", region_name=REGION)
    definition = ecs.describe_task_definition(taskDefinition=call["taskDefinition"])["taskDefinition"]
    assert definition["family"] == "postings-dev-migrate"
    assert definition["containerDefinitions"][0]["image"] == f"{world.repository}:{TAG}"
    assert definition["containerDefinitions"][0]["command"] == ["migrate"]
    assert definition["containerDefinitions"][0]["entryPoint"] == ["postings"]
    assert len(definition["containerDefinitions"]) == 1
    (task,) = ecs.describe_tasks(cluster=world.cluster_arn, tasks=[done.task_arn])["tasks"]
    assert task["taskDefinitionArn"] == done.task_definition_arn == call["taskDefinition"]
    # the api's service still runs its own definition
    service = ecs.describe_services(cluster=world.cluster_arn, services=["postings-dev-api"])["services"][0]
    assert service["taskDefinition"] == world.api_definition_arn

    assert lines == ["migrating postings", "0001_initial: applied", "0002_search: applied"]
    assert done.exit_code == 0
    assert (done.log_group, done.log_stream) == (
        LOG_GROUP,
        f"migrate/postings-dev-migrate/{done.task_arn.rsplit('/', 1)[-1]}",
    )


@pytest.mark.usefixtures("frozen_tasks")
def test_a_failing_migration_fails_with_its_exit_code_after_showing_its_logs(world: World) -> None:
    lines: list[str] = []
    with pytest.raises(
        migrate.MigrationFailed, match=r"`postings migrate` exited 3 in task .* the deploy stops here"
    ):
        run_migration(world, container_run(world, exit_code=3), lines)
    assert lines == ["migrating postings", "0001_initial: applied", "0002_search: FAILED"]


@pytest.mark.usefixtures("frozen_tasks")
def test_a_task_that_never_ran_its_command_is_a_failure_with_the_reason(world: World) -> None:
    reason = "CannotPullContainerError: pull image manifest has been retried 1 time(s)"
    with pytest.raises(
        migrate.MigrationFailed, match=r"stopped before `postings migrate` ran to an exit: CannotPull"
    ):
        run_migration(world, container_run(world, exit_code=None, reason=reason), [])


@pytest.mark.usefixtures("frozen_tasks")
def test_a_migration_still_running_at_the_deadline_is_reported_and_left_alone(world: World) -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with pytest.raises(migrate.MigrationTimedOut, match=r"is still RUNNING after 2s; it was left running"):
        run_migration(world, sleep, [], timeout=2.0, clock=lambda: now[0])
    assert slept == [0.5, 0.5, 0.5, 0.5]
    (task,) = ecs_backends[ACCOUNT][REGION].tasks[world.cluster_name].values()
    assert task.last_status == "RUNNING"


@pytest.mark.usefixtures("frozen_tasks")
def test_a_cluster_of_another_stack_is_not_taken(world: World) -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    with pytest.raises(
        stack.StackNotFound, match="no active ECS cluster tagged Project=postings, Environment=prod"
    ):
        stack.find_service(ecs, "prod", "api")
    with pytest.raises(stack.StackNotFound, match="has no active service postings-staging-api"):
        stack.find_service(ecs, "staging", "api")


def test_migrate_cli_refuses_a_tag_that_was_never_released(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "dev", "--image", "f" * 40, "--region", REGION]) == 1
    assert (
        f"{world.repository}:{'f' * 40} does not exist: run `infra release <stack>`"
        in capsys.readouterr().err
    )
    assert ecs_backends[ACCOUNT][REGION].tasks.get(world.cluster_name, {}) == {}


def test_migrate_cli_waits_for_the_task_and_reports_success(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without frozen tasks moto moves a task on by one state per describe, to STOPPED with exit code 0.
    assert main(["migrate", "dev", "--image", TAG, "--region", REGION, "--poll-interval", "0.01"]) == 0
    out, err = capsys.readouterr()
    (task,) = ecs_backends[ACCOUNT][REGION].tasks[world.cluster_name].values()
    assert task.last_status == "STOPPED"
    assert out == f"migration succeeded: task {task.task_arn} exited 0\n"
    assert f"migrating dev with {world.repository}:{TAG} in {world.cluster_arn}" in err


def test_migrate_cli_refuses_latest(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "dev", "--image", "latest", "--region", REGION]) == 2
    assert "'latest' is not a release tag" in capsys.readouterr().err


def test_an_api_definition_without_its_app_container_is_refused() -> None:
    api = {
        "family": "postings-dev-api",
        "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/postings-dev-api:7",
        "containerDefinitions": [{"name": "web", "image": "x"}],
    }
    with pytest.raises(
        migrate.MigrationFailed, match=r"postings-dev-api:7 has no container named postings-dev-api"
    ):
        migrate.migration_task_definition(api, image="repo:tag", family="postings-dev-migrate")
