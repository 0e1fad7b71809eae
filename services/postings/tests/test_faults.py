"""Broker faults through proxies that hang, refuse and cut mid-stream, and a worker killed mid-batch, on the
real MariaDB and RabbitMQ: each ends with every posting indexed at its latest version, every event
published once, and /readyz answering within a second and telling the truth throughout. Each test prints
one FAULT line (run with -s): writes acknowledged, postings indexed, deliveries indexing nothing new, the
recovery time from the fault's end to the last posting indexed, and the slowest /readyz and /metrics."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from postings.app import create_app
from postings.broker import indexer_queues
from postings.db import create_db_engine, outbox, postings, search_documents
from postings.resources import create_amqp_relay, create_backoff, create_consumer, create_topology
from postings.search.sql import SqlSearchIndex
from postings.settings import Settings
from postings.supervision import Supervisor
from postings.tokens import create_token
from postings.worker import IndexingHandler
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

AMQP_PORT = 5672
AMQP_URL = f"amqp://guest:guest@127.0.0.1:{AMQP_PORT}/%2F"

# Small timeouts so each fault is detected and recovered from in seconds.
FAST = {
    "amqp_connect_timeout_seconds": 1.0,
    "amqp_heartbeat_seconds": 1,
    "reconnect_base_seconds": 0.1,
    "reconnect_max_seconds": 1.0,
    "probe_timeout_seconds": 0.5,
    "probe_cache_seconds": 0.2,
    "relay_stall_seconds": 1.0,
    "relay_poll_seconds": 0.05,
    "log_level": "WARNING",
}
ANSWER_WITHIN = 1.0


def proxied(proxy: Any) -> str:
    return f"amqp://guest:guest@127.0.0.1:{proxy.port}/%2F"


@pytest.fixture
def fault_settings(
    mysql_settings: Callable[..., Settings], amqp_names: dict[str, str]
) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        return mysql_settings(**({"amqp_url": AMQP_URL} | amqp_names | FAST | overrides))

    return make


class CountingHandler(IndexingHandler):
    """The real handler, counting deliveries that changed the index and those that changed nothing."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(SqlSearchIndex(engine))
        self.changed = 0
        self.unchanged = 0
        self.lock = threading.Lock()

    def __call__(self, body: bytes) -> bool:
        changed = super().__call__(body)
        with self.lock:
            if changed:
                self.changed += 1
            else:
                self.unchanged += 1
        return changed


@dataclass
class Background:
    """The worker process's two loops, in this process, built by the same factories and supervised the
    same way (a loop that dies sets `failed`)."""

    settings: Settings
    engine: Engine
    handler: CountingHandler
    stop: threading.Event = field(default_factory=threading.Event)
    supervisor: Supervisor | None = None

    def start(self, *, relay_url: str | None, consumer_url: str | None) -> None:
        self.supervisor = Supervisor(self.stop, restart=False, backoff=lambda: create_backoff(self.settings))
        if relay_url is not None:
            self.supervisor.start(
                "outbox-relay", create_amqp_relay(self.settings, self.engine, relay_url).run
            )
        if consumer_url is not None:
            consumer = create_consumer(self.settings, self.handler.search, consumer_url)
            consumer.handler = self.handler
            self.supervisor.start("consumer", consumer.run)

    def close(self) -> None:
        self.stop.set()
        if self.supervisor is not None:
            self.supervisor.join()
            assert not self.supervisor.failed.is_set(), "a background loop died"


@pytest.fixture
def background(fault_settings: Callable[..., Settings]) -> Iterator[Background]:
    settings = fault_settings()
    engine = create_db_engine(settings, pool_size=4)
    built = Background(settings, engine, CountingHandler(engine))
    yield built
    built.close()
    engine.dispose()


