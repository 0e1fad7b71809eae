"""Elastic Load Balancing v2 cases: load balancers, target groups and targets, listeners and their rules."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import Net, network

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
