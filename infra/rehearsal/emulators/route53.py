"""Route 53: hosted zones and records."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.spec import UNNAMED, Emulated, emulates


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


@emulates(
    "aws:route53/record:Record",
    note="change_resource_record_sets in the zone; a zone the stack does not create is assumed to exist",
    replace_on={"name", "zoneId"},
    naming=UNNAMED,
    arn="",
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


@emulates(
    "aws:route53/zone:Zone",
    note="create_hosted_zone",
    replace_on={"name"},
    naming=UNNAMED,
    arn="arn:{partition}:route53::{account}:hostedzone/{id}",
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
