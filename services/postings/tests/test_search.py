"""The SQL search adapter on MariaDB (InnoDB FULLTEXT) and SQLite (FTS5): Turkish and Russian matching,
short words, ranking, filters, highlights and version-gated (idempotent) indexing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from postings.db import create_db_engine
from postings.migrate import upgrade
from postings.search.sql import SqlSearchIndex
from postings.settings import Settings
from postings.store import ListFilters
from postings.text import fold, highlight, terms

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
