"""The OpenAPI schema fuzzed with schemathesis against a real server on MariaDB + Redis: whatever
Hypothesis generates from the schema, with a valid write token or without one, no answer is a 5xx."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from postings.app import create_app
from postings.db import create_db_engine, metadata
from postings.settings import Settings
from postings.tokens import create_token

EXAMPLES_PER_OPERATION = 40


@pytest.fixture(scope="module")
def live_server(mysql_database: str, run_id: str) -> Iterator[tuple[str, str]]:
    settings = Settings(
        database_url=f"mysql+pymysql://root@127.0.0.1:3306/{mysql_database}?charset=utf8mb4",  # type: ignore[arg-type]
        redis_url="redis://127.0.0.1:6379/0",  # type: ignore[arg-type]
        cache_prefix=f"postings-fuzz:{run_id}:",
        log_level="WARNING",
        relay_poll_seconds=0.05,
    )
    engine = create_db_engine(settings, pool_size=1)
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):  # children before their parents
            conn.execute(table.delete())
    _id, token = create_token(engine, name="fuzz", scopes={"write"})
    engine.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    seed = httpx.post(
        f"{base}/v1/postings",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "title": "Seed",
            "company": "Fuzz Co",
            "location": "Ankara",
            "workplace": "remote",
            "employment_type": "contract",
            "seniority": "mid",
            "language": "tr",
            "description": "Fuzzing target",
            "apply_email": "jobs@example.com",
        },
    )
    assert seed.status_code == 201
    yield base, token
    server.should_exit = True
    thread.join(timeout=20)
    cache = redis.Redis(port=6379)
    keys = list(cache.scan_iter(match=f"{settings.cache_prefix}*", count=1000))
    if keys:
        cache.delete(*keys)
    cache.close()


# The schema the app serves at /openapi.json; building it opens no connection (the lifespan does).
schema = schemathesis.openapi.from_dict(create_app().openapi())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_generated_request_gets_a_server_error(case: Any, live_server: tuple[str, str]) -> None:
    base, token = live_server
    for headers in ({"Authorization": f"Bearer {token}"}, {}):
        response = case.call(base_url=base, headers=headers, timeout=10)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
        )
