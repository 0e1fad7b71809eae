"""Route 53: hosted zones, records and health checks."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    ManyFoundError,
    NotFoundError,
    Resource,
    answers,
    tags_map,
)
from infra.rehearsal.spec import UNNAMED, Emulated, emulates, rule, stable_hex


def _zone_outside_the_stack(ctx: Context, r: Resource, zone_id: str, record: str) -> None:
    """A Route 53 zone is usually registered once, outside any stack, and named in the stack's config by
    its id. A fresh emulated account has none, so a zone the stack writes into without creating it is
    added under that same id (named after the record's last two labels: moto checks no zone name) and
    listed in the report as assumed, with every resource that used it: a real account must hold it."""
    what = f"route53 hosted zone {zone_id}"
    if what in ctx.assumed:
        ctx.assumed[what].append(r.urn)
        return
    route53 = ctx.client("route53")
    try:
        route53.get_hosted_zone(Id=zone_id)
        return  # created by the stack, or seeded by the caller
    except route53.exceptions.NoSuchHostedZone:
        pass
    name = ".".join(record.split(".")[-2:])
    from moto.route53.models import HostedZoneIdentifier
    from moto.utilities.id_generator import moto_id_manager

    identifier = HostedZoneIdentifier(ctx.account_id, f"{name}.", None)  # as moto names it
    moto_id_manager.set_custom_id(identifier, zone_id)
    try:
        ctx.aws(r, "zoneId", "route53", "create_hosted_zone", Name=name, CallerReference=f"outside:{zone_id}")
    finally:
        moto_id_manager.unset_custom_id(identifier)
    ctx.assumed[what] = [r.urn]


def _record_name(name: str, zone: str) -> str:
    """A short name is completed with the zone's, as the provider's expandRecordName does ("www" in
    example.com is www.example.com; a name already ending in the zone's is kept)."""
    if name.endswith(zone):
        return name
    return f"{name}.{zone}" if name else zone


def _routing(r: Resource) -> dict[str, Any]:
    """The routing members the provider sends: two weighted (or failover, ...) records of one name and type
    are told apart by their set identifier."""
    routing: dict[str, Any] = {}
    if r.get("setIdentifier"):
        routing["SetIdentifier"] = r.get("setIdentifier")
    if r.get("healthCheckId"):
        routing["HealthCheckId"] = r.get("healthCheckId")
    weighted = (r.get("weightedRoutingPolicies") or [None])[0]
    if isinstance(weighted, dict) and weighted.get("weight") is not None:
        routing["Weight"] = int(weighted["weight"])
    latency = (r.get("latencyRoutingPolicies") or [None])[0]
    if isinstance(latency, dict) and latency.get("region"):
        routing["Region"] = latency["region"]
    failover = (r.get("failoverRoutingPolicies") or [None])[0]
    if isinstance(failover, dict) and failover.get("type"):
        routing["Failover"] = failover["type"]
    if r.get("multivalueAnswerRoutingPolicy") is True:
        routing["MultiValueAnswer"] = True
    return routing


@emulates(
    "aws:route53/record:Record",
    note="change_resource_record_sets in the zone; a zone the stack does not create is assumed to exist",
    replace_on={"name", "zoneId"},
    naming=UNNAMED,
    arn="",
)
def record(ctx: Context, r: Resource) -> Emulated:
    zone_id = str(r.get("zoneId"))
    given = str(r.get("name")).rstrip(".")
    _zone_outside_the_stack(ctx, r, zone_id, given)
    zone_name = ctx.aws(r, "zoneId", "route53", "get_hosted_zone", Id=zone_id)["HostedZone"]["Name"]
    name = _record_name(given, zone_name.rstrip("."))
    record_set: dict[str, Any] = {"Name": name, "Type": r.get("type")}
    record_set.update(_routing(r))
    aliases = r.get("aliases", [])
    if aliases:
        alias = aliases[0]
        record_set["AliasTarget"] = {
            "HostedZoneId": alias["zoneId"],
            "DNSName": alias["name"],
            "EvaluateTargetHealth": bool(alias.get("evaluateTargetHealth", False)),
        }
    else:
        record_set["TTL"] = int(r.get("ttl", 300))
        record_set["ResourceRecords"] = [{"Value": str(v)} for v in r.get("records", [])]
    action = "UPSERT" if r.get("allowOverwrite") else "CREATE"
    ctx.aws(
        r,
        "zoneId",
        "route53",
        "change_resource_record_sets",
        HostedZoneId=zone_id,
        ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": record_set}]},
    )
    return f"{zone_id}_{name}_{r.get('type')}", {"fqdn": name, "name": name}


@emulates(
    "aws:route53/zone:Zone",
    note="create_hosted_zone",
    replace_on={"name"},
    naming=UNNAMED,
    arn="arn:{partition}:route53:::hostedzone/{id}",
)
def zone(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("name"))
    created = ctx.aws(
        r,
        "name",
        "route53",
        "create_hosted_zone",
        Name=name,
        CallerReference=r.urn,
        HostedZoneConfig={"Comment": r.get("comment", "Managed by Pulumi")},
    )
    zone_id = created["HostedZone"]["Id"].rsplit("/", 1)[-1]
    return zone_id, {
        "zoneId": zone_id,
        "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
        "nameServers": list(created.get("DelegationSet", {}).get("NameServers", [])),
    }


RECORD_TYPES = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html"
RECORD_SET = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html"
HEALTH_CHECK_CONFIG = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html"
MAX_TXT_STRING = 255
_HOST = re.compile(r"(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_-]{1,63}\.?")


def _ip_problem(value: str, version: int) -> str | None:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return f"{value!r} is not an IPv{version} address"
    return None if address.version == version else f"{value!r} is not an IPv{version} address"


def _mx_problem(value: str) -> str | None:
    parts = value.split()
    if len(parts) != 2 or not parts[0].isdigit() or not 0 <= int(parts[0]) <= 65535:
        return f"{value!r} is not 'priority host' (priority 0-65535)"
    if parts[1] == "." and int(parts[0]) == 0:
        return None  # a null MX (RFC 7505): the domain accepts no mail
    return None if _HOST.fullmatch(parts[1]) else f"{value!r} names no valid mail host"


def _txt_problem(value: str) -> str | None:
    # The provider quotes an unquoted value; `""` inside a value splits it into several strings.
    inner = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    for part in re.split(r'"\s*"', inner):
        if len(part) > MAX_TXT_STRING:
            return f"a TXT string of {len(part)} characters; each string is at most {MAX_TXT_STRING}"
    return None


def _srv_problem(value: str) -> str | None:
    parts = value.split()
    numbers_ok = len(parts) == 4 and all(p.isdigit() and int(p) <= 65535 for p in parts[:3])
    if not numbers_ok or not _HOST.fullmatch(parts[3]):
        return f"{value!r} is not 'priority weight port target' (e.g. '10 5 5060 sip.example.com')"
    return None


_CAA = re.compile(r'(\d{1,3}) ([A-Za-z0-9]+) "[^"]*"')


def _caa_problem(value: str) -> str | None:
    match = _CAA.fullmatch(value)
    if match is None or int(match.group(1)) > 255:
        return f"{value!r} is not 'flags tag \"value\"' (e.g. '0 issue \"amazon.com\"')"
    return None


def record_value_problem(record_type: str, values: list[str]) -> str | None:
    """Why Route 53 refuses `values` for a record of `record_type` (InvalidChangeBatch), or None."""
    if record_type == "CNAME" and len(values) != 1:
        return f"a CNAME record has exactly one value, not {len(values)}"
    for value in values:
        if record_type == "A":
            problem = _ip_problem(value, 4)
        elif record_type == "AAAA":
            problem = _ip_problem(value, 6)
        elif record_type == "MX":
            problem = _mx_problem(value)
        elif record_type in ("TXT", "SPF"):
            problem = _txt_problem(value)
        elif record_type == "SRV":
            problem = _srv_problem(value)
        elif record_type == "CAA":
            problem = _caa_problem(value)
        elif record_type in ("CNAME", "NS", "PTR"):
            problem = None if _HOST.fullmatch(value) else f"{value!r} is not a domain name"
        else:
            problem = None
        if problem:
            return problem
    return None


@rule(
    "route53-record-values",
    "aws:route53/record:Record",
    prop="records",
    summary="Record values suit their type: A an IPv4 address, AAAA an IPv6 one, MX 'priority host', SRV"
    " 'priority weight port target', CAA 'flags tag \"value\"', CNAME one domain name, TXT strings of at"
    " most 255 characters",
    source=RECORD_TYPES,
)
def _record_values(ctx: Context, r: Resource) -> str | None:
    values, record_type = r.get("records"), r.get("type")
    if not values or not isinstance(record_type, str):
        return None
    return record_value_problem(record_type, [str(v) for v in values])


_ROUTING_POLICIES = (
    "weightedRoutingPolicies",
    "latencyRoutingPolicies",
    "failoverRoutingPolicies",
    "geolocationRoutingPolicies",
    "geoproximityRoutingPolicy",
    "cidrRoutingPolicy",
)


@rule(
    "route53-routing-set-identifier",
    "aws:route53/record:Record",
    prop="setIdentifier",
    summary="A record with a routing policy other than simple has a set identifier",
    source=f"{RECORD_SET} (SetIdentifier: resource record sets that have a routing policy other than simple)",
)
def _set_identifier(ctx: Context, r: Resource) -> str | None:
    policies = [p for p in _ROUTING_POLICIES if r.get(p)]
    if r.get("multivalueAnswerRoutingPolicy") is True:
        policies.append("multivalueAnswerRoutingPolicy")
    if policies and not r.get("setIdentifier"):
        return f"{policies[0]} is set, so the record needs a setIdentifier to tell it from its siblings"
    return None


WEIGHT_RANGE = (0, 255)


@rule(
    "route53-weight-range",
    "aws:route53/record:Record",
    prop="weightedRoutingPolicies",
    summary="A weighted record's weight is 0-255",
    source=f"{RECORD_SET} (Weight: valid range minimum value of 0, maximum value of 255)",
)
def _weight_range(ctx: Context, r: Resource) -> str | None:
    low, high = WEIGHT_RANGE
    for policy in r.get("weightedRoutingPolicies") or []:
        weight = policy.get("weight") if isinstance(policy, dict) else None
        if weight is not None and not low <= int(weight) <= high:
            return f"weight {int(weight)} is outside {low}-{high}"
    return None


@rule(
    "route53-latency-region",
    "aws:route53/record:Record",
    prop="latencyRoutingPolicies",
    summary="A latency record names an AWS Region",
    source=f"{RECORD_SET} (Region: the Amazon EC2 Region where the resource is, e.g. us-east-1)",
)
def _latency_region(ctx: Context, r: Resource) -> str | None:
    regions = ctx.client("route53").meta.service_model.shape_for("ResourceRecordSetRegion").enum
    for policy in r.get("latencyRoutingPolicies") or []:
        region = policy.get("region") if isinstance(policy, Mapping) else None
        if isinstance(region, str) and region not in regions:
            return f"{region!r} is not an AWS Region code Route 53 knows (e.g. eu-west-1)"
    return None


@rule(
    "route53-record-ttl",
    "aws:route53/record:Record",
    prop="ttl",
    summary="A record gives either an alias (without ttl and records) or records with a ttl",
    source=f"{RECORD_SET} (TTL and ResourceRecords: omit them for an alias; required otherwise)",
)
def _record_ttl(ctx: Context, r: Resource) -> str | tuple[str, str] | None:
    alias, records, ttl = r.get("aliases"), r.get("records"), r.get("ttl")
    if alias and records:
        return (
            "records",
            "an alias record takes neither records nor ttl: its values come from the alias target",
        )
    if alias and ttl is not None:
        return "an alias record takes neither ttl nor records"
    if not alias and records and ttl is None:
        return "a record with records needs a ttl (Expected exactly one of AliasTarget or TTL and records)"
    if not alias and not records:
        return "a record needs an alias or records with a ttl"
    return None


def _zone_name(ctx: Context, zone_id: str) -> str | None:
    route53 = ctx.client("route53")
    try:
        return str(route53.get_hosted_zone(Id=zone_id)["HostedZone"]["Name"]).rstrip(".").lower()
    except route53.exceptions.NoSuchHostedZone:
        return None


@rule(
    "route53-cname-not-at-apex",
    "aws:route53/record:Record",
    prop="name",
    summary="A CNAME record is not at the zone apex",
    source=f"{RECORD_TYPES}#CNAMEFormat (you can't create a CNAME record at the zone apex)",
)
def _cname_apex(ctx: Context, r: Resource) -> str | None:
    name, zone_id = r.get("name"), r.get("zoneId")
    if r.get("type") != "CNAME" or not isinstance(name, str) or not zone_id:
        return None
    if _zone_name(ctx, str(zone_id)) == name.rstrip(".").lower():
        return f"{name!r} is the apex of its zone, where a CNAME record is not allowed (use an alias)"
    return None


@rule(
    "route53-cname-exclusive",
    "aws:route53/record:Record",
    prop="type",
    summary="A name with a CNAME record has no other record",
    source=f"{RECORD_TYPES}#CNAMEFormat (if you create a CNAME record for a subdomain, you cannot create any"
    " other records for that subdomain)",
)
def _cname_exclusive(ctx: Context, r: Resource) -> str | None:
    name, zone_id, record_type = r.get("name"), r.get("zoneId"), r.get("type")
    if not isinstance(name, str) or not zone_id or _zone_name(ctx, str(zone_id)) is None:
        return None
    wanted = name.rstrip(".").lower()
    held = ctx.client("route53").list_resource_record_sets(HostedZoneId=str(zone_id))["ResourceRecordSets"]
    types = {s["Type"] for s in held if str(s["Name"]).rstrip(".").lower() == wanted} - {record_type}
    if record_type == "CNAME" and types:
        return f"{name!r} already has {', '.join(sorted(types))} records; a CNAME must be its only record"
    if "CNAME" in types:
        return f"{name!r} already has a CNAME record, which must be its only record"
    return None


@rule(
    "route53-health-check-interval",
    "aws:route53/healthCheck:HealthCheck",
    prop="requestInterval",
    summary="A health check's requestInterval is 10 or 30 seconds",
    source=f"{HEALTH_CHECK_CONFIG} (RequestInterval: 10 or 30); the provider's IntInSlice(10, 30)",
)
def _health_check_interval(ctx: Context, r: Resource) -> str | None:
    interval = r.get("requestInterval")
    if interval is not None and int(interval) not in (10, 30):
        return f"requestInterval is {int(interval)}; it must be 10 or 30"
    return None


@rule(
    "route53-health-check-shape",
    "aws:route53/healthCheck:HealthCheck",
    prop="type",
    summary="An endpoint check names an ipAddress or an fqdn, a string-matching one its searchString, a"
    " CALCULATED check its children, a CLOUDWATCH_METRIC check its alarm",
    source=HEALTH_CHECK_CONFIG,
)
def _health_check_shape(ctx: Context, r: Resource) -> str | None:
    check_type = str(r.get("type", "")).upper()
    if check_type in ("HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"):
        if not r.get("ipAddress") and not r.get("fqdn"):
            return f"a {check_type} health check needs an ipAddress or an fqdn"
        if check_type.endswith("STR_MATCH") and not r.get("searchString"):
            return f"a {check_type} health check needs a searchString"
    if check_type == "CALCULATED" and not r.get("childHealthchecks"):
        return "a CALCULATED health check needs childHealthchecks"
    if check_type == "CLOUDWATCH_METRIC" and not (
        r.get("cloudwatchAlarmName") and r.get("cloudwatchAlarmRegion")
    ):
        return "a CLOUDWATCH_METRIC health check needs cloudwatchAlarmName and cloudwatchAlarmRegion"
    return None


@emulates(
    "aws:route53/healthCheck:HealthCheck",
    note="create_health_check",
    replace_on={"measureLatency", "referenceName", "requestInterval", "routingControlArn", "type"},
    naming=UNNAMED,
    arn="arn:{partition}:route53:::healthcheck/{id}",
)
def health_check(ctx: Context, r: Resource) -> Emulated:
    check_type = str(r.get("type", "")).upper()
    config: dict[str, Any] = {"Type": check_type}
    for key, member in (
        ("ipAddress", "IPAddress"),
        ("port", "Port"),
        ("resourcePath", "ResourcePath"),
        ("fqdn", "FullyQualifiedDomainName"),
        ("searchString", "SearchString"),
        ("requestInterval", "RequestInterval"),
        ("failureThreshold", "FailureThreshold"),
        ("measureLatency", "MeasureLatency"),
        ("invertHealthcheck", "Inverted"),
        ("disabled", "Disabled"),
        ("enableSni", "EnableSNI"),
        ("childHealthThreshold", "HealthThreshold"),
        ("childHealthchecks", "ChildHealthChecks"),
        ("regions", "Regions"),
        ("insufficientDataHealthStatus", "InsufficientDataHealthStatus"),
        ("routingControlArn", "RoutingControlArn"),
    ):
        value = r.get(key)
        if value is not None:
            config[member] = int(value) if isinstance(value, float) else value
    if r.get("cloudwatchAlarmName"):
        config["AlarmIdentifier"] = {
            "Name": r.get("cloudwatchAlarmName"),
            "Region": r.get("cloudwatchAlarmRegion"),
        }
    reference = f"{r.get('referenceName') or r.name}-{stable_hex(r.urn, length=12)}"
    created = ctx.aws(
        r,
        "type",
        "route53",
        "create_health_check",
        CallerReference=reference,
        HealthCheckConfig=config,
    )["HealthCheck"]
    check_id = created["Id"]
    return check_id, {"arn": f"arn:aws:route53:::healthcheck/{check_id}"}


GET_ZONE = "aws:route53/getZone:getZone"


@answers(GET_ZONE)
def get_zone(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """By zoneId, or by name (with privateZone / vpcId / tags) among the account's hosted zones. A zone the
    stack only writes records into is assumed to exist (see `assumed`); one it looks up must be found."""
    route53 = ctx.client("route53")
    criteria = {k: args.get(k) for k in ("zoneId", "name", "privateZone", "vpcId", "tags")}
    if args.get("zoneId"):
        zone_id = str(args["zoneId"]).removeprefix("/hostedzone/")
        try:
            candidates = [route53.get_hosted_zone(Id=zone_id)["HostedZone"]]
        except route53.exceptions.NoSuchHostedZone:
            candidates = []
    else:
        wanted = str(args.get("name", "")).rstrip(".").lower()
        pages = route53.get_paginator("list_hosted_zones").paginate()
        candidates = [
            z
            for page in pages
            for z in page["HostedZones"]
            if z["Name"].rstrip(".").lower() == wanted
            and bool(z.get("Config", {}).get("PrivateZone")) == bool(args.get("privateZone"))
        ]
    zones = []
    for zone in candidates:
        zone_id = zone["Id"].removeprefix("/hostedzone/")
        described = route53.get_hosted_zone(Id=zone_id)
        tags = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)
        tag_map = tags_map(tags["ResourceTagSet"].get("Tags"))
        vpcs = [v["VPCId"] for v in described.get("VPCs", [])]
        if args.get("vpcId") and args["vpcId"] not in vpcs:
            continue
        if any(tag_map.get(k) != str(v) for k, v in (args.get("tags") or {}).items()):
            continue
        if args.get("enableAcceleratedRecovery"):
            continue  # moto's zones have no accelerated recovery
        zones.append((described, tag_map, vpcs))
    if not zones:
        raise NotFoundError(GET_ZONE, "Route53 Hosted Zone", criteria)
    if len(zones) > 1:
        raise ManyFoundError(GET_ZONE, "Route53 Hosted Zone", len(zones))
    described, tag_map, vpcs = zones[0]
    zone = described["HostedZone"]
    zone_id = zone["Id"].removeprefix("/hostedzone/")
    name_servers = described.get("DelegationSet", {}).get("NameServers", [])
    linked = zone.get("LinkedService") or {}
    return {
        "id": zone_id,
        "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
        "callerReference": zone.get("CallerReference", ""),
        "comment": zone.get("Config", {}).get("Comment", ""),
        "enableAcceleratedRecovery": False,
        "linkedServiceDescription": linked.get("Description", ""),
        "linkedServicePrincipal": linked.get("ServicePrincipal", ""),
        "name": zone["Name"].rstrip("."),
        "nameServers": name_servers,
        "primaryNameServer": _primary_name_server(ctx, zone_id) or (name_servers or [""])[0],
        "privateZone": bool(zone.get("Config", {}).get("PrivateZone")),
        "resourceRecordSetCount": zone.get("ResourceRecordSetCount", 0),
        "tags": tag_map,
        "vpcId": vpcs[0] if vpcs else "",
        "zoneId": zone_id,
    }


def _primary_name_server(ctx: Context, zone_id: str) -> str:
    """The MNAME of the zone's SOA record: the name server that created it."""
    records = ctx.client("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    for record in records:
        if record["Type"] == "SOA" and record.get("ResourceRecords"):
            value = str(record["ResourceRecords"][0]["Value"])
            # moto keeps the SOA record of a new zone as the repr of its {'Value': ...} dict.
            value = re.sub(r"^\{'Value': '(.*)'\}$", r"\1", value)
            return value.split()[0].rstrip(".")
    return ""
