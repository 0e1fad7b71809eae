"""Benchmark: cached GET /v1/postings/{id} over random ids against a bare FastAPI app served the same way.

Seeds --postings synthetic postings (10,000 by default) into a private MariaDB database, then, for each
round, drives two servers in turn with wrk from --connections concurrent connections, each request for
a random id of the seeded ones:

- bare: bench/bare_app.py, a FastAPI app whose GET /v1/postings/{id} returns a real posting's JSON (the
  median-sized one) with no middleware, served by `postings serve`'s own code (same uvicorn loop, HTTP
  implementation, workers);
- cached: `postings serve` on MariaDB + Redis at the service's default log level (INFO: one JSON line
  per request, to /dev/null), after a warm-up that is not measured (every id once, then a wrk run of
  --warmup-seconds), so the answers come from the cache (the hits, near-cache hits and misses during
  the measured run are printed).

    .venv/bin/python bench/service_get_cached.py [--postings 10000] [--workers 1] [--connections 16]
                                                  [--seconds 10] [--rounds 2]

Needs wrk (Debian: apt-get install wrk), MariaDB on 127.0.0.1:3306 (root, no password), Redis on 6379 and
RabbitMQ on 5672 (guest/guest; only a connection check, nothing is published).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

import httpx
from loadgen import (
    BENCH_DIR,
    LoadResult,
    cleanup_broker_and_cache,
    free_port,
    load_average,
    postings_command,
    private_database,
    require_wrk,
    run_postings,
    run_wrk,
    server,
    service_env,
    visit_all,
)
from sqlalchemy import create_engine, text

TARGET = 0.6


def cache_counters(base: str) -> dict[str, float]:
    """The server's posting cache counters, summed over their label sets."""
    exposition = httpx.get(f"{base}/metrics").text
    found = {}
    for name, pattern in (
        ("hits", r'^postings_cache_hits_total\{[^}]*kind="posting"[^}]*\} (\S+)'),
        ("near hits", r"^postings_cache_near_hits_total(?:\{[^}]*\})? (\S+)"),
        ("misses", r'^postings_cache_misses_total\{[^}]*kind="posting"[^}]*\} (\S+)'),
    ):
        found[name] = sum(float(v) for v in re.findall(pattern, exposition, re.MULTILINE))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup-seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    require_wrk()

    with private_database() as database, tempfile.TemporaryDirectory(prefix="postings-bench-") as tmp:
        env = service_env(database, redis_and_broker=True)
        try:
            run_postings(env, "migrate")
            run_postings(env, "seed", str(args.postings))
            engine = create_engine(env["POSTINGS_DATABASE_URL"])
            with engine.connect() as conn:
                ids = [
                    int(r[0])
                    for r in conn.execute(text("SELECT id FROM postings WHERE status = 'published'"))
                ]
            engine.dispose()
            paths = [f"/v1/postings/{i}" for i in ids]
            serve = ["serve", "--host", "127.0.0.1", "--workers", str(args.workers)]
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            service = postings_command(*serve, "--port", str(port))
            bare_body = Path(tmp, "posting.json")
            with server(service, env, port):
                sizes = sorted(
                    (len(httpx.get(f"{base}{p}").content), p) for p in paths[:: max(1, len(paths) // 200)]
                )
                bare_body.write_bytes(httpx.get(f"{base}{sizes[len(sizes) // 2][1]}").content)
            bare = [sys.executable, str(BENCH_DIR / "bare_app.py"), *serve, "--port", str(port)]
            bare_env = env | {"BARE_BODY_FILE": str(bare_body)}

            print(
                f"{args.postings} postings, each request a random one of the {len(ids)} published ones; "
                f"server: postings serve --workers {args.workers} (uvicorn, uvloop, httptools), "
                "log level INFO (the default); "
                f"load: wrk -t{args.threads} -c{args.connections} -d{args.seconds}s on loopback"
            )
            print(f"bare body: {bare_body.stat().st_size} bytes (the median of 200 seeded postings)")
            ratios: list[float] = []
            rounds: list[tuple[LoadResult, LoadResult]] = []
            load = {"seconds": args.seconds, "connections": args.connections, "threads": args.threads}
            for number in range(1, args.rounds + 1):
                with server(bare, bare_env, port) as process:
                    bare_result = run_wrk(base, paths, server_pid=process.pid, **load)
                with server(service, env, port) as process:
                    warm = visit_all(base, paths)
                    run_wrk(base, paths, server_pid=process.pid, **load | {"seconds": args.warmup_seconds})
                    before = cache_counters(base)
                    cached = run_wrk(base, paths, server_pid=process.pid, **load)
                    after = cache_counters(base)
                ratios.append(cached.rps / bare_result.rps)
                rounds.append((bare_result, cached))
                print(f"round {number}, {load_average()} (warm-up: every id once in {warm:.1f} s):")
                print("  " + bare_result.line("bare FastAPI GET /v1/postings/{id}"))
                print("  " + cached.line("cached GET /v1/postings/{id}"))
                counts = ", ".join(f"{k} {after[k] - before[k]:.0f}" for k in before)
                print(f"  cache during the measured run: {counts}")
                print(f"  cached / bare: {ratios[-1]:.2f}")
            print(
                f"cached / bare over {args.rounds} rounds: median {statistics.median(ratios):.2f} "
                f"(each: {', '.join(f'{r:.2f}' for r in ratios)}; target >= {TARGET})"
            )
        finally:
            cleanup_broker_and_cache(database)
    return 0


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parents[1])
    sys.exit(main())
