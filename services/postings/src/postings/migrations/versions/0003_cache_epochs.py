"""The cache epoch: a counter per cache prefix that a process bumps when it could not invalidate Redis,
so that every process stops trusting what Redis holds (see postings.cache)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cache_epochs",
        sa.Column("name", sa.String(191), primary_key=True),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )


def downgrade() -> None:
    op.drop_table("cache_epochs")
