"""STAGING: data sources to move into their service modules once those are free."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, NotFoundError, answers

# ---- ecr


@answers("aws:ecr/getAuthorizationToken:getAuthorizationToken")
def get_authorization_token(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """A registry login, as `docker login` takes it: user and password decoded from the token."""
    kwargs = {"registryIds": [str(args["registryId"])]} if args.get("registryId") else {}
    data = ctx.client("ecr").get_authorization_token(**kwargs)["authorizationData"][0]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    registry = str(args.get("registryId") or ctx.account_id)
    return {
        "id": ctx.region,
        "authorizationToken": data["authorizationToken"],
        "expiresAt": data["expiresAt"].isoformat(),
        "proxyEndpoint": data["proxyEndpoint"],
        "registryId": registry,
        "userName": user,
        "password": password,
        "region": ctx.region,
    }


# ---- kms


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


# ---- iam


@answers("aws:iam/getSessionContext:getSessionContext")
def get_session_context(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """The role behind an assumed-role ARN (arn:aws:sts::<account>:assumed-role/<role>/<session>), as the
    provider derives it; any other ARN is its own issuer. The role's path is read from the account."""
    arn = str(args.get("arn", ""))
    found = re.fullmatch(r"arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/(.+)", arn)
    if found is None:
        return {"id": arn, "arn": arn, "issuerArn": arn, "issuerId": "", "issuerName": "", "sessionName": ""}
    partition, account, role, session = found.groups()
    iam = ctx.client("iam")
    try:
        detail = iam.get_role(RoleName=role)["Role"]
        issuer, issuer_id = detail["Arn"], detail["RoleId"]
    except iam.exceptions.NoSuchEntityException:
        issuer, issuer_id = f"arn:{partition}:iam::{account}:role/{role}", ""
    return {
        "id": arn,
        "arn": arn,
        "issuerArn": issuer,
        "issuerId": issuer_id,
        "issuerName": role,
        "sessionName": session,
    }


GET_INSTANCE_PROFILE = "aws:iam/getInstanceProfile:getInstanceProfile"


@answers(GET_INSTANCE_PROFILE)
def get_instance_profile(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    name = str(args.get("name", ""))
    iam = ctx.client("iam")
    try:
        profile = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    except iam.exceptions.NoSuchEntityException as err:
        raise NotFoundError(GET_INSTANCE_PROFILE, "IAM Instance Profile", {"name": name}) from err
    role = (profile.get("Roles") or [{}])[0]
    return {
        "id": profile["Arn"],
        "arn": profile["Arn"],
        "name": profile["InstanceProfileName"],
        "path": profile.get("Path", "/"),
        "createDate": profile["CreateDate"].isoformat(),
        "roleArn": role.get("Arn", ""),
        "roleId": role.get("RoleId", ""),
        "roleName": role.get("RoleName", ""),
    }
