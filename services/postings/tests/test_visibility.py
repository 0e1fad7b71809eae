"""Drafts and archived postings are shown only to tokens with the read or write scope: a single one is
404 for anyone else (as a missing one, cached or not), and listing or searching them is 401/403; on
MariaDB with Redis, and on the embedded SQLite database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from postings.app import create_app
from postings.db import api_tokens
from postings.settings import Settings
from postings.store import utcnow
from postings.tokens import PREFIX, create_token, hash_token, revoke_token
from sqlalchemy import Engine, insert

from .conftest import engine_of

LIST_401 = "status={} needs a bearer token with the read or write scope"


@pytest.fixture(params=["mariadb", "sqlite"])
def client(
    request: pytest.FixtureRequest,
    mysql_settings: Callable[..., Settings],
    sqlite_settings: Callable[..., Settings],
) -> Iterator[TestClient]:
    settings = mysql_settings() if request.param == "mariadb" else sqlite_settings()
    with TestClient(create_app(settings)) as test_client:
        yield test_client


class Callers:
    """One Authorization header per kind of caller."""

    def __init__(self, engine: Engine) -> None:
        self.public: dict[str, str] = {}
        self.writer = self._bearer(create_token(engine, name="writer", scopes={"write"})[1])
        self.reader = self._bearer(create_token(engine, name="reader", scopes={"read"})[1])
        revoked_id, revoked = create_token(engine, name="revoked", scopes={"read", "write"})
        assert revoke_token(engine, revoked_id)
        self.revoked = self._bearer(revoked)
        self.unknown = self._bearer(PREFIX + "not-a-real-token")
        self.malformed = {"Authorization": "Basic dXNlcjpwYXNz"}
        # A token with a scope this service may add later, which grants neither reading nor writing.
        other = PREFIX + "a-token-with-another-scope"
        with engine.begin() as conn:
            conn.execute(
                insert(api_tokens).values(
                    name="other", token_hash=hash_token(other), scopes="metrics", created_at=utcnow()
                )
            )
        self.other_scope = self._bearer(other)

    @staticmethod
    def _bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def without_access(self) -> dict[str, dict[str, str]]:
        return {
            "public": self.public,
            "revoked": self.revoked,
            "unknown": self.unknown,
            "malformed": self.malformed,
            "other scope": self.other_scope,
        }


@pytest.fixture
def callers(client: TestClient) -> Callers:
    return Callers(engine_of(client))


def create(client: TestClient, callers: Callers, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/postings", json=body, headers=callers.writer)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def test_a_draft_is_404_to_callers_without_access_and_200_to_readers_and_writers(
    client: TestClient, callers: Callers, new_posting: Callable[..., dict[str, Any]]
) -> None:
    draft = create(client, callers, new_posting(title="Secret draft", status="draft"))
    url = f"/v1/postings/{draft['id']}"
    missing = client.get("/v1/postings/987654")

    # The writer reads first, so every later read is served by the cache.
    for name, headers in (("writer", callers.writer), ("reader", callers.reader)):
        for _ in range(2):
            allowed = client.get(url, headers=headers)
            assert allowed.status_code == 200, (name, allowed.text)
            assert allowed.content == client.get(url, headers=callers.writer).content
            assert (allowed.json()["title"], allowed.headers["etag"]) == ("Secret draft", '"1"'), name
    for name, headers in callers.without_access().items():
        for conditional in ({}, {"If-None-Match": '"1"'}, {"If-None-Match": "*"}):
            refused = client.get(url, headers=headers | conditional)
            assert refused.status_code == 404, (name, conditional, refused.status_code)
            assert refused.json() == {"detail": f"posting {draft['id']} not found"}, name
            assert "etag" not in refused.headers, name
    assert missing.status_code == 404
    assert missing.json() == {"detail": "posting 987654 not found"}


def test_an_archived_posting_leaves_public_view_and_stays_readable_with_a_token(
    client: TestClient, callers: Callers, new_posting: Callable[..., dict[str, Any]]
) -> None:
    posting = create(client, callers, new_posting(title="Closed role"))
    url = f"/v1/postings/{posting['id']}"
    assert client.get(url).status_code == 200  # published: public, and now in the cache
    assert client.delete(url, headers=callers.writer).status_code == 200

    assert client.get(url).status_code == 404
    assert client.get(url, headers=callers.unknown).status_code == 404
    reader = client.get(url, headers=callers.reader)
    assert (reader.status_code, reader.json()["status"], reader.headers["etag"]) == (200, "archived", '"2"')


def test_a_published_posting_is_public_whatever_the_authorization_header(
    client: TestClient, callers: Callers, new_posting: Callable[..., dict[str, Any]]
) -> None:
    posting = create(client, callers, new_posting())
    url = f"/v1/postings/{posting['id']}"
    everyone = {"writer": callers.writer, "reader": callers.reader} | callers.without_access()
    for name, headers in everyone.items():
        response = client.get(url, headers=headers)
        assert (response.status_code, response.json()["id"]) == (200, posting["id"]), name


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_listing_drafts_or_archived_needs_a_reader_or_writer(
    client: TestClient, callers: Callers, new_posting: Callable[..., dict[str, Any]], status: str
) -> None:
    published = create(client, callers, new_posting(title="Open role"))
    draft = create(client, callers, new_posting(title="Draft role", status="draft"))
    archived = create(client, callers, new_posting(title="Closed role"))
    assert client.delete(f"/v1/postings/{archived['id']}", headers=callers.writer).status_code == 200
    expected = {"draft": [draft["id"]], "archived": [archived["id"]]}[status]

    # Filled into the listing cache by the writer first: refusals must not depend on what is cached.
    for headers in (callers.writer, callers.reader, callers.writer):
        page = client.get("/v1/postings", params={"status": status}, headers=headers)
        assert page.status_code == 200, page.text
        assert [p["id"] for p in page.json()["items"]] == expected
    for name, headers in callers.without_access().items():
        refused = client.get("/v1/postings", params={"status": status}, headers=headers)
        if name == "other scope":
            assert refused.status_code == 403, name
            assert refused.json()["detail"] == (
                LIST_401.format(status) + "; create one with `postings tokens create --scope read`"
            )
            assert refused.headers["www-authenticate"] == (
                'Bearer realm="postings", error="insufficient_scope", scope="read"'
            )
        elif name in ("revoked", "unknown"):
            assert refused.status_code == 401, name
            assert refused.json()["detail"] == "the bearer token is unknown or revoked", name
            assert refused.headers["www-authenticate"] == 'Bearer realm="postings", error="invalid_token"'
        else:
            assert refused.status_code == 401, name
            assert refused.json()["detail"] == LIST_401.format(status), name
            assert refused.headers["www-authenticate"] == 'Bearer realm="postings"'
    for headers in (callers.public, callers.reader):
        page = client.get("/v1/postings", headers=headers)
        assert [p["id"] for p in page.json()["items"]] == [published["id"]]


def test_searching_drafts_needs_a_reader_or_writer(
    client: TestClient,
    callers: Callers,
    new_posting: Callable[..., dict[str, Any]],
    wait: Callable[..., bool],
) -> None:
    published = create(client, callers, new_posting(title="Kotlin developer"))
    draft = create(client, callers, new_posting(title="Kotlin lead", status="draft"))

    def found(status: str, headers: dict[str, str]) -> list[int]:
        response = client.get("/v1/search", params={"q": "kotlin", "status": status}, headers=headers)
        assert response.status_code == 200, response.text
        return [hit["id"] for hit in response.json()["items"]]

    assert wait(lambda: found("draft", callers.reader) == [draft["id"]])
    assert found("draft", callers.writer) == [draft["id"]]
    assert wait(lambda: found("published", callers.public) == [published["id"]])
    public = client.get("/v1/search", params={"q": "kotlin", "status": "draft"})
    other = client.get("/v1/search", params={"q": "kotlin", "status": "draft"}, headers=callers.other_scope)
    assert (public.status_code, public.json()["detail"]) == (401, LIST_401.format("draft"))
    assert other.status_code == 403
