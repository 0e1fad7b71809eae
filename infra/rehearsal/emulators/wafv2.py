"""WAFv2: web ACLs, IP sets, regex pattern sets and web ACL associations."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, Resource, tags_list
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates, rule

WAF_NAME = Naming(
    max_length=128,
    pattern=r"[\w-]+",
    source=(
        "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html"
        r" (Name: 1-128, ^[\w\-]+$; the same for IP sets and regex pattern sets)"
    ),
)
API = "https://docs.aws.amazon.com/waf/latest/APIReference"
CLOUDFRONT_REGION = "us-east-1"
_TOKENS = ("aws:wafv2/webAcl:WebAcl", "aws:wafv2/ipSet:IpSet", "aws:wafv2/regexPatternSet:RegexPatternSet")
_API_NAMES = {
    "CloudwatchMetricsEnabled": "CloudWatchMetricsEnabled",
    "IpSetReferenceStatement": "IPSetReferenceStatement",
    "IpSetForwardedIpConfig": "IPSetForwardedIPConfig",
    "ForwardedIpConfig": "ForwardedIPConfig",
    "Arn": "ARN",
}
_RULE_GROUP_STATEMENTS = ("managedRuleGroupStatement", "ruleGroupReferenceStatement")


def api_shape(value: Any) -> Any:
    """A nested Pulumi input (camelCase keys) as the WAFv2 API spells it (PascalCase, its acronyms)."""
    if isinstance(value, Mapping):
        shaped = {}
        for key, item in value.items():
            name = key[:1].upper() + key[1:]
            shaped[_API_NAMES.get(name, name)] = api_shape(item)
        return shaped
    if isinstance(value, list):
        return [api_shape(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@rule(
    "wafv2-cloudfront-scope-region",
    _TOKENS,
    prop="scope",
    summary=f"A CLOUDFRONT-scoped WAF resource is created in {CLOUDFRONT_REGION}",
    source=f"{API}/API_CreateWebACL.html (Scope: for CLOUDFRONT, you must also specify the Region US East"
    " (N. Virginia))",
)
def _cloudfront_region(ctx: Context, r: Resource) -> str | None:
    # Rules run in the resource's region: its own `region` input, else its explicit provider's, else the
    # stack's (a provider pinned to us-east-1 is the common way to place these).
    region = r.get("region") or ctx.region
    if r.get("scope") == "CLOUDFRONT" and region and region != CLOUDFRONT_REGION:
        return f"scope CLOUDFRONT is only available in {CLOUDFRONT_REGION}, not {region}"
    return None


@rule(
    "wafv2-rule-priorities-unique",
    "aws:wafv2/webAcl:WebAcl",
    prop="rules",
    summary="The rules of a web ACL have different priorities",
    source=f"{API}/API_Rule.html (Priority: the priorities don't need to be consecutive, but they must all be"
    " different)",
)
def _priorities(ctx: Context, r: Resource) -> str | None:
    seen: dict[int, str] = {}
    for rule_ in r.get("rules", []):
        priority = int(rule_.get("priority", 0))
        if priority in seen:
            return f"rules {seen[priority]!r} and {rule_.get('name')!r} both have priority {priority}"
        seen[priority] = str(rule_.get("name"))
    return None


@rule(
    "wafv2-rule-action-or-override",
    "aws:wafv2/webAcl:WebAcl",
    prop="rules",
    summary="A rule referencing a rule group has an overrideAction and no action; any other rule an action",
    source=f"{API}/API_Rule.html (Action: only for rules whose statements do not reference a rule group;"
    " OverrideAction: only for rules whose statements reference a rule group)",
)
def _action_or_override(ctx: Context, r: Resource) -> str | None:
    for rule_ in r.get("rules", []):
        statement = rule_.get("statement") or {}
        group = any(statement.get(k) for k in _RULE_GROUP_STATEMENTS)
        name = rule_.get("name")
        if group and (rule_.get("action") or not rule_.get("overrideAction")):
            return f"rule {name!r} references a rule group: it takes an overrideAction, not an action"
        if not group and (rule_.get("overrideAction") or not rule_.get("action")):
            return f"rule {name!r} does not reference a rule group: it takes an action, not an overrideAction"
    return None


@emulates(
    "aws:wafv2/webAcl:WebAcl",
    note="create_web_acl with the rules as given (moto stores them; the service model checks their shape)",
    replace_on={"name", "namePrefix", "scope"},
    naming=WAF_NAME,
    arn="arn:{partition}:wafv2:{region}:{account}:{waf_scope}/webacl/{name}/{id}",
)
def web_acl(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "Name": name,
        "Scope": r.get("scope"),
        "DefaultAction": api_shape(r.get("defaultAction")),
        "VisibilityConfig": api_shape(r.get("visibilityConfig")),
        # `ruleJson` is the rules already in the API's own JSON, the provider's alternative to `rules`.
        "Rules": json.loads(r.get("ruleJson")) if r.get("ruleJson") else api_shape(r.get("rules", [])),
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("description"):
        kwargs["Description"] = r.get("description")
    if r.get("customResponseBodies"):
        kwargs["CustomResponseBodies"] = {
            b["key"]: {"ContentType": b["contentType"], "Content": b["content"]}
            for b in r.get("customResponseBodies")
        }
    created = ctx.aws(r, "rules", "wafv2", "create_web_acl", **kwargs)["Summary"]
    return created["Id"], {
        "arn": created["ARN"],
        "name": name,
        "lockToken": created.get("LockToken", ""),
        "capacity": 0,
    }


EVALUATION_WINDOWS = (60, 120, 300, 600)


def _rate_statements(statement: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    """Every rate-based statement in a rule's statement tree, with its path."""
    if not isinstance(statement, dict):
        return []
    found = []
    rate = statement.get("rateBasedStatement")
    if isinstance(rate, dict):
        found.append((f"{where}.rateBasedStatement", rate))
        found += _rate_statements(
            rate.get("scopeDownStatement"), f"{where}.rateBasedStatement.scopeDownStatement"
        )
    return found


