"""The service-model check: each kind of constraint botocore's models carry, and how a path maps back."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.model import OperationModel

from infra.rehearsal.constraints import violations, with_integers
from infra.rehearsal.emulation import blamed_property

SESSION = boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")


def _operation(service: str, name: str) -> OperationModel:
    client: Any = SESSION.client(service)  # type: ignore[call-overload]
    operation: OperationModel = client.meta.service_model.operation_model(name)
    return operation


@pytest.mark.parametrize(
    ("service", "operation", "params", "constraint"),
    [
        ("mq", "CreateBroker", {"EngineType": "KAFKA"}, "one of: ACTIVEMQ, RABBITMQ"),
        ("ecr", "CreateRepository", {"repositoryName": "a" * 257}, "at most 256 characters"),
        ("ecr", "CreateRepository", {"repositoryName": "Upper"}, "matching the pattern"),
        ("lambda", "CreateFunction", {"MemorySize": 64}, "at least 128"),
        ("elbv2", "CreateTargetGroup", {"HealthCheckIntervalSeconds": 301}, "at most 300"),
        ("lambda", "PublishLayerVersion", {"CompatibleArchitectures": ["x86_64"] * 3}, "at most 2 items"),
    ],
)
def test_each_kind_of_constraint_is_enforced(
    service: str, operation: str, params: dict[str, object], constraint: str
) -> None:
    found = violations(_operation(service, operation), params)
    assert [v.path[0] for v in found] == list(params), found
    assert constraint in found[0].constraint


def test_a_secret_member_is_never_shown() -> None:
    params = {"BrokerName": "b", "Users": [{"Username": "u", "Password": "short"}]}
    found = [v for v in violations(_operation("mq", "CreateBroker"), params) if v.path[-1] == "Password"]
    assert all(v.value == "[secret]" and v.sensitive for v in found)


def test_valid_requests_pass() -> None:
    params = {"QueueName": "orders.fifo", "Attributes": {"FifoQueue": "true"}}
    assert violations(_operation("sqs", "CreateQueue"), params) == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("ClusterConfig", "InstanceType"), "clusterConfig.instanceType"),
        (("DBInstanceClass",), "instanceClass"),
        (("Users", 0, "Password"), "users[0].password"),
        (("Targets", 0, "RetryPolicy", "MaximumRetryAttempts"), "retryPolicy.maximumRetryAttempts"),
        (("LaunchTemplateData", "InstanceType"), "instanceType"),
        (("DefaultCapacityProviderStrategy", 0, "Weight"), "defaultCapacityProviderStrategies[0].weight"),
        (("ComputedByTheEmulator",), "fallback"),
    ],
)
def test_an_api_path_maps_back_to_the_pulumi_property(path: tuple[str | int, ...], expected: str) -> None:
    inputs = {
        "clusterConfig": {"instanceType": "x"},
        "instanceClass": "db.x",
        "users": [{"password": "p"}],
        "retryPolicy": {"maximumRetryAttempts": 200},
        "instanceType": "t3.nano",
        "defaultCapacityProviderStrategies": [{"weight": 2000}],
    }
    assert blamed_property(inputs, path, "fallback") == expected


def test_whole_floats_become_integers_where_the_model_wants_one() -> None:
    params = {"FunctionName": "f", "Cors": {"MaxAge": 300.0, "AllowOrigins": ["*"]}}
    converted = with_integers(_operation("lambda", "CreateFunctionUrlConfig"), params)
    assert converted == {"FunctionName": "f", "Cors": {"MaxAge": 300, "AllowOrigins": ["*"]}}
    assert isinstance(converted["Cors"]["MaxAge"], int)
    fractional = with_integers(_operation("lambda", "CreateFunctionUrlConfig"), {"Cors": {"MaxAge": 1.5}})
    assert fractional == {"Cors": {"MaxAge": 1.5}}
