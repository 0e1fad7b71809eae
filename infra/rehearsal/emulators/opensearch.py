"""OpenSearch Service: domains and their access policies, with the zone, node and volume rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from infra.offerings.catalogue import ANY, load
from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, Where, emulates, rule, stable_hex

DOMAIN_NAME = Naming(
    key="domainName",
    max_length=28,
    pattern=r"[a-z][a-z0-9-]{2,27}",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_CreateDomain.html"
        " (DomainName: 3-28 lowercase letters, digits, hyphens, starting with a letter)"
    ),
)


SUPPORTED_INSTANCE_TYPES = (
    "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/supported-instance-types.html"
)
# Families the supported instance types page lists that the bundled service model's InstanceType enum (and
# infra/offerings/data/opensearch_instance_types.json, copied from it) lacks: AWS stopped extending that enum.
NEWER_FAMILIES = frozenset(
    {
        "c7g",
        "c7i",
        "i4g",
        "i4i",
        "i8g",
        "im4gn",
        "m7g",
        "m7i",
        "m8g",
        "oi2",
        "om2",
        "or2",
        "r7g",
        "r7gd",
        "r7i",
        "r8g",
        "r8gd",
    }
)
_SIZE = re.compile(r"medium|large|\d{0,2}xlarge")
# What a type of NEWER_FAMILIES is sent to the model check and moto as (both refuse a type the enum lacks);
# the domain keeps the type it was given, which the opensearch-instance-type-offered rule checked.
MODEL_STAND_IN = "r6g.large.search"


def _newer_type(instance_type: Any) -> bool:
    """A data or master node type of a family AWS offers beyond the model's enum: `<family>.<size>.search`."""
    if not isinstance(instance_type, str):
        return False
    family, _, rest = instance_type.partition(".")
    size, _, suffix = rest.partition(".")
    return family in NEWER_FAMILIES and suffix == "search" and bool(_SIZE.fullmatch(size))


def _for_model(instance_type: Any) -> Any:
    return MODEL_STAND_IN if _newer_type(instance_type) else instance_type


def _domain_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    domain = s.get("domainName", name)
    return {
        "endpoint": f"vpc-{domain}-{stable_hex(name, length=26)}.{where.region}.es.amazonaws.com",
        "domainId": f"{where.account_id}/{domain}",
    }


