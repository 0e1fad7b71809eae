"""KMS emulators: a rotating key with its policy, its alias and a grant are in moto."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def keys() -> Iterator[Rehearsal]:
    with rehearse_case("kms_rotating_key_with_policy_alias_and_grant") as rehearsed:
        yield rehearsed


def _kms(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("kms", region_name=rehearsal.account.region)


def test_key_rotates(keys: Rehearsal) -> None:
    # moto keeps no rotation period: only that rotation is on can be read back.
    key = keys.result.one("aws:kms/key:Key", "data")
    assert _kms(keys).get_key_rotation_status(KeyId=key.id)["KeyRotationEnabled"] is True, key.urn
    assert spec_of(key.type).arn_pattern().fullmatch(key.state["arn"]), key.state["arn"]


def test_alias_names_the_key(keys: Rehearsal) -> None:
    key = keys.result.one("aws:kms/key:Key", "data")
    aliases = _kms(keys).list_aliases(KeyId=key.id)["Aliases"]
    # The second, declared without a name, is auto-named as the provider does: alias/<name>-<suffix>.
    names = sorted(a["AliasName"] for a in aliases)
    assert names[1] == "alias/postings/data", key.urn
    assert re.fullmatch(r"alias/auto-named-alias-[0-9a-f]{7}", names[0]), names


def test_grant_gives_the_role_its_operations(keys: Rehearsal) -> None:
    grant = keys.result.one("aws:kms/grant:Grant", "worker-decrypt")
    key_id, grant_id = str(grant.id).split(":")
    role_arn = keys.result.one("aws:iam/role:Role", "worker").state["arn"]
    grants = _kms(keys).list_grants(KeyId=key_id)["Grants"]
    assert [(g["GrantId"], g["GranteePrincipal"], sorted(g["Operations"])) for g in grants] == [
        (grant_id, role_arn, ["Decrypt", "GenerateDataKey"])
    ], grant.urn
    assert grant.state["grantToken"], grant.urn
