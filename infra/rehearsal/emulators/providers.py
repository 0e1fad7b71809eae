"""What is not an AWS resource: the AWS provider and its invokes (random values: random_values.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    EmulationError,
    ManyFoundError,
    NotFoundError,
    Resource,
    answers,
    aws_filters,
)
from infra.rehearsal.spec import (
    UNNAMED,
    Emulated,
    Validation,
    emulates,
)


def _string_list(value: Any) -> list[str]:
    """Provider inputs arrive as strings; lists as JSON."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [str(v) for v in json.loads(value)] if value.startswith("[") else [value]
    return [str(v) for v in value]


@emulates(
    "pulumi:providers:aws",
    note="no AWS resource; the emulator checks allowedAccountIds / forbiddenAccountIds against the "
    "emulated caller identity, as the provider does at configure time",
    replace_on=(),
    naming=UNNAMED,
    arn="",
    validation=Validation.LOCAL,
)
def aws_provider(ctx: Context, r: Resource) -> Emulated:
    account = ctx.aws(r, "allowedAccountIds", "sts", "get_caller_identity")["Account"]
    allowed = _string_list(r.get("allowedAccountIds"))
    if allowed and account not in allowed:
        raise EmulationError(
            r.urn,
            "allowedAccountIds",
            "AccountNotAllowed",
            f"AWS account ID not allowed: {account} (allowed: {allowed})",
        )
    if account in _string_list(r.get("forbiddenAccountIds")):
        raise EmulationError(
            r.urn, "forbiddenAccountIds", "AccountForbidden", f"AWS account ID not allowed: {account}"
        )
    return "aws-provider", {}


@answers("aws:index/getAvailabilityZones:getAvailabilityZones")
def availability_zones(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    filters = [{"Name": "state", "Values": [args["state"]]}] if args.get("state") else []
    zones = ctx.client("ec2").describe_availability_zones(Filters=filters)["AvailabilityZones"]
    zones = sorted(zones, key=lambda z: z["ZoneName"])
    return {
        "id": ctx.region,
        "names": [z["ZoneName"] for z in zones],
        "zoneIds": [z["ZoneId"] for z in zones],
        "groupNames": [z.get("GroupName", ctx.region) for z in zones],
    }


@emulates(
    "pulumi:pulumi:StackReference",
    note="another stack's outputs cannot be read offline: each reads as absent (get_output gives None, "
    "require_output fails naming the output)",
    replace_on=(),
    naming=UNNAMED,
    arn="",
    validation=Validation.LOCAL,
    computed=lambda where, name, s: {"outputs": {}, "secretOutputNames": []},
)
def stack_reference(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("name") or r.name)
    return name, {"name": name, "outputs": {}, "secretOutputNames": []}


@answers("aws:index/getAvailabilityZone:getAvailabilityZone")
def availability_zone(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """One zone by name, id or filters, as the provider's aws_availability_zone reads it: exactly one
    must match."""
    kwargs: dict[str, Any] = {"AllAvailabilityZones": bool(args.get("allAvailabilityZones"))}
    if args.get("name"):
        kwargs["ZoneNames"] = [args["name"]]
    if args.get("zoneId"):
        kwargs["ZoneIds"] = [args["zoneId"]]
    filters = aws_filters(args)
    if args.get("state"):
        filters.append({"Name": "state", "Values": [args["state"]]})
    if filters:
        kwargs["Filters"] = filters
    from botocore.exceptions import ClientError  # not at import: the deployed program has no botocore

    token = "aws:index/getAvailabilityZone:getAvailabilityZone"
    try:
        zones = ctx.client("ec2").describe_availability_zones(**kwargs)["AvailabilityZones"]
    except ClientError as err:  # an unknown name or id: AWS's InvalidParameterValue
        raise NotFoundError(token, "EC2 Availability Zone", args, ctx.region) from err
    if not zones:
        raise NotFoundError(token, "EC2 Availability Zone", args, ctx.region)
    if len(zones) > 1:
        raise ManyFoundError(token, "EC2 Availability Zone", len(zones))
    zone = zones[0]
    name = zone["ZoneName"]
    return {
        "id": name,
        "name": name,
        "zoneId": zone["ZoneId"],
        "nameSuffix": name[len(zone["RegionName"]) :],
        "region": zone["RegionName"],
        "groupName": zone.get("GroupName", zone["RegionName"]),
        "networkBorderGroup": zone.get("NetworkBorderGroup", zone["RegionName"]),
        "optInStatus": zone.get("OptInStatus", "opt-in-not-required"),
        "zoneType": zone.get("ZoneType", "availability-zone"),
        "state": zone.get("State", "available"),
    }


@answers("aws:index/getServicePrincipal:getServicePrincipal")
def service_principal(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """`<service>.amazonaws.com`, but for the few services that sign as the partition's own DNS suffix in
    China (codedeploy, elasticmapreduce, logs): the provider's servicePrincipalNameForPartition
    (internal/service/meta/service_principal_data_source.go, after the CDK's region-info)."""
    region = str(args.get("region") or ctx.region)
    service = str(args["serviceName"])
    china = region.startswith("cn-") and service in ("codedeploy", "elasticmapreduce", "logs")
    suffix = "amazonaws.com.cn" if china else "amazonaws.com"
    return {
        "id": f"{service}.{region}.{suffix}",
        "name": f"{service}.{suffix}",
        "suffix": suffix,
        "region": region,
        "serviceName": service,
    }


@answers("aws:index/getBillingServiceAccount:getBillingServiceAccount")
def billing_service_account(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """The account AWS delivers billing reports as (386209384616, per the provider's
    billing_service_account_data_source.go and AWS's billing guide)."""
    account = "386209384616"
    return {"id": account, "arn": f"arn:aws:iam::{account}:root"}


@answers("aws:index/getCallerIdentity:getCallerIdentity")
def caller_identity(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    identity = ctx.client("sts").get_caller_identity()
    return {
        "id": identity["Account"],
        "accountId": identity["Account"],
        "arn": identity["Arn"],
        "userId": identity["UserId"],
    }


@answers("aws:index/getRegion:getRegion")
def region(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    name = str(args.get("region") or args.get("name") or ctx.region)
    described = ctx.client("ec2").describe_regions(RegionNames=[name])["Regions"][0]
    return {"id": name, "name": name, "region": name, "endpoint": described["Endpoint"], "description": ""}


@answers("aws:index/getPartition:getPartition")
def partition(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": "aws",
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
    }


@answers("aws:index/getArn:getArn")
def arn_parts(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An ARN taken apart locally, as the provider does (aws-sdk-go's arn.Parse: the "arn:" prefix and six
    colon-separated sections, the resource keeping any further colons)."""
    arn = str(args.get("arn", ""))
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        expected = "arn:partition:service:region:account:resource"
        raise LookupError(f"aws:index/getArn: {arn!r} is not an ARN ({expected})")
    return {
        "id": arn,
        "arn": arn,
        "partition": parts[1],
        "service": parts[2],
        "region": parts[3],
        "account": parts[4],
        "resource": parts[5],
    }


@answers("aws:ec2/getAmi:getAmi")
def ami(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if args.get("owners"):
        kwargs["Owners"] = list(args["owners"])
    if args.get("filters"):
        kwargs["Filters"] = [{"Name": f["name"], "Values": list(f["values"])} for f in args["filters"]]
    images = ctx.client("ec2").describe_images(**kwargs)["Images"]
    if not images:
        raise LookupError(
            f"getAmi: Your query returned no results ({kwargs}); widen the filters or the owners"
        )
    if len(images) > 1 and not args.get("mostRecent"):
        raise LookupError(
            "getAmi: Your query returned more than one result; set mostRecent or narrow the filters"
        )
    image = max(images, key=lambda i: (i.get("CreationDate", ""), i["Name"]))
    return {
        "id": image["ImageId"],
        "imageId": image["ImageId"],
        "name": image["Name"],
        "architecture": image.get("Architecture", ""),
        "ownerId": image.get("OwnerId", ""),
        "rootDeviceName": image.get("RootDeviceName", "/dev/xvda"),
        "creationDate": image.get("CreationDate", ""),
        "arn": f"arn:aws:ec2:{ctx.region}::image/{image['ImageId']}",
    }


@answers("aws:index/getRegions:getRegions")
def regions(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """The regions enabled for the account (all of them with allRegions), as describe_regions lists them."""
    filters = aws_filters(args)
    every = bool(args.get("allRegions"))
    listed = ctx.client("ec2").describe_regions(AllRegions=every, Filters=filters)["Regions"]
    # moto lists every region of every partition, opted in or not; AWS lists the account's partition, and
    # without allRegions only the regions enabled for it.
    names = sorted(
        r["RegionName"]
        for r in listed
        if not r["RegionName"].startswith(("cn-", "us-gov-", "us-iso"))
        and (every or r.get("OptInStatus", "opt-in-not-required") != "not-opted-in")
    )
    return {
        "id": "aws",
        "names": names,
        "allRegions": bool(args.get("allRegions")),
        "filters": args.get("filters"),
    }
