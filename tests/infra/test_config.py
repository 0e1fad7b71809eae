"""The stack config schema: defaults, validation messages, prod safety, and the files derived from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
import yaml
from botocore.model import StructureShape

from infra.config import (
    WAF_RATE_LIMIT_MAX,
    WAF_RATE_LIMIT_MIN,
    ConfigError,
    StackConfig,
    config_table,
    load_config,
    project_declarations,
)
from infra.config_commands import render_project_file, stack_values

ROOT = Path(__file__).resolve().parents[2]
VALID_PROD: dict[str, Any] = {
    "aws:region": "eu-west-1",
    "postings:allowedAccountIds": ["333333333333"],
    "postings:imageTag": "1.2.3",
    "postings:azCount": 3,
    "postings:natMode": "per_az",
    "postings:dbMultiAz": True,
    "postings:dbDeletionProtection": True,
    "postings:dbBackupRetentionDays": 14,
    "postings:cacheReplicas": 1,
    "postings:brokerInstanceType": "mq.m5.large",
    "postings:brokerDeploymentMode": "CLUSTER_MULTI_AZ",
    "postings:searchInstanceCount": 3,
    "postings:api": {"minCount": 2, "desiredCount": 2, "maxCount": 4},
    "postings:domain": "jobs.example.com",
    "postings:hostedZoneId": "Z0123456789ABCDEFGHIJ",
    "postings:alertEmail": "oncall@example.com",
}


def as_pulumi(values: dict[str, Any]) -> dict[str, str]:
    """Config as the CLI hands it over: strings, structured values JSON-encoded, booleans lowercase."""
    encoded = {}
    for key, value in values.items():
        if isinstance(value, str):
            encoded[key] = value
        elif isinstance(value, bool):
            encoded[key] = str(value).lower()
        else:
            encoded[key] = json.dumps(value)
    return encoded


def problems(stack: str, values: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(as_pulumi(values), stack)
    return caught.value.problems


def test_dev_defaults_come_from_the_schema() -> None:
    config = load_config({"postings:imageTag": "0.1.0"}, "dev")
    assert config.environment == "dev"
    assert config.region == "eu-west-1"
    assert config.az_count == 2
    assert config.nat_gateway_count == 1
    assert (config.api.cpu, config.api.memory, config.api.min_count, config.api.max_count) == (256, 512, 1, 2)
    assert config.domain is None
    assert config.admin_cidrs == []


def test_valid_prod_config_passes() -> None:
    config = load_config(as_pulumi(VALID_PROD), "prod")
    assert config.is_prod
    assert config.nat_gateway_count == 3
    assert config.api.desired_count == 2
    # A partial object keeps the schema's defaults for the fields it leaves out.
    assert (config.api.cpu, config.api.memory) == (256, 512)


def test_empty_strings_mean_unset_as_pulumi_yaml_declares_optional_keys() -> None:
    config = load_config(
        {"postings:imageTag": "0.1.0", "postings:domain": "", "postings:environment": ""}, "dev"
    )
    assert config.domain is None
    assert config.environment == "dev"


DEV = {"postings:imageTag": "0.1.0"}

# (case id, stack, config, the key the message must name, a fragment of what it must say)
INVALID: list[tuple[str, str, dict[str, Any], str, str]] = [
    (
        "typo",
        "dev",
        {**DEV, "postings:dbMultiAZ": True},
        "postings:dbMultiAZ",
        "did you mean postings:dbMultiAz",
    ),
    ("unknown", "dev", {**DEV, "postings:colour": "blue"}, "postings:colour", "unknown key"),
    ("missing image tag", "dev", {}, "postings:imageTag", "is required"),
    ("latest tag", "dev", {"postings:imageTag": "latest"}, "postings:imageTag", "immutable"),
    ("bad tag", "dev", {"postings:imageTag": "v 1"}, "postings:imageTag", "Docker tag"),
    ("not an int", "dev", {**DEV, "postings:azCount": "two"}, "postings:azCount", "valid integer"),
    ("az range", "dev", {**DEV, "postings:azCount": 4}, "postings:azCount", "less than or equal to 3"),
    ("one az", "dev", {**DEV, "postings:azCount": 1}, "postings:azCount", "greater than or equal to 2"),
    ("not a bool", "dev", {**DEV, "postings:dbMultiAz": "maybe"}, "postings:dbMultiAz", "valid boolean"),
    ("nat mode", "dev", {**DEV, "postings:natMode": "none"}, "postings:natMode", "'single' or 'per_az'"),
    (
        "cidr syntax",
        "dev",
        {**DEV, "postings:vpcCidr": "10.0.0.0/33"},
        "postings:vpcCidr",
        "not an IPv4 CIDR",
    ),
    ("host bits", "dev", {**DEV, "postings:vpcCidr": "10.0.0.1/16"}, "postings:vpcCidr", "host bits"),
    ("cidr too small", "dev", {**DEV, "postings:vpcCidr": "10.0.0.0/24"}, "postings:vpcCidr", "/16 to /20"),
    ("cidr too big", "dev", {**DEV, "postings:vpcCidr": "10.0.0.0/8"}, "postings:vpcCidr", "/16 to /20"),
    ("public cidr", "dev", {**DEV, "postings:vpcCidr": "8.8.0.0/16"}, "postings:vpcCidr", "private range"),
    (
        "admin overlap",
        "dev",
        {**DEV, "postings:adminCidrs": ["203.0.113.0/24", "203.0.113.128/25"]},
        "postings:adminCidrs",
        "overlap",
    ),
    ("admin world", "dev", {**DEV, "postings:adminCidrs": ["0.0.0.0/0"]}, "postings:adminCidrs", "too much"),
    (
        "admin inside vpc",
        "dev",
        {**DEV, "postings:adminCidrs": ["10.10.5.0/24"]},
        "postings:adminCidrs",
        "overlaps vpcCidr",
    ),
    (
        "fargate memory",
        "dev",
        {**DEV, "postings:api": {"cpu": 512, "memory": 512}},
        "postings:api.memory",
        "one of [1024, 2048, 3072, 4096] MiB",
    ),
    (
        "fargate cpu",
        "dev",
        {**DEV, "postings:worker": {"cpu": 300}},
        "postings:worker.cpu",
        "Fargate accepts",
    ),
    (
        "desired outside bounds",
        "dev",
        {**DEV, "postings:api": {"desiredCount": 5, "maxCount": 3}},
        "postings:api.desiredCount",
        "between minCount 1 and maxCount 3",
    ),
    ("unknown task field", "dev", {**DEV, "postings:api": {"cpus": 512}}, "postings:api.cpus", "unknown key"),
    ("region", "dev", {**DEV, "aws:region": "mars-1"}, "aws:region", "AWS region"),
    (
        "account id",
        "dev",
        {**DEV, "postings:allowedAccountIds": ["12345"]},
        "postings:allowedAccountIds",
        "12 digits",
    ),
    (
        "storage ceiling",
        "dev",
        {**DEV, "postings:dbMaxAllocatedStorage": 20},
        "postings:dbMaxAllocatedStorage",
        "must exceed dbAllocatedStorage",
    ),
    (
        "storage floor",
        "dev",
        {**DEV, "postings:dbAllocatedStorage": 5},
        "postings:dbAllocatedStorage",
        "greater than or equal to 20",
    ),
    (
        "backups range",
        "dev",
        {**DEV, "postings:dbBackupRetentionDays": 40},
        "postings:dbBackupRetentionDays",
        "35",
    ),
    (
        "mysql version",
        "dev",
        {**DEV, "postings:dbEngineVersion": "5.7"},
        "postings:dbEngineVersion",
        "8.0 or 8.4",
    ),
    (
        "log retention",
        "dev",
        {**DEV, "postings:logRetentionDays": 10},
        "postings:logRetentionDays",
        "accepts only",
    ),
    (
        "cluster on t3",
        "dev",
        {**DEV, "postings:brokerDeploymentMode": "CLUSTER_MULTI_AZ"},
        "postings:brokerInstanceType",
        "mq.m5.large or larger",
    ),
    (
        "search nodes vs azs",
        "dev",
        {**DEV, "postings:searchInstanceCount": 3},
        "postings:searchInstanceCount",
        "multiple of 2",
    ),
    (
        "domain without zone",
        "dev",
        {**DEV, "postings:domain": "api.example.com"},
        "postings:domain",
        "set both",
    ),
    ("email", "dev", {**DEV, "postings:alertEmail": "oncall"}, "postings:alertEmail", "e-mail"),
    (
        "node type",
        "dev",
        {**DEV, "postings:cacheNodeType": "t4g.micro"},
        "postings:cacheNodeType",
        "cache.t4g.micro",
    ),
    ("unknown environment", "feature-x", DEV, "postings:environment", "a personal stack says"),
    ("staging unpinned", "staging", DEV, "postings:allowedAccountIds", "staging must be pinned"),
    (
        "prod single az",
        "prod",
        {**VALID_PROD, "postings:azCount": 2, "postings:searchInstanceCount": 4},
        "postings:azCount",
        "3 availability zones",
    ),
    ("prod single nat", "prod", {**VALID_PROD, "postings:natMode": "single"}, "postings:natMode", "per AZ"),
    (
        "prod no multi-az",
        "prod",
        {**VALID_PROD, "postings:dbMultiAz": False},
        "postings:dbMultiAz",
        "Multi-AZ",
    ),
    (
        "prod no deletion protection",
        "prod",
        {**VALID_PROD, "postings:dbDeletionProtection": False},
        "postings:dbDeletionProtection",
        "deletion protection",
    ),
    (
        "prod short backups",
        "prod",
        {**VALID_PROD, "postings:dbBackupRetentionDays": 3},
        "postings:dbBackupRetentionDays",
        "at least 7 days",
    ),
    (
        "prod no replica",
        "prod",
        {**VALID_PROD, "postings:cacheReplicas": 0},
        "postings:cacheReplicas",
        "failover",
    ),
    (
        "prod single broker",
        "prod",
        {**VALID_PROD, "postings:brokerDeploymentMode": "SINGLE_INSTANCE"},
        "postings:brokerDeploymentMode",
        "CLUSTER_MULTI_AZ",
    ),
]


@pytest.mark.parametrize(
    ("stack", "values", "key", "fragment"), [case[1:] for case in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_config_names_the_key_and_what_is_allowed(
    stack: str, values: dict[str, Any], key: str, fragment: str
) -> None:
    found = problems(stack, values)
    matching = [p for p in found if p.startswith(key)]
    assert matching, f"no problem names {key}; got {found}"
    assert any(fragment in p for p in matching), f"{key}: expected {fragment!r} in {matching}"


def test_waf_rate_limit_bounds_are_aws_own() -> None:
    """WAFv2's RateBasedStatement Limit, as AWS's service model states it."""
    statement = botocore.session.get_session().get_service_model("wafv2").shape_for("RateBasedStatement")
    assert isinstance(statement, StructureShape)
    limit = statement.members["Limit"]
    assert (limit.metadata["min"], limit.metadata["max"]) == (WAF_RATE_LIMIT_MIN, WAF_RATE_LIMIT_MAX)
    assert load_config({**DEV, "postings:wafRateLimit": "10"}, "dev").waf_rate_limit == 10
    assert load_config(DEV, "dev").waf_rate_limit == 1000
    assert problems("dev", {**DEV, "postings:wafRateLimit": 9}) == [
        "postings:wafRateLimit = 9: Input should be greater than or equal to 10"
    ]
    assert problems("dev", {**DEV, "postings:wafRateLimit": 2_000_000_001}) == [
        "postings:wafRateLimit = 2000000001: Input should be less than or equal to 2000000000"
    ]


def test_every_bad_value_is_reported_at_once() -> None:
    found = problems(
        "dev",
        {
            "postings:imageTag": "latest",
            "postings:azCount": 9,
            "postings:natMod": "single",
            "aws:region": "x",
        },
    )
    assert [p.split(" ", 1)[0].rstrip(":") for p in found] == [
        "postings:natMod",
        "aws:region",
        "postings:azCount",
        "postings:imageTag",
    ]


def test_the_error_message_lists_each_problem_and_the_file_to_fix() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"postings:imageTag": "latest", "postings:azCount": "9"}, "dev")
    message = str(caught.value)
    assert message.startswith("stack 'dev' has 2 invalid config value(s):\n")
    assert "  - postings:azCount = 9: Input should be less than or equal to 3" in message
    assert "stacks/Pulumi.dev.yaml" in message


def test_prod_refuses_every_unsafe_setting_together() -> None:
    unsafe = {
        **VALID_PROD,
        "postings:natMode": "single",
        "postings:dbMultiAz": False,
        "postings:dbDeletionProtection": False,
        "postings:dbBackupRetentionDays": 1,
    }
    assert [p.split(" ", 1)[0] for p in problems("prod", unsafe)] == [
        "postings:natMode",
        "postings:dbMultiAz",
        "postings:dbDeletionProtection",
        "postings:dbBackupRetentionDays",
    ]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_committed_stack_files_are_valid(stack: str) -> None:
    data = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    config = load_config(as_pulumi(data["config"]), stack)
    assert config.environment == stack


def test_stack_files_hold_only_differences_from_the_defaults() -> None:
    defaults = StackConfig.model_fields
    for stack, values in stack_values(ROOT).items():
        for key, value in values.items():
            field_name = "region" if key == "aws:region" else None
            if field_name is None:
                camel = key.split(":", 1)[1]
                field_name = next(name for name in defaults if name.replace("_", "") == camel.lower())
            info = defaults[field_name]
            if info.is_required() or field_name == "region":
                continue
            default = info.get_default(call_default_factory=True)
            default = default.model_dump(by_alias=True) if hasattr(default, "model_dump") else default
            assert value != default, f"{stack}: {key} repeats the schema default {default!r}"


def test_pulumi_yaml_declarations_are_generated_from_the_schema() -> None:
    current = (ROOT / "Pulumi.yaml").read_text()
    assert current == render_project_file(current), "Pulumi.yaml is stale: run `infra config sync`"
    declared = yaml.safe_load(current)["config"]
    assert declared == project_declarations()
    assert "default" not in declared["imageTag"], "imageTag must be required by the Pulumi CLI too"
    assert declared["azCount"] == {
        "description": "Availability zones to spread subnets over.",
        "type": "integer",
        "default": 2,
    }
    assert declared["adminCidrs"]["type"] == "array"
    assert declared["api"]["default"] == {
        "cpu": 256,
        "memory": 512,
        "desiredCount": 1,
        "minCount": 1,
        "maxCount": 2,
    }


def test_readme_config_table_is_current() -> None:
    table = config_table(stack_values(ROOT))
    readme = (ROOT / "README.md").read_text()
    assert table in readme, "README's config table is stale: paste the output of `infra config table`"
    assert table.count("\n") + 1 == len(StackConfig.model_fields) + 2
