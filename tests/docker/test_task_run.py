"""The service image run as the rehearsed stack's task definitions run it, against this machine's MariaDB,
Redis and RabbitMQ; then the checks image as the schedule runs it, against the running service; then
SIGTERM, as ECS stops a task. The tests run in this order and share the running service."""

from __future__ import annotations

import json
import re
import secrets
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import pika
import pymysql
import pytest
import redis
from docker.models.containers import Container
from postings.broker import Topology

from infra import workload
from infra.ops.migrate import COMMAND as MIGRATE_COMMAND
from infra.rehearsal.rehearse import Rehearsal
from monitoring.checks.contract import NAMESPACE, SERVICE_URL
from tests.docker.aws_bridge import AwsBridge
from tests.docker.conftest import REPORT, STACK, Built
from tests.docker.ecs import TaskContainer, run_to_completion, stop
from tests.docker.tls import TlsProxy, certificate_authority

pytestmark = pytest.mark.docker

BASE_URL = f"http://127.0.0.1:{workload.APP_PORT}"
START_SECONDS = 60
# The task's values for this machine. Names come from the task definitions, values from here: TLS is off
# because the local servers speak plain TCP, and the search backend is the SQL adapter on MariaDB because
# no OpenSearch runs here (the OpenSearch settings stay as the task has them, unread).
KEPT = {
    "POSTINGS_ENVIRONMENT",
    "POSTINGS_LOG_LEVEL",
    "POSTINGS_OPENSEARCH_URL",
    "POSTINGS_OPENSEARCH_AWS_REGION",
}
LOCAL = {
    "POSTINGS_DB_HOST": "127.0.0.1",
    "POSTINGS_DB_PORT": "3306",
    "POSTINGS_DB_TLS": "false",
    "POSTINGS_REDIS_HOST": "127.0.0.1",
    "POSTINGS_REDIS_PORT": "6379",
    "POSTINGS_REDIS_TLS": "false",
    "POSTINGS_AMQP_HOST": "127.0.0.1",
    "POSTINGS_AMQP_PORT": "5672",
    "POSTINGS_AMQP_TLS": "false",
    "POSTINGS_SEARCH_BACKEND": "sql",
}
# The local Redis has no AUTH (it refuses a password), and setting one on the shared server is not ours
# to do: the one secret of the task the containers do not get.
NOT_GIVEN = {"POSTINGS_REDIS_AUTH_TOKEN"}
LINE = re.compile(r"^[A-Z_]+ (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+( \| [^\n]+)?$")


@dataclass
class Service:
    """The running service: its token, the containers started (all removed at the end) and settings."""

    engine: docker.DockerClient
    image: str
    api: TaskContainer
    worker: TaskContainer
    environment: dict[str, str]
    run: str
    token: str = ""
    containers: list[Container] = field(default_factory=list)

    def start(self, task: TaskContainer, role: str, **options: Any) -> Container:
        container = task.run(
            self.engine,
            self.image,
            environment=self.environment,
            name=f"postings-docker-{self.run}-{role}-{len(self.containers)}",
            **options,
        )
        self.containers.append(container)
        return container

    def once(self, command: list[str]) -> str:
        """A one-off task on the api's definition with another command (RunTask's containerOverrides)."""
        container = self.start(self.api, command[0], command=command)
        code, output = run_to_completion(container)
        assert code == 0, f"postings {' '.join(command)} exited {code}:\n{output}"
        return output

    def start_api(self) -> Container:
        """The api, with the image's own HEALTHCHECK (ECS would run the task definition's instead)."""
        container = self.start(self.api, "api")
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            container.reload()
            if container.status == "exited":
                pytest.fail(f"the api exited:\n{container.logs().decode()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{BASE_URL}/healthz", timeout=1):
                    return container
            except OSError:
                time.sleep(0.2)
        pytest.fail(
            f"the api did not answer /healthz in {START_SECONDS} s:\n{container.logs().decode()[-3000:]}"
        )

    def start_worker(self) -> Container:
        """The worker. ECS runs no health check the task definition does not name (the worker's names
        none), so the image's HEALTHCHECK, which asks the api's port, is off here too."""
        return self.start(self.worker, "worker", healthcheck={"test": ["NONE"]})


