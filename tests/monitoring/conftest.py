"""A real postings service (embedded: SQLite, in-process cache, queue and search) on a free local port,
and a real `postings worker` (SQLite, the RabbitMQ of this machine) serving its metrics port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

POSTINGS = Path(sys.executable).with_name("postings")
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"postings serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"postings serve did not answer {url}/healthz in {START_SECONDS} s")


@contextmanager
def running_service(workdir: Path, **settings: str) -> Iterator[str]:
    """`postings serve` with POSTINGS_* `settings`; embedded SQLite in `workdir` unless they say otherwise."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")}
    env["POSTINGS_SQLITE_PATH"] = str(workdir / "postings.sqlite3")
    env.update({f"POSTINGS_{k.upper()}": v for k, v in settings.items()})
    log = workdir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(POSTINGS), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `postings serve` in embedded mode, started once per test session."""
    with running_service(tmp_path_factory.mktemp("postings")) as url:
        yield url


@pytest.fixture(scope="session")
def service_without_cache_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service configured with a Redis that does not answer: it serves from the database (degraded)."""
    with running_service(
        tmp_path_factory.mktemp("no-cache"), redis_host="127.0.0.1", redis_port=str(free_port())
    ) as url:
        yield url


@pytest.fixture(scope="session")
def service_without_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service configured with a MySQL that does not answer: it runs, and is not ready."""
    workdir = tmp_path_factory.mktemp("no-database")
    settings = {"db_host": "127.0.0.1", "db_port": str(free_port()), "db_username": "u", "db_password": "p"}
    with running_service(workdir, **settings) as url:
        yield url


AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _delete_topology(exchange: str, queue: str) -> None:
    import pika
    from postings.broker import Topology

    topology = Topology(exchange, queue)
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    for name in topology.queues:
        channel.queue_delete(name)
    for name in (topology.exchange, topology.dead_letter_exchange):
        channel.exchange_delete(name)
    connection.close()


@pytest.fixture(scope="session")
def worker_metrics_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The metrics URL of `postings worker` (consumer, outbox relay and clean-up in one process) on an
    embedded SQLite database and this machine's RabbitMQ, under exchange and queue names of its own."""
    workdir = tmp_path_factory.mktemp("worker")
    unique = uuid.uuid4().hex[:10]
    exchange, queue = f"postings-monitoring-{unique}", f"postings-monitoring-{unique}.indexer"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")} | {
        "POSTINGS_SQLITE_PATH": str(workdir / "postings.sqlite3"),
        "POSTINGS_AMQP_URL": AMQP_URL,
        "POSTINGS_AMQP_EXCHANGE": exchange,
        "POSTINGS_AMQP_QUEUE": queue,
        "POSTINGS_METRICS_HOST": "127.0.0.1",
        "POSTINGS_METRICS_PORT": str(port),
    }
    log = workdir / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(POSTINGS), "worker"], cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"postings worker exited with {process.returncode}:\n{log.read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    lines = response.read().decode().splitlines()
                if any('loop="consumer",state="running"' in n and n.endswith(" 1.0") for n in lines):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"postings worker served no running consumer in {START_SECONDS} s")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        _delete_topology(exchange, queue)
