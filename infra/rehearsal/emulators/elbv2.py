"""Elastic Load Balancing v2: load balancers, target groups, listeners."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, Where, emulates, stable_hex

ELB_NAME = Naming(
    max_length=32,
    pattern=r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?",
    source=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html"
        " and API_CreateTargetGroup.html"
        " (Name: up to 32 alphanumerics or hyphens, not starting or ending with a hyphen)"
    ),
)

MAX_ELB_NAME = 32


def _arn_suffix(arn: str) -> str:
    return arn.split(":", 5)[-1].split("/", 1)[-1]


def _load_balancer_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "dnsName": f"{s['name']}-{stable_hex(name, length=10)}.{where.region}.elb.amazonaws.com",
        "arnSuffix": f"app/{s['name']}/{stable_hex(name, length=16)}",
        "zoneId": "Z32O12XQLNTSW2",
    }


@emulates(
    "aws:lb/loadBalancer:LoadBalancer",
    note="create_load_balancer, modify_load_balancer_attributes",
    replace_on={"internal", "loadBalancerType", "name", "namePrefix"},
    naming=ELB_NAME,
    arn="arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/{id}",
    computed=_load_balancer_outputs,
)
def load_balancer(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
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


def _target_group_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {"arnSuffix": f"targetgroup/{s['name']}/{stable_hex(name, length=16)}"}


@emulates(
    "aws:lb/targetGroup:TargetGroup",
    note="create_target_group, modify_target_group_attributes",
    replace_on={
        "ipAddressType",
        "name",
        "namePrefix",
        "port",
        "protocol",
        "protocolVersion",
        "targetType",
        "vpcId",
    },
    naming=ELB_NAME,
    arn="arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{name}/{id}",
    computed=_target_group_outputs,
)
def target_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
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


@emulates(
    "aws:lb/listener:Listener",
    note="create_listener",
    replace_on={"loadBalancerArn"},
    naming=UNNAMED,
    arn="arn:{partition}:elasticloadbalancing:{region}:{account}:listener/app/{id}",
)
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
