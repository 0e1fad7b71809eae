"""Benchmark: GET /v1/postings/{id} served from the Redis cache vs a bare endpoint of the same app.

Starts `postings serve` (uvicorn, production settings) on MariaDB + Redis in a private database, creates
one posting, warms the cache, then drives both URLs with wrk on loopback, one after the other with the
same settings, and prints requests/s and latency percentiles. The bare endpoint is /healthz: an async
route returning a constant, through the same middleware (request id, metrics, access log).

    .venv/bin/python bench/service_get_cached.py [--workers 1] [--seconds 10] [--connections 64]

Needs wrk (Debian: apt-get install wrk), MariaDB on 127.0.0.1:3306 (root, no password) and Redis on
127.0.0.1:6379.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

import httpx
import pika
import redis
from sqlalchemy import create_engine, text

POSTING = {
    "title": "Kıdemli Backend Geliştirici (Go)",  # noqa: RUF001 - Turkish text on purpose
    "company": "Bench Co",
    "location": "İstanbul",
    "workplace": "hybrid",
    "employment_type": "full_time",
    "seniority": "senior",
    "salary_min": 900000,
    "salary_max": 1400000,
    "salary_currency": "TRY",
    "language": "tr",
    "description": "Go ve Redis ile yüksek trafikli servisler. " * 30,
    "tags": ["go", "redis", "kubernetes"],
    "apply_url": "https://jobs.example.com/bench/1",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wrk(url: str, seconds: int, connections: int, threads: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    result = {"rps": rps}
    for label in ("50%", "90%", "99%"):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out).groups()  # type: ignore[union-attr]
        result[f"p{label[:-1]}_ms"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return result


def cleanup_broker_and_cache(name: str) -> None:
    """Remove this run's queues, exchanges and cache keys from the shared servers."""
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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2

    database = f"postings_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine("mysql+pymysql://root@127.0.0.1:3306/", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    port = free_port()
    env = os.environ | {
        "POSTINGS_DATABASE_URL": f"mysql+pymysql://root@127.0.0.1:3306/{database}?charset=utf8mb4",
        "POSTINGS_REDIS_URL": "redis://127.0.0.1:6379/0",
        "POSTINGS_CACHE_PREFIX": f"{database}:",
        # A broker URL makes `serve` production-shaped (no in-process relay); nothing is published here.
        "POSTINGS_AMQP_URL": "amqp://guest:guest@127.0.0.1:5672/%2F",
        "POSTINGS_AMQP_EXCHANGE": database,
        "POSTINGS_AMQP_QUEUE": f"{database}.indexer",
        "POSTINGS_LOG_LEVEL": "WARNING",
    }
    postings = [sys.executable, "-m", "postings"]
    server = None
    try:
        subprocess.run([*postings, "migrate"], env=env, check=True, capture_output=True)
        token = (
            subprocess.run(
                [*postings, "tokens", "create", "--scope", "write"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        server = subprocess.Popen(
            [*postings, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        created = httpx.post(
            f"{base}/v1/postings", json=POSTING, headers={"Authorization": f"Bearer {token}"}
        )
        created.raise_for_status()
        url = f"{base}{created.headers['location']}"
        for _ in range(20):
            assert httpx.get(url).status_code == 200
        metrics = httpx.get(f"{base}/metrics").text
        assert 'postings_cache_hits_total{kind="posting"}' in metrics, "the cache is not serving the posting"

        bare = wrk(f"{base}/healthz", args.seconds, args.connections, args.threads)
        cached = wrk(url, args.seconds, args.connections, args.threads)
        hits_after = httpx.get(f"{base}/metrics").text
        print(
            f"server: postings serve --workers {args.workers} (uvicorn, uvloop, httptools), log level WARNING"
        )
        print(f"load: wrk -t{args.threads} -c{args.connections} -d{args.seconds}s on loopback, one run each")
        print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        for name, result in (("bare /healthz", bare), ("cached GET /v1/postings/{id}", cached)):
            print(
                f"{name:30} {result['rps']:9.0f} req/s  p50 {result['p50_ms']:.2f} ms  "
                f"p90 {result['p90_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms  "
                f"non-2xx {result['non_2xx']:.0f}"
            )
        print(f"cached GET / bare: {cached['rps'] / bare['rps']:.2f} (target >= 0.50)")
        line = next(
            x for x in hits_after.splitlines() if x.startswith('postings_cache_hits_total{kind="posting"}')
        )
        print(f"cache hits recorded by the server: {line.split()[-1]}")
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{database}`"))
        admin.dispose()
        cleanup_broker_and_cache(database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
