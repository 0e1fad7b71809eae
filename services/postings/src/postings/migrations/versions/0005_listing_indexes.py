"""Listing filters are indexed: workplace and language, and company and location with the status.

GET /v1/postings filters on status (always) and any of company, location, workplace, language and tag,
newest first. Workplace and language had no index, so a filter on one of them walked ix_postings_status_id
backwards, checking every row of the status until a page was full: when nothing matched (`language=fr`
over 100,000 postings) that read the whole table, 640 ms. Each filter column now leads an index
(column, status); InnoDB appends the primary key to every secondary index, so (column, status, id) gives
one filter's matches of one status newest first, and a page stops after limit + 1 rows. company and
location were indexed alone, which made MariaDB intersect them with the status index and sort
(26 ms for `location=Berlin`); they get the status too. The tag filter is served by posting_tags'
primary key (tag, posting_id). tests/test_query_plans.py checks every combination with EXPLAIN.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FILTERED = ("company", "location", "workplace", "language")
ALONE = ("company", "location")  # the 0001 indexes these replace


def upgrade() -> None:
    for column in FILTERED:
        op.create_index(f"ix_postings_{column}_status", "postings", [column, "status"])
    for column in ALONE:
        op.drop_index(f"ix_postings_{column}", table_name="postings")


def downgrade() -> None:
    for column in ALONE:
        op.create_index(f"ix_postings_{column}", "postings", [column])
    for column in FILTERED:
        op.drop_index(f"ix_postings_{column}_status", table_name="postings")
