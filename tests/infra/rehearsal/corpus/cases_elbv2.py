"""Elastic Load Balancing v2 cases: load balancers, target groups and targets, listeners and their rules."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import Net, network, role

API = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
TARGET_GROUP_GO = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/elbv2/target_group.go"
)


def _alb(net: Net, **overrides: Any) -> aws.lb.LoadBalancer:
    args: dict[str, Any] = {
        "load_balancer_type": "application",
        "subnets": [s.id for s in net.subnets],
        "security_groups": [net.group.id],
    }
    args.update(overrides)
    return aws.lb.LoadBalancer("web", **args)


def _target_group(net: Net, **overrides: Any) -> aws.lb.TargetGroup:
    args: dict[str, Any] = {"port": 8080, "protocol": "HTTP", "vpc_id": net.vpc.id, "target_type": "ip"}
    args.update(overrides)
    return aws.lb.TargetGroup("app", **args)


def _forward(group: aws.lb.TargetGroup) -> list[Any]:
    return [{"type": "forward", "target_group_arn": group.arn}]


@valid("elbv2")
def elbv2_alb_forwarding_http_to_a_target_group() -> None:
    net = network()
    balancer = _alb(net, idle_timeout=120)
    group = _target_group(
        net,
        health_check={
            "path": "/health",
            "interval": 15,
            "timeout": 5,
            "healthy_threshold": 2,
            "matcher": "200-299",
        },
    )
    aws.lb.Listener(
        "http", load_balancer_arn=balancer.arn, port=80, protocol="HTTP", default_actions=_forward(group)
    )


@valid("elbv2")
def elbv2_listener_rule_by_path() -> None:
    net = network()
    balancer = _alb(net)
    group = _target_group(net)
    listener = aws.lb.Listener(
        "http",
        load_balancer_arn=balancer.arn,
        port=80,
        protocol="HTTP",
        default_actions=[
            {"type": "fixed-response", "fixed_response": {"content_type": "text/plain", "status_code": "404"}}
        ],
    )
    aws.lb.ListenerRule(
        "api",
        listener_arn=listener.arn,
        priority=10,
        conditions=[{"path_pattern": {"values": ["/api/*"]}}],
        actions=_forward(group),
    )


@valid("elbv2")
def elbv2_nlb_tcp_listener_and_an_instance_target() -> None:
    net = network()
    balancer = aws.lb.LoadBalancer("tcp", load_balancer_type="network", subnets=[net.subnets[0].id])
    group = aws.lb.TargetGroup(
        "tcp", port=5432, protocol="TCP", vpc_id=net.vpc.id, health_check={"protocol": "TCP", "interval": 10}
    )
    aws.lb.Listener(
        "tcp", load_balancer_arn=balancer.arn, port=5432, protocol="TCP", default_actions=_forward(group)
    )
    ami = aws.ec2.get_ami(
        most_recent=True,
        owners=["amazon"],
        filters=[{"name": "name", "values": ["al2023-ami-2023.*-x86_64"]}],
    )
    host = aws.ec2.Instance("db", ami=ami.id, instance_type="t3.micro", subnet_id=net.subnets[0].id)
    aws.lb.TargetGroupAttachment("db", target_group_arn=group.arn, target_id=host.id, port=5432)


@valid("elbv2")
def elbv2_nlb_quic_listener() -> None:
    """An NLB listener may be QUIC (network/load-balancer-listeners.html), forwarding to a QUIC group."""
    net = network()
    balancer = aws.lb.LoadBalancer("quic", load_balancer_type="network", subnets=[net.subnets[0].id])
    group = aws.lb.TargetGroup("quic", port=443, protocol="QUIC", vpc_id=net.vpc.id, target_type="ip")
    aws.lb.Listener(
        "quic", load_balancer_arn=balancer.arn, port=443, protocol="QUIC", default_actions=_forward(group)
    )


@refused(
    "elbv2",
    token=LOAD_BALANCER,
    prop="subnets",
    source="https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html",
)
def elbv2_alb_in_one_zone() -> None:
    net = network()
    _alb(net, subnets=[net.subnets[0].id])


@refused("elbv2", token=LOAD_BALANCER, prop="name", source=f"{API}/API_CreateLoadBalancer.html")
def elbv2_load_balancer_name_over_32_characters() -> None:
    _alb(network(), name="postings-production-public-web-alb")


@refused("elbv2", token=LOAD_BALANCER, prop="loadBalancerType", source=f"{API}/API_CreateLoadBalancer.html")
def elbv2_load_balancer_type_that_does_not_exist() -> None:
    _alb(network(), load_balancer_type="classic")


@refused("elbv2", token=LISTENER, prop="protocol", source=f"{API}/API_CreateListener.html")
def elbv2_alb_listener_on_tcp() -> None:
    net = network()
    aws.lb.Listener(
        "tcp",
        load_balancer_arn=_alb(net).arn,
        port=443,
        protocol="TCP",
        default_actions=_forward(_target_group(net)),
    )


@refused("elbv2", token=LISTENER, prop="protocol", source=f"{API}/API_CreateListener.html")
def elbv2_nlb_listener_on_http() -> None:
    net = network()
    balancer = aws.lb.LoadBalancer("tcp", load_balancer_type="network", subnets=[net.subnets[0].id])
    group = aws.lb.TargetGroup("tcp", port=80, protocol="TCP", vpc_id=net.vpc.id)
    aws.lb.Listener(
        "http", load_balancer_arn=balancer.arn, port=80, protocol="HTTP", default_actions=_forward(group)
    )


@refused("elbv2", token=LISTENER, prop="certificateArn", source=f"{API}/API_CreateListener.html")
def elbv2_https_listener_without_a_certificate() -> None:
    net = network()
    aws.lb.Listener(
        "https",
        load_balancer_arn=_alb(net).arn,
        port=443,
        protocol="HTTPS",
        ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        default_actions=_forward(_target_group(net)),
    )


@refused("elbv2", token=TARGET_GROUP, prop="healthCheck", source=f"{API}/API_CreateTargetGroup.html")
def elbv2_health_check_timeout_not_below_interval() -> None:
    _target_group(network(), health_check={"path": "/health", "interval": 10, "timeout": 10})


@refused("elbv2", token=TARGET_GROUP, prop="healthCheck", source=f"{API}/API_CreateTargetGroup.html")
def elbv2_health_check_healthy_threshold_over_10() -> None:
    _target_group(network(), health_check={"path": "/health", "healthy_threshold": 15})


@refused("elbv2", token=TARGET_GROUP, prop="healthCheck", source=f"{API}/API_Matcher.html")
def elbv2_health_check_matcher_accepting_server_errors() -> None:
    _target_group(network(), health_check={"path": "/health", "matcher": "200-599"})


@refused("elbv2", token=TARGET_GROUP, prop="healthCheck", source=TARGET_GROUP_GO)
def elbv2_tcp_health_check_with_a_path() -> None:
    net = network()
    aws.lb.TargetGroup(
        "tcp",
        port=5432,
        protocol="TCP",
        vpc_id=net.vpc.id,
        health_check={"protocol": "TCP", "path": "/health"},
    )


@refused(
    "elbv2", token="aws:lb/listenerRule:ListenerRule", prop="priority", source=f"{API}/API_CreateRule.html"
)
def elbv2_two_listener_rules_with_one_priority() -> None:
    net = network()
    group = _target_group(net)
    listener = aws.lb.Listener(
        "http", load_balancer_arn=_alb(net).arn, port=80, protocol="HTTP", default_actions=_forward(group)
    )
    first = aws.lb.ListenerRule(
        "api",
        listener_arn=listener.arn,
        priority=10,
        conditions=[{"path_pattern": {"values": ["/api/*"]}}],
        actions=_forward(group),
    )
    aws.lb.ListenerRule(
        "admin",
        listener_arn=listener.arn,
        priority=10,
        conditions=[{"path_pattern": {"values": ["/admin/*"]}}],
        actions=_forward(group),
        opts=pulumi.ResourceOptions(depends_on=[first]),
    )


@refused(
    "elbv2",
    token="aws:lb/targetGroupAttachment:TargetGroupAttachment",
    prop="targetId",
    source=f"{API}/API_RegisterTargets.html",
)
def elbv2_attachment_of_an_instance_that_does_not_exist() -> None:
    net = network()
    group = _target_group(net, target_type="instance")
    aws.lb.TargetGroupAttachment(
        "gone", target_group_arn=group.arn, target_id="i-0123456789abcdef0", port=8080
    )


@refused(
    "elbv2",
    token=LOAD_BALANCER,
    prop="securityGroups",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
)
def elbv2_load_balancer_with_a_security_group_of_another_vpc() -> None:
    net, other = network(), network("other", "10.1.0.0/16")
    _alb(net, security_groups=[other.group.id])


@valid("elbv2")
def elbv2_lambda_target_group_behind_an_alb() -> None:
    """A Lambda target group has no port, protocol or VPC (the provider sends none)."""
    net = network()
    code = pulumi.AssetArchive(
        {"main.py": pulumi.StringAsset("def handler(event, context):\n    return {}\n")}
    )
    function = aws.lambda_.Function(
        "api",
        role=role("api", "lambda.amazonaws.com").arn,
        runtime="python3.12",
        handler="main.handler",
        code=code,
    )
    group = aws.lb.TargetGroup("api", target_type="lambda")
    permission = aws.lambda_.Permission(
        "alb",
        action="lambda:InvokeFunction",
        function=function.name,
        principal="elasticloadbalancing.amazonaws.com",
        source_arn=group.arn,
    )
    aws.lb.TargetGroupAttachment(
        "api",
        target_group_arn=group.arn,
        target_id=function.arn,
        opts=pulumi.ResourceOptions(depends_on=[permission]),
    )
    aws.lb.Listener(
        "http", load_balancer_arn=_alb(net).arn, port=80, protocol="HTTP", default_actions=_forward(group)
    )


@valid("elbv2")
def elbv2_sticky_slow_start_groups_with_weighted_forwarding() -> None:
    net = network()
    blue = _target_group(net, slow_start=30, stickiness={"type": "lb_cookie", "cookie_duration": 3600})
    green = aws.lb.TargetGroup(
        "green", port=8080, protocol="HTTP", vpc_id=net.vpc.id, target_type="ip", slow_start=900
    )
    listener = aws.lb.Listener(
        "http",
        load_balancer_arn=_alb(net, idle_timeout=4000).arn,
        port=80,
        protocol="HTTP",
        default_actions=[
            {
                "type": "forward",
                "forward": {
                    "target_groups": [{"arn": blue.arn, "weight": 90}, {"arn": green.arn, "weight": 10}],
                    "stickiness": {"enabled": True, "duration": 604800},
                },
            }
        ],
    )
    aws.lb.ListenerRule(
        "api",
        listener_arn=listener.arn,
        priority=10,
        conditions=[
            {"path_pattern": {"values": ["/api/*", "/v1/*", "/v2/*"]}},
            {"host_header": {"values": ["api.example.com", "www.example.com"]}},
        ],
        actions=_forward(green),
    )
    aws.lb.TargetGroupAttachment("in-vpc", target_group_arn=blue.arn, target_id="10.0.0.10", port=8080)
    aws.lb.TargetGroupAttachment(
        "peered", target_group_arn=blue.arn, target_id="172.31.5.9", port=8080, availability_zone="all"
    )
    nlb = aws.lb.LoadBalancer("tcp", load_balancer_type="network", subnets=[net.subnets[0].id])
    tcp = aws.lb.TargetGroup(
        "tcp", port=5432, protocol="TCP", vpc_id=net.vpc.id, stickiness={"type": "source_ip", "enabled": True}
    )
    aws.lb.Listener(
        "tcp", load_balancer_arn=nlb.arn, port=5432, protocol="TCP", default_actions=_forward(tcp)
    )


@refused("elbv2", token=TARGET_GROUP, prop="slowStart", source=TARGET_GROUP_GO)
def elbv2_slow_start_below_30_seconds() -> None:
    _target_group(network(), slow_start=10)


@refused("elbv2", token=TARGET_GROUP, prop="slowStart", source=TARGET_GROUP_GO)
def elbv2_slow_start_over_900_seconds() -> None:
    _target_group(network(), slow_start=1200)


@refused("elbv2", token=TARGET_GROUP, prop="stickiness", source=f"{API}/API_TargetGroupAttribute.html")
def elbv2_source_ip_stickiness_on_an_http_target_group() -> None:
    _target_group(network(), stickiness={"type": "source_ip", "enabled": True})


@refused("elbv2", token=TARGET_GROUP, prop="stickiness", source=f"{API}/API_TargetGroupAttribute.html")
def elbv2_cookie_stickiness_on_a_tcp_target_group() -> None:
    net = network()
    aws.lb.TargetGroup("tcp", port=5432, protocol="TCP", vpc_id=net.vpc.id, stickiness={"type": "lb_cookie"})


@refused("elbv2", token=LOAD_BALANCER, prop="idleTimeout", source=f"{API}/API_LoadBalancerAttribute.html")
def elbv2_alb_idle_timeout_over_4000_seconds() -> None:
    _alb(network(), idle_timeout=5000)


@refused("elbv2", token=LISTENER, prop="defaultActions", source=f"{API}/API_CreateTargetGroup.html")
def elbv2_nlb_forwarding_to_an_http_target_group() -> None:
    net = network()
    balancer = aws.lb.LoadBalancer("tcp", load_balancer_type="network", subnets=[net.subnets[0].id])
    aws.lb.Listener(
        "tcp",
        load_balancer_arn=balancer.arn,
        port=80,
        protocol="TCP",
        default_actions=_forward(_target_group(net)),
    )


@refused("elbv2", token=LISTENER, prop="defaultActions", source=f"{API}/API_CreateTargetGroup.html")
def elbv2_alb_forwarding_to_a_tcp_target_group() -> None:
    net = network()
    group = _target_group(net, protocol="TCP")
    aws.lb.Listener(
        "http",
        load_balancer_arn=_alb(net).arn,
        port=80,
        protocol="HTTP",
        default_actions=[{"type": "forward", "forward": {"target_groups": [{"arn": group.arn}]}}],
    )


@refused(
    "elbv2",
    token="aws:lb/listenerRule:ListenerRule",
    prop="actions",
    source=f"{API}/API_CreateTargetGroup.html",
)
def elbv2_alb_rule_forwarding_to_a_tcp_target_group() -> None:
    net = network()
    listener = aws.lb.Listener(
        "http",
        load_balancer_arn=_alb(net).arn,
        port=80,
        protocol="HTTP",
        default_actions=_forward(_target_group(net)),
    )
    tcp = aws.lb.TargetGroup("tcp", port=5432, protocol="TCP", vpc_id=net.vpc.id, target_type="ip")
    aws.lb.ListenerRule(
        "db",
        listener_arn=listener.arn,
        priority=10,
        conditions=[{"path_pattern": {"values": ["/db/*"]}}],
        actions=_forward(tcp),
    )


def _weighted(group: aws.lb.TargetGroup, duration: int) -> list[Any]:
    return [
        {
            "type": "forward",
            "forward": {
                "target_groups": [{"arn": group.arn}],
                "stickiness": {"enabled": True, "duration": duration},
            },
        }
    ]


@refused("elbv2", token=LISTENER, prop="defaultActions", source=f"{API}/API_TargetGroupStickinessConfig.html")
def elbv2_forward_stickiness_over_seven_days() -> None:
    net = network()
    aws.lb.Listener(
        "http",
        load_balancer_arn=_alb(net).arn,
        port=80,
        protocol="HTTP",
        default_actions=_weighted(_target_group(net), 700000),
    )


@refused(
    "elbv2",
    token="aws:lb/listenerRule:ListenerRule",
    prop="actions",
    source=f"{API}/API_TargetGroupStickinessConfig.html",
)
def elbv2_rule_forward_stickiness_of_zero_seconds() -> None:
    net = network()
    group = _target_group(net)
    listener = aws.lb.Listener(
        "http", load_balancer_arn=_alb(net).arn, port=80, protocol="HTTP", default_actions=_forward(group)
    )
    aws.lb.ListenerRule(
        "api",
        listener_arn=listener.arn,
        priority=10,
        conditions=[{"path_pattern": {"values": ["/api/*"]}}],
        actions=_weighted(group, 0),
    )


def _cognito() -> dict[str, Any]:
    pool = aws.cognito.UserPool("users")
    client = aws.cognito.UserPoolClient("alb", user_pool_id=pool.id, generate_secret=True)
    domain = aws.cognito.UserPoolDomain("login", domain="postings-login-corpus", user_pool_id=pool.id)
    return {"user_pool_arn": pool.arn, "user_pool_client_id": client.id, "user_pool_domain": domain.domain}


@refused("elbv2", token=LISTENER, prop="defaultActions", source=f"{API}/API_Action.html")
def elbv2_cognito_authentication_on_an_http_listener() -> None:
    net = network()
    actions: list[Any] = [
        {"type": "authenticate-cognito", "order": 1, "authenticate_cognito": _cognito()},
        {"type": "forward", "order": 2, "target_group_arn": _target_group(net).arn},
    ]
    aws.lb.Listener(
        "http", load_balancer_arn=_alb(net).arn, port=80, protocol="HTTP", default_actions=actions
    )


@refused("elbv2", token="aws:lb/listenerRule:ListenerRule", prop="actions", source=f"{API}/API_Action.html")
def elbv2_oidc_authentication_in_a_rule_of_an_http_listener() -> None:
    net = network()
    group = _target_group(net)
    listener = aws.lb.Listener(
        "http", load_balancer_arn=_alb(net).arn, port=80, protocol="HTTP", default_actions=_forward(group)
    )
    oidc = {
        "issuer": "https://login.example.com",
        "authorization_endpoint": "https://login.example.com/authorize",
        "token_endpoint": "https://login.example.com/token",
        "user_info_endpoint": "https://login.example.com/userinfo",
        "client_id": "alb",
        "client_secret": "not-a-real-secret",
    }
    actions: list[Any] = [
        {"type": "authenticate-oidc", "order": 1, "authenticate_oidc": oidc},
        {"type": "forward", "order": 2, "target_group_arn": group.arn},
    ]
    aws.lb.ListenerRule(
        "admin",
        listener_arn=listener.arn,
        priority=10,
        conditions=[{"path_pattern": {"values": ["/admin/*"]}}],
        actions=actions,
    )


LIMITS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html"


@refused("elbv2", token="aws:lb/listenerRule:ListenerRule", prop="conditions", source=LIMITS)
def elbv2_rule_with_six_condition_values() -> None:
    net = network()
    group = _target_group(net)
    listener = aws.lb.Listener(
        "http", load_balancer_arn=_alb(net).arn, port=80, protocol="HTTP", default_actions=_forward(group)
    )
    aws.lb.ListenerRule(
        "many",
        listener_arn=listener.arn,
        priority=10,
        conditions=[
            {"path_pattern": {"values": ["/a/*", "/b/*", "/c/*", "/d/*"]}},
            {"host_header": {"values": ["a.example.com", "b.example.com"]}},
        ],
        actions=_forward(group),
    )


@refused("elbv2", token="aws:lb/listenerRule:ListenerRule", prop="conditions", source=LIMITS)
def elbv2_rule_with_six_query_strings() -> None:
    net = network()
    group = _target_group(net)
    listener = aws.lb.Listener(
        "http", load_balancer_arn=_alb(net).arn, port=80, protocol="HTTP", default_actions=_forward(group)
    )
    aws.lb.ListenerRule(
        "query",
        listener_arn=listener.arn,
        priority=10,
        conditions=[{"query_strings": [{"key": f"k{i}", "value": "v"} for i in range(6)]}],
        actions=_forward(group),
    )


@refused(
    "elbv2",
    token="aws:lb/targetGroupAttachment:TargetGroupAttachment",
    prop="targetId",
    source="https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html",
)
def elbv2_ip_target_with_a_public_address() -> None:
    group = _target_group(network())
    aws.lb.TargetGroupAttachment("public", target_group_arn=group.arn, target_id="8.8.8.8", port=8080)


@valid("elbv2")
def elbv2_tcp_target_group_checked_over_http() -> None:
    net = network()
    _target_group(net, port=443, protocol="TCP", health_check={"protocol": "HTTP", "path": "/health"})


@refused("elbv2", token=TARGET_GROUP, prop="healthCheck.protocol", source=f"{API}/API_CreateTargetGroup.html")
def elbv2_http_target_group_checked_over_tcp() -> None:
    _target_group(network(), health_check={"protocol": "TCP"})


@valid("elbv2")
def elbv2_nlb_on_elastic_ips_by_subnet_mapping() -> None:
    net = network()
    gateway = aws.ec2.InternetGateway("igw", vpc_id=net.vpc.id)
    addresses = [aws.ec2.Eip(f"nlb-{index}", domain="vpc") for index in range(2)]
    aws.lb.LoadBalancer(
        "edge",
        load_balancer_type="network",
        subnet_mappings=[
            {"subnet_id": subnet.id, "allocation_id": address.id}
            for subnet, address in zip(net.subnets, addresses, strict=True)
        ],
        opts=pulumi.ResourceOptions(depends_on=[gateway]),
    )


def _weighted_across(count: int) -> list[Any]:
    net = network()
    groups = [
        aws.lb.TargetGroup(f"app-{index}", port=8080, protocol="HTTP", vpc_id=net.vpc.id, target_type="ip")
        for index in range(count)
    ]
    listener = aws.lb.Listener(
        "http",
        load_balancer_arn=_alb(net).arn,
        port=80,
        protocol="HTTP",
        default_actions=[
            {"type": "forward", "forward": {"target_groups": [{"arn": g.arn, "weight": 1} for g in groups]}}
        ],
    )
    return [listener]


@valid("elbv2")
def elbv2_listener_weighted_across_five_target_groups() -> None:
    _weighted_across(5)


@refused("elbv2", token=LISTENER, prop="defaultActions", source=LIMITS)
def elbv2_listener_weighted_across_six_target_groups() -> None:
    _weighted_across(6)


@refused("elbv2", token="aws:lb/listenerRule:ListenerRule", prop="actions", source=LIMITS)
def elbv2_rule_weighted_across_six_target_groups() -> None:
    net = network()
    groups = [
        aws.lb.TargetGroup(f"app-{index}", port=8080, protocol="HTTP", vpc_id=net.vpc.id, target_type="ip")
        for index in range(6)
    ]
    listener = aws.lb.Listener(
        "http", load_balancer_arn=_alb(net).arn, port=80, protocol="HTTP", default_actions=_forward(groups[0])
    )
    aws.lb.ListenerRule(
        "canary",
        listener_arn=listener.arn,
        priority=10,
        actions=[
            {"type": "forward", "forward": {"target_groups": [{"arn": g.arn, "weight": 1} for g in groups]}}
        ],
        conditions=[{"path_pattern": {"values": ["/api/*"]}}],
    )


@valid("elbv2")
def elbv2_target_group_cookie_for_a_week() -> None:
    _target_group(network(), stickiness={"type": "lb_cookie", "cookie_duration": 604800, "enabled": True})


@refused(
    "elbv2",
    token=TARGET_GROUP,
    prop="stickiness.cookieDuration",
    source=f"{API}/API_TargetGroupAttribute.html",
)
def elbv2_target_group_cookie_beyond_a_week() -> None:
    _target_group(network(), stickiness={"type": "lb_cookie", "cookie_duration": 700000, "enabled": True})


@refused("elbv2", token=LOAD_BALANCER, prop="securityGroups", source=f"{API}/API_SetSecurityGroups.html")
def elbv2_gateway_load_balancer_with_security_groups() -> None:
    net = network()
    aws.lb.LoadBalancer(
        "inspection",
        load_balancer_type="gateway",
        subnets=[s.id for s in net.subnets],
        security_groups=[net.group.id],
    )
