"""Broker: Amazon MQ RabbitMQ, private, single instance in dev, a 3-node cluster in prod."""

from __future__ import annotations

from infra.components.broker import amqp_host
from tests.infra.program import is_secret, reveal, run, subnet_ids

BROKER = "aws:mq/broker:Broker"


def test_amqp_host_from_endpoint() -> None:
    assert amqp_host(["amqps://b-1.mq.eu-west-1.amazonaws.com:5671"]) == "b-1.mq.eu-west-1.amazonaws.com"


def test_dev_single_instance_in_one_data_subnet() -> None:
    result = run("dev")
    inputs = result.one(BROKER, "postings-dev-broker-rabbitmq").inputs
    data_a = result.one("aws:ec2/subnet:Subnet", "postings-dev-data-eu-west-1a")
    password = result.one(
        "random:index/randomPassword:RandomPassword", "postings-dev-broker-credentials-password"
    )
    assert inputs["brokerName"] == "postings-dev-rabbitmq"
    assert (inputs["engineType"], inputs["engineVersion"]) == ("RabbitMQ", "3.13")
    assert (inputs["hostInstanceType"], inputs["deploymentMode"]) == ("mq.t3.micro", "SINGLE_INSTANCE")
    assert inputs["publiclyAccessible"] is False
    assert inputs["subnetIds"] == [data_a.id]
    users = inputs["users"]
    assert is_secret(users), "the broker users (with the password) must reach the engine marked secret"
    assert reveal(users) == [{"username": "postings", "password": password.state["result"]}]
    assert inputs["autoMinorVersionUpgrade"] is True
    assert inputs["logs"] == {"general": True}


def test_prod_cluster_spans_the_three_data_subnets() -> None:
    result = run("prod")
    inputs = result.one(BROKER, "postings-prod-broker-rabbitmq").inputs
    data = subnet_ids(result, "data")
    assert (inputs["hostInstanceType"], inputs["deploymentMode"]) == ("mq.m5.large", "CLUSTER_MULTI_AZ")
    assert sorted(inputs["subnetIds"]) == data
    assert result.outputs["brokerEndpoint"] == amqp_host(
        result.one(BROKER, "postings-prod-broker-rabbitmq").state["instances"][0]["endpoints"]
    )
