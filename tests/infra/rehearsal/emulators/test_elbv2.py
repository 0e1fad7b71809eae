"""ELBv2 emulators: listener rules and target registrations are in moto as declared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def rules() -> Iterator[Rehearsal]:
    with rehearse_case("elbv2_listener_rule_by_path") as rehearsed:
        yield rehearsed


@pytest.fixture(scope="module")
def targets() -> Iterator[Rehearsal]:
    with rehearse_case("elbv2_nlb_tcp_listener_and_an_instance_target") as rehearsed:
        yield rehearsed


def _client(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("elbv2", region_name=rehearsal.account.region)


def test_listener_rule_forwards_its_path_at_its_priority(rules: Rehearsal) -> None:
    rule = rules.result.one("aws:lb/listenerRule:ListenerRule", "api")
    group = rules.result.one("aws:lb/targetGroup:TargetGroup", "app")
    found = _client(rules).describe_rules(RuleArns=[rule.id])["Rules"][0]
    assert found["Priority"] == "10", rule.urn
    assert found["Conditions"][0]["PathPatternConfig"]["Values"] == ["/api/*"], rule.urn
    assert found["Actions"][0]["TargetGroupArn"] == group.id, rule.urn
    assert spec_of(rule.type).arn_pattern().fullmatch(rule.state["arn"]), rule.state["arn"]


def test_instance_is_registered_on_its_port(targets: Rehearsal) -> None:
    group = targets.result.one("aws:lb/targetGroup:TargetGroup", "tcp")
    host = targets.result.one("aws:ec2/instance:Instance", "db")
    health = _client(targets).describe_target_health(TargetGroupArn=group.id)["TargetHealthDescriptions"]
    assert [(t["Target"]["Id"], t["Target"]["Port"]) for t in health] == [(host.id, 5432)], group.urn


@pytest.fixture(scope="module")
def lambda_targets() -> Iterator[Rehearsal]:
    with rehearse_case("elbv2_lambda_target_group_behind_an_alb") as rehearsed:
        yield rehearsed


def test_lambda_target_group_has_no_port_protocol_or_vpc(lambda_targets: Rehearsal) -> None:
    group = lambda_targets.result.one("aws:lb/targetGroup:TargetGroup", "api")
    function = lambda_targets.result.one("aws:lambda/function:Function", "api")
    found = _client(lambda_targets).describe_target_groups(TargetGroupArns=[group.id])["TargetGroups"][0]
    assert (found["TargetType"], found.get("Port"), found.get("Protocol"), found.get("VpcId")) == (
        "lambda",
        None,
        None,
        None,
    ), group.urn
    health = _client(lambda_targets).describe_target_health(TargetGroupArn=group.id)[
        "TargetHealthDescriptions"
    ]
    assert [t["Target"]["Id"] for t in health] == [function.state["arn"]], group.urn


@pytest.fixture(scope="module")
def quic() -> Iterator[Rehearsal]:
    with rehearse_case("elbv2_nlb_quic_listener") as rehearsed:
        yield rehearsed


def test_quic_listener_and_target_group_read_back_as_quic(quic: Rehearsal) -> None:
    group = quic.result.one("aws:lb/targetGroup:TargetGroup", "quic")
    listener = quic.result.one("aws:lb/listener:Listener", "quic")
    found_group = _client(quic).describe_target_groups(TargetGroupArns=[group.id])["TargetGroups"][0]
    found_listener = _client(quic).describe_listeners(ListenerArns=[listener.id])["Listeners"][0]
    assert (found_group["Protocol"], found_listener["Protocol"]) == ("QUIC", "QUIC"), listener.urn
    assert found_listener["DefaultActions"][0]["TargetGroupArn"] == group.id, listener.urn
