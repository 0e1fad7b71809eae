"""Cache coherence across API processes: real `postings serve` processes sharing MariaDB and Redis, each
reaching Redis through a proxy of its own, and a reader in another process that must never see the
old version of a posting once a write has returned, whatever Redis does (refused, hung, restarted
empty) and whether or not the writer is still alive when Redis comes back."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from postings.db import create_db_engine
from postings.settings import Settings
from postings.tokens import create_token

REDIS_PORT = 6379
RETRY_SECONDS = 0.3
TcpProxy = Any  # tests/conftest.py's, handed out by the tcp_proxy fixture


def metric(text: str, sample: str) -> float:
    """The value of one sample, named without the `task` label a `postings serve` process adds to all."""
    for line in text.splitlines():
        series = line.rsplit(" ", 1)[0].replace(f',task="{TASK}"', "").replace(f'{{task="{TASK}"}}', "")
        if series == sample:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


TASK = socket.gethostname()  # no ECS task metadata here: processes label their metrics with the host
NEAR_HITS = "postings_cache_near_hits_total"
HITS = 'postings_cache_hits_total{kind="posting"}'


@dataclass
class Api:
    """One `postings serve` process and the proxy its Redis connections go through."""

    name: str
    process: subprocess.Popen[bytes]
    proxy: TcpProxy
    base: str
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, timeout=10)

    def metrics(self) -> str:
        return self.client.get("/metrics").text

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Read:
    started: float
    version: int
    title: str


class Reader:
    """Reads one posting from one process in a loop, in a thread, recording when each read started."""

    def __init__(self, api: Api, posting_id: int) -> None:
        self.client = httpx.Client(base_url=api.base, timeout=10)
        self.url = f"/v1/postings/{posting_id}"
        self.reads: list[Read] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Reader:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=20)
        self.client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            answer = self.client.get(self.url)
            if answer.status_code != 200:
                self.failures.append(f"{answer.status_code} {answer.text[:200]}")
                continue
            body = answer.json()
            self.reads.append(Read(started, body["version"], body["title"]))

    def stale_after(self, moment: float, version: int) -> list[Read]:
        """Reads that started after `moment` and still saw an older version than `version`."""
        assert self.failures == [], self.failures[:3]
        return [r for r in self.reads if r.started > moment and r.version < version]


@pytest.fixture
def start_api(
    mysql_settings: Callable[..., Settings],
    tcp_proxy: Callable[[int], TcpProxy],
    tmp_path: Path,
) -> Iterator[Callable[[str], Api]]:
    settings = mysql_settings()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")} | {
        "POSTINGS_DATABASE_URL": settings.resolved_database_url(),
        "POSTINGS_CACHE_PREFIX": settings.cache_prefix,
        "POSTINGS_CACHE_RETRY_SECONDS": str(RETRY_SECONDS),
        "POSTINGS_RELAY_POLL_SECONDS": "0.05",
        "POSTINGS_LOG_LEVEL": "INFO",
    }
    apis: list[Api] = []

    def start(name: str) -> Api:
        proxy = tcp_proxy(REDIS_PORT)
        port = free_port()
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "postings", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env | {"POSTINGS_REDIS_URL": f"redis://127.0.0.1:{proxy.port}/0"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        api = Api(name, process, proxy, f"http://127.0.0.1:{port}")
        apis.append(api)
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / f"{name}.log").read_text()[-3000:]
            try:
                if api.client.get("/healthz").status_code == 200:
                    return api
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"{name} did not start"
            time.sleep(0.1)

    yield start
    for api in apis:
        api.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def write_headers(mysql_settings: Callable[..., Settings]) -> dict[str, str]:
    engine = create_db_engine(mysql_settings(), pool_size=1)
    _id, token = create_token(engine, name="processes", scopes={"write"})
    engine.dispose()
    return {"Authorization": f"Bearer {token}"}


def create(api: Api, headers: dict[str, str], new_posting: Callable[..., dict[str, Any]]) -> int:
    created = api.client.post("/v1/postings", json=new_posting(title="Version 1"), headers=headers)
    assert created.status_code == 201, created.text
    posting_id: int = created.json()["id"]
    return posting_id


def patch(api: Api, posting_id: int, version: int, headers: dict[str, str]) -> float:
    """Edit the posting to `version` + 1 through `api`; the moment the write returned."""
    started = time.monotonic()
    answer = api.client.patch(
        f"/v1/postings/{posting_id}",
        json={"title": f"Version {version + 1}"},
        headers=headers | {"If-Match": f'"{version}"'},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == version + 1
    returned = time.monotonic()
    WRITE_SECONDS[returned] = returned - started
    return returned


WRITE_SECONDS: dict[float, float] = {}  # by the moment each write returned


def report(fault: str, reader: Reader, returned: float, recovery: float | None) -> None:
    """One line per fault with -s: what the other process read after the write, and what it cost."""
    after = [r for r in reader.reads if r.started > returned]
    back = f", its cache served again {recovery:.2f} s after Redis was back" if recovery is not None else ""
    print(
        f"\nCACHE FAULT {fault}: {len(after)} reads by another process after the write returned, "
        f"{len(reader.stale_after(returned, 2))} stale; the write took {WRITE_SECONDS[returned]:.2f} s{back}"
    )


def served_from_near_cache(api: Api, posting_id: int, timeout: float = 10.0) -> None:
    """Read until `api` serves the posting from its near cache (so it holds it in memory and Redis)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = metric(api.metrics(), NEAR_HITS)
        api.client.get(f"/v1/postings/{posting_id}")
        if metric(api.metrics(), NEAR_HITS) > before:
            return
        time.sleep(0.05)
    raise AssertionError(f"{api.name} never served posting {posting_id} from its near cache")


