"""Route 53 cases: hosted zones, records and health checks."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

RECORD = "aws:route53/record:Record"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
TYPES = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html"
RECORD_SET = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html"
HEALTH = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html"
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"


def _zone() -> aws.route53.Zone:
    return aws.route53.Zone("zone", name="example.com")


def _record(record_type: str, records: list[str], name: str = "www.example.com", **extra: Any) -> None:
    zone = _zone()
    aws.route53.Record("record", zone_id=zone.zone_id, name=name, type=record_type, records=records, **extra)


def _health_check(**args: Any) -> None:
    aws.route53.HealthCheck("check", **args)


@valid("route53")
def route53_zone_with_records_of_every_kind() -> None:
    zone = _zone()
    for name, record_type, records in (
        ("example.com", "A", ["203.0.113.10"]),
        ("example.com", "AAAA", ["2001:db8::10"]),
        ("example.com", "MX", ["10 mail.example.com", "20 backup-mail.example.com."]),
        ("example.com", "TXT", ["v=spf1 include:amazonses.com ~all", "a" * 255 + '""' + "b" * 100]),
        ("www.example.com", "CNAME", ["example.com"]),
        ("_sip._tcp.example.com", "SRV", ["10 5 5060 sip.example.com", "20 0 5060 sip2.example.com."]),
        ("example.com", "CAA", ['0 issue "amazon.com"', '0 iodef "mailto:security@example.com"']),
    ):
        aws.route53.Record(
            f"{record_type.lower()}-{name.split('.')[0]}",
            zone_id=zone.zone_id,
            name=name,
            type=record_type,
            records=records,
            ttl=300,
        )
    aws.route53.Record(
        "cdn",
        zone_id=zone.zone_id,
        name="cdn.example.com",
        type="A",
        aliases=[
            {
                "name": "d111111abcdef8.cloudfront.net",
                "zone_id": CLOUDFRONT_ZONE,
                "evaluate_target_health": False,
            }
        ],
    )


@valid("route53")
def route53_health_checks_https_and_calculated() -> None:
    site = aws.route53.HealthCheck(
        "site",
        type="HTTPS",
        fqdn="www.example.com",
        port=443,
        resource_path="/health",
        request_interval=30,
        failure_threshold=3,
    )
    api = aws.route53.HealthCheck(
        "api", type="TCP", ip_address="203.0.113.10", port=5432, request_interval=10
    )
    aws.route53.HealthCheck(
        "all", type="CALCULATED", child_health_threshold=1, child_healthchecks=[site.id, api.id]
    )


@refused("route53", token=RECORD, prop="records", source=f"{TYPES}#AFormat")
def route53_a_record_pointing_at_a_host_name() -> None:
    _record("A", ["lb.example.net"], ttl=300)


@refused("route53", token=RECORD, prop="records", source=f"{TYPES}#AAAAFormat")
def route53_aaaa_record_with_an_ipv4_address() -> None:
    _record("AAAA", ["203.0.113.10"], ttl=300)


@refused("route53", token=RECORD, prop="records", source=f"{TYPES}#MXFormat")
def route53_mx_record_without_priority() -> None:
    _record("MX", ["mail.example.com"], name="example.com", ttl=300)


@refused("route53", token=RECORD, prop="records", source=f"{TYPES}#TXTFormat")
def route53_txt_string_over_255_characters() -> None:
    _record("TXT", ["v=DKIM1; k=rsa; p=" + "A" * 380], name="mail._domainkey.example.com", ttl=300)


@valid("route53")
def route53_weighted_and_latency_records() -> None:
    zone = _zone()
    for region, weight in (("eu-west-1", 90), ("us-east-1", 10)):
        for kind, policy in (
            ("weighted", {"weighted_routing_policies": [{"weight": weight}]}),
            ("latency", {"latency_routing_policies": [{"region": region}]}),
        ):
            aws.route53.Record(
                f"api-{kind}-{region}",
                zone_id=zone.zone_id,
                name=f"{kind}.example.com",
                type="A",
                records=["203.0.113.10" if region == "eu-west-1" else "198.51.100.10"],
                ttl=60,
                set_identifier=region,
                **policy,
            )


@refused("route53", token=RECORD, prop="records", source=f"{TYPES}#SRVFormat")
def route53_srv_record_as_host_and_port() -> None:
    _record("SRV", ["sip.example.com:5060"], name="_sip._tcp.example.com", ttl=300)


@refused("route53", token=RECORD, prop="records", source=f"{TYPES}#CAAFormat")
def route53_caa_record_with_only_the_authority() -> None:
    _record("CAA", ["letsencrypt.org"], name="example.com", ttl=300)


@refused("route53", token=RECORD, prop="setIdentifier", source=RECORD_SET)
def route53_weighted_record_without_set_identifier() -> None:
    _record("A", ["203.0.113.10"], ttl=60, weighted_routing_policies=[{"weight": 10}])


@refused("route53", token=RECORD, prop="latencyRoutingPolicies", source=RECORD_SET)
def route53_latency_record_in_region_europe() -> None:
    _record(
        "A", ["203.0.113.10"], ttl=60, set_identifier="eu", latency_routing_policies=[{"region": "europe"}]
    )


@refused("route53", token=RECORD, prop="records", source=f"{TYPES}#CNAMEFormat")
def route53_cname_with_two_targets() -> None:
    _record("CNAME", ["a.example.net", "b.example.net"], ttl=300)


@refused("route53", token=RECORD, prop="name", source=f"{TYPES}#CNAMEFormat")
def route53_cname_at_the_zone_apex() -> None:
    _record("CNAME", ["lb.example.net"], name="example.com", ttl=300)


@refused("route53", token=RECORD, prop="type", source=f"{TYPES}#CNAMEFormat")
def route53_cname_beside_another_record() -> None:
    zone = _zone()
    aws.route53.Record(
        "a", zone_id=zone.zone_id, name="www.example.com", type="A", records=["203.0.113.10"], ttl=60
    )
    aws.route53.Record(
        "cname",
        zone_id=zone.zone_id,
        name="www.example.com",
        type="CNAME",
        records=["lb.example.net"],
        ttl=60,
    )


@refused("route53", token=RECORD, prop="ttl", source=RECORD_SET)
def route53_alias_record_with_a_ttl() -> None:
    zone = _zone()
    aws.route53.Record(
        "cdn",
        zone_id=zone.zone_id,
        name="cdn.example.com",
        type="A",
        ttl=300,
        aliases=[
            {
                "name": "d111111abcdef8.cloudfront.net",
                "zone_id": CLOUDFRONT_ZONE,
                "evaluate_target_health": False,
            }
        ],
    )


@refused("route53", token=RECORD, prop="ttl", source=RECORD_SET)
def route53_records_without_a_ttl() -> None:
    _record("A", ["203.0.113.10"])


@refused("route53", token=RECORD, prop="type", source=RECORD_SET)
def route53_record_type_alias() -> None:
    _record("ALIAS", ["lb.example.net"], ttl=300)


@refused(
    "route53",
    token="aws:route53/zone:Zone",
    prop="name",
    source="https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html",
)
def route53_zone_name_over_1024_characters() -> None:
    aws.route53.Zone("zone", name=".".join(["a" * 60] * 20) + ".com")


@refused("route53", token=HEALTH_CHECK, prop="requestInterval", source=HEALTH)
def route53_health_check_every_twenty_seconds() -> None:
    _health_check(type="HTTPS", fqdn="www.example.com", request_interval=20)


@refused("route53", token=HEALTH_CHECK, prop="failureThreshold", source=HEALTH)
def route53_health_check_failure_threshold_of_fifteen() -> None:
    _health_check(type="HTTPS", fqdn="www.example.com", failure_threshold=15)


@refused("route53", token=HEALTH_CHECK, prop="type", source=HEALTH)
def route53_http_health_check_without_target() -> None:
    _health_check(type="HTTP", resource_path="/health")


@refused("route53", token=HEALTH_CHECK, prop="type", source=HEALTH)
def route53_health_check_type_http2() -> None:
    _health_check(type="HTTP2", fqdn="www.example.com")


@refused("route53", token=HEALTH_CHECK, prop="type", source=HEALTH)
def route53_calculated_health_check_without_children() -> None:
    _health_check(type="CALCULATED", child_health_threshold=1)


@refused("route53", token=HEALTH_CHECK, prop="regions", source=HEALTH)
def route53_health_check_from_two_regions() -> None:
    _health_check(type="HTTPS", fqdn="www.example.com", regions=["eu-west-1", "us-east-1"])


@refused("route53", token=HEALTH_CHECK, prop="type", source=HEALTH)
def route53_string_match_health_check_without_search_string() -> None:
    _health_check(type="HTTPS_STR_MATCH", fqdn="www.example.com", resource_path="/health")


@refused("route53", token=HEALTH_CHECK, prop="type", source=HEALTH)
def route53_cloudwatch_health_check_without_alarm() -> None:
    _health_check(type="CLOUDWATCH_METRIC", insufficient_data_health_status="Unhealthy")


@refused("route53", token=RECORD, prop="ttl", source=RECORD_SET)
def route53_record_without_records_or_alias() -> None:
    zone = _zone()
    aws.route53.Record("record", zone_id=zone.zone_id, name="www.example.com", type="A", ttl=300)


@valid("route53")
def route53_record_in_a_zone_found_by_name() -> None:
    """getZone finds a zone by name (trailing dot or not) and by id."""
    zone = aws.route53.Zone("example", name="lookup.example.com")
    by_name = aws.route53.get_zone_output(name=zone.name.apply(lambda n: f"{n}."))
    by_id = aws.route53.get_zone_output(zone_id=zone.zone_id)
    aws.route53.Record(
        "www",
        zone_id=by_name.zone_id,
        name="www.lookup.example.com",
        type="A",
        ttl=300,
        records=["192.0.2.1"],
    )
    aws.route53.Record(
        "api", zone_id=by_id.id, name="api.lookup.example.com", type="A", ttl=300, records=["192.0.2.2"]
    )


@valid("route53")
def route53_records_named_relative_to_their_zone() -> None:
    # The provider completes a short name with the zone's (expandRecordName): "api" is api.example.com.
    zone = _zone()
    aws.route53.Record("api", zone_id=zone.zone_id, name="api", type="A", records=["203.0.113.20"], ttl=60)
    aws.route53.Record(
        "docs", zone_id=zone.zone_id, name="docs", type="CNAME", records=["api.example.com"], ttl=60
    )


@valid("route53")
def route53_parked_domain_with_a_null_mx() -> None:
    """RFC 7505: "0 ." says the domain accepts no mail."""
    _record("MX", ["0 ."], name="example.com", ttl=3600)


@valid("route53")
def route53_weighted_records_from_0_to_255() -> None:
    zone = _zone()
    for identifier, weight in (("drained", 0), ("all", 255)):
        aws.route53.Record(
            identifier,
            zone_id=zone.zone_id,
            name="api.example.com",
            type="A",
            ttl=60,
            records=["203.0.113.20"],
            set_identifier=identifier,
            weighted_routing_policies=[{"weight": weight}],
        )


@refused(
    "route53",
    token=RECORD,
    prop="weightedRoutingPolicies",
    source="https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html",
)
def route53_weight_of_256() -> None:
    _record("A", ["203.0.113.20"], set_identifier="blue", weighted_routing_policies=[{"weight": 256}])


@refused("route53", token=RECORD, prop="records", source=RECORD_SET)
def route53_alias_record_with_records() -> None:
    zone = _zone()
    aws.route53.Record(
        "cdn",
        zone_id=zone.zone_id,
        name="cdn.example.com",
        type="A",
        records=["203.0.113.10"],
        aliases=[
            {
                "name": "d111111abcdef8.cloudfront.net",
                "zone_id": "Z2FDTNDATAQYW2",
                "evaluate_target_health": False,
            }
        ],
    )
