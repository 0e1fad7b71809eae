"""S3 cases: bucket versioning, CORS, website, logging, notifications, lifecycle rules and objects."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
WEBSITE = "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration"
NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
TRANSITIONS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html"
)
PERMISSIONS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html"
)


def _bucket(name: str = "assets") -> aws.s3.Bucket:
    return aws.s3.Bucket(name)


def _queue_for_s3(bucket: aws.s3.Bucket, name: str = "uploads") -> tuple[aws.sqs.Queue, aws.sqs.QueuePolicy]:
    """A queue whose policy lets S3 send the bucket's notifications to it."""
    queue = aws.sqs.Queue(name)
    policy = aws.sqs.QueuePolicy(
        f"{name}-policy",
        queue_url=queue.url,
        policy=pulumi.Output.all(queue.arn, bucket.arn).apply(
            lambda a: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "s3.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": a[0],
                            "Condition": {"ArnEquals": {"aws:SourceArn": a[1]}},
                        }
                    ],
                }
            )
        ),
    )
    return queue, policy


def _log_bucket() -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
    """A bucket the S3 logging service may write access logs into, and the policy that lets it."""
    logs = _bucket("access-logs")
    policy = aws.s3.BucketPolicy(
        "access-logs-policy",
        bucket=logs.id,
        policy=logs.arn.apply(
            lambda arn: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "logging.s3.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": f"{arn}/*",
                        }
                    ],
                }
            )
        ),
    )
    return logs, policy


def _lifecycle(bucket: aws.s3.Bucket, **rule: Any) -> aws.s3.BucketLifecycleConfiguration:
    return aws.s3.BucketLifecycleConfiguration(
        "assets-lifecycle",
        bucket=bucket.id,
        rules=[
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="archive",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix="logs/"),
                **rule,
            )
        ],
    )


@valid("s3")
def s3_bucket_configurations_and_object() -> None:
    bucket = _bucket()
    logs, logs_policy = _log_bucket()
    aws.s3.BucketVersioning(
        "assets-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}
    )
    aws.s3.BucketCorsConfiguration(
        "assets-cors",
        bucket=bucket.id,
        cors_rules=[
            {
                "allowed_methods": ["GET", "HEAD"],
                "allowed_origins": ["https://*.example.com"],
                "max_age_seconds": 3000,
            }
        ],
    )
    aws.s3.BucketWebsiteConfiguration(
        "assets-website",
        bucket=bucket.id,
        index_document={"suffix": "index.html"},
        error_document={"key": "404.html"},
    )
    aws.s3.BucketLogging(
        "assets-logging",
        bucket=bucket.id,
        target_bucket=logs.id,
        target_prefix="assets/",
        opts=pulumi.ResourceOptions(depends_on=[logs_policy]),
    )
    _lifecycle(
        bucket,
        transitions=[{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 90, "storage_class": "GLACIER"}],
        expiration={"days": 365},
    )
    aws.s3.BucketObjectv2(
        "index", bucket=bucket.id, key="index.html", content="<h1>corpus</h1>", content_type="text/html"
    )


@valid("s3")
def s3_notification_to_queue_and_v2_aliases() -> None:
    bucket = _bucket()
    queue, policy = _queue_for_s3(bucket)
    aws.s3.BucketNotification(
        "assets-notification",
        bucket=bucket.id,
        queues=[{"queue_arn": queue.arn, "events": ["s3:ObjectCreated:*"], "filter_prefix": "uploads/"}],
        opts=pulumi.ResourceOptions(depends_on=[policy]),
    )
    aws.s3.BucketVersioningV2(
        "assets-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}
    )
    aws.s3.BucketWebsiteConfigurationV2(
        "assets-website", bucket=bucket.id, redirect_all_requests_to={"host_name": "www.example.com"}
    )


