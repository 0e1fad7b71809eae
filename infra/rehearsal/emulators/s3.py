"""S3: buckets, their configuration resources and objects."""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections.abc import Callable
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.emulators.iam import PolicyKind, policy_problem
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates, rule

BUCKET_NAME = Naming(
    key="bucket",
    max_length=63,
    # Not an IP address, no adjacent dots, no reserved prefix (xn--, sthree-) or suffix (-s3alias, --ol-s3).
    pattern=r"(?!\d+\.\d+\.\d+\.\d+$)(?!xn--|sthree-)(?!.*\.\.)(?!.*(-s3alias|--ol-s3)$)"
    r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
        " (3-63 lowercase letters, digits, dots, hyphens; begin and end with a letter or digit; not an IP"
        " address; no adjacent periods; not beginning xn-- or sthree-, not ending -s3alias or --ol-s3)"
    ),
)

LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
LIFECYCLE_V2 = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"

# The S3 website/alias hosted zone per region, as the provider reports it in `hostedZoneId`.
S3_HOSTED_ZONES = {
    "eu-west-1": "Z1BKCTXD74EZPE",
    "eu-central-1": "Z21DNDUVLTQW6Q",
    "us-east-1": "Z3AQBSTGFYJSTF",
}


@emulates(
    "aws:s3/bucketV2:BucketV2",
    note="the deprecated alias of aws:s3/bucket:Bucket, emulated alike: create_bucket",
    replace_on={"bucket", "bucketPrefix", "objectLockEnabled"},
    naming=BUCKET_NAME,
    arn="arn:{partition}:s3:::{name}",
)
@emulates(
    "aws:s3/bucket:Bucket",
    note="create_bucket; moto refuses a name taken in any account (BucketAlreadyExists)",
    replace_on={"bucket", "bucketPrefix", "objectLockEnabled"},
    naming=BUCKET_NAME,
    arn="arn:{partition}:s3:::{name}",
)
def bucket(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {"Bucket": name}
    if ctx.region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    ctx.aws(r, "bucket", "s3", "create_bucket", **kwargs)
    if r.get("tags"):
        ctx.aws(
            r, "tags", "s3", "put_bucket_tagging", Bucket=name, Tagging={"TagSet": tags_list(r.get("tags"))}
        )
    return name, {
        "bucket": name,
        "arn": f"arn:aws:s3:::{name}",
        "bucketDomainName": f"{name}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{name}.s3.{ctx.region}.amazonaws.com",
        "hostedZoneId": S3_HOSTED_ZONES.get(ctx.region, ""),
        "region": ctx.region,
    }


@emulates(
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    note="put_public_access_block",
    replace_on={"bucket"},
    naming=UNNAMED,
    arn="",
)
def public_access_block(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    config = {
        "BlockPublicAcls": bool(r.get("blockPublicAcls", False)),
        "IgnorePublicAcls": bool(r.get("ignorePublicAcls", False)),
        "BlockPublicPolicy": bool(r.get("blockPublicPolicy", False)),
        "RestrictPublicBuckets": bool(r.get("restrictPublicBuckets", False)),
    }
    ctx.aws(r, "bucket", "s3", "put_public_access_block", Bucket=name, PublicAccessBlockConfiguration=config)
    return name, {}


@emulates(
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    note="put_bucket_ownership_controls",
    replace_on={"bucket"},
    naming=UNNAMED,
    arn="",
)
def ownership_controls(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    rule = r.get("rule", {})
    ctx.aws(
        r,
        "rule",
        "s3",
        "put_bucket_ownership_controls",
        Bucket=name,
        OwnershipControls={"Rules": [{"ObjectOwnership": rule.get("objectOwnership")}]},
    )
    return name, {}


@emulates(
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    note="the deprecated V2 alias, emulated alike: put_bucket_encryption",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
@emulates(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    note="put_bucket_encryption",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
def encryption(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    rules = []
    for entry in r.get("rules", []):
        default = entry.get("applyServerSideEncryptionByDefault", {})
        converted: dict[str, Any] = {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": default.get("sseAlgorithm")}
        }
        if default.get("kmsMasterKeyId"):
            converted["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] = default["kmsMasterKeyId"]
        if entry.get("bucketKeyEnabled") is not None:
            converted["BucketKeyEnabled"] = bool(entry["bucketKeyEnabled"])
        rules.append(converted)
    ctx.aws(
        r,
        "rules",
        "s3",
        "put_bucket_encryption",
        Bucket=name,
        ServerSideEncryptionConfiguration={"Rules": rules},
    )
    return name, {}


KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


@rule(
    "s3-encryption-kms-key-with-kms",
    (
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ),
    prop="rules",
    summary="A default encryption names a KMS key only when its algorithm is aws:kms or aws:kms:dsse",
    source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html "
    "(KMSMasterKeyID: allowed if and only if SSEAlgorithm is aws:kms or aws:kms:dsse)",
)
def _kms_key_with_kms(ctx: Context, r: Resource) -> str | None:
    for entry in r.get("rules", []):
        default = entry.get("applyServerSideEncryptionByDefault") or {}
        algorithm = default.get("sseAlgorithm")
        if default.get("kmsMasterKeyId") and algorithm is not None and algorithm not in KMS_ALGORITHMS:
            return (
                f"kmsMasterKeyId is allowed only with sseAlgorithm aws:kms or aws:kms:dsse, not {algorithm}"
            )
    return None


@emulates(
    LIFECYCLE_V2,
    note="the deprecated V2 alias, emulated alike: put_bucket_lifecycle_configuration",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
@emulates(
    LIFECYCLE,
    note="put_bucket_lifecycle_configuration",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
def lifecycle(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    rules = []
    for entry in r.get("rules", []):
        converted: dict[str, Any] = {"ID": entry.get("id", ""), "Status": entry.get("status", "Enabled")}
        filter_ = entry.get("filter")
        converted["Filter"] = {"Prefix": filter_.get("prefix", "")} if filter_ else {"Prefix": ""}
        expiration = entry.get("expiration")
        if expiration and expiration.get("days") is not None:
            converted["Expiration"] = {"Days": int(expiration["days"])}
        transitions = [
            {"Days": int(t["days"]), "StorageClass": t.get("storageClass")}
            for t in entry.get("transitions", [])
            if t.get("days") is not None
        ]
        if transitions:
            converted["Transitions"] = transitions
        rules.append(converted)
    ctx.aws(
        r,
        "rules",
        "s3",
        "put_bucket_lifecycle_configuration",
        Bucket=name,
        LifecycleConfiguration={"Rules": rules},
    )
    return name, {}


@emulates(
    "aws:s3/bucketPolicy:BucketPolicy",
    note="put_bucket_policy",
    replace_on={"bucket"},
    naming=UNNAMED,
    arn="",
)
def bucket_policy(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    ctx.aws(r, "policy", "s3", "put_bucket_policy", Bucket=name, Policy=r.get("policy"))
    return name, {}


BLOCK_PUBLIC_ACCESS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"
)


def _grants_everyone(statement: Any) -> bool:
    """An unconditioned Allow to every principal: public whatever else AWS would weigh."""
    if not isinstance(statement, dict) or statement.get("Effect") != "Allow" or statement.get("Condition"):
        return False
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        principal = principal.get("AWS")
    values = principal if isinstance(principal, list) else [principal]
    return "*" in values


@rule(
    "s3-public-policy-blocked",
    "aws:s3/bucketPolicy:BucketPolicy",
    prop="policy",
    summary="A policy granting access to everyone is put only on a bucket whose public access block allows "
    "public policies (new buckets block them by default)",
    source=f"{BLOCK_PUBLIC_ACCESS} (BlockPublicPolicy; new buckets have Block Public Access on)",
)
def _public_policy_blocked(ctx: Context, r: Resource) -> str | None:
    raw, name = r.get("policy"), r.get("bucket")
    if not isinstance(raw, str) or not isinstance(name, str):
        return None
    try:
        statements = json.loads(raw).get("Statement", [])
    except (ValueError, AttributeError):
        return None
    statements = statements if isinstance(statements, list) else [statements]
    if not any(_grants_everyone(s) for s in statements):
        return None
    try:
        block = ctx.client("s3").get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except Exception:  # no configuration: the default of a new bucket, which blocks public policies
        block = {"BlockPublicPolicy": True}
    if not block.get("BlockPublicPolicy"):
        return None
    return (
        f"the policy grants access to everyone (Principal *) and bucket {name}'s Block Public Access blocks "
        "public policies: put a BucketPublicAccessBlock with blockPublicPolicy false first (dependsOn), or "
        "grant named principals"
    )


TRANSITIONS_GUIDE = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html"
)
INFREQUENT_ACCESS = ("STANDARD_IA", "ONEZONE_IA")
ARCHIVES = ("GLACIER", "DEEP_ARCHIVE", "GLACIER_IR")
MIN_IA_DAYS = 30


def _transitions(rule_: dict[str, Any]) -> list[tuple[int, str]]:
    return [
        (int(t["days"]), str(t.get("storageClass")))
        for t in rule_.get("transitions", [])
        if t.get("days") is not None
    ]


@rule(
    "s3-lifecycle-ia-after-30-days",
    (LIFECYCLE, LIFECYCLE_V2),
    prop="rules",
    summary="Objects (and noncurrent versions) move to STANDARD_IA or ONEZONE_IA after at least 30 days",
    source=TRANSITIONS_GUIDE,
)
def _ia_after_30(ctx: Context, r: Resource) -> str | None:
    for rule_ in r.get("rules", []):
        for days, storage_class in _transitions(rule_):
            if storage_class in INFREQUENT_ACCESS and days < MIN_IA_DAYS:
                return (
                    f"rule {rule_.get('id')!r}: a transition to {storage_class} comes at least {MIN_IA_DAYS} "
                    f"days after creation; got {days}"
                )
        for t in rule_.get("noncurrentVersionTransitions") or []:
            days = t.get("noncurrentDays")
            if t.get("storageClass") in INFREQUENT_ACCESS and days is not None and int(days) < MIN_IA_DAYS:
                return (
                    f"rule {rule_.get('id')!r}: a noncurrent version moves to {t.get('storageClass')} at "
                    f"least {MIN_IA_DAYS} days after it becomes noncurrent; got {int(days)}"
                )
    return None


@rule(
    "s3-lifecycle-archive-after-ia",
    (LIFECYCLE, LIFECYCLE_V2),
    prop="rules",
    summary="A transition to an archive class comes 30 days or more after the one to infrequent access",
    source=TRANSITIONS_GUIDE,
)
def _archive_after_ia(ctx: Context, r: Resource) -> str | None:
    for rule_ in r.get("rules", []):
        transitions = _transitions(rule_)
        ia = [days for days, cls in transitions if cls in INFREQUENT_ACCESS]
        for days, storage_class in transitions:
            if storage_class in ARCHIVES and ia and days < max(ia) + MIN_IA_DAYS:
                return (
                    f"rule {rule_.get('id')!r}: 'Days' in the transition to {storage_class} ({days}) must be "
                    f"{MIN_IA_DAYS} days more than in the transition to infrequent access ({max(ia)})"
                )
    return None


# The lifecycle waterfall: an object moves only down this list (the guide's supported transitions).
WATERFALL = ("STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")


@rule(
    "s3-lifecycle-transition-waterfall",
    (LIFECYCLE, LIFECYCLE_V2),
    prop="rules",
    summary="A rule's transitions go down the waterfall (Standard-IA, Intelligent-Tiering, One Zone-IA,"
    " Glacier IR, Glacier, Deep Archive), never back up",
    source=f"{TRANSITIONS_GUIDE} (unsupported lifecycle transitions)",
)
def _transition_waterfall(ctx: Context, r: Resource) -> str | None:
    for rule_ in r.get("rules", []):
        ordered = sorted((days, cls) for days, cls in _transitions(rule_) if cls in WATERFALL)
        for (_, earlier), (days, later) in itertools.pairwise(ordered):
            if WATERFALL.index(later) <= WATERFALL.index(earlier):
                return (
                    f"rule {rule_.get('id')!r}: objects cannot move from {earlier} to {later} (day {days}); "
                    f"transitions only go down {' > '.join(WATERFALL)}"
                )
    return None


@rule(
    "s3-lifecycle-expiration-after-transitions",
    (LIFECYCLE, LIFECYCLE_V2),
    prop="rules",
    summary="A rule's expiration comes after its transitions",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html",
)
def _expiration_after_transitions(ctx: Context, r: Resource) -> str | None:
    for rule_ in r.get("rules", []):
        expiration = (rule_.get("expiration") or {}).get("days")
        transitions = _transitions(rule_)
        if expiration is None or not transitions:
            continue
        latest = max(days for days, _ in transitions)
        if int(expiration) <= latest:
            return (
                f"rule {rule_.get('id')!r}: 'Days' in the Expiration action ({expiration}) must be greater "
                f"than 'Days' in the Transition action ({latest})"
            )
    return None


LIFECYCLE_EXPIRATION = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html"


@rule(
    "s3-lifecycle-expiration",
    (LIFECYCLE, LIFECYCLE_V2),
    prop="rules",
    summary="An expiration's days are a positive number, and expiredObjectDeleteMarker stands without days "
    "or date",
    source=f"{LIFECYCLE_EXPIRATION} (Days; ExpiredObjectDeleteMarker)",
)
def _expiration(ctx: Context, r: Resource) -> str | None:
    for rule_ in r.get("rules", []):
        expiration = rule_.get("expiration") or {}
        days = expiration.get("days")
        if days is not None and int(days) < 1 and not expiration.get("expiredObjectDeleteMarker"):
            return (
                f"rule {rule_.get('id')!r}: expiration days must be a non-zero positive integer; got {days}"
            )
        dated = (days is not None and int(days) > 0) or bool(expiration.get("date"))
        if expiration.get("expiredObjectDeleteMarker") and dated:
            return (
                f"rule {rule_.get('id')!r}: expiredObjectDeleteMarker cannot be specified with days or date "
                "in the same expiration"
            )
    return None


NEWER_NONCURRENT_VERSIONS = (1, 100)


@rule(
    "s3-lifecycle-newer-noncurrent-versions",
    (LIFECYCLE, LIFECYCLE_V2),
    prop="rules",
    summary="A rule keeps 1 to 100 newer noncurrent versions",
    source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_NoncurrentVersionExpiration.html"
    " (NewerNoncurrentVersions: you can specify up to 100 noncurrent versions to retain)",
)
def _newer_noncurrent_versions(ctx: Context, r: Resource) -> str | None:
    low, high = NEWER_NONCURRENT_VERSIONS
    for rule_ in r.get("rules", []):
        transitions = rule_.get("noncurrentVersionTransitions") or []
        actions = [rule_.get("noncurrentVersionExpiration"), *transitions]
        for action in actions:
            count = action.get("newerNoncurrentVersions") if isinstance(action, dict) else None
            if count is not None and not low <= int(count) <= high:
                return (
                    f"rule {rule_.get('id')!r}: newerNoncurrentVersions is {int(count)}; it is {low}-{high}"
                )
    return None


VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")


@emulates(
    VERSIONING[1],
    note="the deprecated V2 alias, emulated alike: put_bucket_versioning",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
@emulates(
    VERSIONING[0],
    note="put_bucket_versioning (MFA delete is not sent: it needs the root user's MFA device)",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
def versioning(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    config = r.get("versioningConfiguration", {})
    ctx.aws(
        r,
        "versioningConfiguration",
        "s3",
        "put_bucket_versioning",
        Bucket=name,
        VersioningConfiguration={"Status": config.get("status")},
    )
    return name, {}


CORS = (
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2",
)


@rule(
    "s3-cors-origin-wildcards",
    CORS,
    prop="corsRules",
    summary="Each allowed origin holds at most one * wildcard",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html",
)
def _cors_origins(ctx: Context, r: Resource) -> str | None:
    for index, cors_rule in enumerate(r.get("corsRules", [])):
        for origin in cors_rule.get("allowedOrigins", []):
            if str(origin).count("*") > 1:
                return f"corsRules[{index}]: origin {origin!r} holds more than one * wildcard"
    return None


def _cors_rule(cors_rule: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {
        "AllowedMethods": list(cors_rule.get("allowedMethods", [])),
        "AllowedOrigins": list(cors_rule.get("allowedOrigins", [])),
    }
    for key, boto in (("allowedHeaders", "AllowedHeaders"), ("exposeHeaders", "ExposeHeaders")):
        if cors_rule.get(key):
            converted[boto] = list(cors_rule[key])
    if cors_rule.get("id"):
        converted["ID"] = cors_rule["id"]
    if cors_rule.get("maxAgeSeconds") is not None:
        converted["MaxAgeSeconds"] = int(cors_rule["maxAgeSeconds"])
    return converted


@emulates(
    CORS[1],
    note="the deprecated V2 alias, emulated alike: put_bucket_cors",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
@emulates(
    CORS[0],
    note="put_bucket_cors; moto refuses methods other than GET, PUT, HEAD, POST, DELETE",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
def cors(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    ctx.aws(
        r,
        "corsRules",
        "s3",
        "put_bucket_cors",
        Bucket=name,
        CORSConfiguration={"CORSRules": [_cors_rule(c) for c in r.get("corsRules", [])]},
    )
    return name, {}


WEBSITE = (
    "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
    "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2",
)
PUT_BUCKET_WEBSITE = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html"


@rule(
    "s3-website-redirect-alone",
    WEBSITE,
    prop="redirectAllRequestsTo",
    summary="A website that redirects all requests has no index or error document or routing rules",
    source=PUT_BUCKET_WEBSITE
    + " (RedirectAllRequestsTo: if you specify it, you can't specify any other property)",
)
def _redirect_alone(ctx: Context, r: Resource) -> str | None:
    if not r.get("redirectAllRequestsTo"):
        return None
    others = [p for p in ("indexDocument", "errorDocument", "routingRules", "routingRuleDetails") if r.get(p)]
    if others:
        return f"redirectAllRequestsTo excludes {', '.join(others)}"
    return None


@rule(
    "s3-website-index-document",
    WEBSITE,
    prop="indexDocument",
    summary="A website has an index document (or redirects all requests) whose suffix is not empty, no /",
    source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_IndexDocument.html",
)
def _index_document(ctx: Context, r: Resource) -> str | None:
    if r.get("redirectAllRequestsTo"):
        return None
    suffix = (r.get("indexDocument") or {}).get("suffix")
    if not suffix:
        return "a website needs indexDocument (or redirectAllRequestsTo)"
    if "/" in str(suffix):
        return f"the index document suffix {suffix!r} must not include a slash"
    return None


def _website_configuration(r: Resource) -> dict[str, Any]:
    redirect = r.get("redirectAllRequestsTo")
    if redirect:
        target = {"HostName": redirect.get("hostName")}
        if redirect.get("protocol"):
            target["Protocol"] = redirect["protocol"]
        return {"RedirectAllRequestsTo": target}
    config: dict[str, Any] = {"IndexDocument": {"Suffix": (r.get("indexDocument") or {}).get("suffix")}}
    if r.get("errorDocument"):
        config["ErrorDocument"] = {"Key": r.get("errorDocument").get("key")}
    return config


@emulates(
    WEBSITE[1],
    note="the deprecated V2 alias, emulated alike: put_bucket_website",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
@emulates(
    WEBSITE[0],
    note="put_bucket_website (routing rules are checked by the catalogue, not sent)",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
def website(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    ctx.aws(
        r,
        "indexDocument",
        "s3",
        "put_bucket_website",
        Bucket=name,
        WebsiteConfiguration=_website_configuration(r),
    )
    return name, {
        "websiteEndpoint": f"{name}.s3-website-{ctx.region}.amazonaws.com",
        "websiteDomain": f"s3-website-{ctx.region}.amazonaws.com",
    }


LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")


@emulates(
    LOGGING[1],
    note="the deprecated V2 alias, emulated alike: put_bucket_logging",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
@emulates(
    LOGGING[0],
    note="put_bucket_logging; moto refuses a target bucket that does not exist",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
def logging(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    ctx.aws(
        r,
        "targetBucket",
        "s3",
        "put_bucket_logging",
        Bucket=name,
        BucketLoggingStatus={
            "LoggingEnabled": {
                "TargetBucket": r.get("targetBucket"),
                "TargetPrefix": r.get("targetPrefix", ""),
            }
        },
    )
    return name, {}


NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
DESTINATION_PERMISSIONS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html"
)
_TARGETS = (("queues", "queueArn"), ("topics", "topicArn"), ("lambdaFunctions", "lambdaFunctionArn"))


def kebab_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _grants_s3(policy: str | None) -> bool:
    return bool(policy) and "s3.amazonaws.com" in str(policy)


def _destination_problem(ctx: Context, arn: str) -> str | None:
    """Why S3 cannot validate a notification destination: missing, or its policy does not admit S3."""
    service, name = arn.split(":")[2], arn.rsplit(":", 1)[-1]
    try:
        if service == "sqs":
            url = ctx.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
            attributes = ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
            policy = attributes.get("Attributes", {}).get("Policy")
        elif service == "sns":
            policy = ctx.client("sns").get_topic_attributes(TopicArn=arn)["Attributes"].get("Policy")
        elif service == "lambda":
            policy = ctx.client("lambda").get_policy(FunctionName=arn)["Policy"]
        else:
            return None
    # Whatever the lookup fails on (no such queue, topic or function), S3 could not reach it either.
    except Exception:
        return f"{arn} does not exist"
    if not _grants_s3(policy):
        return f"{arn} does not allow s3.amazonaws.com to deliver to it (its resource policy)"
    return None


def _destinations_rule(prop: str, key: str) -> Callable[[Context, Resource], str | None]:
    def check(ctx: Context, r: Resource) -> str | None:
        for index, target in enumerate(r.get(prop, [])):
            problem = _destination_problem(ctx, str(target.get(key)))
            if problem:
                return f"{prop}[{index}]: {problem}"
        return None

    return check


for _prop, _key in _TARGETS:
    rule(
        f"s3-notification-{kebab_case(_prop)}-exist",
        NOTIFICATION,
        prop=_prop,
        summary="Each notification destination exists and its policy lets S3 deliver to it",
        source=DESTINATION_PERMISSIONS,
        at_end=True,  # the destination's policy may be a resource of its own, declared in any order
    )(_destinations_rule(_prop, _key))


@rule(
    "s3-notification-no-overlap",
    NOTIFICATION,
    prop="queues",
    summary="Two notification configurations sharing an event type have filters that do not overlap",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html",
)
def _no_overlap(ctx: Context, r: Resource) -> str | None:
    entries = [
        (event, str(t.get("filterPrefix", "")), str(t.get("filterSuffix", "")), f"{prop}[{index}]")
        for prop, _ in _TARGETS
        for index, t in enumerate(r.get(prop, []))
        for event in t.get("events", [])
    ]
    for i, (event, prefix, suffix, where) in enumerate(entries):
        for other_event, other_prefix, other_suffix, other_where in entries[:i]:
            if other_where == where or not _events_meet(event, other_event):
                continue
            if (prefix.startswith(other_prefix) or other_prefix.startswith(prefix)) and (
                suffix.endswith(other_suffix) or other_suffix.endswith(suffix)
            ):
                return f"{where} overlaps {other_where}: sharing {event}, their filters must be disjoint"
    return None


def _events_meet(a: str, b: str) -> bool:
    return a == b or (a.endswith("*") and b.startswith(a[:-1])) or (b.endswith("*") and a.startswith(b[:-1]))


def _notification_target(target: dict[str, Any], key: str, boto: str) -> dict[str, Any]:
    converted: dict[str, Any] = {boto: target.get(key), "Events": list(target.get("events", []))}
    if target.get("id"):
        converted["Id"] = target["id"]
    rules = [
        {"Name": name, "Value": target[prop]}
        for name, prop in (("prefix", "filterPrefix"), ("suffix", "filterSuffix"))
        if target.get(prop)
    ]
    if rules:
        converted["Filter"] = {"Key": {"FilterRules": rules}}
    return converted


@emulates(
    NOTIFICATION,
    note="put_bucket_notification_configuration; moto does not check destinations, the catalogue does",
    replace_on={"bucket"},
    naming=UNNAMED,
    arn="",
)
def notification(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    config: dict[str, Any] = {}
    for prop, key, section, boto in (
        ("queues", "queueArn", "QueueConfigurations", "QueueArn"),
        ("topics", "topicArn", "TopicConfigurations", "TopicArn"),
        ("lambdaFunctions", "lambdaFunctionArn", "LambdaFunctionConfigurations", "LambdaFunctionArn"),
    ):
        if r.get(prop):
            config[section] = [_notification_target(t, key, boto) for t in r.get(prop)]
    if r.get("eventbridge"):
        config["EventBridgeConfiguration"] = {}
    ctx.aws(
        r,
        "queues",
        "s3",
        "put_bucket_notification_configuration",
        Bucket=name,
        NotificationConfiguration=config,
    )
    return name, {}


OBJECT_KEY = Naming(
    key="key",
    max_length=1024,
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html (up to 1024 bytes)",
)


def _body(r: Resource) -> bytes:
    if r.get("content") is not None:
        return str(r.get("content")).encode()
    if r.get("contentBase64"):
        return base64.b64decode(str(r.get("contentBase64")))
    source = r.get("source")
    if isinstance(source, dict) and source.get("path"):
        with open(str(source["path"]), "rb") as handle:
            return handle.read()
    if isinstance(source, dict) and source.get("text") is not None:
        return str(source["text"]).encode()
    return b""


@emulates(
    "aws:s3/bucketObjectv2:BucketObjectv2",
    note="put_object with the content, base64 content or file asset as the body",
    replace_on={"bucket", "key"},
    naming=OBJECT_KEY,
    arn="arn:{partition}:s3:::{input[bucket]}/{name}",
)
def bucket_object(ctx: Context, r: Resource) -> Emulated:
    bucket_name, key = str(r.get("bucket")), r.physical_name()
    kwargs: dict[str, Any] = {"Bucket": bucket_name, "Key": key, "Body": _body(r)}
    optional = {
        "contentType": "ContentType",
        "cacheControl": "CacheControl",
        "contentEncoding": "ContentEncoding",
        "storageClass": "StorageClass",
        "serverSideEncryption": "ServerSideEncryption",
        "kmsKeyId": "SSEKMSKeyId",
        "acl": "ACL",
    }
    kwargs.update({boto: r.get(k) for k, boto in optional.items() if r.get(k) is not None})
    if r.get("metadata"):
        kwargs["Metadata"] = {str(k): str(v) for k, v in r.get("metadata").items()}
    if r.get("tags"):
        kwargs["Tagging"] = "&".join(f"{k}={v}" for k, v in sorted(r.get("tags").items()))
    put = ctx.aws(r, "bucket", "s3", "put_object", **kwargs)
    return f"{bucket_name}/{key}", {
        "key": key,
        "arn": f"arn:aws:s3:::{bucket_name}/{key}",
        "etag": str(put.get("ETag", "")).strip('"'),
        "versionId": put.get("VersionId") or "",
        "storageClass": r.get("storageClass", "STANDARD"),
        "metadata": json.loads(json.dumps(r.get("metadata", {}))),
    }


@rule(
    "s3-bucket-policy-grammar",
    "aws:s3/bucketPolicy:BucketPolicy",
    prop="policy",
    summary="A bucket policy names a Principal and a Resource in every statement",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html"
    " (bucket policies are resource-based: Principal required; MalformedPolicy otherwise)",
)
def _resource_policy_grammar(ctx: Context, r: Resource) -> str | None:
    document = r.get("policy")
    return None if document is None else policy_problem(document, PolicyKind.RESOURCE)
