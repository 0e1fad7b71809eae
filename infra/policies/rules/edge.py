"""The public edge: load balancer listeners and attributes, the WAF in front of it, and the S3 bucket that
keeps its access logs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from infra.policies.model import Enforcement, Resource, Rule, Severity, Stack, Violation, as_list, as_mapping
from infra.policies.rules.common import LB_TYPES, LISTENER_TYPES, actions, allows, principals, statements

BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
RULE_GROUP = "aws:wafv2/ruleGroup:RuleGroup"
WAF_ASSOCIATIONS = (
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:wafregional/webAclAssociation:WebAclAssociation",
)
WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"

# ELB.17: the policies Security Hub accepts for HTTPS and TLS listeners.
RECOMMENDED_TLS_POLICIES = frozenset(
    {
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    }
)
# S3.6: actions no other account may be granted on a bucket.
CROSS_ACCOUNT_DENIED = ("s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy",
                        "s3:PutEncryptionConfiguration", "s3:PutObjectAcl", "s3:*", "*")  # fmt: skip
PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _is_application(resource: Resource) -> bool:
    return bool(resource.get("loadBalancerType", "application") == "application")


def _https_redirect(resource: Resource) -> Sequence[str] | None:
    if resource.get("protocol") != "HTTP":
        return None
    for action in as_list(resource.get("defaultActions")):
        action = as_mapping(action)
        redirect = as_mapping(action.get("redirect"))
        if action.get("type") != "redirect" or redirect.get("protocol") != "HTTPS":
            return [
                f"HTTP listener {resource.name} serves {action.get('type')} instead of redirecting to HTTPS"
            ]
    return []


def _drop_invalid_headers(resource: Resource) -> Sequence[str] | None:
    if not _is_application(resource):
        return None
    if resource.get("dropInvalidHeaderFields") is True:
        return []
    return [f"load balancer {resource.name} forwards invalid HTTP header fields"]


def _access_logs(resource: Resource) -> Sequence[str] | None:
    if resource.get("loadBalancerType") == "gateway":
        return None
    logs = as_mapping(resource.get("accessLogs"))
    if logs.get("enabled") is True and logs.get("bucket"):
        return []
    return [f"load balancer {resource.name} keeps no access logs"]


def _deletion_protection(resource: Resource) -> Sequence[str]:
    if resource.get("enableDeletionProtection") is True:
        return []
    return [f"load balancer {resource.name} can be deleted (enable_deletion_protection is off)"]


def _desync_mitigation(resource: Resource) -> Sequence[str] | None:
    if not _is_application(resource):
        return None
    mode = resource.get("desyncMitigationMode", "defensive")
    if mode in ("defensive", "strictest"):
        return []
    return [f"load balancer {resource.name} uses desync mitigation mode {mode}"]


def _multiple_zones(resource: Resource) -> Sequence[str]:
    zones = len(as_list(resource.get("subnets"))) or len(as_list(resource.get("subnetMappings")))
    return [] if zones >= 2 else [f"load balancer {resource.name} spans {zones} availability zone(s)"]


def _tls_policy(resource: Resource) -> Sequence[str] | None:
    if resource.get("protocol") not in ("HTTPS", "TLS"):
        return None
    policy = resource.get("sslPolicy")
    if policy in RECOMMENDED_TLS_POLICIES:
        return []
    return [f"listener {resource.name} uses TLS policy {policy}"]


def _web_acl(stack: Stack) -> list[Violation]:
    # ELB.16 judges every ALB, internal ones too (AWS Config's alb-waf-enabled); WAF Classic counts.
    return [
        Violation(lb.urn, f"application load balancer {lb.name} is associated with no WAF web ACL")
        for lb in stack.of_type(*LB_TYPES)
        if _is_application(lb) and not stack.referencing(lb, WAF_ASSOCIATIONS, "resourceArn")
    ]


def _waf_rules(resource: Resource) -> list[Any]:
    """A web ACL's or rule group's rules, as `rules` declares them or as the API's JSON in `ruleJson`."""
    return as_list(resource.get("rules")) or as_list(resource.get("ruleJson"))


