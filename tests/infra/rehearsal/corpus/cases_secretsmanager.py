"""Secrets Manager cases: secrets, versions, rotation and resource policies."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

SECRET = "aws:secretsmanager/secret:Secret"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
SCHEDULE = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html"
ROTATION_LAMBDA = "arn:aws:lambda:eu-west-1:000000000000:function:rotate-mysql"


def _rotation(**rules: Any) -> None:
    secret = aws.secretsmanager.Secret("db")
    aws.secretsmanager.SecretVersion("db-v1", secret_id=secret.id, secret_string='{"password":"x"}')
    aws.secretsmanager.SecretRotation(
        "db-rotation",
        secret_id=secret.id,
        rotation_lambda_arn=ROTATION_LAMBDA,
        rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(**rules),
    )


def _policy(statement: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@valid("secretsmanager")
def secretsmanager_secret_version_rotation_and_policy() -> None:
    secret = aws.secretsmanager.Secret("db", name="postings/db", recovery_window_in_days=7)
    aws.secretsmanager.SecretVersion("db-v1", secret_id=secret.id, secret_string='{"password":"x"}')
    aws.secretsmanager.SecretRotation(
        "db-rotation",
        secret_id=secret.id,
        rotation_lambda_arn=ROTATION_LAMBDA,
        rotation_rules={"automatically_after_days": 30},
    )
    read = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::000000000000:role/app"},
        "Action": "secretsmanager:GetSecretValue",
        "Resource": "*",
    }
    aws.secretsmanager.SecretPolicy("db-policy", secret_arn=secret.arn, policy=_policy(read))


@valid("secretsmanager")
def secretsmanager_rotation_on_a_cron_schedule_and_immediate_deletion() -> None:
    secret = aws.secretsmanager.Secret("token", recovery_window_in_days=0)
    aws.secretsmanager.SecretVersion("token-v1", secret_id=secret.id, secret_binary="c2VjcmV0")
    aws.secretsmanager.SecretRotation(
        "token-rotation",
        secret_id=secret.id,
        rotation_lambda_arn=ROTATION_LAMBDA,
        rotation_rules={"schedule_expression": "cron(0 4 ? * SUN *)", "duration": "3h"},
    )


@refused(
    "secretsmanager",
    token=SECRET,
    prop="recoveryWindowInDays",
    source="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html",
)
def secretsmanager_recovery_window_of_three_days() -> None:
    aws.secretsmanager.Secret("db", recovery_window_in_days=3)


@refused(
    "secretsmanager",
    token=SECRET,
    prop="recoveryWindowInDays",
    source="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html",
)
def secretsmanager_recovery_window_of_ninety_days() -> None:
    aws.secretsmanager.Secret("db", recovery_window_in_days=90)


@refused(
    "secretsmanager",
    token=SECRET,
    prop="name",
    source="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
)
def secretsmanager_secret_name_with_a_colon() -> None:
    aws.secretsmanager.Secret("db", name="postings:db")


@refused("secretsmanager", token=ROTATION, prop="rotationRules", source=SCHEDULE)
def secretsmanager_rotation_every_two_thousand_days() -> None:
    _rotation(automatically_after_days=2000)


@refused("secretsmanager", token=ROTATION, prop="rotationRules", source=SCHEDULE)
def secretsmanager_rotation_both_days_and_schedule() -> None:
    _rotation(automatically_after_days=30, schedule_expression="rate(30 days)")


@refused("secretsmanager", token=ROTATION, prop="rotationRules", source=SCHEDULE)
def secretsmanager_rotation_every_hour() -> None:
    _rotation(schedule_expression="rate(1 hour)")


@refused("secretsmanager", token=ROTATION, prop="rotationRules", source=SCHEDULE)
def secretsmanager_rotation_cron_with_five_fields() -> None:
    _rotation(schedule_expression="cron(0 4 * * SUN)")


@refused(
    "secretsmanager",
    token="aws:secretsmanager/secretVersion:SecretVersion",
    prop="secretBinary",
    source="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html",
)
def secretsmanager_version_with_string_and_binary() -> None:
    secret = aws.secretsmanager.Secret("db")
    aws.secretsmanager.SecretVersion(
        "db-v1", secret_id=secret.id, secret_string="password", secret_binary="cGFzc3dvcmQ="
    )


@refused(
    "secretsmanager",
    token="aws:secretsmanager/secretPolicy:SecretPolicy",
    prop="policy",
    source="https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html",
)
def secretsmanager_resource_policy_without_principal() -> None:
    secret = aws.secretsmanager.Secret("db")
    read = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
    aws.secretsmanager.SecretPolicy("db-policy", secret_arn=secret.arn, policy=_policy(read))


@refused("secretsmanager", token=ROTATION, prop="rotationRules", source=SCHEDULE)
def secretsmanager_rotation_rules_without_a_schedule() -> None:
    _rotation(duration="2h")


@valid("secretsmanager")
def secretsmanager_version_of_a_secret_found_by_name() -> None:
    """getSecret finds the secret by name; the version is written to the ARN it returns."""
    secret = aws.secretsmanager.Secret("db", name="app/db-password")
    found = aws.secretsmanager.get_secret_output(name=secret.name)
    aws.secretsmanager.SecretVersion("db", secret_id=found.arn, secret_string="correct horse battery")


ROTATION_RULES = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html"


@valid("secretsmanager")
def secretsmanager_rotation_in_a_four_hour_window() -> None:
    _rotation(schedule_expression="cron(0 2 ? * SUN *)", duration="4h")


@refused("secretsmanager", token=ROTATION, prop="rotationRules.duration", source=ROTATION_RULES)
def secretsmanager_rotation_window_longer_than_a_day() -> None:
    _rotation(automatically_after_days=7, duration="25h")


@refused("secretsmanager", token=ROTATION, prop="rotationRules.duration", source=ROTATION_RULES)
def secretsmanager_rotation_window_in_minutes() -> None:
    _rotation(automatically_after_days=7, duration="90m")
