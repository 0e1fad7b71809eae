"""Secrets Manager emulators: rotation rules and resource policies are on the secret in moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.emulators.secretsmanager import schedule_problem
from infra.rehearsal.rehearse import Rehearsal
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def secrets() -> Iterator[Rehearsal]:
    with rehearse_case("secretsmanager_secret_version_rotation_and_policy") as rehearsed:
        yield rehearsed


def _client(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("secretsmanager", region_name=rehearsal.account.region)


def test_rotation_rules_are_on_the_secret(secrets: Rehearsal) -> None:
    rotation = secrets.result.one("aws:secretsmanager/secretRotation:SecretRotation", "db-rotation")
    described = _client(secrets).describe_secret(SecretId=rotation.id)
    assert described["RotationEnabled"] is True, rotation.urn
    assert described["RotationRules"]["AutomaticallyAfterDays"] == 30, rotation.urn


def test_resource_policy_is_on_the_secret(secrets: Rehearsal) -> None:
    policy = secrets.result.one("aws:secretsmanager/secretPolicy:SecretPolicy", "db-policy")
    held = json.loads(_client(secrets).get_resource_policy(SecretId=policy.id)["ResourcePolicy"])
    assert held == json.loads(policy.inputs["policy"]), policy.urn


@pytest.mark.parametrize(
    ("expression", "refused"),
    [
        ("rate(4 hours)", False),
        ("rate(10 days)", False),
        ("cron(0 16 1,15 * ? *)", False),
        ("rate(3 hours)", True),
        ("rate(1001 days)", True),
        ("rate(1 week)", True),
        ("cron(0 16 1 * MON *)", True),
    ],
)
def test_rotation_schedule_expressions(expression: str, refused: bool) -> None:
    assert (schedule_problem(expression) is not None) is refused, expression
