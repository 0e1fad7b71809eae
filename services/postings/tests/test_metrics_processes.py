"""Metrics by process and task: `postings worker` and `postings relay` as real processes on the real
MariaDB and RabbitMQ each serve their own metrics port, their counters move in the process that does the
work (also while the broker is cut off), and every series of every process carries the task that a
stand-in for the ECS task metadata endpoint names (the hostname without one)."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pika
import pytest
from fastapi.testclient import TestClient
from postings import metrics
from postings.app import create_app
from postings.broker import Topology
from postings.resources import create_topology
from postings.settings import Settings
from postings.tokens import create_token
from prometheus_client.parser import text_string_to_metric_families

AMQP_PORT = 5672
AMQP_URL = f"amqp://guest:guest@127.0.0.1:{AMQP_PORT}/%2F"
RELAY_ARN = "arn:aws:ecs:eu-west-1:123456789012:task/postings-test/relaytask0001"
WORKER_ARN = "arn:aws:ecs:eu-west-1:123456789012:task/postings-test/workertask0002"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


class FakeTaskMetadata:
    """Stands in for the ECS task metadata endpoint v4: GET <prefix>/task answers {"TaskARN": ...} for
    the prefixes it knows, so each process gets a URI of its own (ECS gives each container one)."""

    def __init__(self, arns: dict[str, str]) -> None:
        self.requests: list[str] = []
        known, requests = arns, self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                prefix = self.path.removesuffix("/task")
                if prefix not in known or not self.path.endswith("/task"):
                    self.send_error(404)
                    return
                body = json.dumps({"Cluster": "postings-test", "TaskARN": known[prefix]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def uri(self, prefix: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{prefix}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def task_metadata() -> Iterator[FakeTaskMetadata]:
    metadata = FakeTaskMetadata({"/relay": RELAY_ARN, "/worker": WORKER_ARN})
    yield metadata
    metadata.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, interval: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def delete_topology(topology: Topology) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    for name in topology.queues:
        channel.queue_delete(name)
    for exchange in (topology.exchange, topology.dead_letter_exchange):
        channel.exchange_delete(exchange)
    connection.close()


def scrape(port: int) -> Samples:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The one sample of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    matches = [v for (n, ls), v in samples.items() if n == name and wanted <= ls]
    assert len(matches) == 1, f"{name}{labels}: {len(matches)} samples"
    return matches[0]


def process_env(settings: Settings, amqp_url: str, metadata_uri: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")}
    values = {
        "DATABASE_URL": settings.resolved_database_url(),
        "AMQP_URL": amqp_url,
        "AMQP_EXCHANGE": settings.amqp_exchange,
        "AMQP_QUEUE": settings.amqp_queue,
        "WORKER_MAX_ATTEMPTS": "2",
        "WORKER_RETRY_BASE_MS": str(settings.worker_retry_base_ms),
        "RELAY_POLL_SECONDS": "0.05",
        "RECONNECT_BASE_SECONDS": "0.1",
        "RECONNECT_MAX_SECONDS": "0.5",
        "AMQP_CONNECT_TIMEOUT_SECONDS": "1",
        "AMQP_HEARTBEAT_SECONDS": "1",
        "METRICS_HOST": "127.0.0.1",
    }
    return (
        env
        | {f"POSTINGS_{k}": v for k, v in values.items()}
        | {"ECS_CONTAINER_METADATA_URI_V4": metadata_uri}
    )


def start(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "postings", *args], env=env, stdout=log, stderr=subprocess.STDOUT
        )


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


def scraped_when(port: int, condition: Callable[[Samples], bool], timeout: float = 15.0) -> Samples:
    """The first scrape of `port` that satisfies `condition` (the last one, failing, after `timeout`)."""
    last: list[Samples] = []

    def check() -> bool:
        try:
            last[:] = [scrape(port)]
        except OSError:
            return False
        try:
            return condition(last[0])
        except AssertionError:
            return False

    if not wait_until(check, timeout=timeout, interval=0.1):
        shown = sorted(
            f"{n}{dict(ls)} {v:g}" for (n, ls), v in (last[0] if last else {}).items() if "postings" in n
        )
        raise AssertionError(f"port {port}: condition not met within {timeout} s; postings samples: {shown}")
    return last[0]


def test_worker_and_relay_processes_count_their_own_work_labelled_with_their_task(
    mysql_settings: Callable[..., Settings],
    amqp_names: dict[str, str],
    task_metadata: FakeTaskMetadata,
    new_posting: Callable[..., dict[str, Any]],
    tcp_proxy: Callable[[int], Any],
    tmp_path: Path,
) -> None:
    settings = mysql_settings(**amqp_names, amqp_url=AMQP_URL)
    topology = create_topology(settings)
    proxy = tcp_proxy(AMQP_PORT)
    proxied = f"amqp://guest:guest@127.0.0.1:{proxy.port}/%2F"
    relay_port, worker_port = free_port(), free_port()
    relay = start(
        ["relay", "--metrics-port", str(relay_port)],
        process_env(settings, proxied, task_metadata.uri("/relay")),
        tmp_path / "relay.log",
    )
    worker = start(
        ["worker", "--no-relay", "--metrics-port", str(worker_port)],
        process_env(settings, proxied, task_metadata.uri("/worker")),
        tmp_path / "worker.log",
    )
    try:
        with TestClient(create_app(settings)) as client:
            _, token = create_token(client.app.state.resources.engine, name="t", scopes={"write"})  # type: ignore[attr-defined]
            writer = {"Authorization": f"Bearer {token}"}
            for i in range(3):
                assert (
                    client.post(
                        "/v1/postings", json=new_posting(title=f"Metrics {i}"), headers=writer
                    ).status_code
                    == 201
                )
            # A poison message: fails, is retried once (max attempts 2), then dead-lettered.
            connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
            channel = connection.channel()
            topology.declare(channel)
            channel.confirm_delivery()
            channel.basic_publish(
                settings.amqp_exchange,
                "posting.created",
                b"not json",
                pika.BasicProperties(message_id="poison"),
            )
            connection.close()

            relayed = scraped_when(
                relay_port,
                lambda s: (
                    value(s, "postings_outbox_published_total", event_type="posting.created") == 3
                    and value(s, "postings_outbox_backlog") == 0
                    # The counter moves before the loop records its success: wait for both.
                    and value(s, "postings_background_loop_state", loop="outbox-relay", state="running") == 1
                ),
            )
            worked = scraped_when(
                worker_port,
                lambda s: (
                    value(s, "postings_worker_messages_total", outcome="indexed") == 3
                    and value(s, "postings_worker_messages_total", outcome="dead_lettered") == 1
                ),
            )
            # Every series of each process carries its task, read from the metadata endpoint.
            assert {dict(labels)["task"] for _, labels in relayed} == {"relaytask0001"}
            assert {dict(labels)["task"] for _, labels in worked} == {"workertask0002"}
            assert value(relayed, "postings_task_info", task_arn=RELAY_ARN, source="ecs") == 1
            assert value(relayed, "postings_outbox_publish_failures_total") == 0
            assert value(relayed, "postings_background_loop_state", loop="outbox-relay", state="running") == 1
            assert value(worked, "postings_worker_consumed_total") == 5  # 3 postings, the poison twice
            assert value(worked, "postings_worker_messages_total", outcome="retried") == 1
            assert value(worked, "postings_worker_failures_total", reason="poison") == 2
            assert value(worked, "postings_consumer_connected") == 1
            assert value(worked, "postings_background_loop_state", loop="consumer", state="running") == 1
            # The worker runs no relay here: it reports no outbox of its own.
            assert not [name for name, _ in worked if name.startswith("postings_outbox_backlog")]

            # The broker cut off from both: the relay counts failed publishes and the waiting event, the
            # worker says its consumer is disconnected.
            proxy.cut()
            assert (
                client.post("/v1/postings", json=new_posting(title="Outage"), headers=writer).status_code
                == 201
            )
            outage = scraped_when(
                relay_port,
                lambda s: (
                    value(s, "postings_outbox_publish_failures_total") >= 2
                    and value(s, "postings_outbox_backlog") == 1
                    and value(s, "postings_outbox_oldest_age_seconds") > 0
                    and value(s, "postings_background_loop_state", loop="outbox-relay", state="retrying") == 1
                ),
            )
            disconnected = scraped_when(
                worker_port,
                lambda s: (
                    value(s, "postings_consumer_connected") == 0
                    and value(s, "postings_consumer_connection_losses_total") >= 1
                ),
            )
            proxy.restore()
            recovered = scraped_when(
                relay_port,
                lambda s: (
                    value(s, "postings_outbox_published_total", event_type="posting.created") == 4
                    and value(s, "postings_outbox_backlog") == 0
                ),
            )
            scraped_when(
                worker_port,
                lambda s: (
                    value(s, "postings_consumer_connected") == 1
                    and value(s, "postings_worker_messages_total", outcome="indexed") == 4
                ),
            )
            print(
                "METRICS OUTAGE publish failures "
                f"{value(outage, 'postings_outbox_publish_failures_total'):g} while cut, oldest event "
                f"{value(outage, 'postings_outbox_oldest_age_seconds'):.2f} s; consumer losses "
                f"{value(disconnected, 'postings_consumer_connection_losses_total'):g}; failures after "
                f"recovery {value(recovered, 'postings_outbox_publish_failures_total'):g}"
            )
        assert task_metadata.requests.count("/relay/task") == 1
        assert task_metadata.requests.count("/worker/task") == 1
    finally:
        assert stop(worker) == 0, (tmp_path / "worker.log").read_text()[-3000:]
        assert stop(relay) == 0, (tmp_path / "relay.log").read_text()[-3000:]
        delete_topology(topology)


def test_task_identity_is_the_task_id_from_the_metadata_endpoint(task_metadata: FakeTaskMetadata) -> None:
    identity = metrics.task_identity({metrics.ECS_METADATA_ENV: task_metadata.uri("/relay")})
    assert identity == metrics.TaskIdentity(task="relaytask0001", source="ecs", arn=RELAY_ARN)
    assert task_metadata.requests == ["/relay/task"]


def test_task_identity_falls_back_to_the_hostname(task_metadata: FakeTaskMetadata) -> None:
    hostname = metrics.TaskIdentity(task=socket.gethostname(), source="hostname")
    assert metrics.task_identity({}) == hostname
    # An endpoint that answers 404, one that refuses, one that answers no TaskARN: each is the hostname.
    assert metrics.task_identity({metrics.ECS_METADATA_ENV: task_metadata.uri("/unknown")}) == hostname
    refused = f"http://127.0.0.1:{free_port()}/v4/x"
    assert metrics.task_identity({metrics.ECS_METADATA_ENV: refused}, timeout=1) == hostname
    task_metadata_without_arn = FakeTaskMetadata({"/empty": ""})
    try:
        assert (
            metrics.task_identity({metrics.ECS_METADATA_ENV: task_metadata_without_arn.uri("/empty")})
            == hostname
        )
    finally:
        task_metadata_without_arn.close()
    assert task_metadata.requests == ["/unknown/task"]


def test_every_series_of_postings_serve_carries_the_task(
    task_metadata: FakeTaskMetadata, tmp_path: Path
) -> None:
    """The API as `postings serve` runs it (embedded mode): its /metrics, every series labelled."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")}
    env[metrics.ECS_METADATA_ENV] = task_metadata.uri("/worker")
    server = start(["serve", "--host", "127.0.0.1", "--port", str(port)], env, tmp_path / "serve.log")
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                return True
        except OSError:
            return False

    try:
        assert wait_until(answers, timeout=30, interval=0.1), (tmp_path / "serve.log").read_text()[-3000:]
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
            text = response.read().decode()
    finally:
        # uvicorn shuts down on SIGTERM and then re-raises the signal, so the status is -SIGTERM.
        assert stop(server) == -signal.SIGTERM, (tmp_path / "serve.log").read_text()[-3000:]
    samples = [s for family in text_string_to_metric_families(text) for s in family.samples]
    assert len(samples) > 50
    assert [s.name for s in samples if s.labels.get("task") != "workertask0002"] == []
    requests = [s for s in samples if s.name == "postings_http_requests_total"]
    assert [(s.labels["route"], s.value) for s in requests] == [("/healthz", 1.0)]
    assert {"postings_outbox_backlog", "postings_task_info"} <= {s.name for s in samples}
    # No consumer here: nothing that would read as a disconnected one.
    assert "postings_consumer_connected" not in {s.name for s in samples}
    assert task_metadata.requests == ["/worker/task"]
