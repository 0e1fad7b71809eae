"""The public edge on the emulated account: load balancers, target groups, listeners, ACM, Route 53."""

from __future__ import annotations

from typing import Any

from moto.route53.models import HostedZoneIdentifier
from moto.utilities.id_generator import moto_id_manager

from infra.rehearsal.emulation import (
    Context,
    Emulated,
    EmulationError,
    Resource,
    Validation,
    emulates,
    tags_list,
)

MAX_ELB_NAME = 32


def _arn_suffix(arn: str) -> str:
    return arn.split(":", 5)[-1].split("/", 1)[-1]


@emulates("aws:lb/loadBalancer:LoadBalancer", note="create_load_balancer, modify_load_balancer_attributes")
def load_balancer(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=MAX_ELB_NAME)
    kwargs: dict[str, Any] = {
        "Name": name,
        "Subnets": list(r.get("subnets", [])),
        "SecurityGroups": list(r.get("securityGroups", [])),
        "Scheme": "internal" if r.get("internal") else "internet-facing",
        "Type": r.get("loadBalancerType", "application"),
        "IpAddressType": r.get("ipAddressType", "ipv4"),
        "Tags": tags_list(r.get("tags")),
    }
    created = ctx.aws(r, "subnets", "elbv2", "create_load_balancer", **kwargs)["LoadBalancers"][0]
    arn = created["LoadBalancerArn"]
    attributes = {
        "deletion_protection.enabled": r.get("enableDeletionProtection"),
        "idle_timeout.timeout_seconds": r.get("idleTimeout"),
        "routing.http.drop_invalid_header_fields.enabled": r.get("dropInvalidHeaderFields"),
        "routing.http.desync_mitigation_mode": r.get("desyncMitigationMode"),
    }
    values = [
        {"Key": key, "Value": str(int(v) if isinstance(v, float) else v).lower()}
        for key, v in attributes.items()
        if v is not None
    ]
    if values:
        ctx.aws(
            r,
            "enableDeletionProtection",
            "elbv2",
            "modify_load_balancer_attributes",
            LoadBalancerArn=arn,
            Attributes=values,
        )
    return arn, {
        "arn": arn,
        "arnSuffix": _arn_suffix(arn),
        "name": name,
        "dnsName": created["DNSName"],
        "zoneId": created["CanonicalHostedZoneId"],
        "vpcId": created.get("VpcId", ""),
    }


@emulates("aws:lb/targetGroup:TargetGroup", note="create_target_group, modify_target_group_attributes")
def target_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=MAX_ELB_NAME)
    kwargs: dict[str, Any] = {
        "Name": name,
        "Protocol": r.get("protocol"),
        "Port": int(r.get("port")),
        "VpcId": r.get("vpcId"),
        "TargetType": r.get("targetType", "instance"),
        "Tags": tags_list(r.get("tags")),
    }
    check = r.get("healthCheck")
    if check:
        mapping = {
            "path": "HealthCheckPath",
            "interval": "HealthCheckIntervalSeconds",
            "timeout": "HealthCheckTimeoutSeconds",
            "healthyThreshold": "HealthyThresholdCount",
            "unhealthyThreshold": "UnhealthyThresholdCount",
            "protocol": "HealthCheckProtocol",
            "port": "HealthCheckPort",
        }
        for key, boto in mapping.items():
            if check.get(key) is not None:
                value = check[key]
                kwargs[boto] = int(value) if isinstance(value, float) else value
        if check.get("matcher"):
            kwargs["Matcher"] = {"HttpCode": check["matcher"]}
    created = ctx.aws(r, "healthCheck", "elbv2", "create_target_group", **kwargs)["TargetGroups"][0]
    arn = created["TargetGroupArn"]
    if r.get("deregistrationDelay") is not None:
        ctx.aws(
            r,
            "deregistrationDelay",
            "elbv2",
            "modify_target_group_attributes",
            TargetGroupArn=arn,
            Attributes=[
                {
                    "Key": "deregistration_delay.timeout_seconds",
                    "Value": str(int(r.get("deregistrationDelay"))),
                }
            ],
        )
    return arn, {"arn": arn, "arnSuffix": _arn_suffix(arn), "name": name}


