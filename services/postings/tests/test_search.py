"""The SQL search adapter on MariaDB (the term tables) and SQLite (FTS5): Turkish and Russian matching,
short words, ranking, filters, highlights and version-gated (idempotent) indexing; on MariaDB, the tiered
ranking against a reference, concurrent indexing and the migration from the FULLTEXT index."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from postings.db import create_db_engine, search_documents, search_terms, search_title_terms
from postings.migrate import SCRIPTS, upgrade
from postings.search import sql
from postings.search.base import TOTAL_CAP
from postings.search.sql import SqlSearchIndex, index_text
from postings.seed import seed_postings
from postings.settings import Settings
from postings.store import ListFilters
from postings.text import fold, folded_with_offsets, highlight, terms
from sqlalchemy import Engine, create_engine, event, func, inspect, select, text

# ruff: noqa: RUF001 - Turkish and Russian letters are the point here


def doc(posting_id: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": posting_id,
        "title": "Engineer",
        "company": "Acme",
        "location": "Berlin",
        "workplace": "remote",
        "employment_type": "full_time",
        "seniority": "mid",
        "salary_min": None,
        "salary_max": None,
        "salary_currency": None,
        "language": "en",
        "description": "A job.",
        "tags": [],
        "apply_url": "https://example.com/",
        "apply_email": None,
        "status": "published",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "version": 1,
    }
    return base | fields


CORPUS = [
    doc(
        1,
        title="Kıdemli Yazılım Geliştirici",
        location="İstanbul",
        language="tr",
        description="Go ile mikroservis geliştirme.",
    ),
    doc(2, title="Backend Developer", location="Istanbul", description="Python and Django.", tags=["python"]),
    doc(
        3,
        title="Разработчик Python",
        location="Москва",
        language="ru",
        description="Ищем разработчика. Ёлка и мёд.",
    ),
    doc(4, title="Go Developer", description="We write Go and some Python.", tags=["go"], workplace="onsite"),
    doc(5, title="Frontend Engineer", description="Google Maps, TypeScript, a bit of python tooling."),
    doc(6, title="Python Developer", description="Archived role.", status="archived"),
]


@pytest.fixture(params=["mariadb", "sqlite"])
def search_index(
    request: pytest.FixtureRequest,
    mysql_settings: Callable[..., Settings],
    sqlite_settings: Callable[..., Settings],
) -> Iterator[SqlSearchIndex]:
    settings = mysql_settings() if request.param == "mariadb" else sqlite_settings()
    if request.param == "sqlite":
        upgrade(settings)
    engine = create_db_engine(settings, pool_size=2)
    index = SqlSearchIndex(engine)
    for posting in CORPUS:
        assert index.index(posting) is True
    yield index
    engine.dispose()


def ids(index: SqlSearchIndex, query: str, **filters: Any) -> list[int]:
    page = index.search(query, ListFilters(**({"status": "published"} | filters)), limit=20, offset=0)
    return [h["id"] for h in page.hits]


def test_turkish_dotted_and_dotless_i_match_however_typed(search_index: SqlSearchIndex) -> None:
    for query in ("istanbul", "İstanbul", "ISTANBUL", "Istanbul", "İSTANBUL"):
        assert sorted(ids(search_index, query)) == [1, 2], query
    assert ids(search_index, "yazilim") == [1]
    assert ids(search_index, "YAZILIM") == [1]
    assert ids(search_index, "kıdemli geliştirici") == [1]


def test_russian_matches_case_insensitively_with_prefixes_and_yo(search_index: SqlSearchIndex) -> None:
    assert ids(search_index, "разработчик") == [3]
    assert ids(search_index, "РАЗРАБОТЧИК") == [3]
    assert ids(search_index, "москва") == [3]
    assert ids(search_index, "елка") == [3]
    assert ids(search_index, "ёлка") == [3]


def test_short_words_match_whole_words_only(search_index: SqlSearchIndex) -> None:
    assert sorted(ids(search_index, "go")) == [1, 4]
    assert 5 not in ids(search_index, "go")  # "Google" is not "go"


def test_title_matches_rank_first_and_archived_are_filtered(search_index: SqlSearchIndex) -> None:
    ranked = ids(search_index, "python")
    assert ranked[0] == 3  # the only published posting with Python in its title
    assert sorted(ranked) == [2, 3, 4, 5]
    assert ids(search_index, "python", status="archived") == [6]


def test_filters_narrow_the_matches(search_index: SqlSearchIndex) -> None:
    assert ids(search_index, "python", tag="python") == [2]
    assert ids(search_index, "developer", workplace="onsite") == [4]
    assert ids(search_index, "python", language="ru") == [3]
    assert ids(search_index, "python", location="Москва") == [3]
    assert ids(search_index, "python", company="Nobody") == []


def test_highlights_mark_the_original_text(search_index: SqlSearchIndex) -> None:
    page = search_index.search("istanbul yazilim", ListFilters(), limit=5, offset=0)
    first = next(h for h in page.hits if h["id"] == 1)
    assert first["highlights"]["title"] == ["Kıdemli <mark>Yazılım</mark> Geliştirici"]
    assert first["highlights"]["location"] == ["<mark>İstanbul</mark>"]
    assert page.total == 1


def test_indexing_is_version_gated(search_index: SqlSearchIndex) -> None:
    newer = doc(4, title="Rust Developer", version=3)
    assert search_index.index(newer) is True
    assert search_index.index(newer) is False
    assert search_index.index(doc(4, title="Go Developer", version=2)) is False
    assert ids(search_index, "rust") == [4]
    assert ids(search_index, "go") == [1]


def test_paging_and_total(search_index: SqlSearchIndex) -> None:
    first = search_index.search("python", ListFilters(), limit=2, offset=0)
    second = search_index.search("python", ListFilters(), limit=2, offset=2)
    beyond = search_index.search("python", ListFilters(), limit=2, offset=10)
    assert first.total == second.total == beyond.total == 4
    assert len({h["id"] for h in first.hits + second.hits}) == 4
    assert beyond.hits == []


def test_fold_terms_and_highlight_escape_html() -> None:
    assert fold("İSTANBUL Işık ЁЖ Straße") == "istanbul isik еж strasse"
    assert terms("  Go, go; GO! python  ") == ["go", "python"]
    assert highlight("<b>Go</b> & more", ["go"]) == ["&lt;b&gt;<mark>Go</mark>&lt;/b&gt; &amp; more"]


def test_folded_offsets_point_at_the_original_characters() -> None:
    # Characters that fold to one (the fast path), to two (ß, ﬁ) and to none (a combining accent).
    text = "Kıdemli Gel\u0301iştirici Straße ﬁnance Ёлка"
    folded, offsets = folded_with_offsets(text)
    assert folded == "kidemli gelistirici strasse finance елка"
    assert len(offsets) == len(folded)
    expected = [i for i, char in enumerate(text) for _ in fold(char)]
    assert list(offsets) == expected
    assert [text[offsets[i]] for i in (0, 12, 24, 25, 28, 29)] == ["K", "ş", "ß", "ß", "ﬁ", "ﬁ"]
    plain = "Backend engineer"  # only characters that fold to one: offsets are the positions
    assert folded_with_offsets(plain) == ("backend engineer", range(len(plain)))
    assert highlight("Straße ﬁnance", ["finance"]) == ["Straße <mark>ﬁnance</mark>"]


def test_search_endpoint_on_mariadb(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    wait: Callable[..., bool],
) -> None:
    created = app_client.post(
        "/v1/postings",
        json=new_posting(title="Старший разработчик", location="Санкт-Петербург", language="ru", tags=["go"]),
        headers=writer,
    ).json()

    def found() -> bool:
        return [
            h["id"] for h in app_client.get("/v1/search", params={"q": "РАЗРАБОТЧИК"}).json()["items"]
        ] == [created["id"]]

    assert wait(found, timeout=10)
    result = app_client.get("/v1/search", params={"q": "разработчик", "tag": "go", "language": "ru"}).json()
    assert result["total"] == 1
    assert result["items"][0]["highlights"]["title"] == ["Старший <mark>разработчик</mark>"]
    assert app_client.get("/v1/search").status_code == 422
    assert app_client.get("/v1/search", params={"q": "x" * 201}).json()["detail"][0]["field"] == "q"
    assert app_client.get("/v1/search", params={"q": "!!!"}).json() == {
        "query": "!!!",
        "total": 0,
        "items": [],
    }


VOCABULARY = ["alpha", "bravo", "charlie", "delta", "echo", "golang", "istanbul", "москва"]


def random_corpus(rng: random.Random, size: int) -> list[dict[str, Any]]:
    return [
        doc(
            n,
            title=" ".join(rng.sample(VOCABULARY, rng.randint(1, 3))),
            description=" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 8))),
            workplace=rng.choice(["remote", "onsite"]),
            status=rng.choice(["published", "published", "archived"]),
        )
        for n in range(1, size + 1)
    ]


def reference(corpus: list[dict[str, Any]], query: str, **filters: str | None) -> list[tuple[int, float]]:
    """The MySQL ranking spelled out: every query token somewhere; more in the title, then newer, first."""
    wanted = set(index_text(query).split())
    ranked = []
    for posting in corpus:
        if any(v is not None and posting[k] != v for k, v in filters.items()):
            continue
        title, every = sql.posting_terms(posting)
        if wanted <= every:
            ranked.append((posting["id"], 1.0 + sql.TITLE_WEIGHT * len(wanted & title)))
    return sorted(ranked, key=lambda r: (-r[1], -r[0]))


def all_pages(
    index: SqlSearchIndex, query: str, size: int, **filters: str | None
) -> tuple[list[Any], set[int]]:
    found: list[Any] = []
    totals: set[int] = set()
    offset = 0
    while True:
        page = index.search(query, ListFilters(**filters), limit=size, offset=offset)
        totals.add(page.total)
        found += [(h["id"], h["score"]) for h in page.hits]
        if len(page.hits) < size:
            return found, totals
        offset += size


@pytest.mark.parametrize("cap", [TOTAL_CAP, 3], ids=["matches-ranked-at-once", "levels-walked"])
def test_mariadb_ranking_matches_the_reference_across_levels_and_pages(
    mysql_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch, cap: int
) -> None:
    # Below the cap a search ranks all the matches at once; above it, it walks the levels.
    monkeypatch.setattr(sql, "TOTAL_CAP", cap)
    rng = random.Random(4)
    corpus = random_corpus(rng, 120)
    engine = create_db_engine(mysql_settings(), pool_size=2)
    index = SqlSearchIndex(engine)
    index.index_many(corpus[:60])  # the seeding path
    for posting in corpus[60:]:  # the worker's path
        assert index.index(posting) is True
    # Up to 5 tokens: every level is walked up to sql.WALKED_TOKENS, the middle ones grouped past it.
    queries = [" ".join(rng.sample(VOCABULARY, rng.randint(1, 5))) for _ in range(40)]
    levels: set[tuple[int, float]] = set()  # (query tokens, score) pairs seen
    for query in queries:
        for filters in (
            {"status": None},
            {"status": "published"},
            {"status": "archived"},
            {"status": "published", "workplace": "onsite"},
        ):
            expected = reference(corpus, query, **filters)
            for page_size in (1, 4, 100):
                found, totals = all_pages(index, query, page_size, **filters)
                assert found == expected, (query, filters, page_size)
                assert totals == {min(len(expected), cap)}, (query, filters, page_size)
            levels |= {(len(query.split()), score) for _id, score in expected}
    # Every level of 1-3 token queries, and middle levels past WALKED_TOKENS, had matches to compare.
    assert {(n, 1.0 + 10 * hits) for n in (1, 2, 3) for hits in range(n + 1)} <= levels
    assert {score for n, score in levels if n > sql.WALKED_TOKENS} & {11.0, 21.0, 31.0}
    engine.dispose()


def test_seeding_mariadb_loads_the_documents_and_every_term(mysql_settings: Callable[..., Settings]) -> None:
    engine = create_db_engine(mysql_settings(), pool_size=3)
    index = SqlSearchIndex(engine)
    assert seed_postings(engine, index, 250, batch_size=40) == 250
    with engine.connect() as conn:
        documents: list[str] = list(conn.execute(select(search_documents.c.document)).scalars())
        corpus = [orjson.loads(d) for d in documents]
        assert sorted(p["id"] for p in corpus) == list(range(1, 251))
        for table, part in ((search_title_terms, 0), (search_terms, 1)):
            count = conn.execute(select(func.count()).select_from(table)).scalar_one()
            assert count == sum(len(sql.posting_terms(p)[part]) for p in corpus), table.name
    for query in ("python", "senior backend", "разработчик"):
        found, totals = all_pages(index, query, 50, status="published")
        assert found == reference(corpus, query, status="published"), query
        assert totals == {len(found)} != {0}, query
    engine.dispose()


def test_mariadb_total_stops_counting_at_the_cap(
    mysql_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "TOTAL_CAP", 5)
    engine = create_db_engine(mysql_settings(), pool_size=1)
    index = SqlSearchIndex(engine)
    index.index_many([doc(n, description="golang") for n in range(1, 13)])
    first = index.search("golang", ListFilters(), limit=2, offset=0)
    assert (first.total, [h["id"] for h in first.hits]) == (5, [12, 11])
    assert [h["id"] for h in index.search("golang", ListFilters(), limit=2, offset=10).hits] == [2, 1]
    engine.dispose()


def test_mariadb_total_over_the_cap_is_not_counted_again_for_a_while(
    mysql_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "TOTAL_CAP", 5)
    engine = create_db_engine(mysql_settings(), pool_size=1)
    index = SqlSearchIndex(engine)
    index.index_many([doc(n, description="golang") for n in range(1, 8)])
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    def counting_walks() -> list[str]:
        return [s for s in statements if "COUNT(*)" in s and "FROM search_terms ak0" in s]

    assert index.search("golang", ListFilters(), limit=2, offset=0).total == 5
    assert len(counting_walks()) == 1, statements
    for n in range(1, 5):  # 3 matches left: below the cap, but the memo still says over it
        index.index(doc(n, description="golang", status="archived", version=2))
    statements.clear()
    again = index.search("golang", ListFilters(), limit=2, offset=0)
    assert (again.total, [h["id"] for h in again.hits]) == (5, [7, 6])
    assert counting_walks() == [], statements
    # Other terms (here a filter) are counted on their own.
    assert index.search("golang", ListFilters(workplace="remote"), limit=2, offset=0).total == 3
    later = time.monotonic() + sql.OVER_CAP_SECONDS + 0.1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    statements.clear()
    assert index.search("golang", ListFilters(), limit=5, offset=0).total == 3
    assert len(counting_walks()) == 1, statements
    engine.dispose()


def test_mariadb_matches_cut_by_group_concat_max_len_are_read_as_rows(
    mysql_settings: Callable[..., Settings],
) -> None:
    # MySQL's default group_concat_max_len is 1,024 bytes; MariaDB's 1 MiB. 4 is the least allowed.
    engine = create_db_engine(mysql_settings(), pool_size=1)
    event.listen(
        engine,
        "connect",
        lambda dbapi_connection, _record: dbapi_connection.cursor().execute(
            "SET SESSION group_concat_max_len = 4"
        ),
    )
    index = SqlSearchIndex(engine)
    index.index_many(
        [doc(n, title="Golang" if n % 3 == 0 else "Engineer", description="golang") for n in range(1, 13)]
    )
    page = index.search("golang", ListFilters(), limit=5, offset=0)
    assert (page.total, [h["id"] for h in page.hits]) == (12, [12, 9, 6, 3, 11])
    assert [h["score"] for h in page.hits] == [11.0] * 4 + [1.0]
    engine.dispose()


def test_mariadb_concurrent_versions_of_one_posting_leave_the_newest(
    mysql_settings: Callable[..., Settings],
) -> None:
    engine = create_db_engine(mysql_settings(), pool_size=8)
    index = SqlSearchIndex(engine)
    versions = [
        doc(7, title=f"{word} engineer", description=word, version=v) for v, word in enumerate(VOCABULARY, 1)
    ]
    rng = random.Random(1)
    rng.shuffle(versions)
    errors: list[BaseException] = []

    def write(posting: dict[str, Any]) -> None:
        try:
            index.index(posting)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    title, every = sql.posting_terms(max(versions, key=lambda v: v["version"]))
    with engine.connect() as conn:
        assert conn.execute(select(search_documents.c.version)).scalars().all() == [len(VOCABULARY)]
        assert set(conn.execute(select(search_title_terms.c.token)).scalars()) == title
        assert set(conn.execute(select(search_terms.c.token)).scalars()) == every
    engine.dispose()


def insert_documents_as_0001_did(engine: Engine) -> None:
    """The corpus in search_documents (and on SQLite in search_fts) as the worker wrote it at 0001."""
    rows = [
        SqlSearchIndex.document_row(p) | {"title": sql.title_text(p), "body": sql.body_text(p)}
        for p in CORPUS
    ]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO search_documents (posting_id, version, status, company, location, "
                "workplace, language, tags, folded_title, folded_body, document) VALUES "
                "(:posting_id, :version, :status, :company, :location, :workplace, :language, :tags, "
                ":title, :body, :document)"
            ),
            rows,
        )
        if engine.dialect.name == "sqlite":
            conn.execute(text(sql.FTS_INSERT), [{"id": r["posting_id"]} | r for r in rows])


REFOLDED = text("SELECT folded_title, folded_body FROM search_documents WHERE posting_id = 3")
REFOLDED_3 = ("разрабо_ python_", "ищем_ разрабо_ елка_ и___ мед_ acme_ москва_")  # as 0001 stored it


def downgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def test_migration_on_sqlite_drops_the_unread_folded_columns_and_restores_them(
    sqlite_settings: Callable[..., Settings],
) -> None:
    settings = sqlite_settings()
    engine = create_db_engine(settings)
    assert upgrade(settings, "0001") == "0001"
    insert_documents_as_0001_did(engine)
    assert upgrade(settings, "0002") == "0002"
    assert {c["name"] for c in inspect(engine).get_columns("search_documents")} == {
        "posting_id",
        "version",
        "status",
        "company",
        "location",
        "workplace",
        "language",
        "tags",
        "document",
    }
    assert sorted(ids(SqlSearchIndex(engine), "python")) == [2, 3, 4, 5]
    downgrade(engine, "0001")
    with engine.connect() as conn:
        assert tuple(conn.execute(REFOLDED).one()) == REFOLDED_3
    engine.dispose()


def test_migration_from_the_fulltext_index_backfills_the_terms_and_reverts(run_id: str) -> None:
    name = f"postings_test_{run_id}_migration"
    url = f"mysql+pymysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"
    admin = create_engine("mysql+pymysql://root@127.0.0.1:3306/", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    settings = Settings(database_url=url)  # type: ignore[arg-type]
    engine = create_db_engine(settings, pool_size=1)
    try:
        assert upgrade(settings, "0001") == "0001"
        insert_documents_as_0001_did(engine)
        assert upgrade(settings, "0002") == "0002"
        with engine.connect() as conn:
            engines: dict[str, str] = dict(
                conn.execute(
                    text("SELECT table_name, engine FROM information_schema.tables WHERE table_schema = :db"),
                    {"db": name},
                ).all()
            )
            assert engines["search_documents"] == "InnoDB"
            columns = text("SHOW COLUMNS FROM search_documents")
            assert not {r.Field for r in conn.execute(columns)} & {"folded_title", "folded_body"}
            expected = [sql.posting_terms(p) for p in CORPUS]
            for table, part in ((search_title_terms, 0), (search_terms, 1)):
                count = conn.execute(select(func.count()).select_from(table)).scalar_one()
                assert count == sum(len(sets[part]) for sets in expected), table.name
        index = SqlSearchIndex(engine)
        assert ids(index, "python") == [3, 5, 4, 2]
        assert ids(index, "разработчика") == [3]

        downgrade(engine, "0001")
        with engine.connect() as conn:
            tables: set[str] = set(conn.execute(text("SHOW TABLES")).scalars())
            assert not tables & {"search_terms", "search_title_terms"}
            fulltext = conn.execute(text("SHOW INDEX FROM search_documents WHERE Index_type = 'FULLTEXT'"))
            assert {r.Key_name for r in fulltext} == {"ft_search_all"}
            assert tuple(conn.execute(REFOLDED).one()) == REFOLDED_3
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def test_mariadb_search_walks_read_the_term_lists_in_index_order(
    mysql_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What makes a search stop early: each walk reads one term's list through the primary key, in
    order, so its LIMIT ends the read; only a level's union of walks is sorted (its few rows). With a
    cap of 30 over 3,000 postings, these queries take the level walks, as common words do at 100k."""
    monkeypatch.setattr(sql, "TOTAL_CAP", 30)
    engine = create_db_engine(mysql_settings(), pool_size=3)
    index = SqlSearchIndex(engine)
    seed_postings(engine, index, 3000)
    statements: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "search_terms" in statement or "search_title_terms" in statement:
            statements.append((statement, parameters))

    queries: tuple[tuple[str, dict[str, str]], ...] = (
        ("python", {}),
        ("senior backend", {}),
        ("postgresql linux", {}),
        ("go", {"tag": "kubernetes"}),
    )
    for query, filters in queries:
        assert index.search(query, ListFilters(**filters), limit=20, offset=0).total == 30, query
    event.remove(engine, "before_cursor_execute", capture)
    walked = [s for s in statements if "ORDER BY" in s[0]]
    assert len(walked) >= len(queries), statements
    assert any("UNION ALL" in statement for statement, _ in walked), statements  # a level of two walks
    with engine.connect() as conn:
        for statement, parameters in walked:
            plan = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            for row in plan:
                if row.table.startswith("<"):  # a union of walks, sorted after they stop
                    continue
                assert "filesort" not in (row.Extra or ""), plan
                assert "temporary" not in (row.Extra or ""), plan
            first_of_each_walk = [r for r in plan if not r.table.startswith("<") and r.type != "eq_ref"]
            assert {(r.type, r.key) for r in first_of_each_walk} == {("ref", "PRIMARY")}, plan
    engine.dispose()
