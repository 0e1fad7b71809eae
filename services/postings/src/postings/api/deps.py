"""Request dependencies as Annotated aliases: the process's resources and the token checks.

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
from postings.tokens import UNPUBLISHED_SCOPES, TokenInfo, verify_token


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
CredentialsDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
CHALLENGE = 'Bearer realm="postings"'


async def _authenticate(
    resources: Resources, credentials: HTTPAuthorizationCredentials | None, missing: str
) -> TokenInfo:
    """The caller's token; 401 when there is none or it is unknown or revoked."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            missing,
            headers={"WWW-Authenticate": CHALLENGE},
        )
    token = await run_in_threadpool(verify_token, resources.engine, credentials.credentials)
    if token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "the bearer token is unknown or revoked",
            headers={"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'},
        )
    return token


async def require_write(resources: ResourcesDep, credentials: CredentialsDep) -> TokenInfo:
    """401 without a valid token, 403 when the token lacks the `write` scope."""
    token = await _authenticate(resources, credentials, "a bearer token is required for writes")
    if "write" not in token.scopes:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "this token lacks the write scope; create one with `postings tokens create --scope write`",
            headers={"WWW-Authenticate": f'{CHALLENGE}, error="insufficient_scope", scope="write"'},
        )
    return token


WriterDep = Annotated[TokenInfo, Depends(require_write)]


async def require_unpublished_reader(
    resources: Resources, credentials: HTTPAuthorizationCredentials | None, status_filter: str
) -> TokenInfo:
    """For listing or searching drafts or archived postings: 401 without a valid token, 403 when the
    token has none of the scopes that may read them."""
    scopes = " or ".join(sorted(UNPUBLISHED_SCOPES))
    needs = f"status={status_filter} needs a bearer token with the {scopes} scope"
    token = await _authenticate(resources, credentials, needs)
    if not token.may_read_unpublished():
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"{needs}; create one with `postings tokens create --scope read`",
            headers={"WWW-Authenticate": f'{CHALLENGE}, error="insufficient_scope", scope="read"'},
        )
    return token


async def may_read_unpublished(resources: Resources, authorization: str | None) -> bool:
    """Whether this Authorization header carries a valid token that may read drafts and archived
    postings. Never an error: a single posting the caller may not see is answered 404 whatever the
    header holds, so that a draft's existence does not leak."""
    if authorization is None:
        return False
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return False
    token = await run_in_threadpool(verify_token, resources.engine, credentials.strip())
    return token is not None and token.may_read_unpublished()