def _web_acl_not_empty(resource: Resource) -> Sequence[str]:
    return [] if _waf_rules(resource) else [f"web ACL {resource.name} has no rules or rule groups"]


def _metrics_enabled(visibility: Any) -> bool:
    config = as_mapping(visibility)
    return (config.get("cloudwatchMetricsEnabled", config.get("CloudWatchMetricsEnabled"))) is True


def _rule_metrics(resource: Resource) -> Sequence[str]:
    kind = "web ACL" if resource.type == WEB_ACL else "rule group"
    problems = []
    if not _metrics_enabled(resource.get("visibilityConfig")):
        problems.append(f"{kind} {resource.name} sends no CloudWatch metrics")
    for rule in _waf_rules(resource):
        rule = as_mapping(rule)
        visibility = rule.get("visibilityConfig", rule.get("VisibilityConfig"))
        if not _metrics_enabled(visibility):
            name = rule.get("name", rule.get("Name"))
            problems.append(f"rule {name} of {kind} {resource.name} sends no CloudWatch metrics")
    return problems


def _waf_logging(stack: Stack) -> list[Violation]:
    violations = []
    for acl in stack.of_type(WEB_ACL):
        configs = stack.referencing(acl, (WAF_LOGGING,), "resourceArn")
        if not any(as_list(c.get("logDestinationConfigs")) for c in configs):
            violations.append(Violation(acl.urn, f"web ACL {acl.name} logs no requests"))
    return violations


def _bucket_policies(stack: Stack, bucket: Resource) -> list[Resource]:
    return stack.referencing(bucket, (BUCKET_POLICY,), "bucket")


def _ssl_only(stack: Stack) -> list[Violation]:
    violations = []
    for bucket in stack.of_type(BUCKET):
        denies_plain = any(
            s.get("Effect") == "Deny"
            and str(as_mapping(as_mapping(s.get("Condition")).get("Bool")).get("aws:SecureTransport")).lower()
            == "false"
            for p in _bucket_policies(stack, bucket)
            for s in statements(p.get("policy"))
        )
        if not denies_plain:
            violations.append(Violation(bucket.urn, f"bucket {bucket.name} accepts requests without TLS"))
    return violations


def _block_public_access(stack: Stack) -> list[Violation]:
    violations = []
    for bucket in stack.of_type(BUCKET):
        blocks = stack.referencing(bucket, (PUBLIC_ACCESS_BLOCK,), "bucket")
        if not any(all(b.get(flag) is True for flag in PUBLIC_ACCESS_FLAGS) for b in blocks):
            violations.append(
                Violation(
                    bucket.urn, f"bucket {bucket.name} has no public access block with all four settings on"
                )
            )
    return violations


def _no_acls(stack: Stack) -> list[Violation]:
    violations = []
    for bucket in stack.of_type(BUCKET):
        controls = stack.referencing(bucket, (OWNERSHIP,), "bucket")
        enforced = any(
            as_mapping(c.get("rule")).get("objectOwnership") == "BucketOwnerEnforced" for c in controls
        )
        if not enforced:
            violations.append(Violation(bucket.urn, f"bucket {bucket.name} still honours ACLs"))
        for acl in stack.referencing(bucket, (BUCKET_ACL,), "bucket"):
            violations.append(Violation(acl.urn, f"{acl.name} manages an ACL on bucket {bucket.name}"))
        if bucket.get("acl") not in (None, "private"):
            violations.append(
                Violation(bucket.urn, f"bucket {bucket.name} sets the canned ACL {bucket.get('acl')}")
            )
    return violations


def _not_public_policy(stack: Stack) -> list[Violation]:
    return [
        Violation(policy.urn, f"{policy.name} allows {', '.join(actions(s))} to everyone")
        for policy in stack.of_type(BUCKET_POLICY)
        for s in statements(policy.get("policy"))
        if allows(s) and "*" in principals(s) and not s.get("Condition")
    ]


