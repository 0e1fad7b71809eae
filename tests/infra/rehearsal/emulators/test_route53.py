"""Route 53 emulators: health checks hold their configuration; records of every kind are in the zone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.emulators.route53 import record_value_problem
from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def checks() -> Iterator[Rehearsal]:
    with rehearse_case("route53_health_checks_https_and_calculated") as rehearsed:
        yield rehearsed


def _route53(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("route53", region_name=rehearsal.account.region)


def test_endpoint_health_check_holds_its_configuration(checks: Rehearsal) -> None:
    site = checks.result.one("aws:route53/healthCheck:HealthCheck", "site")
    config = _route53(checks).get_health_check(HealthCheckId=site.id)["HealthCheck"]["HealthCheckConfig"]
    assert (config["Type"], config["FullyQualifiedDomainName"], config["ResourcePath"]) == (
        "HTTPS",
        "www.example.com",
        "/health",
    ), site.urn
    assert (config["RequestInterval"], config["FailureThreshold"]) == (30, 3), site.urn
    assert spec_of(site.type).arn_pattern().fullmatch(site.state["arn"]), site.state["arn"]


def test_calculated_health_check_names_its_children(checks: Rehearsal) -> None:
    total = checks.result.one("aws:route53/healthCheck:HealthCheck", "all")
    children = {checks.result.one("aws:route53/healthCheck:HealthCheck", n).id for n in ("site", "api")}
    config = _route53(checks).get_health_check(HealthCheckId=total.id)["HealthCheck"]["HealthCheckConfig"]
    assert (config["Type"], set(config["ChildHealthChecks"])) == ("CALCULATED", children), total.urn


def test_zone_holds_every_declared_record() -> None:
    with rehearse_case("route53_zone_with_records_of_every_kind") as rehearsal:
        zone = rehearsal.result.one("aws:route53/zone:Zone", "zone")
        held = _route53(rehearsal).list_resource_record_sets(HostedZoneId=zone.id)["ResourceRecordSets"]
        kinds = {(s["Name"].rstrip("."), s["Type"]) for s in held if s["Type"] not in ("NS", "SOA")}
        assert kinds == {
            ("example.com", "A"),
            ("example.com", "AAAA"),
            ("example.com", "MX"),
            ("example.com", "TXT"),
            ("www.example.com", "CNAME"),
            ("_sip._tcp.example.com", "SRV"),
            ("example.com", "CAA"),
            ("cdn.example.com", "A"),
        }, zone.urn


@pytest.mark.parametrize(
    ("record_type", "values", "refused"),
    [
        ("A", ["192.0.2.1", "192.0.2.2"], False),
        ("A", ["192.0.2.256"], True),
        ("AAAA", ["2001:db8::1"], False),
        ("MX", ["10 mail.example.com."], False),
        ("MX", ["10"], True),
        ("MX", ["70000 mail.example.com"], True),
        ("TXT", ['"' + "a" * 255 + '"'], False),
        ("TXT", ['"' + "a" * 255 + '" "' + "b" * 255 + '"'], False),
        ("TXT", ['"' + "a" * 256 + '"'], True),
        ("CNAME", ["target.example.net."], False),
        ("CNAME", ["not a host"], True),
        ("SRV", ["10 5 5060 sip.example.com"], False),
    ],
)
def test_record_values_by_type(record_type: str, values: list[str], refused: bool) -> None:
    assert (record_value_problem(record_type, values) is not None) is refused, (record_type, values)
