"""IAM emulators: users, groups, memberships, policies, attachments, OIDC providers, keys are in moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.emulators.iam import PolicyKind, policy_length, policy_problem
from infra.rehearsal.engine import Registration
from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.corpus.cases_iam import READ_BUCKET
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def people() -> Iterator[Rehearsal]:
    with rehearse_case("iam_users_groups_memberships_and_policies") as rehearsed:
        yield rehearsed


@pytest.fixture(scope="module")
def federation() -> Iterator[Rehearsal]:
    with rehearse_case("iam_github_oidc_provider_and_service_linked_role") as rehearsed:
        yield rehearsed


def _iam(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("iam", region_name=rehearsal.account.region)


def _arn_has_its_form(registration: Registration) -> None:
    arn = registration.state["arn"]
    assert spec_of(registration.type).arn_pattern().fullmatch(arn), (registration.urn, arn)


def test_users_and_groups_exist_with_their_paths(people: Rehearsal) -> None:
    iam = _iam(people)
    for token, name, path in (
        ("aws:iam/user:User", "alice", "/teams/"),
        ("aws:iam/user:User", "bob", "/"),
        ("aws:iam/group:Group", "developers", "/teams/"),
        ("aws:iam/group:Group", "operators", "/"),
    ):
        registration = people.result.one(token, name)
        if token.endswith("User"):
            described = iam.get_user(UserName=registration.id)["User"]
        else:
            described = iam.get_group(GroupName=registration.id)["Group"]
        assert described["Path"] == path, registration.urn
        assert described["Arn"] == registration.state["arn"], registration.urn
        _arn_has_its_form(registration)


def test_memberships_put_each_user_in_its_groups(people: Rehearsal) -> None:
    iam = _iam(people)
    names = {u.name: str(u.id) for u in people.result.by_type("aws:iam/user:User")}
    groups = {g.name: str(g.id) for g in people.result.by_type("aws:iam/group:Group")}
    members = {
        name: sorted(u["UserName"] for u in iam.get_group(GroupName=group)["Users"])
        for name, group in groups.items()
    }
    assert members == {"developers": sorted([names["alice"], names["bob"]]), "operators": [names["bob"]]}
    membership = people.result.one("aws:iam/userGroupMembership:UserGroupMembership", "bob-groups")
    assert membership.id == f"{names['bob']}/{groups['operators']}", membership.urn


def test_inline_policies_hold_their_documents(people: Rehearsal) -> None:
    iam = _iam(people)
    user_policy = people.result.one("aws:iam/userPolicy:UserPolicy", "alice-read")
    user, name = str(user_policy.id).split(":")
    document = iam.get_user_policy(UserName=user, PolicyName=name)["PolicyDocument"]
    assert (document if isinstance(document, dict) else json.loads(document))["Statement"] == [READ_BUCKET]
    group_policy = people.result.one("aws:iam/groupPolicy:GroupPolicy", "developers-read")
    group, name = str(group_policy.id).split(":")
    assert iam.list_group_policies(GroupName=group)["PolicyNames"] == [name], group_policy.urn


def test_managed_policy_is_attached_to_each_principal(people: Rehearsal) -> None:
    iam = _iam(people)
    arn = people.result.one("aws:iam/policy:Policy", "reports-read").state["arn"]
    users = {u.name: u.id for u in people.result.by_type("aws:iam/user:User")}
    groups = {g.name: g.id for g in people.result.by_type("aws:iam/group:Group")}
    role = people.result.one("aws:iam/role:Role", "app").id
    attached = {
        "alice": iam.list_attached_user_policies(UserName=users["alice"])["AttachedPolicies"],
        "bob": iam.list_attached_user_policies(UserName=users["bob"])["AttachedPolicies"],
        "operators": iam.list_attached_group_policies(GroupName=groups["operators"])["AttachedPolicies"],
        "app": iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"],
    }
    for principal, policies in attached.items():
        assert [p["PolicyArn"] for p in policies] == [arn], principal


def test_access_key_belongs_to_its_user(people: Rehearsal) -> None:
    key = people.result.one("aws:iam/accessKey:AccessKey", "bob-key")
    bob = people.result.one("aws:iam/user:User", "bob").id
    keys = _iam(people).list_access_keys(UserName=bob)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in keys] == [(key.id, "Active")], key.urn
    assert key.state["secret"], key.urn


def test_oidc_provider_and_service_linked_role(federation: Rehearsal) -> None:
    iam = _iam(federation)
    provider = federation.result.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github")
    described = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider.id)
    assert described["ClientIDList"] == ["sts.amazonaws.com"], provider.urn
    assert described["ThumbprintList"] == ["6938fd4d98bab03faadb97b34396831e3780aea1"], provider.urn
    _arn_has_its_form(provider)
    linked = federation.result.one("aws:iam/serviceLinkedRole:ServiceLinkedRole", "spot")
    role = iam.get_role(RoleName=linked.state["name"])["Role"]
    assert role["Path"] == "/aws-service-role/spot.amazonaws.com/", linked.urn
    _arn_has_its_form(linked)


@pytest.mark.parametrize(
    ("statement", "kind", "problem"),
    [
        (READ_BUCKET, PolicyKind.IDENTITY, None),
        ({**READ_BUCKET, "NotAction": "s3:*"}, PolicyKind.IDENTITY, "exactly one of Action and NotAction"),
        ({**READ_BUCKET, "Principal": "*"}, PolicyKind.RESOURCE, None),
        ({**READ_BUCKET, "Principal": "*"}, PolicyKind.TRUST, "has no Resource"),
        ({"Effect": "Deny", "NotAction": "iam:*", "NotResource": "*"}, PolicyKind.IDENTITY, None),
        ({**READ_BUCKET, "Effect": "allow"}, PolicyKind.IDENTITY, "Effect must be Allow or Deny"),
    ],
)
def test_policy_grammar_by_kind(statement: dict[str, Any], kind: PolicyKind, problem: str | None) -> None:
    found = policy_problem(json.dumps({"Version": "2012-10-17", "Statement": statement}), kind)
    assert (found is None) if problem is None else (found is not None and problem in found), found


def test_policy_length_ignores_whitespace() -> None:
    assert policy_length('{ "Version" : "2012-10-17" }') == len('{"Version":"2012-10-17"}')
