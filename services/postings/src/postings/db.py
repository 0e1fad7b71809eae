"""The relational schema (SQLAlchemy Core tables) and the engine factory."""

from __future__ import annotations

import ssl
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.dialects import mysql

from postings.settings import Settings

metadata = MetaData()

# BIGINT on MySQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY is the autoincrementing rowid).
Id = BigInteger().with_variant(Integer(), "sqlite")
LongText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

MYSQL_TABLE_ARGS: dict[str, Any] = {
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
    "mysql_engine": "InnoDB",
}

postings = Table(
    "postings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("title", String(200), nullable=False),
    Column("company", String(200), nullable=False),
    Column("location", String(200), nullable=False),
    Column("workplace", String(16), nullable=False),
    Column("employment_type", String(16), nullable=False),
    Column("seniority", String(16), nullable=False),
    Column("salary_min", Integer, nullable=True),
    Column("salary_max", Integer, nullable=True),
    Column("salary_currency", String(3), nullable=True),
    Column("language", String(35), nullable=False),
    Column("description", LongText, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("apply_url", String(2048), nullable=True),
    Column("apply_email", String(320), nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Column("version", Integer, nullable=False),
    # One per listing filter, each (filter, status): see migration 0005.
    Index("ix_postings_status_id", "status", "id"),
    Index("ix_postings_company_status", "company", "status"),
    Index("ix_postings_location_status", "location", "status"),
    Index("ix_postings_workplace_status", "workplace", "status"),
    Index("ix_postings_language_status", "language", "status"),
    **MYSQL_TABLE_ARGS,
)

posting_tags = Table(
    "posting_tags",
    metadata,
    Column("tag", String(40), primary_key=True),
    Column("posting_id", Id, ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    **MYSQL_TABLE_ARGS,
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scopes", String(200), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("revoked_at", Timestamp, nullable=True),
    **MYSQL_TABLE_ARGS,
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("token_id", Id, primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("posting_id", Id, ForeignKey("postings.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    # The first 201's body, answered to every replay (NULL only for keys from before migration 0004).
    Column("response_body", LongText, nullable=True),
    Index("ix_idempotency_keys_created_at", "created_at"),
    **MYSQL_TABLE_ARGS,
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("event_type", String(64), nullable=False),
    Column("aggregate_id", Id, nullable=False),
    Column("payload", LongText, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("published_at", Timestamp, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(500), nullable=True),
    Index("ix_outbox_pending", "published_at", "id"),
    **MYSQL_TABLE_ARGS,
)

# The SQL search adapter's index, a projection only the worker writes: each posting's latest indexed
# version, the fields SQLite filters on, and the posting itself (the hits are built from it).
search_documents = Table(
    "search_documents",
    metadata,
    Column("posting_id", Id, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("company", String(200), nullable=False),
    Column("location", String(200), nullable=False),
    Column("workplace", String(16), nullable=False),
    Column("language", String(35), nullable=False),
    Column("tags", String(1000), nullable=False),
    Column("document", LongText, nullable=False),
    Index("ix_search_documents_status", "status"),
    **MYSQL_TABLE_ARGS,
)

# On MySQL the SQL search adapter's inverted index (SQLite has FTS5 instead): one row per term of a
# posting (each token of its folded text, and each filterable field as `status=published`), and one
# more in search_title_terms per token of its title. The primary key (token, posting_id) keeps each
# term's postings in id order, so "the newest N postings holding all these terms" is an index walk
# that stops after N (see postings.search.sql). Terms are compared byte for byte: they are folded.
TERM_CHARS = 255
Term = String(TERM_CHARS).with_variant(
    mysql.VARCHAR(TERM_CHARS, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
)
search_terms = Table(
    "search_terms",
    metadata,
    Column("token", Term, primary_key=True),
    Column("posting_id", Id, primary_key=True, autoincrement=False),
    **MYSQL_TABLE_ARGS,
)
search_title_terms = Table(
    "search_title_terms",
    metadata,
    Column("token", Term, primary_key=True),
    Column("posting_id", Id, primary_key=True, autoincrement=False),
    **MYSQL_TABLE_ARGS,
)


def _tls_context(settings: Settings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.db_tls_ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def create_db_engine(settings: Settings, *, pool_size: int | None = None, io_timeout: bool = True) -> Engine:
    """An engine for the configured database; SQLite gets WAL and a busy timeout so the embedded
    mode's threads (API, relay, worker) can share one file. MySQL reads and writes give up after
    db_io_timeout_seconds unless `io_timeout` is False (migrations)."""
    url = settings.resolved_database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    connect_args: dict[str, Any] = {
        "charset": "utf8mb4",
        "connect_timeout": 5,
        # Else MariaDB intersects a listing's filter index with ix_postings_status_id (both hold the
        # matches in id order) and reads both to their ends instead of stopping at a page: 120,236 index
        # rows instead of 61 for workplace=onsite over 100,000 postings (migration 0005).
        "init_command": "SET SESSION optimizer_switch = 'index_merge_intersection=off'",
    }
    if io_timeout:
        connect_args["read_timeout"] = connect_args["write_timeout"] = settings.db_io_timeout_seconds
    if settings.db_tls:
        connect_args["ssl"] = _tls_context(settings)
    else:
        # PyMySQL otherwise "prefers" TLS: it builds a default SSL context, loading the system's CA
        # bundle, for every new connection (18.8 ms of CPU each here, against 0.2 ms without), and
        # would negotiate unverified TLS with a server that offers it.
        connect_args["ssl_disabled"] = True
    size = pool_size if pool_size is not None else settings.db_pool_size
    return create_engine(
        url,
        connect_args=connect_args,
        pool_size=size,
        max_overflow=size,
        pool_pre_ping=True,
        pool_recycle=1800,
        isolation_level="READ COMMITTED",
    )
