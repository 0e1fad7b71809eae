"""The outbox relay: publishes stored events in order and marks each sent only once the broker confirms it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from postings import metrics
from postings.broker import Publisher, PublishError
from postings.db import outbox
from postings.store import utcnow

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0


class OutboxRelay:
    def __init__(self, engine: Engine, publisher: Publisher, *, batch_size: int, poll_seconds: float) -> None:
        self.engine = engine
        self.publisher = publisher
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.locking = engine.dialect.name in ("mysql", "mariadb")

    def publish_pending(self) -> int:
        """Publish one batch; returns how many were confirmed. Raises PublishError after recording
        the failure on the event that could not be published (the ones before it are marked sent)."""
        query = (
            select(outbox.c.id, outbox.c.event_id, outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.id)
            .limit(self.batch_size)
        )
        if self.locking:
            # Several relays may run (one per worker task): each takes rows nobody else holds.
            with self.engine.begin() as conn:
                rows = conn.execute(query.with_for_update(skip_locked=True)).all()
                sent, failure = self._publish(rows)
                self._record(conn, sent, failure)
        else:
            # SQLite: one relay, and no write lock held while handing events over.
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            sent, failure = self._publish(rows)
            with self.engine.begin() as conn:
                self._record(conn, sent, failure)
        if failure is not None:
            raise failure[1]
        return len(sent)

    def _publish(self, rows: Sequence[Any]) -> tuple[list[int], tuple[int, PublishError] | None]:
        sent: list[int] = []
        for row in rows:
            try:
                self.publisher.publish(row.event_type, row.payload.encode(), row.event_id)
            except PublishError as exc:
                metrics.OUTBOX_PUBLISH_FAILURES.inc()
                return sent, (row.id, exc)
            metrics.OUTBOX_PUBLISHED.labels(row.event_type).inc()
            sent.append(row.id)
        return sent, None

    @staticmethod
    def _record(conn: Connection, sent: list[int], failure: tuple[int, PublishError] | None) -> None:
        if sent:
            conn.execute(update(outbox).where(outbox.c.id.in_(sent)).values(published_at=utcnow()))
        if failure is not None:
            conn.execute(
                update(outbox)
                .where(outbox.c.id == failure[0])
                .values(attempts=outbox.c.attempts + 1, last_error=str(failure[1])[:500])
            )

    def run(self, stop: threading.Event) -> None:
        backoff = self.poll_seconds
        log.info("outbox relay started")
        while not stop.is_set():
            try:
                count = self.publish_pending()
            except PublishError as exc:
                log.warning("publishing failed, retrying", extra={"error": str(exc), "retry_in_s": backoff})
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            except SQLAlchemyError as exc:
                metrics.ERRORS.labels("relay").inc()
                log.warning(
                    "outbox unreadable, retrying", extra={"error": str(exc)[:300], "retry_in_s": backoff}
                )
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = self.poll_seconds
            if count < self.batch_size:
                stop.wait(self.poll_seconds)
        self.publisher.close()
        log.info("outbox relay stopped")


def outbox_backlog(engine: Engine) -> tuple[int, float]:
    """Unpublished events and the age in seconds of the oldest one (0 when none)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(func.count().label("n"), func.min(outbox.c.created_at).label("oldest")).where(
                outbox.c.published_at.is_(None)
            )
        ).one()
    count: Any = row.n
    oldest: Any = row.oldest
    age = (utcnow() - oldest).total_seconds() if isinstance(oldest, datetime) else 0.0
    return int(count), max(age, 0.0)