@emulates(
    "aws:opensearch/domain:Domain",
    note="create_domain; the VPC endpoint is moto's; a node type newer than the model's enum is sent as "
    f"{MODEL_STAND_IN} after the opensearch-instance-type-offered rule checked it",
    replace_on={"domainName"},
    naming=DOMAIN_NAME,
    arn="arn:{partition}:es:{region}:{account}:domain/{name}",
    stateful="search domain",
    computed=_domain_outputs,
)
def opensearch_domain(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    cluster = r.get("clusterConfig", {})
    kwargs: dict[str, Any] = {"DomainName": name, "EngineVersion": r.get("engineVersion", "OpenSearch_2.19")}
    if cluster:
        config: dict[str, Any] = {
            "InstanceType": _for_model(cluster.get("instanceType")),
            "InstanceCount": int(cluster.get("instanceCount", 1)),
            "DedicatedMasterEnabled": bool(cluster.get("dedicatedMasterEnabled", False)),
            "ZoneAwarenessEnabled": bool(cluster.get("zoneAwarenessEnabled", False)),
        }
        if cluster.get("dedicatedMasterType"):
            config["DedicatedMasterType"] = _for_model(cluster["dedicatedMasterType"])
            config["DedicatedMasterCount"] = int(cluster.get("dedicatedMasterCount", 3))
        zone_config = cluster.get("zoneAwarenessConfig")
        if zone_config:
            config["ZoneAwarenessConfig"] = {
                "AvailabilityZoneCount": int(zone_config["availabilityZoneCount"])
            }
        kwargs["ClusterConfig"] = config
    ebs = r.get("ebsOptions")
    if ebs:
        kwargs["EBSOptions"] = {
            "EBSEnabled": bool(ebs.get("ebsEnabled")),
            "VolumeType": ebs.get("volumeType", "gp3"),
            "VolumeSize": int(ebs.get("volumeSize", 10)),
        }
    vpc = r.get("vpcOptions")
    if vpc:
        kwargs["VPCOptions"] = {
            "SubnetIds": list(vpc.get("subnetIds", [])),
            "SecurityGroupIds": list(vpc.get("securityGroupIds", [])),
        }
    for prop, boto in (
        ("encryptAtRest", "EncryptionAtRestOptions"),
        ("nodeToNodeEncryption", "NodeToNodeEncryptionOptions"),
    ):
        if r.get(prop):
            kwargs[boto] = {"Enabled": bool(r.get(prop).get("enabled"))}
    endpoint_options = r.get("domainEndpointOptions")
    if endpoint_options:
        kwargs["DomainEndpointOptions"] = {
            "EnforceHTTPS": bool(endpoint_options.get("enforceHttps", False)),
            "TLSSecurityPolicy": endpoint_options.get("tlsSecurityPolicy", "Policy-Min-TLS-1-2-2019-07"),
        }
    logs = {
        o["logType"]: {
            "CloudWatchLogsLogGroupArn": o["cloudwatchLogGroupArn"],
            "Enabled": bool(o.get("enabled", True)),
        }
        for o in r.get("logPublishingOptions", [])
    }
    if logs:
        kwargs["LogPublishingOptions"] = logs
    if r.get("accessPolicies"):
        kwargs["AccessPolicies"] = r.get("accessPolicies")
    status = ctx.aws(r, "domainName", "opensearch", "create_domain", **kwargs)["DomainStatus"]
    endpoints = status.get("Endpoints") or {}
    endpoint = endpoints.get("vpc") or status.get("Endpoint") or ""
    return status["ARN"], {
        "domainName": name,
        "arn": status["ARN"],
        "domainId": status.get("DomainId", f"{ctx.account_id}/{name}"),
        "endpoint": endpoint,
        "dashboardEndpoint": f"{endpoint}/_dashboards" if endpoint else "",
    }


@emulates(
    "aws:opensearch/domainPolicy:DomainPolicy",
    note="update_domain_config with the access policy",
    replace_on={"domainName"},
    naming=UNNAMED,
    arn="",
)
def opensearch_domain_policy(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("domainName"))
    ctx.aws(
        r,
        "accessPolicies",
        "opensearch",
        "update_domain_config",
        DomainName=name,
        AccessPolicies=r.get("accessPolicies"),
    )
    return f"esd-policy-{name}", {}


DOMAIN = "aws:opensearch/domain:Domain"
CLUSTER_CONFIG = "https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_ClusterConfig.html"
MULTI_AZ_GUIDE = (
    "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-multiaz.html"
)
ZONE_COUNTS = (2, 3)
MIN_VOLUME = 10
# Largest gp2/gp3 EBS volume (GiB) per burstable data node type; the limits page lists the rest, whose gp3
# limits vary, so only the minimum is checked for them.
MAX_VOLUME = {
    "t2.micro.search": 35,
    "t2.small.search": 35,
    "t2.medium.search": 35,
    "t3.small.search": 100,
    "t3.medium.search": 200,
    "t4g.small.search": 100,
    "t4g.medium.search": 200,
}
EBS_LIMITS = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/limits.html#ebsresource"


def _zone_count(cluster: Mapping[str, Any]) -> int | None:
    if not cluster.get("zoneAwarenessEnabled"):
        return None
    return int((cluster.get("zoneAwarenessConfig") or {}).get("availabilityZoneCount", 2))


@rule(
    "opensearch-zone-count",
    DOMAIN,
    prop="clusterConfig.zoneAwarenessConfig.availabilityZoneCount",
    summary="Zone awareness spans 2 or 3 Availability Zones",
    source="https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_ZoneAwarenessConfig.html",
)
def _zone_count_allowed(ctx: Context, r: Resource) -> str | None:
    zones = _zone_count(r.get("clusterConfig", {}))
    if zones is None or zones in ZONE_COUNTS:
        return None
    return f"availabilityZoneCount must be 2 or 3; got {zones}"


@rule(
    "opensearch-nodes-per-zone",
    DOMAIN,
    prop="clusterConfig.instanceCount",
    summary="With zone awareness, the data node count is a multiple of the Availability Zone count",
    source=MULTI_AZ_GUIDE,
)
def _nodes_per_zone(ctx: Context, r: Resource) -> str | None:
    cluster = r.get("clusterConfig", {})
    zones = _zone_count(cluster)
    if zones not in ZONE_COUNTS:
        return None
    count = int(cluster.get("instanceCount", 1))
    if count % zones == 0:
        return None
    return (
        f"{count} data nodes can't spread evenly over {zones} Availability Zones: use a multiple of {zones}"
    )


@rule(
    "opensearch-subnets-per-zone",
    DOMAIN,
    prop="vpcOptions.subnetIds",
    summary="A VPC domain has one subnet per Availability Zone it spans (one without zone awareness)",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
)
def _subnets_per_zone(ctx: Context, r: Resource) -> str | None:
    vpc = r.get("vpcOptions")
    if not vpc or not vpc.get("subnetIds"):
        return None
    zones = _zone_count(r.get("clusterConfig", {})) or 1
    subnets = len(vpc["subnetIds"])
    if subnets == zones:
        return None
    return (
        f"the domain spans {zones} Availability Zone(s), so it takes exactly {zones} subnet(s); got {subnets}"
    )


@rule(
    "opensearch-dedicated-master-count",
    DOMAIN,
    prop="clusterConfig.dedicatedMasterCount",
    summary="Dedicated master nodes number more than 2 and not 4",
    source=CLUSTER_CONFIG + " (DedicatedMasterCount)",
)
def _master_count(ctx: Context, r: Resource) -> str | None:
    cluster = r.get("clusterConfig", {})
    count = cluster.get("dedicatedMasterCount")
    if not cluster.get("dedicatedMasterEnabled") or count is None:
        return None
    if int(count) > 2 and int(count) != 4:
        return None
    return f"{count} dedicated master nodes can't elect a leader safely: use 3 or 5"


@rule(
    "opensearch-ebs-volume-size",
    DOMAIN,
    prop="ebsOptions.volumeSize",
    summary="The EBS volume is at least 10 GiB and within the data node type's limit",
    source=EBS_LIMITS,
)
def _volume_size(ctx: Context, r: Resource) -> str | None:
    ebs = r.get("ebsOptions") or {}
    size = ebs.get("volumeSize")
    if not ebs.get("ebsEnabled") or size is None:
        return None
    if int(size) < MIN_VOLUME:
        return f"an EBS volume is at least {MIN_VOLUME} GiB; got {size}"
    instance_type = (r.get("clusterConfig") or {}).get("instanceType")
    limit = MAX_VOLUME.get(str(instance_type))
    if limit is not None and int(size) > limit:
        return f"{instance_type} data nodes take EBS volumes of at most {limit} GiB; got {size}"
    return None


@rule(
    "opensearch-fine-grained-access-prerequisites",
    DOMAIN,
    prop="advancedSecurityOptions",
    summary="Fine-grained access control needs enforced HTTPS, node-to-node encryption, encryption at rest",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html",
)
def _fine_grained(ctx: Context, r: Resource) -> str | None:
    if not (r.get("advancedSecurityOptions") or {}).get("enabled"):
        return None
    missing = [
        prop
        for prop, on in (
            (
                "domainEndpointOptions.enforceHttps",
                (r.get("domainEndpointOptions") or {}).get("enforceHttps"),
            ),
            ("nodeToNodeEncryption.enabled", (r.get("nodeToNodeEncryption") or {}).get("enabled")),
            ("encryptAtRest.enabled", (r.get("encryptAtRest") or {}).get("enabled")),
        )
        if not on
    ]
    if not missing:
        return None
    return f"fine-grained access control needs {', '.join(missing)} true"


def _offered_type(instance_type: str) -> bool:
    return instance_type in (load("opensearch_instance_types").lookup(ANY) or ()) or _newer_type(
        instance_type
    )


def _type_problem(instance_type: Any, role: str) -> str | None:
    if not isinstance(instance_type, str) or _offered_type(instance_type):
        return None
    return (
        f"{instance_type} is not an OpenSearch Service {role} instance type: a type is "
        "<family>.<size>.search, of a family the supported instance types page lists"
    )


@rule(
    "opensearch-instance-type-offered",
    DOMAIN,
    prop="clusterConfig.instanceType",
    summary="The data node type is one OpenSearch Service offers (the catalogue, or a newer family it lists)",
    source=SUPPORTED_INSTANCE_TYPES,
)
def _instance_type_offered(ctx: Context, r: Resource) -> str | None:
    return _type_problem((r.get("clusterConfig") or {}).get("instanceType"), "data node")


@rule(
    "opensearch-master-type-offered",
    DOMAIN,
    prop="clusterConfig.dedicatedMasterType",
    summary="The dedicated master type is one OpenSearch Service offers",
    source=SUPPORTED_INSTANCE_TYPES,
)
def _master_type_offered(ctx: Context, r: Resource) -> str | None:
    cluster = r.get("clusterConfig") or {}
    if not cluster.get("dedicatedMasterEnabled"):
        return None
    return _type_problem(cluster.get("dedicatedMasterType"), "dedicated master")


@rule(
    "opensearch-engine-version-offered",
    DOMAIN,
    prop="engineVersion",
    summary="The engine version is one OpenSearch Service offers (infra/offerings' opensearch_versions)",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/what-is.html#choosing-version",
)
def _engine_version_offered(ctx: Context, r: Resource) -> str | None:
    version = r.get("engineVersion")
    if not isinstance(version, str) or not re.fullmatch(r"(OpenSearch|Elasticsearch)_\d+\.\d+", version):
        return None  # a version off this form is refused by the service model's pattern
    offered = load("opensearch_versions").lookup(ANY) or ()
    if not offered or version in offered:
        return None
    same_engine = [v for v in offered if v.split("_")[0] == version.split("_")[0]]
    return f"OpenSearch Service offers no {version}; it offers {', '.join(same_engine[-6:])} and older"


WARM_COUNT = (2, 150)


@rule(
    "opensearch-warm-count",
    DOMAIN,
    prop="clusterConfig.warmCount",
    summary="A domain has 2-150 UltraWarm nodes",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/opensearch/domain.go"
    " (cluster_config.warm_count: validation.IntBetween(2, 150))",
)
def _warm_count(ctx: Context, r: Resource) -> str | None:
    count = (r.get("clusterConfig") or {}).get("warmCount")
    low, high = WARM_COUNT
    if not isinstance(count, int | float) or low <= count <= high:
        return None
    return f"warmCount {int(count)} is outside {low}-{high} UltraWarm nodes"


@rule(
    "opensearch-warm-needs-dedicated-masters",
    DOMAIN,
    prop="clusterConfig.warmEnabled",
    summary="UltraWarm storage needs dedicated master nodes",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ultrawarm.html",
)
def _warm_needs_masters(ctx: Context, r: Resource) -> str | None:
    cluster = r.get("clusterConfig") or {}
    if not cluster.get("warmEnabled") or cluster.get("dedicatedMasterEnabled"):
        return None
    return "UltraWarm (warmEnabled) needs dedicated master nodes: set dedicatedMasterEnabled"


# Families with no instance storage: their data nodes need EBS volumes (the supported instance types page
# marks the instance-store families, i3, i4g, i4i, im4gn, r6gd, r7gd, ..., as the ones that need none).
EBS_ONLY_FAMILIES = frozenset(
    {
        "c4",
        "c5",
        "c6g",
        "c7g",
        "c7i",
        "m4",
        "m5",
        "m6g",
        "m7g",
        "m7i",
        "m8g",
        "om2",
        "or1",
        "or2",
        "r4",
        "r5",
        "r6g",
        "r7g",
        "r7i",
        "r8g",
        "t2",
        "t3",
        "t4g",
    }
)


@rule(
    "opensearch-ebs-required",
    DOMAIN,
    prop="ebsOptions.ebsEnabled",
    summary="Data nodes of a type without instance storage have EBS volumes (ebsOptions.ebsEnabled true)",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createupdatedomains.html"
    " ; " + SUPPORTED_INSTANCE_TYPES,
)
def _ebs_required(ctx: Context, r: Resource) -> str | None:
    instance_type = (r.get("clusterConfig") or {}).get("instanceType")
    if not isinstance(instance_type, str) or instance_type.partition(".")[0] not in EBS_ONLY_FAMILIES:
        return None
    if (r.get("ebsOptions") or {}).get("ebsEnabled"):
        return None
    return f"{instance_type} has no instance storage: EBS storage must be enabled (ebsOptions.ebsEnabled)"


# Auto-Tune is not available on the T2 and T3 families (the T2 and T3 restrictions of the supported instance
# types page).
NO_AUTO_TUNE_FAMILIES = ("t2", "t3")


@rule(
    "opensearch-auto-tune-instance-type",
    DOMAIN,
    prop="autoTuneOptions.desiredState",
    summary="Auto-Tune is not enabled on T2 or T3 data nodes",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/auto-tune.html ; "
    + SUPPORTED_INSTANCE_TYPES,
)
def _auto_tune(ctx: Context, r: Resource) -> str | None:
    instance_type = (r.get("clusterConfig") or {}).get("instanceType")
    if (r.get("autoTuneOptions") or {}).get("desiredState") != "ENABLED" or not isinstance(
        instance_type, str
    ):
        return None
    if instance_type.partition(".")[0] not in NO_AUTO_TUNE_FAMILIES:
        return None
    return f"Auto-Tune isn't available on {instance_type}: set autoTuneOptions.desiredState DISABLED"


@rule(
    "opensearch-fine-grained-master-user",
    DOMAIN,
    prop="advancedSecurityOptions.masterUserOptions",
    summary="Fine-grained access control names a master user: a name and password with the internal user "
    "database, an IAM ARN without it",
    source="https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html#fgac-master-user"
    " ; https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_MasterUserOptions.html",
)
def _master_user(ctx: Context, r: Resource) -> str | None:
    options = r.get("advancedSecurityOptions") or {}
    if not options.get("enabled"):
        return None
    master = options.get("masterUserOptions") or {}
    if options.get("internalUserDatabaseEnabled"):
        if master.get("masterUserName") and master.get("masterUserPassword"):
            return None
        return (
            "with the internal user database, masterUserOptions needs masterUserName and masterUserPassword"
        )
    if master.get("masterUserArn"):
        return None
    return "without the internal user database, masterUserOptions needs masterUserArn (an IAM principal)"


# The families whose restrictions on the supported instance types page include no encryption of data at
# rest (T2 also no fine-grained access control, UltraWarm or Auto-Tune); T3 nodes do encrypt.
NO_ENCRYPTION_AT_REST_FAMILIES = ("m3", "r3", "t2")


@rule(
    "opensearch-encryption-at-rest-instance-type",
    DOMAIN,
    prop="encryptAtRest.enabled",
    summary="Encryption of data at rest is not enabled on M3, R3 or T2 data nodes",
    source=SUPPORTED_INSTANCE_TYPES + "#previous-gen",
)
def _encryption_at_rest(ctx: Context, r: Resource) -> str | None:
    instance_type = (r.get("clusterConfig") or {}).get("instanceType")
    if not (r.get("encryptAtRest") or {}).get("enabled") or not isinstance(instance_type, str):
        return None
    if instance_type.partition(".")[0] not in NO_ENCRYPTION_AT_REST_FAMILIES:
        return None
    return f"{instance_type} data nodes can't encrypt data at rest: choose a current generation type"
