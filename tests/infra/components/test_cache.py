"""Cache: ElastiCache Redis with TLS, encryption at rest, AUTH from a generated secret."""

from __future__ import annotations

import json

from tests.infra.program import is_secret, reveal, run

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"


def test_dev_replication_group() -> None:
    result = run("dev")
    inputs = result.one(GROUP, "postings-dev-cache-redis").inputs
    password = result.one("random:index/randomPassword:RandomPassword", "postings-dev-cache-auth-password")
    assert inputs["replicationGroupId"] == "postings-dev-redis"
    assert (inputs["engine"], inputs["engineVersion"], inputs["nodeType"]) == (
        "redis",
        "7.1",
        "cache.t4g.micro",
    )
    assert inputs["numCacheClusters"] == 1
    assert inputs["automaticFailoverEnabled"] is False
    assert inputs["atRestEncryptionEnabled"] is True
    assert inputs["transitEncryptionEnabled"] is True
    assert is_secret(inputs["authToken"]), "the AUTH token must reach the engine marked secret"
    assert reveal(inputs["authToken"]) == password.state["result"]
    assert inputs["port"] == 6379
    assert inputs["securityGroupIds"] == [
        result.one("aws:ec2/securityGroup:SecurityGroup", "postings-dev-cache").id
    ]


def test_prod_has_replicas_and_failover() -> None:
    inputs = run("prod").one(GROUP, "postings-prod-cache-redis").inputs
    assert inputs["numCacheClusters"] == 3
    assert inputs["automaticFailoverEnabled"] is True
    assert inputs["multiAzEnabled"] is True
    assert inputs["snapshotRetentionLimit"] == 14


def test_auth_token_is_stored_in_secrets_manager() -> None:
    result = run("dev")
    password = result.one("random:index/randomPassword:RandomPassword", "postings-dev-cache-auth-password")
    assert password.inputs["length"] == 32
    assert password.inputs["special"] is False
    version = result.one("aws:secretsmanager/secretVersion:SecretVersion", "postings-dev-cache-auth-version")
    assert is_secret(version.inputs["secretString"])
    assert json.loads(reveal(version.inputs["secretString"])) == {
        "username": "default",
        "password": password.state["result"],
    }
    secret = result.one("aws:secretsmanager/secret:Secret", "postings-dev-cache-auth-secret")
    assert version.inputs["secretId"] == secret.id
    assert result.outputs["redisAuthSecretArn"] == secret.state["arn"]
