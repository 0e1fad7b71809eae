"""SSM emulators: parameters hold their type, tier and value; a document is active in moto."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.emulation import unwrap
from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def parameters() -> Iterator[Rehearsal]:
    with rehearse_case("ssm_parameters_of_every_type_and_tier") as rehearsed:
        yield rehearsed


def _ssm(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("ssm", region_name=rehearsal.account.region)


@pytest.mark.parametrize(
    ("name", "kind", "tier"),
    [
        ("host", "String", "Standard"),
        ("zones", "StringList", "Standard"),
        ("password", "SecureString", "Standard"),
        ("certificate", "String", "Advanced"),
    ],
)
def test_parameter_has_its_type_tier_and_value(
    parameters: Rehearsal, name: str, kind: str, tier: str
) -> None:
    parameter = parameters.result.one("aws:ssm/parameter:Parameter", name)
    ssm = _ssm(parameters)
    held = ssm.get_parameter(Name=parameter.id, WithDecryption=True)["Parameter"]
    assert (held["Type"], held["Value"]) == (kind, unwrap(parameter.inputs["value"])), parameter.urn
    described = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [parameter.id]}])
    assert described["Parameters"][0]["Tier"] == tier, parameter.urn
    assert parameter.state["arn"] == held["ARN"], parameter.urn
    assert spec_of(parameter.type).arn_pattern().fullmatch(held["ARN"]), held["ARN"]


def test_document_is_created_with_its_type() -> None:
    with rehearse_case("ssm_command_document") as rehearsal:
        document = rehearsal.result.one("aws:ssm/document:Document", "restart")
        described = _ssm(rehearsal).describe_document(Name=document.id)["Document"]
        assert (described["DocumentType"], described["Status"]) == ("Command", "Active"), document.urn
        assert spec_of(document.type).arn_pattern().fullmatch(document.state["arn"]), document.state["arn"]
