"""ECR emulators: replication and scanning configurations are in moto as declared; pull through cache rules,
which moto lacks, are checked against the model and keyed by their prefix."""

from __future__ import annotations

import json

from infra.rehearsal.emulators.ecr import lifecycle_problem
from tests.infra.rehearsal.corpus.cases_ecr import EXPIRE_UNTAGGED, KEEP_RELEASES
from tests.infra.rehearsal.test_corpus import rehearse_case


def test_registry_configurations_are_in_moto() -> None:
    with rehearse_case("ecr_registry_replication_cache_and_scanning") as rehearsal:
        client = rehearsal.session.client("ecr", region_name=rehearsal.account.region)
        replication = client.describe_registry()["replicationConfiguration"]["rules"]
        assert [d["region"] for d in replication[0]["destinations"]] == ["eu-central-1"]
        scanning = client.get_registry_scanning_configuration()["scanningConfiguration"]
        assert (scanning["scanType"], scanning["rules"][0]["scanFrequency"]) == (
            "ENHANCED",
            "CONTINUOUS_SCAN",
        )
        rules = rehearsal.result.by_type("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
        assert sorted(str(r.id) for r in rules) == ["docker-hub", "ecr-public"]
        assert {r.state["registryId"] for r in rules} == {rehearsal.account.account_id}


def test_the_platform_lifecycle_policy_is_grammatical() -> None:
    from infra.components.registry import lifecycle_policy

    assert lifecycle_problem(lifecycle_policy()) is None
    assert lifecycle_problem(json.dumps({"rules": [KEEP_RELEASES, EXPIRE_UNTAGGED]})) is None
    assert lifecycle_problem(json.dumps({"rules": []})) is not None
