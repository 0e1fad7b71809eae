"""Elastic Load Balancing v2: load balancers, target groups and their targets, listeners and their rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    answers,
    tags_list,
    tags_map,
    the_one,
)
from infra.rehearsal.emulators.ec2 import SAME_VPC, groups_outside_the_subnets_vpc
from infra.rehearsal.spec import EVERY_INPUT, UNNAMED, Emulated, Naming, Where, emulates, rule, stable_hex

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


_SUBNET_MAPPING = {
    "subnetId": "SubnetId",
    "allocationId": "AllocationId",
    "privateIpv4Address": "PrivateIPv4Address",
    "ipv6Address": "IPv6Address",
}


def _subnet_mapping(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {api: str(mapping[key]) for key, api in _SUBNET_MAPPING.items() if mapping.get(key)}


@emulates(
    "aws:lb/loadBalancer:LoadBalancer",
    note="create_load_balancer, modify_load_balancer_attributes",
    replace_on={"customerOwnedIpv4Pool", "internal", "loadBalancerType", "name", "namePrefix"},
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
    mappings = [_subnet_mapping(m) for m in r.get("subnetMappings") or [] if m.get("subnetId")]
    if mappings:  # subnet_mappings stands for subnets (an NLB's Elastic IPs, private addresses)
        kwargs["SubnetMappings"] = mappings
        if not kwargs["Subnets"]:
            del kwargs["Subnets"]
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


# moto 5.2 knows no QUIC listeners or target groups, which NLBs take (network/load-balancer-listeners.html):
# they are created in moto with the protocol QUIC stands beside, then given their own protocol back.
_MOTO_PROTOCOL_STAND_INS = {"QUIC": "UDP", "TCP_QUIC": "TCP_UDP"}


def _moto_protocol(protocol: Any) -> Any:
    return _MOTO_PROTOCOL_STAND_INS.get(str(protocol), protocol)


def _moto_elbv2(ctx: Context) -> Any:
    from moto.elbv2.models import elbv2_backends

    return elbv2_backends[ctx.account_id][ctx.region]


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
        "TargetType": r.get("targetType", "instance"),
        "Tags": tags_list(r.get("tags")),
    }
    # A Lambda target group has no port, protocol or VPC; the provider sends none (target_group.go).
    if kwargs["TargetType"] != "lambda":
        kwargs.update(
            Protocol=_moto_protocol(r.get("protocol")), Port=int(r.get("port")), VpcId=r.get("vpcId")
        )
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
    if kwargs.get("Protocol") != r.get("protocol"):
        _moto_elbv2(ctx).target_groups[arn].protocol = r.get("protocol")
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
        "Protocol": _moto_protocol(r.get("protocol")),
        "Port": int(r.get("port")),
        "DefaultActions": [_action(a) for a in r.get("defaultActions", [])],
    }
    if r.get("certificateArn"):
        kwargs["Certificates"] = [{"CertificateArn": r.get("certificateArn")}]
    if r.get("sslPolicy"):
        kwargs["SslPolicy"] = r.get("sslPolicy")
    created = ctx.aws(r, "defaultActions", "elbv2", "create_listener", **kwargs)["Listeners"][0]
    if kwargs["Protocol"] != r.get("protocol"):
        balancer = _moto_elbv2(ctx).load_balancers[str(r.get("loadBalancerArn"))]
        balancer.listeners[created["ListenerArn"]].protocol = r.get("protocol")
    return created["ListenerArn"], {"arn": created["ListenerArn"]}


_ELB_API = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference"
_LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
_TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
_LISTENER = "aws:lb/listener:Listener"
_LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
_TARGET_GROUP_GO = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/elbv2/target_group.go"
)
MIN_ALB_ZONES = 2


def _subnet_zones(ctx: Context, subnet_ids: list[str]) -> set[str] | None:
    from botocore.exceptions import ClientError

    try:
        subnets = ctx.client("ec2").describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    except ClientError:
        return None
    return {s["AvailabilityZone"] for s in subnets}


@rule(
    "elbv2-groups-in-subnet-vpc",
    _LOAD_BALANCER,
    prop="securityGroups",
    summary="A load balancer's security groups belong to its subnets' VPC",
    source=SAME_VPC,
)
def _load_balancer_groups_in_vpc(ctx: Context, r: Resource) -> str | None:
    return groups_outside_the_subnets_vpc(ctx, r.get("subnets"), r.get("securityGroups"))


@rule(
    "elbv2-alb-two-zones",
    _LOAD_BALANCER,
    prop="subnets",
    summary="An Application Load Balancer has subnets in at least two Availability Zones",
    source="https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
    "application-load-balancers.html#availability-zones",
)
def _alb_two_zones(ctx: Context, r: Resource) -> str | None:
    if r.get("loadBalancerType", "application") != "application":
        return None
    subnet_ids = [str(s) for s in r.get("subnets", [])] + [
        str(m["subnetId"]) for m in r.get("subnetMappings", []) if m.get("subnetId")
    ]
    zones = _subnet_zones(ctx, subnet_ids) if subnet_ids else None
    if zones is None or len(zones) >= MIN_ALB_ZONES:
        return None
    return (
        f"an Application Load Balancer needs subnets in at least {MIN_ALB_ZONES} Availability Zones;"
        f" {', '.join(subnet_ids)} cover {', '.join(sorted(zones))}"
    )


LISTENER_PROTOCOLS = {
    "application": ("HTTP", "HTTPS"),
    "network": ("TCP", "TLS", "UDP", "TCP_UDP", "QUIC", "TCP_QUIC"),
    "gateway": ("GENEVE",),
}


def _load_balancer_type(ctx: Context, arn: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        found = ctx.client("elbv2").describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]
    except ClientError:
        return None
    return str(found[0]["Type"]) if found else None


@rule(
    "elbv2-listener-protocol",
    _LISTENER,
    prop="protocol",
    summary="A listener's protocol suits its load balancer: HTTP/HTTPS for ALBs, TCP/TLS/UDP/TCP_UDP/QUIC/"
    "TCP_QUIC for NLBs, GENEVE for GWLBs",
    source=f"{_ELB_API}/API_CreateListener.html (Protocol); https://docs.aws.amazon.com/elasticloadbalancing/"
    "latest/network/load-balancer-listeners.html (Protocols: TCP, TLS, UDP, TCP_UDP, QUIC, TCP_QUIC)",
)
def _listener_protocol(ctx: Context, r: Resource) -> str | None:
    protocol = r.get("protocol")
    kind = _load_balancer_type(ctx, str(r.get("loadBalancerArn", "")))
    allowed = LISTENER_PROTOCOLS.get(kind or "")
    if protocol is None or allowed is None or protocol in allowed:
        return None
    return f"a listener of a {kind} load balancer uses {', '.join(allowed)}, not {protocol}"


@rule(
    "elbv2-listener-certificate",
    _LISTENER,
    prop="certificateArn",
    summary="An HTTPS or TLS listener has a default certificate",
    source=f"{_ELB_API}/API_CreateListener.html (Certificates: required if the protocol is HTTPS or TLS)",
)
def _listener_certificate(ctx: Context, r: Resource) -> str | None:
    protocol = r.get("protocol")
    if protocol not in ("HTTPS", "TLS") or r.get("certificateArn"):
        return None
    return f"a {protocol} listener needs certificateArn"


MATCHER_RANGES = {"HTTP": (200, 499), "HTTPS": (200, 499)}
NLB_MATCHER_RANGE = (200, 599)
GRPC_MATCHER_RANGE = (0, 99)


def _codes(matcher: str) -> list[int] | None:
    """The status codes a matcher names ("200", "200,302", "200-299"), None when it is not one."""
    codes: list[int] = []
    for part in matcher.split(","):
        bounds = part.strip().split("-")
        if not all(b.strip().isdigit() for b in bounds) or len(bounds) > 2:
            return None
        codes.extend(int(b) for b in bounds)
    return codes


@rule(
    "elbv2-health-check-matcher",
    _TARGET_GROUP,
    prop="healthCheck",
    summary="A health check matcher names codes 200-499 for HTTP/HTTPS target groups, 200-599 for "
    "TCP/TLS ones, 0-99 for gRPC",
    source=f"{_ELB_API}/API_Matcher.html",
)
def _health_check_matcher(ctx: Context, r: Resource) -> str | None:
    check = r.get("healthCheck") or {}
    matcher = check.get("matcher")
    if not matcher:
        return None
    if r.get("protocolVersion") == "GRPC":
        low, high = GRPC_MATCHER_RANGE
    else:
        low, high = MATCHER_RANGES.get(str(r.get("protocol")), NLB_MATCHER_RANGE)
    codes = _codes(str(matcher))
    if codes is None:
        return f"matcher {matcher!r} is not a code, a list of codes or a range"
    wrong = [c for c in codes if not low <= c <= high]
    if wrong:
        return f"matcher {matcher!r}: {r.get('protocol')} target groups match codes {low}-{high}"
    return None


@rule(
    "elbv2-health-check-path",
    _TARGET_GROUP,
    prop="healthCheck",
    summary="A health check path or matcher is only for HTTP and HTTPS health checks",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/elbv2/"
    "target_group.go (CustomizeDiff: health_check.path and matcher not supported with protocol TCP); "
    f"{_ELB_API}/API_CreateTargetGroup.html (HealthCheckPath: HTTP/HTTPS health checks)",
)
def _health_check_path(ctx: Context, r: Resource) -> str | None:
    check = r.get("healthCheck") or {}
    protocol = check.get("protocol") or r.get("protocol")
    if protocol in (None, "HTTP", "HTTPS") or r.get("targetType") == "lambda":
        return None
    given = [key for key in ("path", "matcher") if check.get(key)]
    return f"health_check.{' and '.join(given)} cannot be set with protocol {protocol}" if given else None


# The health check protocols CreateTargetGroup takes per target group protocol: TCP only for NLB target
# groups; GENEVE, TLS, UDP and TCP_UDP never.
_HEALTH_CHECK_PROTOCOLS = {
    "HTTP": ("HTTP", "HTTPS"),
    "HTTPS": ("HTTP", "HTTPS"),
    "TCP": ("HTTP", "HTTPS", "TCP"),
    "TLS": ("HTTP", "HTTPS", "TCP"),
    "UDP": ("HTTP", "HTTPS", "TCP"),
    "TCP_UDP": ("HTTP", "HTTPS", "TCP"),
}


@rule(
    "elbv2-health-check-protocol",
    _TARGET_GROUP,
    prop="healthCheck.protocol",
    summary="A health check's protocol suits its target group: HTTP/HTTPS for HTTP and HTTPS target groups, "
    "also TCP for TCP, TLS, UDP and TCP_UDP ones; never TLS, UDP, TCP_UDP or GENEVE",
    source=f"{_ELB_API}/API_CreateTargetGroup.html (HealthCheckProtocol: the TCP protocol is not supported "
    "for health checks if the protocol of the target group is HTTP or HTTPS)",
)
def _health_check_protocol(ctx: Context, r: Resource) -> str | None:
    check = r.get("healthCheck") or {}
    protocol, group = check.get("protocol"), str(r.get("protocol", ""))
    allowed = _HEALTH_CHECK_PROTOCOLS.get(group)
    if not isinstance(protocol, str) or allowed is None or r.get("targetType") == "lambda":
        return None
    if protocol.upper() in allowed:
        return None
    return f"a {group} target group is health-checked over {' or '.join(allowed)}, not {protocol}"


_CONDITION_FIELDS = {
    "pathPattern": ("path-pattern", "PathPatternConfig"),
    "hostHeader": ("host-header", "HostHeaderConfig"),
    "httpRequestMethod": ("http-request-method", "HttpRequestMethodConfig"),
    "sourceIp": ("source-ip", "SourceIpConfig"),
}


def _condition(condition: Mapping[str, Any]) -> dict[str, Any]:
    for key, (field, config) in _CONDITION_FIELDS.items():
        if condition.get(key):
            return {"Field": field, config: {"Values": list(condition[key].get("values", []))}}
    header = condition.get("httpHeader")
    if header:
        return {
            "Field": "http-header",
            "HttpHeaderConfig": {
                "HttpHeaderName": header["httpHeaderName"],
                "Values": list(header["values"]),
            },
        }
    query = condition.get("queryStrings")
    if query:
        return {
            "Field": "query-string",
            "QueryStringConfig": {"Values": [{"Key": q.get("key", ""), "Value": q["value"]} for q in query]},
        }
    return {}


@emulates(
    "aws:lb/listenerRule:ListenerRule",
    note="create_rule; moto refuses a priority already in use on the listener",
    replace_on={"listenerArn"},
    naming=UNNAMED,
    arn="arn:{partition}:elasticloadbalancing:{region}:{account}:listener-rule/app/{id}",
)
def listener_rule(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "ListenerArn": r.get("listenerArn"),
        "Conditions": [_condition(c) for c in r.get("conditions", [])],
        "Actions": [_action(a) for a in r.get("actions", [])],
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("priority") is not None:
        kwargs["Priority"] = int(r.get("priority"))
    else:
        existing = ctx.aws(r, "listenerArn", "elbv2", "describe_rules", ListenerArn=r.get("listenerArn"))[
            "Rules"
        ]
        # The provider takes the next free priority after the listener's highest.
        kwargs["Priority"] = (
            max((int(x["Priority"]) for x in existing if x["Priority"].isdigit()), default=0) + 1
        )
    created = ctx.aws(r, "priority", "elbv2", "create_rule", **kwargs)["Rules"][0]
    return created["RuleArn"], {"arn": created["RuleArn"], "priority": kwargs["Priority"]}


def _target_type(ctx: Context, arn: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        groups = ctx.client("elbv2").describe_target_groups(TargetGroupArns=[arn])["TargetGroups"]
    except ClientError:
        return None
    return str(groups[0].get("TargetType", "instance")) if groups else None


_ATTACHMENT = "aws:lb/targetGroupAttachment:TargetGroupAttachment"


@rule(
    "elbv2-target-instance-exists",
    _ATTACHMENT,
    prop="targetId",
    summary="An instance target is an instance of the account",
    source=f"{_ELB_API}/API_RegisterTargets.html (InvalidTarget: the target does not exist)",
)
def _target_instance_exists(ctx: Context, r: Resource) -> str | None:
    from botocore.exceptions import ClientError

    if _target_type(ctx, str(r.get("targetGroupArn", ""))) != "instance":
        return None
    target = str(r.get("targetId", ""))
    try:
        ctx.client("ec2").describe_instances(InstanceIds=[target])
    except ClientError:
        return f"the target {target!r} is not an instance of the account"
    return None


@emulates(
    _ATTACHMENT,
    note="register_targets; the rule refuses an instance target that does not exist (moto does not)",
    replace_on={EVERY_INPUT},
    naming=UNNAMED,
    arn="",
)
def target_group_attachment(ctx: Context, r: Resource) -> Emulated:
    target: dict[str, Any] = {"Id": r.get("targetId")}
    if r.get("port") is not None:
        target["Port"] = int(r.get("port"))
    if r.get("availabilityZone"):
        target["AvailabilityZone"] = r.get("availabilityZone")
    ctx.aws(
        r, "targetId", "elbv2", "register_targets", TargetGroupArn=r.get("targetGroupArn"), Targets=[target]
    )
    # The provider's id: <target group arn>-<unique suffix>.
    return f"{r.get('targetGroupArn')}-{stable_hex(r.urn, length=20)}", {}


_TARGET_GROUP_ATTRIBUTES = f"{_ELB_API}/API_TargetGroupAttribute.html"
SLOW_START_SECONDS = (30, 900)


@rule(
    "elbv2-target-group-slow-start",
    _TARGET_GROUP,
    prop="slowStart",
    summary="A target group's slow start is 0 (off) or 30-900 seconds",
    source=f"{_TARGET_GROUP_GO} (validateSlowStart); "
    f"{_TARGET_GROUP_ATTRIBUTES} (slow_start.duration_seconds)",
)
def _slow_start(ctx: Context, r: Resource) -> str | None:
    seconds = r.get("slowStart")
    low, high = SLOW_START_SECONDS
    if not isinstance(seconds, int | float) or seconds == 0 or low <= seconds <= high:
        return None
    return f"slowStart {int(seconds)} is neither 0 (off) nor within {low}-{high} seconds"


# Target group protocol -> the stickiness types its load balancer offers (ALB, NLB, GWLB).
STICKINESS_TYPES = {
    "HTTP": ("lb_cookie", "app_cookie"),
    "HTTPS": ("lb_cookie", "app_cookie"),
    "TCP": ("source_ip",),
    "TLS": ("source_ip",),
    "UDP": ("source_ip",),
    "TCP_UDP": ("source_ip",),
    "GENEVE": ("source_ip_dest_ip", "source_ip_dest_ip_proto"),
}


@rule(
    "elbv2-target-group-stickiness-type",
    _TARGET_GROUP,
    prop="stickiness",
    summary="A target group's stickiness type suits its protocol: lb_cookie or app_cookie for HTTP/HTTPS "
    "(ALB), source_ip for TCP/TLS/UDP/TCP_UDP (NLB), source_ip_dest_ip(_proto) for GENEVE (GWLB)",
    source=f"{_TARGET_GROUP_ATTRIBUTES} (stickiness.type)",
)
def _stickiness_type(ctx: Context, r: Resource) -> str | None:
    stickiness = r.get("stickiness") or {}
    kind, allowed = stickiness.get("type"), STICKINESS_TYPES.get(str(r.get("protocol")))
    if not kind or allowed is None or stickiness.get("enabled") is False or kind in allowed:
        return None
    return (
        f"stickiness type {kind!r} is not offered for {r.get('protocol')} target groups"
        f" (use {', '.join(allowed)})"
    )


LB_COOKIE_SECONDS = (1, 604_800)


@rule(
    "elbv2-stickiness-cookie-duration",
    _TARGET_GROUP,
    prop="stickiness.cookieDuration",
    summary="A load balancer cookie lasts 1 second to 1 week (604,800 seconds)",
    source=f"{_TARGET_GROUP_ATTRIBUTES} (stickiness.lb_cookie.duration_seconds: 1 second to 1 week)",
)
def _stickiness_cookie_duration(ctx: Context, r: Resource) -> str | None:
    duration = (r.get("stickiness") or {}).get("cookieDuration")
    low, high = LB_COOKIE_SECONDS
    if not isinstance(duration, int | float) or low <= duration <= high:
        return None
    return f"stickiness.cookieDuration {int(duration)} is outside {low}-{high} seconds"


@rule(
    "elbv2-gateway-no-security-groups",
    _LOAD_BALANCER,
    prop="securityGroups",
    summary="A Gateway Load Balancer takes no security groups",
    source=f"{_ELB_API}/API_SetSecurityGroups.html (you can't associate a security group with a Gateway "
    f"Load Balancer); {_ELB_API}/API_CreateLoadBalancer.html (SecurityGroups: Application and Network Load "
    "Balancers)",
)
def _gateway_no_security_groups(ctx: Context, r: Resource) -> str | None:
    if r.get("loadBalancerType") != "gateway" or not r.get("securityGroups"):
        return None
    return "a Gateway Load Balancer takes no security groups"


IDLE_TIMEOUT_SECONDS = (1, 4000)


@rule(
    "elbv2-alb-idle-timeout",
    _LOAD_BALANCER,
    prop="idleTimeout",
    summary="An Application Load Balancer's idle timeout is 1-4000 seconds",
    source=f"{_ELB_API}/API_LoadBalancerAttribute.html (idle_timeout.timeout_seconds)",
)
def _idle_timeout(ctx: Context, r: Resource) -> str | None:
    seconds = r.get("idleTimeout")
    low, high = IDLE_TIMEOUT_SECONDS
    if r.get("loadBalancerType", "application") != "application" or not isinstance(seconds, int | float):
        return None
    return (
        None if low <= seconds <= high else f"idleTimeout {int(seconds)} is not within {low}-{high} seconds"
    )


def _forwarded_groups(actions: list[Any]) -> list[str]:
    """The target group ARNs a list of actions forwards to (targetGroupArn or forward.targetGroups)."""
    arns: list[str] = []
    for action in actions:
        if not isinstance(action, Mapping):
            continue
        if isinstance(action.get("targetGroupArn"), str):
            arns.append(action["targetGroupArn"])
        for group in (action.get("forward") or {}).get("targetGroups") or []:
            if isinstance(group.get("arn"), str):
                arns.append(group["arn"])
    return arns


def _listener(ctx: Context, arn: Any) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError

    if not isinstance(arn, str):
        return None
    try:
        found = ctx.client("elbv2").describe_listeners(ListenerArns=[arn])["Listeners"]
    except ClientError:
        return None
    return dict(found[0]) if found else None


def _group_protocol(ctx: Context, arn: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        groups = ctx.client("elbv2").describe_target_groups(TargetGroupArns=[arn])["TargetGroups"]
    except ClientError:
        return None
    return str(groups[0]["Protocol"]) if groups and groups[0].get("Protocol") else None


def _wrong_group_protocols(ctx: Context, load_balancer_arn: Any, actions: list[Any]) -> str | None:
    kind = _load_balancer_type(ctx, str(load_balancer_arn or ""))
    allowed = LISTENER_PROTOCOLS.get(kind or "")
    if allowed is None:
        return None
    for arn in _forwarded_groups(actions):
        protocol = _group_protocol(ctx, arn)  # None for a Lambda target group
        if protocol is not None and protocol not in allowed:
            return (
                f"{kind} load balancers forward to {', '.join(allowed)} target groups; {arn} uses {protocol}"
            )
    return None


_TARGET_GROUP_PROTOCOL = (
    f"{_ELB_API}/API_CreateTargetGroup.html (Protocol: HTTP or HTTPS for Application Load Balancers;"
    " TCP, TLS, UDP, TCP_UDP, QUIC or TCP_QUIC for Network Load Balancers; GENEVE for Gateway Load"
    " Balancers)"
)


@rule(
    "elbv2-listener-target-group-protocol",
    _LISTENER,
    prop="defaultActions",
    summary="A listener forwards to target groups of a protocol its load balancer supports",
    source=_TARGET_GROUP_PROTOCOL,
)
def _listener_group_protocol(ctx: Context, r: Resource) -> str | None:
    return _wrong_group_protocols(ctx, r.get("loadBalancerArn"), r.get("defaultActions") or [])


@rule(
    "elbv2-rule-target-group-protocol",
    _LISTENER_RULE,
    prop="actions",
    summary="A listener rule forwards to target groups of a protocol its load balancer supports",
    source=_TARGET_GROUP_PROTOCOL,
)
def _rule_group_protocol(ctx: Context, r: Resource) -> str | None:
    listener = _listener(ctx, r.get("listenerArn"))
    if listener is None:
        return None
    return _wrong_group_protocols(ctx, listener.get("LoadBalancerArn"), r.get("actions") or [])


FORWARD_STICKINESS_SECONDS = (1, 604800)


def _forward_stickiness(actions: list[Any]) -> str | None:
    low, high = FORWARD_STICKINESS_SECONDS
    for action in actions:
        stickiness = ((action or {}).get("forward") or {}).get("stickiness") or {}
        seconds = stickiness.get("duration")
        if isinstance(seconds, int | float) and not low <= seconds <= high:
            return f"forward.stickiness.duration {int(seconds)} is not within {low}-{high} seconds"
    return None


_STICKINESS_CONFIG = f"{_ELB_API}/API_TargetGroupStickinessConfig.html (DurationSeconds: 1-604800)"


@rule(
    "elbv2-listener-forward-stickiness",
    _LISTENER,
    prop="defaultActions",
    summary="A forward action's target group stickiness lasts 1-604800 seconds",
    source=_STICKINESS_CONFIG,
)
def _listener_forward_stickiness(ctx: Context, r: Resource) -> str | None:
    return _forward_stickiness(r.get("defaultActions") or [])


@rule(
    "elbv2-rule-forward-stickiness",
    _LISTENER_RULE,
    prop="actions",
    summary="A forward action's target group stickiness lasts 1-604800 seconds",
    source=_STICKINESS_CONFIG,
)
def _rule_forward_stickiness(ctx: Context, r: Resource) -> str | None:
    return _forward_stickiness(r.get("actions") or [])


_AUTHENTICATE = ("authenticate-cognito", "authenticate-oidc", "jwt-validation")
_AUTHENTICATE_SOURCE = (
    f"{_ELB_API}/API_Action.html (a rule for an HTTPS listener can also include one of the user"
    " authentication actions authenticate-oidc, authenticate-cognito or jwt-validation)"
)


def _authenticates_without_https(protocol: Any, actions: list[Any]) -> str | None:
    if protocol is None or protocol == "HTTPS":
        return None
    kinds = [a.get("type") for a in actions if isinstance(a, Mapping) and a.get("type") in _AUTHENTICATE]
    return f"{kinds[0]} needs an HTTPS listener, not {protocol}" if kinds else None


@rule(
    "elbv2-listener-authenticate-https",
    _LISTENER,
    prop="defaultActions",
    summary="A user authentication action (authenticate-cognito or -oidc, jwt-validation) needs HTTPS",
    source=_AUTHENTICATE_SOURCE,
)
def _listener_authenticate(ctx: Context, r: Resource) -> str | None:
    return _authenticates_without_https(r.get("protocol"), r.get("defaultActions") or [])


@rule(
    "elbv2-rule-authenticate-https",
    _LISTENER_RULE,
    prop="actions",
    summary="A user authentication action (authenticate-cognito or -oidc, jwt-validation) needs HTTPS",
    source=_AUTHENTICATE_SOURCE,
)
def _rule_authenticate(ctx: Context, r: Resource) -> str | None:
    listener = _listener(ctx, r.get("listenerArn"))
    if listener is None:
        return None
    return _authenticates_without_https(listener.get("Protocol"), r.get("actions") or [])


MAX_CONDITION_VALUES = 5


MAX_TARGET_GROUPS_PER_ACTION = 5
_LIMITS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html"


def _crowded_forward(actions: Any) -> str | None:
    for index, action in enumerate(actions or []):
        groups = ((action or {}).get("forward") or {}).get("targetGroups") or []
        if len(groups) > MAX_TARGET_GROUPS_PER_ACTION:
            return (
                f"action [{index}] forwards to {len(groups)} target groups; an action takes at most "
                f"{MAX_TARGET_GROUPS_PER_ACTION}"
            )
    return None


@rule(
    "elbv2-listener-forward-target-groups",
    _LISTENER,
    prop="defaultActions",
    summary=f"A forward action names at most {MAX_TARGET_GROUPS_PER_ACTION} target groups",
    source=f"{_LIMITS} (Target Groups per Action per Application Load Balancer: 5, not adjustable)",
)
def _listener_forward_target_groups(ctx: Context, r: Resource) -> str | None:
    return _crowded_forward(r.get("defaultActions"))


@rule(
    "elbv2-rule-forward-target-groups",
    _LISTENER_RULE,
    prop="actions",
    summary=f"A listener rule's forward action names at most {MAX_TARGET_GROUPS_PER_ACTION} target groups",
    source=f"{_LIMITS} (Target Groups per Action per Application Load Balancer: 5, not adjustable)",
)
def _rule_forward_target_groups(ctx: Context, r: Resource) -> str | None:
    return _crowded_forward(r.get("actions"))


@rule(
    "elbv2-rule-condition-values",
    _LISTENER_RULE,
    prop="conditions",
    summary=f"A listener rule's conditions hold at most {MAX_CONDITION_VALUES} values together",
    source="https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html"
    " (Condition values per rule: 5, not adjustable)",
)
def _condition_values(ctx: Context, r: Resource) -> str | None:
    count = 0
    for condition in r.get("conditions") or []:
        for key in (*_CONDITION_FIELDS, "httpHeader"):
            count += len((condition.get(key) or {}).get("values") or [])
        count += len(condition.get("queryStrings") or [])
    if count <= MAX_CONDITION_VALUES:
        return None
    return f"the rule's conditions hold {count} values; a rule takes at most {MAX_CONDITION_VALUES}"


# Besides the target group VPC's own ranges, an ip target may be in these (never a public address).
PRIVATE_TARGET_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")


@rule(
    "elbv2-ip-target-not-public",
    _ATTACHMENT,
    prop="targetId",
    summary="An ip target is an address of the target group's VPC, RFC 1918 or RFC 6598 ranges, not a "
    "publicly routable one",
    source="https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html"
    "#target-type (you can't specify publicly routable IP addresses)",
)
def _ip_target_not_public(ctx: Context, r: Resource) -> str | None:
    import ipaddress

    from botocore.exceptions import ClientError

    try:
        address = ipaddress.ip_address(str(r.get("targetId")))
    except ValueError:
        return None
    try:
        groups = ctx.client("elbv2").describe_target_groups(TargetGroupArns=[str(r.get("targetGroupArn"))])
    except ClientError:
        return None
    group = groups["TargetGroups"][0] if groups["TargetGroups"] else {}
    if group.get("TargetType") != "ip" or address.version != 4:
        return None
    ranges = list(PRIVATE_TARGET_RANGES)
    try:
        vpcs = ctx.client("ec2").describe_vpcs(VpcIds=[group["VpcId"]])["Vpcs"]
    except (ClientError, KeyError):
        vpcs = []
    ranges += [a["CidrBlock"] for v in vpcs for a in v.get("CidrBlockAssociationSet", [])]
    if any(address in ipaddress.ip_network(cidr) for cidr in ranges):
        return None
    return f"{address} is publicly routable; an ip target must be in the VPC's ranges or a private range"


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
    lb = the_one(GET_LOAD_BALANCER, "ELBv2 Load Balancer", balancers, args, ctx.region)
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
