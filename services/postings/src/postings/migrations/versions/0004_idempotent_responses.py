"""Idempotency keys keep the first response, and their age is indexed for the clean-up.

A replayed Idempotency-Key answered with the posting as it is now (after later PATCHes); it now answers
with the body of the first 201, stored beside the key. Keys created before this revision get that body
from their posting's `posting.created` event while the outbox still holds it; the others keep answering
with the current posting until the clean-up deletes them (after POSTINGS_IDEMPOTENCY_RETENTION_HOURS).
`created_at` is indexed so that the clean-up finds old keys without a scan. The outbox needs no new
index: `ix_outbox_pending (published_at, id)` already serves "published before T".
"""

from __future__ import annotations

import orjson
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
BATCH = 500


def _backfill() -> None:
    bind = op.get_bind()
    last: tuple[int, str] = (0, "")
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT k.token_id, k.`key` AS idem_key, o.payload FROM idempotency_keys k "
                "JOIN outbox o ON o.aggregate_id = k.posting_id AND o.event_type = 'posting.created' "
                "WHERE k.response_body IS NULL "
                "AND (k.token_id > :token OR (k.token_id = :token AND k.`key` > :key)) "
                "ORDER BY k.token_id, k.`key` LIMIT :batch"
            ),
            {"token": last[0], "key": last[1], "batch": BATCH},
        ).all()
        if not rows:
            return
        for row in rows:
            body = orjson.dumps(orjson.loads(row.payload)["posting"]).decode()
            bind.execute(
                sa.text(
                    "UPDATE idempotency_keys SET response_body = :body "
                    "WHERE token_id = :token AND `key` = :key"
                ),
                {"body": body, "token": row.token_id, "key": row.idem_key},
            )
        last = (int(rows[-1].token_id), rows[-1].idem_key)


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(sa.Column("response_body", LONG_TEXT, nullable=True))
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    _backfill()


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("response_body")
