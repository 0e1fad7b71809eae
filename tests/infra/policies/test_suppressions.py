"""Suppressions: declared with a reason, refused at once when they name no rule or give no reason."""

from __future__ import annotations

import json

import pytest

from infra.policies.evaluate import (
    evaluate,
    policy_document,
    render_findings,
    render_findings_markdown,
    report_from_document,
    report_json,
)
from infra.policies.suppressions import SuppressionError, declared, suppress
from tests.infra.policies.helpers import res

INSTANCE = "aws:ec2/instance:Instance"


def test_suppress_gives_the_tag() -> None:
    assert suppress("ec2-no-public-ip", "SSH bastion for admins") == {
        "policy:suppress:ec2-no-public-ip": "SSH bastion for admins"
    }


@pytest.mark.parametrize(
    ("rule_id", "reason", "message"),
    [
        (
            "ec2-public-ip",
            "a reason",
            "cannot suppress unknown rule 'ec2-public-ip'; known rules are listed in ",
        ),
        (
            "ec2-no-public-ip",
            "  ",
            "suppression of ec2-no-public-ip: the reason is empty; say why the finding",
        ),
        (
            "ec2-no-public-ip",
            "x" * 257,
            "suppression of ec2-no-public-ip: the reason is 257 characters; a tag",
        ),
        (
            "ec2-no-public-ip",
            "admins (only)",
            "suppression of ec2-no-public-ip: the reason contains '()'; tag",
        ),
    ],
)
def test_suppress_refuses_unknown_rules_and_unusable_reasons(rule_id: str, reason: str, message: str) -> None:
    with pytest.raises(SuppressionError) as raised:
        suppress(rule_id, reason)
    assert str(raised.value).startswith(message)


def test_declared_reads_only_suppression_tags() -> None:
    tags = {"Name": "bastion", "policy:suppress:ec2-no-public-ip": "admins", "policy:other": "x"}
    assert declared(tags) == {"ec2-no-public-ip": "admins"}


def test_a_suppressed_finding_is_reported_as_suppressed_and_does_not_fail() -> None:
    public = {
        "associatePublicIpAddress": True,
        "metadataOptions": {"httpTokens": "required"},
        "rootBlockDevice": {"encrypted": True},
    }
    bastion = res(INSTANCE, "bastion", {**public, "tags": suppress("ec2-no-public-ip", "SSH bastion")})
    stray = res(INSTANCE, "stray", public)
    report = evaluate("dev", [bastion, stray])
    assert [(f.rule_id, f.name, f.suppressed) for f in report.findings] == [
        ("ec2-no-public-ip", "bastion", "SSH bastion"),
        ("ec2-no-public-ip", "stray", None),
    ]
    assert [f.name for f in report.mandatory] == ["stray"]
    assert render_findings(report).splitlines() == [
        "Policy findings for dev (2 resources, 87 rules)",
        "",
        "LEVEL      RULE              CONTROL  RESOURCE  FINDING",
        "mandatory  ec2-no-public-ip  EC2.9    stray     stray gets a public IPv4 address",
        "",
        "Suppressed (declared next to the resource, with the reason):",
        "RULE              RESOURCE  REASON",
        "ec2-no-public-ip  bastion   SSH bastion",
        "",
        "policy: 1 mandatory findings, 0 advisory, 1 suppressed: FAILED",
    ]
    assert '"suppressed": "SSH bastion"' in report_json(report)


def test_a_hand_written_bad_suppression_is_a_mandatory_finding_and_suppresses_nothing() -> None:
    bad = res(
        INSTANCE,
        "host",
        {
            "associatePublicIpAddress": True,
            "metadataOptions": {"httpTokens": "required"},
            "rootBlockDevice": {"encrypted": True},
            "tags": {"policy:suppress:ec2-no-public-ip": ""},
        },
    )
    report = evaluate("dev", [bad])
    assert [(f.rule_id, f.message, f.suppressed) for f in report.findings] == [
        ("ec2-no-public-ip", "host gets a public IPv4 address", None),
        (
            "suppressions-valid",
            "host suppresses ec2-no-public-ip: the reason is empty; say why the finding is intended",
            None,
        ),
    ]


def test_the_pr_comment_section_lists_findings_and_suppressions() -> None:
    public = {
        "associatePublicIpAddress": True,
        "metadataOptions": {"httpTokens": "required"},
        "rootBlockDevice": {"encrypted": True},
    }
    report = evaluate(
        "dev",
        [
            res(INSTANCE, "bastion", {**public, "tags": suppress("ec2-no-public-ip", "SSH bastion")}),
            res(INSTANCE, "stray", public),
        ],
    )
    assert render_findings_markdown(report).splitlines() == [
        "### Policy: ❌ mandatory violations (dev)",
        "",
        "1 mandatory, 0 advisory, 1 suppressed over 2 resources.",
        "",
        "| Level | Rule | Control | Resource | Finding |",
        "|---|---|---|---|---|",
        "| mandatory | `ec2-no-public-ip` | EC2.9 | `stray` | stray gets a public IPv4 address |",
        "",
        "<details><summary>Suppressions</summary>",
        "",
        "| Rule | Resource | Reason |",
        "|---|---|---|",
        "| `ec2-no-public-ip` | `bastion` | SSH bastion |",
        "",
        "</details>",
    ]


def test_a_report_survives_the_round_trip_through_a_plan() -> None:
    public = {"associatePublicIpAddress": True}
    report = evaluate(
        "dev",
        [
            res(INSTANCE, "a", {**public, "tags": suppress("ec2-no-public-ip", "SSH bastion")}),
            res(INSTANCE, "b", public),
        ],
    )
    document = json.loads(json.dumps(policy_document(report)))
    restored = report_from_document(document)
    assert sorted(restored.findings, key=repr) == sorted(report.findings, key=repr)
    assert (restored.stack, restored.resources, policy_document(restored)) == ("dev", 2, document)
