"""Security groups: exactly the allowed paths of the design."""

from __future__ import annotations

import pytest

from infra.components.security import INTERNET, Path, allowed_paths
from tests.infra.program import run

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def test_allowed_paths_without_admins() -> None:
    assert {(p.source, p.target, p.port) for p in allowed_paths(app_port=8000, admin_cidrs=[])} == {
        (INTERNET, "alb", 80),
        (INTERNET, "alb", 443),
        ("alb", "api", 8000),
        ("api", "database", 3306),
        ("api", "cache", 6379),
        ("api", "broker", 5671),
        ("api", "search", 443),
        ("worker", "database", 3306),
        ("worker", "cache", 6379),
        ("worker", "broker", 5671),
        ("worker", "search", 443),
        ("bastion", "database", 3306),
        ("bastion", "cache", 6379),
        ("bastion", "broker", 5671),
        ("bastion", "search", 443),
        ("api", INTERNET, 443),
        ("worker", INTERNET, 443),
        ("bastion", INTERNET, 443),
    }


def test_admin_cidrs_open_ssh_to_the_bastion_only() -> None:
    paths = allowed_paths(app_port=8000, admin_cidrs=["203.0.113.0/24", "198.51.100.7/32"])
    ssh = [p for p in paths if p.port == 22]
    assert ssh == [
        Path("203.0.113.0/24", "bastion", 22, "SSH from admin network 203.0.113.0/24"),
        Path("198.51.100.7/32", "bastion", 22, "SSH from admin network 198.51.100.7/32"),
    ]
    assert ssh[0].slug == "203-0-113-0_24-to-bastion-22"


def group_names(stack: str) -> dict[str, str]:
    return {
        str(r.id): r.name.removeprefix(f"postings-{stack}-")
        for r in run(stack).by_type("aws:ec2/securityGroup:SecurityGroup")
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_ingress_rules_match_the_paths_exactly(stack: str) -> None:
    groups = group_names(stack)
    declared = set()
    for rule in run(stack).by_type(INGRESS):
        inputs = rule.inputs
        assert inputs["ipProtocol"] == "tcp", rule.name
        assert inputs["fromPort"] == inputs["toPort"], rule.name
        source = inputs.get("cidrIpv4") or groups[inputs["referencedSecurityGroupId"]]
        declared.add((source, groups[inputs["securityGroupId"]], int(inputs["fromPort"])))
    expected = {
        (p.source, p.target, p.port)
        for p in allowed_paths(app_port=8000, admin_cidrs=[])
        if p.target != INTERNET
    }
    assert declared == expected


def test_egress_rules_match_the_paths_exactly() -> None:
    groups = group_names("dev")
    declared = set()
    for rule in run("dev").by_type(EGRESS):
        inputs = rule.inputs
        target = inputs.get("cidrIpv4") or groups[inputs["referencedSecurityGroupId"]]
        declared.add((groups[inputs["securityGroupId"]], target, int(inputs["fromPort"])))
    expected = {
        (p.source, p.target, p.port)
        for p in allowed_paths(app_port=8000, admin_cidrs=[])
        if p.source != INTERNET
    }
    assert declared == expected


def test_admin_cidrs_from_config_become_ssh_rules() -> None:
    result = run("dev", adminCidrs=["203.0.113.0/24"])
    rule = result.one(INGRESS, "postings-dev-in-203-0-113-0_24-to-bastion-22")
    assert rule.inputs["cidrIpv4"] == "203.0.113.0/24"
    assert rule.inputs["fromPort"] == 22
    assert group_names("dev")[rule.inputs["securityGroupId"]] == "bastion"
    assert "tags" not in rule.inputs


def test_a_public_bastions_maintenance_paths_carry_their_suppression() -> None:
    reason = "maintenance path from the SSH bastion which admits only postings:adminCidrs"
    public = run("dev", adminCidrs=["203.0.113.0/24"])
    private = run("dev")
    for store, port in (("database", 3306), ("cache", 6379), ("broker", 5671), ("search", 443)):
        name = f"postings-dev-in-bastion-to-{store}-{port}"
        assert public.one(INGRESS, name).inputs["tags"] == {"policy:suppress:data-not-exposed": reason}, name
        assert "tags" not in private.one(INGRESS, name).inputs, name
    assert "tags" not in public.one(INGRESS, "postings-dev-in-api-to-database-3306").inputs
