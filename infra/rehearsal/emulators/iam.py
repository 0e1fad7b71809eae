"""IAM: roles, users, groups, their policies and attachments, instance profiles, OIDC providers, keys."""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    EmulationError,
    NotFoundError,
    Resource,
    answers,
    tags_list,
    tags_map,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates, rule, stable_hex

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


def _camel_keys(value: Any) -> Any:
    """Invoke arguments given as plain dicts keep the program's snake_case keys (`not_actions`), which the
    provider takes as it takes `notActions`: both are read the same way here."""
    if isinstance(value, Mapping):
        return {
            re.sub(r"_([a-z])", lambda m: m.group(1).upper(), str(k)): _camel_keys(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


@answers("aws:iam/getPolicyDocument:getPolicyDocument")
def policy_document(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """The provider renders this locally too: no AWS call, same JSON shape."""
    args = _camel_keys(args)
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


USER_NAME = Naming(
    max_length=64,
    pattern=r"[\w+=,.@-]+",
    source=(
        r"https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html"
        r" (UserName: 1-64, [\w+=,.@-]+)"
    ),
)
GROUP_NAME = Naming(
    max_length=128,
    pattern=r"[\w+=,.@-]+",
    source=(
        r"https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html"
        r" (GroupName: 1-128, [\w+=,.@-]+)"
    ),
)

POLICY_GRAMMAR = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
PRINCIPAL_ELEMENT = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
)
NOT_PRINCIPAL_ELEMENT = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"
)
QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
POLICY_VERSIONS = ("2012-10-17", "2008-10-17")
_ACTION = re.compile(r"\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+")
MANAGED_POLICY_MAX = 6144
"""Characters of a managed policy, whitespace not counted (IAM quotas)."""
INLINE_POLICY_MAX = {"role": 10240, "user": 2048, "group": 5120}
"""Characters of all inline policies of one principal together, whitespace not counted (IAM quotas)."""


class PolicyKind(enum.Enum):
    """Which grammar a policy document follows: where Principal and Resource must or must not be."""

    IDENTITY = "identity-based policy"
    """Attached to a user, group or role: Resource required, Principal forbidden."""
    TRUST = "role trust policy"
    """A role's assume-role policy: Principal required, Resource forbidden."""
    RESOURCE = "resource-based policy"
    """On a key, secret, queue...: Principal and Resource required."""


def policy_json(document: Any) -> Any:
    """The parsed document (the provider takes a JSON string; a Pulumi program may give a dict)."""
    if isinstance(document, str):
        try:
            return json.loads(document)
        except ValueError:
            return None
    return document


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_problem(document: Any, kind: PolicyKind) -> str | None:
    """Why IAM refuses `document` as a policy of `kind` (MalformedPolicyDocument), or None."""
    parsed = policy_json(document)
    if not isinstance(parsed, dict):
        return "the policy is not a JSON object"
    version = parsed.get("Version")
    if version is not None and version not in POLICY_VERSIONS:
        return f"Version {version!r} is not one of {', '.join(POLICY_VERSIONS)}"
    if "Statement" not in parsed:
        return "the policy has no Statement"
    statements = _as_list(parsed["Statement"])
    if not statements:
        return "the policy's Statement is empty"
    for index, statement in enumerate(statements):
        problem = _statement_problem(statement, kind)
        if problem:
            return f"Statement[{index}]: {problem}"
    return None


def _statement_problem(statement: Any, kind: PolicyKind) -> str | None:
    if not isinstance(statement, dict):
        return "a statement is a JSON object"
    if statement.get("Effect") not in ("Allow", "Deny"):
        return f"Effect must be Allow or Deny, not {statement.get('Effect')!r}"
    actions = [k for k in ("Action", "NotAction") if k in statement]
    if len(actions) != 1:
        return "a statement has exactly one of Action and NotAction"
    for action in _as_list(statement[actions[0]]):
        if not isinstance(action, str) or not _ACTION.fullmatch(action):
            return f"{actions[0]} {action!r} is not of the form service:Action"
    principals = [k for k in ("Principal", "NotPrincipal") if k in statement]
    resources = [k for k in ("Resource", "NotResource") if k in statement]
    if kind is PolicyKind.IDENTITY and principals:
        return f"an {kind.value} must not specify a principal ({principals[0]})"
    if kind is not PolicyKind.IDENTITY and not principals:
        return f"a {kind.value} must specify a Principal"
    if kind is PolicyKind.TRUST and resources:
        return f"a {kind.value} has no {resources[0]}"
    if kind is PolicyKind.TRUST and "NotPrincipal" in statement:
        return f"a {kind.value} cannot use NotPrincipal: name the Principal allowed to assume the role"
    if kind is not PolicyKind.TRUST and len(resources) != 1:
        return "a statement has exactly one of Resource and NotResource"
    if principals:
        problem = _principal_wildcard_problem(statement[principals[0]], principals[0])
        if problem:
            return problem
    return _condition_problem(statement.get("Condition"))


CONDITION_OPERATORS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
)
_OPERATORS = {
    *(
        f"String{o}"
        for o in ("Equals", "NotEquals", "EqualsIgnoreCase", "NotEqualsIgnoreCase", "Like", "NotLike")
    ),
    *(
        f"Numeric{o}"
        for o in ("Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals")
    ),
    *(
        f"Date{o}"
        for o in ("Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals")
    ),
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    *(f"Arn{o}" for o in ("Equals", "Like", "NotEquals", "NotLike")),
}


