"""The pack on the real program: every environment clean of mandatory violations, the advisories the
README lists, the declared suppressions, and a deliberately insecure variant caught on every count."""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path

import pytest

from infra.cli import main
from infra.exit_codes import Exit
from infra.policies.evaluate import Report
from infra.policies.offline import findings_for
from infra.policies.rules.platform import UNTAGGABLE_TYPES
from infra.rehearsal.engine import load_project, run_program
from infra.rehearsal.recording import RecordingMocks
from tests.infra.program import ROOT, children, run

STACKS = ("dev", "staging", "prod")
INSECURE = ROOT / "tests" / "fixtures" / "insecure"
NO_DOMAIN = "no domain configured so no certificate: HTTP only until postings:domain is set"


def advisories(stack: str) -> list[tuple[str, str]]:
    return sorted(
        [
            ("ec2-vpc-endpoint-ec2", f"postings-{stack}-vpc"),
            ("ecs-container-non-root-user", f"postings-{stack}-api-task"),
            ("ecs-container-non-root-user", f"postings-{stack}-worker-task"),
            ("opensearch-audit-logs", f"postings-{stack}-search-domain"),
            ("opensearch-fine-grained-access", f"postings-{stack}-search-domain"),
            ("rds-non-default-port", f"postings-{stack}-db-instance"),
            ("secretsmanager-rotation", f"postings-{stack}-broker-credentials-secret"),
            ("secretsmanager-rotation", f"postings-{stack}-cache-auth-secret"),
        ]
    )


def pairs(report: Report, which: str) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.name) for f in getattr(report, which))


@pytest.mark.parametrize("stack", STACKS)
def test_every_environment_has_no_mandatory_violation(stack: str) -> None:
    report = findings_for(run(stack))
    assert pairs(report, "mandatory") == [], [f.message for f in report.mandatory]
    assert pairs(report, "advisory") == advisories(stack)
    # Only dev runs without a domain (HTTP only, suppressed with its reason); staging and prod need one.
    assert [(f.rule_id, f.name, f.suppressed) for f in report.suppressed] == (
        [("elb-http-redirects-to-https", f"postings-{stack}-http", NO_DOMAIN)] if stack == "dev" else []
    )


def test_a_public_bastion_is_suppressed_with_reasons_not_hidden() -> None:
    report = findings_for(run("dev", adminCidrs=["203.0.113.0/24"], bastionKeyName="ops"))
    assert report.mandatory == []
    maintenance = "maintenance path from the SSH bastion which admits only postings:adminCidrs"
    assert sorted((f.rule_id, f.name, f.suppressed) for f in report.suppressed) == [
        ("data-not-exposed", "postings-dev-in-bastion-to-broker-5671", maintenance),
        ("data-not-exposed", "postings-dev-in-bastion-to-cache-6379", maintenance),
        ("data-not-exposed", "postings-dev-in-bastion-to-database-3306", maintenance),
        ("data-not-exposed", "postings-dev-in-bastion-to-search-443", maintenance),
        (
            "ec2-no-public-ip",
            "postings-dev-bastion-instance",
            "SSH bastion: public only when postings:adminCidrs are set",
        ),
        ("elb-http-redirects-to-https", "postings-dev-http", NO_DOMAIN),
    ]


def test_with_a_domain_http_redirects_and_nothing_is_suppressed() -> None:
    report = findings_for(run("dev", domain="api.example.com", hostedZoneId="Z123EXAMPLE"))
    assert (report.mandatory, report.suppressed) == ([], [])


def test_prod_without_the_waf_fails_and_staging_without_it_does_not() -> None:
    # The program as it would be without the WebFirewall component: nothing else depends on it.
    for stack in ("prod", "staging"):
        result = run(stack)
        firewall = {r.urn for r in children(result, "postings:infra:WebFirewall")}
        assert len(firewall) == 4, stack
        without = dataclasses.replace(
            result, registrations=[r for r in result.registrations if r.urn not in firewall]
        )
        expected = [("elb-waf-web-acl", "postings-prod-alb")] if stack == "prod" else []
        assert pairs(findings_for(without), "mandatory") == expected, stack