@valid("s3")
def s3_private_encrypted_bucket_through_v2_aliases() -> None:
    bucket = aws.s3.BucketV2("private")
    aws.s3.BucketPublicAccessBlock(
        "private-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketOwnershipControls(
        "private-ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}
    )
    aws.s3.BucketServerSideEncryptionConfigurationV2(
        "private-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"},
                "bucket_key_enabled": True,
            }
        ],
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        "private-encryption-current",
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
    )
    aws.s3.BucketLifecycleConfigurationV2(
        "private-lifecycle",
        bucket=bucket.id,
        rules=[{"id": "tmp", "status": "Enabled", "filter": {"prefix": "tmp/"}, "expiration": {"days": 7}}],
    )
    aws.s3.BucketCorsConfigurationV2(
        "private-cors",
        bucket=bucket.id,
        cors_rules=[{"allowed_methods": ["PUT"], "allowed_origins": ["https://app.example.com"]}],
    )
    logs, logs_policy = _log_bucket()
    aws.s3.BucketLoggingV2(
        "private-logging",
        bucket=bucket.id,
        target_bucket=logs.id,
        target_prefix="private/",
        opts=pulumi.ResourceOptions(depends_on=[logs_policy]),
    )


@refused("s3", token=LIFECYCLE, prop="rules", source=TRANSITIONS)
def s3_lifecycle_infrequent_access_after_7_days() -> None:
    _lifecycle(_bucket(), transitions=[{"days": 7, "storage_class": "STANDARD_IA"}])


@refused("s3", token=LIFECYCLE, prop="rules", source=TRANSITIONS)
def s3_lifecycle_glacier_too_soon_after_ia() -> None:
    _lifecycle(
        _bucket(),
        transitions=[{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 45, "storage_class": "GLACIER"}],
    )


@refused(
    "s3",
    token=LIFECYCLE,
    prop="rules",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html",
)
def s3_lifecycle_expiration_before_transition() -> None:
    _lifecycle(_bucket(), transitions=[{"days": 90, "storage_class": "GLACIER"}], expiration={"days": 60})


@refused(
    "s3",
    token=LIFECYCLE,
    prop="rules",
    source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html",
)
def s3_lifecycle_unknown_storage_class() -> None:
    _lifecycle(_bucket(), transitions=[{"days": 90, "storage_class": "GLACIER_DEEP_ARCHIVE"}])


@refused(
    "s3",
    token="aws:s3/bucketVersioning:BucketVersioning",
    prop="versioningConfiguration",
    source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_VersioningConfiguration.html",
)
def s3_versioning_disabled_status() -> None:
    aws.s3.BucketVersioning(
        "assets-versioning", bucket=_bucket().id, versioning_configuration={"status": "Disabled"}
    )


@refused(
    "s3",
    token="aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    prop="corsRules",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html",
)
def s3_cors_patch_method() -> None:
    aws.s3.BucketCorsConfiguration(
        "assets-cors",
        bucket=_bucket().id,
        cors_rules=[{"allowed_methods": ["GET", "PATCH"], "allowed_origins": ["https://example.com"]}],
    )


@refused(
    "s3",
    token="aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    prop="corsRules",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html",
)
def s3_cors_origin_with_two_wildcards() -> None:
    aws.s3.BucketCorsConfiguration(
        "assets-cors",
        bucket=_bucket().id,
        cors_rules=[{"allowed_methods": ["GET"], "allowed_origins": ["https://*.*.example.com"]}],
    )


@refused(
    "s3",
    token=WEBSITE,
    prop="redirectAllRequestsTo",
    source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html",
)
def s3_website_redirect_with_index_document() -> None:
    aws.s3.BucketWebsiteConfiguration(
        "assets-website",
        bucket=_bucket().id,
        index_document={"suffix": "index.html"},
        redirect_all_requests_to={"host_name": "www.example.com"},
    )


@refused(
    "s3",
    token=WEBSITE,
    prop="indexDocument",
    source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_IndexDocument.html",
)
def s3_website_index_document_with_path() -> None:
    aws.s3.BucketWebsiteConfiguration(
        "assets-website", bucket=_bucket().id, index_document={"suffix": "site/index.html"}
    )


@refused(
    "s3",
    token="aws:s3/bucketLogging:BucketLogging",
    prop="targetBucket",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
)
def s3_logging_to_missing_bucket() -> None:
    aws.s3.BucketLogging(
        "assets-logging", bucket=_bucket().id, target_bucket="corpus-never-created-logs", target_prefix="x/"
    )


@refused("s3", token=NOTIFICATION, prop="queues", source=PERMISSIONS)
def s3_notification_to_queue_without_policy() -> None:
    bucket = _bucket()
    queue = aws.sqs.Queue("uploads")
    aws.s3.BucketNotification(
        "assets-notification",
        bucket=bucket.id,
        queues=[{"queue_arn": queue.arn, "events": ["s3:ObjectCreated:*"]}],
    )


