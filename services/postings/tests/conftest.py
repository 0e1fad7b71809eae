"""Fixtures for the postings service tests: a private MariaDB database, a Redis key prefix and RabbitMQ
names per session, apps wired to them, tokens, and a TCP proxy that can cut a connection to a server."""

from __future__ import annotations

import contextlib
import itertools
import os
import select
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pika
import pytest
import redis
from fastapi.testclient import TestClient
from postings.app import create_app
from postings.broker import Topology
from postings.db import create_db_engine, metadata
from postings.migrate import upgrade
from postings.settings import Settings
from postings.tokens import create_token
from sqlalchemy import Engine, create_engine, text

# Not POSTINGS_*: the service refuses variables with its prefix that name no setting.
MYSQL_HOST = os.environ.get("TEST_MYSQL_HOST", "127.0.0.1")
REDIS_PORT = 6379
AMQP_PORT = 5672
_counter = itertools.count()
AMQP_URL = f"amqp://guest:guest@127.0.0.1:{AMQP_PORT}/%2F"


class TcpProxy:
    """A loopback TCP proxy in threads. `cut()` refuses new connections and drops open ones, as a
    server going away would; `hang()` keeps accepting connections but passes nothing either way on new
    or open ones, as a server behind a load balancer that stopped answering would; `restore()` drops
    whatever hung and forwards again on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._running = False
        self._hanging = False

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        deadline = time.monotonic() + 2
        while True:
            try:
                listener.bind(("127.0.0.1", self.port))
                break
            except OSError:
                # The previous listener lives on until its accept thread wakes (within 0.2 s).
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        listener.listen(64)
        listener.settimeout(0.2)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._running = True
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while self._running and self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:  # restore() turns hanging off and drops the held sockets under it too
                if self._hanging:
                    self._sockets.add(client)  # held open, never read, until restore() or cut()
                    continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                if self._hanging:
                    time.sleep(0.05)
                    continue
                readable, _, _ = select.select([a, b], [], [], 0.5)
                if not self._running and not readable:
                    continue
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (b if source is a else a).sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()
            with self._lock:
                self._sockets.discard(a)
                self._sockets.discard(b)

    def _drop_connections(self, *, hanging: bool | None = None) -> None:
        with self._lock:
            if hanging is not None:
                self._hanging = hanging
            sockets = list(self._sockets)
            self._sockets.clear()
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        self._running = False
        self._hanging = False
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        self._drop_connections()

    def hang(self) -> None:
        self._hanging = True
        if self._listener is None:
            self.start()

    def restore(self) -> None:
        if self._hanging:
            self._drop_connections(hanging=False)
        if self._listener is None:
            self.start()

    def stop(self) -> None:
        self.cut()


@pytest.fixture
def tcp_proxy() -> Iterator[Callable[[int], TcpProxy]]:
    proxies: list[TcpProxy] = []

    def make(target_port: int) -> TcpProxy:
        proxy = TcpProxy(target_port).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.stop()


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:10]


def mysql_url(database: str, port: int = 3306) -> str:
    return f"mysql+pymysql://root@{MYSQL_HOST}:{port}/{database}?charset=utf8mb4"


@pytest.fixture(scope="session")
def mysql_database(run_id: str) -> Iterator[str]:
    """A private database on the shared MariaDB, migrated once, dropped after the session."""
    name = f"postings_test_{run_id}"
    admin = create_engine(f"mysql+pymysql://root@{MYSQL_HOST}:3306/", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
        upgrade(Settings(database_url=mysql_url(name)))  # type: ignore[arg-type]
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.fixture
def amqp_names(run_id: str) -> Iterator[dict[str, str]]:
    """Exchange and queue names for one test (the shared broker has no management API for a private
    vhost), deleted afterwards."""
    unique = f"{run_id}-{next(_counter)}"
    names = {"amqp_exchange": f"postings-test-{unique}", "amqp_queue": f"postings-test-{unique}.indexer"}
    yield names
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    queue = names["amqp_queue"]
    # The retry tier queues are named by delay: those of the base the settings below use, and the default's.
    tiers = [Topology(names["amqp_exchange"], queue, retry_base_ms=base).queues for base in (50, 1000)]
    for name in {f"{queue}.retry", *(name for queues in tiers for name in queues)}:
        channel.queue_delete(name)
    for exchange in (names["amqp_exchange"], f"{names['amqp_exchange']}.dead-letter"):
        channel.exchange_delete(exchange)
    connection.close()


@pytest.fixture
def cache_prefix(run_id: str) -> Iterator[str]:
    prefix = f"postings-test:{run_id}:{next(_counter)}:"
    yield prefix
    client = redis.Redis(port=REDIS_PORT)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def mysql_settings(mysql_database: str, cache_prefix: str) -> Callable[..., Settings]:
    """Settings for MariaDB and Redis (no broker, so the API indexes in-process) with an empty schema."""
    engine = create_db_engine(Settings(database_url=mysql_url(mysql_database)), pool_size=1)  # type: ignore[arg-type]
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):  # children before their parents
            conn.execute(table.delete())
    engine.dispose()

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": mysql_url(mysql_database),
            "redis_url": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "cache_prefix": cache_prefix,
            "relay_poll_seconds": 0.05,
            "worker_retry_base_ms": 50,
            "log_level": "INFO",
        } | overrides
        return Settings(**values)

    return make


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "sqlite_path": str(tmp_path / "postings.sqlite3"),
            "relay_poll_seconds": 0.05,
            "worker_retry_base_ms": 50,
        } | overrides
        return Settings(**values)

    return make


@pytest.fixture
def app_client(mysql_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    with TestClient(create_app(mysql_settings())) as client:
        yield client


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.resources.engine  # type: ignore[attr-defined]
    return engine


@pytest.fixture
def app_engine(app_client: TestClient) -> Engine:
    return engine_of(app_client)


@pytest.fixture
def writer(app_engine: Engine) -> dict[str, str]:
    _id, token = create_token(app_engine, name="test-writer", scopes={"write"})
    return {"Authorization": f"Bearer {token}"}


def posting_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Senior Backend Engineer",
        "company": "Acme Cloud",
        "location": "Berlin",
        "workplace": "hybrid",
        "employment_type": "full_time",
        "seniority": "senior",
        "salary_min": 70000,
        "salary_max": 90000,
        "salary_currency": "EUR",
        "language": "en",
        "description": "Build **APIs** in Python and Go.",
        "tags": ["python", "go"],
        "apply_url": "https://jobs.example.com/acme/1",
    }
    return body | overrides


@pytest.fixture
def new_posting() -> Callable[..., dict[str, Any]]:
    return posting_body


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.fixture
def wait() -> Callable[..., bool]:
    return wait_until
