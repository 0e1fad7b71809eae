"""/v1/postings: create, read, patch, archive and list postings."""

from __future__ import annotations

import re
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from postings.api.deps import (
    CacheDep,
    CredentialsDep,
    ResourcesDep,
    StoreDep,
    WriterDep,
    may_read_unpublished,
    require_unpublished_reader,
)
from postings.cache import Cache, list_key, listing_scope, scopes_showing
from postings.resources import Resources
from postings.schemas import (
    Language,
    Posting,
    PostingCreate,
    PostingPage,
    PostingPatch,
    Problem,
    Status,
    ValidationErrorResponse,
    Workplace,
)
from postings.store import ListFilters, PostingStore, request_hash
from postings.tokens import PUBLIC_STATUS

router = APIRouter(prefix="/v1/postings", tags=["postings"])

MAX_ID = 2**63 - 1
PostingId = Annotated[int, Path(ge=1, le=MAX_ID, description="The posting's id")]
TagFilter = Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9+#.\-]{0,39}$")]
TextFilter = Annotated[str | None, Query(min_length=1, max_length=200)]


async def list_filters(
    resources: ResourcesDep,
    credentials: CredentialsDep,
    company: TextFilter = None,
    location: TextFilter = None,
    workplace: Workplace | None = None,
    tag: TagFilter = None,
    language: Annotated[Language | None, Query()] = None,
    status_filter: Annotated[Status, Query(alias="status")] = "published",
) -> ListFilters:
    """The filters that listing and search share, as query parameters. Drafts and archived postings
    are listed and searched only for a token that may read them (401/403 otherwise)."""
    if status_filter != PUBLIC_STATUS:
        await require_unpublished_reader(resources, credentials, status_filter)
    return ListFilters(
        company=company,
        location=location,
        workplace=workplace,
        tag=tag.lower() if tag else None,
        language=language,
        status=status_filter,
    )


FiltersDep = Annotated[ListFilters, Depends(list_filters)]
_ETAG = re.compile(r'(?:W/)?"(\d{1,18})"')
# How a public posting's cached JSON says so. orjson writes it compactly and escapes every quote inside
# a string, so these bytes can only be the posting's own status field.
_PUBLIC_MARK = orjson.dumps({"status": PUBLIC_STATUS})[1:-1]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No valid bearer token"},
    403: {"model": Problem, "description": "The token lacks the write scope"},
    404: {"model": Problem, "description": "No such posting"},
    422: {"model": ValidationErrorResponse, "description": "Invalid input; each error names its field"},
}
UNPUBLISHED_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "status=draft or archived without a valid bearer token"},
    403: {"model": Problem, "description": "The token may not read drafts and archived postings"},
}
BODY_TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {
        "model": Problem,
        "description": "Body larger than the configured limit (POSTINGS_MAX_REQUEST_BODY_BYTES)",
    }
}


def cache_entry(posting: dict[str, Any]) -> bytes:
    """The cached form: the version on the first line, so a hit can set the ETag without parsing JSON."""
    return b"%d\n" % posting["version"] + orjson.dumps(posting)


def etag(version: int | bytes) -> str:
    return f'"{version.decode() if isinstance(version, bytes) else version}"'


def _json(body: bytes, *, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(content=body, status_code=status_code, media_type="application/json", headers=headers)


def _matches(header: str | None, version: bytes | int) -> bool:
    if header is None:
        return False
    text = version.decode() if isinstance(version, bytes) else str(version)
    return header.strip() == "*" or text in _ETAG.findall(header)


def parse_if_match(header: str) -> frozenset[int] | None:
    """The versions an If-Match accepts; None for `*`. An unparseable value matches nothing (412)."""
    if header.strip() == "*":
        return None
    return frozenset(int(v) for v in _ETAG.findall(header))


async def _after_write(
    cache: Cache, store: PostingStore, posting: dict[str, Any], before: dict[str, Any] | None
) -> bytes:
    """Update the caches after a committed write; `before` is the posting as read before the write
    (None for a new one), trusted only if this write made the version after it."""
    entry = cache_entry(posting)
    cache.bind(store.engine)
    scopes: set[str] | None = scopes_showing(posting)
    if before is not None:
        # Unless another write came between that read and this one: then what it showed is unknown.
        known = before["version"] in (posting["version"] - 1, posting["version"])
        scopes = scopes_showing(before) | scopes_showing(posting) if known else None
    await cache.write_posting(posting["id"], entry, scopes)
    return entry


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Posting,
    responses={
        **ERRORS,
        **BODY_TOO_LARGE,
        409: {"model": Problem, "description": "Idempotency-Key reused with another body"},
    },
    summary="Create a posting",
)
async def create_posting(
    body: PostingCreate,
    request: Request,
    store: StoreDep,
    cache: CacheDep,
    writer: WriterDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=200,
            pattern=r"^[\x21-\x7e]+$",
            description="Retrying with the same key returns the first result instead of creating a duplicate",
        ),
    ] = None,
) -> Response:
    posting, created = await run_in_threadpool(
        store.create,
        body,
        token_id=writer.id,
        idempotency_key=idempotency_key,
        body_hash=request_hash(body.model_dump(mode="json")),
    )
    entry = await _after_write(cache, store, posting, None) if created else cache_entry(posting)
    headers = {"Location": f"/v1/postings/{posting['id']}", "ETag": etag(posting["version"])}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return _json(entry.split(b"\n", 1)[1], status_code=201, headers=headers)


