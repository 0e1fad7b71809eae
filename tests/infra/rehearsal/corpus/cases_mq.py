"""Amazon MQ cases."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import network


def _broker(name: str, **overrides: Any) -> aws.mq.Broker:
    net = network()
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
