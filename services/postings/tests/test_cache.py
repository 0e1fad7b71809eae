"""The Redis read-through cache, and Redis going away mid-run: the API keeps answering from the
database, says so in /readyz and /metrics, and serves no stale posting once Redis is back."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from postings.app import create_app
from postings.cache import MemoryCache, in_daemon_thread
from postings.settings import Settings
from postings.tokens import create_token

REDIS_PORT = 6379


RETRY_SECONDS = 0.3


def total(text: str, name: str) -> float:
    """The sum of a counter over all its labels."""
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{"))


def metric(text: str, sample: str) -> float:
    """The value of one sample (name plus labels exactly as exposed); 0 for a counter not yet touched."""
    for line in text.splitlines():
        if line.rsplit(" ", 1)[0] == sample:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture
def proxied(
    mysql_settings: Callable[..., Settings], tcp_proxy: Callable[[int], Any]
) -> Iterator[tuple[TestClient, Any]]:
    proxy = tcp_proxy(REDIS_PORT)
    settings = mysql_settings(
        redis_url=f"redis://127.0.0.1:{proxy.port}/0", cache_retry_seconds=RETRY_SECONDS
    )
    with TestClient(create_app(settings)) as client:
        yield client, proxy


def test_redis_stopped_mid_run_keeps_serving_and_never_serves_stale(
    proxied: tuple[TestClient, Any], new_posting: Callable[..., dict[str, Any]], wait: Callable[..., bool]
) -> None:
    client, proxy = proxied
    _id, token = create_token(client.app.state.resources.engine, name="cache-test", scopes={"write"})  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {token}"}
    posting = client.post("/v1/postings", json=new_posting(title="Version one"), headers=headers).json()
    url = f"/v1/postings/{posting['id']}"
    hits_before = metric(client.get("/metrics").text, 'postings_cache_hits_total{kind="posting"}')
    assert client.get(url).json()["title"] == "Version one"
    assert metric(client.get("/metrics").text, 'postings_cache_hits_total{kind="posting"}') == hits_before + 1

    before = client.get("/metrics").text
    proxy.cut()
    started = time.monotonic()
    answers = [client.get(url) for _ in range(20)]
    elapsed = time.monotonic() - started
    assert [a.status_code for a in answers] == [200] * 20
    # The breaker: Redis is tried once per retry interval while it is down, not once per read; the
    # other reads go straight to the database (counted as bypassed). A bound from the measured time,
    # so a slow machine changes the numbers, not the verdict.
    during = client.get("/metrics").text
    attempts = total(during, "postings_cache_errors_total") - total(before, "postings_cache_errors_total")
    assert 1 <= attempts <= 2 + elapsed / RETRY_SECONDS, (attempts, elapsed)
    bypassed = total(during, "postings_cache_bypassed_total") - total(before, "postings_cache_bypassed_total")
    assert bypassed >= 20 - attempts
    edited = client.patch(url, json={"title": "Version two"}, headers=headers | {"If-Match": '"1"'})
    assert edited.status_code == 200
    assert client.get(url).json()["title"] == "Version two"
    listed = client.get("/v1/postings").json()["items"]
    assert [p["title"] for p in listed] == ["Version two"]
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["cache"] == "down (serving from the database)"
    text = client.get("/metrics").text
    assert "\npostings_cache_up 0.0\n" in text
    assert "postings_cache_errors_total" in text
    assert metric(text, 'postings_cache_bypassed_total{kind="posting"}') >= 1

    proxy.restore()
    time.sleep(0.4)  # past the cache's retry interval
    assert client.get(url).json()["title"] == "Version two"
    assert [p["title"] for p in client.get("/v1/postings").json()["items"]] == ["Version two"]
    assert wait(lambda: metric(client.get("/metrics").text, "postings_cache_up") == 1.0, timeout=5)
    hits = metric(client.get("/metrics").text, 'postings_cache_hits_total{kind="posting"}')
    assert client.get(url).json()["title"] == "Version two"
    assert metric(client.get("/metrics").text, 'postings_cache_hits_total{kind="posting"}') == hits + 1
    assert client.get("/readyz").json()["checks"]["cache"] == "up"


def test_a_write_replaces_the_cached_posting(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    posting = app_client.post("/v1/postings", json=new_posting(title="Old"), headers=writer).json()
    url = f"/v1/postings/{posting['id']}"
    assert app_client.get(url).json()["title"] == "Old"
    app_client.patch(url, json={"title": "New"}, headers=writer | {"If-Match": '"1"'})
    fetched = app_client.get(url)
    assert fetched.json()["title"] == "New"
    assert fetched.headers["etag"] == '"2"'


def test_memory_cache_expires_and_evicts() -> None:
    asyncio.run(memory_cache_checks())


async def memory_cache_checks() -> None:
    cache = MemoryCache(ttl_seconds=0.05, max_entries=2)
    await cache.write_posting(1, b"1\n{}", None)
    await cache.fill_posting(1, b"0\nolder", cache.fill_token())
    assert await cache.get_posting(1) == b"1\n{}"
    await cache.write_posting(2, b"two", None)
    await cache.write_posting(3, b"three", None)
    assert await cache.get_posting(1) is None
    assert await cache.get_posting(3) == b"three"
    time.sleep(0.06)
    assert await cache.get_posting(3) is None
    generation = await cache.list_generation("any")
    await cache.write_posting(3, b"three", set())
    assert await cache.list_generation("any") != generation


def test_a_write_in_one_process_reaches_the_near_cache_of_another(
    mysql_settings: Callable[..., Settings],
    new_posting: Callable[..., dict[str, Any]],
    wait: Callable[..., bool],
) -> None:
    settings = mysql_settings()
    with TestClient(create_app(settings)) as reader, TestClient(create_app(settings)) as writer:
        reader_cache: Any = reader.app.state.resources.cache  # type: ignore[attr-defined]
        writer_engine: Any = writer.app.state.resources.engine  # type: ignore[attr-defined]
        _id, token = create_token(writer_engine, name="near", scopes={"write"})
        headers = {"Authorization": f"Bearer {token}"}
        posting = writer.post("/v1/postings", json=new_posting(title="First"), headers=headers).json()
        url = f"/v1/postings/{posting['id']}"
        assert reader.get(url).json()["title"] == "First"  # starts the reader's invalidation feed

        def near_hit() -> bool:
            near_hits = metric(reader.get("/metrics").text, "postings_cache_near_hits_total")
            assert reader.get(url).json()["title"] == "First"
            return metric(reader.get("/metrics").text, "postings_cache_near_hits_total") == near_hits + 1

        # Served from memory once the reader's feed answers its PINGs (at once, on a quiet machine).
        assert wait(near_hit, timeout=5)
        assert posting["id"] in reader_cache._near

        assert (
            writer.patch(url, json={"title": "Second"}, headers=headers | {"If-Match": '"1"'}).status_code
            == 200
        )

        # No waiting: the write returned, so the reader's near cache has dropped the posting.
        fetched = reader.get(url)
        assert (fetched.json()["title"], fetched.headers["etag"]) == ("Second", '"2"')


def test_readiness_fails_while_the_database_is_down_and_recovers(
    mysql_settings: Callable[..., Settings], tcp_proxy: Callable[[int], Any], wait: Callable[..., bool]
) -> None:
    proxy = tcp_proxy(3306)
    database = mysql_settings().resolved_database_url().replace("127.0.0.1:3306", f"127.0.0.1:{proxy.port}")
    with TestClient(create_app(mysql_settings(database_url=database))) as client:
        assert client.get("/readyz").status_code == 200

        proxy.cut()
        down = client.get("/readyz")
        listing = client.get("/v1/postings", params={"company": "Nobody"})

        assert down.status_code == 503
        assert down.json()["ready"] is False
        assert down.json()["checks"]["database"] == "down"
        assert client.get("/healthz").status_code == 200
        assert listing.status_code == 503
        assert listing.headers["retry-after"] == "2"

        proxy.restore()
        assert wait(lambda: client.get("/readyz").status_code == 200, timeout=10)


def test_the_cache_is_off_while_the_cache_epoch_cannot_be_read(
    mysql_settings: Callable[..., Settings],
    tcp_proxy: Callable[[int], Any],
    new_posting: Callable[..., dict[str, Any]],
    wait: Callable[..., bool],
) -> None:
    """A process that cannot read the epoch could miss another's bump: it must stop trusting Redis."""
    proxy = tcp_proxy(3306)
    database = mysql_settings().resolved_database_url().replace("127.0.0.1:3306", f"127.0.0.1:{proxy.port}")
    with TestClient(create_app(mysql_settings(database_url=database))) as client:
        cache: Any = client.app.state.resources.cache  # type: ignore[attr-defined]
        _id, token = create_token(client.app.state.resources.engine, name="epoch", scopes={"write"})  # type: ignore[attr-defined]
        posting = client.post(
            "/v1/postings", json=new_posting(), headers={"Authorization": f"Bearer {token}"}
        )
        assert posting.status_code == 201
        assert wait(lambda: cache.fill_token() is not None, timeout=5)

        proxy.hang()
        assert wait(lambda: cache.fill_token() is None, timeout=3)
        assert cache.fill_token() is None
        time.sleep(2)
        assert cache.fill_token() is None

        proxy.restore()
        assert wait(lambda: cache.fill_token() is not None, timeout=10)
        assert client.get(f"/v1/postings/{posting.json()['id']}").status_code == 200


def test_a_database_read_that_never_returns_does_not_hold_up_the_loops_shutdown() -> None:
    # As an epoch read on a database that accepted the connection and never answers: asyncio.to_thread's
    # thread would keep asyncio.run (and uvicorn's or the TestClient's shutdown) waiting for it.
    answered = threading.Event()

    def hung_read() -> int:
        answered.wait(10)
        return 1

    async def read_then_give_up() -> None:
        read = in_daemon_thread(hung_read)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(asyncio.shield(read), 0.1)

    started = time.monotonic()
    asyncio.run(read_then_give_up())
    assert time.monotonic() - started < 2
    assert not answered.is_set()
    answered.set()


def test_a_daemon_read_hands_back_its_result_and_its_error() -> None:
    def fails() -> int:
        raise ValueError("no such table")

    async def both() -> tuple[int, str]:
        with pytest.raises(ValueError, match="no such table"):
            await in_daemon_thread(fails)
        return await in_daemon_thread(lambda: 7), "ok"

    assert asyncio.run(both()) == (7, "ok")
