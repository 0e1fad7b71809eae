"""Retention: deletes published outbox events and Idempotency-Keys past their age, in short batches."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, select, tuple_
from sqlalchemy.exc import SQLAlchemyError

from postings.db import idempotency_keys, outbox
from postings.settings import Settings
from postings.store import utcnow
from postings.supervision import Backoff, TaskStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Retention:
    """How long each kind of row is kept, and how many rows one transaction deletes."""

    outbox: timedelta
    idempotency_keys: timedelta
    batch_size: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Retention:
        return cls(
            outbox=timedelta(hours=settings.outbox_retention_hours),
            idempotency_keys=timedelta(hours=settings.idempotency_retention_hours),
            batch_size=settings.cleanup_batch_size,
        )


@dataclass(frozen=True, kw_only=True)
class CleanupResult:
    outbox_deleted: int
    idempotency_keys_deleted: int


def delete_published_outbox(
    engine: Engine, *, published_before: datetime, batch_size: int, stop: threading.Event | None = None
) -> int:
    """Delete outbox events published before the cutoff, oldest first, until none is left or `stop`
    is set; returns how many. An event the relay has not published yet is never deleted, however old."""
    old = and_(outbox.c.published_at.is_not(None), outbox.c.published_at < published_before)
    deleted = 0
    while stop is None or not stop.is_set():
        # Each batch is its own transaction: it locks at most batch_size rows, only for its delete,
        # and the ids are read first so that no statement walks the range under a lock.
        with engine.begin() as conn:
            oldest = select(outbox.c.id).where(old).order_by(outbox.c.published_at, outbox.c.id)
            ids: list[int] = list(conn.execute(oldest.limit(batch_size)).scalars())
            if ids:
                deleted += conn.execute(delete(outbox).where(outbox.c.id.in_(ids), old)).rowcount
        if len(ids) < batch_size:
            break
    return deleted


def delete_idempotency_keys(
    engine: Engine, *, created_before: datetime, batch_size: int, stop: threading.Event | None = None
) -> int:
    """Delete Idempotency-Keys created before the cutoff, oldest first, until none is left or `stop`
    is set; returns how many. A retry with a deleted key creates a new posting, which is why the
    retention should outlast any client's retries."""
    old = idempotency_keys.c.created_at < created_before
    deleted = 0
    while stop is None or not stop.is_set():
        with engine.begin() as conn:
            keys = conn.execute(
                select(idempotency_keys.c.token_id, idempotency_keys.c.key)
                .where(old)
                .order_by(idempotency_keys.c.created_at)
                .limit(batch_size)
            ).all()
            if keys:
                key_of = tuple_(idempotency_keys.c.token_id, idempotency_keys.c.key)
                pairs = [(token_id, key) for token_id, key in keys]
                deleted += conn.execute(delete(idempotency_keys).where(key_of.in_(pairs), old)).rowcount
        if len(keys) < batch_size:
            break
    return deleted


def clean_up(
    engine: Engine,
    retention: Retention,
    *,
    now: datetime | None = None,
    stop: threading.Event | None = None,
) -> CleanupResult:
    """One pass: every published outbox event and every Idempotency-Key past its retention (a pass
    cut short by `stop` ends after the batch in hand)."""
    now = now or utcnow()
    result = CleanupResult(
        outbox_deleted=delete_published_outbox(
            engine, published_before=now - retention.outbox, batch_size=retention.batch_size, stop=stop
        ),
        idempotency_keys_deleted=delete_idempotency_keys(
            engine,
            created_before=now - retention.idempotency_keys,
            batch_size=retention.batch_size,
            stop=stop,
        ),
    )
    log.info(
        "cleaned up",
        extra={
            "outbox_deleted": result.outbox_deleted,
            "idempotency_keys_deleted": result.idempotency_keys_deleted,
        },
    )
    return result


def cleanup_task(
    engine: Engine, retention: Retention, *, interval_seconds: float, backoff: Callable[[], Backoff]
) -> Callable[[threading.Event, TaskStatus], None]:
    """A supervised task (postings.supervision) that cleans up at once and then every interval until
    `stop` is set. A database error is logged and retried after a back-off; it never ends the task."""

    def run(stop: threading.Event, status: TaskStatus) -> None:
        retry = backoff()
        while not stop.is_set():
            started = time.monotonic()
            try:
                clean_up(engine, retention, stop=stop)
            except SQLAlchemyError as exc:
                status.set("retrying", f"database: {exc.__class__.__name__}: {str(exc)[:200]}")
                log.warning("clean-up failed, will retry", exc_info=True)
                stop.wait(retry.next_delay())
                continue
            retry.reset()
            status.set("running")
            stop.wait(max(interval_seconds - (time.monotonic() - started), 0.0))

    return run
