"""Listing caches are invalidated by what a write can change: the listings that showed the posting's
version before the write or can show the one after it, not every listing."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from postings.cache import listing_scope, scopes_showing
from postings.store import ListFilters

LIST_HITS = 'postings_cache_hits_total{kind="list"}'
LIST_MISSES = 'postings_cache_misses_total{kind="list"}'


def metric(text: str, sample: str) -> float:
    for line in text.splitlines():
        if line.rsplit(" ", 1)[0] == sample:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


class Lists:
    """Reads first pages and says whether each came from the cache."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def read(self, **params: str) -> tuple[list[tuple[int, str]], bool]:
        """The page's (id, title) pairs, and True when the cache served it."""
        before = self.client.get("/metrics").text
        page = self.client.get("/v1/postings", params=params)
        assert page.status_code == 200, page.text
        after = self.client.get("/metrics").text
        hit = metric(after, LIST_HITS) - metric(before, LIST_HITS)
        miss = metric(after, LIST_MISSES) - metric(before, LIST_MISSES)
        assert (hit, miss) in ((1, 0), (0, 1)), (params, hit, miss)
        return [(p["id"], p["title"]) for p in page.json()["items"]], hit == 1


def test_a_write_refreshes_the_listings_it_changes_and_no_others(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    lists = Lists(app_client)

    def create(**fields: Any) -> int:
        created = app_client.post("/v1/postings", json=new_posting(**fields), headers=writer)
        assert created.status_code == 201, created.text
        posting_id: int = created.json()["id"]
        return posting_id

    def patch(posting_id: int, version: int, **fields: Any) -> None:
        edited = app_client.patch(
            f"/v1/postings/{posting_id}", json=fields, headers=writer | {"If-Match": f'"{version}"'}
        )
        assert edited.status_code == 200, edited.text

    python = create(title="Python dev", tags=["python", "go"], workplace="hybrid", language="en")
    rust = create(title="Rust dev", tags=["rust"], workplace="remote", language="de")
    for params in ({"tag": "python"}, {"tag": "rust"}, {"workplace": "remote"}, {"language": "de"}, {}):
        assert lists.read(**params)[1] is False
        assert lists.read(**params)[1] is True

    patch(python, 1, title="Python developer")

    assert lists.read(tag="rust") == ([(rust, "Rust dev")], True)
    assert lists.read(workplace="remote") == ([(rust, "Rust dev")], True)
    assert lists.read(language="de") == ([(rust, "Rust dev")], True)
    assert lists.read(tag="python") == ([(python, "Python developer")], False)
    assert lists.read() == ([(rust, "Rust dev"), (python, "Python developer")], False)

    # A draft shows in no published listing, so it leaves them all cached.
    create(title="Rust draft", tags=["rust"], workplace="remote", language="de", status="draft")
    assert lists.read(tag="rust") == ([(rust, "Rust dev")], True)
    assert lists.read() == ([(rust, "Rust dev"), (python, "Python developer")], True)

    # Moving a posting out of a listing refreshes that listing too (the version before the write).
    patch(python, 2, tags=["rust"], workplace="remote")
    assert lists.read(tag="python") == ([], False)
    assert lists.read(tag="rust") == ([(rust, "Rust dev"), (python, "Python developer")], False)
    assert lists.read(workplace="remote") == ([(rust, "Rust dev"), (python, "Python developer")], False)
    assert lists.read(language="de") == ([(rust, "Rust dev")], True)

    # Archiving takes it out of the published listings it was in.
    assert app_client.delete(f"/v1/postings/{rust}", headers=writer).status_code == 200
    assert lists.read(tag="rust") == ([(python, "Python developer")], False)
    assert lists.read(language="de") == ([], False)


def test_every_listing_that_can_show_a_posting_is_in_its_scopes() -> None:
    posting = {"workplace": "remote", "language": "pt-BR", "status": "published", "tags": ["go", "sql"]}
    scopes = scopes_showing(posting)
    assert len(scopes) == 2 * 2 * 2 * 3, sorted(scopes)
    showing = 0
    for company, location, workplace, language, status, tag in itertools.product(
        (None, "Acme"),
        (None, "Berlin"),
        (None, "onsite", "remote"),
        (None, "pt-BR", "pt-br", "de"),
        (None, "draft", "published"),
        (None, "go", "sql", "rust"),
    ):
        filters = ListFilters(
            company=company, location=location, workplace=workplace, language=language, status=status, tag=tag
        )
        shows = (
            workplace in (None, "remote")
            and (language is None or language.lower() == "pt-br")
            and status in (None, "published")
            and tag in (None, "go", "sql")
        )
        assert (listing_scope(filters) in scopes) == shows, filters
        showing += shows
    assert showing == 2 * 2 * 2 * 3 * 2 * 3
