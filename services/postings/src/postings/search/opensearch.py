"""OpenSearch search adapter (the AWS deployment): one index, analyzers for the languages we serve.


Every text field is indexed with a `folded` analyzer (ё→е, then ASCII folding before lowercasing, so
`İstanbul`, `ISTANBUL` and `istanbul` are one term) plus English, Turkish and Russian sub-fields with
stemming (`разработчика` finds `разработчик`). Documents carry the posting's version as an external
version, so OpenSearch itself refuses an older or repeated event (409) and indexing is idempotent.
"""

# ruff: noqa: RUF001, RUF002 - Turkish and Russian letters are the point here

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch, Urllib3AWSV4SignerAuth, helpers
from opensearchpy.exceptions import ConflictError, ConnectionError, ConnectionTimeout, TransportError

from postings.search.base import MAX_QUERY_TERMS, TOTAL_CAP, IndexUnavailableError, SearchPage, hit
from postings.settings import Settings
from postings.store import ListFilters
from postings.text import terms

LANGUAGE_SUBFIELDS = {"en": "english", "tr": "turkish", "ru": "russian"}

INDEX_SETTINGS: dict[str, Any] = {
    "settings": {
        "index": {"number_of_shards": 1, "number_of_replicas": 1},
        "analysis": {
            "char_filter": {"yo_to_ye": {"type": "mapping", "mappings": ["ё => е", "Ё => Е"]}},
            "normalizer": {
                "folded_keyword": {
                    "type": "custom",
                    "char_filter": ["yo_to_ye"],
                    "filter": ["asciifolding", "lowercase"],
                }
            },
            "analyzer": {
                "folded": {
                    "type": "custom",
                    "char_filter": ["yo_to_ye"],
                    "tokenizer": "standard",
                    "filter": ["asciifolding", "lowercase"],
                },
            },
        },
    },
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "long"},
            "version": {"type": "long"},
            "title": {
                "type": "text",
                "analyzer": "folded",
                "fields": {k: {"type": "text", "analyzer": v} for k, v in LANGUAGE_SUBFIELDS.items()},
            },
            "description": {
                "type": "text",
                "analyzer": "folded",
                "fields": {k: {"type": "text", "analyzer": v} for k, v in LANGUAGE_SUBFIELDS.items()},
            },
            "company": {
                "type": "text",
                "analyzer": "folded",
                "fields": {"exact": {"type": "keyword", "normalizer": "folded_keyword"}},
            },
            "location": {
                "type": "text",
                "analyzer": "folded",
                "fields": {"exact": {"type": "keyword", "normalizer": "folded_keyword"}},
            },
            "tags": {"type": "keyword"},
            "workplace": {"type": "keyword"},
            "employment_type": {"type": "keyword"},
            "seniority": {"type": "keyword"},
            "language": {"type": "keyword"},
            "status": {"type": "keyword"},
            "salary_min": {"type": "long"},
            "salary_max": {"type": "long"},
            "salary_currency": {"type": "keyword"},
            "apply_url": {"type": "keyword", "index": False},
            "apply_email": {"type": "keyword", "index": False},
            "created_at": {"type": "date"},
            "updated_at": {"type": "date"},
        },
    },
}

SEARCH_FIELDS = [
    "title^3",
    *(f"title.{k}^2" for k in LANGUAGE_SUBFIELDS),
    "company^2",
    "location^2",
    "tags^2",
    "description",
    *(f"description.{k}" for k in LANGUAGE_SUBFIELDS),
]
HIGHLIGHTED = ("title", "company", "location", "description")


def _unavailable(exc: Exception) -> bool:
    if isinstance(exc, ConnectionError | ConnectionTimeout):
        return True
    return (
        isinstance(exc, TransportError)
        and isinstance(exc.status_code, int)
        and (exc.status_code == 429 or exc.status_code >= 500)
    )


class OpenSearchIndex:
    name = "opensearch"

    def __init__(self, client: OpenSearch, index: str) -> None:
        self.client = client
        self.index_name = index

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenSearchIndex:
        assert settings.opensearch_url is not None
        options: dict[str, Any] = {"timeout": 10, "max_retries": 2, "retry_on_timeout": True}
        if settings.opensearch_aws_region:
            import boto3

            credentials = boto3.Session().get_credentials()  # the task role, via boto3's chain
            options["http_auth"] = Urllib3AWSV4SignerAuth(credentials, settings.opensearch_aws_region, "es")
        client = OpenSearch(hosts=[settings.opensearch_url], **options)
        return cls(client, settings.opensearch_index)

    def ensure_ready(self) -> None:
        if not self.client.indices.exists(index=self.index_name):
            try:
                self.client.indices.create(index=self.index_name, body=INDEX_SETTINGS)
            except TransportError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:
            return False

    def index(self, posting: dict[str, Any]) -> bool:
        try:
            self.client.index(
                index=self.index_name,
                id=str(posting["id"]),
                body=posting,
                params={"version": str(posting["version"]), "version_type": "external"},
            )
        except ConflictError:
            return False  # the index already holds this version or a newer one
        except (ConnectionError, ConnectionTimeout, TransportError) as exc:
            if _unavailable(exc):
                raise IndexUnavailableError(str(exc)[:300]) from exc
            raise
        return True

    def index_many(self, postings: list[dict[str, Any]]) -> None:
        actions = (
            {
                "_index": self.index_name,
                "_id": str(p["id"]),
                "_version": p["version"],
                "_version_type": "external",
                "_source": p,
            }
            for p in postings
        )
        helpers.bulk(self.client, actions, chunk_size=500, refresh=False)

    def query_body(self, query: str, filters: ListFilters, *, limit: int, offset: int) -> dict[str, Any]:
        words = " ".join(terms(query, limit=MAX_QUERY_TERMS))
        filter_clauses: list[dict[str, Any]] = []
        for name, field in (("company", "company.exact"), ("location", "location.exact")):
            value = getattr(filters, name)
            if value is not None:
                filter_clauses.append({"term": {field: value}})
        for name in ("workplace", "language", "status"):
            value = getattr(filters, name)
            if value is not None:
                filter_clauses.append({"term": {name: value}})
        if filters.tag is not None:
            filter_clauses.append({"term": {"tags": filters.tag}})
        return {
            "from": offset,
            "size": limit,
            "track_total_hits": TOTAL_CAP,
            "query": {
                "bool": {
                    "must": [
                        {
                            "multi_match": {
                                "query": words,
                                "fields": SEARCH_FIELDS,
                                "type": "most_fields",
                                "operator": "and",
                            }
                        }
                    ],
                    "filter": filter_clauses,
                }
            },
            "sort": ["_score", {"id": "desc"}],
            "highlight": {
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "fields": {
                    name: {"number_of_fragments": 2 if name == "description" else 0, "fragment_size": 160}
                    for name in HIGHLIGHTED
                },
            },
        }

    def search(self, query: str, filters: ListFilters, *, limit: int, offset: int) -> SearchPage:
        if not terms(query, limit=MAX_QUERY_TERMS):
            return SearchPage(total=0)
        body = self.query_body(query, filters, limit=limit, offset=offset)
        try:
            response = self.client.search(index=self.index_name, body=body)
        except (ConnectionError, ConnectionTimeout, TransportError) as exc:
            if _unavailable(exc):
                raise IndexUnavailableError(str(exc)[:300]) from exc
            raise
        hits = [
            hit(h["_source"], h.get("_score") or 0.0, dict(h.get("highlight", {}).items()))
            for h in response["hits"]["hits"]
        ]
        return SearchPage(total=int(response["hits"]["total"]["value"]), hits=hits)
