"""RDS MySQL 8: private, encrypted, TLS-only, with the master password managed in Secrets Manager."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.iam import assume_role_policy

ADMIN_USERNAME = "postings_admin"
DATABASE_NAME = "postings"
PORT = 3306
LOG_EXPORTS = ["audit", "error", "general", "slowquery"]
# Connections and schema and privilege changes; the audit log export needs this plugin.
AUDIT_EVENTS = "CONNECT,QUERY_DDL,QUERY_DCL"
ENHANCED_MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


def parameter_family(engine_version: str) -> str:
    """`8.0.39` -> `mysql8.0`: the parameter group family of an engine version."""
    major, minor = engine_version.split(".")[:2]
    return f"mysql{major}.{minor}"


def supports_performance_insights(instance_class: str) -> bool:
    """Performance Insights is not offered on micro and small classes of MySQL."""
    return instance_class.rsplit(".", 1)[-1] not in ("micro", "small")


@dataclass(frozen=True, kw_only=True)
class DatabaseArgs:
    subnet_ids: pulumi.Input[list[str]]
    """Data-tier subnets, in at least two AZs."""
    security_group_id: pulumi.Input[str]
    """The database security group."""
    identifier: str
    """The RDS instance identifier."""
    instance_class: str
    """RDS instance class."""
    engine_version: str
    """MySQL engine version."""
    allocated_storage: int
    """Initial storage in GiB."""
    max_allocated_storage: int
    """Storage autoscaling ceiling in GiB; 0 turns it off."""
    multi_az: bool
    """Standby in a second AZ."""
    backup_retention_days: int
    """Automated backup retention."""
    deletion_protection: bool
    """Refuse deletion; also keeps a final snapshot."""


class Database(pulumi.ComponentResource):
    """The MySQL instance the postings service stores its data in."""

    address: pulumi.Output[str]
    port: pulumi.Output[int]
    database_name: pulumi.Output[str]
    master_secret_arn: pulumi.Output[str]
    identifier: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:Database", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        subnet_group = aws.rds.SubnetGroup(f"{name}-subnets", subnet_ids=args.subnet_ids, opts=child)
        family = parameter_family(args.engine_version)
        parameters = aws.rds.ParameterGroup(
            f"{name}-params",
            family=family,
            description=f"postings {family}: utf8mb4, TLS only",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="character_set_server", value="utf8mb4"),
                aws.rds.ParameterGroupParameterArgs(name="collation_server", value="utf8mb4_0900_ai_ci"),
                aws.rds.ParameterGroupParameterArgs(name="require_secure_transport", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="slow_query_log", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="long_query_time", value="1"),
            ],
            opts=child,
        )
        options = aws.rds.OptionGroup(
            f"{name}-options",
            engine_name="mysql",
            major_engine_version=family.removeprefix("mysql"),
            option_group_description=f"postings {family}: audit log",
            options=[
                aws.rds.OptionGroupOptionArgs(
                    option_name="MARIADB_AUDIT_PLUGIN",
                    option_settings=[
                        aws.rds.OptionGroupOptionOptionSettingArgs(
                            name="SERVER_AUDIT_EVENTS", value=AUDIT_EVENTS
                        )
                    ],
                )
            ],
            opts=child,
        )
        monitoring_role = aws.iam.Role(
            f"{name}-monitoring-role",
            assume_role_policy=assume_role_policy("monitoring.rds.amazonaws.com"),
            opts=child,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-monitoring-policy",
            role=monitoring_role.name,
            policy_arn=ENHANCED_MONITORING_POLICY,
            opts=child,
        )
        performance_insights = supports_performance_insights(args.instance_class)
        instance = aws.rds.Instance(
            f"{name}-instance",
            identifier=args.identifier,
            engine="mysql",
            engine_version=args.engine_version,
            instance_class=args.instance_class,
            allocated_storage=args.allocated_storage,
            max_allocated_storage=args.max_allocated_storage or None,
            storage_type="gp3",
            storage_encrypted=True,
            db_name=DATABASE_NAME,
            username=ADMIN_USERNAME,
            manage_master_user_password=True,
            port=PORT,
            db_subnet_group_name=subnet_group.name,
            parameter_group_name=parameters.name,
            option_group_name=options.name,
            vpc_security_group_ids=[args.security_group_id],
            publicly_accessible=False,
            multi_az=args.multi_az,
            backup_retention_period=args.backup_retention_days,
            backup_window="02:00-03:00",
            maintenance_window="sun:03:30-sun:04:30",
            copy_tags_to_snapshot=True,
            deletion_protection=args.deletion_protection,
            skip_final_snapshot=not args.deletion_protection,
            final_snapshot_identifier=f"{args.identifier}-final" if args.deletion_protection else None,
            auto_minor_version_upgrade=True,
            iam_database_authentication_enabled=True,
            enabled_cloudwatch_logs_exports=LOG_EXPORTS,
            monitoring_interval=60,
            monitoring_role_arn=monitoring_role.arn,
            performance_insights_enabled=performance_insights,
            performance_insights_retention_period=7 if performance_insights else None,
            apply_immediately=not args.deletion_protection,
            opts=child,
        )
        self.address = instance.address
        self.port = instance.port
        self.database_name = pulumi.Output.from_input(DATABASE_NAME)
        self.master_secret_arn = instance.master_user_secrets.apply(
            lambda secrets: secrets[0].secret_arn or ""
        )
        self.identifier = instance.identifier
        self.register_outputs(
            {
                "address": self.address,
                "port": self.port,
                "database_name": self.database_name,
                "master_secret_arn": self.master_secret_arn,
                "identifier": self.identifier,
            }
        )
