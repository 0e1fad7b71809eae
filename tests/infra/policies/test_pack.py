"""The pulumi-policy pack: its adapters called as the engine calls them, and the pack served over gRPC.

Without a Pulumi CLI the pack cannot run inside a real `pulumi preview`; the last test starts it exactly as
the CLI's analyzer does (`python -m pulumi.policy <engine> infra/policies`) and talks to it over gRPC."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc  # type: ignore[import-untyped]
import pytest
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError

from infra.naming import default_tags
from infra.policies.pack import LISTING_POLICY, PACK_NAME, policies
from infra.policies.rules import RULES
from tests.infra.policies.helpers import urn

ROOT = Path(__file__).resolve().parents[3]
RDS = "aws:rds/instance:Instance"
TAGS = default_tags(environment="dev", stack="dev", owner="platform-team")
PROVIDER = PolicyProviderResource(
    "pulumi:providers:aws",
    {"defaultTags": json.dumps({"tags": TAGS})},
    "urn:pulumi:dev::postings::pulumi:providers:aws::aws",
    "aws",
)
OPTIONS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def by_name() -> dict[str, Any]:
    return {p.name: p for p in policies()}


def validate(policy_name: str, type_token: str, name: str, props: dict[str, Any]) -> list[str]:
    policy = by_name()[policy_name]
    assert isinstance(policy, ResourceValidationPolicy)
    reported: list[str] = []
    args = ResourceValidationArgs(type_token, props, urn(type_token, name), name, OPTIONS, PROVIDER)

    def report(message: str, _urn: str | None = None) -> None:
        reported.append(message)

    policy.validate(args, report)
    return reported


def test_every_rule_is_a_policy_with_its_level_and_control() -> None:
    found = by_name()
    assert list(found) == [rule.id for rule in RULES] + [LISTING_POLICY]
    for rule in RULES:
        policy = found[rule.id]
        assert isinstance(policy, StackValidationPolicy if rule.is_stack_rule else ResourceValidationPolicy)
        assert policy.enforcement_level is EnforcementLevel(str(rule.enforcement)), rule.id
        assert (policy.description, policy.remediation_steps) == (rule.desired, rule.explanation), rule.id
        assert policy.framework is not None, rule.id
        assert policy.framework.reference == rule.control, rule.id
    assert found[LISTING_POLICY].enforcement_level is EnforcementLevel.ADVISORY


def test_resource_policy_reports_violations_and_honours_suppressions() -> None:
    public = {"publiclyAccessible": True, "engine": "mysql"}
    assert validate("rds-not-public", RDS, "db", public) == ["db is publicly accessible"]
    assert validate("rds-not-public", RDS, "db", {"publiclyAccessible": False}) == []
    suppressed = {**public, "tags": {"policy:suppress:rds-not-public": "a lab database"}}
    assert validate("rds-not-public", RDS, "db", suppressed) == []


def test_tags_are_judged_with_the_providers_default_tags() -> None:
    bucket = "aws:s3/bucket:Bucket"
    assert validate("tags-required", bucket, "logs", {}) == []
    assert validate("tags-required", bucket, "logs", {"tags": {"Owner": ""}}) == ["logs lacks tag(s) Owner"]


def test_a_rule_that_does_not_apply_says_so() -> None:
    task = {"networkMode": "awsvpc", "containerDefinitions": "[]"}
    with pytest.raises(_NotApplicableError) as raised:
        validate("ecs-efs-in-transit-encryption", "aws:ecs/taskDefinition:TaskDefinition", "task", task)
    assert raised.value.reason == "ecs-efs-in-transit-encryption does not apply to task"


def stack_resource(
    type_token: str, name: str, props: dict[str, Any], **deps: PolicyResource
) -> PolicyResource:
    return PolicyResource(
        type_token,
        props,
        urn(type_token, name),
        name,
        OPTIONS,
        PROVIDER,
        None,
        list(deps.values()),
        {prop: [target] for prop, target in deps.items()},
    )


def test_stack_policies_follow_property_dependencies_and_list_suppressions() -> None:
    vpc = stack_resource("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})
    logged = stack_resource("aws:ec2/vpc:Vpc", "logged", {"cidrBlock": "10.1.0.0/16"})
    log = stack_resource("aws:ec2/flowLog:FlowLog", "log", {"trafficType": "ALL"}, vpcId=logged)
    listener = stack_resource(
        "aws:lb/listener:Listener",
        "http",
        {"tags": {"policy:suppress:elb-http-redirects-to-https": "no domain yet"}},
    )
    reported: list[tuple[str, str | None]] = []
    args = StackValidationArgs([vpc, logged, log, listener])

    def report(message: str, resource_urn: str | None = None) -> None:
        reported.append((message, resource_urn))

    for name in ("ec2-vpc-flow-logs", LISTING_POLICY):
        policy = by_name()[name]
        assert isinstance(policy, StackValidationPolicy)
        policy.validate(args, report)
    assert reported == [
        ("VPC vpc has no flow log", vpc.urn),
        ("elb-http-redirects-to-https suppressed on http: no domain yet", listener.urn),
    ]


def struct(value: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(value)
    return message


@pytest.fixture(scope="module")
def served_pack() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack as the CLI starts it: `pulumi.policy` runs infra/policies/__main__.py; it prints its port."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:0", str(ROOT / "infra" / "policies")],
        cwd=ROOT / "infra" / "policies",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), (
            f"the pack did not start: {port!r} {process.stderr.read() if process.stderr else ''}"
        )
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_served_pack_describes_every_policy(served_pack: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = served_pack.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == PACK_NAME
    assert [p.name for p in info.policies] == [rule.id for rule in RULES] + [LISTING_POLICY]


def test_served_pack_analyzes_a_resource_like_a_preview(served_pack: analyzer_pb2_grpc.AnalyzerStub) -> None:
    request = analyzer_pb2.AnalyzeRequest(
        type=RDS,
        properties=struct({"engine": "mysql", "publiclyAccessible": True, "storageEncrypted": True}),
        urn=urn(RDS, "db"),
        name="db",
        provider=analyzer_pb2.AnalyzerProviderResource(
            type="pulumi:providers:aws",
            properties=struct({"defaultTags": json.dumps({"tags": TAGS})}),
            urn=PROVIDER.urn,
            name="aws",
        ),
    )
    response = served_pack.Analyze(request)
    mandatory = analyzer_pb2.EnforcementLevel.Value("MANDATORY")
    found = sorted((d.policyName, d.enforcementLevel == mandatory) for d in response.diagnostics)
    assert found == [
        ("rds-backups", True),
        ("rds-copy-tags-to-snapshots", True),
        ("rds-custom-admin-name", True),
        ("rds-enhanced-monitoring", True),
        ("rds-iam-auth", True),
        ("rds-in-vpc", True),
        ("rds-log-exports", True),
        ("rds-non-default-port", False),
        ("rds-not-public", True),
    ]