@rule(
    "wafv2-rate-evaluation-window",
    "aws:wafv2/webAcl:WebAcl",
    prop="rules",
    summary="A rate-based rule evaluates over 60, 120, 300 or 600 seconds",
    source=f"{API}/API_RateBasedStatement.html (EvaluationWindowSec: valid settings are 60, 120, 300, 600)",
)
def _evaluation_window(ctx: Context, r: Resource) -> tuple[str, str] | None:
    for index, rule_ in enumerate(r.get("rules") or []):
        statement = rule_.get("statement") if isinstance(rule_, dict) else None
        for where, rate in _rate_statements(statement, f"rules[{index}].statement"):
            window = rate.get("evaluationWindowSec")
            if window is not None and int(window) not in EVALUATION_WINDOWS:
                return (
                    f"{where}.evaluationWindowSec",
                    f"evaluationWindowSec is {int(window)}; it is 60, 120, 300 or 600",
                )
    return None


def _address_problem(address: str, version: str) -> str | None:
    try:
        network = ipaddress.ip_network(address, strict=False)
    except ValueError:
        return f"{address!r} is not an address block in CIDR notation"
    if "/" not in address:
        return f"{address!r} has no prefix length (CIDR notation, e.g. {address}/32)"
    if f"IPV{network.version}" != version:
        return f"{address!r} is an IPv{network.version} block in an {version} set"
    if network.prefixlen == 0:
        return f"{address!r} is a /0 block, which WAF does not support"
    return None


@rule(
    "wafv2-ip-set-addresses",
    "aws:wafv2/ipSet:IpSet",
    prop="addresses",
    summary="An IP set's addresses are CIDR blocks of its ipAddressVersion, none of them /0",
    source=f"{API}/API_CreateIPSet.html (Addresses: CIDR notation; all IPv4 and IPv6 CIDR ranges except /0)",
)
def _ip_set_addresses(ctx: Context, r: Resource) -> str | None:
    version = r.get("ipAddressVersion")
    for address in r.get("addresses", []):
        problem = _address_problem(str(address), str(version))
        if problem:
            return problem
    return None


@emulates(
    "aws:wafv2/ipSet:IpSet",
    note="create_ip_set",
    replace_on={"ipAddressVersion", "name", "namePrefix", "scope"},
    naming=WAF_NAME,
    arn="arn:{partition}:wafv2:{region}:{account}:{waf_scope}/ipset/{name}/{id}",
)
def ip_set(ctx: Context, r: Resource) -> Emulated:
    return _create_set(
        ctx,
        r,
        "addresses",
        "create_ip_set",
        {"IPAddressVersion": r.get("ipAddressVersion"), "Addresses": list(r.get("addresses", []))},
    )


def _create_set(ctx: Context, r: Resource, prop: str, operation: str, members: dict[str, Any]) -> Emulated:
    """Create an IP set or regex pattern set: its name, scope, own members, tags and any description."""
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "Name": name,
        "Scope": r.get("scope"),
        **members,
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("description"):
        kwargs["Description"] = r.get("description")
    created = ctx.aws(r, prop, "wafv2", operation, **kwargs)["Summary"]
    return created["Id"], {
        "arn": created["ARN"],
        "name": name,
        "lockToken": created.get("LockToken", ""),
    }


@emulates(
    "aws:wafv2/regexPatternSet:RegexPatternSet",
    note="create_regex_pattern_set",
    replace_on={"name", "namePrefix", "scope"},
    naming=WAF_NAME,
    arn="arn:{partition}:wafv2:{region}:{account}:{waf_scope}/regexpatternset/{name}/{id}",
)
def regex_pattern_set(ctx: Context, r: Resource) -> Emulated:
    expressions = [{"RegexString": e.get("regexString")} for e in r.get("regularExpressions", [])]
    return _create_set(
        ctx, r, "regularExpressions", "create_regex_pattern_set", {"RegularExpressionList": expressions}
    )


