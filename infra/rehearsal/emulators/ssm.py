"""Systems Manager: Parameter Store parameters and documents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, NotFoundError, Resource, answers, tags_list
from infra.rehearsal.spec import Emulated, Naming, Where, emulates, rule

MAX_PARAMETER_ARN = 1011
"""Characters of a parameter name counted with its whole ARN (the Parameter Store name requirements)."""
PARAMETER_NAME = Naming(
    max_length=MAX_PARAMETER_ARN,
    pattern=r"[A-Za-z0-9_.\-/]+",
    source=(
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html"
        " (parameter names: letters, digits and _.-/; at most 1011 characters with the ARN)"
    ),
)
DOCUMENT_NAME = Naming(
    max_length=128,
    pattern=r"[A-Za-z0-9_.\-]{3,128}",
    source=(
        "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html"
        " (Name: 3-128 letters, digits and _.-)"
    ),
)
PARAMETER_REQUIREMENTS = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html"
)
PARAMETER_TIERS = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
)
MAX_VALUE_BYTES = {"Standard": 4096, "Advanced": 8192, "Intelligent-Tiering": 8192}
"""A value's size by tier (Intelligent-Tiering promotes a large value to Advanced)."""
MAX_HIERARCHY_LEVELS = 15
RESERVED_PARAMETER_PREFIXES = ("aws", "ssm")
RESERVED_DOCUMENT_PREFIXES = ("aws", "amazon", "amzn")


def _parameter_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    path = str(s.get("name", name)).lstrip("/")
    return {
        "arn": f"arn:{where.partition}:ssm:{where.region}:{where.account_id}:parameter/{path}",
        "version": 1,
    }


@rule(
    "ssm-parameter-name",
    "aws:ssm/parameter:Parameter",
    prop="name",
    summary="A parameter name does not begin with aws or ssm, a hierarchical name begins with / and has at"
    f" most {MAX_HIERARCHY_LEVELS} levels; the name with its ARN is at most {MAX_PARAMETER_ARN} characters",
    source=f"{PARAMETER_REQUIREMENTS} (requirements and constraints for parameter names)",
)
def _parameter_name(ctx: Context, r: Resource) -> str | None:
    name = r.get("name")
    if not isinstance(name, str):
        return None
    if name.lstrip("/").lower().startswith(RESERVED_PARAMETER_PREFIXES):
        reserved = " or ".join(RESERVED_PARAMETER_PREFIXES)
        return f"parameter name {name!r} begins with {reserved}, which are reserved"
    if "/" in name and not name.startswith("/"):
        return f"parameter name {name!r} has a hierarchy but does not begin with /"
    levels = name.count("/")
    if levels > MAX_HIERARCHY_LEVELS:
        return f"parameter name {name!r} has {levels} levels; at most {MAX_HIERARCHY_LEVELS}"
    arn = f"arn:aws:ssm:{ctx.region}:{ctx.account_id}:parameter/{name.lstrip('/')}"
    if len(arn) > MAX_PARAMETER_ARN:
        return f"parameter name is {len(arn)} characters with its ARN; at most {MAX_PARAMETER_ARN}"
    return None


def _value(r: Resource) -> Any:
    return r.get("value", r.get("insecureValue"))


@rule(
    "ssm-parameter-value-size",
    "aws:ssm/parameter:Parameter",
    prop="value",
    summary="A Standard parameter's value is at most 4 KB, an Advanced one's at most 8 KB",
    source=f"{PARAMETER_TIERS} (maximum value size: standard 4 KB, advanced 8 KB)",
)
def _value_size(ctx: Context, r: Resource) -> str | None:
    value, tier = _value(r), r.get("tier", "Standard")
    if not isinstance(value, str) or tier not in MAX_VALUE_BYTES:
        return None
    size, limit = len(value.encode()), MAX_VALUE_BYTES[tier]
    if size > limit:
        return f"the value is {size} bytes; a {tier} parameter holds at most {limit}"
    return None


@rule(
    "ssm-parameter-allowed-pattern",
    "aws:ssm/parameter:Parameter",
    prop="value",
    summary="A parameter's value matches its allowedPattern",
    source="https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html"
    " (AllowedPattern; ParameterPatternMismatchException)",
)
def _allowed_pattern(ctx: Context, r: Resource) -> str | None:
    value, pattern = _value(r), r.get("allowedPattern")
    if not isinstance(value, str) or not pattern:
        return None
    try:
        matches = re.fullmatch(str(pattern), value) is not None
    except re.error:
        return None
    return None if matches else f"the value does not match allowedPattern {pattern!r}"


