"""Settings from POSTINGS_* variables: URLs or parts (as ECS injects secrets), no secret in any repr, and
no variable the service would not read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from postings.cli import parser
from postings.logs import redact
from postings.settings import InvalidSettingsError, Settings, explain, mask_url, unknown_variables
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


def clean_environment(**variables: str) -> dict[str, str]:
    """This process's environment without its POSTINGS_* variables, plus `variables`."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("POSTINGS_")} | variables


def test_a_misspelt_variable_is_refused_with_the_setting_it_meant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTINGS_DB_HOTS", "db.internal")
    with pytest.raises(InvalidSettingsError) as refused:
        Settings.load()
    assert str(refused.value) == (
        "POSTINGS_DB_HOTS is not a setting of the postings service (did you mean POSTINGS_DB_HOST?); "
        "rename or unset it (services/postings/README.md lists the settings)"
    )


def test_every_unknown_variable_is_named_whatever_its_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("postings_opensearch_ulr", "https://search.internal")
    monkeypatch.setenv("POSTINGS_FLUX_CAPACITOR", "1")
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert explain(refused.value) == (
        "POSTINGS_FLUX_CAPACITOR, postings_opensearch_ulr (did you mean POSTINGS_OPENSEARCH_URL?) are not "
        "settings of the postings service; rename or unset them "
        "(services/postings/README.md lists the settings)"
    )


def test_other_variables_are_none_of_the_services_business(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTING_DB_HOST", "db.internal")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/tmp/metrics")
    assert Settings.load().db_host is None


def test_a_misspelt_keyword_is_refused_too() -> None:
    with pytest.raises(ValidationError, match="databse_url"):
        Settings(databse_url="mysql://u:p@h/d")  # type: ignore[call-arg]


def test_a_bad_value_names_its_variable_and_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTINGS_DB_PORT", "three-three-oh-six")
    monkeypatch.setenv("POSTINGS_ENVIRONMENT", "production")
    with pytest.raises(InvalidSettingsError) as refused:
        Settings.load()
    assert str(refused.value) == (
        "POSTINGS_ENVIRONMENT='production': Input should be 'dev', 'staging', 'prod' or 'local'; "
        "POSTINGS_DB_PORT='three-three-oh-six': Input should be a valid integer, unable to parse string "
        "as an integer"
    )


def test_a_bad_secret_is_named_without_its_value() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(db_password=12345)  # type: ignore[arg-type]
    assert explain(refused.value) == "POSTINGS_DB_PASSWORD: Input should be a valid string"


def test_the_images_own_variables_are_settings() -> None:
    dockerfile = (Path(__file__).parents[1] / "Dockerfile").read_text().replace("\\\n", " ")
    instructions = [line.split(None, 1)[1] for line in dockerfile.splitlines() if line.startswith("ENV ")]
    named = [
        name for line in instructions for name in re.findall(r"(\w+)=", line) if name.startswith("POSTINGS_")
    ]
    assert named == ["POSTINGS_DB_TLS_CA_FILE"]
    assert unknown_variables(named) == []


def postings_commands() -> list[list[str]]:
    """Every subcommand of `postings` (as its usage lists them), with the arguments it needs."""
    usage = parser().format_usage()
    match = re.search(r"\{([a-z,]+)\}", usage)
    assert match is not None, usage
    arguments = {"seed": ["1"], "tokens": ["list"]}
    return [[command, *arguments.get(command, [])] for command in match.group(1).split(",")]


@pytest.mark.parametrize("argv", postings_commands(), ids=lambda argv: argv[0])
def test_every_process_refuses_to_start_with_an_unknown_variable(argv: list[str], tmp_path: Path) -> None:
    started = subprocess.run(
        [sys.executable, "-m", "postings", *argv],
        cwd=tmp_path,
        env=clean_environment(POSTINGS_DB_HOTS="db"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (started.returncode, started.stdout) == (1, "")
    assert started.stderr == (
        f"postings {argv[0]}: POSTINGS_DB_HOTS is not a setting of the postings service (did you mean "
        "POSTINGS_DB_HOST?); rename or unset it (services/postings/README.md lists the settings)\n"
    )
    assert list(tmp_path.iterdir()) == []  # refused before touching anything (no SQLite file)
