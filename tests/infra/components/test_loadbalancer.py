"""Load balancer: public ALB, health-checked target group, HTTP, or HTTPS and a redirect with a domain."""

from __future__ import annotations

from tests.infra.program import run, subnet_ids

LISTENER = "aws:lb/listener:Listener"


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
