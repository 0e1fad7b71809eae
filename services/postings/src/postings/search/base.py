"""The search interface both adapters implement, and the pieces of a hit they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from postings.store import ListFilters
from postings.text import highlight

MAX_QUERY_TERMS = 12
TOTAL_CAP = 1_000


class IndexUnavailableError(Exception):
    """The search backend cannot be reached; the event is fine and should be retried later."""


@dataclass(frozen=True)
class SearchPage:
    total: int
    hits: list[dict[str, Any]] = field(default_factory=list)


class SearchIndex(Protocol):
    name: str

    def ensure_ready(self) -> None:
        """Create what the index needs (OpenSearch: the index and its mappings); idempotent."""

    def index(self, posting: dict[str, Any]) -> bool:
        """Store this version of the posting unless the index already has it or a newer one.
        Returns whether anything changed, so a redelivered event is a no-op."""

    def index_many(self, postings: list[dict[str, Any]]) -> None:
        """Bulk-load postings that the index does not have yet (seeding)."""

    def search(self, query: str, filters: ListFilters, *, limit: int, offset: int) -> SearchPage:
        """Ranked matches, best first, each a hit dict (see `hit`)."""

    def ping(self) -> bool:
        """Whether the backend answers."""


def hit(posting: dict[str, Any], score: float, highlights: dict[str, list[str]]) -> dict[str, Any]:
    keys = [
        "id",
        "title",
        "company",
        "location",
        "workplace",
        "language",
        "tags",
        "status",
        "salary_min",
        "salary_max",
        "salary_currency",
        "version",
    ]
    return {k: posting[k] for k in keys} | {"score": round(float(score), 4), "highlights": highlights}


def local_highlights(posting: dict[str, Any], query_terms: list[str], *, stem: int) -> dict[str, list[str]]:
    """Highlights the way the SQL index matches: whole words, or words sharing the first `stem` characters."""
    found = {
        "title": highlight(posting["title"], query_terms, fragment_chars=400, max_fragments=1, stem=stem),
        "company": highlight(posting["company"], query_terms, fragment_chars=400, max_fragments=1, stem=stem),
        "location": highlight(
            posting["location"], query_terms, fragment_chars=400, max_fragments=1, stem=stem
        ),
        "description": highlight(posting["description"], query_terms, stem=stem),
    }
    return {k: v for k, v in found.items() if v}
