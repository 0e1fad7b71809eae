"""The web application firewall in front of the ALB: AWS managed rules, a per-IP rate limit, logged."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.rehearsal.emulators.wafv2 import LOG_DESTINATION_PREFIX
from infra.rehearsal.spec import spec_of

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
RATE_LIMIT_RULE = "rate-limit-per-ip"
RATE_WINDOW_SECONDS = 300
"""The window the rate limit counts over (the API's default; it accepts 60, 120, 300 and 600)."""
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)
"""Vendor AWS; the baseline (core, known bad inputs) and SQL database groups of AWS Managed Rules."""
MANAGED_VENDOR = "AWS"
# The core rule set blocks request bodies over 8 KB; a posting's description alone may hold 50,000
# characters (services/postings), and the service enforces its own body limit, so that rule only counts.
COUNTED_MANAGED_RULES = {"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)}
REDACTED_HEADERS = ("authorization",)
"""Never logged: bearer tokens travel in the Authorization header."""


def log_group_name(web_acl_name: str) -> str:
    """The WAF log group's name: WAF only logs to destinations named aws-waf-logs-... (the rehearsal's
    wafv2-logging-destination-prefix rule), within CloudWatch Logs' naming rules."""
    name = f"{LOG_DESTINATION_PREFIX}{web_acl_name}"
    naming = spec_of(LOG_GROUP).naming
    if problem := naming.problem(name):
        raise ValueError(f"{problem} ({LOG_GROUP}; {naming.source})")
    return name


def _visibility(metric_name: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )


def web_acl_rules(rate_limit: int) -> list[aws.wafv2.WebAclRuleArgs]:
    """The rate limit first (a flood is counted and blocked before the heavier inspection), then each
    managed rule group in order; every rule publishes its CloudWatch metrics under its own name."""
    rules = [
        aws.wafv2.WebAclRuleArgs(
            name=RATE_LIMIT_RULE,
            priority=0,
            action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
            statement=aws.wafv2.WebAclRuleStatementArgs(
                rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                    aggregate_key_type="IP", limit=rate_limit, evaluation_window_sec=RATE_WINDOW_SECONDS
                )
            ),
            visibility_config=_visibility(RATE_LIMIT_RULE),
        )
    ]
    for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1):
        overrides = [
            aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs(
                name=rule,
                action_to_use=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs(
                    count=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs()
                ),
            )
            for rule in COUNTED_MANAGED_RULES.get(group, ())
        ]
        rules.append(
            aws.wafv2.WebAclRuleArgs(
                name=group,
                priority=priority,
                # The group's own actions apply (no override); the SDK leaves this empty class unannotated.
                override_action=aws.wafv2.WebAclRuleOverrideActionArgs(
                    none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()  # type: ignore[no-untyped-call]
                ),
                statement=aws.wafv2.WebAclRuleStatementArgs(
                    managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                        vendor_name=MANAGED_VENDOR, name=group, rule_action_overrides=overrides or None
                    )
                ),
                visibility_config=_visibility(group),
            )
        )
    return rules


@dataclass(frozen=True, kw_only=True)
class WebFirewallArgs:
    load_balancer_arn: pulumi.Input[str]
    """The internet-facing ALB the web ACL filters."""
    web_acl_name: str
    """Fixed name of the web ACL: the WebACL dimension of its metrics; its log group is named after it."""
    rate_limit: int
    """Requests one client IP may send per RATE_WINDOW_SECONDS before the rest are blocked."""
    log_retention_days: int
    """Retention of the WAF log group."""


class WebFirewall(pulumi.ComponentResource):
    """A REGIONAL web ACL on the ALB that allows what no rule blocks, logging every request to CloudWatch
    Logs with the Authorization header redacted."""

    web_acl_arn: pulumi.Output[str]
    web_acl_name: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: WebFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:WebFirewall", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        web_acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            name=args.web_acl_name,
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=web_acl_rules(args.rate_limit),
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=args.web_acl_name, sampled_requests_enabled=True
            ),
            opts=child,
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-waf-logs",
            name=log_group_name(args.web_acl_name),
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-waf-logging",
            resource_arn=web_acl.arn,
            log_destination_configs=[log_group.arn],
            redacted_fields=[
                aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(
                        name=header
                    )
                )
                for header in REDACTED_HEADERS
            ],
            opts=child,
        )
        aws.wafv2.WebAclAssociation(
            f"{name}-waf-alb", resource_arn=args.load_balancer_arn, web_acl_arn=web_acl.arn, opts=child
        )
        self.web_acl_arn = web_acl.arn
        self.web_acl_name = web_acl.name
        self.log_group_name = log_group.name
        self.register_outputs(
            {
                "web_acl_arn": self.web_acl_arn,
                "web_acl_name": self.web_acl_name,
                "log_group_name": self.log_group_name,
            }
        )
