"""Initial schema: postings, tags, tokens, idempotency keys, outbox and the SQL search index."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MYSQL: dict[str, Any] = {
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
    "mysql_engine": "InnoDB",
}
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "postings",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("workplace", sa.String(16), nullable=False),
        sa.Column("employment_type", sa.String(16), nullable=False),
        sa.Column("seniority", sa.String(16), nullable=False),
        sa.Column("salary_min", sa.Integer, nullable=True),
        sa.Column("salary_max", sa.Integer, nullable=True),
        sa.Column("salary_currency", sa.String(3), nullable=True),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("description", LONG_TEXT, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("apply_url", sa.String(2048), nullable=True),
        sa.Column("apply_email", sa.String(320), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        **MYSQL,
    )
    op.create_index("ix_postings_status_id", "postings", ["status", "id"])
    op.create_index("ix_postings_company", "postings", ["company"])
    op.create_index("ix_postings_location", "postings", ["location"])
    op.create_table(
        "posting_tags",
        sa.Column("tag", sa.String(40), primary_key=True),
        sa.Column("posting_id", ID, sa.ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
        **MYSQL,
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scopes", sa.String(200), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        **MYSQL,
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("token_id", ID, primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("posting_id", ID, sa.ForeignKey("postings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        **MYSQL,
    )
    op.create_table(
        "outbox",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("aggregate_id", ID, nullable=False),
        sa.Column("payload", LONG_TEXT, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("published_at", TIMESTAMP, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(500), nullable=True),
        **MYSQL,
    )
    op.create_index("ix_outbox_pending", "outbox", ["published_at", "id"])
    op.create_table(
        "search_documents",
        sa.Column("posting_id", ID, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("workplace", sa.String(16), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("tags", sa.String(1000), nullable=False),
        sa.Column("folded_title", sa.Text, nullable=False),
        sa.Column("folded_body", LONG_TEXT, nullable=False),
        sa.Column("document", LONG_TEXT, nullable=False),
        **(MYSQL | {"mysql_engine": "MyISAM"}),
    )
    op.create_index("ix_search_documents_status", "search_documents", ["status"])
    dialect = op.get_bind().dialect.name
    if dialect in ("mysql", "mariadb"):
        # MyISAM: the search index is a projection the worker can rebuild, and MyISAM's FULLTEXT
        # ranks common words far faster than InnoDB's (see postings.search.sql).
        op.execute("CREATE FULLTEXT INDEX ft_search_all ON search_documents (folded_title, folded_body)")
    elif dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "folded_title, folded_body, "
            "tokenize=\"unicode61 remove_diacritics 2 tokenchars '_'\")"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    for table in ("search_documents", "outbox", "idempotency_keys", "api_tokens", "posting_tags", "postings"):
        op.drop_table(table)
