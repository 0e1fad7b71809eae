"""The service's settings: one pydantic-settings class read from POSTINGS_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, safe to log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


class Settings(BaseSettings):
    """Every knob of every process. Each connection takes a full URL or parts, because ECS injects
    secrets as separate values; URLs and passwords are SecretStr so a repr or a log never shows them."""

    model_config = SettingsConfigDict(env_prefix="POSTINGS_", extra="ignore", frozen=True)

    environment: Literal["dev", "staging", "prod", "local"] = "local"
    log_level: str = "INFO"

    database_url: SecretStr | None = None
    db_host: str | None = None
    db_port: int = 3306
    db_name: str = "postings"
    db_username: str | None = None
    db_password: SecretStr | None = None
    db_tls: bool = False
    db_tls_ca_file: str | None = None
    db_pool_size: int = 10
    sqlite_path: str = "postings.sqlite3"

    redis_url: SecretStr | None = None
    redis_host: str | None = None
    redis_port: int = 6379
    redis_tls: bool = False
    redis_auth_token: SecretStr | None = None
    redis_db: int = 0
    cache_prefix: str = "postings:"
    cache_ttl_seconds: int = Field(default=300, ge=1)
    cache_retry_seconds: float = Field(default=2.0, gt=0)

    amqp_url: SecretStr | None = None
    amqp_host: str | None = None
    amqp_port: int = 5672
    amqp_tls: bool = False
    amqp_username: str | None = None
    amqp_password: SecretStr | None = None
    amqp_vhost: str = "/"
    amqp_exchange: str = "postings"
    amqp_queue: str = "postings.search-indexer"
    amqp_queue_type: Literal["quorum", "classic"] = "quorum"

    search_backend: Literal["sql", "opensearch"] = "sql"
    opensearch_url: str | None = None
    opensearch_aws_region: str | None = None
    opensearch_index: str = "postings"

    worker_max_attempts: int = Field(default=5, ge=1)
    worker_retry_base_ms: int = Field(default=1000, ge=1)
    worker_prefetch: int = Field(default=20, ge=1)
    relay_poll_seconds: float = Field(default=0.5, gt=0)
    relay_batch_size: int = Field(default=200, ge=1)

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.search_backend == "opensearch" and not self.opensearch_url:
            raise ValueError(
                "POSTINGS_SEARCH_BACKEND=opensearch needs POSTINGS_OPENSEARCH_URL (https endpoint)"
            )
        if self.environment in ("staging", "prod") and not self.uses_external_database:
            raise ValueError(
                f"POSTINGS_ENVIRONMENT={self.environment} needs a database: set POSTINGS_DATABASE_URL "
                "or POSTINGS_DB_HOST and friends; the embedded SQLite default is for local use only"
            )
        return self

    @property
    def uses_external_database(self) -> bool:
        return self.database_url is not None or self.db_host is not None

    @property
    def uses_redis(self) -> bool:
        return self.redis_url is not None or self.redis_host is not None

    @property
    def uses_amqp(self) -> bool:
        return self.amqp_url is not None or self.amqp_host is not None

    @property
    def is_embedded_database(self) -> bool:
        return self.resolved_database_url().startswith("sqlite")

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL (with the password: never log it, use mask_url)."""
        if self.database_url is not None:
            url = self.database_url.get_secret_value()
            if url.startswith("mysql://") or url.startswith("mariadb://"):
                url = "mysql+pymysql://" + url.split("://", 1)[1]
            return url
        if self.db_host is not None:
            user = quote(self.db_username or "", safe="")
            password = quote(self.db_password.get_secret_value(), safe="") if self.db_password else ""
            auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
            return f"mysql+pymysql://{auth}{self.db_host}:{self.db_port}/{self.db_name}?charset=utf8mb4"
        return f"sqlite:///{Path(self.sqlite_path).absolute()}"

    def resolved_redis_url(self) -> str | None:
        if self.redis_url is not None:
            return self.redis_url.get_secret_value()
        if self.redis_host is None:
            return None
        scheme = "rediss" if self.redis_tls else "redis"
        auth = (
            f":{quote(self.redis_auth_token.get_secret_value(), safe='')}@" if self.redis_auth_token else ""
        )
        return f"{scheme}://{auth}{self.redis_host}:{self.redis_port}/{self.redis_db}"

    def resolved_amqp_url(self) -> str | None:
        if self.amqp_url is not None:
            return self.amqp_url.get_secret_value()
        if self.amqp_host is None:
            return None
        scheme = "amqps" if self.amqp_tls else "amqp"
        user = quote(self.amqp_username or "guest", safe="")
        password = quote(self.amqp_password.get_secret_value(), safe="") if self.amqp_password else "guest"
        vhost = quote(self.amqp_vhost, safe="")
        return f"{scheme}://{user}:{password}@{self.amqp_host}:{self.amqp_port}/{vhost}"

    def describe(self) -> dict[str, object]:
        """What this process connects to, with every secret masked: for the startup log line."""
        redis_url = self.resolved_redis_url()
        amqp_url = self.resolved_amqp_url()
        return {
            "environment": self.environment,
            "database": mask_url(self.resolved_database_url()),
            "cache": mask_url(redis_url) if redis_url else "in-process",
            "queue": mask_url(amqp_url) if amqp_url else "in-process",
            "search": self.search_backend,
        }
