"""Request bodies over POSTINGS_MAX_REQUEST_BODY_BYTES: 413 with the service's error body before the rest
is read, declared (Content-Length) or chunked; the largest legitimate posting fits the default."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from postings.app import create_app
from postings.db import postings
from postings.schemas import MAX_DESCRIPTION, MAX_TAGS
from postings.settings import DEFAULT_MAX_REQUEST_BODY_BYTES, Settings
from postings.tokens import create_token
from prometheus_client import REGISTRY
from sqlalchemy import Engine, func, select
from starlette.types import Message

LIMIT = 4096
JSON = {"Content-Type": "application/json"}
EMOJI = "\U0001f600"  # one character of the schema's limits, 12 bytes in escaped JSON ("\ud83d\ude00")


def largest_posting() -> dict[str, Any]:
    """A valid posting at every limit of schemas.py, in the characters that take the most bytes."""
    url = "https://jobs.example.com/"
    return {
        "title": EMOJI * 200,
        "company": EMOJI * 200,
        "location": EMOJI * 200,
        "workplace": "hybrid",
        "employment_type": "internship",
        "seniority": "principal",
        "salary_min": 1_000_000_000,
        "salary_max": 1_000_000_000,
        "salary_currency": "EUR",
        "language": "zhx-Hant-419-abcdefgh-abcdefgh-1abc",  # 35 characters, the limit
        "description": EMOJI * MAX_DESCRIPTION,
        "tags": [f"{i:02d}" + "a" * 38 for i in range(MAX_TAGS)],
        "apply_url": url + "a" * (2048 - len(url)),
        "apply_email": "a" * 64 + "@" + ("x" * 63 + ".") * 2 + "y" * 57 + ".com",  # 254, the limit
        "status": "published",
    }


def padded(posting: dict[str, Any], size: int) -> bytes:
    """A valid posting as a JSON body of exactly `size` bytes (trailing whitespace is valid JSON)."""
    body = json.dumps(posting).encode()
    assert len(body) <= size
    return body + b" " * (size - len(body))


def count_postings(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(postings)).scalar_one())


def refused_requests() -> float:
    labels = {"method": "POST", "route": "/v1/postings", "status": "413"}
    return REGISTRY.get_sample_value("postings_http_requests_total", labels) or 0.0


@pytest.fixture
def limited(mysql_settings: Callable[..., Settings]) -> Iterator[tuple[TestClient, dict[str, str], Engine]]:
    """A client of the app with a 4 KiB limit, a writer's headers and the app's engine."""
    with TestClient(create_app(mysql_settings(max_request_body_bytes=LIMIT))) as client:
        engine: Engine = client.app.state.resources.engine  # type: ignore[attr-defined]
        _id, token = create_token(engine, name="body-limit", scopes={"write"})
        yield client, {"Authorization": f"Bearer {token}"} | JSON, engine


def test_the_largest_legitimate_posting_fits_the_default_limit(
    app_client: TestClient, writer: dict[str, str], app_engine: Engine
) -> None:
    body = json.dumps(largest_posting()).encode()
    assert 600_000 < len(body) <= DEFAULT_MAX_REQUEST_BODY_BYTES
    assert Settings().max_request_body_bytes == DEFAULT_MAX_REQUEST_BODY_BYTES

    created = app_client.post("/v1/postings", content=body, headers=writer | JSON)

    assert created.status_code == 201, created.text[:300]
    fetched = app_client.get(created.headers["location"]).json()
    assert fetched["description"] == EMOJI * MAX_DESCRIPTION
    assert count_postings(app_engine) == 1


def test_a_body_of_exactly_the_limit_is_read(
    limited: tuple[TestClient, dict[str, str], Engine], new_posting: Callable[..., dict[str, Any]]
) -> None:
    client, writer, _engine = limited
    created = client.post("/v1/postings", content=padded(new_posting(), LIMIT), headers=writer)
    assert created.status_code == 201, created.text


def test_a_declared_length_over_the_limit_is_refused_with_the_usual_error_body(
    limited: tuple[TestClient, dict[str, str], Engine], new_posting: Callable[..., dict[str, Any]]
) -> None:
    client, writer, engine = limited
    before = refused_requests()

    refused = client.post("/v1/postings", content=padded(new_posting(), LIMIT + 1), headers=writer)

    assert refused.request.headers["content-length"] == str(LIMIT + 1)
    assert refused.status_code == 413
    assert refused.json() == {"detail": f"request body larger than {LIMIT} bytes"}
    assert refused.headers["connection"] == "close"
    assert len(refused.headers["x-request-id"]) == 32  # logged and counted by RequestContextMiddleware
    assert refused_requests() == before + 1
    assert count_postings(engine) == 0


def test_a_chunked_body_over_the_limit_is_refused(
    limited: tuple[TestClient, dict[str, str], Engine], new_posting: Callable[..., dict[str, Any]]
) -> None:
    client, writer, _engine = limited
    created = client.post("/v1/postings", json=new_posting(), headers=writer).json()
    body = padded(new_posting(title="Changed"), LIMIT + 1)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    refused = client.patch(
        f"/v1/postings/{created['id']}", content=chunks(), headers=writer | {"If-Match": '"1"'}
    )

    assert "content-length" not in refused.request.headers
    assert refused.request.headers["transfer-encoding"] == "chunked"
    assert refused.status_code == 413
    assert refused.json() == {"detail": f"request body larger than {LIMIT} bytes"}
    assert client.get(f"/v1/postings/{created['id']}").json()["version"] == 1


def test_a_chunked_upload_is_refused_at_the_chunk_that_passes_the_limit(
    mysql_settings: Callable[..., Settings],
) -> None:
    """The ASGI app itself, fed 1 KiB chunks with no Content-Length: it stops asking after the fifth."""
    app = create_app(mysql_settings(max_request_body_bytes=LIMIT))
    pulled = 0
    sent: list[Message] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/postings",
        "raw_path": b"/v1/postings",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def receive() -> Message:
        nonlocal pulled
        pulled += 1
        # A bound, so a broken limit fails this test instead of hanging it: 1 MiB in all.
        return {"type": "http.request", "body": b" " * 1024, "more_body": pulled < 1024}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))

    assert pulled == LIMIT // 1024 + 1
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == {"detail": f"request body larger than {LIMIT} bytes"}


def test_the_server_answers_413_mid_upload_and_closes_the_connection(
    mysql_settings: Callable[..., Settings],
) -> None:
    """uvicorn as production runs it: a client streaming an endless chunked body gets its 413 and the
    connection closed long before it is done, so the server never holds the body."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(mysql_settings(max_request_body_bytes=LIMIT))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    budget = 256 * 1024 * 1024
    uploaded = 0

    def upload(connection: socket.socket) -> None:
        nonlocal uploaded
        chunk = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
        try:
            while uploaded < budget:
                connection.sendall(chunk)
                uploaded += 0x10000
        except OSError:
            pass  # the server closed the connection, as it should

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
            connection.sendall(
                b"POST /v1/postings HTTP/1.1\r\nHost: postings\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            uploader = threading.Thread(target=upload, args=(connection,), daemon=True)
            uploader.start()
            answer = b""
            try:
                while data := connection.recv(65536):
                    answer += data
            except ConnectionResetError:
                pass  # closed with the rest of the upload unread: the answer came before the reset
            uploader.join(timeout=20)
    finally:
        server.should_exit = True
        thread.join(timeout=20)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 413 Request Entity Too Large", answer[:300]
    assert b"connection: close" in head.lower()
    assert json.loads(body) == {"detail": f"request body larger than {LIMIT} bytes"}
    assert not uploader.is_alive()
    assert uploaded < budget // 8, f"{uploaded} bytes went up before the server closed the connection"


def test_the_openapi_description_names_the_413_where_a_body_is_read() -> None:
    paths = create_app(Settings()).openapi()["paths"]
    with_bodies = {("/v1/postings", "post"), ("/v1/postings/{posting_id}", "patch")}
    for path, operations in paths.items():
        for method, operation in operations.items():
            documented = "413" in operation["responses"]
            assert documented == ((path, method) in with_bodies), f"{method.upper()} {path}"
    problem = paths["/v1/postings"]["post"]["responses"]["413"]["content"]["application/json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
