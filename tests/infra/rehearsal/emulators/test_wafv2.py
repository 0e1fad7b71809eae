"""WAFv2 emulators: the web ACL holds its rules, the sets their entries, the association its ALB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.emulators.wafv2 import api_shape
from infra.rehearsal.engine import Registration
from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def waf() -> Iterator[Rehearsal]:
    with rehearse_case("wafv2_regional_acl_with_rate_limit_ip_block_and_managed_rules") as rehearsed:
        yield rehearsed


def _wafv2(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("wafv2", region_name=rehearsal.account.region)


def _id_name(registration: Registration) -> tuple[str, str]:
    return str(registration.id), str(registration.state["name"])


def test_web_acl_holds_its_rules_in_priority_order(waf: Rehearsal) -> None:
    acl = waf.result.one("aws:wafv2/webAcl:WebAcl", "api")
    acl_id, name = _id_name(acl)
    held = _wafv2(waf).get_web_acl(Name=name, Scope="REGIONAL", Id=acl_id)["WebACL"]
    assert [(r["Name"], r["Priority"]) for r in held["Rules"]] == [("blocked", 0), ("rate", 1), ("common", 2)]
    rate = held["Rules"][1]["Statement"]["RateBasedStatement"]
    assert (rate["Limit"], rate["AggregateKeyType"]) == (2000, "IP"), acl.urn
    assert spec_of(acl.type).arn_pattern().fullmatch(acl.state["arn"]), acl.state["arn"]


def test_ip_sets_and_regex_pattern_set_hold_their_entries(waf: Rehearsal) -> None:
    wafv2 = _wafv2(waf)
    for name, addresses in (
        ("blocked", ["192.0.2.0/24", "198.51.100.7/32"]),
        ("blocked-v6", ["2001:db8::/32"]),
    ):
        ip_set = waf.result.one("aws:wafv2/ipSet:IpSet", name)
        set_id, set_name = _id_name(ip_set)
        held = wafv2.get_ip_set(Name=set_name, Scope="REGIONAL", Id=set_id)["IPSet"]
        assert held["Addresses"] == addresses, ip_set.urn
        assert spec_of(ip_set.type).arn_pattern().fullmatch(ip_set.state["arn"]), ip_set.state["arn"]
    patterns = waf.result.one("aws:wafv2/regexPatternSet:RegexPatternSet", "bots")
    set_id, set_name = _id_name(patterns)
    held = wafv2.get_regex_pattern_set(Name=set_name, Scope="REGIONAL", Id=set_id)["RegexPatternSet"]
    assert [r["RegexString"] for r in held["RegularExpressionList"]] == ["(?i)badbot", "^curl/"], patterns.urn
    assert spec_of(patterns.type).arn_pattern().fullmatch(patterns.state["arn"]), patterns.state["arn"]


def test_association_puts_the_acl_on_the_load_balancer(waf: Rehearsal) -> None:
    alb = waf.result.one("aws:lb/loadBalancer:LoadBalancer", "alb")
    acl = waf.result.one("aws:wafv2/webAcl:WebAcl", "api")
    held = _wafv2(waf).get_web_acl_for_resource(ResourceArn=alb.state["arn"])["WebACL"]
    assert held["ARN"] == acl.state["arn"], alb.urn


def test_api_shape_spells_the_api_names() -> None:
    shaped = api_shape(
        {
            "ipSetReferenceStatement": {"arn": "arn:x", "ipSetForwardedIpConfig": {"headerName": "X"}},
            "visibilityConfig": {"cloudwatchMetricsEnabled": True, "metricName": "m"},
            "rateBasedStatement": {"limit": 100.0},
        }
    )
    assert shaped == {
        "IPSetReferenceStatement": {"ARN": "arn:x", "IPSetForwardedIPConfig": {"HeaderName": "X"}},
        "VisibilityConfig": {"CloudWatchMetricsEnabled": True, "MetricName": "m"},
        "RateBasedStatement": {"Limit": 100},
    }
