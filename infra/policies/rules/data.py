"""Data stores: RDS, ElastiCache, Amazon MQ and OpenSearch private, encrypted, backed up, logged, patched."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from infra.policies.model import PROD, Enforcement, Resource, Rule, Severity, as_list, as_mapping
from infra.policies.rules.common import enabled

RDS = "aws:rds/instance:Instance"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"
BROKER = "aws:mq/broker:Broker"
DOMAIN = "aws:opensearch/domain:Domain"

DEFAULT_PORTS = {"mysql": 3306, "mariadb": 3306, "postgres": 5432, "oracle": 1521, "sqlserver": 1433}
DEFAULT_ADMIN_NAMES = frozenset(
    {"admin", "administrator", "root", "postgres", "master", "sa", "mysql", "rdsadmin"}
)
REQUIRED_LOG_EXPORTS = {
    "mysql": {"audit", "error", "general", "slowquery"},
    "mariadb": {"audit", "error", "general", "slowquery"},
    "postgres": {"postgresql"},
}
TLS12_POLICIES = ("Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10")
PROD_BACKUP_DAYS = 7


def _engine(resource: Resource) -> str:
    return str(resource.get("engine", "")).split("-")[0]


def _flag(
    prop: str, expected: object, problem: str, default: object = None
) -> Callable[[Resource], list[str]]:
    """A check that `prop` (default `default` when unset) equals `expected`."""

    def check(resource: Resource) -> list[str]:
        return [] if resource.get(prop, default) == expected else [f"{resource.name} {problem}"]

    return check


def _rds_log_exports(resource: Resource) -> Sequence[str] | None:
    required = REQUIRED_LOG_EXPORTS.get(_engine(resource))
    if required is None:
        return None
    missing = sorted(required - {str(e) for e in as_list(resource.get("enabledCloudwatchLogsExports"))})
    return [f"{resource.name} does not export {', '.join(missing)} logs to CloudWatch"] if missing else []


def _rds_backups(resource: Resource) -> Sequence[str]:
    days = int(resource.get("backupRetentionPeriod", 0))
    minimum = PROD_BACKUP_DAYS if resource.environment == PROD else 1
    if days >= minimum:
        return []
    return [f"{resource.name} keeps automated backups {days} day(s); at least {minimum} required here"]


def _rds_port(resource: Resource) -> Sequence[str] | None:
    default = DEFAULT_PORTS.get(_engine(resource))
    if default is None:
        return None
    port = resource.get("port", default)
    return (
        [f"{resource.name} listens on {_engine(resource)}'s default port {port}"] if port == default else []
    )


def _rds_admin_name(resource: Resource) -> Sequence[str]:
    username = str(resource.get("username", "admin"))
    return (
        [f"{resource.name} uses the default admin name {username}"]
        if username.lower() in DEFAULT_ADMIN_NAMES
        else []
    )


def _redis(resource: Resource) -> bool:
    return resource.get("engine", "redis") in ("redis", "valkey")


def _cache_backups(resource: Resource) -> Sequence[str] | None:
    if not _redis(resource):
        return None
    days = int(resource.get("snapshotRetentionLimit", 0))
    return [] if days >= 1 else [f"{resource.name} takes no automatic snapshots"]


def _cache_auth(resource: Resource) -> Sequence[str] | None:
    if not _redis(resource) or resource.type != REPLICATION_GROUP:
        return None
    if resource.get("authToken") or as_list(resource.get("userGroupIds")):
        return []
    return [f"{resource.name} accepts clients without AUTH"]


def _cache_subnet_group(resource: Resource) -> Sequence[str]:
    group = resource.get("subnetGroupName")
    if group and group != "default":
        return []
    return [f"{resource.name} uses the default subnet group"]


def _mq_audit_logs(resource: Resource) -> Sequence[str] | None:
    if resource.get("engineType") != "ActiveMQ":
        return None
    return (
        []
        if as_mapping(resource.get("logs")).get("audit") is True
        else [f"{resource.name} keeps no audit log"]
    )


def _mq_deployment(engine: str, mode: str) -> Callable[[Resource], Sequence[str] | None]:
    def check(resource: Resource) -> Sequence[str] | None:
        if resource.get("engineType") != engine:
            return None
        current = resource.get("deploymentMode", "SINGLE_INSTANCE")
        return [] if current == mode else [f"{resource.name} runs as {current}, not {mode}"]

    return check


def _log_published(log_type: str) -> Callable[[Resource], Sequence[str]]:
    def check(resource: Resource) -> Sequence[str]:
        published = {
            str(as_mapping(o).get("logType"))
            for o in as_list(resource.get("logPublishingOptions"))
            if as_mapping(o).get("enabled", True) is not False and as_mapping(o).get("cloudwatchLogGroupArn")
        }
        return [] if log_type in published else [f"{resource.name} does not publish {log_type} to CloudWatch"]

    return check


def _search_in_vpc(resource: Resource) -> Sequence[str]:
    return (
        []
        if as_list(as_mapping(resource.get("vpcOptions")).get("subnetIds"))
        else [f"{resource.name} has a public endpoint (no vpc_options)"]
    )


def _search_nodes(resource: Resource) -> Sequence[str]:
    cluster = as_mapping(resource.get("clusterConfig"))
    count = int(cluster.get("instanceCount", 1))
    problems = [f"{resource.name} has {count} data node(s)"] if count < 3 else []
    if cluster.get("zoneAwarenessEnabled") is not True:
        problems.append(f"{resource.name} does not spread its nodes over availability zones")
    return problems


def _search_masters(resource: Resource) -> Sequence[str]:
    cluster = as_mapping(resource.get("clusterConfig"))
    if cluster.get("dedicatedMasterEnabled") is True and int(cluster.get("dedicatedMasterCount", 0)) >= 3:
        return []
    return [f"{resource.name} has no three dedicated master nodes"]


def _search_tls(resource: Resource) -> Sequence[str]:
    options = as_mapping(resource.get("domainEndpointOptions"))
    problems = [] if options.get("enforceHttps") is True else [f"{resource.name} accepts plain HTTP"]
    if options.get("tlsSecurityPolicy") not in TLS12_POLICIES:
        problems.append(f"{resource.name} accepts TLS older than 1.2 ({options.get('tlsSecurityPolicy')})")
    return problems


def _nested(prop: str, problem: str) -> Callable[[Resource], Sequence[str]]:
    def check(resource: Resource) -> Sequence[str]:
        return [] if enabled(resource.get(prop)) else [f"{resource.name} {problem}"]

    return check


def _auto_updates(resource: Resource) -> Sequence[str]:
    options = as_mapping(resource.get("softwareUpdateOptions"))
    return (
        []
        if options.get("autoSoftwareUpdateEnabled") is True
        else [f"{resource.name} does not install service software updates automatically"]
    )


def _rule(
    rule_id: str,
    control: str,
    desired: str,
    explanation: str,
    severity: Severity,
    types: tuple[str, ...],
    check: Callable[[Resource], Sequence[str] | None],
    *,
    advisory: bool = False,
    prod_only: bool = False,
) -> Rule:
    return Rule(
        id=rule_id,
        control=control,
        desired=desired,
        explanation=explanation,
        severity=severity,
        enforcement=Enforcement.ADVISORY if advisory else Enforcement.MANDATORY,
        types=types,
        check=check,
        prod_only=prod_only,
    )


CACHES = (REPLICATION_GROUP, CACHE_CLUSTER)
H, M, C, L = Severity.HIGH, Severity.MEDIUM, Severity.CRITICAL, Severity.LOW

RULES = (
    _rule(
        "rds-not-public",
        "RDS.2",
        "RDS instances are not publicly accessible.",
        "Set publicly_accessible=False and keep the instance in private data subnets.",
        C,
        (RDS,),
        _flag("publiclyAccessible", False, "is publicly accessible", default=False),
    ),
    _rule(
        "rds-in-vpc",
        "RDS.18",
        "RDS instances are deployed in a VPC, through their own subnet group.",
        "Set db_subnet_group_name to a subnet group over the private data subnets.",
        H,
        (RDS,),
        lambda r: [] if r.get("dbSubnetGroupName") else [f"{r.name} has no DB subnet group (not in a VPC)"],
    ),
    _rule(
        "rds-encrypted",
        "RDS.3",
        "RDS instances encrypt their storage.",
        "Set storage_encrypted=True (a new instance: encryption cannot be added in place).",
        M,
        (RDS,),
        _flag("storageEncrypted", True, "stores data unencrypted"),
    ),
    _rule(
        "rds-multi-az",
        "RDS.5",
        "Production RDS instances run Multi-AZ.",
        "Set multi_az=True in prod (postings:dbMultiAz).",
        M,
        (RDS,),
        _flag("multiAz", True, "has no standby in a second AZ"),
        prod_only=True,
    ),
    _rule(
        "rds-enhanced-monitoring",
        "RDS.6",
        "RDS instances have enhanced monitoring.",
        "Set monitoring_interval to 1-60 seconds with a monitoring role.",
        L,
        (RDS,),
        lambda r: (
            [] if int(r.get("monitoringInterval", 0)) > 0 else [f"{r.name} has enhanced monitoring off"]
        ),
    ),
    _rule(
        "rds-deletion-protection",
        "RDS.8",
        "Production RDS instances have deletion protection on.",
        "Set deletion_protection=True in prod (postings:dbDeletionProtection); dev and staging stay "
        "destroyable.",
        L,
        (RDS,),
        _flag("deletionProtection", True, "can be deleted"),
        prod_only=True,
    ),
    _rule(
        "rds-log-exports",
        "RDS.9",
        "RDS instances export their engine's logs to CloudWatch Logs.",
        "Set enabled_cloudwatch_logs_exports (MySQL: audit, error, general, slowquery; the audit log needs "
        "the MARIADB_AUDIT_PLUGIN option).",
        M,
        (RDS,),
        _rds_log_exports,
    ),
    _rule(
        "rds-iam-auth",
        "RDS.10",
        "RDS instances accept IAM database authentication.",
        "Set iam_database_authentication_enabled=True.",
        M,
        (RDS,),
        _flag("iamDatabaseAuthenticationEnabled", True, "has IAM authentication off"),
    ),
    _rule(
        "rds-backups",
        "RDS.11",
        "RDS instances keep automated backups (7 days in prod).",
        "Set backup_retention_period (postings:dbBackupRetentionDays) to at least 1, and 7 in prod.",
        M,
        (RDS,),
        _rds_backups,
    ),
    _rule(
        "rds-minor-upgrades",
        "RDS.13",
        "RDS instances take automatic minor version upgrades.",
        "Leave auto_minor_version_upgrade at True.",
        H,
        (RDS,),
        _flag("autoMinorVersionUpgrade", True, "does not take minor version upgrades", default=True),
    ),
    _rule(
        "rds-copy-tags-to-snapshots",
        "RDS.17",
        "RDS instances copy their tags to snapshots.",
        "Set copy_tags_to_snapshot=True.",
        L,
        (RDS,),
        _flag("copyTagsToSnapshot", True, "does not copy tags to snapshots"),
    ),
    _rule(
        "rds-non-default-port",
        "RDS.23",
        "RDS instances listen on a port other than the engine default.",
        "Set port to a non-default value and change every client and security group rule with it.",
        L,
        (RDS,),
        _rds_port,
        advisory=True,
    ),
    _rule(
        "rds-custom-admin-name",
        "RDS.25",
        "RDS instances use a custom administrator name.",
        "Set username to something other than admin/root/postgres (the instance is replaced).",
        M,
        (RDS,),
        _rds_admin_name,
    ),
    _rule(
        "elasticache-backups",
        "ElastiCache.1",
        "Redis caches take daily snapshots.",
        "Set snapshot_retention_limit to 1 or more.",
        H,
        CACHES,
        _cache_backups,
    ),
    _rule(
        "elasticache-minor-upgrades",
        "ElastiCache.2",
        "ElastiCache takes automatic minor version upgrades.",
        "Leave auto_minor_version_upgrade at True.",
        H,
        CACHES,
        _flag("autoMinorVersionUpgrade", True, "does not take minor version upgrades", default=True),
    ),
    _rule(
        "elasticache-automatic-failover",
        "ElastiCache.3",
        "Production Redis replication groups fail over automatically.",
        "Add a replica (postings:cacheReplicas) and set automatic_failover_enabled=True.",
        M,
        (REPLICATION_GROUP,),
        _flag("automaticFailoverEnabled", True, "has automatic failover off"),
        prod_only=True,
    ),
    _rule(
        "elasticache-encrypted-at-rest",
        "ElastiCache.4",
        "Redis replication groups encrypt data at rest.",
        "Set at_rest_encryption_enabled=True (replaces the group).",
        M,
        (REPLICATION_GROUP,),
        _flag("atRestEncryptionEnabled", True, "stores data unencrypted"),
    ),
    _rule(
        "elasticache-encrypted-in-transit",
        "ElastiCache.5",
        "Redis replication groups require TLS.",
        "Set transit_encryption_enabled=True and connect with TLS.",
        M,
        (REPLICATION_GROUP,),
        _flag("transitEncryptionEnabled", True, "accepts plaintext connections"),
    ),
    _rule(
        "elasticache-auth",
        "ElastiCache.6",
        "Redis replication groups require AUTH (token or RBAC users).",
        "Set auth_token from a generated secret, or user_group_ids.",
        M,
        (REPLICATION_GROUP,),
        _cache_auth,
    ),
    _rule(
        "elasticache-own-subnet-group",
        "ElastiCache.7",
        "Caches use their own subnet group, not 'default'.",
        "Declare aws.elasticache.SubnetGroup over the data subnets and set subnet_group_name.",
        H,
        CACHES,
        _cache_subnet_group,
    ),
    _rule(
        "mq-audit-logs",
        "MQ.2",
        "ActiveMQ brokers stream audit logs to CloudWatch Logs.",
        "Set logs={audit: True}.",
        M,
        (BROKER,),
        _mq_audit_logs,
    ),
    _rule(
        "mq-minor-upgrades",
        "MQ.3",
        "Amazon MQ brokers take automatic minor version upgrades.",
        "Set auto_minor_version_upgrade=True (the provider's default is False).",
        L,
        (BROKER,),
        _flag("autoMinorVersionUpgrade", True, "does not take minor version upgrades"),
    ),
    _rule(
        "mq-activemq-active-standby",
        "MQ.5",
        "Production ActiveMQ brokers run active/standby.",
        "Set deployment_mode='ACTIVE_STANDBY_MULTI_AZ' in prod.",
        L,
        (BROKER,),
        _mq_deployment("ActiveMQ", "ACTIVE_STANDBY_MULTI_AZ"),
        prod_only=True,
    ),
    _rule(
        "mq-rabbitmq-cluster",
        "MQ.6",
        "Production RabbitMQ brokers run as a cluster.",
        "Set deployment_mode='CLUSTER_MULTI_AZ' in prod (postings:brokerDeploymentMode).",
        L,
        (BROKER,),
        _mq_deployment("RabbitMQ", "CLUSTER_MULTI_AZ"),
        prod_only=True,
    ),
    _rule(
        "mq-not-public",
        "platform",
        "Amazon MQ brokers are not publicly accessible.",
        "Set publicly_accessible=False and place the broker in private data subnets.",
        C,
        (BROKER,),
        _flag("publiclyAccessible", False, "is publicly accessible", default=False),
    ),
    _rule(
        "opensearch-encrypted-at-rest",
        "Opensearch.1",
        "OpenSearch domains encrypt data at rest.",
        "Set encrypt_at_rest={enabled: True}.",
        M,
        (DOMAIN,),
        _nested("encryptAtRest", "stores data unencrypted"),
    ),
    _rule(
        "opensearch-in-vpc",
        "Opensearch.2",
        "OpenSearch domains live in a VPC.",
        "Set vpc_options with private subnets and a security group.",
        C,
        (DOMAIN,),
        _search_in_vpc,
    ),
    _rule(
        "opensearch-node-to-node",
        "Opensearch.3",
        "OpenSearch domains encrypt traffic between nodes.",
        "Set node_to_node_encryption={enabled: True}.",
        M,
        (DOMAIN,),
        _nested("nodeToNodeEncryption", "sends traffic between nodes unencrypted"),
    ),
    _rule(
        "opensearch-error-logs",
        "Opensearch.4",
        "OpenSearch domains publish error logs to CloudWatch Logs.",
        "Add log_publishing_options for ES_APPLICATION_LOGS with a log group and its resource policy.",
        M,
        (DOMAIN,),
        _log_published("ES_APPLICATION_LOGS"),
    ),
    _rule(
        "opensearch-audit-logs",
        "Opensearch.5",
        "OpenSearch domains publish audit logs.",
        "Enable fine-grained access control, then add log_publishing_options for AUDIT_LOGS.",
        M,
        (DOMAIN,),
        _log_published("AUDIT_LOGS"),
        advisory=True,
    ),
    _rule(
        "opensearch-three-data-nodes",
        "Opensearch.6",
        "Production OpenSearch domains have at least three data nodes across AZs.",
        "Set postings:searchInstanceCount to 3 or more with zone awareness.",
        M,
        (DOMAIN,),
        _search_nodes,
        prod_only=True,
    ),
    _rule(
        "opensearch-fine-grained-access",
        "Opensearch.7",
        "OpenSearch domains use fine-grained access control.",
        "Set advanced_security_options={enabled: True, master_user_options: {master_user_arn: ...}} and map "
        "the service roles to OpenSearch roles.",
        H,
        (DOMAIN,),
        _nested("advancedSecurityOptions", "has fine-grained access control off"),
        advisory=True,
    ),
    _rule(
        "opensearch-tls12",
        "Opensearch.8",
        "OpenSearch domains enforce HTTPS with a TLS 1.2 policy.",
        "Set domain_endpoint_options={enforce_https: True, tls_security_policy: "
        "'Policy-Min-TLS-1-2-PFS-2023-10'}.",
        M,
        (DOMAIN,),
        _search_tls,
    ),
    _rule(
        "opensearch-software-updates",
        "Opensearch.10",
        "OpenSearch domains install service software updates.",
        "Set software_update_options={auto_software_update_enabled: True}.",
        M,
        (DOMAIN,),
        _auto_updates,
    ),
    _rule(
        "opensearch-dedicated-masters",
        "Opensearch.11",
        "Production OpenSearch domains have three dedicated master nodes.",
        "Set postings:searchDedicatedMasters (dedicated_master_count=3).",
        L,
        (DOMAIN,),
        _search_masters,
        prod_only=True,
    ),
)
