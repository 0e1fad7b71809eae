"""SQL search on MySQL: an inverted index of InnoDB tables instead of a MyISAM FULLTEXT index.

FULLTEXT ranks every posting that matches before it returns a page, so a common word over 100,000
postings cost 40-120 ms; search_terms and search_title_terms let a search stop once its page is full
(see postings.search.sql). search_documents becomes InnoDB, so that a posting's document and its terms
change in one transaction, and loses its folded text columns on both dialects: nothing reads them (the
terms and SQLite's FTS5 table hold what they held). The terms are backfilled from the stored documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from postings.search.sql import body_text, insert_posting_terms, title_text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TERM_TABLES = ("search_title_terms", "search_terms")
TERM = mysql.VARCHAR(255, charset="utf8mb4", collation="utf8mb4_bin")
BATCH = 2000


def _is_mysql() -> bool:
    return op.get_bind().dialect.name in ("mysql", "mariadb")


def _documents() -> Iterator[list[dict[str, Any]]]:
    """The stored postings, a batch at a time."""
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT posting_id, document FROM search_documents WHERE posting_id > :last "
                "ORDER BY posting_id LIMIT :batch"
            ),
            {"last": last, "batch": BATCH},
        ).all()
        if not rows:
            return
        last = rows[-1].posting_id
        yield [orjson.loads(row.document) for row in rows]


def upgrade() -> None:
    if not _is_mysql():
        with op.batch_alter_table("search_documents") as batch:
            batch.drop_column("folded_title")
            batch.drop_column("folded_body")
        return
    for table in TERM_TABLES:
        op.create_table(
            table,
            sa.Column("token", TERM, primary_key=True),
            sa.Column("posting_id", sa.BigInteger, primary_key=True, autoincrement=False),
            mysql_charset="utf8mb4",
            mysql_collate="utf8mb4_unicode_ci",
            mysql_engine="InnoDB",
        )
    op.execute(
        "ALTER TABLE search_documents DROP INDEX ft_search_all, DROP COLUMN folded_title, "
        "DROP COLUMN folded_body, ENGINE=InnoDB"
    )
    for postings in _documents():
        insert_posting_terms(op.get_bind(), postings)


def downgrade() -> None:
    if _is_mysql():
        for table in TERM_TABLES:
            op.drop_table(table)
        op.execute(
            "ALTER TABLE search_documents ENGINE=MyISAM, ADD COLUMN folded_title TEXT NOT NULL DEFAULT '', "
            "ADD COLUMN folded_body MEDIUMTEXT NOT NULL DEFAULT ''"
        )
    else:
        with op.batch_alter_table("search_documents") as batch:
            batch.add_column(sa.Column("folded_title", sa.Text, nullable=False, server_default=""))
            batch.add_column(sa.Column("folded_body", sa.Text, nullable=False, server_default=""))
    refold = "UPDATE search_documents SET folded_title = :title, folded_body = :body WHERE posting_id = :id"
    for postings in _documents():
        op.get_bind().execute(
            sa.text(refold),
            [{"id": p["id"], "title": title_text(p), "body": body_text(p)} for p in postings],
        )
    if _is_mysql():
        op.execute("CREATE FULLTEXT INDEX ft_search_all ON search_documents (folded_title, folded_body)")
