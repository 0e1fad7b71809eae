"""An Idempotency-Key replay answers with the first 201 (body, ETag, Location), whatever changed since,
on MariaDB and on the embedded SQLite database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from postings.app import create_app
from postings.db import idempotency_keys, postings
from postings.settings import Settings
from postings.tokens import create_token
from sqlalchemy import Engine, func, select, update

from .conftest import engine_of


@pytest.fixture(params=["mariadb", "sqlite"])
def client(
    request: pytest.FixtureRequest,
    mysql_settings: Callable[..., Settings],
    sqlite_settings: Callable[..., Settings],
) -> Iterator[TestClient]:
    settings = mysql_settings() if request.param == "mariadb" else sqlite_settings()
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def bearer(engine: Engine, name: str) -> dict[str, str]:
    _id, token = create_token(engine, name=name, scopes={"write"})
    return {"Authorization": f"Bearer {token}"}


def count_postings(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(postings)).scalar_one())


def test_a_replay_answers_the_first_response_after_the_posting_changed(
    client: TestClient, new_posting: Callable[..., dict[str, Any]]
) -> None:
    engine = engine_of(client)
    writer = bearer(engine, "writer")
    headers = writer | {"Idempotency-Key": "create-7"}
    first = client.post("/v1/postings", json=new_posting(title="First title"), headers=headers)
    assert first.status_code == 201, first.text
    url = first.headers["location"]
    patched = client.patch(url, json={"title": "Patched title"}, headers=writer | {"If-Match": '"1"'})
    assert patched.status_code == 200, patched.text
    archived = client.delete(url, headers=writer)
    assert archived.json()["version"] == 3

    replay = client.post("/v1/postings", json=new_posting(title="First title"), headers=headers)

    assert replay.status_code == 201
    assert replay.content == first.content
    assert replay.json()["title"] == "First title"
    assert replay.json()["status"] == "published"
    assert replay.json()["version"] == 1
    assert replay.headers["etag"] == first.headers["etag"] == '"1"'
    assert replay.headers["location"] == url
    assert replay.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert count_postings(engine) == 1
    current = client.get(url, headers=writer).json()
    assert (current["title"], current["status"], current["version"]) == ("Patched title", "archived", 3)


def test_the_first_response_is_stored_beside_the_key(
    client: TestClient, new_posting: Callable[..., dict[str, Any]]
) -> None:
    engine = engine_of(client)
    first = client.post(
        "/v1/postings", json=new_posting(), headers=bearer(engine, "writer") | {"Idempotency-Key": "stored"}
    )
    with engine.connect() as conn:
        rows = conn.execute(select(idempotency_keys.c.key, idempotency_keys.c.response_body)).all()
    assert [(row.key, orjson.loads(str(row.response_body))) for row in rows] == [("stored", first.json())]


def test_the_same_key_with_another_body_is_409_even_after_a_patch(
    client: TestClient, new_posting: Callable[..., dict[str, Any]]
) -> None:
    engine = engine_of(client)
    writer = bearer(engine, "writer")
    headers = writer | {"Idempotency-Key": "create-8"}
    first = client.post("/v1/postings", json=new_posting(title="One"), headers=headers)
    client.patch(first.headers["location"], json={"title": "Two"}, headers=writer | {"If-Match": '"1"'})

    # The body the posting has now is still another body than the first request's.
    reused = client.post("/v1/postings", json=new_posting(title="Two"), headers=headers)

    assert reused.status_code == 409
    assert reused.json()["detail"] == (
        "this Idempotency-Key was already used with a different body; use a new key for a new posting"
    )
    assert count_postings(engine) == 1


def test_keys_belong_to_their_token(client: TestClient, new_posting: Callable[..., dict[str, Any]]) -> None:
    engine = engine_of(client)
    key = {"Idempotency-Key": "shared-name"}
    one = client.post("/v1/postings", json=new_posting(), headers=bearer(engine, "one") | key)
    other = client.post("/v1/postings", json=new_posting(), headers=bearer(engine, "other") | key)

    assert (one.status_code, other.status_code) == (201, 201)
    assert other.json()["id"] == one.json()["id"] + 1
    assert "idempotent-replayed" not in other.headers
    assert count_postings(engine) == 2


def test_a_key_from_before_migration_0004_without_its_event_answers_the_current_posting(
    client: TestClient, new_posting: Callable[..., dict[str, Any]]
) -> None:
    engine = engine_of(client)
    writer = bearer(engine, "writer")
    headers = writer | {"Idempotency-Key": "legacy"}
    first = client.post("/v1/postings", json=new_posting(title="Old"), headers=headers)
    client.patch(first.headers["location"], json={"title": "New"}, headers=writer | {"If-Match": '"1"'})
    with engine.begin() as conn:
        conn.execute(update(idempotency_keys).values(response_body=None))

    replay = client.post("/v1/postings", json=new_posting(title="Old"), headers=headers)

    assert replay.status_code == 201
    assert (replay.json()["title"], replay.json()["version"]) == ("New", 2)
    assert replay.headers["etag"] == '"2"'
