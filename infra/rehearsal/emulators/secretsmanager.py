"""Secrets Manager: secrets, their versions, rotation and resource policies."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    NotFoundError,
    Resource,
    answers,
    tags_list,
    tags_map,
)
from infra.rehearsal.emulators.iam import PolicyKind, policy_problem
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates, rule

SECRET_NAME = Naming(
    max_length=512,
    pattern=r"[A-Za-z0-9/_+=.@-]+",
    source=(
        "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html"
        " (Name: up to 512 letters, digits and /_+=.@-)"
    ),
)


@emulates(
    "aws:secretsmanager/secret:Secret",
    note="create_secret",
    replace_on={"name", "namePrefix"},
    naming=SECRET_NAME,
    arn="arn:{partition}:secretsmanager:{region}:{account}:secret:{name}",
    stateful="secret",
)
def secret(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {"Name": name, "Tags": tags_list(r.get("tags"))}
    if r.get("description"):
        kwargs["Description"] = r.get("description")
    if r.get("kmsKeyId"):
        kwargs["KmsKeyId"] = r.get("kmsKeyId")
    created = ctx.aws(r, "name", "secretsmanager", "create_secret", **kwargs)
    return created["ARN"], {"arn": created["ARN"], "name": name}


@emulates(
    "aws:secretsmanager/secretVersion:SecretVersion",
    note="put_secret_value",
    replace_on={"secretBinary", "secretId", "secretString"},
    naming=UNNAMED,
    arn="",
)
def secret_version(ctx: Context, r: Resource) -> Emulated:
    secret_id = str(r.get("secretId"))
    kwargs: dict[str, Any] = {"SecretId": secret_id}
    if r.get("secretString") is not None:
        kwargs["SecretString"] = r.get("secretString")
    if r.get("secretBinary") is not None:
        # The provider takes the binary base64-encoded and sends the bytes.
        kwargs["SecretBinary"] = base64.b64decode(str(r.get("secretBinary")))
    created = ctx.aws(r, "secretId", "secretsmanager", "put_secret_value", **kwargs)
    return f"{secret_id}|{created['VersionId']}", {
        "arn": created["ARN"],
        "versionId": created["VersionId"],
        "versionStages": list(created.get("VersionStages", ["AWSCURRENT"])),
    }


RECOVERY_WINDOW = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html"
ROTATION_SCHEDULE = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html"
ROTATION_DAYS = (1, 1000)
MIN_ROTATION_HOURS = 4
_RATE = re.compile(r"rate\((\d+) (hour|hours|day|days)\)")
_CRON = re.compile(r"cron\(([^()]*)\)")


@rule(
    "secretsmanager-recovery-window",
    "aws:secretsmanager/secret:Secret",
    prop="recoveryWindowInDays",
    summary="A secret's recovery window is 0 (delete at once) or 7 to 30 days",
    source=f"{RECOVERY_WINDOW} (RecoveryWindowInDays: 7-30); the provider's 0 is ForceDeleteWithoutRecovery",
)
def _recovery_window(ctx: Context, r: Resource) -> str | None:
    days = r.get("recoveryWindowInDays")
    if days is None or int(days) == 0 or 7 <= int(days) <= 30:
        return None
    return f"recoveryWindowInDays is {int(days)}; it must be 0 or 7 to 30"


@rule(
    "secretsmanager-version-one-value",
    "aws:secretsmanager/secretVersion:SecretVersion",
    prop="secretBinary",
    summary="A secret version holds a SecretString or a SecretBinary, not both",
    source="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html"
    " (You must include SecretBinary or SecretString, but not both)",
)
def _one_value(ctx: Context, r: Resource) -> str | None:
    if r.get("secretString") is not None and r.get("secretBinary") is not None:
        return "both secretString and secretBinary are given; a version holds one of them"
    return None


def schedule_problem(expression: str) -> str | None:
    """Why Secrets Manager refuses a rotation ScheduleExpression, or None."""
    rate = _RATE.fullmatch(expression)
    if rate:
        count, unit = int(rate.group(1)), rate.group(2)
        if unit.startswith("hour") and count < MIN_ROTATION_HOURS:
            return f"{expression!r} rotates more often than every {MIN_ROTATION_HOURS} hours"
        if unit.startswith("day") and not ROTATION_DAYS[0] <= count <= ROTATION_DAYS[1]:
            return f"{expression!r} is outside {ROTATION_DAYS[0]}-{ROTATION_DAYS[1]} days"
        return None
    cron = _CRON.fullmatch(expression)
    if cron:
        fields = cron.group(1).split()
        if len(fields) != 6:
            return f"{expression!r} has {len(fields)} fields; a cron expression has 6"
        if "?" not in (fields[2], fields[4]):
            return f"{expression!r} gives both day-of-month and day-of-week; one of them must be ?"
        return None
    return f"{expression!r} is neither rate(N hours|days) nor cron(6 fields)"


@rule(
    "secretsmanager-rotation-schedule",
    "aws:secretsmanager/secretRotation:SecretRotation",
    prop="rotationRules",
    summary="Rotation rules give automaticallyAfterDays (1-1000) or a scheduleExpression (rate() of at least"
    " 4 hours, or a 6-field cron()), not both",
    source=ROTATION_SCHEDULE,
)
def _rotation_schedule(ctx: Context, r: Resource) -> str | None:
    rules = r.get("rotationRules") or {}
    days, expression = rules.get("automaticallyAfterDays"), rules.get("scheduleExpression")
    if days is not None and expression:
        return "automaticallyAfterDays and scheduleExpression are both given; give one"
    if days is None and not expression:
        return "neither automaticallyAfterDays nor scheduleExpression is given"
    if isinstance(expression, str):
        return schedule_problem(expression)
    return None


@rule(
    "secretsmanager-secret-policy-grammar",
    "aws:secretsmanager/secretPolicy:SecretPolicy",
    prop="policy",
    summary="A secret's resource policy names a Principal and a Resource in every statement",
    source="https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html;"
    " https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
)
def _secret_policy(ctx: Context, r: Resource) -> str | None:
    document = r.get("policy")
    return None if document is None else policy_problem(document, PolicyKind.RESOURCE)


@emulates(
    "aws:secretsmanager/secretRotation:SecretRotation",
    note="rotate_secret with the rotation rules and RotateImmediately false; the rotation Lambda is neither"
    " checked nor invoked (moto would run it in a container)",
    replace_on={"secretId"},
    naming=UNNAMED,
    arn="",
)
def secret_rotation(ctx: Context, r: Resource) -> Emulated:
    secret_id = str(r.get("secretId"))
    rules = r.get("rotationRules") or {}
    rotation: dict[str, Any] = {}
    for key, member in (
        ("automaticallyAfterDays", "AutomaticallyAfterDays"),
        ("duration", "Duration"),
        ("scheduleExpression", "ScheduleExpression"),
    ):
        value = rules.get(key)
        if value is not None:
            rotation[member] = int(value) if isinstance(value, float) else value
    ctx.aws(
        r,
        "rotationRules",
        "secretsmanager",
        "rotate_secret",
        SecretId=secret_id,
        RotationRules=rotation,
        RotateImmediately=False,
    )
    described = ctx.aws(r, "secretId", "secretsmanager", "describe_secret", SecretId=secret_id)
    return described["ARN"], {"rotationEnabled": True, "secretId": secret_id}


@emulates(
    "aws:secretsmanager/secretPolicy:SecretPolicy",
    note="put_resource_policy; moto refuses a secret that does not exist",
    replace_on={"secretArn"},
    naming=UNNAMED,
    arn="",
)
def secret_policy(ctx: Context, r: Resource) -> Emulated:
    secret_arn = str(r.get("secretArn"))
    kwargs: dict[str, Any] = {"SecretId": secret_arn, "ResourcePolicy": r.get("policy")}
    if r.get("blockPublicPolicy") is not None:
        kwargs["BlockPublicPolicy"] = bool(r.get("blockPublicPolicy"))
    ctx.aws(r, "policy", "secretsmanager", "put_resource_policy", **kwargs)
    return secret_arn, {}


GET_SECRET = "aws:secretsmanager/getSecret:getSecret"


@answers(GET_SECRET)
def get_secret(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """By ARN or name; a secret scheduled for deletion is not found, as for the provider."""
    secrets = ctx.client("secretsmanager")
    region = str(args.get("region") or ctx.region)
    criteria = {"arn": args.get("arn"), "name": args.get("name")}
    try:
        secret = secrets.describe_secret(SecretId=str(args.get("arn") or args.get("name")))
    except secrets.exceptions.ResourceNotFoundException as err:
        raise NotFoundError(GET_SECRET, "Secrets Manager Secret", criteria, region) from err
    if secret.get("DeletedDate"):
        raise NotFoundError(GET_SECRET, "Secrets Manager Secret", criteria, region)
    try:
        policy = secrets.get_resource_policy(SecretId=secret["ARN"]).get("ResourcePolicy", "")
    except secrets.exceptions.ResourceNotFoundException:
        policy = ""

    def stamp(key: str) -> str:
        return secret[key].strftime("%Y-%m-%dT%H:%M:%SZ") if secret.get(key) else ""

    return {
        "id": secret["ARN"],
        "arn": secret["ARN"],
        "name": secret["Name"],
        "description": secret.get("Description", ""),
        "kmsKeyId": secret.get("KmsKeyId", ""),
        "policy": policy or "",
        "createdDate": stamp("CreatedDate"),
        "lastChangedDate": stamp("LastChangedDate"),
        "tags": tags_map(secret.get("Tags")),
        "type": secret.get("Type", ""),
        "region": region,
    }


_DURATION = re.compile(r"(\d+)h")


@rule(
    "secretsmanager-rotation-window",
    "aws:secretsmanager/secretRotation:SecretRotation",
    prop="rotationRules.duration",
    summary="A rotation window is a number of hours, 1h to 24h",
    source="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html"
    " (Duration: the length of the rotation window in hours, for example 3h; the window must not extend into"
    " the next UTC day)",
)
def _rotation_window(ctx: Context, r: Resource) -> str | None:
    duration = (r.get("rotationRules") or {}).get("duration")
    if not isinstance(duration, str) or not duration:
        return None
    hours = _DURATION.fullmatch(duration)
    if hours and 1 <= int(hours.group(1)) <= 24:
        return None
    return f"duration {duration!r} is not a window of 1h to 24h"
