"""A container of a rehearsed task definition, run by the local engine as ECS on Fargate would run it."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import docker
from docker.models.containers import Container

# ECS sends SIGTERM, waits the container's stopTimeout, then SIGKILLs; without one, it waits 30 s.
ECS_DEFAULT_STOP_TIMEOUT = 30


@dataclass(frozen=True)
class TaskContainer:
    """The essential container of a task definition (the one named after its family), and the task's
    volumes."""

    family: str
    definition: Mapping[str, Any]
    volumes: Sequence[Mapping[str, Any]]

    @classmethod
    def of(cls, ecs: Any, family: str) -> TaskContainer:
        task = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
        (container,) = [c for c in task["containerDefinitions"] if c["name"] == family]
        return cls(family=family, definition=container, volumes=task.get("volumes", []))

    @property
    def environment(self) -> dict[str, str]:
        return {item["name"]: item["value"] for item in self.definition.get("environment", [])}

    @property
    def secret_names(self) -> list[str]:
        return sorted(item["name"] for item in self.definition.get("secrets", []))

    @property
    def stop_timeout(self) -> int:
        return int(self.definition.get("stopTimeout", ECS_DEFAULT_STOP_TIMEOUT))

    def scratch_paths(self) -> dict[str, str]:
        """Mount points on the task's own volumes (no host path, no EFS): Fargate's ephemeral storage,
        empty at start, here a tmpfs."""
        scratch = {
            v["name"] for v in self.volumes if not v.get("host") and not v.get("efsVolumeConfiguration")
        }
        return {
            m["containerPath"]: ""
            for m in self.definition.get("mountPoints", [])
            if m["sourceVolume"] in scratch
        }

    def run(
        self,
        engine: docker.DockerClient,
        image: str,
        *,
        environment: Mapping[str, str],
        name: str,
        command: Sequence[str] | None = None,
        healthcheck: Mapping[str, Any] | None = None,
        volumes: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Container:
        """Start the container detached on the host's network (the servers it talks to listen on
        127.0.0.1): entry point, command (or an override, as RunTask's containerOverrides), user, read-only
        root, scratch volumes and privileges from the definition; `environment` holds the values of the
        definition's `environment` and `secrets` (which ECS injects from Secrets Manager)."""
        definition = self.definition
        entry_point = definition.get("entryPoint")
        return engine.containers.run(
            image,
            command=list(command if command is not None else definition.get("command", [])),
            entrypoint=list(entry_point) if entry_point is not None else None,
            user=definition.get("user"),
            environment=dict(environment),
            read_only=bool(definition.get("readonlyRootFilesystem", False)),
            privileged=bool(definition.get("privileged", False)),
            tmpfs=self.scratch_paths(),
            volumes={path: dict(bind) for path, bind in (volumes or {}).items()},
            healthcheck=dict(healthcheck) if healthcheck is not None else None,
            network_mode="host",
            name=name,
            detach=True,
        )


def stop(container: Container, timeout: int) -> tuple[float, int]:
    """Stop as ECS stops a task (SIGTERM, SIGKILL after `timeout`): seconds taken and the exit code."""
    started = time.monotonic()
    container.stop(timeout=timeout)
    seconds = time.monotonic() - started
    container.reload()
    return seconds, int(container.attrs["State"]["ExitCode"])


def run_to_completion(container: Container, timeout: float = 120) -> tuple[int, str]:
    """Wait for a one-off container (migrate, tokens, the checks) and return its exit code and output."""
    status = container.wait(timeout=timeout)
    output = container.logs(stdout=True, stderr=True).decode()
    return int(status["StatusCode"]), output
