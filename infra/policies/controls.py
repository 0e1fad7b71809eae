"""The FSBP controls of the services the platform uses, each mapped to its rule or to why none applies, and
the few controls of other Security Hub standards the pack enforces as well."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from infra.policies.model import Enforcement, Rule
from infra.policies.rules import BY_ID, RULES


class Coverage(StrEnum):
    RULE = "rule"
    RUNTIME = "runtime"
    """Decided by what happens after deployment (snapshots taken, credentials used, tunnels up)."""
    ACCOUNT = "account"
    """An account-wide setting or resource, owned by the account baseline rather than this stack."""
    NOT_USED = "not used"
    """The platform declares no resource the control applies to; a rule would have nothing to judge."""


FSBP = "FSBP"


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    coverage: Coverage
    rule: str | None = None
    why: str = ""
    standard: str = FSBP
    """The Security Hub standard(s) the control belongs to: FSBP, or where FSBP leaves it out, the others."""

    @property
    def in_fsbp(self) -> bool:
        return self.standard == FSBP


def _rule(control_id: str, title: str, rule_id: str, why: str = "") -> Control:
    return Control(control_id, title, Coverage.RULE, rule=rule_id, why=why)


def _runtime(control_id: str, title: str, why: str) -> Control:
    return Control(control_id, title, Coverage.RUNTIME, why=why)


def _account(control_id: str, title: str, why: str) -> Control:
    return Control(control_id, title, Coverage.ACCOUNT, why=why)


def _unused(control_id: str, title: str, why: str) -> Control:
    return Control(control_id, title, Coverage.NOT_USED, why=why)


def _beyond_fsbp(control_id: str, title: str, rule_id: str, standards: str) -> Control:
    """A Security Hub control FSBP does not include, enforced because the platform needs it all the same."""
    why = f"not in FSBP; Security Hub checks it under {standards}"
    return Control(control_id, title, Coverage.RULE, rule=rule_id, why=why, standard=standards)


CLB = "no Classic Load Balancer (the platform uses an ALB)"
CLUSTER = "no Aurora/RDS DB clusters (the platform runs one RDS instance)"
LEGACY_ES = "no legacy Elasticsearch domains (aws.opensearch.Domain is judged by Opensearch.*)"
EVENTS = "RDS event subscriptions are account-wide notification plumbing, not part of a workload stack"
WAF_CLASSIC = "no AWS WAF Classic resources (the platform's web ACL is WAFv2)"
# Security Hub user guide, elb-controls.html#elb-16 and waf-controls.html#waf-11 (Related requirements);
# neither is in the FSBP list (https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html).
NIST = "NIST SP 800-53 Rev. 5"

CONTROLS: tuple[Control, ...] = (
    _runtime(
        "EC2.1", "EBS snapshots should not be publicly restorable", "snapshots are taken after deployment"
    ),
    _rule(
        "EC2.2",
        "VPC default security groups should not allow inbound or outbound traffic",
        "ec2-default-sg-closed",
    ),
    _rule("EC2.3", "Attached EBS volumes should be encrypted at-rest", "ec2-volumes-encrypted"),
    _runtime(
        "EC2.4", "Stopped EC2 instances should be removed after a specified time period", "instance state"
    ),
    _rule("EC2.6", "VPC flow logging should be enabled in all VPCs", "ec2-vpc-flow-logs"),
    _account("EC2.7", "EBS default encryption should be enabled", "a per-account, per-region setting"),
    _rule("EC2.8", "EC2 instances should use IMDSv2", "ec2-imdsv2"),
    _rule("EC2.9", "EC2 instances should not have a public IPv4 address", "ec2-no-public-ip"),
    _rule(
        "EC2.10",
        "Amazon EC2 should be configured to use VPC endpoints for the EC2 service",
        "ec2-vpc-endpoint-ec2",
    ),
    _rule(
        "EC2.15",
        "EC2 subnets should not automatically assign public IP addresses",
        "ec2-subnet-no-auto-public-ip",
    ),
    _account(
        "EC2.16", "Unused Network ACLs should be removed", "NACL attachments are account state; none declared"
    ),
    _rule("EC2.17", "EC2 instances should not use multiple ENIs", "ec2-single-eni"),
    _rule(
        "EC2.18",
        "Security groups should only allow unrestricted incoming traffic for authorized ports",
        "ec2-sg-open-only-authorised-ports",
    ),
    _rule(
        "EC2.19",
        "Security groups should not allow unrestricted access to ports with high risk",
        "ec2-sg-no-open-high-risk-ports",
    ),
    _runtime(
        "EC2.20", "Both VPN tunnels for a Site-to-Site VPN connection should be up", "tunnel state; no VPN"
    ),
    _rule(
        "EC2.21",
        "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389",
        "ec2-nacl-no-open-admin-ports",
    ),
    _runtime(
        "EC2.22",
        "Unused EC2 security groups should be removed",
        "use is attachment to network interfaces at runtime, possibly by other stacks",
    ),
    _unused(
        "EC2.23",
        "Transit Gateways should not automatically accept VPC attachment requests",
        "no transit gateway",
    ),
    _runtime(
        "EC2.24",
        "Paravirtual EC2 instance types should not be used",
        "the virtualization type comes from the AMI looked up at deployment",
    ),
    _unused(
        "EC2.25",
        "EC2 launch templates should not assign public IPs to network interfaces",
        "no launch templates",
    ),
    _account("EC2.28", "EBS volumes should be covered by a backup plan", "AWS Backup plans are account-wide"),
    _unused(
        "EC2.51", "EC2 Client VPN endpoints should have client connection logging enabled", "no Client VPN"
    ),
    _unused("EC2.170", "EC2 launch templates should use IMDSv2", "no launch templates"),
    _unused("EC2.171", "EC2 VPN connections should have logging enabled", "no VPN connections"),
    _account(
        "EC2.172",
        "EC2 VPC Block Public Access settings should block internet gateway traffic",
        "an account-wide setting; the platform's public subnets need their internet gateway",
    ),
    _account(
        "EC2.182", "EBS snapshots should not be publicly accessible (block public access)", "account setting"
    ),
    _rule(
        "ECS.1",
        "ECS task definitions should have secure networking modes and user definitions",
        "ecs-task-host-network-secure",
        "retired by Security Hub in March 2026 in favour of ECS.4, ECS.17 and ECS.20; kept, it costs nothing",
    ),
    _rule(
        "ECS.2",
        "ECS services should not have public IP addresses assigned to them automatically",
        "ecs-service-no-public-ip",
    ),
    _rule(
        "ECS.3", "ECS task definitions should not share the host's process namespace", "ecs-task-no-host-pid"
    ),
    _rule("ECS.4", "ECS containers should run as non-privileged", "ecs-container-not-privileged"),
    _rule(
        "ECS.5",
        "ECS containers should be limited to read-only access to root filesystems",
        "ecs-container-read-only-root",
    ),
    _rule(
        "ECS.8",
        "Secrets should not be passed as container environment variables",
        "ecs-no-secrets-in-environment",
    ),
    _rule("ECS.9", "ECS task definitions should have a logging configuration", "ecs-container-logging"),
    _rule(
        "ECS.10",
        "ECS Fargate services should run on the latest Fargate platform version",
        "ecs-fargate-latest-platform",
    ),
    _rule("ECS.12", "ECS clusters should use Container Insights", "ecs-cluster-container-insights"),
    _unused("ECS.16", "ECS task sets should not automatically assign public IP addresses", "no task sets"),
    _rule("ECS.17", "ECS task definitions should not use host network mode", "ecs-task-no-host-network"),
    _rule(
        "ECS.18",
        "ECS task definitions should use in-transit encryption for EFS volumes",
        "ecs-efs-in-transit-encryption",
    ),
    _unused(
        "ECS.19",
        "ECS capacity providers should have managed termination protection enabled",
        "Fargate only; no Auto Scaling group capacity providers",
    ),
    _rule(
        "ECS.20",
        "ECS task definitions should configure non-root users in Linux container definitions",
        "ecs-container-non-root-user",
    ),
    _unused(
        "ECS.21",
        "ECS task definitions should configure non-administrator users in Windows containers",
        "Linux containers only",
    ),
    _rule(
        "ELB.1",
        "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
        "elb-http-redirects-to-https",
    ),
    _unused("ELB.2", "Classic Load Balancers with SSL/HTTPS listeners should use an ACM certificate", CLB),
    _unused(
        "ELB.3", "Classic Load Balancer listeners should be configured with HTTPS or TLS termination", CLB
    ),
    _rule(
        "ELB.4",
        "Application Load Balancer should be configured to drop invalid HTTP headers",
        "elb-drop-invalid-headers",
    ),
    _rule("ELB.5", "Application and Classic Load Balancers logging should be enabled", "elb-access-logs"),
    _rule(
        "ELB.6",
        "Application, Gateway, and Network Load Balancers should have deletion protection enabled",
        "elb-deletion-protection",
    ),
    _unused("ELB.7", "Classic Load Balancers should have connection draining enabled", CLB),
    _unused(
        "ELB.8", "Classic Load Balancers with SSL listeners should use a predefined security policy", CLB
    ),
    _unused("ELB.9", "Classic Load Balancers should have cross-zone load balancing enabled", CLB),
    _unused("ELB.10", "Classic Load Balancer should span multiple Availability Zones", CLB),
    _rule(
        "ELB.12",
        "Application Load Balancer should be configured with defensive or strictest desync mitigation",
        "elb-desync-mitigation",
    ),
    _rule(
        "ELB.13",
        "Application, Network and Gateway Load Balancers should span multiple Availability Zones",
        "elb-multiple-zones",
    ),
    _unused(
        "ELB.14",
        "Classic Load Balancer should be configured with defensive or strictest desync mitigation",
        CLB,
    ),
    _beyond_fsbp(
        "ELB.16",
        "Application Load Balancers should be associated with an AWS WAF web ACL",
        "elb-waf-web-acl",
        NIST,
    ),
    _rule(
        "ELB.17",
        "Application and Network Load Balancers with listeners should use recommended security policies",
        "elb-modern-tls-policy",
    ),
    _runtime("RDS.1", "RDS snapshot should be private", "snapshots are taken and shared after deployment"),
    _rule("RDS.2", "RDS DB Instances should prohibit public access", "rds-not-public"),
    _rule("RDS.3", "RDS DB instances should have encryption at-rest enabled", "rds-encrypted"),
    _runtime(
        "RDS.4",
        "RDS cluster snapshots and database snapshots should be encrypted at rest",
        "snapshots exist only after deployment; those of an instance passing RDS.3 are encrypted",
    ),
    _rule("RDS.5", "RDS DB instances should be configured with multiple Availability Zones", "rds-multi-az"),
    _rule(
        "RDS.6", "Enhanced monitoring should be configured for RDS DB instances", "rds-enhanced-monitoring"
    ),
    _unused("RDS.7", "RDS clusters should have deletion protection enabled", CLUSTER),
    _rule("RDS.8", "RDS DB instances should have deletion protection enabled", "rds-deletion-protection"),
    _rule("RDS.9", "RDS DB instances should publish logs to CloudWatch Logs", "rds-log-exports"),
    _rule("RDS.10", "IAM authentication should be configured for RDS instances", "rds-iam-auth"),
    _rule("RDS.11", "RDS instances should have automatic backups enabled", "rds-backups"),
    _unused("RDS.12", "IAM authentication should be configured for RDS clusters", CLUSTER),
    _rule("RDS.13", "RDS automatic minor version upgrades should be enabled", "rds-minor-upgrades"),
    _unused("RDS.14", "Amazon Aurora clusters should have backtracking enabled", CLUSTER),
    _unused("RDS.15", "RDS DB clusters should be configured for multiple Availability Zones", CLUSTER),
    _unused("RDS.16", "RDS DB clusters should be configured to copy tags to snapshots", CLUSTER),
    _rule(
        "RDS.17",
        "RDS DB instances should be configured to copy tags to snapshots",
        "rds-copy-tags-to-snapshots",
    ),
    _rule("RDS.18", "RDS instances should be deployed in a VPC", "rds-in-vpc"),
    _account(
        "RDS.19", "Existing RDS event notification subscriptions should cover critical cluster events", EVENTS
    ),
    _account(
        "RDS.20",
        "Existing RDS event notification subscriptions should cover critical instance events",
        EVENTS,
    ),
    _account("RDS.21", "An RDS event notifications subscription should cover parameter group events", EVENTS),
    _account("RDS.22", "An RDS event notifications subscription should cover security group events", EVENTS),
    _rule("RDS.23", "RDS instances should not use a database engine default port", "rds-non-default-port"),
    _unused("RDS.24", "RDS Database clusters should use a custom administrator username", CLUSTER),
    _rule(
        "RDS.25", "RDS database instances should use a custom administrator username", "rds-custom-admin-name"
    ),
    _account(
        "RDS.26", "RDS DB instances should be protected by a backup plan", "AWS Backup plans are account-wide"
    ),
    _unused("RDS.27", "RDS DB clusters should be encrypted at rest", CLUSTER),
    _unused("RDS.34", "Aurora MySQL DB clusters should publish audit logs to CloudWatch Logs", CLUSTER),
    _unused("RDS.35", "RDS DB clusters should have automatic minor version upgrade enabled", CLUSTER),
    _rule(
        "RDS.36", "RDS for PostgreSQL DB instances should publish logs to CloudWatch Logs", "rds-log-exports"
    ),
    _unused("RDS.37", "Aurora PostgreSQL DB clusters should publish logs to CloudWatch Logs", CLUSTER),
    _unused("RDS.40", "RDS for SQL Server DB instances should publish logs to CloudWatch Logs", "MySQL only"),
    _rule("RDS.42", "RDS for MariaDB DB instances should publish logs to CloudWatch Logs", "rds-log-exports"),
    _rule(
        "ElastiCache.1",
        "ElastiCache (Redis OSS) clusters should have automatic backups enabled",
        "elasticache-backups",
    ),
    _rule(
        "ElastiCache.2",
        "ElastiCache clusters should have automatic minor version upgrades enabled",
        "elasticache-minor-upgrades",
    ),
    _rule(
        "ElastiCache.3",
        "ElastiCache replication groups should have automatic failover enabled",
        "elasticache-automatic-failover",
    ),
    _rule(
        "ElastiCache.4",
        "ElastiCache replication groups should be encrypted at rest",
        "elasticache-encrypted-at-rest",
    ),
    _rule(
        "ElastiCache.5",
        "ElastiCache replication groups should be encrypted in transit",
        "elasticache-encrypted-in-transit",
    ),
    _rule(
        "ElastiCache.6",
        "ElastiCache (Redis OSS) replication groups of earlier versions should have Redis OSS AUTH",
        "elasticache-auth",
    ),
    _rule(
        "ElastiCache.7",
        "ElastiCache clusters should not use the default subnet group",
        "elasticache-own-subnet-group",
    ),
    _rule("MQ.2", "ActiveMQ brokers should stream audit logs to CloudWatch", "mq-audit-logs"),
    _rule(
        "MQ.3", "Amazon MQ brokers should have automatic minor version upgrade enabled", "mq-minor-upgrades"
    ),
    _rule("MQ.5", "ActiveMQ brokers should use active/standby deployment mode", "mq-activemq-active-standby"),
    _rule("MQ.6", "RabbitMQ brokers should use cluster deployment mode", "mq-rabbitmq-cluster"),
    _rule(
        "Opensearch.1",
        "OpenSearch domains should have encryption at rest enabled",
        "opensearch-encrypted-at-rest",
    ),
    _rule("Opensearch.2", "OpenSearch domains should not be publicly accessible", "opensearch-in-vpc"),
    _rule(
        "Opensearch.3", "OpenSearch domains should encrypt data sent between nodes", "opensearch-node-to-node"
    ),
    _rule(
        "Opensearch.4",
        "OpenSearch domain error logging to CloudWatch Logs should be enabled",
        "opensearch-error-logs",
    ),
    _rule("Opensearch.5", "OpenSearch domains should have audit logging enabled", "opensearch-audit-logs"),
    _rule(
        "Opensearch.6",
        "OpenSearch domains should have at least three data nodes",
        "opensearch-three-data-nodes",
    ),
    _rule(
        "Opensearch.7",
        "OpenSearch domains should have fine-grained access control enabled",
        "opensearch-fine-grained-access",
    ),
    _rule(
        "Opensearch.8",
        "Connections to OpenSearch domains should be encrypted using the latest TLS policy",
        "opensearch-tls12",
    ),
    _rule(
        "Opensearch.10",
        "OpenSearch domains should have the latest software update installed",
        "opensearch-software-updates",
    ),
    _rule(
        "Opensearch.11",
        "OpenSearch domains should have at least three dedicated primary nodes",
        "opensearch-dedicated-masters",
    ),
    _unused("ES.1", "Elasticsearch domains should have encryption at-rest enabled", LEGACY_ES),
    _unused("ES.2", "Elasticsearch domains should not be publicly accessible", LEGACY_ES),
    _unused("ES.3", "Elasticsearch domains should encrypt data sent between nodes", LEGACY_ES),
    _unused("ES.4", "Elasticsearch domain error logging to CloudWatch Logs should be enabled", LEGACY_ES),
    _unused("ES.5", "Elasticsearch domains should have audit logging enabled", LEGACY_ES),
    _unused("ES.6", "Elasticsearch domains should have at least three data nodes", LEGACY_ES),
    _unused(
        "ES.7",
        "Elasticsearch domains should be configured with at least three dedicated master nodes",
        LEGACY_ES,
    ),
    _unused(
        "ES.8",
        "Connections to Elasticsearch domains should be encrypted using the latest TLS policy",
        LEGACY_ES,
    ),
    _rule("ECR.1", "ECR private repositories should have image scanning configured", "ecr-scan-on-push"),
    _rule("ECR.2", "ECR private repositories should have tag immutability configured", "ecr-immutable-tags"),
    _rule(
        "ECR.3",
        "ECR repositories should have at least one lifecycle policy configured",
        "ecr-lifecycle-policy",
    ),
    _rule(
        "SecretsManager.1",
        "Secrets Manager secrets should have automatic rotation enabled",
        "secretsmanager-rotation",
    ),
    _runtime(
        "SecretsManager.2",
        "Secrets Manager secrets configured with automatic rotation should rotate successfully",
        "the outcome of a rotation run",
    ),
    _runtime("SecretsManager.3", "Remove unused Secrets Manager secrets", "last access time"),
    _rule(
        "SecretsManager.4",
        "Secrets Manager secrets should be rotated within a specified number of days",
        "secretsmanager-rotation-period",
    ),
    _rule("IAM.1", 'IAM policies should not allow full "*" administrative privileges', "iam-no-admin-policy"),
    _rule("IAM.2", "IAM users should not have IAM policies attached", "iam-no-user-policies"),
    _runtime("IAM.3", "IAM users' access keys should be rotated every 90 days or less", "key age"),
    _account("IAM.4", "IAM root user access key should not exist", "the root user belongs to the account"),
    _account(
        "IAM.5",
        "MFA should be enabled for all IAM users that have a console password",
        "no IAM users in the stack; people sign in through the account's identity setup",
    ),
    _account(
        "IAM.6", "Hardware MFA should be enabled for the root user", "the root user belongs to the account"
    ),
    _account(
        "IAM.7", "Password policies for IAM users should have strong configurations", "an account setting"
    ),
    _runtime("IAM.8", "Unused IAM user credentials should be removed", "last use of credentials"),
    _rule(
        "IAM.21",
        "IAM customer managed policies you create should not allow wildcard actions for services",
        "iam-no-service-wildcards",
    ),
    _account(
        "S3.1",
        "S3 general purpose buckets should have block public access settings enabled (account)",
        "the account-level public access block",
    ),
    _rule("S3.2", "S3 general purpose buckets should block public read access", "s3-policy-not-public"),
    _rule("S3.3", "S3 general purpose buckets should block public write access", "s3-policy-not-public"),
    _rule("S3.5", "S3 general purpose buckets should require requests to use SSL", "s3-ssl-only"),
    _rule(
        "S3.6",
        "S3 general purpose bucket policies should restrict access to other AWS accounts",
        "s3-no-cross-account-admin",
    ),
    _rule("S3.8", "S3 general purpose buckets should block public access", "s3-block-public-access"),
    _rule(
        "S3.12", "ACLs should not be used to manage user access to S3 general purpose buckets", "s3-no-acls"
    ),
    _unused("S3.19", "S3 access points should have block public access settings enabled", "no access points"),
    _unused(
        "S3.24",
        "S3 Multi-Region Access Points should have block public access settings enabled",
        "no access points",
    ),
    _rule("SNS.1", "SNS topics should be encrypted at-rest using AWS KMS", "sns-encrypted"),
    _unused(
        "SNS.2",
        "Logging of delivery status should be enabled for notification messages sent to a topic",
        "the alert topic's only subscription is e-mail, for which SNS logs no delivery status",
    ),
    _unused("WAF.1", "AWS WAF Classic Global Web ACL logging should be enabled", WAF_CLASSIC),
    _unused("WAF.2", "AWS WAF Classic Regional rules should have at least one condition", WAF_CLASSIC),
    _unused("WAF.3", "AWS WAF Classic Regional rule groups should have at least one rule", WAF_CLASSIC),
    _unused(
        "WAF.4", "AWS WAF Classic Regional web ACLs should have at least one rule or rule group", WAF_CLASSIC
    ),
    _unused("WAF.6", "AWS WAF Classic global rules should have at least one condition", WAF_CLASSIC),
    _unused("WAF.7", "AWS WAF Classic global rule groups should have at least one rule", WAF_CLASSIC),
    _unused(
        "WAF.8", "AWS WAF Classic global web ACLs should have at least one rule or rule group", WAF_CLASSIC
    ),
    _rule("WAF.10", "AWS WAF web ACLs should have at least one rule or rule group", "waf-web-acl-not-empty"),
    _beyond_fsbp(
        "WAF.11", "AWS WAF web ACL logging should be enabled", "waf-logging", f"{NIST}, PCI DSS v4.0.1"
    ),
    _rule("WAF.12", "AWS WAF rules should have CloudWatch metrics enabled", "waf-rule-metrics"),
)


def level(control: Control) -> Enforcement | None:
    return BY_ID[control.rule].enforcement if control.rule else None


def platform_rules() -> list[Rule]:
    return [rule for rule in RULES if rule.control == "platform"]


def fsbp_controls() -> list[Control]:
    return [c for c in CONTROLS if c.in_fsbp]


def counts() -> dict[str, int]:
    """How the FSBP controls are covered; the controls of other standards are counted apart."""
    fsbp = fsbp_controls()
    return {
        "mandatory": sum(1 for c in fsbp if level(c) is Enforcement.MANDATORY),
        "advisory": sum(1 for c in fsbp if level(c) is Enforcement.ADVISORY),
        "runtime": sum(1 for c in fsbp if c.coverage is Coverage.RUNTIME),
        "account": sum(1 for c in fsbp if c.coverage is Coverage.ACCOUNT),
        "not used": sum(1 for c in fsbp if c.coverage is Coverage.NOT_USED),
        "beyond FSBP": sum(1 for c in CONTROLS if not c.in_fsbp),
    }


def _how(control: Control) -> str:
    if control.rule is None:
        return {
            Coverage.RUNTIME: "not decidable before deployment (runtime)",
            Coverage.ACCOUNT: "not decidable from this stack (account-level)",
            Coverage.NOT_USED: "not applicable (resource type not used)",
        }[control.coverage]
    rule = BY_ID[control.rule]
    return f"`{rule.id}` ({rule.enforcement}{', prod only' if rule.prod_only else ''})"


def controls_table() -> str:
    """The README's table: every control, its rule and level, or why no rule can judge it."""
    rows = ["| Control | Title | Enforced by | Notes |", "|---|---|---|---|"]
    for control in CONTROLS:
        rows.append(f"| {control.id} | {control.title} | {_how(control)} | {control.why} |")
    return "\n".join(rows)


