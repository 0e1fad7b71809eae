"""Lambda emulators: what a valid corpus program declares is in moto, with ARNs of the declared forms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def rehearsal() -> Iterator[Rehearsal]:
    with rehearse_case("lambda_function_with_alias_url_and_layer") as rehearsed:
        yield rehearsed


def test_function_is_created_with_its_settings_and_concurrency(rehearsal: Rehearsal) -> None:
    fn = rehearsal.result.one("aws:lambda/function:Function", "fn")
    client = rehearsal.session.client("lambda", region_name=rehearsal.account.region)
    described = client.get_function(FunctionName=fn.id)
    config = described["Configuration"]
    assert (config["MemorySize"], config["Timeout"], config["Runtime"]) == (512, 30, "python3.12"), fn.urn
    assert config["Architectures"] == ["arm64"], fn.urn
    assert described["Concurrency"]["ReservedConcurrentExecutions"] == 10, fn.urn
    assert spec_of(fn.type).arn_pattern().fullmatch(fn.state["arn"]), fn.state["arn"]


def test_alias_url_and_layer_exist_with_arns_of_their_forms(rehearsal: Rehearsal) -> None:
    client = rehearsal.session.client("lambda", region_name=rehearsal.account.region)
    fn = rehearsal.result.one("aws:lambda/function:Function", "fn")
    assert client.get_alias(FunctionName=fn.id, Name="live")["FunctionVersion"] == "$LATEST"
    assert client.get_function_url_config(FunctionName=fn.id)["AuthType"] == "AWS_IAM"
    for token, name in (("aws:lambda/alias:Alias", "live"), ("aws:lambda/layerVersion:LayerVersion", "deps")):
        declared = rehearsal.result.one(token, name)
        assert spec_of(token).arn_pattern().fullmatch(declared.state["arn"]), declared.state["arn"]