@emulates(
    "aws:ssm/parameter:Parameter",
    note="put_parameter",
    # The provider also replaces an Advanced parameter made Standard (customdiff.ForceNewIfChange on tier).
    replace_on={"dataType", "name"},
    naming=PARAMETER_NAME,
    arn="arn:{partition}:ssm:{region}:{account}:parameter/{name}",
    computed=_parameter_outputs,
)
def parameter(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "Name": name,
        "Type": r.get("type"),
        "Value": _value(r),
        "Overwrite": bool(r.get("overwrite", False)),
    }
    for key, member in (
        ("description", "Description"),
        ("tier", "Tier"),
        ("allowedPattern", "AllowedPattern"),
        ("dataType", "DataType"),
    ):
        if r.get(key):
            kwargs[member] = r.get(key)
    if r.get("keyId") and r.get("type") == "SecureString":
        kwargs["KeyId"] = r.get("keyId")
    if not kwargs["Overwrite"]:
        kwargs["Tags"] = tags_list(r.get("tags"))
    created = ctx.aws(r, "value", "ssm", "put_parameter", **kwargs)
    read = ctx.aws(r, "name", "ssm", "get_parameter", Name=name)["Parameter"]
    return name, {
        "arn": read["ARN"],
        "name": name,
        "version": created["Version"],
        "tier": created.get("Tier", kwargs.get("Tier", "Standard")),
        "dataType": read.get("DataType", "text"),
    }


@rule(
    "ssm-document-reserved-prefix",
    "aws:ssm/document:Document",
    prop="name",
    summary="A document name does not begin with aws, amazon or amzn",
    source="https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html"
    " (Name: you can't use the following strings as document name prefixes: aws, amazon, amzn)",
)
def _document_prefix(ctx: Context, r: Resource) -> str | None:
    name = r.get("name")
    if isinstance(name, str) and name.lower().startswith(RESERVED_DOCUMENT_PREFIXES):
        return (
            f"document name {name!r} begins with a reserved prefix ({', '.join(RESERVED_DOCUMENT_PREFIXES)})"
        )
    return None


@emulates(
    "aws:ssm/document:Document",
    note="create_document; moto parses the content in its format and refuses what does not parse",
    replace_on={"name"},
    naming=DOCUMENT_NAME,
    arn="arn:{partition}:ssm:{region}:{account}:document/{name}",
)
def document(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "Name": name,
        "Content": r.get("content"),
        "DocumentType": r.get("documentType"),
        "DocumentFormat": r.get("documentFormat", "JSON"),
        "Tags": tags_list(r.get("tags")),
    }
    for key, member in (("targetType", "TargetType"), ("versionName", "VersionName")):
        if r.get(key):
            kwargs[member] = r.get(key)
    described = ctx.aws(r, "content", "ssm", "create_document", **kwargs)["DocumentDescription"]
    return name, {
        "arn": ctx.arn("ssm", f"document/{name}"),
        "name": name,
        "documentVersion": described.get("DocumentVersion", "1"),
        "defaultVersion": described.get("DefaultVersion", "1"),
        "latestVersion": described.get("LatestVersion", "1"),
        "schemaVersion": described.get("SchemaVersion", ""),
        "status": described.get("Status", "Active"),
        "hash": described.get("Hash", ""),
    }


GET_PARAMETER = "aws:ssm/getParameter:getParameter"


@answers(GET_PARAMETER)
def get_parameter(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    ssm = ctx.client("ssm")
    decrypt = args.get("withDecryption")
    decrypt = True if decrypt is None else bool(decrypt)  # the provider's default
    try:
        parameter = ssm.get_parameter(Name=str(args["name"]), WithDecryption=decrypt)["Parameter"]
    except ssm.exceptions.ParameterNotFound as err:
        region = str(args.get("region") or ctx.region)
        raise NotFoundError(GET_PARAMETER, "SSM Parameter", {"name": args["name"]}, region) from err
    return {
        "id": parameter["Name"],
        "arn": parameter["ARN"],
        "name": parameter["Name"],
        "type": parameter["Type"],
        "value": parameter["Value"],
        "insecureValue": parameter["Value"],
        "version": parameter["Version"],
        "withDecryption": decrypt,
        "region": str(args.get("region") or ctx.region),
    }
