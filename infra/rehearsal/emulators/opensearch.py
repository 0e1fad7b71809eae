"""OpenSearch Service: domains and their access policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, Where, emulates, stable_hex

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


def _domain_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    domain = s.get("domainName", name)
    return {
        "endpoint": f"vpc-{domain}-{stable_hex(name, length=26)}.{where.region}.es.amazonaws.com",
        "domainId": f"{where.account_id}/{domain}",
    }


@emulates(
    "aws:opensearch/domain:Domain",
    note="create_domain; the VPC endpoint is moto's",
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
            "InstanceType": cluster.get("instanceType"),
            "InstanceCount": int(cluster.get("instanceCount", 1)),
            "DedicatedMasterEnabled": bool(cluster.get("dedicatedMasterEnabled", False)),
            "ZoneAwarenessEnabled": bool(cluster.get("zoneAwarenessEnabled", False)),
        }
        if cluster.get("dedicatedMasterType"):
            config["DedicatedMasterType"] = cluster["dedicatedMasterType"]
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
