"""An Idempotency-Key replay answers with the first 201 (body, ETag, Location), whatever changed since,
and migration 0004 keeps that true for keys stored before it; on MariaDB and the embedded SQLite."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from postings.app import create_app
from postings.db import create_db_engine, idempotency_keys, postings
from postings.migrate import SCRIPTS, upgrade
from postings.settings import Settings
from postings.tokens import create_token
from sqlalchemy import Engine, create_engine, func, inspect, select, text, update

from .conftest import MYSQL_HOST, engine_of, mysql_url


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


@pytest.fixture(params=["mariadb", "sqlite"])
def empty_database(request: pytest.FixtureRequest, run_id: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a database with no schema yet, dropped afterwards."""
    if request.param == "sqlite":
        yield Settings(sqlite_path=str(tmp_path / "migrating.sqlite3"))
        return
    name = f"postings_test_{run_id}_0004"
    admin = create_engine(f"mysql+pymysql://root@{MYSQL_HOST}:3306/", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield Settings(database_url=mysql_url(name))  # type: ignore[arg-type]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def test_migration_0004_backfills_first_responses_from_the_outbox_and_downgrades(
    empty_database: Settings,
) -> None:
    assert upgrade(empty_database, "0003") == "0003"
    engine = create_db_engine(empty_database, pool_size=1)
    created = datetime(2026, 11, 1, 9, 30)
    first = {"id": 1, "title": "As created", "version": 1}
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO postings (id, title, company, location, workplace, employment_type, "
                    "seniority, language, description, tags, status, created_at, updated_at, version) "
                    "VALUES (:id, 'Patched', 'c', 'l', 'remote', 'full_time', 'senior', 'en', 'd', '[]', "
                    "'published', :at, :at, 2)"
                ),
                [{"id": 1, "at": created}, {"id": 2, "at": created}],
            )
            conn.execute(
                text(
                    "INSERT INTO idempotency_keys (token_id, `key`, request_hash, posting_id, created_at) "
                    "VALUES (1, :key, 'h', :posting, :at)"
                ),
                [
                    {"key": "with-event", "posting": 1, "at": created},
                    {"key": "event-gone", "posting": 2, "at": created},
                ],
            )
            conn.execute(
                text(
                    "INSERT INTO outbox (event_id, event_type, aggregate_id, payload, created_at, attempts) "
                    "VALUES (:event_id, :type, 1, :payload, :at, 0)"
                ),
                [
                    {
                        "event_id": str(uuid.uuid4()),
                        "type": event_type,
                        "payload": orjson.dumps({"posting": posting}).decode(),
                        "at": created,
                    }
                    for event_type, posting in (
                        ("posting.created", first),
                        ("posting.updated", first | {"title": "Patched", "version": 2}),
                    )
                ],
            )

        assert upgrade(empty_database, "0004") == "0004"
        with engine.connect() as conn:
            stored = conn.execute(
                select(idempotency_keys.c.key, idempotency_keys.c.response_body).order_by(
                    idempotency_keys.c.key
                )
            ).all()
        assert [(row.key, row.response_body) for row in stored] == [
            ("event-gone", None),
            ("with-event", orjson.dumps(first).decode()),
        ]
        assert "ix_idempotency_keys_created_at" in {
            index["name"] for index in inspect(engine).get_indexes("idempotency_keys")
        }

        config = Config()
        config.set_main_option("script_location", str(SCRIPTS))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0003")
        columns = {column["name"] for column in inspect(engine).get_columns("idempotency_keys")}
        assert columns == {"token_id", "key", "request_hash", "posting_id", "created_at"}
        assert upgrade(empty_database, "0004") == "0004"
    finally:
        engine.dispose()
