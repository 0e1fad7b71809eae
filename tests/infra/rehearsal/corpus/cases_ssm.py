"""Systems Manager cases: Parameter Store parameters and documents."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

PARAMETER = "aws:ssm/parameter:Parameter"
DOCUMENT = "aws:ssm/document:Document"
NAMES = "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html"
TIERS = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
)
PUT_PARAMETER = "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html"
CREATE_DOCUMENT = "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html"
COMMAND = {
    "schemaVersion": "2.2",
    "description": "Restart the service",
    "mainSteps": [{"action": "aws:runShellScript", "name": "restart", "inputs": {"runCommand": ["true"]}}],
}


def _parameter(**overrides: Any) -> None:
    args: dict[str, Any] = {"name": "/postings/prod/db/host", "type": "String", "value": "db.internal"}
    args.update(overrides)
    aws.ssm.Parameter("parameter", **args)


@valid("ssm")
def ssm_parameters_of_every_type_and_tier() -> None:
    key = aws.kms.Key("parameters")
    aws.ssm.Parameter("host", name="/postings/prod/db/host", type="String", value="db.internal")
    aws.ssm.Parameter("zones", name="/postings/prod/zones", type="StringList", value="eu-west-1a,eu-west-1b")
    aws.ssm.Parameter(
        "password", name="/postings/prod/db/password", type="SecureString", value="s3cret", key_id=key.key_id
    )
    aws.ssm.Parameter(
        "certificate", name="/postings/prod/ca", type="String", tier="Advanced", value="A" * 6000
    )
    aws.ssm.Parameter("port", name="port", type="String", value="3306", allowed_pattern=r"^\d+$")


@valid("ssm")
def ssm_command_document() -> None:
    aws.ssm.Document("restart", name="postings-restart", document_type="Command", content=json.dumps(COMMAND))


@refused("ssm", token=PARAMETER, prop="type", source=PUT_PARAMETER)
def ssm_parameter_type_secret() -> None:
    _parameter(type="Secret")


@refused("ssm", token=PARAMETER, prop="tier", source=TIERS)
def ssm_parameter_tier_premium() -> None:
    _parameter(tier="Premium")


@refused("ssm", token=PARAMETER, prop="name", source=NAMES)
def ssm_parameter_under_the_reserved_aws_prefix() -> None:
    _parameter(name="/aws/postings/db/host")


@refused("ssm", token=PARAMETER, prop="name", source=NAMES)
def ssm_parameter_hierarchy_without_leading_slash() -> None:
    _parameter(name="postings/prod/db/host")


@refused("ssm", token=PARAMETER, prop="name", source=NAMES)
def ssm_parameter_sixteen_levels_deep() -> None:
    _parameter(name="/" + "/".join(f"level{i}" for i in range(16)))


@refused("ssm", token=PARAMETER, prop="name", source=NAMES)
def ssm_parameter_name_with_a_space() -> None:
    _parameter(name="/postings/prod/db host")


@refused("ssm", token=PARAMETER, prop="value", source=TIERS)
def ssm_standard_parameter_over_4_kb() -> None:
    _parameter(name="/postings/prod/ca", value="A" * 6000)


@refused("ssm", token=PARAMETER, prop="value", source=PUT_PARAMETER)
def ssm_value_that_does_not_match_its_allowed_pattern() -> None:
    _parameter(name="/postings/prod/db/port", value="3306a", allowed_pattern=r"^\d+$")


@refused("ssm", token=DOCUMENT, prop="documentType", source=CREATE_DOCUMENT)
def ssm_document_type_commands() -> None:
    aws.ssm.Document(
        "restart", name="postings-restart", document_type="Commands", content=json.dumps(COMMAND)
    )


@refused("ssm", token=DOCUMENT, prop="name", source=CREATE_DOCUMENT)
def ssm_document_name_with_the_amazon_prefix() -> None:
    aws.ssm.Document("restart", name="AmazonRestart", document_type="Command", content=json.dumps(COMMAND))


@refused("ssm", token=DOCUMENT, prop="name", source=CREATE_DOCUMENT)
def ssm_document_name_of_two_characters() -> None:
    aws.ssm.Document("restart", name="rs", document_type="Command", content=json.dumps(COMMAND))


@refused("ssm", token=PARAMETER, prop="name", source=NAMES)
def ssm_parameter_name_over_1011_characters_with_its_arn() -> None:
    _parameter(name="/postings/" + "a" * 980)


@valid("ssm")
def ssm_parameter_copied_from_one_found_by_lookup() -> None:
    """getParameter reads a parameter the program wrote; its value feeds another."""
    source = aws.ssm.Parameter("release", name="/app/release", type="String", value="2024.06")
    found = aws.ssm.get_parameter_output(name=source.name)
    aws.ssm.Parameter("release-copy", name="/app/release-copy", type="String", value=found.value)
