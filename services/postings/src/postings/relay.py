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
from postings.supervision import Backoff, TaskStatus

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        publisher: Publisher,
        *,
        batch_size: int,
        poll_seconds: float,
        backoff: Backoff | None = None,
    ) -> None:
        self.engine = engine
        self.publisher = publisher
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.backoff = backoff or Backoff(poll_seconds, 30.0)
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

    def run(self, stop: threading.Event, status: TaskStatus | None = None) -> None:
        """Publish until `stop` is set. Every failure (broker, database or anything else) is logged,
        recorded in `status` and retried after a jittered back-off: the relay never gives up."""
        status = status or TaskStatus("outbox-relay")
        log.info("outbox relay started")
        try:
            while not stop.is_set():
                try:
                    count = self.publish_pending()
                except Exception as exc:
                    delay = self.backoff.next_delay()
                    status.set("retrying", _describe(exc))
                    if isinstance(exc, PublishError):
                        log.warning(
                            "publishing failed, retrying", extra={"error": str(exc), "retry_in_s": delay}
                        )
                    else:
                        metrics.ERRORS.labels("relay").inc()
                        log.warning(
                            "outbox relay failed, retrying",
                            exc_info=not isinstance(exc, SQLAlchemyError),
                            extra={"error": str(exc)[:300], "retry_in_s": delay},
                        )
                    stop.wait(delay)
                    continue
                self.backoff.reset()
                status.set("running")
                if count < self.batch_size:
                    stop.wait(self.poll_seconds)
        finally:
            self.publisher.close()
        log.info("outbox relay stopped")


def _describe(exc: Exception) -> str:
    if isinstance(exc, SQLAlchemyError):
        return f"database: {str(exc).splitlines()[0][:200]}"
    return str(exc)[:200]


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
