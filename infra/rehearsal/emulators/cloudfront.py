"""CloudFront: distributions, origin access controls and cache policies."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, Resource, tags_list
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, Validation, Where, emulates, rule, stable_hex

GUIDE = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide"
API = "https://docs.aws.amazon.com/cloudfront/latest/APIReference"
CERTIFICATE_REGION = "us-east-1"
HOSTED_ZONE_ID = "Z2FDTNDATAQYW2"
"""The Route 53 zone of every CloudFront domain, for alias records."""
OAC_NAME = Naming(
    max_length=64,
    pattern=r"[^\s].*",
    source=f"{API}/API_OriginAccessControlConfig.html (Name: up to 64 characters)",
)
CACHE_POLICY_NAME = Naming(
    max_length=128,
    pattern=r"[A-Za-z0-9_-]+",
    source=f"{API}/API_CachePolicyConfig.html (Name: a unique name, letters, digits, hyphens, underscores;"
    " the console's limit of 128)",
)
_HOST = re.compile(r"([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def _items(values: Any) -> dict[str, Any]:
    listed = list(values or [])
    return {"Quantity": len(listed), "Items": listed} if listed else {"Quantity": 0}


def _origin(origin: Mapping[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {"Id": origin.get("originId"), "DomainName": origin.get("domainName")}
    if origin.get("originPath"):
        shaped["OriginPath"] = origin["originPath"]
    if origin.get("originAccessControlId"):
        shaped["OriginAccessControlId"] = origin["originAccessControlId"]
    custom = origin.get("customOriginConfig")
    s3 = origin.get("s3OriginConfig")
    if custom:
        shaped["CustomOriginConfig"] = {
            "HTTPPort": int(custom.get("httpPort", 80)),
            "HTTPSPort": int(custom.get("httpsPort", 443)),
            "OriginProtocolPolicy": custom.get("originProtocolPolicy"),
            "OriginSslProtocols": _items(custom.get("originSslProtocols")),
        }
    else:
        shaped["S3OriginConfig"] = {"OriginAccessIdentity": (s3 or {}).get("originAccessIdentity", "")}
    return shaped


def _behavior(behavior: Mapping[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {
        "TargetOriginId": behavior.get("targetOriginId"),
        "ViewerProtocolPolicy": behavior.get("viewerProtocolPolicy"),
        "AllowedMethods": {
            **_items(behavior.get("allowedMethods")),
            "CachedMethods": _items(behavior.get("cachedMethods")),
        },
        "Compress": bool(behavior.get("compress", False)),
    }
    if behavior.get("pathPattern"):
        shaped["PathPattern"] = behavior["pathPattern"]
    for key, member in (
        ("cachePolicyId", "CachePolicyId"),
        ("originRequestPolicyId", "OriginRequestPolicyId"),
        ("responseHeadersPolicyId", "ResponseHeadersPolicyId"),
    ):
        if behavior.get(key):
            shaped[member] = behavior[key]
    forwarded = behavior.get("forwardedValues")
    if forwarded:
        cookies = forwarded.get("cookies") or {}
        shaped["ForwardedValues"] = {
            "QueryString": bool(forwarded.get("queryString", False)),
            "Cookies": {"Forward": cookies.get("forward", "none")},
            "Headers": _items(forwarded.get("headers")),
        }
        for key, member in (("minTtl", "MinTTL"), ("defaultTtl", "DefaultTTL"), ("maxTtl", "MaxTTL")):
            if behavior.get(key) is not None:
                shaped[member] = int(behavior[key])
    return shaped


def distribution_config(r: Resource) -> dict[str, Any]:
    """The DistributionConfig the provider sends for the inputs."""
    certificate = r.get("viewerCertificate") or {}
    viewer: dict[str, Any] = {
        "CloudFrontDefaultCertificate": bool(certificate.get("cloudfrontDefaultCertificate", False))
    }
    for key, member in (
        ("acmCertificateArn", "ACMCertificateArn"),
        ("iamCertificateId", "IAMCertificateId"),
        ("sslSupportMethod", "SSLSupportMethod"),
        ("minimumProtocolVersion", "MinimumProtocolVersion"),
    ):
        if certificate.get(key):
            viewer[member] = certificate[key]
    geo = (r.get("restrictions") or {}).get("geoRestriction") or {}
    config: dict[str, Any] = {
        "CallerReference": r.urn,
        "Aliases": _items(r.get("aliases")),
        "Origins": _items([_origin(o) for o in r.get("origins", [])]),
        "DefaultCacheBehavior": _behavior(r.get("defaultCacheBehavior") or {}),
        "CacheBehaviors": _items([_behavior(b) for b in r.get("orderedCacheBehaviors", [])]),
        "Comment": r.get("comment", ""),
        "Enabled": bool(r.get("enabled")),
        "ViewerCertificate": viewer,
        "Restrictions": {
            "GeoRestriction": {
                "RestrictionType": geo.get("restrictionType", "none"),
                **_items(geo.get("locations")),
            }
        },
        "HttpVersion": r.get("httpVersion", "http2"),
        "IsIPV6Enabled": bool(r.get("isIpv6Enabled", False)),
        "PriceClass": r.get("priceClass", "PriceClass_All"),
    }
    for key, member in (("defaultRootObject", "DefaultRootObject"), ("webAclId", "WebACLId")):
        if r.get(key):
            config[member] = r.get(key)
    return config


def _origin_ids(r: Resource) -> list[Any]:
    """What a cache behaviour may target: an origin's id or an origin group's."""
    groups = [g.get("originId") for g in r.get("originGroups") or [] if isinstance(g, Mapping)]
    return [o.get("originId") for o in r.get("origins", [])] + groups


@rule(
    "cloudfront-default-root-object",
    "aws:cloudfront/distribution:Distribution",
    prop="defaultRootObject",
    summary="The default root object is an object name without a leading /",
    source=f"{API}/API_DistributionConfig.html (DefaultRootObject: specify only the object name, for example"
    " index.html. Don't add a / before the object name)",
)
def _default_root_object(ctx: Context, r: Resource) -> str | None:
    root = r.get("defaultRootObject")
    if isinstance(root, str) and root.startswith("/"):
        return f"defaultRootObject {root!r} starts with /: give the object name alone ({root.lstrip('/')!r})"
    return None


@rule(
    "cloudfront-origin-path",
    "aws:cloudfront/distribution:Distribution",
    prop="origins",
    summary="An origin path begins with / and does not end with /",
    source=f"{API}/API_Origin.html (OriginPath: must begin with a slash (/). Do not add a / at the end of the"
    " path)",
)
def _origin_path(ctx: Context, r: Resource) -> tuple[str, str] | None:
    for index, origin in enumerate(r.get("origins") or []):
        path = origin.get("originPath") if isinstance(origin, Mapping) else None
        if isinstance(path, str) and path and (not path.startswith("/") or path.endswith("/")):
            return f"origins[{index}].originPath", f"originPath {path!r} must begin with / and not end with /"
    return None


@rule(
    "cloudfront-default-behavior-origin",
    "aws:cloudfront/distribution:Distribution",
    prop="defaultCacheBehavior.targetOriginId",
    summary="The default cache behaviour's targetOriginId is the originId of one of the origins or origin"
    " groups",
    source=f"{API}/API_DefaultCacheBehavior.html (TargetOriginId: the value of ID for the origin);"
    f" {GUIDE}/high_availability_origin_failover.html (a cache behavior's origin can be an origin group)",
)
def _default_origin(ctx: Context, r: Resource) -> str | None:
    target = (r.get("defaultCacheBehavior") or {}).get("targetOriginId")
    ids = _origin_ids(r)
    if target is None or target in ids:
        return None
    return f"targetOriginId {target!r} is none of the origins or origin groups ({', '.join(map(repr, ids))})"


@rule(
    "cloudfront-ordered-behavior-origin",
    "aws:cloudfront/distribution:Distribution",
    prop="orderedCacheBehaviors",
    summary="Each ordered cache behaviour's targetOriginId is the originId of one of the origins or origin"
    " groups",
    source=f"{API}/API_CacheBehavior.html (TargetOriginId: the value of ID for the origin; NoSuchOrigin);"
    f" {GUIDE}/high_availability_origin_failover.html (a cache behavior's origin can be an origin group)",
)
def _ordered_origins(ctx: Context, r: Resource) -> tuple[str, str] | None:
    ids = _origin_ids(r)
    for index, behavior in enumerate(r.get("orderedCacheBehaviors") or []):
        target = behavior.get("targetOriginId") if isinstance(behavior, Mapping) else None
        if target is not None and target not in ids:
            return (
                f"orderedCacheBehaviors[{index}].targetOriginId",
                f"targetOriginId {target!r} is none of the origins or groups ({', '.join(map(repr, ids))})",
            )
    return None


# The three sets CloudFront takes (API_AllowedMethods: Quantity 2, 3 or 7).
ALLOWED_METHOD_SETS = (
    frozenset({"GET", "HEAD"}),
    frozenset({"GET", "HEAD", "OPTIONS"}),
    frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}),
)


@rule(
    "cloudfront-allowed-methods",
    "aws:cloudfront/distribution:Distribution",
    prop="defaultCacheBehavior.allowedMethods",
    summary="A cache behaviour allows GET and HEAD; GET, HEAD and OPTIONS; or all seven methods",
    source=f"{API}/API_AllowedMethods.html (the valid combinations of methods)",
)
def _allowed_methods(ctx: Context, r: Resource) -> tuple[str, str] | None:
    behaviors = [("defaultCacheBehavior", r.get("defaultCacheBehavior") or {})] + [
        (f"orderedCacheBehaviors[{i}]", b) for i, b in enumerate(r.get("orderedCacheBehaviors") or [])
    ]
    for where, behavior in behaviors:
        methods = behavior.get("allowedMethods") if isinstance(behavior, Mapping) else None
        if methods and frozenset(methods) not in ALLOWED_METHOD_SETS:
            return (
                f"{where}.allowedMethods",
                f"{sorted(methods)} is not a set CloudFront allows: [GET, HEAD], [GET, HEAD, OPTIONS] or all"
                " seven (GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE)",
            )
    return None


@rule(
    "cloudfront-web-acl-global",
    "aws:cloudfront/distribution:Distribution",
    prop="webAclId",
    summary="A distribution's web ACL is a CLOUDFRONT-scoped (global) WAFv2 web ACL",
    source=f"{API}/API_DistributionConfig.html (WebACLId: for AWS WAF V2, the ACL's ARN, which has"
    " global scope)",
)
def _web_acl_global(ctx: Context, r: Resource) -> str | None:
    acl = r.get("webAclId")
    if isinstance(acl, str) and acl.startswith("arn:") and ":regional/webacl/" in acl:
        return (
            "a REGIONAL web ACL cannot protect a distribution: create it with scope CLOUDFRONT in us-east-1"
        )
    return None


@rule(
    "cloudfront-cache-key-settings",
    "aws:cloudfront/distribution:Distribution",
    prop="defaultCacheBehavior.cachePolicyId",
    summary="A cache behaviour gives a cachePolicyId or (legacy) forwardedValues, exactly one of them",
    source=f"{API}/API_DefaultCacheBehavior.html (A DefaultCacheBehavior must include either a CachePolicyId"
    " or ForwardedValues)",
)
def _cache_key(ctx: Context, r: Resource) -> str | None:
    behavior = r.get("defaultCacheBehavior") or {}
    policy, forwarded = behavior.get("cachePolicyId"), behavior.get("forwardedValues")
    if bool(policy) == bool(forwarded):
        return "give either a cachePolicyId or forwardedValues" + (", not both" if policy else "")
    return None


@rule(
    "cloudfront-origin-domain-name",
    "aws:cloudfront/distribution:Distribution",
    prop="origins",
    summary="An origin's domainName is a bare host name: no scheme, path or port",
    source=f"{GUIDE}/DownloadDistValuesOrigin.html#DownloadDistValuesDomainName (origin domain: the DNS"
    " domain name of the bucket or HTTP server); InvalidArgument: The parameter origin name must be a domain"
    " name",
)
def _origin_domain(ctx: Context, r: Resource) -> str | None:
    for origin in r.get("origins", []):
        domain = origin.get("domainName")
        if isinstance(domain, str) and not _HOST.fullmatch(domain):
            return f"origin {origin.get('originId')!r}: domainName {domain!r} is not a bare domain name"
    return None


@rule(
    "cloudfront-certificate-in-us-east-1",
    "aws:cloudfront/distribution:Distribution",
    prop="viewerCertificate.acmCertificateArn",
    summary=f"A distribution's ACM certificate is in {CERTIFICATE_REGION}",
    source=f"{GUIDE}/cnames-and-https-requirements.html#https-requirements-certificate-issuer (request or"
    " import the certificate in the US East (N. Virginia) Region)",
)
def _certificate_region(ctx: Context, r: Resource) -> str | None:
    arn = (r.get("viewerCertificate") or {}).get("acmCertificateArn")
    if not isinstance(arn, str) or arn.count(":") < 5:
        return None
    region = arn.split(":")[3]
    if region == CERTIFICATE_REGION:
        return None
    return f"the certificate is in {region}; CloudFront only uses ACM certificates from {CERTIFICATE_REGION}"


@rule(
    "cloudfront-custom-certificate-settings",
    "aws:cloudfront/distribution:Distribution",
    prop="viewerCertificate.sslSupportMethod",
    summary="A custom certificate (ACM or IAM) comes with an sslSupportMethod and a minimumProtocolVersion",
    source=f"{API}/API_ViewerCertificate.html (if you specify ACMCertificateArn or IAMCertificateId, you must"
    " also specify values for MinimumProtocolVersion and SSLSupportMethod)",
)
def _custom_certificate(ctx: Context, r: Resource) -> str | None:
    certificate = r.get("viewerCertificate") or {}
    if not (certificate.get("acmCertificateArn") or certificate.get("iamCertificateId")):
        return None
    missing = [k for k in ("sslSupportMethod", "minimumProtocolVersion") if not certificate.get(k)]
    return f"a custom certificate needs {' and '.join(missing)}" if missing else None


@rule(
    "cloudfront-aliases-need-certificate",
    "aws:cloudfront/distribution:Distribution",
    prop="aliases",
    summary="A distribution with alternate domain names (aliases) has a custom certificate covering them",
    source=f"{GUIDE}/CNAMEs.html#alternate-domain-names-requirements (you must attach a trusted certificate"
    " that covers the alternate domain name)",
)
def _aliases_certificate(ctx: Context, r: Resource) -> str | None:
    certificate = r.get("viewerCertificate") or {}
    if not r.get("aliases") or certificate.get("acmCertificateArn") or certificate.get("iamCertificateId"):
        return None
    return "aliases are given but the distribution uses the default *.cloudfront.net certificate"


def _distribution_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "domainName": f"d{stable_hex(name, length=13)}.cloudfront.net",
        "hostedZoneId": HOSTED_ZONE_ID,
        "status": "Deployed",
        "etag": stable_hex(name, "etag", length=14).upper(),
    }


@emulates(
    "aws:cloudfront/distribution:Distribution",
    note="create_distribution, tag_resource; moto refuses a default behaviour without its origin and an S3"
    " origin outside amazonaws.com; no certificate or web ACL is looked up",
    replace_on=(),
    naming=UNNAMED,
    arn="arn:{partition}:cloudfront::{account}:distribution/{id}",
    computed=_distribution_outputs,
)
def distribution(ctx: Context, r: Resource) -> Emulated:
    config = distribution_config(r)
    # moto 5 keeps no origin groups and refuses a default behaviour that targets one (NoSuchOrigin), which
    # CloudFront allows (cloudfront-default-behavior-origin has checked the group): it is sent the group's
    # first member instead.
    groups = {g.get("originId"): g.get("members") or [] for g in r.get("originGroups") or []}
    target = config["DefaultCacheBehavior"].get("TargetOriginId")
    if groups.get(target):
        config["DefaultCacheBehavior"]["TargetOriginId"] = groups[target][0].get("originId")
    created = ctx.aws(r, "origins", "cloudfront", "create_distribution", DistributionConfig=config)
    described = created["Distribution"]
    if r.get("tags"):
        tags = {"Items": tags_list(r.get("tags"))}
        ctx.aws(r, "tags", "cloudfront", "tag_resource", Resource=described["ARN"], Tags=tags)
    return described["Id"], {
        "arn": described["ARN"],
        "domainName": described["DomainName"],
        "hostedZoneId": HOSTED_ZONE_ID,
        "status": described.get("Status", "Deployed"),
        "etag": created.get("ETag", ""),
        "callerReference": r.urn,
        "inProgressValidationBatches": 0,
        "lastModifiedTime": "",
    }


@emulates(
    "aws:cloudfront/originAccessControl:OriginAccessControl",
    note="create_origin_access_control",
    replace_on=(),
    naming=OAC_NAME,
    arn="arn:{partition}:cloudfront::{account}:origin-access-control/{id}",
)
def origin_access_control(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    config = {
        "Name": name,
        "Description": r.get("description", "Managed by Pulumi"),
        "SigningProtocol": r.get("signingProtocol"),
        "SigningBehavior": r.get("signingBehavior"),
        "OriginAccessControlOriginType": r.get("originAccessControlOriginType"),
    }
    created = ctx.aws(
        r,
        "name",
        "cloudfront",
        "create_origin_access_control",
        OriginAccessControlConfig=config,
    )
    oac_id = created["OriginAccessControl"]["Id"]
    return oac_id, {
        "arn": f"arn:aws:cloudfront::{ctx.account_id}:origin-access-control/{oac_id}",
        "name": name,
        "etag": created.get("ETag", ""),
    }


def _cache_key_config(kind: str, config: Mapping[str, Any] | None) -> dict[str, Any]:
    config = config or {}
    items = (config.get(f"{kind}s") or {}).get("items")
    singular = "QueryString" if kind == "queryString" else kind[:1].upper() + kind[1:]
    shaped: dict[str, Any] = {f"{singular}Behavior": config.get(f"{kind}Behavior", "none")}
    if items:
        shaped[f"{singular}s"] = _items(items)
    return shaped


@rule(
    "cloudfront-cache-policy-ttl-order",
    "aws:cloudfront/cachePolicy:CachePolicy",
    prop="defaultTtl",
    summary="A cache policy's TTLs are ordered: minTtl <= defaultTtl <= maxTtl",
    source=f"{API}/API_CachePolicyConfig.html (DefaultTTL: must be greater than or equal to MinTTL and less"
    " than or equal to MaxTTL)",
)
def _ttl_order(ctx: Context, r: Resource) -> str | None:
    low, default, high = r.get("minTtl"), r.get("defaultTtl"), r.get("maxTtl")
    if low is None or default is None or high is None:
        return None
    if int(low) <= int(default) <= int(high):
        return None
    return f"minTtl {int(low)}, defaultTtl {int(default)}, maxTtl {int(high)} are not in order"


def _behavior_ttl_problem(behavior: Any) -> str | None:
    if not isinstance(behavior, dict):
        return None
    ttls = [(key, behavior.get(key)) for key in ("minTtl", "defaultTtl", "maxTtl")]
    given = [(key, int(value)) for key, value in ttls if value is not None]
    for (low_key, low), (high_key, high) in itertools.pairwise(given):
        if low > high:
            return f"{low_key} {low} is above {high_key} {high}: the TTLs go minTtl <= defaultTtl <= maxTtl"
    return None


@rule(
    "cloudfront-behavior-ttl-order",
    "aws:cloudfront/distribution:Distribution",
    prop="defaultCacheBehavior",
    summary="A cache behavior's legacy TTLs are ordered: minTtl <= defaultTtl <= maxTtl",
    source=f"{API}/API_CreateDistribution.html (InvalidTTLOrder: the TTL order specified is not valid)",
)
def _behavior_ttl_order(ctx: Context, r: Resource) -> str | tuple[str, str] | None:
    problem = _behavior_ttl_problem(r.get("defaultCacheBehavior"))
    if problem:
        return problem
    for index, behavior in enumerate(r.get("orderedCacheBehaviors") or []):
        problem = _behavior_ttl_problem(behavior)
        if problem:
            return f"orderedCacheBehaviors[{index}]", problem
    return None


@emulates(
    "aws:cloudfront/cachePolicy:CachePolicy",
    note="moto has no cache policies: the request is checked against the service model, nothing is created",
    replace_on=(),
    naming=CACHE_POLICY_NAME,
    arn="arn:{partition}:cloudfront::{account}:cache-policy/{id}",
    validation=Validation.UNVALIDATED,
)
def cache_policy(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    parameters = r.get("parametersInCacheKeyAndForwardedToOrigin") or {}
    config: dict[str, Any] = {
        "Name": name,
        "MinTTL": int(r.get("minTtl", 0)),
        "DefaultTTL": int(r.get("defaultTtl", 86400)),
        "MaxTTL": int(r.get("maxTtl", 31536000)),
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": bool(parameters.get("enableAcceptEncodingGzip", False)),
            "EnableAcceptEncodingBrotli": bool(parameters.get("enableAcceptEncodingBrotli", False)),
            "HeadersConfig": _cache_key_config("header", parameters.get("headersConfig")),
            "CookiesConfig": _cache_key_config("cookie", parameters.get("cookiesConfig")),
            "QueryStringsConfig": _cache_key_config("queryString", parameters.get("queryStringsConfig")),
        },
    }
    if r.get("comment"):
        config["Comment"] = r.get("comment")
    ctx.check(r, "name", "cloudfront", "create_cache_policy", CachePolicyConfig=config)
    policy_id = f"{stable_hex(ctx.account_id, r.urn, length=8)}-{stable_hex(r.urn, length=4)}"
    return policy_id, {
        "arn": f"arn:aws:cloudfront::{ctx.account_id}:cache-policy/{policy_id}",
        "name": name,
        "etag": stable_hex(r.urn, "etag", length=14).upper(),
    }
