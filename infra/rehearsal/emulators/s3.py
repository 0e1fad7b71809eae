"""S3: buckets and their configuration resources."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, emulates

BUCKET_NAME = Naming(
    key="bucket",
    max_length=63,
    pattern=r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
        " (3-63 lowercase letters, digits, dots, hyphens; begin and end with a letter or digit)"
    ),
)

# The S3 website/alias hosted zone per region, as the provider reports it in `hostedZoneId`.
S3_HOSTED_ZONES = {
    "eu-west-1": "Z1BKCTXD74EZPE",
    "eu-central-1": "Z21DNDUVLTQW6Q",
    "us-east-1": "Z3AQBSTGFYJSTF",
}


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
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    note="put_bucket_encryption",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
def encryption(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    rules = []
    for rule in r.get("rules", []):
        default = rule.get("applyServerSideEncryptionByDefault", {})
        converted: dict[str, Any] = {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": default.get("sseAlgorithm")}
        }
        if default.get("kmsMasterKeyId"):
            converted["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] = default["kmsMasterKeyId"]
        if rule.get("bucketKeyEnabled") is not None:
            converted["BucketKeyEnabled"] = bool(rule["bucketKeyEnabled"])
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


@emulates(
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    note="put_bucket_lifecycle_configuration",
    replace_on={"bucket", "expectedBucketOwner"},
    naming=UNNAMED,
    arn="",
)
def lifecycle(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("bucket"))
    rules = []
    for rule in r.get("rules", []):
        converted: dict[str, Any] = {"ID": rule.get("id", ""), "Status": rule.get("status", "Enabled")}
        filter_ = rule.get("filter")
        converted["Filter"] = {"Prefix": filter_.get("prefix", "")} if filter_ else {"Prefix": ""}
        expiration = rule.get("expiration")
        if expiration and expiration.get("days") is not None:
            converted["Expiration"] = {"Days": int(expiration["days"])}
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
