"""Request dependencies as Annotated aliases: the process's resources and the write-token check.

They are `async def` on purpose: FastAPI runs a plain `def` dependency in the thread pool, and a
thread hop per dependency costs more than the cached GET it serves."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from postings.cache import Cache
from postings.resources import Resources
from postings.search.base import SearchIndex
from postings.store import PostingStore
from postings.tokens import TokenInfo, verify_token


async def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


async def get_store(resources: ResourcesDep) -> PostingStore:
    return resources.store


async def get_cache(resources: ResourcesDep) -> Cache:
    return resources.cache


async def get_search(resources: ResourcesDep) -> SearchIndex:
    return resources.search


StoreDep = Annotated[PostingStore, Depends(get_store)]
CacheDep = Annotated[Cache, Depends(get_cache)]
SearchDep = Annotated[SearchIndex, Depends(get_search)]

bearer = HTTPBearer(auto_error=False, description="A token from `postings tokens create --scope write`")


async def require_write(
    resources: ResourcesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> TokenInfo:
    """401 without a valid token, 403 when the token lacks the `write` scope."""
    challenge = {"WWW-Authenticate": 'Bearer realm="postings"'}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "a bearer token is required for writes", headers=challenge
        )
    token = await run_in_threadpool(verify_token, resources.engine, credentials.credentials)
    if token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "the bearer token is unknown or revoked",
            headers=challenge | {"WWW-Authenticate": 'Bearer realm="postings", error="invalid_token"'},
        )
    if "write" not in token.scopes:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "this token lacks the write scope; create one with `postings tokens create --scope write`",
            headers={
                "WWW-Authenticate": 'Bearer realm="postings", error="insufficient_scope", scope="write"'
            },
        )
    return token


WriterDep = Annotated[TokenInfo, Depends(require_write)]
