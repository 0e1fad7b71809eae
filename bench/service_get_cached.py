"""Benchmark: cached GET /v1/postings/{id} over random ids against a bare FastAPI app served the same way.

Seeds --postings synthetic postings (10,000 by default) into a private MariaDB database, starts two
servers and, for each of --rounds rounds, drives one and then the other with wrk from --connections
concurrent connections, each request for a random one of the published postings (short alternating
runs, so both see the same background load on a shared machine):

- bare: bench/bare_app.py, a FastAPI app whose GET /v1/postings/{id} returns a real posting's JSON (the
  median-sized one) with no middleware, served by `postings serve`'s own code (same uvicorn loop, HTTP
  implementation, workers);
- cached: `postings serve` on MariaDB + Redis at the service's default log level (INFO: one JSON line
  per request, to /dev/null), after a warm-up that is not measured (every id once, then a wrk run of
  --warmup-seconds), so the answers come from the cache (the hits, near-cache hits and misses during
  the measured run are printed).

    .venv/bin/python bench/service_get_cached.py [--postings 10000] [--workers 1] [--connections 16]
                                                  [--seconds 5] [--rounds 5]

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
    parser.add_argument("--seconds", type=int, default=5, help="each side, each round")
    parser.add_argument("--warmup-seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--log-level", help="the service's log level (default: its own, INFO); to measure what logging costs"
    )
    args = parser.parse_args()
    require_wrk()

    with private_database() as database, tempfile.TemporaryDirectory(prefix="postings-bench-") as tmp:
        env = service_env(database, redis_and_broker=True, log_level=args.log_level)
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
            port, bare_port = free_port(), free_port()
            base, bare_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
            bare_body = Path(tmp, "posting.json")
            bare = [sys.executable, str(BENCH_DIR / "bare_app.py"), *serve, "--port", str(bare_port)]
            bare_env = env | {"BARE_BODY_FILE": str(bare_body)}
            load = {"seconds": args.seconds, "connections": args.connections, "threads": args.threads}
            print(
                f"{args.postings} postings, each request a random one of the {len(ids)} published ones; "
                f"server: postings serve --workers {args.workers} (uvicorn, uvloop, httptools), "
                f"log level {args.log_level or 'INFO (the default)'}; "
                f"load: wrk -t{args.threads} -c{args.connections} -d{args.seconds}s on loopback, "
                "bare and cached in turn, both servers up throughout"
            )
            with server(postings_command(*serve, "--port", str(port)), env, port) as service:
                sample = paths[:: max(1, len(paths) // 200)]
                sizes = sorted((len(httpx.get(f"{base}{p}").content), p) for p in sample)
                bare_body.write_bytes(httpx.get(f"{base}{sizes[len(sizes) // 2][1]}").content)
                print(f"bare body: {bare_body.stat().st_size} bytes (the median of 200 seeded postings)")
                warm = visit_all(base, paths)
                run_wrk(base, paths, server_pid=service.pid, **load | {"seconds": args.warmup_seconds})
                print(f"warm-up: every id once in {warm:.1f} s, then wrk for {args.warmup_seconds} s")
                ratios: list[float] = []
                cpu_ratios: list[float] = []
                with server(bare, bare_env, bare_port) as bare_server:
                    for number in range(1, args.rounds + 1):
                        bare_result = run_wrk(bare_base, paths, server_pid=bare_server.pid, **load)
                        before = cache_counters(base)
                        cached = run_wrk(base, paths, server_pid=service.pid, **load)
                        after = cache_counters(base)
                        ratios.append(cached.rps / bare_result.rps)
                        cpu_ratios.append(
                            bare_result.server_cpu_per_request_us / cached.server_cpu_per_request_us
                        )
                        print(f"round {number}, {load_average()}:")
                        print("  " + bare_result.line("bare FastAPI GET /v1/postings/{id}"))
                        print("  " + cached.line("cached GET /v1/postings/{id}"))
                        counts = ", ".join(f"{k} {after[k] - before[k]:.0f}" for k in before)
                        print(
                            f"  cache during the cached run: {counts}; cached / bare: {ratios[-1]:.2f} "
                            f"(by server CPU per request: {cpu_ratios[-1]:.2f})"
                        )
            print(
                f"cached / bare over {args.rounds} rounds: median {statistics.median(ratios):.2f} "
                f"(each: {', '.join(f'{r:.2f}' for r in ratios)}; target >= {TARGET}); by server CPU per "
                f"request, bare's / cached's: median {statistics.median(cpu_ratios):.2f} "
                f"(each: {', '.join(f'{r:.2f}' for r in cpu_ratios)})"
            )
        finally:
            cleanup_broker_and_cache(database)
    return 0


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parents[1])
    sys.exit(main())
