"""Secrets Manager: secrets and their versions."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates

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
    created = ctx.aws(r, "secretId", "secretsmanager", "put_secret_value", **kwargs)
    return f"{secret_id}|{created['VersionId']}", {
        "arn": created["ARN"],
        "versionId": created["VersionId"],
        "versionStages": list(created.get("VersionStages", ["AWSCURRENT"])),
    }
