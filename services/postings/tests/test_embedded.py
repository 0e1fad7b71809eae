"""The embedded default: one command on a fresh directory (SQLite, in-process cache, queue and search),
and the CLI's tokens, seed, migrate and worker commands."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from postings.db import create_db_engine
from postings.migrate import head_revision
from postings.search.sql import SqlSearchIndex
from postings.settings import Settings
from postings.store import ListFilters


def cli(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "postings", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")}
    return env | {"POSTINGS_RELAY_POLL_SECONDS": "0.05"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "postings", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=clean_env(),
        stdout=(tmp_path / "serve.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    try:
        yield base, tmp_path, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_one_command_starts_a_working_service(
    served: tuple[str, Path, subprocess.Popen[bytes]],
    new_posting: Callable[..., dict[str, Any]],
    wait: Callable[..., bool],
) -> None:
    base, directory, process = served
    token = cli(directory, "tokens", "create", "--scope", "write").stdout.strip().splitlines()[-1]
    assert token.startswith("pst_")

    created = httpx.post(
        f"{base}/v1/postings",
        json=new_posting(title="Backend разработчик", location="İzmir"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    assert httpx.get(f"{base}{created.headers['location']}").json()["title"] == "Backend разработчик"

    def found() -> bool:
        items = httpx.get(f"{base}/v1/search", params={"q": "izmir разработчик"}).json()["items"]
        return [i["id"] for i in items] == [created.json()["id"]]

    assert wait(found, timeout=10)
    ready = httpx.get(f"{base}/readyz").json()
    assert ready == {
        "ready": True,
        "checks": {
            "database": "up",
            "cache": "in-process",
            "broker": "in-process",
            "relay": "up",
            "indexer": "in-process",
            "search": "sql: up",
        },
    }
    assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "Postings API"
    assert httpx.get(f"{base}/docs").status_code == 200
    assert (directory / "postings.sqlite3").exists()

    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal so the exit status says why it stopped.
    assert process.wait(timeout=20) in (0, -signal.SIGTERM)
    log = (directory / "serve.log").read_text()
    assert '"message":"postings api stopped"' in log
    assert '"message":"cleaned up"' in log  # the clean-up runs beside the in-process relay, at once
    assert token not in log


def test_tokens_list_and_revoke(tmp_path: Path) -> None:
    created = cli(tmp_path, "tokens", "create", "--scope", "write", "--scope", "read", "--name", "ci")
    assert created.returncode == 0
    assert "token 1 (ci, read write)" in created.stdout
    listed = cli(tmp_path, "tokens", "list").stdout
    assert "\tci\tread write\t" in listed
    assert "active" in listed
    assert created.stdout.strip().splitlines()[-1] not in listed
    assert cli(tmp_path, "tokens", "revoke", "1").returncode == 0
    assert cli(tmp_path, "tokens", "revoke", "1").returncode == 1
    assert "revoked" in cli(tmp_path, "tokens", "list").stdout


def test_seed_and_migrate_on_sqlite(tmp_path: Path) -> None:
    migrated = cli(tmp_path, "migrate")
    assert migrated.returncode == 0
    assert f"schema at revision {head_revision()}\n" in migrated.stdout
    seeded = cli(tmp_path, "seed", "300", "--batch-size", "120")
    assert seeded.returncode == 0, seeded.stderr
    assert "seeded 300 postings" in seeded.stdout

    engine = create_db_engine(Settings(sqlite_path=str(tmp_path / "postings.sqlite3")))
    index = SqlSearchIndex(engine)
    turkish = index.search("istanbul", ListFilters(status=None), limit=100, offset=0)
    russian = index.search("москва", ListFilters(status=None), limit=100, offset=0)
    engine.dispose()
    assert turkish.total > 0
    assert any(h["location"] == "İstanbul" for h in turkish.hits)
    assert all(h["highlights"] for h in turkish.hits)
    assert russian.total > 0
    assert all(h["location"] == "Москва" for h in russian.hits)


def test_worker_without_a_broker_says_what_to_set(tmp_path: Path) -> None:
    result = cli(tmp_path, "worker")
    assert result.returncode != 0
    assert "POSTINGS_AMQP_URL" in result.stderr
