"""IAM: roles, inline and managed policies, attachments, instance profiles."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    answers,
    tags_list,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates, stable_hex

POLICY_NAME = Naming(
    max_length=128,
    pattern=r"[\w+=,.@-]+",
    source=(
        r"https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html,"
        " API_PutRolePolicy.html, API_CreateInstanceProfile.html"
        r" (1-128, [\w+=,.@-]+)"
    ),
)
ROLE_NAME = Naming(
    max_length=64,
    pattern=r"[\w+=,.@-]+",
    source=(
        r"https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"
        r" (RoleName: 1-64, [\w+=,.@-]+)"
    ),
)


@emulates(
    "aws:iam/role:Role",
    note="create_role",
    replace_on={"name", "namePrefix", "path"},
    naming=ROLE_NAME,
    arn="arn:{partition}:iam::{account}:role/{name}",
)
def iam_role(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "RoleName": name,
        "AssumeRolePolicyDocument": r.get("assumeRolePolicy"),
        "Path": r.get("path", "/"),
        "MaxSessionDuration": int(r.get("maxSessionDuration", 3600)),
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("description"):
        kwargs["Description"] = r.get("description")
    role = ctx.aws(r, "assumeRolePolicy", "iam", "create_role", **kwargs)["Role"]
    for index, attached in enumerate(r.get("managedPolicyArns", [])):
        ctx.aws(
            r, f"managedPolicyArns[{index}]", "iam", "attach_role_policy", RoleName=name, PolicyArn=attached
        )
    return name, {
        "arn": role["Arn"],
        "name": name,
        "uniqueId": role["RoleId"],
        "createDate": "",
        "path": role["Path"],
    }


@emulates(
    "aws:iam/rolePolicy:RolePolicy",
    note="put_role_policy",
    replace_on={"name", "namePrefix", "role"},
    naming=POLICY_NAME,
    arn="",
)
def iam_role_policy(ctx: Context, r: Resource) -> Emulated:
    role = str(r.get("role"))
    name = r.physical_name()
    ctx.aws(
        r, "policy", "iam", "put_role_policy", RoleName=role, PolicyName=name, PolicyDocument=r.get("policy")
    )
    return f"{role}:{name}", {"name": name}


@emulates(
    "aws:iam/policy:Policy",
    note="create_policy",
    replace_on={"name", "namePrefix", "path"},
    naming=POLICY_NAME,
    arn="arn:{partition}:iam::{account}:policy/{name}",
)
def iam_policy(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    created = ctx.aws(
        r,
        "policy",
        "iam",
        "create_policy",
        PolicyName=name,
        PolicyDocument=r.get("policy"),
        Path=r.get("path", "/"),
    )["Policy"]
    return created["Arn"], {"arn": created["Arn"], "name": name, "policyId": created["PolicyId"]}


@emulates(
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    note="attach_role_policy; moto refuses a policy ARN that does not exist (NoSuchEntity)",
    replace_on={"policyArn", "role"},
    naming=UNNAMED,
    arn="",
)
def iam_role_policy_attachment(ctx: Context, r: Resource) -> Emulated:
    role = str(r.get("role"))
    ctx.aws(r, "policyArn", "iam", "attach_role_policy", RoleName=role, PolicyArn=r.get("policyArn"))
    return f"{role}-{r.get('policyArn')}", {}


@emulates(
    "aws:iam/instanceProfile:InstanceProfile",
    note="create_instance_profile, add_role_to_instance_profile",
    replace_on={"name", "namePrefix", "path"},
    naming=POLICY_NAME,
    arn="arn:{partition}:iam::{account}:instance-profile/{name}",
)
def iam_instance_profile(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    profile = ctx.aws(
        r, "name", "iam", "create_instance_profile", InstanceProfileName=name, Path=r.get("path", "/")
    )["InstanceProfile"]
    if r.get("role"):
        ctx.aws(
            r, "role", "iam", "add_role_to_instance_profile", InstanceProfileName=name, RoleName=r.get("role")
        )
    return name, {"arn": profile["Arn"], "name": name, "uniqueId": profile["InstanceProfileId"]}


def _statement(statement: Mapping[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"Effect": statement.get("effect", "Allow")}
    if statement.get("sid"):
        converted["Sid"] = statement["sid"]
    for key, name in (
        ("actions", "Action"),
        ("notActions", "NotAction"),
        ("resources", "Resource"),
        ("notResources", "NotResource"),
    ):
        values = statement.get(key)
        if values:
            converted[name] = values[0] if len(values) == 1 else sorted(values)
    for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
        principals = statement.get(key)
        if principals:
            block: dict[str, Any] = {}
            for principal in principals:
                identifiers = list(principal["identifiers"])
                block[principal["type"]] = identifiers[0] if len(identifiers) == 1 else sorted(identifiers)
            converted[name] = "*" if block == {"*": "*"} else block
    conditions = statement.get("conditions")
    if conditions:
        condition: dict[str, dict[str, Any]] = {}
        for c in conditions:
            values = list(c["values"])
            condition.setdefault(c["test"], {})[c["variable"]] = values[0] if len(values) == 1 else values
        converted["Condition"] = condition
    return converted


@answers("aws:iam/getPolicyDocument:getPolicyDocument")
def policy_document(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """The provider renders this locally too: no AWS call, same JSON shape."""
    document: dict[str, Any] = {"Version": args.get("version", "2012-10-17")}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    document["Statement"] = [_statement(s) for s in args.get("statements", [])]
    rendered = json.dumps(document, indent=2)
    return {
        "id": stable_hex(rendered, length=10),
        "json": rendered,
        "minifiedJson": json.dumps(document, separators=(",", ":")),
    }
