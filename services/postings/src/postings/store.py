"""The postings store: all reads and writes; each write stores its outbox event in the same transaction."""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy import Connection, Engine, Row, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from postings.db import idempotency_keys, outbox, posting_tags, postings
from postings.schemas import PostingFields

EVENT_CREATED = "posting.created"
EVENT_UPDATED = "posting.updated"
EVENT_ARCHIVED = "posting.archived"


class NotFoundError(Exception):
    """No posting has that id."""


class PreconditionFailedError(Exception):
    """The If-Match version is not the current one: someone else changed the posting first."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"the posting is at version {current_version}; fetch it again and retry")
        self.current_version = current_version


class IdempotencyConflictError(Exception):
    """The Idempotency-Key was used before with a different request body."""


class InvalidCursorError(ValueError):
    """The pagination cursor was not one this service issued."""


class PatchInvalidError(Exception):
    """The patched posting fails validation; errors are pydantic's, located at the body fields."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid patch")
        self.errors = errors


@dataclass(frozen=True)
class ListFilters:
    company: str | None = None
    location: str | None = None
    workplace: str | None = None
    tag: str | None = None
    language: str | None = None
    status: str | None = "published"

    def cache_key(self) -> str:
        return "|".join(f"{k}={v}" for k, v in sorted(self.__dict__.items()) if v is not None)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _iso(value: datetime) -> str:
    return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def posting_dict(row: Row[Any] | dict[str, Any]) -> dict[str, Any]:
    """A posting as JSON-ready data, the one shape used by the API, the cache and the events."""
    data = dict(row._mapping) if isinstance(row, Row) else dict(row)
    tags = data["tags"]
    if isinstance(tags, str | bytes):
        tags = orjson.loads(tags)
    return {
        "id": int(data["id"]),
        "title": data["title"],
        "company": data["company"],
        "location": data["location"],
        "workplace": data["workplace"],
        "employment_type": data["employment_type"],
        "seniority": data["seniority"],
        "salary_min": data["salary_min"],
        "salary_max": data["salary_max"],
        "salary_currency": data["salary_currency"],
        "language": data["language"],
        "description": data["description"],
        "tags": list(tags),
        "apply_url": data["apply_url"],
        "apply_email": data["apply_email"],
        "status": data["status"],
        "created_at": _iso(data["created_at"]),
        "updated_at": _iso(data["updated_at"]),
        "version": int(data["version"]),
    }


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"before": last_id})).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        before = data["before"]
    except (binascii.Error, ValueError, TypeError, KeyError) as exc:
        raise InvalidCursorError("cursor is not one this service issued; start again without it") from exc
    if not isinstance(before, int) or isinstance(before, bool) or before < 1:
        raise InvalidCursorError("cursor is not one this service issued; start again without it")
    return before


def request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