def _condition_problem(condition: Any) -> str | None:
    """Why IAM refuses a Condition block's operators: one of the documented ones, with an optional
    ForAllValues:/ForAnyValue: prefix and IfExists suffix (never on Null)."""
    if not isinstance(condition, dict):
        return None
    for operator in condition:
        name = str(operator)
        for prefix in ("ForAllValues:", "ForAnyValue:"):
            name = name.removeprefix(prefix)
        if name == "Null":
            continue
        if name == "NullIfExists":
            return f"condition operator {operator!r}: IfExists cannot be added to Null"
        if name.removesuffix("IfExists") not in _OPERATORS:
            return f"condition operator {operator!r} is not an IAM condition operator"
    return None


def _principal_wildcard_problem(principal: Any, element: str) -> str | None:
    """A principal is "*" or names one entity: a wildcard cannot match part of a principal name or ARN."""
    if principal == "*" or not isinstance(principal, dict):
        return None
    for key, values in principal.items():
        for value in _as_list(values):
            if key == "AWS" and isinstance(value, str) and value.isdigit() and len(value) != 12:
                return f"{element} AWS {value!r} is not an account: an AWS account id has 12 digits"
            if key == "Service" and isinstance(value, str) and value != "*" and "." not in value:
                return (
                    f"{element} Service {value!r} is not a service principal (such as {value}.amazonaws.com)"
                )
            if isinstance(value, str) and value != "*" and ("*" in value or "?" in value):
                return (
                    f'{element} {key} {value!r} uses a wildcard inside a principal: give "*" or the full ARN,'
                    " and match patterns with a condition (aws:PrincipalArn) instead"
                )
    return None


SID_ELEMENT = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html"
_SID = re.compile(r"[A-Za-z0-9]*")


def sid_problem(document: Any) -> str | None:
    """Why IAM refuses a policy's statement ids: only ASCII letters and digits, unique in the policy."""
    parsed = policy_json(document)
    if not isinstance(parsed, dict):
        return None
    seen: set[str] = set()
    for index, statement in enumerate(_as_list(parsed.get("Statement"))):
        sid = statement.get("Sid") if isinstance(statement, dict) else None
        if not isinstance(sid, str) or not sid:
            continue
        if not _SID.fullmatch(sid):
            return f"Statement[{index}]: Sid {sid!r} may hold only ASCII letters and digits"
        if sid in seen:
            return f"Statement[{index}]: Sid {sid!r} is used twice; in IAM a Sid is unique within the policy"
        seen.add(sid)
    return None


@rule(
    "iam-policy-sid",
    (
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
    ),
    prop="policy",
    summary="An IAM policy's statement ids hold only ASCII letters and digits and are unique",
    source=SID_ELEMENT,
)
def _identity_sid(ctx: Context, r: Resource) -> str | None:
    document = r.get("policy")
    return None if document is None else sid_problem(document)