def _no_cross_account_admin(stack: Stack) -> list[Violation]:
    violations = []
    for policy in stack.of_type(BUCKET_POLICY):
        for s in statements(policy.get("policy")):
            accounts = [p for p in principals(s) if p.startswith("AWS:") or p == "*"]
            granted = [a for a in actions(s) if a in CROSS_ACCOUNT_DENIED]
            if allows(s) and accounts and granted:
                violations.append(
                    Violation(
                        policy.urn, f"{policy.name} grants {', '.join(granted)} to {', '.join(accounts)}"
                    )
                )
    return violations


def _encryption(stack: Stack) -> list[Violation]:
    log_buckets = {urn for lb in stack.of_type(*LB_TYPES) for urn in lb.refs.get("accessLogs", ())}
    violations = []
    for bucket in stack.of_type(BUCKET):
        algorithms = {
            str(as_mapping(as_mapping(r).get("applyServerSideEncryptionByDefault")).get("sseAlgorithm"))
            for config in stack.referencing(bucket, (ENCRYPTION,), "bucket")
            for r in as_list(config.get("rules"))
        }
        if not algorithms - {"None"}:
            violations.append(Violation(bucket.urn, f"bucket {bucket.name} declares no default encryption"))
        elif bucket.urn in log_buckets and algorithms != {"AES256"}:
            violations.append(
                Violation(
                    bucket.urn,
                    f"bucket {bucket.name} receives load balancer logs but encrypts with "
                    f"{sorted(algorithms)}; "
                    "ELB writes only to SSE-S3 (AES256) buckets",
                )
            )
    return violations


