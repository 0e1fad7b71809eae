"""The pack's contents: the pinned rule ids, and the FSBP catalogue that accounts for every control."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from infra.policies.controls import CONTROLS, Coverage, counts, sync_readme
from infra.policies.model import Enforcement
from infra.policies.rules import RULES

README = Path(__file__).resolve().parents[3] / "infra" / "policies" / "README.md"

PINNED_RULE_IDS = [
    "ec2-default-sg-closed",
    "ec2-volumes-encrypted",
    "ec2-vpc-flow-logs",
    "ec2-imdsv2",
    "ec2-no-public-ip",
    "ec2-vpc-endpoint-ec2",
    "ec2-subnet-no-auto-public-ip",
    "ec2-single-eni",
    "ec2-sg-open-only-authorised-ports",
    "ec2-sg-no-open-high-risk-ports",
    "ec2-nacl-no-open-admin-ports",
    "ecs-task-host-network-secure",
    "ecs-service-no-public-ip",
    "ecs-task-no-host-pid",
    "ecs-container-not-privileged",
    "ecs-container-read-only-root",
    "ecs-no-secrets-in-environment",
    "ecs-container-logging",
    "ecs-fargate-latest-platform",
    "ecs-cluster-container-insights",
    "ecs-task-no-host-network",
    "ecs-efs-in-transit-encryption",
    "ecs-container-non-root-user",
    "elb-http-redirects-to-https",
    "elb-drop-invalid-headers",
    "elb-access-logs",
    "elb-deletion-protection",
    "elb-desync-mitigation",
    "elb-multiple-zones",
    "elb-waf-web-acl",
    "elb-modern-tls-policy",
    "waf-web-acl-not-empty",
    "waf-logging",
    "waf-rule-metrics",
    "s3-policy-not-public",
    "s3-ssl-only",
    "s3-no-cross-account-admin",
    "s3-block-public-access",
    "s3-no-acls",
    "s3-default-encryption",
    "rds-not-public",
    "rds-in-vpc",
    "rds-encrypted",
    "rds-multi-az",
    "rds-enhanced-monitoring",
    "rds-deletion-protection",
    "rds-log-exports",
    "rds-iam-auth",
    "rds-backups",
    "rds-minor-upgrades",
    "rds-copy-tags-to-snapshots",
    "rds-non-default-port",
    "rds-custom-admin-name",
    "elasticache-backups",
    "elasticache-minor-upgrades",
    "elasticache-automatic-failover",
    "elasticache-encrypted-at-rest",
    "elasticache-encrypted-in-transit",
    "elasticache-auth",
    "elasticache-own-subnet-group",
    "mq-audit-logs",
    "mq-minor-upgrades",
    "mq-activemq-active-standby",
    "mq-rabbitmq-cluster",
    "mq-not-public",
    "opensearch-encrypted-at-rest",
    "opensearch-in-vpc",
    "opensearch-node-to-node",
    "opensearch-error-logs",
    "opensearch-audit-logs",
    "opensearch-three-data-nodes",
    "opensearch-fine-grained-access",
    "opensearch-tls12",
    "opensearch-software-updates",
    "opensearch-dedicated-masters",
    "iam-no-admin-policy",
    "iam-no-user-policies",
    "iam-no-service-wildcards",
    "secretsmanager-rotation",
    "secretsmanager-rotation-period",
    "ecr-scan-on-push",
    "ecr-immutable-tags",
    "ecr-lifecycle-policy",
    "sns-encrypted",
    "tags-required",
    "data-not-exposed",
    "suppressions-valid",
]


def test_the_pack_holds_exactly_the_pinned_rules_in_order() -> None:
    assert [rule.id for rule in RULES] == PINNED_RULE_IDS


def test_every_rule_is_complete_in_the_cdk_nag_shape() -> None:
    for rule in RULES:
        assert rule.control, rule.id
        assert rule.desired.endswith("."), rule.id
        assert rule.explanation, rule.id
        assert "\n" not in rule.desired, rule.id


def test_advisory_rules_are_exactly_the_ones_the_readme_explains() -> None:
    advisory = [rule.id for rule in RULES if rule.enforcement is Enforcement.ADVISORY]
    assert advisory == [
        "ec2-vpc-endpoint-ec2",
        "ecs-container-non-root-user",
        "rds-non-default-port",
        "opensearch-audit-logs",
        "opensearch-fine-grained-access",
        "secretsmanager-rotation",
    ]
    text = README.read_text()
    for rule_id in advisory:
        assert f"| `{rule_id}` (" in text, rule_id


def test_every_control_is_listed_once_and_every_rule_maps_to_a_control() -> None:
    assert [cid for cid, n in Counter(c.id for c in CONTROLS).items() if n > 1] == []
    mapped = {c.rule for c in CONTROLS if c.rule}
    assert sorted(r.id for r in RULES if r.control != "platform" and r.id not in mapped) == []
    for control in CONTROLS:
        assert (control.coverage is Coverage.RULE) == (control.rule is not None), control.id
        assert control.rule is not None or control.why, control.id
    for rule in RULES:
        if rule.control != "platform":
            listed = [c.id for c in CONTROLS if c.rule == rule.id]
            assert set(rule.control.split(", ")) <= set(listed), rule.id


def test_control_counts() -> None:
    assert len(CONTROLS) == 155
    assert counts() == {
        "mandatory": 77,
        "advisory": 6,
        "runtime": 11,
        "account": 15,
        "not used": 44,
        "beyond FSBP": 2,
    }


def test_controls_outside_fsbp_are_marked_with_their_standard() -> None:
    beyond = [(c.id, c.rule, c.standard) for c in CONTROLS if not c.in_fsbp]
    assert beyond == [
        ("ELB.16", "elb-waf-web-acl", "NIST SP 800-53 Rev. 5"),
        ("WAF.11", "waf-logging", "NIST SP 800-53 Rev. 5, PCI DSS v4.0.1"),
    ]
    assert len([c for c in CONTROLS if c.in_fsbp]) == 153


def test_readme_tables_are_generated_from_the_code() -> None:
    text = README.read_text()
    assert text == sync_readme(text), "run: python -m infra.policies.controls"