@rule(
    "iam-trust-policy-sid",
    "aws:iam/role:Role",
    prop="assumeRolePolicy",
    summary="A trust policy's statement ids hold only ASCII letters and digits and are unique",
    source=SID_ELEMENT,
)
def _trust_sid(ctx: Context, r: Resource) -> str | None:
    document = r.get("assumeRolePolicy")
    return None if document is None else sid_problem(document)


def policy_length(document: Any) -> int:
    """Characters IAM counts against its size quotas: the JSON without whitespace."""
    text = document if isinstance(document, str) else json.dumps(document)
    return len(re.sub(r"\s", "", text))


@rule(
    "iam-identity-policy-grammar",
    (
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
    ),
    prop="policy",
    summary="An identity policy has a known Version, Statements with Effect, Action/NotAction as"
    " service:Action, Resource/NotResource, documented condition operators, and no Principal",
    source=f"{POLICY_GRAMMAR}; {PRINCIPAL_ELEMENT} (no Principal in identity-based policies);"
    f" {CONDITION_OPERATORS} (IfExists on any operator except Null)",
)
def _identity_policy(ctx: Context, r: Resource) -> str | None:
    document = r.get("policy")
    return None if document is None else policy_problem(document, PolicyKind.IDENTITY)


@rule(
    "iam-trust-policy-grammar",
    "aws:iam/role:Role",
    prop="assumeRolePolicy",
    summary="A role's trust policy names a Principal (no NotPrincipal, no partial wildcard, 12-digit"
    " accounts, service.amazonaws.com services) in every statement and no Resource",
    source=f"{PRINCIPAL_ELEMENT} (you cannot use a wildcard to match part of a principal name or ARN);"
    f" {NOT_PRINCIPAL_ELEMENT} (not in an IAM role trust policy); {POLICY_GRAMMAR}",
)
def _trust_policy(ctx: Context, r: Resource) -> str | None:
    document = r.get("assumeRolePolicy")
    return None if document is None else policy_problem(document, PolicyKind.TRUST)


@rule(
    "iam-managed-policy-size",
    "aws:iam/policy:Policy",
    prop="policy",
    summary=f"A managed policy is at most {MANAGED_POLICY_MAX} characters, whitespace not counted",
    source=f"{QUOTAS} (IAM and AWS STS character limits: managed policy size)",
)
def _managed_policy_size(ctx: Context, r: Resource) -> str | None:
    document = r.get("policy")
    if document is None:
        return None
    length = policy_length(document)
    if length > MANAGED_POLICY_MAX:
        return f"the policy is {length} characters without whitespace; at most {MANAGED_POLICY_MAX}"
    return None


_INLINE = {
    "aws:iam/rolePolicy:RolePolicy": ("role", "role", "RoleName"),
    "aws:iam/userPolicy:UserPolicy": ("user", "user", "UserName"),
    "aws:iam/groupPolicy:GroupPolicy": ("group", "group", "GroupName"),
}


@rule(
    "iam-inline-policy-size",
    tuple(_INLINE),
    prop="policy",
    summary="All inline policies of one role, user or group total at most 10240, 2048 or 5120 characters"
    " (whitespace not counted)",
    source=f"{QUOTAS} (IAM and AWS STS character limits: inline policy size)",
)
def _inline_policy_size(ctx: Context, r: Resource) -> str | None:
    principal, key, member = _INLINE[r.type]
    document, owner = r.get("policy"), r.get(key)
    if document is None or not owner:
        return None
    iam = ctx.client("iam")
    total = policy_length(document)
    try:
        names = getattr(iam, f"list_{principal}_policies")(**{member: owner})["PolicyNames"]
        for name in names:
            held = getattr(iam, f"get_{principal}_policy")(**{member: owner, "PolicyName": name})
            total += policy_length(held["PolicyDocument"])
    except iam.exceptions.NoSuchEntityException:
        return None  # the principal's own emulation refuses a missing one
    limit = INLINE_POLICY_MAX[principal]
    if total > limit:
        return (
            f"the inline policies of {principal} {owner} would total {total} characters without whitespace;"
            f" at most {limit}"
        )
    return None