class PostingStore:
    """Reads and transactional writes of postings. Synchronous: the API calls it from a thread pool."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, posting_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(postings).where(postings.c.id == posting_id)).first()
        return posting_dict(row) if row is not None else None

    def create(
        self,
        fields: PostingFields,
        *,
        token_id: int,
        idempotency_key: str | None = None,
        body_hash: str = "",
    ) -> tuple[dict[str, Any], bool]:
        """The new posting and True, or, for a repeated Idempotency-Key, the first response's posting (as
        it was created, whatever changed since) and False."""
        if idempotency_key is not None:
            replay = self._replay(token_id, idempotency_key, body_hash)
            if replay is not None:
                return replay, False
        try:
            with self.engine.begin() as conn:
                now = utcnow()
                row = fields.to_row() | {"created_at": now, "updated_at": now, "version": 1}
                inserted = conn.execute(insert(postings).values(**row)).inserted_primary_key
                assert inserted is not None
                posting_id = int(inserted[0])
                self._write_tags(conn, posting_id, row["tags"])
                created = posting_dict(row | {"id": posting_id})
                if idempotency_key is not None:
                    conn.execute(
                        insert(idempotency_keys).values(
                            token_id=token_id,
                            key=idempotency_key,
                            request_hash=body_hash,
                            posting_id=posting_id,
                            created_at=now,
                            response_body=orjson.dumps(created).decode(),
                        )
                    )
                self._emit(conn, EVENT_CREATED, created, now)
        except IntegrityError:
            # A concurrent request with the same key won the race; its posting is the answer.
            if idempotency_key is None:
                raise
            replay = self._replay(token_id, idempotency_key, body_hash)
            if replay is None:
                raise
            return replay, False
        return created, True

    def _replay(self, token_id: int, key: str, body_hash: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    idempotency_keys.c.request_hash,
                    idempotency_keys.c.posting_id,
                    idempotency_keys.c.response_body,
                ).where(and_(idempotency_keys.c.token_id == token_id, idempotency_keys.c.key == key))
            ).first()
        if row is None:
            return None
        if row.request_hash != body_hash:
            raise IdempotencyConflictError(
                "this Idempotency-Key was already used with a different body; use a new key for a new posting"
            )
        if row.response_body is not None:
            first: dict[str, Any] = orjson.loads(row.response_body)
            return first
        # A key stored before migration 0004 whose creation event had already left the outbox.
        return self.get(int(row.posting_id))

    def update(
        self, posting_id: int, patch: dict[str, Any], *, if_match: frozenset[int] | None
    ) -> dict[str, Any]:
        """Apply a partial update when the posting is still at one of the `if_match` versions (None: any)."""
        with self.engine.begin() as conn:
            current = self._locked(conn, posting_id)
            if if_match is not None and current["version"] not in if_match:
                raise PreconditionFailedError(current["version"])
            merged = {k: current[k] for k in PostingFields.model_fields} | patch
            try:
                fields = PostingFields.model_validate(merged)
            except ValidationError as exc:
                raise PatchInvalidError(
                    [dict(e) for e in exc.errors(include_url=False) if not e["loc"] or e["loc"][0] in patch]
                    or [dict(e) for e in exc.errors(include_url=False)]
                ) from exc
            row = fields.to_row()
            if all(row[k] == current[k] for k in row):
                return current  # a patch that changes nothing writes nothing: no new version, no event
            return self._write_update(conn, current, row, EVENT_UPDATED)

    def archive(self, posting_id: int, *, if_match: frozenset[int] | None) -> tuple[dict[str, Any], bool]:
        """Archive the posting; archiving an archived posting changes nothing (returns False)."""
        with self.engine.begin() as conn:
            current = self._locked(conn, posting_id)
            if if_match is not None and current["version"] not in if_match:
                raise PreconditionFailedError(current["version"])
            if current["status"] == "archived":
                return current, False
            row = {k: current[k] for k in PostingFields.model_fields} | {"status": "archived"}
            return self._write_update(conn, current, row, EVENT_ARCHIVED), True

    def _locked(self, conn: Connection, posting_id: int) -> dict[str, Any]:
        row = conn.execute(select(postings).where(postings.c.id == posting_id).with_for_update()).first()
        if row is None:
            raise NotFoundError(posting_id)
        return posting_dict(row)

    def _write_update(
        self, conn: Connection, current: dict[str, Any], row: dict[str, Any], event_type: str
    ) -> dict[str, Any]:
        now = utcnow()
        version = current["version"] + 1
        values = row | {"updated_at": now, "version": version}
        result = conn.execute(
            update(postings)
            .where(and_(postings.c.id == current["id"], postings.c.version == current["version"]))
            .values(**values)
        )
        if result.rowcount != 1:
            # Only reachable without row locks (SQLite): a writer got in between; same answer as If-Match.
            raise PreconditionFailedError(current["version"] + 1)
        if sorted(row["tags"]) != sorted(current["tags"]):
            conn.execute(delete(posting_tags).where(posting_tags.c.posting_id == current["id"]))
            self._write_tags(conn, current["id"], row["tags"])
        updated = posting_dict(
            values | {"id": current["id"], "created_at": datetime.fromisoformat(current["created_at"][:-1])}
        )
        self._emit(conn, event_type, updated, now)
        return updated

    @staticmethod
    def _write_tags(conn: Connection, posting_id: int, tags: list[str]) -> None:
        if tags:
            conn.execute(insert(posting_tags), [{"tag": t, "posting_id": posting_id} for t in tags])

    @staticmethod
    def _emit(conn: Connection, event_type: str, posting: dict[str, Any], now: datetime) -> None:
        event_id = str(uuid.uuid4())
        payload = {"event_id": event_id, "type": event_type, "occurred_at": _iso(now), "posting": posting}
        conn.execute(
            insert(outbox).values(
                event_id=event_id,
                event_type=event_type,
                aggregate_id=posting["id"],
                payload=orjson.dumps(payload).decode(),
                created_at=now,
                attempts=0,
            )
        )

    def list(
        self, filters: ListFilters, *, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first, keyset-paginated on the id (ids only grow, so concurrent inserts land before
        the first page and a walk through the pages never skips or repeats a posting)."""
        query = select(postings)
        if cursor is not None:
            query = query.where(postings.c.id < decode_cursor(cursor))
        for name in ("company", "location", "workplace", "language", "status"):
            value = getattr(filters, name)
            if value is not None:
                query = query.where(postings.c[name] == value)
        if filters.tag is not None:
            query = query.where(
                postings.c.id.in_(select(posting_tags.c.posting_id).where(posting_tags.c.tag == filters.tag))
            )
        query = query.order_by(postings.c.id.desc()).limit(limit + 1)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        items = [posting_dict(r) for r in rows[:limit]]
        next_cursor = encode_cursor(items[-1]["id"]) if len(rows) > limit else None
        return items, next_cursor
