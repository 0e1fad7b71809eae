"""WAFv2 cases: web ACLs, IP sets, regex pattern sets and associations."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import network

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
IP_SET = "aws:wafv2/ipSet:IpSet"
API = "https://docs.aws.amazon.com/waf/latest/APIReference"


def _visibility(metric: str) -> dict[str, Any]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


def _rate_rule(name: str = "rate", priority: int = 1, limit: int = 2000) -> dict[str, Any]:
    return {
        "name": name,
        "priority": priority,
        "action": {"block": {}},
        "statement": {"rate_based_statement": {"limit": limit, "aggregate_key_type": "IP"}},
        "visibility_config": _visibility(name),
    }


def _managed_rule(priority: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "name": "common",
        "priority": priority,
        "statement": {
            "managed_rule_group_statement": {"name": "AWSManagedRulesCommonRuleSet", "vendor_name": "AWS"}
        },
        "visibility_config": _visibility("common"),
        **extra,
    }


def _web_acl(rules: list[dict[str, Any]], **overrides: Any) -> aws.wafv2.WebAcl:
    args: dict[str, Any] = {
        "scope": "REGIONAL",
        "default_action": {"allow": {}},
        "rules": rules,
        "visibility_config": _visibility("api"),
    }
    args.update(overrides)
    return aws.wafv2.WebAcl("api", **args)


@valid("wafv2")
def wafv2_regional_acl_with_rate_limit_ip_block_and_managed_rules() -> None:
    blocked = aws.wafv2.IpSet(
        "blocked", scope="REGIONAL", ip_address_version="IPV4", addresses=["192.0.2.0/24", "198.51.100.7/32"]
    )
    aws.wafv2.IpSet("blocked-v6", scope="REGIONAL", ip_address_version="IPV6", addresses=["2001:db8::/32"])
    aws.wafv2.RegexPatternSet(
        "bots",
        scope="REGIONAL",
        regular_expressions=[{"regex_string": "(?i)badbot"}, {"regex_string": "^curl/"}],
    )
    block_listed = {
        "name": "blocked",
        "priority": 0,
        "action": {"block": {}},
        "statement": {"ip_set_reference_statement": {"arn": blocked.arn}},
        "visibility_config": _visibility("blocked"),
    }
    acl = _web_acl([block_listed, _rate_rule(), _managed_rule(override_action={"none": {}})])
    net = network()
    alb = aws.lb.LoadBalancer(
        "alb",
        load_balancer_type="application",
        subnets=[s.id for s in net.subnets],
        security_groups=[net.group.id],
    )
    aws.wafv2.WebAclAssociation("api-alb", resource_arn=alb.arn, web_acl_arn=acl.arn)


@refused("wafv2", token=WEB_ACL, prop="rules", source=f"{API}/API_Rule.html")
def wafv2_two_rules_with_the_same_priority() -> None:
    _web_acl([_rate_rule(priority=1), _managed_rule(priority=1, override_action={"none": {}})])


@refused("wafv2", token=WEB_ACL, prop="rules", source=f"{API}/API_Rule.html")
def wafv2_managed_rule_group_with_an_action() -> None:
    _web_acl([_managed_rule(action={"block": {}})])


@refused("wafv2", token=WEB_ACL, prop="rules", source=f"{API}/API_Rule.html")
def wafv2_rate_rule_without_action() -> None:
    rule = _rate_rule()
    del rule["action"]
    _web_acl([rule])


@refused("wafv2", token=WEB_ACL, prop="rules", source=f"{API}/API_RateBasedStatement.html")
def wafv2_rate_limit_of_five_requests() -> None:
    _web_acl([_rate_rule(limit=5)])


@refused("wafv2", token=WEB_ACL, prop="scope", source=f"{API}/API_CreateWebACL.html")
def wafv2_scope_global() -> None:
    _web_acl([_rate_rule()], scope="GLOBAL")


@refused("wafv2", token=WEB_ACL, prop="scope", source=f"{API}/API_CreateWebACL.html")
def wafv2_cloudfront_acl_outside_us_east_1() -> None:
    _web_acl([_rate_rule()], scope="CLOUDFRONT", region="eu-west-1")


@refused("wafv2", token=WEB_ACL, prop="visibilityConfig", source=f"{API}/API_VisibilityConfig.html")
def wafv2_metric_name_with_spaces() -> None:
    _web_acl([_rate_rule()], visibility_config=_visibility("api requests"))


@refused("wafv2", token=WEB_ACL, prop="name", source=f"{API}/API_CreateWebACL.html")
def wafv2_web_acl_name_with_dots() -> None:
    _web_acl([_rate_rule()], name="api.example.com")


@refused("wafv2", token=IP_SET, prop="addresses", source=f"{API}/API_CreateIPSet.html")
def wafv2_ip_set_address_without_prefix_length() -> None:
    aws.wafv2.IpSet("blocked", scope="REGIONAL", ip_address_version="IPV4", addresses=["192.0.2.44"])


@refused("wafv2", token=IP_SET, prop="addresses", source=f"{API}/API_CreateIPSet.html")
def wafv2_ipv6_block_in_an_ipv4_set() -> None:
    aws.wafv2.IpSet("blocked", scope="REGIONAL", ip_address_version="IPV4", addresses=["2001:db8::/32"])


@refused("wafv2", token=IP_SET, prop="addresses", source=f"{API}/API_CreateIPSet.html")
def wafv2_ip_set_matching_everything() -> None:
    aws.wafv2.IpSet("everyone", scope="REGIONAL", ip_address_version="IPV4", addresses=["0.0.0.0/0"])


@refused("wafv2", token=IP_SET, prop="ipAddressVersion", source=f"{API}/API_CreateIPSet.html")
def wafv2_ip_set_version_ipv5() -> None:
    aws.wafv2.IpSet("blocked", scope="REGIONAL", ip_address_version="IPV5", addresses=[])


@refused(
    "wafv2",
    token="aws:wafv2/webAclAssociation:WebAclAssociation",
    prop="resourceArn",
    source=f"{API}/API_AssociateWebACL.html",
)
def wafv2_association_with_a_cloudfront_distribution() -> None:
    acl = _web_acl([_rate_rule()])
    aws.wafv2.WebAclAssociation(
        "cdn",
        resource_arn="arn:aws:cloudfront::000000000000:distribution/E2QWRUHAPOMQZL",
        web_acl_arn=acl.arn,
    )


@refused(
    "wafv2",
    token="aws:wafv2/webAclAssociation:WebAclAssociation",
    prop="resourceArn",
    source=f"{API}/API_AssociateWebACL.html",
)
def wafv2_cloudfront_acl_associated_with_a_load_balancer() -> None:
    acl = _web_acl([_rate_rule()], scope="CLOUDFRONT", region="us-east-1")
    aws.wafv2.WebAclAssociation(
        "alb",
        resource_arn="arn:aws:elasticloadbalancing:eu-west-1:000000000000:loadbalancer/app/api/50dc6c495c0c9188",
        web_acl_arn=acl.arn,
    )


@refused(
    "wafv2",
    token="aws:wafv2/webAclAssociation:WebAclAssociation",
    prop="resourceArn",
    source=f"{API}/API_AssociateWebACL.html",
)
def wafv2_association_with_an_http_api_stage() -> None:
    api = aws.apigatewayv2.Api("api", name="orders", protocol_type="HTTP")
    stage = aws.apigatewayv2.Stage("default", api_id=api.id, name="$default")
    aws.wafv2.WebAclAssociation("api", resource_arn=stage.arn, web_acl_arn=_web_acl([_rate_rule()]).arn)


LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
GUIDE = "https://docs.aws.amazon.com/waf/latest/developerguide"


def _logging(log_group_names: list[str]) -> None:
    acl = _web_acl([_rate_rule()])
    groups = [aws.cloudwatch.LogGroup(name, name=name, retention_in_days=30) for name in log_group_names]
    aws.wafv2.WebAclLoggingConfiguration(
        "api-logging",
        resource_arn=acl.arn,
        log_destination_configs=[group.arn for group in groups],
        redacted_fields=[{"single_header": {"name": "authorization"}}],
        logging_filter={
            "default_behavior": "DROP",
            "filters": [
                {
                    "behavior": "KEEP",
                    "requirement": "MEETS_ANY",
                    "conditions": [{"action_condition": {"action": "BLOCK"}}],
                }
            ],
        },
    )


@valid("wafv2")
def wafv2_web_acl_logs_blocked_requests_without_the_authorization_header() -> None:
    _logging(["aws-waf-logs-api"])


@refused("wafv2", token=LOGGING, prop="logDestinationConfigs", source=f"{GUIDE}/logging-destinations.html")
def wafv2_logs_to_a_log_group_without_the_waf_prefix() -> None:
    _logging(["api-waf"])


@refused("wafv2", token=LOGGING, prop="logDestinationConfigs", source=f"{API}/API_LoggingConfiguration.html")
def wafv2_logs_to_two_log_groups() -> None:
    _logging(["aws-waf-logs-api", "aws-waf-logs-api-copy"])


@valid("wafv2")
def wafv2_cloudfront_acl_through_a_us_east_1_provider() -> None:
    use1 = aws.Provider("use1", region="us-east-1")
    _web_acl([_rate_rule()], scope="CLOUDFRONT", opts=pulumi.ResourceOptions(provider=use1))


@refused("wafv2", token=WEB_ACL, prop="scope", source=f"{API}/API_CreateWebACL.html")
def wafv2_cloudfront_acl_in_the_stack_region() -> None:
    _web_acl([_rate_rule()], scope="CLOUDFRONT")


def _windowed_rate_rule(window: int) -> dict[str, Any]:
    rule = _rate_rule()
    rule["statement"]["rate_based_statement"]["evaluation_window_sec"] = window
    return rule


@valid("wafv2")
def wafv2_rate_limits_over_two_and_ten_minutes() -> None:
    _web_acl([_windowed_rate_rule(120), {**_windowed_rate_rule(600), "name": "slow", "priority": 2}])


@refused("wafv2", token=WEB_ACL, prop="rules", source=f"{API}/API_RateBasedStatement.html")
def wafv2_rate_limit_over_ninety_seconds() -> None:
    _web_acl([_windowed_rate_rule(90)])
