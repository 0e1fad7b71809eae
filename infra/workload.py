"""The contract between the platform and the postings service: port, commands and settings it reads."""

from __future__ import annotations

import pulumi

APP_PORT = 8000
# The image's executable and the arguments of each process (services/postings/Dockerfile, `postings --help`).
ENTRY_POINT = ["postings"]
API_COMMAND = ["serve", "--host", "0.0.0.0", "--port", str(APP_PORT)]
WORKER_COMMAND = ["worker"]
DB_PORT = 3306
REDIS_PORT = 6379
AMQP_PORT = 5671


def service_environment(
    *,
    environment: str,
    region: str,
    database_host: pulumi.Input[str],
    redis_host: pulumi.Input[str],
    amqp_host: pulumi.Input[str],
    search_endpoint: pulumi.Input[str],
) -> dict[str, pulumi.Input[str]]:
    """Plain settings (pydantic-settings, prefix POSTINGS_): where each dependency is, with TLS on."""
    return {
        "POSTINGS_ENVIRONMENT": environment,
        "POSTINGS_LOG_LEVEL": "INFO",
        "POSTINGS_DB_HOST": database_host,
        "POSTINGS_DB_PORT": str(DB_PORT),
        "POSTINGS_DB_NAME": "postings",
        "POSTINGS_DB_TLS": "true",
        "POSTINGS_REDIS_HOST": redis_host,
        "POSTINGS_REDIS_PORT": str(REDIS_PORT),
        "POSTINGS_REDIS_TLS": "true",
        "POSTINGS_AMQP_HOST": amqp_host,
        "POSTINGS_AMQP_PORT": str(AMQP_PORT),
        "POSTINGS_AMQP_TLS": "true",
        "POSTINGS_SEARCH_BACKEND": "opensearch",
        "POSTINGS_OPENSEARCH_URL": pulumi.Output.concat("https://", search_endpoint),
        "POSTINGS_OPENSEARCH_AWS_REGION": region,
    }


def json_key(secret_arn: pulumi.Input[str], key: str) -> pulumi.Output[str]:
    """ECS `valueFrom` for one key of a JSON secret: `<arn>:<key>::` (latest version)."""
    return pulumi.Output.concat(secret_arn, f":{key}::")


def service_secrets(
    *,
    database_secret_arn: pulumi.Input[str],
    redis_secret_arn: pulumi.Input[str],
    broker_secret_arn: pulumi.Input[str],
) -> dict[str, pulumi.Input[str]]:
    """Settings ECS injects from Secrets Manager at task start; none of them is ever plain environment."""
    return {
        "POSTINGS_DB_USERNAME": json_key(database_secret_arn, "username"),
        "POSTINGS_DB_PASSWORD": json_key(database_secret_arn, "password"),
        "POSTINGS_REDIS_AUTH_TOKEN": json_key(redis_secret_arn, "password"),
        "POSTINGS_AMQP_USERNAME": json_key(broker_secret_arn, "username"),
        "POSTINGS_AMQP_PASSWORD": json_key(broker_secret_arn, "password"),
    }