@refused("s3", token=NOTIFICATION, prop="topics", source=PERMISSIONS)
def s3_notification_to_missing_topic() -> None:
    aws.s3.BucketNotification(
        "assets-notification",
        bucket=_bucket().id,
        topics=[
            {
                "topic_arn": "arn:aws:sns:eu-west-1:123456789012:never-created",
                "events": ["s3:ObjectRemoved:*"],
            }
        ],
    )


@refused(
    "s3",
    token=NOTIFICATION,
    prop="queues",
    source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_QueueConfiguration.html",
)
def s3_notification_unknown_event() -> None:
    bucket = _bucket()
    queue, policy = _queue_for_s3(bucket)
    aws.s3.BucketNotification(
        "assets-notification",
        bucket=bucket.id,
        queues=[{"queue_arn": queue.arn, "events": ["s3:ObjectUploaded"]}],
        opts=pulumi.ResourceOptions(depends_on=[policy]),
    )


@refused(
    "s3",
    token=NOTIFICATION,
    prop="queues",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html",
)
def s3_notification_overlapping_prefixes() -> None:
    bucket = _bucket()
    (first, first_policy), (second, second_policy) = (
        _queue_for_s3(bucket, "images"),
        _queue_for_s3(bucket, "thumbnails"),
    )
    aws.s3.BucketNotification(
        "assets-notification",
        bucket=bucket.id,
        queues=[
            {"queue_arn": first.arn, "events": ["s3:ObjectCreated:*"], "filter_prefix": "images/"},
            {"queue_arn": second.arn, "events": ["s3:ObjectCreated:Put"], "filter_prefix": "images/thumbs/"},
        ],
        opts=pulumi.ResourceOptions(depends_on=[first_policy, second_policy]),
    )


@refused(
    "s3",
    token="aws:s3/bucketObjectv2:BucketObjectv2",
    prop="storageClass",
    source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html",
)
def s3_object_storage_class_glacier_flexible() -> None:
    aws.s3.BucketObjectv2(
        "index",
        bucket=_bucket().id,
        key="index.html",
        content="x",
        storage_class="GLACIER_FLEXIBLE_RETRIEVAL",
    )


@refused("s3", token=NOTIFICATION, prop="lambdaFunctions", source=PERMISSIONS)
def s3_notification_to_missing_function() -> None:
    aws.s3.BucketNotification(
        "assets-notification",
        bucket=_bucket().id,
        lambda_functions=[
            {
                "lambda_function_arn": "arn:aws:lambda:eu-west-1:123456789012:function:thumbnailer",
                "events": ["s3:ObjectCreated:*"],
            }
        ],
    )


BUCKET_NAMING = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"


@refused("s3", token="aws:s3/bucket:Bucket", prop="bucket", source=BUCKET_NAMING)
def s3_bucket_named_like_an_ip_address() -> None:
    aws.s3.Bucket("logs", bucket="192.168.5.4")


@refused("s3", token="aws:s3/bucket:Bucket", prop="bucket", source=BUCKET_NAMING)
def s3_bucket_name_with_adjacent_periods() -> None:
    aws.s3.Bucket("logs", bucket="my..logs")


