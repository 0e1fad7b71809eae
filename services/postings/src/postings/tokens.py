"""API tokens: made by the CLI, stored as SHA-256 hashes, needed to write and to read unpublished postings."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update

from postings.db import api_tokens
from postings.store import utcnow

SCOPES = frozenset({"read", "write"})
PREFIX = "pst_"
# Published postings are public. Drafts and archived postings are shown only to a token with one of
# these: `read`, and `write` too, since a writer has to read back the drafts it makes.
UNPUBLISHED_SCOPES = frozenset({"read", "write"})
PUBLIC_STATUS = "published"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    scopes: frozenset[str]

    def may_read_unpublished(self) -> bool:
        return bool(self.scopes & UNPUBLISHED_SCOPES)


class UnknownScopeError(ValueError):
    """A scope that this service does not define."""


def hash_token(token: str) -> str:
    # The tokens are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, *, name: str, scopes: set[str]) -> tuple[int, str]:
    """A new token's id and the token itself, which is shown once and stored only as a hash."""
    unknown = scopes - SCOPES
    if unknown or not scopes:
        raise UnknownScopeError(f"scopes must be some of {sorted(SCOPES)}, got {sorted(scopes)}")
    token = PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        result = conn.execute(
            insert(api_tokens).values(
                name=name, token_hash=hash_token(token), scopes=" ".join(sorted(scopes)), created_at=utcnow()
            )
        )
        assert result.inserted_primary_key is not None
        token_id = int(result.inserted_primary_key[0])
    return token_id, token


def verify_token(engine: Engine, token: str) -> TokenInfo | None:
    """The token's identity and scopes, or None when it is unknown or revoked."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.scopes).where(
                api_tokens.c.token_hash == hash_token(token), api_tokens.c.revoked_at.is_(None)
            )
        ).first()
    if row is None:
        return None
    return TokenInfo(id=int(row.id), name=row.name, scopes=frozenset(row.scopes.split()))


def revoke_token(engine: Engine, token_id: int) -> bool:
    with engine.begin() as conn:
        result = conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    return result.rowcount == 1


def list_tokens(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(select(api_tokens).order_by(api_tokens.c.id)).all()
    return [
        {
            "id": r.id,
            "name": r.name,
            "scopes": r.scopes,
            "created_at": r.created_at.isoformat(),
            "revoked": r.revoked_at is not None,
        }
        for r in rows
    ]