@router.get(
    "/{posting_id}",
    response_model=Posting,
    responses={404: ERRORS[404], 422: ERRORS[422], 304: {"description": "Not modified (If-None-Match)"}},
    summary="Get a posting",
    description="Drafts and archived postings are found only with a bearer token with the read or write "
    "scope; for anyone else they are 404, as a posting that does not exist.",
    openapi_extra={
        "parameters": [
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": "An ETag you hold; 304 when the posting still has it",
            }
        ]
    },
)
async def get_posting(posting_id: PostingId, request: Request) -> Response:
    # The hot path: resources from app state and the header read directly, not through FastAPI's
    # dependency and parameter machinery, which costs a measurable share of a cache hit.
    if_none_match = request.headers.get("if-none-match")
    resources: Resources = request.app.state.resources
    cache = resources.cache
    cache.bind(resources.engine)
    entry = await cache.get_posting(posting_id)
    if entry is None:
        token = cache.fill_token()  # before the database read: see postings.cache
        posting = await run_in_threadpool(resources.store.get, posting_id)
        if posting is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"posting {posting_id} not found")
        entry = cache_entry(posting)
        await cache.fill_posting(posting_id, entry, token)
    version, body = entry.split(b"\n", 1)
    if _PUBLIC_MARK not in body and not await may_read_unpublished(
        resources, request.headers.get("authorization")
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"posting {posting_id} not found")
    if _matches(if_none_match, version):
        return Response(status_code=304, headers={"ETag": etag(version)})
    return _json(body, headers={"ETag": etag(version)})


@router.patch(
    "/{posting_id}",
    response_model=Posting,
    responses={
        **ERRORS,
        **BODY_TOO_LARGE,
        412: {"model": Problem, "description": "If-Match names a stale version"},
        428: {"model": Problem, "description": "If-Match is required"},
    },
    summary="Change some fields of a posting",
)
async def patch_posting(
    posting_id: PostingId,
    patch: Annotated[PostingPatch, Body()],
    store: StoreDep,
    cache: CacheDep,
    _writer: WriterDep,
    if_match: Annotated[
        str | None, Header(max_length=200, description='The ETag you read, e.g. "3"; a stale one gets 412')
    ] = None,
) -> Response:
    if if_match is None:
        raise HTTPException(
            status.HTTP_428_PRECONDITION_REQUIRED,
            "send If-Match with the posting's ETag, so a concurrent edit is never silently overwritten",
        )
    changes = patch.model_dump(exclude_unset=True)
    before = await run_in_threadpool(store.get, posting_id)
    posting = await run_in_threadpool(store.update, posting_id, changes, if_match=parse_if_match(if_match))
    entry = await _after_write(cache, store, posting, before)
    return _json(entry.split(b"\n", 1)[1], headers={"ETag": etag(posting["version"])})


@router.delete(
    "/{posting_id}",
    response_model=Posting,
    responses={**ERRORS, 412: {"model": Problem, "description": "If-Match names a stale version"}},
    summary="Archive a posting (it stays readable, with status archived, to tokens that may read drafts)",
)
async def archive_posting(
    posting_id: PostingId,
    store: StoreDep,
    cache: CacheDep,
    _writer: WriterDep,
    if_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    allowed = parse_if_match(if_match) if if_match is not None else None
    before = await run_in_threadpool(store.get, posting_id)
    posting, changed = await run_in_threadpool(store.archive, posting_id, if_match=allowed)
    entry = await _after_write(cache, store, posting, before) if changed else cache_entry(posting)
    return _json(entry.split(b"\n", 1)[1], headers={"ETag": etag(posting["version"])})


@router.get(
    "",
    response_model=PostingPage,
    responses={**UNPUBLISHED_ERRORS, 422: ERRORS[422]},
    summary="List postings, newest first",
)
async def list_postings(
    store: StoreDep,
    cache: CacheDep,
    filters: FiltersDep,
    cursor: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    cache.bind(store.engine)
    generation = await cache.list_generation(listing_scope(filters)) if cursor is None else None
    key = list_key(filters.cache_key(), limit)
    if generation is not None:
        cached = await cache.get_list(generation, key)
        if cached is not None:
            return _json(cached)
    items, next_cursor = await run_in_threadpool(store.list, filters, cursor=cursor, limit=limit)
    body = orjson.dumps({"items": items, "next_cursor": next_cursor})
    if generation is not None:
        await cache.fill_list(generation, key, body)
    return _json(body)
