"""KMS: keys and aliases."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates

ALIAS_NAME = Naming(
    max_length=256,
    pattern=r"alias/[A-Za-z0-9/_-]+",
    source=(
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"
        " (AliasName: alias/ then letters, digits, /, _ and -; 1-256)"
    ),
)


@emulates(
    "aws:kms/key:Key",
    note="create_key, enable_key_rotation",
    replace_on={"customerMasterKeySpec", "keyUsage", "multiRegion"},
    naming=UNNAMED,
    arn="arn:{partition}:kms:{region}:{account}:key/{id}",
    stateful="encryption key",
)
def kms_key(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "Description": r.get("description", ""),
        "KeyUsage": r.get("keyUsage", "ENCRYPT_DECRYPT"),
        "KeySpec": r.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT"),
        "Tags": tags_list(r.get("tags"), key="TagKey", value="TagValue"),
    }
    if r.get("policy"):
        kwargs["Policy"] = r.get("policy")
    metadata = ctx.aws(r, "policy", "kms", "create_key", **kwargs)["KeyMetadata"]
    key_id = metadata["KeyId"]
    if r.get("enableKeyRotation"):
        ctx.aws(r, "enableKeyRotation", "kms", "enable_key_rotation", KeyId=key_id)
    return key_id, {"arn": metadata["Arn"], "keyId": key_id}


@emulates(
    "aws:kms/alias:Alias",
    note="create_alias",
    replace_on={"name", "namePrefix"},
    naming=ALIAS_NAME,
    arn="arn:{partition}:kms:{region}:{account}:{name}",
)
def kms_alias(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    ctx.aws(r, "name", "kms", "create_alias", AliasName=name, TargetKeyId=r.get("targetKeyId"))
    return name, {
        "arn": ctx.arn("kms", name),
        "name": name,
        "targetKeyArn": ctx.arn("kms", f"key/{r.get('targetKeyId')}"),
    }