@rule(
    "wafv2-association-regional",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    prop="resourceArn",
    summary="A web ACL association joins a REGIONAL web ACL to a regional resource it supports: never a"
    " CloudFront distribution or an HTTP API",
    source=f"{API}/API_AssociateWebACL.html (the resources it supports: an ALB, an API Gateway REST API"
    " stage, ...; for Amazon CloudFront, don't use this call: use the distribution's configuration)",
)
def _association_regional(ctx: Context, r: Resource) -> str | None:
    resource_arn, acl_arn = str(r.get("resourceArn", "")), str(r.get("webAclArn", ""))
    if resource_arn.startswith("arn:aws:cloudfront:") or ":cloudfront::" in resource_arn:
        return "a CloudFront distribution takes its web ACL in its webAclId, not through an association"
    if ":global/webacl/" in acl_arn:
        return "a CLOUDFRONT-scoped web ACL cannot be associated with a regional resource"
    if re.match(r"arn:aws[a-z-]*:apigateway:[^:]*::/apis/", resource_arn):
        return (
            "an HTTP or WebSocket API (/apis/...) cannot take a web ACL: only REST API stages (/restapis/...)"
        )
    return None


@emulates(
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    note="associate_web_acl; moto refuses a web ACL that does not exist, not a resource that does not",
    replace_on={"resourceArn", "webAclArn"},
    naming=UNNAMED,
    arn="",
)
def web_acl_association(ctx: Context, r: Resource) -> Emulated:
    acl_arn, resource_arn = str(r.get("webAclArn")), str(r.get("resourceArn"))
    ctx.aws(r, "webAclArn", "wafv2", "associate_web_acl", WebACLArn=acl_arn, ResourceArn=resource_arn)
    return f"{acl_arn},{resource_arn}", {}


LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOG_DESTINATION_PREFIX = "aws-waf-logs-"
GUIDE = "https://docs.aws.amazon.com/waf/latest/developerguide"


def _destination_name(arn: str) -> str:
    """The resource name in a log destination ARN: a log group, a bucket or a Firehose stream."""
    resource = arn.split(":", 5)[-1]
    for marker in ("log-group:", "deliverystream/"):
        if resource.startswith(marker):
            return resource.removeprefix(marker).split(":", 1)[0]
    return resource


@rule(
    "wafv2-logging-destination-prefix",
    LOGGING,
    prop="logDestinationConfigs",
    summary=f"Every log destination (log group, bucket or stream) is named {LOG_DESTINATION_PREFIX}...",
    source=f"{GUIDE}/logging-destinations.html (the name of a CloudWatch Logs log group, an S3 bucket or a"
    f" Firehose delivery stream used for web ACL logs must start with {LOG_DESTINATION_PREFIX})",
)
def _destination_prefix(ctx: Context, r: Resource) -> str | None:
    for arn in r.get("logDestinationConfigs", []):
        name = _destination_name(str(arn))
        if not name.startswith(LOG_DESTINATION_PREFIX):
            return f"log destination {name!r} does not start with {LOG_DESTINATION_PREFIX}"
    return None


@rule(
    "wafv2-logging-one-destination",
    LOGGING,
    prop="logDestinationConfigs",
    summary="A web ACL logs to one destination",
    source=f"{API}/API_LoggingConfiguration.html (LogDestinationConfigs: you can associate one logging"
    " destination to a web ACL)",
)
def _one_destination(ctx: Context, r: Resource) -> str | None:
    count = len(r.get("logDestinationConfigs", []))
    return None if count <= 1 else f"{count} log destinations; a web ACL logs to one"


@emulates(
    LOGGING,
    note="put_logging_configuration (moto stores it; the service model checks its shape)",
    replace_on={"logDestinationConfigs", "resourceArn"},
    naming=UNNAMED,
    arn="",
)
def web_acl_logging_configuration(ctx: Context, r: Resource) -> Emulated:
    acl_arn = str(r.get("resourceArn"))
    configuration: dict[str, Any] = {
        "ResourceArn": acl_arn,
        "LogDestinationConfigs": list(r.get("logDestinationConfigs", [])),
    }
    if r.get("redactedFields"):
        configuration["RedactedFields"] = api_shape(r.get("redactedFields"))
    if r.get("loggingFilter"):
        configuration["LoggingFilter"] = api_shape(r.get("loggingFilter"))
    ctx.aws(
        r, "logDestinationConfigs", "wafv2", "put_logging_configuration", LoggingConfiguration=configuration
    )
    return acl_arn, {}