def writer_and_cached_reader(
    start_api: Callable[[str], Api], headers: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> tuple[Api, Api, int]:
    """Two API processes: the writer creates a posting, the reader holds it in its near cache."""
    writer, reader = start_api("a"), start_api("b")
    posting_id = create(writer, headers, new_posting)
    served_from_near_cache(reader, posting_id)
    return writer, reader, posting_id


def cache_serves_again(api: Api, posting_id: int, timeout: float = 10.0) -> float:
    """Read until `api` answers from its cache again; how long that took."""
    started = time.monotonic()
    while time.monotonic() < started + timeout:
        before = metric(api.metrics(), HITS)
        api.client.get(f"/v1/postings/{posting_id}")
        if metric(api.metrics(), HITS) > before:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{api.name}'s cache never served posting {posting_id} again")


def flush(prefix: str) -> int:
    """What a Redis restarted empty looks like to this run: none of its keys."""
    client = redis.Redis(port=REDIS_PORT)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
    return len(keys)


def test_a_write_is_seen_by_another_process_at_once(
    start_api: Callable[[str], Api],
    write_headers: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
) -> None:
    writer, reader_api, third = start_api("a"), start_api("b"), start_api("c")
    posting_id = create(writer, write_headers, new_posting)
    served_from_near_cache(reader_api, posting_id)
    served_from_near_cache(third, posting_id)

    with Reader(reader_api, posting_id) as reader, Reader(third, posting_id) as other:
        time.sleep(0.3)
        returned = [patch(writer, posting_id, version, write_headers) for version in range(1, 6)]
        time.sleep(0.3)

    for version, moment in enumerate(returned, start=2):
        assert reader.stale_after(moment, version) == [], (version, reader.stale_after(moment, version)[:3])
        assert other.stale_after(moment, version) == [], (version, other.stale_after(moment, version)[:3])
    assert reader.reads[-1].version == other.reads[-1].version == 6
    assert len(reader.reads) > 20, len(reader.reads)
    assert len(other.reads) > 20, len(other.reads)
    listed = reader_api.client.get("/v1/postings").json()["items"]
    assert [(p["id"], p["title"]) for p in listed] == [(posting_id, "Version 6")]


@pytest.mark.parametrize("fault", ["refused", "hung"])
def test_redis_down_while_one_process_writes_then_back(
    fault: str,
    start_api: Callable[[str], Api],
    write_headers: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
) -> None:
    writer, reader_api, posting_id = writer_and_cached_reader(start_api, write_headers, new_posting)
    assert reader_api.client.get("/v1/postings").json()["items"][0]["title"] == "Version 1"

    with Reader(reader_api, posting_id) as reader:
        for api in (writer, reader_api):
            api.proxy.cut() if fault == "refused" else api.proxy.hang()
        returned = patch(writer, posting_id, 1, write_headers)
        time.sleep(1.0)
        for api in (writer, reader_api):
            api.proxy.restore()
        recovery = cache_serves_again(reader_api, posting_id)
        time.sleep(0.5)

    report(f"redis {fault} for both processes during the write", reader, returned, recovery)
    assert reader.stale_after(returned, 2) == [], reader.stale_after(returned, 2)[:3]
    assert reader.reads[-1].title == "Version 2"
    assert recovery < 5, recovery
    assert reader_api.client.get("/v1/postings").json()["items"][0]["title"] == "Version 2"


def test_the_writer_stops_before_redis_returns(
    start_api: Callable[[str], Api],
    write_headers: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
) -> None:
    writer, reader_api, posting_id = writer_and_cached_reader(start_api, write_headers, new_posting)
    assert reader_api.client.get("/v1/postings").json()["items"][0]["title"] == "Version 1"

    with Reader(reader_api, posting_id) as reader:
        for api in (writer, reader_api):
            api.proxy.cut()
        returned = patch(writer, posting_id, 1, write_headers)
        writer.stop()
        assert writer.process.poll() is not None
        reader_api.proxy.restore()
        recovery = cache_serves_again(reader_api, posting_id)
        time.sleep(0.5)

    report("redis refused, the writer stopped before it returned", reader, returned, recovery)
    assert reader.stale_after(returned, 2) == [], reader.stale_after(returned, 2)[:3]
    assert reader.reads[-1].title == "Version 2"
    assert reader_api.client.get("/v1/postings").json()["items"][0]["title"] == "Version 2"


def test_only_the_writer_loses_redis(
    start_api: Callable[[str], Api],
    write_headers: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
) -> None:
    """The reader's Redis and invalidation feed never fail, so nothing tells it the write happened
    except the database."""
    writer, reader_api, posting_id = writer_and_cached_reader(start_api, write_headers, new_posting)

    with Reader(reader_api, posting_id) as reader:
        writer.proxy.cut()
        returned = patch(writer, posting_id, 1, write_headers)
        time.sleep(1.0)
        writer.proxy.restore()

    report("redis refused to the writer alone", reader, returned, None)
    assert reader.stale_after(returned, 2) == [], reader.stale_after(returned, 2)[:3]
    assert reader.reads[-1].title == "Version 2"
    cache_serves_again(reader_api, posting_id)
    assert reader_api.client.get(f"/v1/postings/{posting_id}").json()["title"] == "Version 2"


def test_redis_restarted_empty(
    start_api: Callable[[str], Api],
    mysql_settings: Callable[..., Settings],
    write_headers: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
) -> None:
    writer, reader_api, posting_id = writer_and_cached_reader(start_api, write_headers, new_posting)

    with Reader(reader_api, posting_id) as reader:
        for api in (writer, reader_api):
            api.proxy.cut()
        assert flush(mysql_settings().cache_prefix) >= 1
        returned = patch(writer, posting_id, 1, write_headers)
        for api in (writer, reader_api):
            api.proxy.restore()
        recovery = cache_serves_again(reader_api, posting_id)
        second = patch(writer, posting_id, 2, write_headers)
        time.sleep(0.5)

    report("redis restarted empty during the write", reader, returned, recovery)
    assert reader.stale_after(returned, 2) == [], reader.stale_after(returned, 2)[:3]
    assert reader.stale_after(second, 3) == [], reader.stale_after(second, 3)[:3]
    assert reader.reads[-1].title == "Version 3"
    assert reader_api.client.get("/v1/postings").json()["items"][0]["title"] == "Version 3"
