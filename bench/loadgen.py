"""What the service benchmarks share: a private MariaDB database, servers started the way production starts
them, and wrk driving a list of request paths from N concurrent connections with its CPU time measured.

wrk (C, epoll) is the load generator: each of its threads picks a random path from the list for every
request (a Lua `request` function) and reports throughput and latency percentiles as one JSON line. Its
CPU time and the server's are both printed, so a run shows whether the generator or the server was the
bottleneck. Debian: apt-get install wrk.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pika
import redis
from sqlalchemy import create_engine, text

MYSQL_ADMIN_URL = "mysql+pymysql://root@127.0.0.1:3306/"
BENCH_DIR = Path(__file__).resolve().parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# One Lua state per wrk thread: `setup` gives each a seed of its own, `request` picks a random path
# from the file named by WRK_PATHS, `done` prints the summary as JSON (wrk's own text has no p95).
WRK_SCRIPT = r"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
local paths = {}
function init(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
  math.randomseed(seed * 7919 + 17)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class LoadResult:
    """One wrk run: what it sent and how long the answers took, with both sides' CPU use."""

    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    wrk_cpu: float
    server_cpu: float
    response_bytes: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def server_cpu_per_request_us(self) -> float:
        """The server's CPU time per request: unlike throughput, barely moved by other work on the machine."""
        return self.server_cpu * self.seconds / max(1, self.requests) * 1e6

    def line(self, name: str) -> str:
        return (
            f"{name:34} {self.rps:8.0f} req/s  p50 {self.p50_ms:6.2f} ms  p95 {self.p95_ms:6.2f} ms  "
            f"p99 {self.p99_ms:6.2f} ms  max {self.max_ms:7.2f} ms  non-2xx {self.non_2xx}  "
            f"socket errors {self.socket_errors}  {self.response_bytes:.0f} B/response (with headers)  "
            f"CPU: server {self.server_cpu:.0%} ({self.server_cpu_per_request_us:.0f} us/request), "
            f"wrk {self.wrk_cpu:.0%}"
        )


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and its descendants (uvicorn --workers N forks)."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        ticks[pid] = int(fields[11]) + int(fields[12])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += ticks.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / CLOCK_TICKS


def run_wrk(
    base: str, paths: Sequence[str], *, seconds: int, connections: int, threads: int, server_pid: int
) -> LoadResult:
    """wrk against `base`, each request a random one of `paths`."""
    with tempfile.TemporaryDirectory(prefix="postings-wrk-") as tmp:
        script = Path(tmp, "random_paths.lua")
        script.write_text(WRK_SCRIPT)
        listed = Path(tmp, "paths.txt")
        listed.write_text("\n".join(paths) + "\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_before = tree_cpu_seconds(server_pid)
        started = time.perf_counter()
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(script), base],
            env=os.environ | {"WRK_PATHS": str(listed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        wall = time.perf_counter() - started
        server_cpu = tree_cpu_seconds(server_pid) - server_before
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(next(line for line in out.splitlines() if line.startswith('{"requests"')))
    wrk_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return LoadResult(
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        non_2xx=summary["status"],
        socket_errors=summary["connect"] + summary["read"] + summary["write"] + summary["timeout"],
        p50_ms=summary["p50_us"] / 1000,
        p95_ms=summary["p95_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        max_ms=summary["max_us"] / 1000,
        wrk_cpu=wrk_cpu / wall,
        server_cpu=server_cpu / wall,
        response_bytes=summary["bytes"] / max(1, summary["requests"]),
    )


@contextlib.contextmanager
def private_database(prefix: str = "postings_bench", *, keep: bool = False) -> Iterator[str]:
    """A database of its own (dropped afterwards unless `keep`), its name doubling as the cache prefix
    and broker names."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(MYSQL_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield name
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def service_env(database: str, *, redis_and_broker: bool, log_level: str | None = None) -> dict[str, str]:
    """The service's environment for a private database; the log level stays the service's default
    (no POSTINGS_LOG_LEVEL), as production runs it, unless `log_level` says otherwise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")}
    if log_level is not None:
        env["POSTINGS_LOG_LEVEL"] = log_level
    env["POSTINGS_DATABASE_URL"] = f"mysql+pymysql://root@127.0.0.1:3306/{database}?charset=utf8mb4"
    if redis_and_broker:
        env |= {
            "POSTINGS_REDIS_URL": "redis://127.0.0.1:6379/0",
            "POSTINGS_CACHE_PREFIX": f"{database}:",
            # A broker URL makes `serve` production-shaped (no in-process relay); nothing is published.
            "POSTINGS_AMQP_URL": "amqp://guest:guest@127.0.0.1:5672/%2F",
            "POSTINGS_AMQP_EXCHANGE": database,
            "POSTINGS_AMQP_QUEUE": f"{database}.indexer",
        }
    return env


def postings_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "postings", *args]


def run_postings(env: dict[str, str], *args: str) -> str:
    return subprocess.run(postings_command(*args), env=env, check=True, capture_output=True, text=True).stdout


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, waited for until /healthz (or any answer) comes back, stopped with SIGTERM.
    Its stdout (the JSON request log) goes to /dev/null, as cheap a sink as a log pipe gets."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command} did not start") from None
                time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def cleanup_broker_and_cache(name: str) -> None:
    """Remove a run's queues, exchanges and cache keys from the shared servers."""
    connection = pika.BlockingConnection(pika.URLParameters("amqp://guest:guest@127.0.0.1:5672/%2F"))
    channel = connection.channel()
    for queue in (f"{name}.indexer", f"{name}.indexer.retry", f"{name}.indexer.dead"):
        channel.queue_delete(queue)
    for exchange in (name, f"{name}.dead-letter"):
        channel.exchange_delete(exchange)
    connection.close()
    client = redis.Redis(port=6379)
    keys = list(client.scan_iter(match=f"{name}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def visit_all(base: str, paths: Sequence[str], *, concurrency: int = 16) -> float:
    """Request every path once, `concurrency` at a time (fills a cache); the seconds it took."""

    async def visit() -> None:
        queue = iter(paths)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def worker() -> None:
                for path in queue:
                    response = await client.get(path)
                    if response.status_code != 200:
                        raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")

            await asyncio.gather(*(worker() for _ in range(concurrency)))

    started = time.perf_counter()
    asyncio.run(visit())
    return time.perf_counter() - started


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"