def request(method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    req = urllib.request.Request(f"{BASE_URL}{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def posting(word: str, n: int) -> dict[str, Any]:
    return {
        "title": f"Backend Engineer {word}",
        "company": "Acme Cloud",
        "location": "Berlin",
        "workplace": "hybrid",
        "employment_type": "full_time",
        "seniority": "senior",
        "salary_min": 70000,
        "salary_max": 90000,
        "salary_currency": "EUR",
        "language": "en",
        "description": f"Build APIs in Python: {word}, opening {n}.",
        "tags": ["python"],
        "apply_url": f"https://jobs.example.com/acme/{n}",
    }


def found(word: str) -> set[int]:
    status, answer = request("GET", f"/v1/search?q={word}&limit=100")
    assert status == 200, answer
    return {int(item["id"]) for item in answer["items"]}


def eventually(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture(scope="module")
def local_servers() -> Iterator[dict[str, str]]:
    """A private database and a MariaDB user with a password of its own; Redis key prefix and RabbitMQ
    names of this run. All removed afterwards."""
    run = uuid.uuid4().hex[:10]
    database, user, password = f"postings_docker_{run}", f"postings_docker_{run}", secrets.token_urlsafe(24)
    admin = pymysql.connect(host="127.0.0.1", user="root", autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        cursor.execute(f"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY %s", (password,))
        cursor.execute(f"GRANT ALL ON `{database}`.* TO '{user}'@'127.0.0.1'")
    exchange, queue = f"postings-docker-{run}", f"postings-docker-{run}.indexer"
    values = {
        "run": run,
        "POSTINGS_DB_NAME": database,
        "POSTINGS_DB_USERNAME": user,
        "POSTINGS_DB_PASSWORD": password,
        "POSTINGS_AMQP_USERNAME": "guest",
        "POSTINGS_AMQP_PASSWORD": "guest",
        # not the task's: names of this run on the shared servers
        "POSTINGS_CACHE_PREFIX": f"postings-docker:{run}:",
        "POSTINGS_AMQP_EXCHANGE": exchange,
        "POSTINGS_AMQP_QUEUE": queue,
    }
    yield values
    connection = pika.BlockingConnection(pika.URLParameters("amqp://guest:guest@127.0.0.1:5672/%2F"))
    channel = connection.channel()
    # The queues the task declares: its own, each retry tier's (the default base) and the dead-letter one.
    for name in Topology(exchange, queue).queues:
        channel.queue_delete(name)
    for name in (exchange, f"{exchange}.dead-letter"):
        channel.exchange_delete(name)
    connection.close()
    cache = redis.Redis(port=6379)
    keys = list(cache.scan_iter(match=f"{values['POSTINGS_CACHE_PREFIX']}*", count=1000))
    if keys:
        cache.delete(*keys)
    cache.close()
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
        cursor.execute(f"DROP USER IF EXISTS '{user}'@'127.0.0.1'")
    admin.close()


@pytest.fixture(scope="module")
def service(
    engine: docker.DockerClient, postings_image: Built, stack: Rehearsal, local_servers: dict[str, str]
) -> Iterator[Service]:
    ecs = stack.account.client("ecs")
    api = TaskContainer.of(ecs, f"postings-{STACK}-api")
    worker = TaskContainer.of(ecs, f"postings-{STACK}-worker")
    assert worker.environment.keys() == api.environment.keys()
    assert worker.secret_names == api.secret_names
    names = set(api.environment)
    assert names == KEPT | set(LOCAL) | {"POSTINGS_DB_NAME"}, (
        "a setting the task sets needs a local value here"
    )
    given = {name for name in local_servers if name in api.secret_names}
    assert set(api.secret_names) == given | NOT_GIVEN
    environment = {name: api.environment[name] for name in KEPT} | LOCAL
    environment |= {name: value for name, value in local_servers.items() if name.startswith("POSTINGS_")}
    running = Service(engine, postings_image.reference, api, worker, environment, local_servers["run"])
    try:
        output = running.once(list(MIGRATE_COMMAND))
        assert "schema at revision" in output
        running.token = running.once(
            ["tokens", "create", "--scope", "write", "--name", "docker-tests"]
        ).split()[-1]
        running.start_api()
        running.start_worker()
        yield running
    finally:
        for container in running.containers:
            container.remove(force=True)


def output(done: Any) -> str:
    """What `exec_run` printed (the SDK types its output as bytes or a stream)."""
    return bytes(done.output).decode()


def test_migrate_serve_and_worker_run_as_their_task_definitions_say(service: Service) -> None:
    api, worker = service.containers[-2:]
    for container, task in ((api, service.api), (worker, service.worker)):
        container.reload()
        assert container.status == "running", container.logs().decode()[-2000:]
        config, host = container.attrs["Config"], container.attrs["HostConfig"]
        assert config["Entrypoint"] == task.definition["entryPoint"] == workload.ENTRY_POINT
        assert host["ReadonlyRootfs"] is True
        assert host["Tmpfs"] == {"/tmp": ""}
        assert output(container.exec_run(["id", "-u"])).strip() == "10001"
        assert container.exec_run(["touch", "/app/written"]).exit_code != 0
        assert container.exec_run(["touch", "/tmp/written"]).exit_code == 0
    assert api.attrs["Config"]["Cmd"] == workload.API_COMMAND
    assert worker.attrs["Config"]["Cmd"] == workload.WORKER_COMMAND


def test_healthz_and_readyz_answer(service: Service) -> None:
    assert request("GET", "/healthz") == (200, {"status": "ok"})

    def all_up() -> bool:
        status, answer = request("GET", "/readyz")
        return status == 200 and answer["ready"] and not [s for s in answer["checks"].values() if "down" in s]

    assert eventually(all_up), request("GET", "/readyz")
    checks = request("GET", "/readyz")[1]["checks"]
    assert checks["database"] == "up"
    assert checks["search"] == "sql: up"


def test_a_posting_created_through_the_api_is_indexed_by_the_worker_and_found(service: Service) -> None:
    word = f"zorblax{service.run}"
    assert request("POST", "/v1/postings", posting(word, 1))[0] == 401
    status, created = request("POST", "/v1/postings", posting(word, 1), token=service.token)
    assert status == 201, created
    assert eventually(lambda: found(word) == {created["id"]}), service.containers[-1].logs().decode()[-3000:]


def test_the_image_health_check_and_the_task_definitions_pass(service: Service) -> None:
    api = service.containers[-2]

    def healthy() -> bool:
        api.reload()
        return str(api.attrs["State"]["Health"]["Status"]) == "healthy"

    # the image's HEALTHCHECK first runs after its 15 s interval
    assert eventually(healthy, seconds=60), api.attrs["State"]["Health"]
    command = service.api.definition["healthCheck"]["command"]
    assert command[0] == "CMD"
    done = api.exec_run(command[1:])
    assert done.exit_code == 0, output(done)


@pytest.fixture(scope="module")
def https(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The service over HTTPS (the ALB's part) and the CA that signed its certificate."""
    ca, certificate, key = certificate_authority(tmp_path_factory.mktemp("tls"))
    proxy = TlsProxy(workload.APP_PORT, certificate, key)
    yield f"https://127.0.0.1:{proxy.port}", ca
    proxy.close()


def run_checks(
    engine: docker.DockerClient, checks_image: Built, stack: Rehearsal, url: str, ca: Path, bridge: AwsBridge
) -> tuple[int, list[str]]:
    """The checks task as the schedule starts it: its definition's command, user, read-only root and
    environment, with the service URL pointed at `url`. What ECS and AWS give a real task, the test
    gives here: credentials of the emulated account (ECS: the task role), the way to reach it
    (AWS_ENDPOINT_URL) and trust in the CA that signed the service's certificate (a public CA's)."""
    task = TaskContainer.of(stack.account.client("ecs"), f"postings-{STACK}-checks")
    assert task.environment[SERVICE_URL].startswith("https://")
    credentials = stack.session.get_credentials()
    assert credentials is not None
    environment = task.environment | {
        SERVICE_URL: url,
        "AWS_ACCESS_KEY_ID": credentials.access_key,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
        "AWS_ENDPOINT_URL": bridge.url,
        "SSL_CERT_FILE": "/run/tls/ca.pem",
    }
    container = task.run(
        engine,
        checks_image.reference,
        environment=environment,
        name=f"postings-docker-checks-{uuid.uuid4().hex[:8]}",
        volumes={str(ca.parent): {"bind": "/run/tls", "mode": "ro"}},
    )
    try:
        code, output = run_to_completion(container)
        assert container.attrs["Config"]["User"] == task.definition["user"]
    finally:
        container.remove(force=True)
    return code, output.splitlines()


def statuses(stack: Rehearsal) -> dict[str, float]:
    """The latest CheckStatus datapoint of each check in the emulated account."""
    cloudwatch = stack.account.client("cloudwatch")
    values = {}
    for metric in cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]:
        dimensions = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
        now = time.time()
        points = cloudwatch.get_metric_statistics(
            Namespace=NAMESPACE,
            MetricName=metric["MetricName"],
            Dimensions=metric["Dimensions"],
            StartTime=now - 300,
            EndTime=now + 60,
            Period=60,
            Statistics=["Maximum"],
        )["Datapoints"]
        values[dimensions["Check"]] = max(p["Maximum"] for p in points)
    return values


def test_the_checks_image_runs_as_the_schedule_runs_it(
    service: Service,
    engine: docker.DockerClient,
    checks_image: Built,
    stack: Rehearsal,
    https: tuple[str, Path],
) -> None:
    url, ca = https
    bridge = AwsBridge()
    try:
        code, lines = run_checks(engine, checks_image, stack, url, ca, bridge)
    finally:
        bridge.close()
    assert [line for line in lines if not LINE.match(line)] == [], lines
    names = [line.split(" ", 1)[0] for line in lines]
    assert names == [
        "POSTINGS_HTTP",
        "POSTINGS_READY",
        "POSTINGS_DATABASE",
        "POSTINGS_QUEUES",
        "POSTINGS_SEARCH",
        "CLOUDWATCH_ALARMS",
    ]
    assert [line.split(" ")[1] for line in lines] == ["OK"] * 6, lines
    assert lines[0].startswith("POSTINGS_HTTP OK - HTTP 200 in ")
    assert f"from {url}/healthz |" in lines[0]
    assert code == 0
    # the search check asks STS for the account its domain metrics are filed under
    assert sorted(set(bridge.requests)) == ["es", "monitoring", "mq", "rds", "sts"]
    assert statuses(stack) == dict.fromkeys(["http", "ready", "database", "queues", "search", "alarms"], 0.0)


def test_the_checks_exit_critical_when_the_service_cannot_be_reached(
    service: Service,
    engine: docker.DockerClient,
    checks_image: Built,
    stack: Rehearsal,
    https: tuple[str, Path],
) -> None:
    _, ca = https
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nothing = f"https://127.0.0.1:{probe.getsockname()[1]}"  # closed once the probe is
    bridge = AwsBridge()
    try:
        code, lines = run_checks(engine, checks_image, stack, nothing, ca, bridge)
    finally:
        bridge.close()
    assert [line for line in lines if not LINE.match(line)] == [], lines
    assert lines[0].startswith(f"POSTINGS_HTTP CRITICAL - {nothing}/healthz unreachable: ")
    assert lines[1].startswith(f"POSTINGS_READY CRITICAL - {nothing}/readyz unreachable: ")
    assert [line.split(" ")[1] for line in lines[2:]] == ["OK"] * 4
    assert code == 2  # the worst status: CRITICAL
    assert statuses(stack)["http"] == 2.0


def test_sigterm_stops_both_within_the_stop_timeout_with_nothing_lost(service: Service) -> None:
    """Postings keep arriving while ECS stops the worker, then the api: each stops on SIGTERM (exit 0,
    not the SIGKILL after the task definitions' stopTimeout), and every posting the api accepted is
    indexed once a new worker runs."""
    api, worker = service.containers[-2:]
    word = f"quenched{service.run}"
    accepted: list[int] = []
    refused: list[str] = []
    posting_stopped = threading.Event()

    def post() -> None:
        n = 0
        while not posting_stopped.is_set() and len(accepted) < 60:
            n += 1
            try:
                status, created = request("POST", "/v1/postings", posting(word, n), token=service.token)
            except OSError as err:  # the api stopped listening: the client knows it was not accepted
                refused.append(str(err))
                time.sleep(0.05)
                continue
            if status == 201:
                accepted.append(int(created["id"]))
            time.sleep(0.05)

    poster = threading.Thread(target=post)
    poster.start()
    try:
        assert eventually(lambda: len(accepted) >= 5, seconds=10)
        worker_seconds, worker_code = stop(worker, service.worker.stop_timeout)
        before_api = len(accepted)
        assert eventually(lambda: len(accepted) >= before_api + 5, seconds=10)  # into the outbox meanwhile
        api_seconds, api_code = stop(api, service.api.stop_timeout)
    finally:
        posting_stopped.set()
        poster.join()
    assert service.worker.stop_timeout == service.api.stop_timeout == 30
    REPORT["SIGTERM"] = (
        f"worker stopped in {worker_seconds:.1f} s, api in {api_seconds:.1f} s (stopTimeout 30 s); "
        f"{len(accepted)} postings accepted meanwhile"
    )
    assert (worker_code, api_code) == (0, 0), (worker.logs().decode()[-2000:], api.logs().decode()[-2000:])
    assert worker_seconds < service.worker.stop_timeout
    assert api_seconds < service.api.stop_timeout
    service.start_api()
    service.start_worker()
    assert eventually(lambda: set(accepted) <= found(word), seconds=60), (len(accepted), len(found(word)))
