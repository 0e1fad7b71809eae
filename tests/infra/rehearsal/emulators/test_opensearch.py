"""OpenSearch emulator: node types newer than the service model's enum reach moto as a stand-in."""

from __future__ import annotations

import pytest

from infra.rehearsal.emulators.opensearch import MODEL_STAND_IN, _for_model, _offered_type
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("r7g.large.search", MODEL_STAND_IN),
        ("m7g.2xlarge.search", MODEL_STAND_IN),
        ("or2.medium.search", MODEL_STAND_IN),
        ("im4gn.16xlarge.search", MODEL_STAND_IN),
        ("r6g.large.search", "r6g.large.search"),
        ("r7g.large", "r7g.large"),
        ("r7g.huge.search", "r7g.huge.search"),
        ("r9q.large.search", "r9q.large.search"),
    ],
)
def test_only_newer_types_are_sent_as_the_stand_in(given: str, sent: str) -> None:
    assert _for_model(given) == sent, given


@pytest.mark.parametrize(
    ("instance_type", "offered"),
    [
        ("t3.small.search", True),
        ("r7gd.xlarge.search", True),
        ("t3.small.elasticsearch", False),
        ("r7g.large", False),
        ("r9q.large.search", False),
    ],
)
def test_offered_types_are_the_catalogue_and_the_newer_families(instance_type: str, offered: bool) -> None:
    assert _offered_type(instance_type) is offered, instance_type


def test_domain_on_newer_nodes_is_created() -> None:
    with rehearse_case("opensearch_graviton3_nodes_the_model_enum_lacks") as rehearsal:
        domain = rehearsal.result.one("aws:opensearch/domain:Domain", "search")
        client = rehearsal.session.client("opensearch", region_name=rehearsal.account.region)
        status = client.describe_domain(DomainName="corpus-search")["DomainStatus"]
        assert status["ARN"] == domain.state["arn"], domain.urn
        assert domain.inputs["clusterConfig"]["instanceType"] == "r7g.large.search", domain.urn
