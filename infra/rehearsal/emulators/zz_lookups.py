"""STAGING: data sources to move into their service modules once those are free."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from infra.offerings.catalogue import load, sorted_naturally
from infra.rehearsal.emulation import Context, ManyFoundError, NotFoundError, answers, aws_filters, tags_map

# ---- ec2


def _one(token: str, what: str, found: list[Any], args: Mapping[str, Any], region: str) -> Any:
    if not found:
        raise NotFoundError(token, what, args, region)
    if len(found) > 1:
        raise ManyFoundError(token, what, len(found))
    return found[0]


GET_VPC_ENDPOINT_SERVICE = "aws:ec2/getVpcEndpointService:getVpcEndpointService"


@answers(GET_VPC_ENDPOINT_SERVICE)
def get_vpc_endpoint_service(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An AWS service's endpoint service by its short name (`service`: s3, `serviceName`:
    com.amazonaws.<region>.s3), Gateway or Interface, as describe_vpc_endpoint_services lists them."""
    filters = aws_filters(args)
    if args.get("serviceType"):
        filters.append({"Name": "service-type", "Values": [str(args["serviceType"])]})
    name = args.get("serviceName") or (
        f"com.amazonaws.{ctx.region}.{args['service']}" if args.get("service") else None
    )
    kwargs: dict[str, Any] = {"Filters": filters} if filters else {}
    if name:
        kwargs["ServiceNames"] = [name]
    details = ctx.client("ec2").describe_vpc_endpoint_services(**kwargs)["ServiceDetails"]
    found = _one(GET_VPC_ENDPOINT_SERVICE, "VPC Endpoint Service", details, args, ctx.region)
    kind = found["ServiceType"][0]["ServiceType"]
    return {
        "id": found.get("ServiceId", found["ServiceName"]),
        "serviceId": found.get("ServiceId", ""),
        "serviceName": found["ServiceName"],
        "service": args.get("service"),
        "serviceType": kind,
        "availabilityZones": sorted(found.get("AvailabilityZones", [])),
        "baseEndpointDnsNames": found.get("BaseEndpointDnsNames", []),
        "privateDnsName": found.get("PrivateDnsName", ""),
        "owner": found.get("Owner", "amazon"),
        "acceptanceRequired": bool(found.get("AcceptanceRequired", False)),
        "managesVpcEndpoints": bool(found.get("ManagesVpcEndpoints", False)),
        "vpcEndpointPolicySupported": bool(found.get("VpcEndpointPolicySupported", True)),
        "supportedIpAddressTypes": found.get("SupportedIpAddressTypes", ["ipv4"]),
        "tags": tags_map(found.get("Tags")),
        "region": ctx.region,
    }


def _managed_prefix_list(ctx: Context, token: str, args: Mapping[str, Any], name: Any, list_id: Any) -> Any:
    filters = aws_filters(args)
    if name:
        filters.append({"Name": "prefix-list-name", "Values": [str(name)]})
    kwargs: dict[str, Any] = {"Filters": filters} if filters else {}
    if list_id:
        kwargs["PrefixListIds"] = [str(list_id)]
    ec2 = ctx.client("ec2")
    try:
        lists = ec2.describe_managed_prefix_lists(**kwargs)["PrefixLists"]
    except ec2.exceptions.ClientError:
        lists = []  # an unknown id: InvalidPrefixListID.NotFound
    found = _one(token, "EC2 Managed Prefix List", lists, args, ctx.region)
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=found["PrefixListId"])["Entries"]
    return found, entries


GET_MANAGED_PREFIX_LIST = "aws:ec2/getManagedPrefixList:getManagedPrefixList"


