"""Query plans on MariaDB over tables big enough for its optimizer's choice to mean something: no
combination of listing or search filters reads a table or an index from end to end (EXPLAIN), and
each first page reads a small part of the postings (the handler counters)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

import pytest
from postings.db import create_db_engine, postings
from postings.migrate import upgrade
from postings.search.sql import SqlSearchIndex
from postings.seed import seed_postings
from postings.settings import Settings
from postings.store import ListFilters, PostingStore
from sqlalchemy import Engine, create_engine, event, func, select, text

from .conftest import MYSQL_HOST, mysql_url

SEEDED = 3_000
DOUBLINGS = 3  # 24,000 postings: the listing's plans; the search terms are the seeded 3,000's
FILTERS = ("company", "location", "workplace", "language", "tag")
# Values no posting has: the case that read the whole table when the column had no index.
NOTHING = {"company": "Nobody Ltd", "location": "Atlantis", "language": "fr", "tag": "cobol"}
FULL_READS = {"ALL", "index"}  # EXPLAIN's access types that read a table or an index end to end
HANDLER_READS = ("Handler_read_key", "Handler_read_next", "Handler_read_prev", "Handler_read_rnd_next")


@pytest.fixture(scope="module")
def big_database(run_id: str) -> Iterator[Engine]:
    """A database of its own: 3,000 seeded postings (with their search terms), the postings and their
    tags then doubled three times with INSERT ... SELECT, and the statistics analysed."""
    name = f"postings_plans_{run_id}"
    admin = create_engine(f"mysql+pymysql://root@{MYSQL_HOST}:3306/", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        settings = Settings(database_url=mysql_url(name))  # type: ignore[arg-type]
        upgrade(settings)
        engine = create_db_engine(settings, pool_size=1)
        seed_postings(engine, SqlSearchIndex(engine), SEEDED)
        columns = [c.name for c in postings.columns if c.name != "id"]
        listed = ", ".join(columns)
        with engine.begin() as conn:
            for _ in range(DOUBLINGS):
                top: int = conn.execute(select(func.max(postings.c.id))).scalar_one()
                conn.execute(
                    text(f"INSERT INTO postings (id, {listed}) SELECT id + :top, {listed} FROM postings"),
                    {"top": top},
                )
                copy_tags = "SELECT tag, posting_id + :top FROM posting_tags"
                conn.execute(text(f"INSERT INTO posting_tags (tag, posting_id) {copy_tags}"), {"top": top})
            for table in (
                "postings",
                "posting_tags",
                "search_terms",
                "search_title_terms",
                "search_documents",
            ):
                conn.execute(text(f"ANALYZE TABLE {table}")).all()
        yield engine
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def statements_of(engine: Engine, run: Any) -> list[tuple[str, Any]]:
    """The statements (with their parameters) that `run()` sends."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def full_reads(engine: Engine, statement: str, parameters: Any) -> list[dict[str, Any]]:
    """EXPLAIN's rows that read a stored table or index end to end (a derived table is a temporary
    result already cut to size, so it does not count)."""
    with engine.connect() as conn:
        plan = [dict(r._mapping) for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters)]
    return [row for row in plan if row["type"] in FULL_READS and not str(row["table"]).startswith("<")]


def rows_read(engine: Engine, run: Any) -> int:
    """Index and table rows the database read while `run()` ran (the engine has one connection)."""

    def counters() -> int:
        with engine.connect() as conn:
            rows = conn.execute(text("SHOW SESSION STATUS LIKE 'Handler_read%'")).all()
            found: dict[str, str] = {str(name): str(value) for name, value in rows}
        return sum(int(found[name]) for name in HANDLER_READS)

    first = counters()
    before = counters()
    reading_them = before - first  # SHOW STATUS reads rows of its own
    run()
    return counters() - before - reading_them


def listing_cases(engine: Engine) -> list[ListFilters]:
    """Every combination of the listing's filters, with the values of one posting (so each matches),
    for published postings and drafts, and each filter alone with a value nothing has."""
    with engine.connect() as conn:
        row = conn.execute(select(postings).where(postings.c.status == "published").limit(1)).one()
    values = {name: getattr(row, name) for name in FILTERS if name != "tag"} | {"tag": row.tags[0]}
    cases = [
        ListFilters(**{name: values[name] for name in chosen}, status=status)
        for status in ("published", "draft")
        for size in range(len(FILTERS) + 1)
        for chosen in combinations(FILTERS, size)
    ]
    return cases + [ListFilters(**{name: value}) for name, value in NOTHING.items()]


def test_no_listing_filter_combination_reads_the_table(big_database: Engine) -> None:
    store = PostingStore(big_database)
    table_rows = SEEDED * 2**DOUBLINGS
    cases = listing_cases(big_database)
    assert len(cases) == 2 * 2 ** len(FILTERS) + len(NOTHING)
    nothing = [ListFilters(**{name: value}) for name, value in NOTHING.items()]
    for filters in cases:
        sent = statements_of(big_database, lambda f=filters: store.list(f, cursor=None, limit=20))
        assert len(sent) == 1, (filters, sent)
        assert full_reads(big_database, *sent[0]) == [], filters
        read = rows_read(big_database, lambda f=filters: store.list(f, cursor=None, limit=20))
        # A page reads its rows and those it skips on its way; never a tenth of the table.
        assert read < table_rows / 10, (filters, read)
        if filters in nothing:
            assert store.list(filters, cursor=None, limit=20)[0] == [], filters
            assert read < 10, (filters, read)


def test_no_search_filter_combination_reads_a_table(big_database: Engine) -> None:
    index = SqlSearchIndex(big_database)
    cases = [c for c in listing_cases(big_database) if c.status == "published"]
    for query in ("python", "senior backend engineer", "разработчик"):
        for filters in cases:
            sent = statements_of(
                big_database, lambda q=query, f=filters: index.search(q, f, limit=20, offset=0)
            )
            assert sent, (query, filters)
            for statement, parameters in sent:
                assert full_reads(big_database, statement, parameters) == [], (query, filters, statement)
