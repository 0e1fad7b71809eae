"""A stack with a domain: ACM certificate, its DNS validation, the HTTPS listener and the alias record."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from pathlib import Path

import boto3
import pytest

from infra.rehearsal.diff_commands import diff_command
from infra.rehearsal.engine import load_project, read_stack_config
from infra.rehearsal.plan import build_plan, write_plan
from infra.rehearsal.rehearse import Rehearsal, rehearse
from infra.rehearsal.report import render_coverage
from tests.infra.rehearsal.conftest import PROJECT_ROOT

DOMAIN = "jobs.example.com"


def _hosted_zone(session: boto3.Session) -> Mapping[str, str]:
    """The zone lives outside the stack (registered once per organisation): seed it, hand its id over."""
    route53 = session.client("route53")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="rehearsal-test")["HostedZone"]
    return {"postings:hostedZoneId": zone["Id"].rsplit("/", 1)[-1]}


@pytest.fixture(scope="module")
def with_domain() -> Iterator[Rehearsal]:
    config, secret_keys = read_stack_config(load_project(PROJECT_ROOT), "dev")
    config.update(
        {
            "postings:allowedAccountIds": '["777777777777"]',
            "postings:domain": DOMAIN,
            "postings:alertEmail": "oncall@example.com",
        }
    )
    with rehearse(
        PROJECT_ROOT, "dev", config=config, secret_keys=secret_keys, seed=_hosted_zone
    ) as rehearsal:
        yield rehearsal


def test_https_listener_uses_the_issued_certificate(with_domain: Rehearsal) -> None:
    session = with_domain.session
    certificate = with_domain.result.one("aws:acm/certificate:Certificate", "postings-dev-certificate")
    described = session.client("acm", region_name="eu-west-1").describe_certificate(
        CertificateArn=certificate.id
    )
    assert described["Certificate"]["DomainName"] == DOMAIN, certificate.urn
    alb = with_domain.result.one("aws:lb/loadBalancer:LoadBalancer", "postings-dev-alb")
    listeners = session.client("elbv2", region_name="eu-west-1").describe_listeners(
        LoadBalancerArn=str(alb.id)
    )
    by_port = {x["Port"]: x for x in listeners["Listeners"]}
    assert sorted(by_port) == [80, 443]
    assert by_port[443]["Certificates"] == [{"CertificateArn": certificate.id}]
    assert by_port[80]["DefaultActions"][0]["RedirectConfig"]["StatusCode"] == "HTTP_301"
    assert with_domain.result.outputs["serviceUrl"] == f"https://{DOMAIN}"


def test_alias_and_validation_records_are_in_the_zone(with_domain: Rehearsal) -> None:
    zone_id = with_domain.config["postings:hostedZoneId"]
    records = with_domain.session.client("route53").list_resource_record_sets(HostedZoneId=zone_id)
    by_type = {(r["Name"].rstrip("."), r["Type"]): r for r in records["ResourceRecordSets"]}
    alb = with_domain.result.one("aws:lb/loadBalancer:LoadBalancer", "postings-dev-alb")
    alias = by_type[(DOMAIN, "A")]["AliasTarget"]
    assert alias["DNSName"].rstrip(".") == alb.state["dnsName"]
    certificate = with_domain.result.one("aws:acm/certificate:Certificate", "postings-dev-certificate")
    validation = certificate.state["domainValidationOptions"][0]
    assert (validation["resourceRecordName"].rstrip("."), "CNAME") in by_type
    coverage = with_domain.coverage
    assert (
        coverage.types["aws:acm/certificateValidation:CertificateValidation"] == "emulated without validation"
    )
    assert coverage.not_emulated == []
    assert coverage.assumed == {}  # the zone was seeded, as a real account holds it


def test_alert_email_is_subscribed(with_domain: Rehearsal) -> None:
    topic = with_domain.result.one("aws:sns/topic:Topic", "postings-dev-alerts")
    sns = with_domain.session.client("sns", region_name="eu-west-1")
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic.id)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "oncall@example.com")]


def test_a_zone_named_only_by_the_config_is_assumed_to_exist_and_reported(tmp_path: Path) -> None:
    """As `infra rehearse` runs a stack whose config names a real zone: nothing seeds it."""
    zone_id = "Z0123456789ABCDEFGHIJ"
    config, secret_keys = read_stack_config(load_project(PROJECT_ROOT), "dev")
    config.update(
        {
            "postings:allowedAccountIds": '["777777777777"]',
            "postings:domain": DOMAIN,
            "postings:hostedZoneId": zone_id,
        }
    )
    with rehearse(PROJECT_ROOT, "dev", config=config, secret_keys=secret_keys) as rehearsal:
        records = rehearsal.result.by_type("aws:route53/record:Record")
        assert rehearsal.coverage.assumed.keys() == {f"route53 hosted zone {zone_id}"}
        assert sorted(rehearsal.coverage.assumed[f"route53 hosted zone {zone_id}"]) == sorted(
            r.urn for r in records
        )
        assert len(records) == 2  # the certificate's validation record and the alias
        route53 = rehearsal.session.client("route53")
        written = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
        assert {(r["Name"].rstrip("."), r["Type"]) for r in written} >= {(DOMAIN, "A")}
        plan = build_plan(rehearsal.result, config=config, assumed=rehearsal.coverage.assumed)
        assert plan["assumed"] == {f"route53 hosted zone {zone_id}": sorted(r.urn for r in records)}
        path = tmp_path / "plan.json"
        write_plan(plan, path)
        comment = tmp_path / "comment.md"
        args = argparse.Namespace(
            base=path,
            head=path,
            markdown=True,
            output=comment,
            allow_destructive=False,
            terraform_report=None,
        )
        assert diff_command(args) == 0
        assert comment.read_text().endswith(
            "the real account must hold them.\n\n"
            f"- `route53 hosted zone {zone_id}` "
            "(used by `postings-dev-alias`, `postings-dev-certificate-validation`)\n"
        )
        assert render_coverage(rehearsal.coverage).splitlines()[-2:] == [
            "  assumed to exist outside the stack (added to the emulated account): 1",
            f"    route53 hosted zone {zone_id}  "
            "(used by postings-dev-alias, postings-dev-certificate-validation)",
        ]