class Api:
    """A TestClient on the app that writes postings and times every /readyz and /metrics."""

    def __init__(
        self, client: TestClient, engine: Engine, posting_body: Callable[..., dict[str, Any]]
    ) -> None:
        self.client = client
        self.posting_body = posting_body
        _id, token = create_token(engine, name="fault-test", scopes={"write"})
        self.headers = {"Authorization": f"Bearer {token}"}
        self.versions: dict[int, int] = {}
        self.writes = 0
        self.slowest_probe = 0.0

    def create(self, n: int, label: str) -> list[int]:
        ids = []
        for i in range(n):
            body = self.posting_body(title=f"{label} {i}")
            response = self.client.post("/v1/postings", json=body, headers=self.headers)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
            self.versions[ids[-1]] = 1
            self.writes += 1
        return ids

    def edit(self, ids: list[int], label: str) -> None:
        for posting_id in ids:
            version = self.versions[posting_id]
            response = self.client.patch(
                f"/v1/postings/{posting_id}",
                json={"title": f"{label} {posting_id}"},
                headers=self.headers | {"If-Match": f'"{version}"'},
            )
            assert response.status_code == 200, response.text
            self.versions[posting_id] = version + 1
            self.writes += 1

    def _timed(self, path: str) -> Any:
        started = time.perf_counter()
        response = self.client.get(path)
        elapsed = time.perf_counter() - started
        self.slowest_probe = max(self.slowest_probe, elapsed)
        assert elapsed < ANSWER_WITHIN, f"{path} took {elapsed:.2f} s"
        return response

    def checks(self) -> dict[str, str]:
        response = self._timed("/readyz")
        assert response.status_code == 200, response.text  # the database stays up in these faults
        checks: dict[str, str] = response.json()["checks"]
        return checks

    def metrics(self) -> str:
        text: str = self._timed("/metrics").text
        return text

    def until_ready(self, timeout: float = 20.0) -> None:
        """Poll /readyz until it answers 200: after a database fault, the first answers are still 503."""
        deadline = time.monotonic() + timeout
        while (response := self._timed("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, response.text
            time.sleep(0.1)

    def until(self, check: str, predicate: Callable[[str], bool], timeout: float = 20.0) -> str:
        """Poll /readyz until `check` satisfies `predicate`; its value then."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.checks()[check]
            if predicate(value) or time.monotonic() > deadline:
                assert predicate(value), f"/readyz {check} is still {value!r}"
                return value
            time.sleep(0.1)


def indexed(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(search_documents.c.posting_id, search_documents.c.version)).all()
    return {int(r.posting_id): int(r.version) for r in rows}


def latest(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(postings.c.id, postings.c.version)).all()
    return {int(r.id): int(r.version) for r in rows}


def unpublished(engine: Engine) -> int:
    with engine.connect() as conn:
        count: int = conn.execute(
            select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        ).scalar_one()
    return count


def wait_indexed(engine: Engine, expected: dict[int, int], timeout: float = 30.0) -> float:
    """Seconds until the index holds exactly `expected`."""
    started = time.monotonic()
    deadline = started + timeout
    while indexed(engine) != expected:
        assert time.monotonic() < deadline, (
            f"{len(expected)} postings written, index has {len(indexed(engine))}; "
            f"missing or stale: {sorted(set(expected.items()) - set(indexed(engine).items()))[:10]}"
        )
        time.sleep(0.05)
    return time.monotonic() - started


def assert_settled(engine: Engine, settings: Settings, api: Api) -> None:
    """Every posting indexed at its latest version, every event published, queues empty."""
    assert latest(engine) == api.versions
    assert indexed(engine) == api.versions
    assert unpublished(engine) == 0
    queues = indexer_queues(AMQP_URL, create_topology(settings))
    assert sum(queues.depths.values()) == 0, queues.depths


def report(fault: str, api: Api, duplicates: int, recovery: float) -> None:
    print(
        f"\nFAULT {fault}: {api.writes} writes acknowledged ({len(api.versions)} postings), "
        f"{len(api.versions)} indexed at their latest version, {duplicates} deliveries changed nothing, "
        f"recovered {recovery:.2f} s after the fault ended, "
        f"slowest /readyz or /metrics {api.slowest_probe:.3f} s"
    )


def test_hung_broker_during_writes_keeps_writes_and_probes_fast_and_loses_nothing(
    fault_settings: Callable[..., Settings],
    background: Background,
    new_posting: Callable[..., dict[str, Any]],
    tcp_proxy: Callable[[int], Any],
) -> None:
    proxy = tcp_proxy(AMQP_PORT)
    url = proxied(proxy)
    background.start(relay_url=url, consumer_url=url)
    with TestClient(create_app(fault_settings(amqp_url=url))) as client:
        api = Api(client, background.engine, new_posting)
        before = api.create(5, "Before")
        wait_indexed(background.engine, api.versions)
        assert api.checks() == {
            "database": "up",
            "cache": "up",
            "broker": "up",
            "relay": "up",
            "indexer": "up",
            "search": "sql: up",
        }

        # The broker fails over: open connections drop, and the load balancer in front of it accepts
        # new ones and says nothing.
        proxy.cut()
        proxy.hang()
        started = time.perf_counter()
        during = api.create(10, "During")
        api.edit(before[:3], "Edited during")
        write_seconds = time.perf_counter() - started
        assert write_seconds < 5, f"13 writes took {write_seconds:.1f} s with the broker hung"
        assert api.until("broker", lambda v: v == "down (writes wait in the outbox)")
        assert api.until("relay", lambda v: v.startswith("stalled (13 events waiting"))
        assert api.checks()["indexer"] == "unknown (broker down)"
        text = api.metrics()
        assert "postings_outbox_backlog 13.0" in text
        assert "postings_consumer_lag_messages{" not in text
        time.sleep(2.5)  # several connect timeouts: the relay and consumer must outlive them
        assert set(indexed(background.engine)) == set(before)
        assert background.supervisor is not None
        assert not background.supervisor.failed.is_set()

        proxy.restore()
        recovery = wait_indexed(background.engine, api.versions)
        assert api.until("relay", lambda v: v == "up")
        assert api.until("broker", lambda v: v == "up")
        assert api.until("indexer", lambda v: v == "up")
        assert_settled(background.engine, background.settings, api)
        assert len(during) == 10
    assert background.handler.changed == api.writes
    report("hung broker during writes", api, background.handler.unchanged, recovery)


def test_hung_and_cut_broker_during_consumption_redelivers_and_loses_nothing(
    fault_settings: Callable[..., Settings],
    background: Background,
    new_posting: Callable[..., dict[str, Any]],
    tcp_proxy: Callable[[int], Any],
) -> None:
    """Only the consumer's connection fails: first it hangs mid-stream, then it is cut mid-stream."""
    proxy = tcp_proxy(AMQP_PORT)
    background.start(relay_url=AMQP_URL, consumer_url=proxied(proxy))
    recoveries = []
    with TestClient(create_app(fault_settings())) as client:
        api = Api(client, background.engine, new_posting)
        first = api.create(5, "Before")
        wait_indexed(background.engine, api.versions)

        proxy.hang()
        second = api.create(10, "While hung")
        api.edit(first, "Edited while hung")
        # The broker drops the silent consumer after its heartbeat timeout, and readiness says so.
        assert api.until("indexer", lambda v: v.startswith("no consumer ("), timeout=15)
        assert api.checks()["broker"] == "up"
        assert api.checks()["relay"] == "up"
        proxy.restore()
        recoveries.append(wait_indexed(background.engine, api.versions))
        assert api.until("indexer", lambda v: v == "up")

        def write_in_background() -> None:
            api.create(20, "Flowing")

        writer = threading.Thread(target=write_in_background)
        writer.start()
        time.sleep(0.2)
        proxy.cut()
        writer.join()
        api.edit(second, "Edited while cut")
        assert api.until("indexer", lambda v: v.startswith("no consumer ("), timeout=10)
        proxy.restore()
        recoveries.append(wait_indexed(background.engine, api.versions))
        assert api.until("indexer", lambda v: v == "up")
        assert_settled(background.engine, background.settings, api)
    assert background.handler.changed == api.writes
    report(
        "consumer's connection hung then cut mid-stream",
        api,
        background.handler.unchanged,
        max(recoveries),
    )
    print(f"  recovery after the hang {recoveries[0]:.2f} s, after the cut {recoveries[1]:.2f} s")


def service_env(settings: Settings, amqp_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")}
    values = {
        "DATABASE_URL": settings.resolved_database_url(),
        "AMQP_URL": amqp_url,
        "AMQP_EXCHANGE": settings.amqp_exchange,
        "AMQP_QUEUE": settings.amqp_queue,
        "LOG_LEVEL": "INFO",
    } | {name.upper(): str(value) for name, value in FAST.items() if name != "log_level"}
    return env | {f"POSTINGS_{name}": value for name, value in values.items()}


def log_messages(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text().splitlines()
    return [orjson.loads(line) for line in lines if line.startswith("{")]


def start_process(command: str, env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """`postings <command>` in its own process, its output in `log_path`."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "postings", command], env=env, stdout=log, stderr=subprocess.STDOUT
        )


def stop_process(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


def test_relay_alone_hung_then_refused_outlives_it_and_readiness_says_stalled(
    fault_settings: Callable[..., Settings],
    background: Background,
    new_posting: Callable[..., dict[str, Any]],
    tcp_proxy: Callable[[int], Any],
    tmp_path: Path,
) -> None:
    """`postings relay` in a process of its own, its broker connection hung then refused, while the
    broker itself (as the API and the consumer see it) stays up: the relay process stays up, /readyz
    says the relay is stalled, and the events it publishes once the broker is back are all indexed."""
    proxy = tcp_proxy(AMQP_PORT)
    settings = fault_settings()
    background.start(relay_url=None, consumer_url=AMQP_URL)
    log_path = tmp_path / "relay.log"
    relay = start_process("relay", service_env(settings, proxied(proxy)), log_path)
    try:
        with TestClient(create_app(settings)) as client:
            api = Api(client, background.engine, new_posting)
            first = api.create(5, "Before")
            wait_indexed(background.engine, api.versions, timeout=20)

            proxy.cut()
            proxy.hang()
            api.create(5, "While hung")
            api.edit(first[:2], "Edited while hung")
            assert api.until("relay", lambda v: v.startswith("stalled (7 events waiting"))
            checks = api.checks()
            assert (checks["broker"], checks["indexer"]) == ("up", "up")
            time.sleep(3)  # past several handshake timeouts
            assert relay.poll() is None, "postings relay exited while the broker hung"

            proxy.cut()
            api.create(5, "While refused")
            time.sleep(1.5)
            assert relay.poll() is None, "postings relay exited while the broker refused"
            assert unpublished(background.engine) == 12
            assert api.checks()["relay"].startswith("stalled (12 events waiting")

            proxy.restore()
            recovery = wait_indexed(background.engine, api.versions)
            assert api.until("relay", lambda v: v == "up")
            assert_settled(background.engine, settings, api)
    finally:
        status = stop_process(relay)
    assert status == 0
    messages = log_messages(log_path)
    errors = [m["error"] for m in messages if m["message"] == "publishing failed, retrying"]
    assert any("AMQPConnectorStackTimeout" in e for e in errors), errors
    assert {m["message"] for m in messages} >= {"outbox relay started", "outbox relay stopped"}
    assert background.handler.changed == api.writes
    report("relay alone hung then refused", api, background.handler.unchanged, recovery)


def test_worker_killed_mid_batch_loses_nothing(
    fault_settings: Callable[..., Settings],
    background: Background,
    new_posting: Callable[..., dict[str, Any]],
    tmp_path: Path,
) -> None:
    """A real `postings worker` killed with SIGKILL while it holds a prefetched batch: the unacked
    messages go back to the queue, the next worker indexes them, and readiness shows the gap."""
    settings = fault_settings()
    env = service_env(settings, AMQP_URL)
    with TestClient(create_app(settings)) as client:
        api = Api(client, background.engine, new_posting)
        ids = api.create(150, "Batch")
        api.edit(ids[::3], "Edited")
        assert unpublished(background.engine) == api.writes

        first_log = tmp_path / "worker-1.log"
        first = start_process("worker", env, first_log)
        try:
            deadline = time.monotonic() + 30
            while not indexed(background.engine) and time.monotonic() < deadline:
                time.sleep(0.005)
            first.send_signal(signal.SIGKILL)
            assert first.wait(timeout=10) == -signal.SIGKILL
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        killed_at = time.monotonic()
        before = indexed(background.engine)
        assert before != api.versions, "the worker was killed after the last posting was indexed"
        assert api.until("indexer", lambda v: v.startswith("no consumer ("), timeout=10)

        second_log = tmp_path / "worker-2.log"
        second = start_process("worker", env, second_log)
        try:
            wait_indexed(background.engine, api.versions, timeout=60)
            recovery = time.monotonic() - killed_at
            assert api.until("indexer", lambda v: v == "up")
            assert api.checks()["relay"] == "up"
            assert_settled(background.engine, settings, api)
        finally:
            assert stop_process(second) == 0
    handled = [m for m in log_messages(second_log) if m["message"] == "event handled"]
    outcomes = [m["outcome"] for m in handled]
    redelivered = sum(1 for m in handled if m["redelivered"])
    # What the first worker had indexed, the second finds again at most as a no-op.
    assert outcomes.count("indexed") <= api.writes - sum(before.values())
    print(
        f"\n  killed with {len(before)} postings indexed; the next worker handled {len(handled)} events, "
        f"{redelivered} redelivered, {outcomes.count('duplicate')} of them changing nothing"
    )
    report("worker killed mid-batch", api, outcomes.count("duplicate"), recovery)


def test_health_and_metrics_answer_within_a_second_with_every_dependency_hung(
    fault_settings: Callable[..., Settings],
    mysql_settings: Callable[..., Settings],
    tcp_proxy: Callable[[int], Any],
    new_posting: Callable[..., dict[str, Any]],
) -> None:
    database, cache, broker = tcp_proxy(3306), tcp_proxy(6379), tcp_proxy(AMQP_PORT)
    direct = mysql_settings().resolved_database_url()
    settings = fault_settings(
        database_url=direct.replace("127.0.0.1:3306", f"127.0.0.1:{database.port}"),
        redis_url=f"redis://127.0.0.1:{cache.port}/0",
        amqp_url=proxied(broker),
    )
    engine = create_db_engine(mysql_settings(), pool_size=1)
    try:
        with TestClient(create_app(settings)) as client:
            api = Api(client, engine, new_posting)
            api.create(1, "Before")
            assert api.checks()["broker"] == "up"
            for proxy in (database, cache, broker):
                proxy.hang()

            hung = {
                "database": "down",
                "cache": "down (serving from the database)",
                "broker": "down (writes wait in the outbox)",
                "relay": "unknown (outbox unreadable: no answer within 0.5 s)",
                "indexer": "unknown (broker down)",
                "search": "sql: down",
            }
            timings: list[float] = []
            readiness: list[tuple[int, dict[str, str]]] = []
            deadline = time.monotonic() + 5
            # Answers are reused for probe_cache_seconds (0.2 s), so the first rounds may still say up.
            while len(timings) < 9 or (readiness[-1][1] != hung and time.monotonic() < deadline):
                for path in ("/healthz", "/readyz", "/metrics"):
                    started = time.perf_counter()
                    response = client.get(path)
                    timings.append(time.perf_counter() - started)
                    if path == "/readyz":
                        readiness.append((response.status_code, response.json()["checks"]))
                    else:
                        assert response.status_code == 200
            print(f"\n  /readyz said every dependency down after {len(readiness)} probes")
            assert readiness[-1] == (503, hung)
            assert all(status == 503 for status, _checks in readiness)
            assert max(timings) < ANSWER_WITHIN, timings
            print(
                "\nFAULT database, Redis and broker hung: "
                f"slowest /healthz, /readyz or /metrics {max(timings):.3f} s"
            )

            for proxy in (database, cache, broker):
                proxy.restore()
            api.until_ready()
            assert api.until("database", lambda v: v == "up")
            assert api.until("broker", lambda v: v == "up")
    finally:
        engine.dispose()


def test_a_hung_database_fails_queries_and_new_connections_after_the_io_timeout(
    mysql_settings: Callable[..., Settings], tcp_proxy: Callable[[int], Any]
) -> None:
    """PyMySQL waits for ever by default, even for the server's greeting: without the I/O timeout a
    database that accepts TCP and says nothing holds the thread and its pooled connection for good."""
    database = tcp_proxy(3306)
    direct = mysql_settings().resolved_database_url()
    settings = mysql_settings(
        database_url=direct.replace("127.0.0.1:3306", f"127.0.0.1:{database.port}"),
        db_io_timeout_seconds=1.0,
    )
    engine = create_db_engine(settings, pool_size=1)

    def select_one() -> float:
        started = time.monotonic()
        with engine.connect() as conn:
            conn.execute(select(1))
        return time.monotonic() - started

    try:
        select_one()
        database.hang()
        for attempt in ("open connection", "new connection"):
            started = time.monotonic()
            with pytest.raises(OperationalError, match=r"timed out|Lost connection"):
                select_one()
            waited = time.monotonic() - started
            # The pre-ping, then (for the open connection) a reconnect: each gives up after 1 s.
            assert waited < 5, f"{attempt}: {waited:.1f} s"
            print(f"\nFAULT database hung, {attempt}: gave up after {waited:.1f} s (I/O timeout 1 s)")
        database.restore()
        assert select_one() < 1
    finally:
        engine.dispose()


def test_worker_command_started_against_a_hung_broker_waits_it_out(
    fault_settings: Callable[..., Settings],
    background: Background,
    tcp_proxy: Callable[[int], Any],
    new_posting: Callable[..., dict[str, Any]],
    tmp_path: Path,
) -> None:
    """`postings worker` (relay and consumer) whose broker accepts TCP and never answers: it used to exit
    on the connector's timeout. It keeps retrying, /readyz says why nothing is indexed, and once the
    broker answers everything written meanwhile is indexed."""
    proxy = tcp_proxy(AMQP_PORT)
    proxy.hang()
    settings = fault_settings()
    log_path = tmp_path / "worker.log"
    worker = start_process("worker", service_env(settings, proxied(proxy)), log_path)
    try:
        with TestClient(create_app(settings)) as client:
            api = Api(client, background.engine, new_posting)
            ids = api.create(5, "While hung")
            api.edit(ids[:2], "Edited while hung")
            assert api.until("relay", lambda v: v.startswith("stalled (7 events waiting"))
            assert api.until("indexer", lambda v: v == "no consumer (0 messages waiting)")
            time.sleep(2.5)  # past several handshake timeouts of both loops
            assert worker.poll() is None, "postings worker exited while the broker hung"
            assert indexed(background.engine) == {}

            proxy.restore()
            recovery = wait_indexed(background.engine, api.versions)
            assert api.until("relay", lambda v: v == "up")
            assert api.until("indexer", lambda v: v == "up")
            assert_settled(background.engine, settings, api)
    finally:
        status = stop_process(worker)
    assert status == 0
    messages = log_messages(log_path)
    timeouts = {
        m["logger"]
        for m in messages
        if "AMQPConnectorStackTimeout" in m.get("error", "")
        and m["message"] in ("publishing failed, retrying", "broker connection lost, reconnecting")
    }
    assert timeouts == {"postings.relay", "postings.worker"}
    handled = [m["outcome"] for m in messages if m["message"] == "event handled"]
    assert handled.count("indexed") == api.writes
    report("postings worker started against a hung broker", api, handled.count("duplicate"), recovery)


def test_broker_hung_mid_publish_is_given_up_on_after_the_heartbeat_timeout(
    fault_settings: Callable[..., Settings],
    background: Background,
    tcp_proxy: Callable[[int], Any],
    new_posting: Callable[..., dict[str, Any]],
) -> None:
    """The relay's open connection goes silent (no reset, no close) while it waits for a confirm: pika's
    heartbeat check gives it up after heartbeat + 5 to 2 x (heartbeat + 5) s, then the relay retries, so
    a silent broker holds the outbox for seconds, never for good."""
    proxy = tcp_proxy(AMQP_PORT)
    background.start(relay_url=proxied(proxy), consumer_url=AMQP_URL)
    with TestClient(create_app(fault_settings())) as client:
        api = Api(client, background.engine, new_posting)
        api.create(3, "Before")
        wait_indexed(background.engine, api.versions)
        assert background.supervisor is not None
        relay = background.supervisor.statuses["outbox-relay"]
        assert relay.state == "running"

        proxy.hang()
        hung_at = time.monotonic()
        api.create(3, "While hung")
        assert api.until("relay", lambda v: v.startswith("stalled (3 events waiting"))

        def relay_state() -> str:
            return relay.state

        deadline = hung_at + 15
        while relay_state() != "retrying" and time.monotonic() < deadline:
            time.sleep(0.05)
        given_up = time.monotonic() - hung_at
        assert relay_state() == "retrying", "the relay still waits on the silent connection"
        # pika checks every heartbeat + 5 s and gives up at the first check that saw no byte.
        assert 5 < given_up < 14, given_up
        assert relay.error is not None
        assert "StreamLostError" in relay.error or "AMQPHeartbeatTimeout" in relay.error, relay.error

        proxy.restore()
        recovery = wait_indexed(background.engine, api.versions)
        assert api.until("relay", lambda v: v == "up")
        assert_settled(background.engine, background.settings, api)
    assert background.handler.changed == api.writes
    report("relay's connection silent mid-publish", api, background.handler.unchanged, recovery)
    print(f"  the relay gave the silent connection up after {given_up:.1f} s")


def test_the_in_process_relay_says_what_it_retries_and_resumes(
    sqlite_settings: Callable[..., Settings], new_posting: Callable[..., dict[str, Any]]
) -> None:
    """Embedded mode: the API runs the relay itself. With its outbox unreadable (the table renamed away
    under it) the relay retries and /readyz says so and why, while the database as such is up."""
    settings = sqlite_settings(**{k: v for k, v in FAST.items() if k != "log_level"})
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.resources.engine  # type: ignore[attr-defined]
        api = Api(client, engine, new_posting)
        api.create(2, "Before")
        assert api.until("relay", lambda v: v == "up")
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE outbox RENAME TO outbox_away")
        try:
            relay = api.until("relay", lambda v: v.startswith("retrying for "))
            assert "database: " in relay
            assert "no such table: outbox" in relay
            ready = client.get("/readyz")
            assert (ready.status_code, ready.json()["checks"]["database"]) == (200, "up")
        finally:
            with engine.begin() as conn:
                conn.exec_driver_sql("ALTER TABLE outbox_away RENAME TO outbox")
        restored = time.monotonic()
        assert api.until("relay", lambda v: v == "up")
        api.create(1, "After")
        wait_indexed(engine, api.versions)
        recovery = time.monotonic() - restored
    report("in-process relay's outbox unreadable", api, 0, recovery)
