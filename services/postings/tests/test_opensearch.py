"""The OpenSearch adapter against a small fake HTTP server (no OpenSearch can run here): the exact
requests it sends (index mapping and analyzers, external versions, the query), how it reads answers
and errors, and SigV4 signing. Whether a real cluster ranks as intended is not tested here."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from postings.search.base import IndexUnavailableError
from postings.search.opensearch import INDEX_SETTINGS, OpenSearchIndex
from postings.settings import Settings
from postings.store import ListFilters

# ruff: noqa: RUF001 - Turkish and Russian letters are the point here


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeOpenSearch:
    requests: list[Recorded] = field(default_factory=list)
    responses: dict[tuple[str, str], list[tuple[int, Any]]] = field(default_factory=dict)
    port: int = 0

    def respond(self, method: str, path: str, *answers: tuple[int, Any]) -> None:
        self.responses.setdefault((method, path), []).extend(answers)

    def next_answer(self, method: str, path: str) -> tuple[int, Any]:
        queue = self.responses.get((method, path))
        if not queue:
            return 404, {"error": f"unexpected {method} {path}"}
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def fake() -> Iterator[FakeOpenSearch]:
    state = FakeOpenSearch()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw.startswith(b"{") else raw.decode()
            state.requests.append(
                Recorded(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
            )
            status, answer = state.next_answer(self.command, parts.path)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def adapter(fake: FakeOpenSearch, **settings: Any) -> OpenSearchIndex:
    return OpenSearchIndex.from_settings(
        Settings(search_backend="opensearch", opensearch_url=f"http://127.0.0.1:{fake.port}", **settings)
    )


POSTING = {
    "id": 7,
    "title": "Kıdemli Yazılım Geliştirici",
    "company": "Getir",
    "location": "İstanbul",
    "workplace": "hybrid",
    "employment_type": "full_time",
    "seniority": "senior",
    "salary_min": 100,
    "salary_max": 200,
    "salary_currency": "TRY",
    "language": "tr",
    "description": "Go ile geliştirme.",
    "tags": ["go"],
    "apply_url": "https://example.com/",
    "apply_email": None,
    "status": "published",
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
    "version": 2,
}


def test_ensure_ready_creates_the_index_with_language_analyzers(fake: FakeOpenSearch) -> None:
    fake.respond("HEAD", "/postings", (404, {}))
    fake.respond("PUT", "/postings", (200, {"acknowledged": True}))

    adapter(fake).ensure_ready()

    assert [(r.method, r.path) for r in fake.requests] == [("HEAD", "/postings"), ("PUT", "/postings")]
    mapping = fake.requests[1].body
    assert mapping == INDEX_SETTINGS
    analysis = mapping["settings"]["analysis"]
    assert analysis["analyzer"]["folded"]["filter"] == ["asciifolding", "lowercase"]
    assert analysis["char_filter"]["yo_to_ye"]["mappings"] == ["ё => е", "Ё => Е"]
    properties = mapping["mappings"]["properties"]
    for text_field in ("title", "description"):
        assert properties[text_field]["analyzer"] == "folded"
        assert {k: v["analyzer"] for k, v in properties[text_field]["fields"].items()} == {
            "en": "english",
            "tr": "turkish",
            "ru": "russian",
        }
    assert properties["location"]["fields"]["exact"] == {"type": "keyword", "normalizer": "folded_keyword"}
    assert properties["tags"] == {"type": "keyword"}


def test_ensure_ready_leaves_an_existing_index_alone(fake: FakeOpenSearch) -> None:
    fake.respond("HEAD", "/postings", (200, {}))
    adapter(fake).ensure_ready()
    assert [(r.method, r.path) for r in fake.requests] == [("HEAD", "/postings")]


def test_index_sends_the_posting_with_its_version_as_external_version(fake: FakeOpenSearch) -> None:
    conflict = {
        "error": {"type": "version_conflict_engine_exception", "reason": "current version [2]"},
        "status": 409,
    }
    fake.respond("PUT", "/postings/_doc/7", (201, {"result": "created", "_version": 2}), (409, conflict))
    index = adapter(fake)

    assert index.index(POSTING) is True
    assert index.index(POSTING) is False

    first = fake.requests[0]
    assert first.method == "PUT"
    assert first.query == {"version": ["2"], "version_type": ["external"]}
    assert first.body == POSTING


def test_index_reports_an_unavailable_cluster_as_retryable(fake: FakeOpenSearch) -> None:
    fake.respond("PUT", "/postings/_doc/7", (503, {"error": "unavailable"}))
    with pytest.raises(IndexUnavailableError):
        adapter(fake).index(POSTING)


def test_search_sends_the_query_filters_and_highlighting_and_reads_hits(fake: FakeOpenSearch) -> None:
    fake.respond(
        "POST",
        "/postings/_search",
        (
            200,
            {
                "hits": {
                    "total": {"value": 1, "relation": "eq"},
                    "hits": [
                        {
                            "_id": "7",
                            "_score": 3.5,
                            "_source": POSTING,
                            "highlight": {"location": ["<mark>İstanbul</mark>"]},
                        }
                    ],
                }
            },
        ),
    )

    page = adapter(fake).search(
        "İstanbul GO!",
        ListFilters(company="Getir", location="İstanbul", tag="go", language="tr"),
        limit=5,
        offset=10,
    )

    assert page.total == 1
    assert page.hits[0]["id"] == 7
    assert page.hits[0]["score"] == 3.5
    assert page.hits[0]["highlights"] == {"location": ["<mark>İstanbul</mark>"]}
    body = fake.requests[0].body
    assert body["from"] == 10
    assert body["size"] == 5
    match = body["query"]["bool"]["must"][0]["multi_match"]
    assert match["query"] == "istanbul go"
    assert match["operator"] == "and"
    assert "title.tr^2" in match["fields"]
    assert "description.ru" in match["fields"]
    assert body["query"]["bool"]["filter"] == [
        {"term": {"company.exact": "Getir"}},
        {"term": {"location.exact": "İstanbul"}},
        {"term": {"language": "tr"}},
        {"term": {"status": "published"}},
        {"term": {"tags": "go"}},
    ]
    assert body["highlight"]["pre_tags"] == ["<mark>"]
    assert body["highlight"]["encoder"] == "html"


def test_requests_are_sigv4_signed_when_a_region_is_set(
    fake: FakeOpenSearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-example")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    fake.respond("HEAD", "/postings", (200, {}))

    adapter(fake, opensearch_aws_region="eu-west-1").ensure_ready()

    headers = fake.requests[0].headers
    assert headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/es/aws4_request" in headers["authorization"]
    assert "x-amz-date" in headers
    assert "secret-example" not in json.dumps(headers)


def test_unsigned_without_a_region(fake: FakeOpenSearch) -> None:
    fake.respond("HEAD", "/postings", (200, {}))
    adapter(fake).ensure_ready()
    assert "authorization" not in fake.requests[0].headers
