"""Amazon MQ cases."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import Net, network


def _broker(name: str, net: Net | None = None, **overrides: Any) -> aws.mq.Broker:
    net = net or network()
    args: dict[str, Any] = {
        "engine_type": "RabbitMQ",
        "engine_version": "3.13",
        "host_instance_type": "mq.t3.micro",
        "deployment_mode": "SINGLE_INSTANCE",
        "subnet_ids": [net.subnets[0].id],
        "security_groups": [net.group.id],
        "users": [{"username": "app", "password": "correct-horse-battery"}],
        "auto_minor_version_upgrade": True,
    }
    args.update(overrides)
    return aws.mq.Broker(name, **args)


def _activemq_broker(name: str, **overrides: Any) -> aws.mq.Broker:
    return _broker(
        name, engine_type="ActiveMQ", engine_version="5.18", host_instance_type="mq.m5.large", **overrides
    )


@valid("mq")
def mq_rabbitmq_single_instance() -> None:
    _broker("broker")


@refused(
    "mq",
    token="aws:mq/broker:Broker",
    prop="engineType",
    source="https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html#brokers-model-enginetype",
)
def mq_unknown_engine_type() -> None:
    _broker("broker", engine_type="Kafka")


BROKER = "aws:mq/broker:Broker"
BROKERS_API = "https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html"
INSTANCE_TYPES = "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rmq-broker-instance-types.html"
RABBITMQ_CONFIG = "rabbitmq/default_consumer_prefetch = 100\nconsumer_timeout = 1800000\n"
ACTIVEMQ_CONFIG = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<broker xmlns="http://activemq.apache.org/schema/core"><plugins/></broker>'
)


@valid("mq")
def mq_rabbitmq_cluster_with_configuration() -> None:
    net = network()
    config = aws.mq.Configuration(
        "broker-config", engine_type="RabbitMQ", engine_version="3.13", data=RABBITMQ_CONFIG
    )
    _broker(
        "broker",
        host_instance_type="mq.m5.large",
        deployment_mode="CLUSTER_MULTI_AZ",
        net=net,
        subnet_ids=[s.id for s in net.subnets],
        configuration=aws.mq.BrokerConfigurationArgs(id=config.id, revision=config.latest_revision),
    )


@valid("mq")
def mq_activemq_active_standby() -> None:
    net = network()
    aws.mq.Configuration("broker-config", engine_type="ActiveMQ", engine_version="5.18", data=ACTIVEMQ_CONFIG)
    _activemq_broker(
        "broker",
        deployment_mode="ACTIVE_STANDBY_MULTI_AZ",
        net=net,
        subnet_ids=[s.id for s in net.subnets],
        users=[
            {"username": "admin", "password": "correct-horse-battery", "console_access": True},
            {"username": "app", "password": "staple-battery-horse"},
        ],
    )


@refused("mq", token=BROKER, prop="deploymentMode", source=BROKERS_API + "#brokers-model-deploymentmode")
def mq_rabbitmq_active_standby() -> None:
    _broker("broker", host_instance_type="mq.m5.large", deployment_mode="ACTIVE_STANDBY_MULTI_AZ")


@refused("mq", token=BROKER, prop="deploymentMode", source=BROKERS_API + "#brokers-model-deploymentmode")
def mq_activemq_cluster_mode() -> None:
    _activemq_broker("broker", deployment_mode="CLUSTER_MULTI_AZ")


@refused(
    "mq", token=BROKER, prop="subnetIds", source=BROKERS_API + "#brokers-prop-createbrokerinput-subnetids"
)
def mq_activemq_active_standby_with_one_subnet() -> None:
    _activemq_broker("broker", deployment_mode="ACTIVE_STANDBY_MULTI_AZ")


@refused(
    "mq", token=BROKER, prop="subnetIds", source=BROKERS_API + "#brokers-prop-createbrokerinput-subnetids"
)
def mq_single_instance_with_two_subnets() -> None:
    net = network()
    _broker("broker", net=net, subnet_ids=[s.id for s in net.subnets])


@refused("mq", token=BROKER, prop="users", source=BROKERS_API + "#brokers-model-user")
def mq_user_password_too_short() -> None:
    _broker("broker", users=[{"username": "app", "password": "guest-guest"}])


@refused("mq", token=BROKER, prop="users", source=BROKERS_API + "#brokers-model-user")
def mq_user_password_with_colon() -> None:
    _broker("broker", users=[{"username": "app", "password": "app:correct-horse-battery"}])


@refused("mq", token=BROKER, prop="users", source=BROKERS_API + "#brokers-prop-createbrokerinput-users")
def mq_rabbitmq_two_users() -> None:
    _broker(
        "broker",
        users=[
            {"username": "admin", "password": "correct-horse-battery"},
            {"username": "app", "password": "staple-battery-horse"},
        ],
    )


@refused("mq", token=BROKER, prop="hostInstanceType", source=INSTANCE_TYPES)
def mq_micro_cluster() -> None:
    _broker("broker", deployment_mode="CLUSTER_MULTI_AZ")


@refused("mq", token=BROKER, prop="hostInstanceType", source=INSTANCE_TYPES)
def mq_instance_type_without_prefix() -> None:
    _broker("broker", host_instance_type="m5.large")


@refused(
    "mq",
    token=BROKER,
    prop="engineVersion",
    source="https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-management.html",
)
def mq_rabbitmq_with_activemq_version() -> None:
    _broker("broker", engine_version="5.18")


@refused(
    "mq",
    token="aws:mq/configuration:Configuration",
    prop="data",
    source="https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amazon-mq-broker-configuration-parameters.html",
)
def mq_activemq_configuration_not_xml() -> None:
    aws.mq.Configuration("broker-config", engine_type="ActiveMQ", engine_version="5.18", data=RABBITMQ_CONFIG)


@valid("mq")
def mq_activemq_on_ebs_with_audit_logs() -> None:
    _activemq_broker(
        "broker",
        storage_type="ebs",
        logs={"general": True, "audit": True},
        users=[{"username": "app.user_1~blue", "password": "correct-horse-battery"}],
    )


ACTIVEMQ_INSTANCE_TYPES = (
    "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/activemq-broker-instance-types.html"
)


@refused("mq", token=BROKER, prop="storageType", source=ACTIVEMQ_INSTANCE_TYPES)
def mq_activemq_ebs_on_t3_micro() -> None:
    _broker(
        "broker",
        engine_type="ActiveMQ",
        engine_version="5.18",
        host_instance_type="mq.t3.micro",
        storage_type="ebs",
    )


@refused("mq", token=BROKER, prop="users", source=BROKERS_API + "#brokers-model-user")
def mq_user_name_with_space() -> None:
    _activemq_broker("broker", users=[{"username": "app user", "password": "correct-horse-battery"}])


@refused("mq", token=BROKER, prop="users", source=BROKERS_API + "#brokers-model-user")
def mq_rabbitmq_user_name_with_tilde() -> None:
    _broker("broker", users=[{"username": "app~1", "password": "correct-horse-battery"}])


@refused("mq", token=BROKER, prop="users", source=BROKERS_API + "#brokers-model-user")
def mq_user_name_one_character() -> None:
    _broker("broker", users=[{"username": "a", "password": "correct-horse-battery"}])


@refused("mq", token=BROKER, prop="users", source=BROKERS_API + "#brokers-model-user")
def mq_rabbitmq_user_named_guest() -> None:
    _broker("broker", users=[{"username": "guest", "password": "correct-horse-battery"}])


@refused("mq", token=BROKER, prop="logs.audit", source=BROKERS_API + "#brokers-model-logs")
def mq_rabbitmq_audit_logs() -> None:
    _broker("broker", host_instance_type="mq.m5.large", logs={"general": True, "audit": True})


@refused(
    "mq",
    token=BROKER,
    prop="securityGroups",
    source="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
)
def mq_security_group_of_another_vpc() -> None:
    other = network("other", "10.1.0.0/16")
    _broker("broker", security_groups=[other.group.id])