def test_a_web_acl_without_its_logging_configuration_fails() -> None:
    result = run("dev")
    logging = result.one(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "postings-dev-waf-logging"
    )
    without = dataclasses.replace(result, registrations=[r for r in result.registrations if r is not logging])
    assert pairs(findings_for(without), "mandatory") == [("waf-logging", "postings-dev-waf")]


INSECURE_MANDATORY = [
    ("data-not-exposed", "db"),  # public database: in public subnets...
    ("data-not-exposed", "mysql-from-anywhere"),  # ...and open to the internet
    ("data-not-exposed", "redis"),
    ("ec2-sg-no-open-high-risk-ports", "mysql-from-anywhere"),
    ("ec2-sg-no-open-high-risk-ports", "ssh-from-anywhere"),  # SSH open to the world
    ("ec2-sg-open-only-authorised-ports", "mysql-from-anywhere"),
    ("ec2-sg-open-only-authorised-ports", "ssh-from-anywhere"),
    ("ecs-no-secrets-in-environment", "app"),  # secret in a task definition's environment
    ("elasticache-auth", "redis"),
    ("elasticache-encrypted-at-rest", "redis"),  # unencrypted cache
    ("elasticache-encrypted-in-transit", "redis"),
    ("rds-not-public", "db"),
]


def test_the_insecure_variant_is_caught_on_every_count() -> None:
    result = run_program(load_project(INSECURE), "insecure", RecordingMocks())
    report = findings_for(result)
    assert pairs(report, "mandatory") == INSECURE_MANDATORY
    assert pairs(report, "advisory") == [("ec2-vpc-endpoint-ec2", "vpc"), ("rds-non-default-port", "db")]
    assert report.passed is False


def test_infra_policy_fails_on_mandatory_violations_and_prints_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The default: an emulated account (moto), through whose ids and ARNs references are resolved.
    code = main(["policy", "insecure", "--project", str(INSECURE), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == Exit.POLICY
    assert document["summary"] == {"resources": 24, "mandatory": 12, "advisory": 2, "suppressed": 0}
    mandatory = [(f["rule"], f["name"]) for f in document["findings"] if f["enforcement"] == "mandatory"]
    assert sorted(mandatory) == INSECURE_MANDATORY


def test_infra_policy_passes_dev_and_lists_its_suppression(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "dev", "--mocks", "recording"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Policy findings for dev (")
    assert lines[-1] == "policy: 0 mandatory findings, 8 advisory, 1 suppressed: passed"
    # The reason folds onto a second line at the table's width.
    assert "elb-http-redirects-to-https postings-dev-http " + NO_DOMAIN in " ".join(" ".join(lines).split())


def aws_class(type_token: str) -> type:
    """`aws:ec2/routeTableAssociation:RouteTableAssociation` -> pulumi_aws.ec2.RouteTableAssociation."""
    module = type_token.split(":")[1].split("/")[0]
    return getattr(importlib.import_module(f"pulumi_aws.{module}"), type_token.rsplit(":", 1)[-1])  # type: ignore[no-any-return]


def test_untaggable_types_really_take_no_tags_and_every_other_declared_type_does() -> None:
    assert [t for t in sorted(UNTAGGABLE_TYPES) if hasattr(aws_class(t), "tags")] == []
    declared = {r.type for stack in STACKS for r in run(stack).registrations if r.type.startswith("aws:")}
    assert [t for t in sorted(declared - UNTAGGABLE_TYPES) if not hasattr(aws_class(t), "tags")] == []


def test_the_fixture_is_a_project_of_its_own() -> None:
    project = load_project(INSECURE)
    assert (project.name, project.main) == ("insecure", Path(INSECURE).resolve() / "__main__.py")
