"""/v1/search: ranked full-text search with the listing's filters and highlighted fragments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from postings.api.deps import SearchDep
from postings.api.routes.postings import ERRORS, UNPUBLISHED_ERRORS, FiltersDep
from postings.schemas import SearchResults

router = APIRouter(prefix="/v1", tags=["search"])


@router.get(
    "/search",
    response_model=SearchResults,
    responses={**UNPUBLISHED_ERRORS, 422: ERRORS[422]},
    summary="Search postings",
)
async def search_postings(
    search: SearchDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words to find, in any language")],
    filters: FiltersDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> SearchResults:
    page = await run_in_threadpool(search.search, q, filters, limit=limit, offset=offset)
    return SearchResults.model_validate({"query": q, "total": page.total, "items": page.hits})
