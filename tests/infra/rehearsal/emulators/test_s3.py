"""S3 emulators: versioning, CORS, website, logging, notifications, lifecycle transitions and objects are in
moto as declared, through the current types and their deprecated V2 aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def rehearsal() -> Iterator[Rehearsal]:
    with rehearse_case("s3_bucket_configurations_and_object") as rehearsed:
        yield rehearsed


def _s3(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("s3", region_name=rehearsal.account.region)


def _bucket(rehearsal: Rehearsal, name: str = "assets") -> str:
    bucket_id = rehearsal.result.one("aws:s3/bucket:Bucket", name).id
    assert bucket_id is not None
    return bucket_id


def test_versioning_cors_and_website(rehearsal: Rehearsal) -> None:
    s3, bucket = _s3(rehearsal), _bucket(rehearsal)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rules = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert [(r["AllowedMethods"], r["AllowedOrigins"]) for r in rules] == [
        (["GET", "HEAD"], ["https://*.example.com"])
    ]
    website = s3.get_bucket_website(Bucket=bucket)
    assert (website["IndexDocument"]["Suffix"], website["ErrorDocument"]["Key"]) == ("index.html", "404.html")


def test_logging_and_lifecycle_transitions(rehearsal: Rehearsal) -> None:
    s3, bucket = _s3(rehearsal), _bucket(rehearsal)
    logging = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert (logging["TargetBucket"], logging["TargetPrefix"]) == (
        _bucket(rehearsal, "access-logs"),
        "assets/",
    )
    rule = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]
    assert [(t["Days"], t["StorageClass"]) for t in rule["Transitions"]] == [
        (30, "STANDARD_IA"),
        (90, "GLACIER"),
    ]
    assert rule["Expiration"]["Days"] == 365


def test_object_body_and_arn(rehearsal: Rehearsal) -> None:
    s3, bucket = _s3(rehearsal), _bucket(rehearsal)
    item = rehearsal.result.one("aws:s3/bucketObjectv2:BucketObjectv2", "index")
    got = s3.get_object(Bucket=bucket, Key="index.html")
    assert (got["Body"].read(), got["ContentType"]) == (b"<h1>corpus</h1>", "text/html"), item.urn
    assert item.state["arn"] == f"arn:aws:s3:::{bucket}/index.html", item.urn
    assert spec_of(item.type).arn_pattern().fullmatch(item.state["arn"]), item.state["arn"]


def test_notification_and_v2_aliases() -> None:
    with rehearse_case("s3_notification_to_queue_and_v2_aliases") as rehearsal:
        s3, bucket = _s3(rehearsal), _bucket(rehearsal)
        queue = rehearsal.result.one("aws:sqs/queue:Queue", "uploads")
        queues = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
        assert [(q["QueueArn"], q["Events"]) for q in queues] == [
            (queue.state["arn"], ["s3:ObjectCreated:*"])
        ]
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        redirect = s3.get_bucket_website(Bucket=bucket)["RedirectAllRequestsTo"]
        assert redirect["HostName"] == "www.example.com"
        assert rehearsal.coverage.types["aws:s3/bucketVersioningV2:BucketVersioningV2"] == "emulated"
