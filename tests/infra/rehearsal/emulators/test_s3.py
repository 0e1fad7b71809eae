"""S3 emulators: versioning, CORS, website, logging, notifications, lifecycle transitions and objects are in
moto as declared, through the current types and their deprecated V2 aliases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.rehearsal.rehearse import Rehearsal, RehearsalFailed, rehearse
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


NOTIFIED_QUEUE = """
import json
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("uploads")
queue = aws.sqs.Queue("uploads")
grant = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*"}]}
events = [{"queue_arn": queue.arn, "events": ["s3:ObjectCreated:*"]}]
"""
# The two resources in each order: a depends_on makes the engine register the named one first.
ORDERS = {
    "policy": "policy = aws.sqs.QueuePolicy('uploads', queue_url=queue.url, policy=json.dumps(grant))\n"
    "aws.s3.BucketNotification('uploads', bucket=bucket.id, queues=events,\n"
    "                          opts=pulumi.ResourceOptions(depends_on=[policy]))\n",
    "notification": "notified = aws.s3.BucketNotification('uploads', bucket=bucket.id, queues=events)\n"
    "aws.sqs.QueuePolicy('uploads', queue_url=queue.url, policy=json.dumps(grant),\n"
    "                    opts=pulumi.ResourceOptions(depends_on=[notified]))\n",
    "nothing": "aws.s3.BucketNotification('uploads', bucket=bucket.id, queues=events)\n",
}


def _notified_queue(tmp_path: Path, first: str) -> Path:
    """A bucket notifying a queue whose S3 grant is a QueuePolicy of its own (ORDERS[first])."""
    (tmp_path / "Pulumi.yaml").write_text("name: notified\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "__main__.py").write_text(NOTIFIED_QUEUE + ORDERS[first])
    return tmp_path


@pytest.mark.parametrize("first", ["policy", "notification"])
def test_a_notification_is_judged_once_the_program_declared_its_queues_policy(
    tmp_path: Path, first: str
) -> None:
    """The destination's grant is read when the program is done, so the verdict does not depend on which
    of the two resources the engine registers first (without a depends_on, a race). The price: a program
    that forces the policy after the notification is accepted, though a deploy would fail on it."""
    with rehearse(_notified_queue(tmp_path, first), "dev") as rehearsal:
        assert len(rehearsal.result.by_type("aws:s3/bucketNotification:BucketNotification")) == 1


def test_a_notification_to_a_queue_that_never_grants_s3_is_refused_at_the_end(tmp_path: Path) -> None:
    with pytest.raises(RehearsalFailed) as caught:
        rehearse(_notified_queue(tmp_path, "nothing"), "dev")
    assert (caught.value.error.prop, caught.value.error.code) == ("queues", "s3-notification-queues-exist")
