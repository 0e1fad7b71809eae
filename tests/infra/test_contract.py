"""The contract between the platform and the postings service, from both sides: the service's own Settings
read exactly the variables each rehearsed task definition gives it, and find there all they require."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from postings.settings import ENV_PREFIX, InvalidSettingsError, Settings, closest_variable

from infra.workload import ENTRY_POINT
from tests.infra.program import run

TASK = "aws:ecs/taskDefinition:TaskDefinition"
STACKS = ["dev", "staging", "prod"]
# ECS fetches these from Secrets Manager at task start; what matters here is the name.
SECRET_PLACEHOLDER = "secret-from-secrets-manager"


def service_containers(stack: str) -> dict[str, dict[str, Any]]:
    """The containers, of every task definition of the stack, that run the postings service, by name."""
    found = {}
    for task in run(stack).by_type(TASK):
        for container in json.loads(task.inputs["containerDefinitions"]):
            if container.get("entryPoint") == ENTRY_POINT:
                found[container["name"]] = container
    return found


def task_environment(container: dict[str, Any]) -> dict[str, str]:
    """What the process finds in its environment: the plain variables, and the secrets' names."""
    plain = {variable["name"]: variable["value"] for variable in container["environment"]}
    return plain | {secret["name"]: SECRET_PLACEHOLDER for secret in container["secrets"]}


def load_settings(name: str) -> Settings:
    """The service's settings from this environment, or the test failed with the service's own words."""
    try:
        return Settings.load()
    except InvalidSettingsError as error:
        refusal = f"{name}: {error}"
    pytest.fail(refusal, pytrace=False)


@pytest.mark.parametrize("stack", STACKS)
def test_the_api_and_the_worker_are_the_tasks_that_run_the_service(stack: str) -> None:
    assert sorted(service_containers(stack)) == [f"postings-{stack}-api", f"postings-{stack}-worker"]


@pytest.mark.parametrize("role", ["api", "worker"])
@pytest.mark.parametrize("stack", STACKS)
def test_the_service_reads_every_variable_its_task_sets_and_finds_all_it_requires(
    stack: str, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"postings-{stack}-{role}"
    environment = task_environment(service_containers(stack)[name])
    # Without the prefix a variable never reaches Settings, which could not refuse it: refused here.
    unread = [
        f"{variable}{f' (did you mean {closest}?)' if (closest := closest_variable(variable)) else ''}"
        for variable in sorted(environment)
        if not variable.upper().startswith(ENV_PREFIX)
    ]
    assert unread == [], f"{name}: the service reads none of {', '.join(unread)}"

    for variable in list(os.environ):
        if variable.upper().startswith(ENV_PREFIX):
            monkeypatch.delenv(variable)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    settings = load_settings(name)

    # Nothing required is missing when the service would silently fall back to its embedded stand-ins.
    uses = {
        "database": settings.uses_external_database,
        "cache": settings.uses_redis,
        "queue": settings.uses_amqp,
        "search": settings.search_backend == "opensearch",
    }
    missing = [store for store, used in uses.items() if not used]
    assert missing == [], (
        f"{name}: sets no {', '.join(missing)} of the platform, so the service would run its embedded "
        f"stand-in: {settings.describe()}"
    )
    assert settings.environment == stack, name
