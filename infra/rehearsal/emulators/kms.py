"""KMS: keys, aliases and grants."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    NotFoundError,
    Resource,
    answers,
    tags_list,
)
from infra.rehearsal.emulators.iam import PolicyKind, policy_json, policy_problem
from infra.rehearsal.spec import EVERY_INPUT, UNNAMED, Emulated, Naming, emulates, rule

ALIAS_NAME = Naming(
    max_length=256,
    pattern=r"alias/[A-Za-z0-9/_-]+",
    prefix="alias/",  # pulumi-aws auto-names an alias `alias/<name>-<random>`
    source=(
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"
        " (AliasName: alias/ then letters, digits, /, _ and -; 1-256)"
    ),
)


@emulates(
    "aws:kms/key:Key",
    note="create_key, enable_key_rotation (with its period); the deletion window and key policy are checked"
    " by rules",
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
        rotation: dict[str, Any] = {"KeyId": key_id}
        if r.get("rotationPeriodInDays") is not None:
            rotation["RotationPeriodInDays"] = int(r.get("rotationPeriodInDays"))
        ctx.aws(r, "enableKeyRotation", "kms", "enable_key_rotation", **rotation)
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


DELETION_WINDOW_DAYS = (7, 30)
SYMMETRIC = ("ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT")
RESERVED_ALIAS_PREFIX = "alias/aws/"


@rule(
    "kms-deletion-window",
    "aws:kms/key:Key",
    prop="deletionWindowInDays",
    summary="A key's deletion window is 7 to 30 days",
    source="https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html (waiting period 7-30"
    " days); the provider's validation.IntBetween(7, 30) on deletion_window_in_days",
)
def _deletion_window(ctx: Context, r: Resource) -> str | None:
    days = r.get("deletionWindowInDays")
    low, high = DELETION_WINDOW_DAYS
    if days is None or low <= int(days) <= high:
        return None
    return f"deletionWindowInDays is {int(days)}; it must be {low} to {high}"


CREATE_KEY = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html"


def usages_for_spec(spec: str) -> tuple[str, ...]:
    """The key usages CreateKey allows for a key spec (KeyUsage), () for a spec it does not describe."""
    if spec == SYMMETRIC[1]:
        return (SYMMETRIC[0],)
    if spec.startswith("HMAC_"):
        return ("GENERATE_VERIFY_MAC",)
    if spec.startswith("RSA_"):
        return ("ENCRYPT_DECRYPT", "SIGN_VERIFY")
    if spec.startswith("ECC_NIST_P"):
        return ("SIGN_VERIFY", "KEY_AGREEMENT")
    if spec in ("ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519") or spec.startswith("ML_DSA_"):
        return ("SIGN_VERIFY",)
    if spec == "SM2":
        return ("ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT")
    return ()


@rule(
    "kms-key-usage-for-spec",
    "aws:kms/key:Key",
    prop="keyUsage",
    summary="A key's usage is one its spec supports: symmetric encrypts, HMAC makes MACs, RSA encrypts or "
    "signs, NIST ECC signs or agrees keys, secp256k1 signs",
    source=f"{CREATE_KEY} (KeyUsage: for symmetric encryption KMS keys ENCRYPT_DECRYPT; for HMAC KMS keys"
    " GENERATE_VERIFY_MAC; RSA ENCRYPT_DECRYPT or SIGN_VERIFY; NIST elliptic curves SIGN_VERIFY or"
    " KEY_AGREEMENT; ECC_SECG_P256K1 SIGN_VERIFY)",
)
def _usage_for_spec(ctx: Context, r: Resource) -> str | None:
    usage = r.get("keyUsage", SYMMETRIC[0])
    spec = r.get("customerMasterKeySpec", SYMMETRIC[1])
    allowed = usages_for_spec(str(spec))
    if not allowed or usage in allowed:
        return None
    return f"a {spec} key can only be used for {' or '.join(allowed)}, not {usage}"


@rule(
    "kms-rotation-symmetric-only",
    "aws:kms/key:Key",
    prop="enableKeyRotation",
    summary="Automatic rotation is enabled only on symmetric encryption keys",
    source="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html (automatic key rotation is"
    " supported only on symmetric encryption KMS keys; not asymmetric or HMAC keys)",
)
def _rotation_symmetric(ctx: Context, r: Resource) -> str | None:
    if not r.get("enableKeyRotation"):
        return None
    usage = r.get("keyUsage", SYMMETRIC[0])
    spec = r.get("customerMasterKeySpec", SYMMETRIC[1])
    if (usage, spec) == SYMMETRIC:
        return None
    return (
        f"a {spec} key for {usage} cannot rotate automatically; only {SYMMETRIC[1]} {SYMMETRIC[0]} keys can"
    )


@rule(
    "kms-key-policy-grammar",
    "aws:kms/key:Key",
    prop="policy",
    summary="A key policy names a Principal in every statement (one without Action or Resource only has no "
    "effect)",
    source="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html (key policy"
    " elements: Effect, Principal (required), Action, Resource)",
)
def _key_policy(ctx: Context, r: Resource) -> str | None:
    document = r.get("policy")
    return None if document is None else policy_problem(_without_ineffective(document), PolicyKind.RESOURCE)


def _without_ineffective(document: Any) -> Any:
    """The policy with each statement missing its Action or Resource completed: CreateKey accepts such a
    statement, which only has no effect (API_CreateKey, Policy)."""
    parsed = policy_json(document)
    if not isinstance(parsed, dict) or not isinstance(parsed.get("Statement"), list | dict):
        return document
    statements = parsed["Statement"] if isinstance(parsed["Statement"], list) else [parsed["Statement"]]
    completed = [
        {
            **({"Action": "kms:*"} if not {"Action", "NotAction"} & set(s) else {}),
            **({"Resource": "*"} if not {"Resource", "NotResource"} & set(s) else {}),
            **s,
        }
        if isinstance(s, dict)
        else s
        for s in statements
    ]
    return {**parsed, "Statement": completed}


def _covers_put_key_policy(statement: Mapping[str, Any]) -> bool:
    """An Allow statement whose actions include kms:PutKeyPolicy, to at least one AWS principal."""
    if statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    if principal != "*" and not (isinstance(principal, Mapping) and principal.get("AWS")):
        return False

    def matches(patterns: Any) -> bool:
        listed = patterns if isinstance(patterns, list) else [patterns]
        return any(isinstance(p, str) and fnmatch.fnmatchcase(PUT_KEY_POLICY, p.lower()) for p in listed)

    if "NotAction" in statement:
        return not matches(statement["NotAction"])
    return matches(statement.get("Action"))


PUT_KEY_POLICY = "kms:putkeypolicy"


@rule(
    "kms-key-policy-lockout",
    "aws:kms/key:Key",
    prop="policy",
    summary="A key policy lets some AWS principal call kms:PutKeyPolicy, unless the lockout safety check is "
    "bypassed",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html (Policy: must allow the "
    "calling principal to make a subsequent PutKeyPolicy request; BypassPolicyLockoutSafetyCheck)",
)
def _lockout(ctx: Context, r: Resource) -> str | None:
    parsed = policy_json(r.get("policy"))
    if not isinstance(parsed, dict) or r.get("bypassPolicyLockoutSafetyCheck"):
        return None
    statements = parsed.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    if any(isinstance(s, Mapping) and _covers_put_key_policy(s) for s in statements):
        return None
    return (
        "the key policy lets no AWS principal call kms:PutKeyPolicy, so the caller would be locked out of "
        "the key: allow the account root (arn:aws:iam::<account>:root) kms:*, or set "
        "bypassPolicyLockoutSafetyCheck"
    )


@rule(
    "kms-alias-reserved-prefix",
    "aws:kms/alias:Alias",
    prop="name",
    summary="An alias name does not begin with alias/aws/ (reserved for AWS managed keys)",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (The AliasName value"
    " must not begin with alias/aws/)",
)
def _alias_reserved(ctx: Context, r: Resource) -> str | None:
    name = r.get("name") or r.get("namePrefix")
    if isinstance(name, str) and name.lower().startswith(RESERVED_ALIAS_PREFIX):
        return f"alias {name!r} begins with {RESERVED_ALIAS_PREFIX}, which is reserved for AWS managed keys"
    return None


@emulates(
    "aws:kms/grant:Grant",
    note="create_grant; moto refuses a key that does not exist",
    replace_on={EVERY_INPUT},
    naming=UNNAMED,
    arn="",
)
def kms_grant(ctx: Context, r: Resource) -> Emulated:
    key_id = str(r.get("keyId"))
    kwargs: dict[str, Any] = {
        "KeyId": key_id,
        "GranteePrincipal": r.get("granteePrincipal"),
        "Operations": list(r.get("operations", [])),
    }
    for key, member in (("retiringPrincipal", "RetiringPrincipal"), ("name", "Name")):
        if r.get(key):
            kwargs[member] = r.get(key)
    if r.get("grantCreationTokens"):
        kwargs["GrantTokens"] = list(r.get("grantCreationTokens"))
    constraints = (r.get("constraints") or [None])[0]
    if constraints:
        kwargs["Constraints"] = {
            member: dict(constraints[key])
            for key, member in (
                ("encryptionContextEquals", "EncryptionContextEquals"),
                ("encryptionContextSubset", "EncryptionContextSubset"),
            )
            if constraints.get(key)
        }
    created = ctx.aws(r, "keyId", "kms", "create_grant", **kwargs)
    return f"{key_id}:{created['GrantId']}", {
        "grantId": created["GrantId"],
        "grantToken": created["GrantToken"],
    }


_DATA_KEY_OPERATIONS = {
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
}
_CRYPT_OPERATIONS = {"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo"}
_SIGN_OPERATIONS = {"Sign", "Verify"}
_MAC_OPERATIONS = {"GenerateMac", "VerifyMac"}
# The operations a grant cannot allow on a key of each usage (symmetric keys: usage ENCRYPT_DECRYPT, spec
# SYMMETRIC_DEFAULT; the other ENCRYPT_DECRYPT keys are asymmetric).
_NOT_FOR_USAGE = {
    "SYMMETRIC": _SIGN_OPERATIONS | _MAC_OPERATIONS | {"GetPublicKey", "DeriveSharedSecret"},
    "ENCRYPT_DECRYPT": _SIGN_OPERATIONS | _MAC_OPERATIONS | _DATA_KEY_OPERATIONS | {"DeriveSharedSecret"},
    "SIGN_VERIFY": _CRYPT_OPERATIONS | _MAC_OPERATIONS | _DATA_KEY_OPERATIONS | {"DeriveSharedSecret"},
    "GENERATE_VERIFY_MAC": _CRYPT_OPERATIONS | _SIGN_OPERATIONS | _DATA_KEY_OPERATIONS | {"GetPublicKey"},
    "KEY_AGREEMENT": _CRYPT_OPERATIONS | _SIGN_OPERATIONS | _MAC_OPERATIONS | _DATA_KEY_OPERATIONS,
}


@rule(
    "kms-grant-operations-for-key",
    "aws:kms/grant:Grant",
    prop="operations",
    summary="A grant allows only operations its key supports (no Sign on a symmetric key, no data keys on an "
    "asymmetric one)",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html (if the grant allows an"
    " operation that the KMS key does not support, CreateGrant fails with a ValidationException)",
)
def _grant_operations(ctx: Context, r: Resource) -> str | None:
    key_id = r.get("keyId")
    if not key_id:
        return None
    try:
        metadata = ctx.client("kms").describe_key(KeyId=str(key_id))["KeyMetadata"]
    except Exception:  # a missing key is the emulator's refusal to make
        return None
    usage = str(metadata.get("KeyUsage", SYMMETRIC[0]))
    spec = str(metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec") or SYMMETRIC[1])
    kind = "SYMMETRIC" if spec == SYMMETRIC[1] else usage
    refused = [op for op in r.get("operations", []) if op in _NOT_FOR_USAGE.get(kind, set())]
    if not refused:
        return None
    return f"a grant on a {spec} {usage} key cannot allow {', '.join(refused)}: the key does not support it"


GET_ALIAS = "aws:kms/getAlias:getAlias"


@answers(GET_ALIAS)
def get_alias(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    kms = ctx.client("kms")
    region = str(args.get("region") or ctx.region)
    pages = kms.get_paginator("list_aliases").paginate()
    found = [a for page in pages for a in page["Aliases"] if a["AliasName"] == args.get("name")]
    if not found or not found[0].get("TargetKeyId"):
        # An alias with no key (one of AWS's, never used) reads as not found, as the provider's lookup.
        raise NotFoundError(GET_ALIAS, "KMS Alias", {"name": args.get("name")}, region)
    alias = found[0]
    key_id = str(alias["TargetKeyId"])
    try:
        key_arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    except kms.exceptions.NotFoundException:
        # moto lists AWS's managed aliases (alias/aws/s3, ...) with a key it never made; AWS names it so.
        key_arn = f"arn:aws:kms:{region}:{ctx.account_id}:key/{key_id}"
    return {
        "id": alias["AliasArn"],
        "arn": alias["AliasArn"],
        "name": alias["AliasName"],
        "targetKeyId": key_id,
        "targetKeyArn": key_arn,
        "region": region,
    }


GET_KEY = "aws:kms/getKey:getKey"


@answers(GET_KEY)
def get_key(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """A key by id, ARN, alias name or alias ARN; the AWS managed keys (alias/aws/s3, ...) included."""
    key_id = str(args.get("keyId", ""))
    kms = ctx.client("kms")
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except kms.exceptions.NotFoundException as err:
        raise NotFoundError(GET_KEY, "KMS Key", {"keyId": key_id}, ctx.region) from err
    managed = key_id.startswith("alias/aws/") or ":alias/aws/" in key_id
    return {
        "id": meta["KeyId"],
        "keyId": meta["KeyId"],
        "arn": meta["Arn"],
        "awsAccountId": meta["AWSAccountId"],
        "creationDate": meta["CreationDate"].isoformat(),
        "description": meta.get("Description", ""),
        "enabled": meta["Enabled"],
        "keyManager": "AWS" if managed else meta.get("KeyManager", "CUSTOMER"),
        "keySpec": meta.get("KeySpec", "SYMMETRIC_DEFAULT"),
        "customerMasterKeySpec": meta.get("CustomerMasterKeySpec", meta.get("KeySpec", "SYMMETRIC_DEFAULT")),
        "keyState": meta.get("KeyState", "Enabled"),
        "keyUsage": meta.get("KeyUsage", "ENCRYPT_DECRYPT"),
        "multiRegion": bool(meta.get("MultiRegion", False)),
        "origin": meta.get("Origin", "AWS_KMS"),
        "region": ctx.region,
    }
