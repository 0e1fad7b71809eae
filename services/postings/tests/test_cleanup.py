"""Retention: published outbox events and Idempotency-Keys past their age are deleted in bounded
batches, unpublished events never; as a supervised loop that survives a database outage, and as the
one-shot `postings cleanup`. On MariaDB and on the embedded SQLite database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from postings.cleanup import (
    CleanupResult,
    Retention,
    clean_up,
    cleanup_task,
    delete_idempotency_keys,
    delete_published_outbox,
)
from postings.db import create_db_engine, idempotency_keys, outbox, postings
from postings.migrate import upgrade
from postings.settings import Settings
from postings.store import utcnow
from postings.supervision import Backoff, Supervisor
from pydantic import ValidationError
from sqlalchemy import Engine, event, insert, select

from .conftest import AMQP_URL, TcpProxy, mysql_url

NOW = datetime(2026, 11, 30, 12, 0, 0)


@pytest.fixture(params=["mariadb", "sqlite"])
def engine(
    request: pytest.FixtureRequest,
    mysql_settings: Callable[..., Settings],
    sqlite_settings: Callable[..., Settings],
) -> Iterator[Engine]:
    if request.param == "mariadb":
        settings = mysql_settings()
    else:
        settings = sqlite_settings()
        upgrade(settings)
    db = create_db_engine(settings, pool_size=2)
    yield db
    db.dispose()


def add_event(engine: Engine, *, created_at: datetime, published_at: datetime | None) -> int:
    with engine.begin() as conn:
        result = conn.execute(
            insert(outbox).values(
                event_id=str(uuid.uuid4()),
                event_type="posting.created",
                aggregate_id=1,
                payload="{}",
                created_at=created_at,
                published_at=published_at,
                attempts=0,
            )
        )
        assert result.inserted_primary_key is not None
        return int(result.inserted_primary_key[0])


def add_posting(engine: Engine) -> int:
    with engine.begin() as conn:
        result = conn.execute(
            insert(postings).values(
                title="t",
                company="c",
                location="l",
                workplace="remote",
                employment_type="full_time",
                seniority="senior",
                language="en",
                description="d",
                tags=[],
                status="published",
                created_at=NOW,
                updated_at=NOW,
                version=1,
            )
        )
        assert result.inserted_primary_key is not None
        return int(result.inserted_primary_key[0])


def add_key(engine: Engine, posting_id: int, key: str, created_at: datetime, token_id: int = 1) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(idempotency_keys).values(
                token_id=token_id,
                key=key,
                request_hash="0" * 64,
                posting_id=posting_id,
                created_at=created_at,
                response_body="{}",
            )
        )


def outbox_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(outbox.c.id).order_by(outbox.c.id)).scalars())


def key_names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(idempotency_keys.c.key)).scalars())


class Deletes:
    """Counts the DELETE statements an engine runs and the rows each removed."""

    def __init__(self, engine: Engine) -> None:
        self.rows: list[int] = []
        event.listen(engine, "after_cursor_execute", self._after)

    def _after(self, _conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            self.rows.append(cursor.rowcount)


def test_published_events_past_the_cutoff_go_in_batches_and_unpublished_ones_stay(engine: Engine) -> None:
    hour = timedelta(hours=1)
    old = [
        add_event(engine, created_at=NOW - 300 * hour, published_at=NOW - (200 + n) * hour) for n in range(5)
    ]
    recent = add_event(engine, created_at=NOW - 300 * hour, published_at=NOW - 10 * hour)
    at_cutoff = add_event(engine, created_at=NOW - 300 * hour, published_at=NOW - 168 * hour)
    waiting = [add_event(engine, created_at=NOW - 900 * hour, published_at=None) for _ in range(2)]
    deletes = Deletes(engine)

    deleted = delete_published_outbox(engine, published_before=NOW - 168 * hour, batch_size=2)

    assert deleted == 5
    assert deletes.rows == [2, 2, 1]
    assert outbox_ids(engine) == sorted([recent, at_cutoff, *waiting])
    assert set(old).isdisjoint(outbox_ids(engine))
    assert delete_published_outbox(engine, published_before=NOW, batch_size=2) == 2
    assert outbox_ids(engine) == waiting


def test_a_stop_ends_the_pass_after_the_batch_in_hand(engine: Engine) -> None:
    posting_id = add_posting(engine)
    old = NOW - timedelta(days=30)
    for n in range(5):
        add_event(engine, created_at=old, published_at=old)
        add_key(engine, posting_id, f"old-{n}", old)
    stop = threading.Event()
    deletes = Deletes(engine)
    event.listen(engine, "after_cursor_execute", lambda *_args: stop.set())  # from its first statement

    result = clean_up(
        engine,
        Retention(outbox=timedelta(days=1), idempotency_keys=timedelta(days=1), batch_size=2),
        now=NOW,
        stop=stop,
    )

    assert result == CleanupResult(outbox_deleted=2, idempotency_keys_deleted=0)
    assert deletes.rows == [2]
    assert len(outbox_ids(engine)) == 3
    assert len(key_names(engine)) == 5


def test_idempotency_keys_past_the_cutoff_go_in_batches(engine: Engine) -> None:
    posting_id = add_posting(engine)
    hour = timedelta(hours=1)
    for n in range(4):
        add_key(engine, posting_id, f"old-{n}", NOW - (25 + n) * hour, token_id=1 + n % 2)
    add_key(engine, posting_id, "fresh", NOW - 23 * hour)
    add_key(engine, posting_id, "at-cutoff", NOW - 24 * hour)
    deletes = Deletes(engine)

    deleted = delete_idempotency_keys(engine, created_before=NOW - 24 * hour, batch_size=2)

    assert deleted == 4
    assert deletes.rows == [2, 2]  # the third batch found nothing, so it ran no DELETE
    assert key_names(engine) == ["at-cutoff", "fresh"]


def test_a_pass_applies_the_default_retentions(engine: Engine) -> None:
    retention = Retention.from_settings(Settings())
    assert retention == Retention(
        outbox=timedelta(hours=168), idempotency_keys=timedelta(hours=24), batch_size=1000
    )
    posting_id = add_posting(engine)
    week, day, minute = timedelta(hours=168), timedelta(hours=24), timedelta(minutes=1)
    gone = add_event(engine, created_at=NOW - 2 * week, published_at=NOW - week - minute)
    kept = add_event(engine, created_at=NOW - 2 * week, published_at=NOW - week + minute)
    add_key(engine, posting_id, "gone", NOW - day - minute)
    add_key(engine, posting_id, "kept", NOW - day + minute)

    assert clean_up(engine, retention, now=NOW) == CleanupResult(outbox_deleted=1, idempotency_keys_deleted=1)
    assert outbox_ids(engine) == [kept]
    assert gone not in outbox_ids(engine)
    assert key_names(engine) == ["kept"]
    assert clean_up(engine, retention, now=NOW) == CleanupResult(outbox_deleted=0, idempotency_keys_deleted=0)


def test_retentions_shorter_than_an_hour_are_refused() -> None:
    for field in ("outbox_retention_hours", "idempotency_retention_hours"):
        with pytest.raises(ValidationError) as raised:
            Settings(**{field: 0.5})  # type: ignore[arg-type]
        assert [error["loc"] for error in raised.value.errors()] == [(field,)]
    with pytest.raises(ValidationError):
        Settings(cleanup_batch_size=0)


def test_the_supervised_loop_cleans_up_on_schedule_and_survives_a_database_outage(
    mysql_settings: Callable[..., Settings],
    mysql_database: str,
    tcp_proxy: Callable[[int], TcpProxy],
    wait: Callable[..., bool],
) -> None:
    proxy = tcp_proxy(3306)
    settings = mysql_settings(database_url=mysql_url(mysql_database, port=proxy.port))
    db = create_db_engine(settings, pool_size=1)
    direct = create_db_engine(mysql_settings(), pool_size=1)
    retention = Retention(outbox=timedelta(hours=1), idempotency_keys=timedelta(hours=1), batch_size=10)
    stop = threading.Event()
    supervisor = Supervisor(stop, restart=False, backoff=lambda: Backoff(0.05, 0.1))
    task = cleanup_task(db, retention, interval_seconds=0.1, backoff=lambda: Backoff(0.05, 0.1))
    status = supervisor.start("cleanup", task)
    old = utcnow() - timedelta(hours=2)

    try:
        add_event(direct, created_at=old, published_at=old)
        assert wait(lambda: outbox_ids(direct) == [] and status.state == "running"), status.describe()

        proxy.cut()
        waiting = add_event(direct, created_at=old, published_at=None)
        published = add_event(direct, created_at=old, published_at=old)
        assert wait(lambda: status.state == "retrying"), status.describe()
        assert str(status.error).startswith("database: OperationalError"), status.error
        assert outbox_ids(direct) == [waiting, published]

        proxy.restore()
        assert wait(lambda: outbox_ids(direct) == [waiting] and status.state == "running"), status.describe()
        assert not supervisor.failed.is_set()
        assert status.restarts == 0
    finally:
        stop.set()
        supervisor.join()
        db.dispose()
        direct.dispose()


def test_postings_cleanup_deletes_once_and_says_what(
    mysql_settings: Callable[..., Settings], mysql_database: str
) -> None:
    db = create_db_engine(mysql_settings(), pool_size=1)
    posting_id = add_posting(db)
    now = utcnow()
    add_event(db, created_at=now - timedelta(hours=80), published_at=now - timedelta(hours=73))
    kept = add_event(db, created_at=now - timedelta(hours=80), published_at=now - timedelta(hours=71))
    waiting = add_event(db, created_at=now - timedelta(hours=80), published_at=None)
    add_key(db, posting_id, "old", now - timedelta(hours=3))
    add_key(db, posting_id, "new", now - timedelta(minutes=30))
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")} | {
        "POSTINGS_DATABASE_URL": mysql_url(mysql_database),
        "POSTINGS_OUTBOX_RETENTION_HOURS": "72",
        "POSTINGS_IDEMPOTENCY_RETENTION_HOURS": "1",
    }

    done = subprocess.run(
        [sys.executable, "-m", "postings", "cleanup"], env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    *logs, summary = done.stdout.splitlines()
    assert summary == (
        "deleted 1 published outbox events older than 72 h and 1 idempotency keys older than 1 h"
    )
    cleaned = [line for line in map(json.loads, logs) if line["message"] == "cleaned up"]
    assert [(line["outbox_deleted"], line["idempotency_keys_deleted"]) for line in cleaned] == [(1, 1)]
    assert outbox_ids(db) == [kept, waiting]
    assert key_names(db) == ["new"]
    db.dispose()


def test_postings_relay_runs_the_clean_up_beside_the_relay(
    mysql_settings: Callable[..., Settings],
    mysql_database: str,
    amqp_names: dict[str, str],
    wait: Callable[..., bool],
) -> None:
    db = create_db_engine(mysql_settings(), pool_size=1)
    old = utcnow() - timedelta(hours=2)
    expired = add_event(db, created_at=old, published_at=old)
    waiting = add_event(db, created_at=old, published_at=None)
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")} | {
        "POSTINGS_DATABASE_URL": mysql_url(mysql_database),
        "POSTINGS_AMQP_URL": AMQP_URL,
        "POSTINGS_AMQP_EXCHANGE": amqp_names["amqp_exchange"],
        "POSTINGS_AMQP_QUEUE": amqp_names["amqp_queue"],
        "POSTINGS_OUTBOX_RETENTION_HOURS": "1",
        "POSTINGS_CLEANUP_INTERVAL_SECONDS": "0.2",
        "POSTINGS_RELAY_POLL_SECONDS": "0.05",
    }
    relay = subprocess.Popen(
        [sys.executable, "-m", "postings", "relay"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        # The relay publishes the waiting event (now, so it is kept); the clean-up takes the expired one.
        def published() -> list[tuple[int, bool]]:
            with db.connect() as conn:
                rows = conn.execute(select(outbox.c.id, outbox.c.published_at).order_by(outbox.c.id)).all()
            return [(row.id, row.published_at is not None) for row in rows]

        assert wait(lambda: published() == [(waiting, True)], timeout=20), published()
        assert expired not in outbox_ids(db)
    finally:
        relay.send_signal(signal.SIGTERM)
        output, _ = relay.communicate(timeout=30)
        db.dispose()
    assert relay.returncode == 0, output.decode()
    cleaned = [json.loads(line) for line in output.decode().splitlines() if '"cleaned up"' in line]
    assert cleaned[0]["outbox_deleted"] == 1
    assert all(line["idempotency_keys_deleted"] == 0 for line in cleaned)