@emulates(
    "aws:iam/user:User",
    note="create_user",
    replace_on=(),
    naming=USER_NAME,
    arn="arn:{partition}:iam::{account}:user/{name}",
)
def iam_user(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {"UserName": name, "Path": r.get("path", "/"), "Tags": tags_list(r.get("tags"))}
    if r.get("permissionsBoundary"):
        kwargs["PermissionsBoundary"] = r.get("permissionsBoundary")
    user = ctx.aws(r, "name", "iam", "create_user", **kwargs)["User"]
    return name, {"arn": user["Arn"], "name": name, "uniqueId": user["UserId"], "path": user["Path"]}


@emulates(
    "aws:iam/group:Group",
    note="create_group",
    replace_on=(),
    naming=GROUP_NAME,
    arn="arn:{partition}:iam::{account}:group/{name}",
)
def iam_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    group = ctx.aws(r, "name", "iam", "create_group", GroupName=name, Path=r.get("path", "/"))["Group"]
    return name, {"arn": group["Arn"], "name": name, "uniqueId": group["GroupId"], "path": group["Path"]}


@emulates(
    "aws:iam/groupMembership:GroupMembership",
    note="add_user_to_group per user; moto refuses a user or group that does not exist",
    replace_on={"group", "name"},
    naming=UNNAMED,
    arn="",
)
def iam_group_membership(ctx: Context, r: Resource) -> Emulated:
    group = str(r.get("group"))
    for index, user in enumerate(r.get("users", [])):
        ctx.aws(r, f"users[{index}]", "iam", "add_user_to_group", GroupName=group, UserName=user)
    name = str(r.get("name") or r.name)
    return name, {"name": name}


@emulates(
    "aws:iam/userGroupMembership:UserGroupMembership",
    note="add_user_to_group per group; moto refuses a user or group that does not exist",
    replace_on={"user"},
    naming=UNNAMED,
    arn="",
)
def iam_user_group_membership(ctx: Context, r: Resource) -> Emulated:
    user = str(r.get("user"))
    groups = [str(g) for g in r.get("groups", [])]
    for index, group in enumerate(groups):
        ctx.aws(r, f"groups[{index}]", "iam", "add_user_to_group", GroupName=group, UserName=user)
    return "/".join([user, *groups]), {}


@emulates(
    "aws:iam/userPolicy:UserPolicy",
    note="put_user_policy",
    replace_on={"name", "namePrefix", "user"},
    naming=POLICY_NAME,
    arn="",
)
def iam_user_policy(ctx: Context, r: Resource) -> Emulated:
    user, name = str(r.get("user")), r.physical_name()
    ctx.aws(
        r, "policy", "iam", "put_user_policy", UserName=user, PolicyName=name, PolicyDocument=r.get("policy")
    )
    return f"{user}:{name}", {"name": name}


@emulates(
    "aws:iam/groupPolicy:GroupPolicy",
    note="put_group_policy",
    replace_on={"group", "name", "namePrefix"},
    naming=POLICY_NAME,
    arn="",
)
def iam_group_policy(ctx: Context, r: Resource) -> Emulated:
    group, name = str(r.get("group")), r.physical_name()
    ctx.aws(
        r,
        "policy",
        "iam",
        "put_group_policy",
        GroupName=group,
        PolicyName=name,
        PolicyDocument=r.get("policy"),
    )
    return f"{group}:{name}", {"name": name}


@emulates(
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    note="attach_user_policy; moto refuses a policy ARN or user that does not exist (NoSuchEntity)",
    replace_on={"policyArn", "user"},
    naming=UNNAMED,
    arn="",
)
def iam_user_policy_attachment(ctx: Context, r: Resource) -> Emulated:
    user = str(r.get("user"))
    ctx.aws(r, "policyArn", "iam", "attach_user_policy", UserName=user, PolicyArn=r.get("policyArn"))
    return f"{user}-{r.get('policyArn')}", {}


@emulates(
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    note="attach_group_policy; moto refuses a policy ARN or group that does not exist (NoSuchEntity)",
    replace_on={"group", "policyArn"},
    naming=UNNAMED,
    arn="",
)
def iam_group_policy_attachment(ctx: Context, r: Resource) -> Emulated:
    group = str(r.get("group"))
    ctx.aws(r, "policyArn", "iam", "attach_group_policy", GroupName=group, PolicyArn=r.get("policyArn"))
    return f"{group}-{r.get('policyArn')}", {}


@rule(
    "iam-policy-attachment-targets",
    "aws:iam/policyAttachment:PolicyAttachment",
    prop="users",
    summary="A policy attachment names at least one user, role or group",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/policy_attachment.go"
    " (AtLeastOneOf groups, roles, users)",
)
def _attachment_targets(ctx: Context, r: Resource) -> str | None:
    if r.get("users") or r.get("roles") or r.get("groups"):
        return None
    return "no users, roles or groups are given to attach the policy to"


@emulates(
    "aws:iam/policyAttachment:PolicyAttachment",
    note="attach_user_policy, attach_role_policy, attach_group_policy per principal; the attachment is"
    " exclusive (the provider reads back every principal the policy is attached to, so attachments made"
    " elsewhere become drift), which the rehearsal does not show",
    replace_on={"name", "policyArn"},
    naming=UNNAMED,
    arn="",
)
def iam_policy_attachment(ctx: Context, r: Resource) -> Emulated:
    arn = r.get("policyArn")
    for key, operation, member in (
        ("users", "attach_user_policy", "UserName"),
        ("roles", "attach_role_policy", "RoleName"),
        ("groups", "attach_group_policy", "GroupName"),
    ):
        for index, principal in enumerate(r.get(key, [])):
            ctx.aws(r, f"{key}[{index}]", "iam", operation, **{member: principal, "PolicyArn": arn})
    name = str(r.get("name") or r.name)
    return name, {"name": name}


@rule(
    "iam-oidc-provider-url",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    prop="url",
    summary="An OIDC provider URL begins with https:// and has no query or fragment",
    source="https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html"
    " (Url: must begin with https://)",
)
def _oidc_url(ctx: Context, r: Resource) -> str | None:
    url = r.get("url")
    if not isinstance(url, str):
        return None
    if not url.startswith("https://") or "?" in url or "#" in url or len(url) <= len("https://"):
        return f"url {url!r} must begin with https:// and name the issuer, without query or fragment"
    return None


@emulates(
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    note="create_open_id_connect_provider",
    replace_on={"url"},
    naming=UNNAMED,
    arn="arn:{partition}:iam::{account}:oidc-provider/{name}",
)
def iam_oidc_provider(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "Url": r.get("url"),
        "ClientIDList": list(r.get("clientIdLists", [])),
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("thumbprintLists"):
        kwargs["ThumbprintList"] = list(r.get("thumbprintLists"))
    # Pulumi pluralises list inputs (thumbprintLists); under their singular names the service model's
    # ThumbprintList and ClientIDList are blamed on the right property.
    singular = {"clientIdList": r.get("clientIdLists"), "thumbprintList": r.get("thumbprintLists")}
    try:
        created = ctx.aws(
            dataclasses.replace(r, inputs={**r.inputs, **singular}),
            "url",
            "iam",
            "create_open_id_connect_provider",
            **kwargs,
        )
    except EmulationError as err:
        head, dot, rest = err.prop.partition("[")
        prop = f"{head}s{dot}{rest}" if head in singular else err.prop
        raise EmulationError(r.urn, prop, err.code, err.aws_message, err.source) from err
    arn = created["OpenIDConnectProviderArn"]
    return arn, {"arn": arn}


@emulates(
    "aws:iam/accessKey:AccessKey",
    note="create_access_key, update_access_key for an Inactive key; the secret is moto's (no PGP encryption)",
    replace_on={"pgpKey", "user"},
    naming=UNNAMED,
    arn="",
)
def iam_access_key(ctx: Context, r: Resource) -> Emulated:
    user = str(r.get("user"))
    key = ctx.aws(r, "user", "iam", "create_access_key", UserName=user)["AccessKey"]
    status = r.get("status", "Active")
    if status != "Active":
        ctx.aws(
            r,
            "status",
            "iam",
            "update_access_key",
            UserName=user,
            AccessKeyId=key["AccessKeyId"],
            Status=status,
        )
    return key["AccessKeyId"], {"secret": key["SecretAccessKey"], "status": status, "createDate": ""}


@emulates(
    "aws:iam/serviceLinkedRole:ServiceLinkedRole",
    note="create_service_linked_role",
    replace_on={"awsServiceName", "customSuffix"},
    naming=UNNAMED,
    arn="arn:{partition}:iam::{account}:role/aws-service-role/{name}",
)
def iam_service_linked_role(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {"AWSServiceName": r.get("awsServiceName")}
    for key, member in (("description", "Description"), ("customSuffix", "CustomSuffix")):
        if r.get(key):
            kwargs[member] = r.get(key)
    role = ctx.aws(r, "awsServiceName", "iam", "create_service_linked_role", **kwargs)["Role"]
    return role["Arn"], {
        "arn": role["Arn"],
        "name": role["RoleName"],
        "path": role["Path"],
        "uniqueId": role["RoleId"],
        "createDate": "",
    }


GET_ROLE = "aws:iam/getRole:getRole"


def _document(document: Any) -> str:
    """boto3 decodes IAM's URL-encoded policy JSON into a dict; the provider hands the program JSON text."""
    return document if isinstance(document, str) else json.dumps(document)


@answers(GET_ROLE)
def get_role(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    iam = ctx.client("iam")
    try:
        role = iam.get_role(RoleName=str(args["name"]))["Role"]
    except iam.exceptions.NoSuchEntityException as err:
        raise NotFoundError(GET_ROLE, "IAM Role", {"name": args["name"]}) from err
    last_used = role.get("RoleLastUsed") or {}
    return {
        "id": role["RoleName"],
        "arn": role["Arn"],
        "assumeRolePolicy": _document(role.get("AssumeRolePolicyDocument", "")),
        "createDate": role["CreateDate"].strftime("%Y-%m-%dT%H:%M:%SZ"),
        "description": role.get("Description", ""),
        "maxSessionDuration": role.get("MaxSessionDuration", 3600),
        "name": role["RoleName"],
        "path": role.get("Path", "/"),
        "permissionsBoundary": (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn", ""),
        "roleLastUseds": [
            {
                "lastUsedDate": last_used["LastUsedDate"].strftime("%Y-%m-%dT%H:%M:%SZ")
                if last_used.get("LastUsedDate")
                else "",
                "region": last_used.get("Region", ""),
            }
        ],
        "tags": tags_map(role.get("Tags")),
        "uniqueId": role["RoleId"],
    }


GET_POLICY = "aws:iam/getPolicy:getPolicy"


@answers(GET_POLICY)
def get_policy(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """By ARN, or by name (and path prefix) among the account's and AWS's managed policies."""
    iam = ctx.client("iam")
    criteria = {k: args.get(k) for k in ("arn", "name", "pathPrefix")}
    if args.get("arn"):
        try:
            policy = iam.get_policy(PolicyArn=str(args["arn"]))["Policy"]
        except iam.exceptions.NoSuchEntityException as err:
            raise NotFoundError(GET_POLICY, "IAM Policy", criteria) from err
        if args.get("name") and policy["PolicyName"] != args["name"]:
            raise NotFoundError(GET_POLICY, "IAM Policy", criteria)
    else:
        pages = iam.get_paginator("list_policies").paginate(
            Scope="All", PathPrefix=str(args.get("pathPrefix") or "/")
        )
        found = [p for page in pages for p in page["Policies"] if p["PolicyName"] == args.get("name")]
        if not found:
            raise NotFoundError(GET_POLICY, "IAM Policy", criteria)
        if len(found) > 1:
            raise LookupError(
                f"{GET_POLICY}: {len(found)} IAM Policies matched {criteria}; "
                "use additional constraints (pathPrefix, or arn) to reduce matches to a single IAM Policy"
            )
        policy = iam.get_policy(PolicyArn=found[0]["Arn"])["Policy"]
    version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
    return {
        "id": policy["Arn"],
        "arn": policy["Arn"],
        "attachmentCount": policy.get("AttachmentCount", 0),
        "description": policy.get("Description", ""),
        "name": policy["PolicyName"],
        "path": policy.get("Path", "/"),
        "pathPrefix": args.get("pathPrefix"),
        "policy": _document(version["PolicyVersion"]["Document"]),
        "policyId": policy["PolicyId"],
        "tags": tags_map(policy.get("Tags")),
    }


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
