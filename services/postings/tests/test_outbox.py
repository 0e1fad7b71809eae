"""Outbox -> RabbitMQ -> worker -> index on the real broker, with its faults: the broker unreachable,
the worker killed mid-message, a poison message. Each asserts that nothing is lost or duplicated."""

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
import pika
import pytest
from fastapi.testclient import TestClient
from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import Basic, BasicProperties
from postings.app import create_app
from postings.broker import AmqpPublisher, Topology, queue_depths
from postings.db import create_db_engine, outbox, search_documents
from postings.relay import OutboxRelay
from postings.resources import create_topology
from postings.search.sql import SqlSearchIndex
from postings.settings import Settings
from postings.tokens import create_token
from postings.worker import AmqpWorker, IndexingHandler
from sqlalchemy import Engine, select

AMQP_PORT = 5672
AMQP_URL = f"amqp://guest:guest@127.0.0.1:{AMQP_PORT}/%2F"


class RecordingHandler(IndexingHandler):
    """The real handler, noting each event id it indexed (changed the index) or saw again."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(SqlSearchIndex(engine))
        self.seen: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, body: bytes) -> bool:
        changed = super().__call__(body)
        with self.lock:
            self.seen.append(orjson.loads(body)["event_id"])
        return changed


class RecordingWorker(AmqpWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deliveries: list[tuple[str | None, bool]] = []

    def on_message(
        self, channel: BlockingChannel, method: Basic.Deliver, properties: BasicProperties, body: bytes
    ) -> None:
        self.deliveries.append((properties.message_id, bool(method.redelivered)))
        super().on_message(channel, method, properties, body)


@dataclass
class Pipeline:
    settings: Settings
    engine: Engine
    topology: Topology
    handler: RecordingHandler
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    worker: RecordingWorker | None = None

    def start_relay(self, amqp_url: str) -> None:
        relay = OutboxRelay(
            self.engine, AmqpPublisher(amqp_url, self.topology), batch_size=50, poll_seconds=0.05
        )
        self._spawn(relay.run)

    def start_worker(self, amqp_url: str = AMQP_URL, max_attempts: int = 5) -> RecordingWorker:
        worker = RecordingWorker(
            amqp_url, self.topology, self.handler, max_attempts=max_attempts, retry_base_ms=50, prefetch=10
        )
        self.worker = worker
        self._spawn(worker.run)
        return worker

    def _spawn(self, target: Callable[[threading.Event], None]) -> None:
        thread = threading.Thread(target=target, args=(self.stop,), daemon=True)
        thread.start()
        self.threads.append(thread)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)
        self.engine.dispose()
        # The amqp_names fixture deletes the main and dead-letter queues; the retry tiers are ours.
        connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
        channel = connection.channel()
        for name in self.topology.retry_queues.values():
            channel.queue_delete(name)
        connection.close()


@pytest.fixture
def broker_settings(
    mysql_settings: Callable[..., Settings], amqp_names: dict[str, str]
) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        return mysql_settings(**({"amqp_url": AMQP_URL} | amqp_names | overrides))

    return make


@pytest.fixture
def pipeline(broker_settings: Callable[..., Settings]) -> Iterator[Pipeline]:
    settings = broker_settings()
    engine = create_db_engine(settings, pool_size=4)
    built = Pipeline(settings, engine, create_topology(settings), RecordingHandler(engine))
    yield built
    built.close()


def outbox_rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(outbox).order_by(outbox.c.id)).all())


def indexed(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(search_documents.c.posting_id, search_documents.c.version)).all()
    return {int(r.posting_id): int(r.version) for r in rows}


def writer_headers(engine: Engine) -> dict[str, str]:
    _id, token = create_token(engine, name="outbox-test", scopes={"write"})
    return {"Authorization": f"Bearer {token}"}


def test_every_write_is_published_confirmed_and_indexed_once(
    pipeline: Pipeline, new_posting: Callable[..., dict[str, Any]], wait: Callable[..., bool]
) -> None:
    with TestClient(create_app(pipeline.settings)) as client:
        headers = writer_headers(pipeline.engine)
        ids = [
            client.post("/v1/postings", json=new_posting(title=f"Role {n}"), headers=headers).json()["id"]
            for n in range(8)
        ]
        for posting_id in ids[:3]:
            response = client.patch(
                f"/v1/postings/{posting_id}", json={"title": "Edited"}, headers=headers | {"If-Match": '"1"'}
            )
            assert response.status_code == 200
        assert client.delete(f"/v1/postings/{ids[7]}", headers=headers).status_code == 200
        pipeline.start_relay(AMQP_URL)
        pipeline.start_worker()

        expected = {i: 2 if i in ids[:3] or i == ids[7] else 1 for i in ids}
        assert wait(lambda: indexed(pipeline.engine) == expected, timeout=20), indexed(pipeline.engine)

        rows = outbox_rows(pipeline.engine)
        assert len(rows) == 12
        assert all(r.published_at is not None for r in rows)
        assert sorted(pipeline.handler.seen) == sorted(r.event_id for r in rows)
        assert [r.event_type for r in rows].count("posting.archived") == 1
        depths = queue_depths(AMQP_URL, pipeline.topology)
        assert depths == dict.fromkeys(pipeline.topology.queues, 0)
        search = client.get("/v1/search", params={"q": "edited"}).json()
        assert sorted(h["id"] for h in search["items"]) == sorted(ids[:3])


def test_broker_unreachable_writes_succeed_and_every_event_arrives_after(
    pipeline: Pipeline,
    broker_settings: Callable[..., Settings],
    tcp_proxy: Callable[[int], Any],
    new_posting: Callable[..., dict[str, Any]],
    wait: Callable[..., bool],
) -> None:
    proxy = tcp_proxy(AMQP_PORT)
    proxied_url = f"amqp://guest:guest@127.0.0.1:{proxy.port}/%2F"
    pipeline.start_worker()
    pipeline.start_relay(proxied_url)
    settings = broker_settings(amqp_url=proxied_url)
    with TestClient(create_app(settings)) as client:
        headers = writer_headers(pipeline.engine)
        warmup = client.post(
            "/v1/postings", json=new_posting(title="Before the outage"), headers=headers
        ).json()
        assert wait(lambda: indexed(pipeline.engine) == {warmup["id"]: 1}, timeout=15)

        proxy.cut()
        created = [
            client.post("/v1/postings", json=new_posting(title=f"During outage {n}"), headers=headers)
            for n in range(6)
        ]
        assert [r.status_code for r in created] == [201] * 6
        ids = [r.json()["id"] for r in created]
        # The relay tried, failed, recorded it on the first waiting event and is backing off.
        assert wait(
            lambda: any(r.attempts > 0 for r in outbox_rows(pipeline.engine) if r.published_at is None),
            timeout=10,
        )
        pending = [r for r in outbox_rows(pipeline.engine) if r.published_at is None]
        assert sorted(r.aggregate_id for r in pending) == sorted(ids)
        assert set(indexed(pipeline.engine)) == {warmup["id"]}
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"]["broker"] == "down (writes wait in the outbox)"
        backlog = client.get("/metrics").text
        assert "postings_outbox_backlog 6.0" in backlog

        proxy.restore()
        expected = {warmup["id"]: 1} | dict.fromkeys(ids, 1)
        assert wait(lambda: indexed(pipeline.engine) == expected, timeout=40), indexed(pipeline.engine)

    rows = outbox_rows(pipeline.engine)
    assert all(r.published_at is not None for r in rows)
    assert sorted(pipeline.handler.seen) == sorted(r.event_id for r in rows)
    assert len(pipeline.handler.seen) == len(set(pipeline.handler.seen)) == 7


def test_worker_killed_mid_message_gets_it_redelivered_and_indexes_once(
    pipeline: Pipeline, new_posting: Callable[..., dict[str, Any]], wait: Callable[..., bool], tmp_path: Path
) -> None:
    with TestClient(create_app(pipeline.settings)) as client:
        headers = writer_headers(pipeline.engine)
        posting = client.post("/v1/postings", json=new_posting(), headers=headers).json()
    pipeline.start_relay(AMQP_URL)
    assert wait(lambda: all(r.published_at is not None for r in outbox_rows(pipeline.engine)), timeout=10)

    marker = tmp_path / "in-hand"
    settings = pipeline.settings
    env = os.environ | {
        "POSTINGS_DATABASE_URL": settings.resolved_database_url(),
        "POSTINGS_AMQP_URL": AMQP_URL,
        "POSTINGS_AMQP_EXCHANGE": settings.amqp_exchange,
        "POSTINGS_AMQP_QUEUE": settings.amqp_queue,
        "POSTINGS_LOG_LEVEL": "WARNING",
    }
    script = Path(__file__).with_name("hanging_worker.py")
    process = subprocess.Popen([sys.executable, str(script), str(marker)], env=env)
    try:
        assert wait(marker.exists, timeout=20), "the hanging worker never received the message"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert indexed(pipeline.engine) == {}

    worker = pipeline.start_worker()

    assert wait(lambda: indexed(pipeline.engine) == {posting["id"]: 1}, timeout=20)
    event_id = orjson.loads(marker.read_bytes())["event_id"]
    assert worker.deliveries == [(event_id, True)]
    assert pipeline.handler.seen == [event_id]
    assert queue_depths(AMQP_URL, pipeline.topology)[pipeline.topology.queue] == 0


def test_poison_message_is_dead_lettered_after_n_tries_and_the_rest_flow(
    pipeline: Pipeline, new_posting: Callable[..., dict[str, Any]], wait: Callable[..., bool]
) -> None:
    with TestClient(create_app(pipeline.settings)) as client:
        headers = writer_headers(pipeline.engine)
        first = client.post("/v1/postings", json=new_posting(title="Before poison"), headers=headers).json()
        pipeline.start_relay(AMQP_URL)
        assert wait(lambda: all(r.published_at is not None for r in outbox_rows(pipeline.engine)), timeout=10)
        publisher = AmqpPublisher(AMQP_URL, pipeline.topology)
        publisher.publish("posting.created", b"{this is not an event", "poison-1")
        publisher.publish(
            "posting.updated", orjson.dumps({"event_id": "x", "posting": {"id": "nope"}}), "poison-2"
        )
        publisher.close()
        second = client.post("/v1/postings", json=new_posting(title="After poison"), headers=headers).json()

        worker = pipeline.start_worker(max_attempts=3)

        assert wait(lambda: indexed(pipeline.engine) == {first["id"]: 1, second["id"]: 1}, timeout=20)
        assert wait(
            lambda: queue_depths(AMQP_URL, pipeline.topology)[pipeline.topology.dead_queue] == 2, timeout=20
        )

    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    dead = []
    for _ in range(2):
        method, properties, body = channel.basic_get(pipeline.topology.dead_queue, auto_ack=True)
        assert method is not None
        dead.append((properties.message_id, properties.headers["x-attempt"], body))
    connection.close()
    assert sorted(dead) == [
        ("poison-1", 3, b"{this is not an event"),
        ("poison-2", 3, orjson.dumps({"event_id": "x", "posting": {"id": "nope"}})),
    ]
    attempts = [
        message_id
        for message_id, _redelivered in worker.deliveries
        if message_id and message_id.startswith("poison")
    ]
    assert sorted(attempts) == ["poison-1"] * 3 + ["poison-2"] * 3
    depths = queue_depths(AMQP_URL, pipeline.topology)
    assert [name for name, depth in depths.items() if depth and name != pipeline.topology.dead_queue] == []


def test_the_worker_command_relays_and_indexes_then_stops_on_sigterm(
    broker_settings: Callable[..., Settings],
    new_posting: Callable[..., dict[str, Any]],
    wait: Callable[..., bool],
    tmp_path: Path,
) -> None:
    settings = broker_settings()
    engine = create_db_engine(settings, pool_size=2)
    env = os.environ | {
        "POSTINGS_DATABASE_URL": settings.resolved_database_url(),
        "POSTINGS_AMQP_URL": AMQP_URL,
        "POSTINGS_AMQP_EXCHANGE": settings.amqp_exchange,
        "POSTINGS_AMQP_QUEUE": settings.amqp_queue,
        "POSTINGS_RELAY_POLL_SECONDS": "0.1",
        "POSTINGS_METRICS_PORT": "0",
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "postings", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        with TestClient(create_app(settings)) as client:
            headers = writer_headers(engine)
            posting = client.post(
                "/v1/postings", json=new_posting(title="Via the worker"), headers=headers
            ).json()
            assert wait(lambda: indexed(engine) == {posting["id"]: 1}, timeout=30)
            assert all(r.published_at is not None for r in outbox_rows(engine))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        engine.dispose()
    lines = (tmp_path / "worker.log").read_text().splitlines()
    messages = [orjson.loads(line)["message"] for line in lines if line.startswith("{")]
    assert "event handled" in messages
    assert {"worker stopped", "outbox relay stopped"} <= set(messages)


class FailingOnceHandler(IndexingHandler):
    """Fails each message's first delivery, and notes when each delivery arrived."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    def __call__(self, body: bytes) -> bool:
        with self.lock:
            self.deliveries.append((body.decode(), time.monotonic()))
            first = [name for name, _ in self.deliveries].count(body.decode()) == 1
        if first:
            raise RuntimeError("first try fails")
        return True