@refused(
    "s3",
    token="aws:s3/bucketPolicy:BucketPolicy",
    prop="policy",
    source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
)
def s3_bucket_policy_without_a_principal() -> None:
    bucket = aws.s3.Bucket("site")
    aws.s3.BucketPolicy(
        "public-read",
        bucket=bucket.id,
        policy=bucket.arn.apply(
            lambda arn: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{arn}/*"}],
                }
            )
        ),
    )


BLOCK_PUBLIC_ACCESS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"
)
LIFECYCLE_EXPIRATION = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html"
ENCRYPTION = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html"
ENCRYPTION_CONFIGURATION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
)


def _public_read_policy(bucket: aws.s3.Bucket, **opts: Any) -> aws.s3.BucketPolicy:
    return aws.s3.BucketPolicy(
        "assets-policy",
        bucket=bucket.id,
        policy=bucket.arn.apply(
            lambda arn: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "PublicRead",
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "s3:GetObject",
                            "Resource": f"{arn}/*",
                        }
                    ],
                }
            )
        ),
        **opts,
    )


@valid("s3")
def s3_public_website_bucket_lifecycle_and_kms_encryption() -> None:
    bucket = _bucket()
    opened = aws.s3.BucketPublicAccessBlock(
        "assets-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        ignore_public_acls=True,
        block_public_policy=False,
        restrict_public_buckets=False,
    )
    _public_read_policy(bucket, opts=pulumi.ResourceOptions(depends_on=[opened]))
    aws.s3.BucketLifecycleConfiguration(
        "assets-lifecycle",
        bucket=bucket.id,
        rules=[
            {
                "id": "markers",
                "status": "Enabled",
                "filter": {},
                "expiration": {"expired_object_delete_marker": True},
            },
            {
                "id": "noncurrent",
                "status": "Enabled",
                "filter": {"prefix": "data/"},
                "noncurrent_version_transitions": [{"noncurrent_days": 30, "storage_class": "STANDARD_IA"}],
                "noncurrent_version_expiration": {"noncurrent_days": 90},
            },
        ],
    )
    key = aws.kms.Key("assets", description="bucket encryption")
    aws.s3.BucketServerSideEncryptionConfiguration(
        "assets-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key.arn,
                }
            }
        ],
    )


@refused("s3", token="aws:s3/bucketPolicy:BucketPolicy", prop="policy", source=BLOCK_PUBLIC_ACCESS)
def s3_public_policy_on_a_new_bucket() -> None:
    _public_read_policy(_bucket())


@refused("s3", token=LIFECYCLE, prop="rules", source=LIFECYCLE_EXPIRATION)
def s3_lifecycle_expiration_after_zero_days() -> None:
    _lifecycle(_bucket(), expiration={"days": 0})


@refused("s3", token=LIFECYCLE, prop="rules", source=LIFECYCLE_EXPIRATION)
def s3_lifecycle_expiration_days_and_delete_marker() -> None:
    _lifecycle(_bucket(), expiration={"days": 30, "expired_object_delete_marker": True})


@refused("s3", token=LIFECYCLE, prop="rules", source=TRANSITIONS)
def s3_lifecycle_noncurrent_versions_to_ia_after_10_days() -> None:
    _lifecycle(
        _bucket(), noncurrent_version_transitions=[{"noncurrent_days": 10, "storage_class": "STANDARD_IA"}]
    )


@refused("s3", token=ENCRYPTION_CONFIGURATION, prop="rules", source=ENCRYPTION)
def s3_encryption_aes256_with_a_kms_key() -> None:
    aws.s3.BucketServerSideEncryptionConfiguration(
        "assets-encryption",
        bucket=_bucket().id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "AES256",
                    "kms_master_key_id": "alias/data",
                }
            }
        ],
    )


@valid("s3")
def s3_lifecycle_down_the_whole_waterfall() -> None:
    _lifecycle(
        _bucket(),
        transitions=[
            {"days": 0, "storage_class": "INTELLIGENT_TIERING"},
            {"days": 30, "storage_class": "ONEZONE_IA"},
            {"days": 90, "storage_class": "GLACIER_IR"},
            {"days": 180, "storage_class": "GLACIER"},
            {"days": 365, "storage_class": "DEEP_ARCHIVE"},
        ],
    )


@refused("s3", token=LIFECYCLE, prop="rules", source=TRANSITIONS)
def s3_lifecycle_one_zone_back_to_standard_ia() -> None:
    _lifecycle(
        _bucket(),
        transitions=[
            {"days": 30, "storage_class": "ONEZONE_IA"},
            {"days": 60, "storage_class": "STANDARD_IA"},
        ],
    )


@refused("s3", token=LIFECYCLE, prop="rules", source=TRANSITIONS)
def s3_lifecycle_deep_archive_back_to_glacier() -> None:
    _lifecycle(
        _bucket(),
        transitions=[
            {"days": 90, "storage_class": "DEEP_ARCHIVE"},
            {"days": 180, "storage_class": "GLACIER"},
        ],
    )


NONCURRENT_EXPIRATION = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_NoncurrentVersionExpiration.html"


@valid("s3")
def s3_lifecycle_keeping_100_noncurrent_versions() -> None:
    _lifecycle(
        _bucket(), noncurrent_version_expiration={"noncurrent_days": 30, "newer_noncurrent_versions": 100}
    )


@refused("s3", token=LIFECYCLE, prop="rules", source=NONCURRENT_EXPIRATION)
def s3_lifecycle_keeping_101_noncurrent_versions() -> None:
    _lifecycle(
        _bucket(), noncurrent_version_expiration={"noncurrent_days": 30, "newer_noncurrent_versions": 101}
    )
