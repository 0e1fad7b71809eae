"""WAF: a REGIONAL web ACL on the ALB, managed rules and a per-IP rate limit, logged without credentials."""

from __future__ import annotations

import pytest

from infra.components.waf import log_group_name
from tests.infra.program import children, run

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def metrics(name: str) -> dict[str, object]:
    return {"cloudwatchMetricsEnabled": True, "metricName": name, "sampledRequestsEnabled": True}


def managed(name: str, priority: int, **statement: object) -> dict[str, object]:
    return {
        "name": name,
        "priority": priority,
        "overrideAction": {"none": {}},
        "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": name, **statement}},
        "visibilityConfig": metrics(name),
    }


def test_web_acl_allows_by_default_after_the_rate_limit_and_the_managed_rule_groups() -> None:
    acl = run("dev").one(WEB_ACL, "postings-dev-waf").inputs
    assert {k: acl[k] for k in ("name", "scope", "defaultAction", "visibilityConfig")} == {
        "name": "postings-dev-waf",
        "scope": "REGIONAL",
        "defaultAction": {"allow": {}},
        "visibilityConfig": metrics("postings-dev-waf"),
    }
    assert acl["rules"] == [
        {
            "name": "rate-limit-per-ip",
            "priority": 0,
            "action": {"block": {}},
            "statement": {
                "rateBasedStatement": {"aggregateKeyType": "IP", "limit": 1000, "evaluationWindowSec": 300}
            },
            "visibilityConfig": metrics("rate-limit-per-ip"),
        },
        managed(
            "AWSManagedRulesCommonRuleSet",
            1,
            ruleActionOverrides=[{"name": "SizeRestrictions_BODY", "actionToUse": {"count": {}}}],
        ),
        managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
        managed("AWSManagedRulesSQLiRuleSet", 3),
    ]


def test_the_rate_limit_comes_from_the_stack_config() -> None:
    acl = run("dev", wafRateLimit=250).one(WEB_ACL, "postings-dev-waf").inputs
    assert acl["rules"][0]["statement"]["rateBasedStatement"]["limit"] == 250


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_stack_associates_its_web_acl_with_its_alb(stack: str) -> None:
    result = run(stack)
    acl = result.one(WEB_ACL, f"postings-{stack}-waf")
    association = result.one(ASSOCIATION, f"postings-{stack}-waf-alb").inputs
    alb = result.one("aws:lb/loadBalancer:LoadBalancer", f"postings-{stack}-alb")
    assert association == {"resourceArn": alb.state["arn"], "webAclArn": acl.state["arn"]}
    assert sorted((r.type, r.name) for r in children(result, "postings:infra:WebFirewall")) == [
        (LOG_GROUP, f"postings-{stack}-waf-logs"),
        (WEB_ACL, f"postings-{stack}-waf"),
        (ASSOCIATION, f"postings-{stack}-waf-alb"),
        (LOGGING, f"postings-{stack}-waf-logging"),
    ]


def test_requests_are_logged_for_the_stacks_retention_without_the_authorization_header() -> None:
    result = run("dev")
    group = result.one(LOG_GROUP, "postings-dev-waf-logs")
    assert group.inputs["name"] == "aws-waf-logs-postings-dev-waf"
    assert group.inputs["retentionInDays"] == 30
    assert (
        run("dev", logRetentionDays=90).one(LOG_GROUP, "postings-dev-waf-logs").inputs["retentionInDays"]
        == 90
    )
    logging = result.one(LOGGING, "postings-dev-waf-logging").inputs
    assert logging == {
        "resourceArn": result.one(WEB_ACL, "postings-dev-waf").state["arn"],
        "logDestinationConfigs": [group.state["arn"]],
        "redactedFields": [{"singleHeader": {"name": "authorization"}}],
    }


def test_the_log_group_name_is_refused_when_cloudwatch_would_refuse_it() -> None:
    assert log_group_name("postings-dev-waf") == "aws-waf-logs-postings-dev-waf"
    with pytest.raises(ValueError, match="aws:cloudwatch/logGroup:LogGroup"):
        log_group_name("postings dev")
