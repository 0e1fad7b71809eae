"""Amazon MQ for RabbitMQ: private, TLS (5671), credentials generated and kept in Secrets Manager."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.secrets import GeneratedSecret, GeneratedSecretArgs

PORT = 5671
USERNAME = "postings"


def amqp_host(endpoints: Sequence[str]) -> str:
    """`amqps://b-1234.mq.eu-west-1.amazonaws.com:5671` -> the host name."""
    return endpoints[0].split("://", 1)[-1].rsplit(":", 1)[0]


@dataclass(frozen=True, kw_only=True)
class BrokerArgs:
    subnet_ids: pulumi.Input[list[str]]
    """Data-tier subnets; a single instance uses the first."""
    security_group_id: pulumi.Input[str]
    """The broker security group."""
    broker_name: str
    """Broker name."""
    instance_type: str
    """Amazon MQ instance type."""
    deployment_mode: str
    """SINGLE_INSTANCE or CLUSTER_MULTI_AZ (three nodes across AZs)."""
    engine_version: str
    """RabbitMQ engine version."""


class Broker(pulumi.ComponentResource):
    """The RabbitMQ the service's outbox relay publishes to and its worker consumes from."""

    host: pulumi.Output[str]
    port: pulumi.Output[int]
    credentials_secret_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BrokerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:Broker", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        credentials = GeneratedSecret(
            f"{name}-credentials",
            GeneratedSecretArgs(description="RabbitMQ user of the postings service", username=USERNAME),
            opts=child,
        )
        subnets = pulumi.Output.from_input(args.subnet_ids).apply(
            lambda ids: ids if args.deployment_mode == "CLUSTER_MULTI_AZ" else ids[:1]
        )
        broker = aws.mq.Broker(
            f"{name}-rabbitmq",
            broker_name=args.broker_name,
            engine_type="RabbitMQ",
            engine_version=args.engine_version,
            host_instance_type=args.instance_type,
            deployment_mode=args.deployment_mode,
            publicly_accessible=False,
            subnet_ids=subnets,
            security_groups=[args.security_group_id],
            auto_minor_version_upgrade=True,
            logs=aws.mq.BrokerLogsArgs(general=True),
            maintenance_window_start_time=aws.mq.BrokerMaintenanceWindowStartTimeArgs(
                day_of_week="SUNDAY", time_of_day="05:00", time_zone="UTC"
            ),
            users=[aws.mq.BrokerUserArgs(username=USERNAME, password=credentials.password)],
            apply_immediately=args.deployment_mode == "SINGLE_INSTANCE",
            opts=child,
        )
        self.host = broker.instances.apply(lambda instances: amqp_host(instances[0].endpoints or []))
        self.port = pulumi.Output.from_input(PORT)
        self.credentials_secret_arn = credentials.arn
        self.register_outputs(
            {"host": self.host, "port": self.port, "credentials_secret_arn": self.credentials_secret_arn}
        )
