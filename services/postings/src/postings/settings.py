"""The service's settings: one pydantic-settings class read from POSTINGS_* environment variables."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "POSTINGS_"
# The largest legitimate body is a posting at every limit of schemas.py sent by a client that escapes
# non-ASCII (Python's json.dumps does): 50,000 description characters at up to 12 bytes each (an emoji is
# "\ud83d\ude00") make 600,000 bytes, the whole posting 610,725 (tests/test_body_limit.py builds and sends
# it). 1 MiB holds that with room to spare, and no client can make a process hold more of one body.
DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024
# RabbitMQ's guide finds heartbeats of 5 to 20 s optimal for most environments
# (https://www.rabbitmq.com/docs/heartbeats); pika gives a silent connection up 15 to 30 s after it
# went silent with 10 (it checks every heartbeat + 5 s).
DEFAULT_AMQP_HEARTBEAT_SECONDS = 10
DEFAULT_AMQP_CONNECT_TIMEOUT_SECONDS = 10.0


class InvalidSettingsError(Exception):
    """The POSTINGS_* environment does not make valid settings; the message names each variable at fault
    and what to do, on one line."""


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

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

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
    # A socket read or write to MySQL that waits longer than this fails, instead of holding its thread
    # and its pooled connection for ever: PyMySQL has no read timeout by default, not even for the
    # server's greeting, so an endpoint that accepts TCP and says nothing (an RDS Multi-AZ failover
    # behind its DNS name) would hang every new connection. Migrations, whose ALTER TABLE may run for
    # minutes on a large table, wait without limit.
    db_io_timeout_seconds: float = Field(default=30.0, gt=0)
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
    # Unpublished events older than this make /readyz report the relay stalled.
    relay_stall_seconds: float = Field(default=60.0, gt=0)
    # The clean-up (postings.cleanup) deletes published outbox rows and Idempotency-Keys older than
    # these, cleanup_batch_size rows per transaction, every cleanup_interval_seconds where a relay runs.
    # A week of published events is kept to look into; 24 h for keys is what Stripe documents.
    outbox_retention_hours: float = Field(default=168.0, ge=1)
    idempotency_retention_hours: float = Field(default=24.0, ge=1)
    cleanup_interval_seconds: float = Field(default=600.0, gt=0)
    cleanup_batch_size: int = Field(default=1000, ge=1, le=10_000)

    # A broker that accepts TCP and never completes the AMQP handshake (a load balancer in front of a
    # failing-over broker) is given up on after amqp_connect_timeout_seconds, and an open connection
    # that goes silent after amqp_heartbeat_seconds + 5 to twice that (pika's heartbeat check).
    amqp_connect_timeout_seconds: float = Field(default=DEFAULT_AMQP_CONNECT_TIMEOUT_SECONDS, gt=0)
    amqp_heartbeat_seconds: int = Field(default=DEFAULT_AMQP_HEARTBEAT_SECONDS, ge=1)
    # The relay and the consumer reconnect forever, waiting a random time up to base * 2^n, capped.
    reconnect_base_seconds: float = Field(default=0.5, gt=0)
    reconnect_max_seconds: float = Field(default=30.0, gt=0)
    # /readyz and /metrics wait at most probe_timeout_seconds for a dependency and reuse an answer
    # for probe_cache_seconds (the database's is never reused), so they answer within a second whatever
    # a dependency does.
    probe_timeout_seconds: float = Field(default=0.5, gt=0, le=0.9)
    probe_cache_seconds: float = Field(default=1.0, ge=0)

    max_request_body_bytes: int = Field(default=DEFAULT_MAX_REQUEST_BODY_BYTES, ge=1024)

    # `postings worker` and `postings relay` serve Prometheus metrics on http://metrics_host:metrics_port
    # /metrics (the API serves its own on /metrics); 0 turns it off. 9464 is the port registered for
    # OpenTelemetry's Prometheus exporter, clear of the API's 8000.
    metrics_host: str = "0.0.0.0"
    metrics_port: int = Field(default=9464, ge=0, le=65535)

    @classmethod
    def load(cls) -> Settings:
        """The settings of this process from its environment, or InvalidSettingsError saying in one line
        which variables are wrong and how: what every entry point calls."""
        try:
            return cls()
        except ValidationError as exc:
            raise InvalidSettingsError(explain(exc)) from None

    @model_validator(mode="before")
    @classmethod
    def _known_variables_only(cls, data: Any) -> Any:
        # pydantic-settings reads only the variables that name a field and drops the rest, so a misspelt
        # one would leave its setting at the default without a word: refuse it instead.
        unknown = unknown_variables(os.environ)
        if len(unknown) == 1:
            raise ValueError(
                f"{unknown[0]} is not a setting of the postings service{_did_you_mean(unknown[0])}; "
                "rename or unset it (services/postings/README.md lists the settings)"
            )
        if unknown:
            names = ", ".join(f"{name}{_did_you_mean(name)}" for name in unknown)
            raise ValueError(
                f"{names} are not settings of the postings service; rename or unset them "
                "(services/postings/README.md lists the settings)"
            )
        return data

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


def variable(field: str) -> str:
    """The environment variable a setting is read from."""
    return f"{ENV_PREFIX}{field.upper()}"


def variables() -> frozenset[str]:
    """Every environment variable the service reads a setting from."""
    return frozenset(variable(field) for field in Settings.model_fields)


def unknown_variables(names: Iterable[str]) -> list[str]:
    """The names that carry the prefix but name no setting (compared as pydantic-settings does, ignoring
    case), sorted; any other variable is none of the service's business."""
    known = {name.upper() for name in variables()}
    return sorted(n for n in names if n.upper().startswith(ENV_PREFIX) and n.upper() not in known)


def closest_variable(name: str) -> str | None:
    """The setting's variable a misspelt `name` most likely meant, if one is close."""
    upper = name.upper()
    stem = upper.removeprefix(ENV_PREFIX)
    # Compared without the prefix, which every candidate shares and would make anything look close;
    # a name that lost part of the prefix (POSTING_DB_HOST) is compared whole.
    candidates = {
        variable(field).removeprefix(ENV_PREFIX): variable(field) for field in Settings.model_fields
    }
    if not upper.startswith(ENV_PREFIX):
        candidates = {full: full for full in candidates.values()}
        stem = upper
    match = difflib.get_close_matches(stem, candidates, n=1)
    return candidates[match[0]] if match else None


def _did_you_mean(name: str) -> str:
    closest = closest_variable(name)
    return f" (did you mean {closest}?)" if closest else ""


def _is_secret(field: str) -> bool:
    annotation = Settings.model_fields[field].annotation
    return annotation is SecretStr or SecretStr in get_args(annotation)


def explain(error: ValidationError) -> str:
    """A settings ValidationError as one line that names each variable at fault (never a secret's value)."""
    problems = []
    for item in error.errors():
        loc = item.get("loc", ())
        message = str(item["ctx"]["error"]) if item["type"] == "value_error" else item["msg"]
        if not loc:
            problems.append(message)
            continue
        if loc[0] not in Settings.model_fields:
            problems.append(f"{'.'.join(str(part) for part in loc)}: {message}")
            continue
        field = str(loc[0])
        shown = "" if _is_secret(field) or item["type"] == "missing" else f"={item.get('input')!r}"
        problems.append(f"{variable(field)}{shown}: {message}")
    return "; ".join(problems)