@answers(GET_MANAGED_PREFIX_LIST)
def get_managed_prefix_list(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    found, entries = _managed_prefix_list(
        ctx, GET_MANAGED_PREFIX_LIST, args, args.get("name"), args.get("id")
    )
    return {
        "id": found["PrefixListId"],
        "arn": found.get("PrefixListArn", ""),
        "name": found["PrefixListName"],
        "addressFamily": found.get("AddressFamily", "IPv4"),
        "maxEntries": found.get("MaxEntries", 0),
        "ownerId": found.get("OwnerId", "AWS"),
        "version": found.get("Version", 1),
        "entries": [{"cidr": e["Cidr"], "description": e.get("Description", "")} for e in entries],
        "tags": tags_map(found.get("Tags")),
        "region": ctx.region,
    }


GET_PREFIX_LIST = "aws:ec2/getPrefixList:getPrefixList"


@answers(GET_PREFIX_LIST)
def get_prefix_list(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An AWS-managed prefix list (the provider reads DescribePrefixLists, which lists the same lists)."""
    found, entries = _managed_prefix_list(
        ctx, GET_PREFIX_LIST, args, args.get("name"), args.get("prefixListId")
    )
    return {
        "id": found["PrefixListId"],
        "prefixListId": found["PrefixListId"],
        "name": found["PrefixListName"],
        "cidrBlocks": [e["Cidr"] for e in entries],
        "region": ctx.region,
    }


GET_AMI_IDS = "aws:ec2/getAmiIds:getAmiIds"


@answers(GET_AMI_IDS)
def get_ami_ids(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """Image ids, newest first (oldest first with sortAscending), filtered as getAmi filters them."""
    kwargs: dict[str, Any] = {"Owners": [str(o) for o in args.get("owners") or []]}
    if args.get("executableUsers"):
        kwargs["ExecutableUsers"] = [str(u) for u in args["executableUsers"]]
    filters = aws_filters(args)
    if filters:
        kwargs["Filters"] = filters
    images = ctx.client("ec2").describe_images(**kwargs)["Images"]
    if args.get("nameRegex"):
        pattern = re.compile(str(args["nameRegex"]))
        images = [i for i in images if pattern.search(i.get("Name", ""))]
    images.sort(key=lambda i: i.get("CreationDate", ""), reverse=not args.get("sortAscending"))
    return {"id": ctx.region, "ids": [i["ImageId"] for i in images], "region": ctx.region}


@answers("aws:ec2/getSecurityGroups:getSecurityGroups")
def get_security_groups(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    groups = ctx.client("ec2").describe_security_groups(Filters=aws_filters(args))["SecurityGroups"]
    return {
        "id": ctx.region,
        "ids": [g["GroupId"] for g in groups],
        "vpcIds": [g.get("VpcId", "") for g in groups],
        "arns": [f"arn:aws:ec2:{ctx.region}:{g['OwnerId']}:security-group/{g['GroupId']}" for g in groups],
        "region": ctx.region,
    }


@answers("aws:ec2/getRouteTables:getRouteTables")
def get_route_tables(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    filters = aws_filters(args)
    if args.get("vpcId"):
        filters.append({"Name": "vpc-id", "Values": [str(args["vpcId"])]})
    tables = ctx.client("ec2").describe_route_tables(Filters=filters)["RouteTables"]
    return {"id": ctx.region, "ids": [t["RouteTableId"] for t in tables], "region": ctx.region}


@answers("aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings")
def get_instance_type_offerings(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"Filters": aws_filters(args)}
    if args.get("locationType"):
        kwargs["LocationType"] = str(args["locationType"])
    offerings = ctx.client("ec2").describe_instance_type_offerings(**kwargs)["InstanceTypeOfferings"]
    return {
        "id": ctx.region,
        "instanceTypes": [o["InstanceType"] for o in offerings],
        "locations": [o["Location"] for o in offerings],
        "locationTypes": [o["LocationType"] for o in offerings],
        "region": ctx.region,
    }


# ---- ecr


@answers("aws:ecr/getAuthorizationToken:getAuthorizationToken")
def get_authorization_token(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """A registry login, as `docker login` takes it: user and password decoded from the token."""
    kwargs = {"registryIds": [str(args["registryId"])]} if args.get("registryId") else {}
    data = ctx.client("ecr").get_authorization_token(**kwargs)["authorizationData"][0]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    registry = str(args.get("registryId") or ctx.account_id)
    return {
        "id": ctx.region,
        "authorizationToken": data["authorizationToken"],
        "expiresAt": data["expiresAt"].isoformat(),
        "proxyEndpoint": data["proxyEndpoint"],
        "registryId": registry,
        "userName": user,
        "password": password,
        "region": ctx.region,
    }


# ---- kms


GET_KEY = "aws:kms/getKey:getKey"


@answers(GET_KEY)
def get_key(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """A key by id, ARN, alias name or alias ARN; the AWS managed keys (alias/aws/s3, ...) included."""
    key_id = str(args.get("keyId", ""))
    kms = ctx.client("kms")
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except kms.exceptions.NotFoundException as err:
        raise NotFoundError(GET_KEY, "KMS Key", {"keyId": key_id}, ctx.region) from err
    managed = key_id.startswith("alias/aws/") or ":alias/aws/" in key_id
    return {
        "id": meta["KeyId"],
        "keyId": meta["KeyId"],
        "arn": meta["Arn"],
        "awsAccountId": meta["AWSAccountId"],
        "creationDate": meta["CreationDate"].isoformat(),
        "description": meta.get("Description", ""),
        "enabled": meta["Enabled"],
        "keyManager": "AWS" if managed else meta.get("KeyManager", "CUSTOMER"),
        "keySpec": meta.get("KeySpec", "SYMMETRIC_DEFAULT"),
        "customerMasterKeySpec": meta.get("CustomerMasterKeySpec", meta.get("KeySpec", "SYMMETRIC_DEFAULT")),
        "keyState": meta.get("KeyState", "Enabled"),
        "keyUsage": meta.get("KeyUsage", "ENCRYPT_DECRYPT"),
        "multiRegion": bool(meta.get("MultiRegion", False)),
        "origin": meta.get("Origin", "AWS_KMS"),
        "region": ctx.region,
    }


# ---- iam


@answers("aws:iam/getSessionContext:getSessionContext")
def get_session_context(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """The role behind an assumed-role ARN (arn:aws:sts::<account>:assumed-role/<role>/<session>), as the
    provider derives it; any other ARN is its own issuer. The role's path is read from the account."""
    arn = str(args.get("arn", ""))
    found = re.fullmatch(r"arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/(.+)", arn)
    if found is None:
        return {"id": arn, "arn": arn, "issuerArn": arn, "issuerId": "", "issuerName": "", "sessionName": ""}
    partition, account, role, session = found.groups()
    iam = ctx.client("iam")
    try:
        detail = iam.get_role(RoleName=role)["Role"]
        issuer, issuer_id = detail["Arn"], detail["RoleId"]
    except iam.exceptions.NoSuchEntityException:
        issuer, issuer_id = f"arn:{partition}:iam::{account}:role/{role}", ""
    return {
        "id": arn,
        "arn": arn,
        "issuerArn": issuer,
        "issuerId": issuer_id,
        "issuerName": role,
        "sessionName": session,
    }


GET_INSTANCE_PROFILE = "aws:iam/getInstanceProfile:getInstanceProfile"


@answers(GET_INSTANCE_PROFILE)
def get_instance_profile(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    name = str(args.get("name", ""))
    iam = ctx.client("iam")
    try:
        profile = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    except iam.exceptions.NoSuchEntityException as err:
        raise NotFoundError(GET_INSTANCE_PROFILE, "IAM Instance Profile", {"name": name}) from err
    role = (profile.get("Roles") or [{}])[0]
    return {
        "id": profile["Arn"],
        "arn": profile["Arn"],
        "name": profile["InstanceProfileName"],
        "path": profile.get("Path", "/"),
        "createDate": profile["CreateDate"].isoformat(),
        "roleArn": role.get("Arn", ""),
        "roleId": role.get("RoleId", ""),
        "roleName": role.get("RoleName", ""),
    }


# ---- elbv2


GET_LOAD_BALANCER = "aws:lb/getLoadBalancer:getLoadBalancer"


def get_load_balancer(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """A load balancer by ARN or name (and tags), from the account."""
    elbv2 = ctx.client("elbv2")
    kwargs: dict[str, Any] = {}
    if args.get("arn"):
        kwargs["LoadBalancerArns"] = [str(args["arn"])]
    elif args.get("name"):
        kwargs["Names"] = [str(args["name"])]
    try:
        balancers = elbv2.describe_load_balancers(**kwargs)["LoadBalancers"]
    except elbv2.exceptions.LoadBalancerNotFoundException:
        balancers = []
    wanted = {str(k): str(v) for k, v in (args.get("tags") or {}).items()}
    if wanted:
        arns = [b["LoadBalancerArn"] for b in balancers]
        described = elbv2.describe_tags(ResourceArns=arns)["TagDescriptions"] if arns else []
        tagged = {d["ResourceArn"] for d in described if wanted.items() <= tags_map(d.get("Tags")).items()}
        balancers = [b for b in balancers if b["LoadBalancerArn"] in tagged]
    lb = _one(GET_LOAD_BALANCER, "ELBv2 Load Balancer", balancers, args, ctx.region)
    arn = lb["LoadBalancerArn"]
    return {
        "id": arn,
        "arn": arn,
        "arnSuffix": arn.split(":loadbalancer/", 1)[-1],
        "name": lb["LoadBalancerName"],
        "dnsName": lb.get("DNSName", ""),
        "zoneId": lb.get("CanonicalHostedZoneId", ""),
        "loadBalancerType": lb.get("Type", "application"),
        "internal": lb.get("Scheme") == "internal",
        "ipAddressType": lb.get("IpAddressType", "ipv4"),
        "securityGroups": lb.get("SecurityGroups", []),
        "subnets": sorted(z["SubnetId"] for z in lb.get("AvailabilityZones", [])),
        "vpcId": lb.get("VpcId", ""),
        "region": ctx.region,
    }


answers(GET_LOAD_BALANCER)(get_load_balancer)
answers("aws:alb/getLoadBalancer:getLoadBalancer")(get_load_balancer)


# ---- rds


GET_ENGINE_VERSION = "aws:rds/getEngineVersion:getEngineVersion"
_FAMILY = {"mysql": "mysql{major}"}


def _mysql_versions() -> list[str]:
    versions = load("rds_engine_versions").values
    return sorted_naturally(v for minors in versions.values() for v in minors)


def _known_engine(token: str, engine: str) -> None:
    if engine != "mysql":
        raise LookupError(
            f"{token}: engine {engine!r}: the rehearsal knows RDS's versions and classes for mysql only "
            "(infra/offerings/data, read from DescribeDBEngineVersions); give the version or class directly"
        )


@answers(GET_ENGINE_VERSION)
def get_engine_version(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An engine version from the catalogue of RDS's versions: the first of `preferredVersions` offered,
    else `version` (a major version picks its newest minor), else with `latest` or `defaultOnly` the
    newest (the catalogue does not say which one RDS makes the default)."""
    engine = str(args.get("engine", ""))
    _known_engine(GET_ENGINE_VERSION, engine)
    offered = _mysql_versions()
    choice: str | None = None
    for wanted in [
        *(args.get("preferredVersions") or []),
        *([args["version"]] if args.get("version") else []),
    ]:
        matching = [v for v in offered if v == wanted or v.startswith(f"{wanted}.")]
        if matching:
            choice = matching[-1]
            break
    if choice is None and not args.get("preferredVersions") and not args.get("version"):
        choice = offered[-1] if offered else None
    if choice is None:
        raise NotFoundError(GET_ENGINE_VERSION, "RDS engine version", args, ctx.region)
    major = ".".join(choice.split(".")[:2])
    return {
        "id": choice,
        "engine": engine,
        "version": choice,
        "versionActual": choice,
        "parameterGroupFamily": _FAMILY[engine].format(major=major),
        "status": "available",
        "region": ctx.region,
    }


GET_ORDERABLE = "aws:rds/getOrderableDbInstance:getOrderableDbInstance"


@answers(GET_ORDERABLE)
def get_orderable_db_instance(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """An instance class RDS offers for the engine: `instanceClass`, else the first of
    `preferredInstanceClasses` offered, from the catalogue of DescribeOrderableDBInstanceOptions."""
    engine = str(args.get("engine", ""))
    _known_engine(GET_ORDERABLE, engine)
    offered = set(load("rds_instance_classes").values.get("all", []))
    candidates = (
        [args["instanceClass"]]
        if args.get("instanceClass")
        else list(args.get("preferredInstanceClasses") or [])
    )
    chosen = next((c for c in candidates if c in offered), None)
    if chosen is None:
        raise NotFoundError(GET_ORDERABLE, "RDS orderable DB instance", args, ctx.region)
    version = (
        args.get("engineVersion")
        or (args.get("preferredEngineVersions") or [None])[0]
        or _mysql_versions()[-1]
    )
    return {
        "id": chosen,
        "engine": engine,
        "engineVersion": version,
        "instanceClass": chosen,
        "licenseModel": "general-public-license",  # MySQL's only license model on RDS
        "storageType": args.get("storageType"),
        "region": ctx.region,
    }
