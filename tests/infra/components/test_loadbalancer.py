"""Load balancer: public ALB, health-checked target group, HTTP, or HTTPS and a redirect with a domain."""

from __future__ import annotations

import json

from infra.components.loadbalancer import access_log_policy
from tests.infra.program import run, subnet_ids

LISTENER = "aws:lb/listener:Listener"
S3 = "aws:s3/"


def test_alb_in_public_subnets_with_hardening() -> None:
    result = run("dev")
    inputs = result.one("aws:lb/loadBalancer:LoadBalancer", "postings-dev-alb").inputs
    public = subnet_ids(result, "public")
    assert sorted(inputs["subnets"]) == public
    assert inputs["internal"] is False
    assert inputs["dropInvalidHeaderFields"] is True
    assert inputs["desyncMitigationMode"] == "defensive"
    assert inputs["enableDeletionProtection"] is False
    assert inputs["securityGroups"] == [
        result.one("aws:ec2/securityGroup:SecurityGroup", "postings-dev-alb").id
    ]
    assert (
        run("prod")
        .one("aws:lb/loadBalancer:LoadBalancer", "postings-prod-alb")
        .inputs["enableDeletionProtection"]
    )


def test_access_logs_go_to_a_private_sse_s3_bucket_only_elb_may_write() -> None:
    result = run("dev")
    alb = result.one("aws:lb/loadBalancer:LoadBalancer", "postings-dev-alb").inputs
    bucket = result.one(f"{S3}bucket:Bucket", "postings-dev-alb-logs")
    assert alb["accessLogs"] == {"bucket": bucket.id, "prefix": "alb", "enabled": True}
    assert bucket.inputs["forceDestroy"] is True
    assert run("prod").one(f"{S3}bucket:Bucket", "postings-prod-alb-logs").inputs["forceDestroy"] is False
    block = result.one(
        f"{S3}bucketPublicAccessBlock:BucketPublicAccessBlock", "postings-dev-alb-logs-public-access"
    )
    assert {
        k: block.inputs[k]
        for k in (
            "bucket",
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    } == {
        "bucket": bucket.id,
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
    }
    ownership = result.one(
        f"{S3}bucketOwnershipControls:BucketOwnershipControls", "postings-dev-alb-logs-ownership"
    )
    assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    encryption = result.one(
        f"{S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "postings-dev-alb-logs-encryption",
    )
    assert encryption.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    expiry = result.one(
        f"{S3}bucketLifecycleConfiguration:BucketLifecycleConfiguration", "postings-dev-alb-logs-expiry"
    )
    assert expiry.inputs["rules"][0]["expiration"] == {"days": 90}
    bucket_policy = result.one(f"{S3}bucketPolicy:BucketPolicy", "postings-dev-alb-logs-policy").inputs
    assert json.loads(bucket_policy["policy"]) == json.loads(
        access_log_policy(bucket.state["arn"], "eu-west-1")
    )


def test_access_log_policy_names_the_regions_elb_account_and_denies_plain_http() -> None:
    statements = json.loads(access_log_policy("arn:aws:s3:::logs", "eu-west-1"))["Statement"]
    assert statements[0]["Principal"] == {
        "Service": "logdelivery.elasticloadbalancing.amazonaws.com",
        "AWS": "arn:aws:iam::156460612806:root",
    }
    assert statements[0]["Resource"] == "arn:aws:s3:::logs/alb/AWSLogs/*"
    assert statements[1]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    newer = json.loads(access_log_policy("arn:aws:s3:::logs", "ap-southeast-4"))["Statement"][0]
    assert newer["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}


def test_target_group_checks_healthz_on_the_app_port() -> None:
    inputs = run("dev").one("aws:lb/targetGroup:TargetGroup", "postings-dev-api").inputs
    assert (inputs["port"], inputs["protocol"], inputs["targetType"]) == (8000, "HTTP", "ip")
    assert inputs["healthCheck"]["path"] == "/healthz"
    assert inputs["healthCheck"]["matcher"] == "200"


def test_without_a_domain_http_forwards_to_the_api() -> None:
    result = run("dev")
    listeners = result.by_type(LISTENER)
    assert [(r.name, r.inputs["port"], r.inputs["protocol"]) for r in listeners] == [
        ("postings-dev-http", 80, "HTTP")
    ]
    target_group = result.one("aws:lb/targetGroup:TargetGroup", "postings-dev-api")
    assert listeners[0].inputs["defaultActions"] == [
        {"type": "forward", "targetGroupArn": target_group.state["arn"]}
    ]
    # Plain HTTP is intended without a domain; the policy pack lists it as a suppression.
    assert listeners[0].inputs["tags"] == {
        "policy:suppress:elb-http-redirects-to-https": (
            "no domain configured so no certificate: HTTP only until postings:domain is set"
        )
    }
    assert result.outputs["serviceUrl"].startswith("http://postings-dev-alb-")
    assert result.by_type("aws:acm/certificate:Certificate") == []


def test_with_a_domain_https_serves_and_http_redirects() -> None:
    result = run("dev", domain="api.example.com", hostedZoneId="Z123EXAMPLE")
    https = result.one(LISTENER, "postings-dev-https").inputs
    http = result.one(LISTENER, "postings-dev-http").inputs
    certificate = result.one("aws:acm/certificate:Certificate", "postings-dev-certificate")
    assert certificate.inputs["domainName"] == "api.example.com"
    assert certificate.inputs["validationMethod"] == "DNS"
    validation = result.one(
        "aws:acm/certificateValidation:CertificateValidation", "postings-dev-certificate-issued"
    )
    assert https["certificateArn"] == validation.inputs["certificateArn"] == certificate.state["arn"]
    assert (https["port"], https["protocol"], https["sslPolicy"]) == (
        443,
        "HTTPS",
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
    )
    assert http["defaultActions"] == [
        {"type": "redirect", "redirect": {"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"}}
    ]
    alias = result.one("aws:route53/record:Record", "postings-dev-alias").inputs
    assert (alias["zoneId"], alias["name"], alias["type"]) == ("Z123EXAMPLE", "api.example.com", "A")
    assert result.outputs["serviceUrl"] == "https://api.example.com"