RULES = (
    Rule(
        id="elb-http-redirects-to-https",
        control="ELB.1",
        desired="HTTP listeners of application load balancers only redirect to HTTPS.",
        explanation="Serve the application on an HTTPS listener and give the port-80 listener a single "
        "redirect action (protocol HTTPS, HTTP_301).",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=LISTENER_TYPES,
        check=_https_redirect,
    ),
    Rule(
        id="elb-drop-invalid-headers",
        control="ELB.4",
        desired="Application load balancers drop invalid HTTP header fields.",
        explanation="Set drop_invalid_header_fields=True (request smuggling defence).",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=LB_TYPES,
        check=_drop_invalid_headers,
    ),
    Rule(
        id="elb-access-logs",
        control="ELB.5",
        desired="Load balancers write access logs to S3.",
        explanation="Set access_logs={bucket, enabled: True} with a bucket that is SSE-S3 encrypted, denies "
        "plain HTTP, blocks public access and lets the ELB log delivery principal write under AWSLogs/.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=LB_TYPES,
        check=_access_logs,
    ),
    Rule(
        id="elb-deletion-protection",
        control="ELB.6",
        desired="Production load balancers have deletion protection on.",
        explanation="Set enable_deletion_protection=True in prod; dev and staging stay destroyable.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=LB_TYPES,
        check=_deletion_protection,
        prod_only=True,
    ),
    Rule(
        id="elb-desync-mitigation",
        control="ELB.12",
        desired="Application load balancers use the defensive or strictest desync mitigation mode.",
        explanation="Set desync_mitigation_mode='defensive' (the default) or 'strictest'.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=LB_TYPES,
        check=_desync_mitigation,
    ),
    Rule(
        id="elb-multiple-zones",
        control="ELB.13",
        desired="Load balancers span at least two availability zones.",
        explanation="Give subnets in two or more AZs.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=LB_TYPES,
        check=_multiple_zones,
    ),
    Rule(
        id="elb-waf-web-acl",
        control="ELB.16",
        desired="Production application load balancers are associated with a WAF web ACL.",
        explanation="Declare aws.wafv2.WebAclAssociation(resource_arn=<the ALB's arn>, web_acl_arn=...) with "
        "a REGIONAL web ACL (infra/components/waf.py), so that injection probes and request floods are "
        "filtered before they reach the service.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        stack_check=_web_acl,
        prod_only=True,
    ),
    Rule(
        id="elb-modern-tls-policy",
        control="ELB.17",
        desired="HTTPS and TLS listeners use a recommended TLS 1.3 security policy.",
        explanation="Set ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' (or another recommended policy).",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=LISTENER_TYPES,
        check=_tls_policy,
    ),
    Rule(
        id="waf-web-acl-not-empty",
        control="WAF.10",
        desired="Every WAF web ACL has at least one rule or rule group.",
        explanation="Give the web ACL rules (AWS managed rule groups, a rate-based rule); an empty web ACL "
        "lets every request through on its default action.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(WEB_ACL,),
        check=_web_acl_not_empty,
    ),
    Rule(
        id="waf-logging",
        control="WAF.11",
        desired="Every WAF web ACL logs the requests it inspects.",
        explanation="Declare aws.wafv2.WebAclLoggingConfiguration(resource_arn=<the web ACL's arn>, "
        "log_destination_configs=[...]) to a destination named aws-waf-logs-..., redacting credentials "
        "such as the Authorization header.",
        severity=Severity.LOW,
        enforcement=Enforcement.MANDATORY,
        stack_check=_waf_logging,
    ),
    Rule(
        id="waf-rule-metrics",
        control="WAF.12",
        desired="WAF web ACLs, rule groups and each of their rules send CloudWatch metrics.",
        explanation="Set visibility_config.cloudwatch_metrics_enabled=True on the web ACL or rule group and "
        "on every rule, so that blocked and allowed requests can be seen and alarmed on.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(WEB_ACL, RULE_GROUP),
        check=_rule_metrics,
    ),
    Rule(
        id="s3-policy-not-public",
        control="S3.2, S3.3",
        desired="No bucket policy allows anyone (Principal *) without a condition.",
        explanation="Name the principals (a service, a role) that need the bucket instead of '*'.",
        severity=Severity.CRITICAL,
        enforcement=Enforcement.MANDATORY,
        stack_check=_not_public_policy,
    ),
    Rule(
        id="s3-ssl-only",
        control="S3.5",
        desired="Every bucket's policy denies requests that do not use TLS.",
        explanation="Add a Deny statement for s3:* on the bucket and its objects when "
        "aws:SecureTransport is false.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        stack_check=_ssl_only,
    ),
    Rule(
        id="s3-no-cross-account-admin",
        control="S3.6",
        desired="No bucket policy grants other accounts policy, ACL or encryption changes.",
        explanation="Grant other principals only the object actions they need "
        "(e.g. s3:PutObject for log delivery).",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        stack_check=_no_cross_account_admin,
    ),
    Rule(
        id="s3-block-public-access",
        control="S3.8",
        desired="Every bucket has a public access block with all four settings on.",
        explanation="Declare aws.s3.BucketPublicAccessBlock with block_public_acls, block_public_policy, "
        "ignore_public_acls and restrict_public_buckets all True.",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        stack_check=_block_public_access,
    ),
    Rule(
        id="s3-no-acls",
        control="S3.12",
        desired="Buckets disable ACLs (object ownership BucketOwnerEnforced) and manage none.",
        explanation="Declare aws.s3.BucketOwnershipControls(rule={object_ownership: 'BucketOwnerEnforced'}) "
        "and grant access through the bucket policy only.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        stack_check=_no_acls,
    ),
    Rule(
        id="s3-default-encryption",
        control="platform",
        desired="Every bucket declares default encryption; load balancer log buckets use SSE-S3.",
        explanation="Declare aws.s3.BucketServerSideEncryptionConfiguration; ELB access logs can only be "
        "delivered to buckets encrypted with SSE-S3 (AES256).",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        stack_check=_encryption,
    ),
)
