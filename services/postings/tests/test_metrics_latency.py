"""Request latency measured from the server's read of the request, on a real uvicorn over sockets: a
request held up by another request's blocking handler records the wait, which a timer started inside
the app does not see."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
import uvicorn
from fastapi import FastAPI
from postings import metrics
from postings.app import RequestContextMiddleware
from postings.server import TimedHttpToolsProtocol, watch_event_loop
from prometheus_client import REGISTRY

BLOCK_SECONDS = 0.3


@asynccontextmanager
async def watched(_app: FastAPI) -> AsyncIterator[None]:
    watch = asyncio.create_task(watch_event_loop(0.05))
    yield
    watch.cancel()


def blocking_app() -> FastAPI:
    app = FastAPI(lifespan=watched)
    app.add_middleware(RequestContextMiddleware)

    @app.get("/block")
    async def block() -> dict[str, str]:
        time.sleep(BLOCK_SECONDS)  # holds the event loop, as a synchronous call in an async handler does
        return {"status": "done"}

    @app.get("/fast")
    async def fast() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.fixture
def server() -> Iterator[int]:
    config = uvicorn.Config(
        blocking_app(),
        host="127.0.0.1",
        port=0,
        loop="uvloop",
        http=TimedHttpToolsProtocol,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield instance.servers[0].sockets[0].getsockname()[1]
    instance.should_exit = True
    thread.join(timeout=10)


def request(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port))
    send(connection, "/fast")
    assert b"200 OK" in answer(connection)  # open and served once: keep-alive from here on
    return connection


def send(connection: socket.socket, path: str) -> None:
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\nX-Request-ID: {path[1:]}\r\n\r\n".encode())


def answer(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"}"):
        data += connection.recv(4096)
    return data


def slow_loop_turns() -> float:
    """Event loop turns recorded later than 0.25 s so far."""

    def sample(name: str, labels: dict[str, str]) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    count = sample("postings_event_loop_lag_seconds_count", {})
    return count - sample("postings_event_loop_lag_seconds_bucket", {"le": "0.25"})


def test_a_request_queued_behind_a_blocking_handler_records_the_wait(
    server: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The loop is blocked by request C; A and B arrive meanwhile, are read in the same turn once C is
    done, and each blocks the loop in turn. The one served second waited for the other: its recorded
    latency includes that wait (queued_ms), within what its client saw."""
    first, second, third = request(server), request(server), request(server)
    caplog.set_level(logging.INFO, logger="postings.app")
    before = metrics.LATENCY.labels("GET", "/block", "200")._sum.get()
    lags_before = slow_loop_turns()
    send(first, "/block")
    time.sleep(0.1)  # C holds the loop now; A and B wait in their sockets
    sent = time.perf_counter()
    send(second, "/block")
    send(third, "/block")
    observed = {}
    for name, connection in (("C", first), ("A", second), ("B", third)):
        assert b"200 OK" in answer(connection)
        observed[name] = time.perf_counter() - sent
    for connection in (first, second, third):
        connection.close()

    def logged() -> list[logging.LogRecord]:
        return [
            r for r in caplog.records if r.getMessage() == "request" and getattr(r, "route", "") == "/block"
        ]

    deadline = time.monotonic() + 2
    while len(logged()) < 3 and time.monotonic() < deadline:  # the line follows the response
        time.sleep(0.01)
    lines = logged()
    assert len(lines) == 3
    later = max(lines, key=lambda r: r.duration_ms)  # type: ignore[attr-defined]
    recorded, queued = later.duration_ms / 1000, later.queued_ms / 1000  # type: ignore[attr-defined]
    in_app = recorded - queued  # what a timer started by the middleware recorded before
    client = max(observed["A"], observed["B"])
    print(
        f"LATENCY queued request: recorded {recorded * 1000:.0f} ms (queued {queued * 1000:.0f} ms), "
        f"in-app timer {in_app * 1000:.0f} ms, its client saw {client * 1000:.0f} ms"
    )
    assert queued >= BLOCK_SECONDS * 0.9, queued  # it waited out the other request's handler
    assert recorded >= 2 * BLOCK_SECONDS * 0.9, recorded
    assert in_app < 1.5 * BLOCK_SECONDS, in_app
    assert recorded <= client + 0.01, (recorded, client)
    # The loop watcher saw the loop held (the handlers ran back to back: one late turn or more).
    assert slow_loop_turns() - lags_before >= 1
    # The histogram got the same durations as the log lines.
    total = metrics.LATENCY.labels("GET", "/block", "200")._sum.get() - before
    assert total == pytest.approx(sum(r.duration_ms for r in lines) / 1000, abs=0.01)  # type: ignore[attr-defined]
