"""Settings from POSTINGS_* variables: URLs or parts (as ECS injects secrets), and no secret in any repr."""

from __future__ import annotations

import pytest
from postings.logs import redact
from postings.settings import Settings, mask_url
from pydantic import ValidationError

ECS_ENV = {
    "POSTINGS_ENVIRONMENT": "prod",
    "POSTINGS_LOG_LEVEL": "WARNING",
    "POSTINGS_DB_HOST": "db.internal",
    "POSTINGS_DB_PORT": "3306",
    "POSTINGS_DB_NAME": "postings",
    "POSTINGS_DB_USERNAME": "app",
    "POSTINGS_DB_PASSWORD": "p@ss/word:1",
    "POSTINGS_DB_TLS": "true",
    "POSTINGS_REDIS_HOST": "cache.internal",
    "POSTINGS_REDIS_PORT": "6379",
    "POSTINGS_REDIS_TLS": "true",
    "POSTINGS_REDIS_AUTH_TOKEN": "redis-token-123",
    "POSTINGS_AMQP_HOST": "mq.internal",
    "POSTINGS_AMQP_PORT": "5671",
    "POSTINGS_AMQP_TLS": "true",
    "POSTINGS_AMQP_USERNAME": "svc",
    "POSTINGS_AMQP_PASSWORD": "amqp-secret-456",
    "POSTINGS_SEARCH_BACKEND": "opensearch",
    "POSTINGS_OPENSEARCH_URL": "https://search.internal",
    "POSTINGS_OPENSEARCH_AWS_REGION": "eu-central-1",
}
SECRETS = ("p@ss/word:1", "p%40ss%2Fword%3A1", "redis-token-123", "amqp-secret-456")


@pytest.fixture
def ecs_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in ECS_ENV.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_parts_from_the_ecs_task_definition_build_the_urls(ecs_settings: Settings) -> None:
    assert ecs_settings.environment == "prod"
    assert ecs_settings.resolved_database_url() == (
        "mysql+pymysql://app:p%40ss%2Fword%3A1@db.internal:3306/postings?charset=utf8mb4"
    )
    assert ecs_settings.db_tls is True
    assert ecs_settings.resolved_redis_url() == "rediss://:redis-token-123@cache.internal:6379/0"
    assert ecs_settings.resolved_amqp_url() == "amqps://svc:amqp-secret-456@mq.internal:5671/%2F"
    assert ecs_settings.search_backend == "opensearch"
    assert ecs_settings.opensearch_aws_region == "eu-central-1"


def test_no_secret_in_repr_or_description(ecs_settings: Settings) -> None:
    shown = repr(ecs_settings) + str(ecs_settings) + str(ecs_settings.describe())
    for secret in SECRETS:
        assert secret not in shown
    assert (
        ecs_settings.describe()["database"]
        == "mysql+pymysql://app:***@db.internal:3306/postings?charset=utf8mb4"
    )


def test_full_urls_win_and_are_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTINGS_DATABASE_URL", "mysql://u:hunter2@h:3307/d")
    monkeypatch.setenv("POSTINGS_REDIS_URL", "redis://:hunter3@r:6380/2")
    monkeypatch.setenv("POSTINGS_AMQP_URL", "amqp://a:hunter4@m:5672/%2F")
    settings = Settings()
    assert settings.resolved_database_url() == "mysql+pymysql://u:hunter2@h:3307/d"
    assert settings.resolved_redis_url() == "redis://:hunter3@r:6380/2"
    assert settings.resolved_amqp_url() == "amqp://a:hunter4@m:5672/%2F"
    assert "hunter" not in repr(settings) + str(settings.describe())


def test_embedded_default_without_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ECS_ENV:
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.is_embedded_database
    assert (settings.uses_redis, settings.uses_amqp, settings.search_backend) == (False, False, "sql")
    assert settings.describe()["cache"] == "in-process"


def test_prod_refuses_the_embedded_database() -> None:
    with pytest.raises(ValidationError, match="POSTINGS_DATABASE_URL"):
        Settings(environment="prod")


def test_opensearch_needs_its_url() -> None:
    with pytest.raises(ValidationError, match="POSTINGS_OPENSEARCH_URL"):
        Settings(search_backend="opensearch")


def test_log_redaction_masks_tokens_urls_and_bearer_headers() -> None:
    line = "token pst_abcdefghijklmnop url mysql://app:secret@db/x header Bearer abc.def-ghi"
    assert redact(line) == "token pst_*** url mysql://app:***@db/x header Bearer ***"
    assert mask_url("amqps://svc:pw@mq:5671/%2F") == "amqps://svc:***@mq:5671/%2F"
    assert mask_url("redis://r:6379/0") == "redis://r:6379/0"