def rules_table() -> str:
    """The README's list of rules in the cdk-nag shape."""
    rows = ["| Rule | Control | Level | Severity | Desired state |", "|---|---|---|---|---|"]
    for rule in RULES:
        scope = " (prod)" if rule.prod_only else ""
        rows.append(
            f"| `{rule.id}` | {rule.control} | {rule.enforcement}{scope} | {rule.severity} | {rule.desired} |"
        )
    return "\n".join(rows)


def summary() -> str:
    c = counts()
    beyond = ", ".join(f"{c.id} ({c.standard})" for c in CONTROLS if not c.in_fsbp)
    return (
        f"{len(fsbp_controls())} FSBP controls: {c['mandatory']} enforced by mandatory rules, "
        f"{c['advisory']} by advisory rules, {c['runtime'] + c['account']} not decidable before deployment "
        f"({c['runtime']} runtime, "
        f"{c['account']} account-level), {c['not used']} not applicable (no resource of their type). "
        f"{c['beyond FSBP']} controls of other Security Hub standards, enforced by rules too: {beyond}. "
        f"{len(RULES)} rules, {len(platform_rules())} of them the platform's own."
    )


SECTIONS = {"summary": summary, "rules": rules_table, "controls": controls_table}


def sync_readme(text: str) -> str:
    """`text` with each `<!-- name:start -->...<!-- name:end -->` section regenerated from the code."""
    for name, render in SECTIONS.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        before, found, rest = text.partition(start)
        if not found:
            raise ValueError(f"README has no {start} marker")
        _, _, after = rest.partition(end)
        text = f"{before}{start}\n{render()}\n{end}{after}"
    return text


if __name__ == "__main__":
    # `python -m infra.policies.controls` regenerates the README's tables after a rule or control changes.
    readme = Path(__file__).with_name("README.md")
    readme.write_text(sync_readme(readme.read_text()))