def _action(action: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"Type": action["type"]}
    if action.get("targetGroupArn"):
        converted["TargetGroupArn"] = action["targetGroupArn"]
    redirect = action.get("redirect")
    if redirect:
        converted["RedirectConfig"] = {
            "Protocol": redirect.get("protocol", "#{protocol}"),
            "Port": str(redirect.get("port", "#{port}")),
            "StatusCode": redirect["statusCode"],
        }
    fixed = action.get("fixedResponse")
    if fixed:
        converted["FixedResponseConfig"] = {
            "ContentType": fixed["contentType"],
            "StatusCode": str(fixed.get("statusCode", "200")),
            **({"MessageBody": fixed["messageBody"]} if fixed.get("messageBody") else {}),
        }
    return converted


@emulates("aws:lb/listener:Listener", note="create_listener")
def listener(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "LoadBalancerArn": r.get("loadBalancerArn"),
        "Protocol": r.get("protocol"),
        "Port": int(r.get("port")),
        "DefaultActions": [_action(a) for a in r.get("defaultActions", [])],
    }
    if r.get("certificateArn"):
        kwargs["Certificates"] = [{"CertificateArn": r.get("certificateArn")}]
    if r.get("sslPolicy"):
        kwargs["SslPolicy"] = r.get("sslPolicy")
    created = ctx.aws(r, "defaultActions", "elbv2", "create_listener", **kwargs)["Listeners"][0]
    return created["ListenerArn"], {"arn": created["ListenerArn"]}


@emulates(
    "aws:acm/certificate:Certificate",
    note="request_certificate; moto issues it with its DNS validation record",
)
def certificate(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "DomainName": r.get("domainName"),
        "ValidationMethod": r.get("validationMethod", "DNS"),
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("subjectAlternativeNames"):
        kwargs["SubjectAlternativeNames"] = list(r.get("subjectAlternativeNames"))
    if not kwargs["Tags"]:
        del kwargs["Tags"]
    arn = ctx.aws(r, "domainName", "acm", "request_certificate", **kwargs)["CertificateArn"]
    described = ctx.aws(r, "domainName", "acm", "describe_certificate", CertificateArn=arn)["Certificate"]
    options = [
        {
            "domainName": o["DomainName"],
            "resourceRecordName": o.get("ResourceRecord", {}).get("Name", ""),
            "resourceRecordType": o.get("ResourceRecord", {}).get("Type", "CNAME"),
            "resourceRecordValue": o.get("ResourceRecord", {}).get("Value", ""),
        }
        for o in described.get("DomainValidationOptions", [])
    ]
    return arn, {"arn": arn, "domainValidationOptions": options, "status": described.get("Status", "")}


@emulates(
    "aws:acm/certificateValidation:CertificateValidation",
    Validation.UNVALIDATED,
    note="moto has no validation wait; the emulator only checks the certificate exists and the records name "
    "its validation CNAME",
)
def certificate_validation(ctx: Context, r: Resource) -> Emulated:
    arn = str(r.get("certificateArn"))
    described = ctx.aws(r, "certificateArn", "acm", "describe_certificate", CertificateArn=arn)["Certificate"]
    wanted = {
        o.get("ResourceRecord", {}).get("Name", "").rstrip(".")
        for o in described.get("DomainValidationOptions", [])
    }
    given = {str(f).rstrip(".") for f in r.get("validationRecordFqdns", []) if f}
    if given and not wanted <= given:
        raise EmulationError(
            r.urn,
            "validationRecordFqdns",
            "ValidationTimeout",
            f"certificate {arn} waits for records {sorted(wanted)} but was given {sorted(given)}",
        )
    return arn, {"certificateArn": arn}


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
    identifier = HostedZoneIdentifier(ctx.account_id, f"{name}.", None)  # as moto names it
    moto_id_manager.set_custom_id(identifier, zone_id)
    try:
        ctx.aws(r, "zoneId", "route53", "create_hosted_zone", Name=name, CallerReference=f"outside:{zone_id}")
    finally:
        moto_id_manager.unset_custom_id(identifier)
    ctx.assumed[what] = [r.urn]


@emulates(
    "aws:route53/record:Record",
    note="change_resource_record_sets in the zone; a zone the stack does not create is assumed to exist",
)
def record(ctx: Context, r: Resource) -> Emulated:
    zone_id = str(r.get("zoneId"))
    name = str(r.get("name")).rstrip(".")
    _zone_outside_the_stack(ctx, r, zone_id, name)
    record_set: dict[str, Any] = {"Name": name, "Type": r.get("type")}
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


@emulates("aws:route53/zone:Zone", note="create_hosted_zone")
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