def test_a_short_retry_is_not_held_behind_a_longer_one_queued_before_it(
    broker_settings: Callable[..., Settings], wait: Callable[..., bool]
) -> None:
    """A message on its 3rd try (4 x base back-off) fails, then one on its 1st (1 x base): the second
    comes back after its own delay, first, instead of waiting behind the other at the head of one retry
    queue (RabbitMQ expires per-message TTLs only at the head)."""
    base_ms = 300
    settings = broker_settings(worker_retry_base_ms=base_ms)
    topology = create_topology(settings)
    assert list(topology.retry_queues)[:4] == [300, 600, 1200, 2400]
    handler = FailingOnceHandler()
    worker = AmqpWorker(AMQP_URL, topology, handler, max_attempts=5, retry_base_ms=base_ms, prefetch=1)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    try:
        topology.declare(channel)
        channel.confirm_delivery()
        thread.start()
        for name, attempt in (("long", 3), ("short", 1)):
            channel.basic_publish(
                settings.amqp_exchange,
                "posting.updated",
                name.encode(),
                pika.BasicProperties(message_id=name, headers={"x-attempt": attempt}),
            )
        assert wait(lambda: len(handler.deliveries) == 4, timeout=10), handler.deliveries
    finally:
        stop.set()
        thread.join(timeout=10)
        for name in topology.retry_queues.values():
            channel.queue_delete(name)
        connection.close()
    arrived = {name: [t for n, t in handler.deliveries if n == name] for name in ("long", "short")}
    order = [name for name, _ in handler.deliveries]
    assert order[:2] == ["long", "short"], order
    assert order[2:] == ["short", "long"], order
    short_wait = arrived["short"][1] - arrived["short"][0]
    long_wait = arrived["long"][1] - arrived["long"][0]
    print(f"RETRY TIERS short retry back after {short_wait:.3f} s, long after {long_wait:.3f} s")
    assert 0.3 <= short_wait < 0.9, short_wait  # its own 300 ms, not the 1200 ms ahead of it
    assert 1.2 <= long_wait < 2.0, long_wait
