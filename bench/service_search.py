"""Benchmark: seeding 100,000 postings into MariaDB, then /v1/search under 16 concurrent clients.

Creates a private database, runs `postings migrate`, times `postings seed N`, starts `postings serve` on
it (production-shaped: MariaDB, Redis and a broker configured, the default log level) and drives it with
wrk from --connections concurrent connections, each request a random one of --distinct query paths
drawn (seeded) from the seeded postings' own vocabulary:

- words: skills (the tags), roles and levels from the titles, places, and words of the descriptions, of
  one of the five languages at a time; one to three words;
- filters on about a third: workplace, language, tag, location or company, sometimes two, and a few
  that match nothing (a company or place no posting has), plus a few words no posting has;
- pages: most first pages, some the second to sixth (offset up to 100), 20 hits each.

Prints searches/s and p50/p95/p99 for the whole mix, then each kind of query alone, sequentially
(median and max of its paths), so a slow kind is named. Drops the database at the end unless --keep.

    .venv/bin/python bench/service_search.py [--postings 100000] [--connections 16] [--seconds 30]

Needs wrk (Debian: apt-get install wrk), MariaDB on 127.0.0.1:3306 (root, no password), Redis on 6379 and
RabbitMQ on 5672 (guest/guest; nothing is published).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import httpx
from loadgen import (
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
    tree_cpu_seconds,
)
from postings.seed import COMPANIES, LOCALES, TAGS, WORKPLACES

TARGET_P95_MS = 50.0
TARGET_RPS = 300.0
WORD = re.compile(r"[^\W\d_]{3,}")
MISSING_PLACES = ("Atlantis", "Gotham")
MISSING_COMPANIES = ("Nobody Ltd", "Acme Nonexistent")
MISSING_WORDS = ("xylograph", "квазиморда")


def vocabulary() -> dict[str, dict[str, list[str]]]:
    """The seeded postings' words by language and kind (skills, the tags, are every language's)."""
    found: dict[str, dict[str, list[str]]] = {}
    for locale in LOCALES:
        text = " ".join((*locale.duties, *locale.needs, *locale.offers))
        found[locale.language] = {
            "skill": [t for t in TAGS if WORD.fullmatch(t)],
            "role": list(locale.roles),
            "level": [level for level in locale.levels.values() if level],
            "place": list(locale.locations),
            "text": sorted({w for w in WORD.findall(text) if len(w) > 4}),
        }
    return found


def draw_query(
    rng: random.Random, vocabularies: dict[str, dict[str, list[str]]]
) -> tuple[tuple[str, str, str], dict[str, str | int]]:
    """One search in one language: its kind (words, filters, page: for the per-kind figures) and its
    query parameters."""
    language = rng.choice(sorted(vocabularies))
    words = vocabularies[language]
    roll = rng.random()
    if roll < 0.30:
        kind, q = "1 word: skill", rng.choice(words["skill"])
    elif roll < 0.45:
        kind, q = "role", rng.choice(words["role"])
    elif roll < 0.55:
        kind, q = "level + role", f"{rng.choice(words['level'])} {rng.choice(words['role'])}"
    elif roll < 0.65:
        kind, q = "role + place", f"{rng.choice(words['role'])} {rng.choice(words['place'])}"
    elif roll < 0.75:
        kind, q = "2 skills", " ".join(rng.sample(words["skill"], 2))
    elif roll < 0.83:
        kind, q = "1 word: description", rng.choice(words["text"])
    elif roll < 0.90:
        kind, q = "3 words", " ".join([rng.choice(words["skill"]), *rng.choice(words["role"]).split()[:2]])
    elif roll < 0.92:
        kind, q = "word no posting has", rng.choice(MISSING_WORDS)
    else:
        kind, q = "1 word: place", rng.choice(words["place"])
    params: dict[str, str | int] = {"q": q}
    filters = {
        "workplace": lambda: rng.choice(WORKPLACES),
        "language": lambda: language if rng.random() < 0.7 else rng.choice(sorted(vocabularies)),
        "tag": lambda: rng.choice([t for t in TAGS if t[0].isalnum()]),  # the API refuses `.net`
        "location": lambda: rng.choice(words["place"]),
        "company": lambda: rng.choice(COMPANIES),
    }
    roll = rng.random()
    filtered, page = "no filter", "first page"
    if roll < 0.04:
        filtered = "a filter matching nothing"
        if rng.random() < 0.5:
            params["location"] = rng.choice(MISSING_PLACES)
        else:
            params["company"] = rng.choice(MISSING_COMPANIES)
    elif roll < 0.10:
        filtered = "2 filters"
        for name in rng.sample(sorted(filters), 2):
            params[name] = filters[name]()
    elif roll < 0.34:
        name = rng.choice(sorted(filters))
        filtered = f"filter {name}"
        params[name] = filters[name]()
    if rng.random() < 0.25:
        params["offset"] = 20 * rng.randint(1, 5)
        page = "page 2 to 6"
    return (kind, filtered, page), params


def mariadb_pid() -> int | None:
    found = subprocess.run(["pidof", "mariadbd"], capture_output=True, text=True).stdout.split()
    return int(found[0]) if found else None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--distinct", type=int, default=5000, help="distinct query paths in the mix")
    parser.add_argument("--per-kind", type=int, default=15, help="sequential requests per kind afterwards")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--database", help="an already seeded database to search (not dropped)")
    args = parser.parse_args()
    require_wrk()

    rng = random.Random(7)
    words = vocabulary()
    drawn = [draw_query(rng, words) for _ in range(args.distinct)]
    paths = [f"/v1/search?{urlencode(params)}" for _, params in drawn]
    by_kind: dict[str, list[str]] = defaultdict(list)
    for (kinds, _), path in zip(drawn, paths, strict=True):
        for kind in kinds:
            by_kind[kind].append(path)

    with private_database(keep=args.keep) as fresh:
        database = args.database or fresh
        env = service_env(database, redis_and_broker=True)
        try:
            if args.database is None:
                run_postings(env, "migrate")
                started = time.perf_counter()
                seeded = run_postings(env, "seed", str(args.postings))
                reported = re.search(r"in ([\d.]+)s", seeded)
                print(
                    f"seed {args.postings} postings: {reported.group(1) if reported else '?'} s inside the "
                    f"command, {time.perf_counter() - started:.1f} s wall including interpreter start "
                    "(target < 60 s)"
                )
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            command = postings_command(
                "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)
            )
            with server(command, env, port) as process:
                with httpx.Client(base_url=base, timeout=30) as client:
                    for path in paths[:200]:  # warm-up, not measured
                        client.get(path).raise_for_status()
                print(f"{load_average()} before the search run")
                mariadb = mariadb_pid()
                mariadb_before = tree_cpu_seconds(mariadb) if mariadb else 0.0
                result = run_wrk(
                    base,
                    paths,
                    seconds=args.seconds,
                    connections=args.connections,
                    threads=args.threads,
                    server_pid=process.pid,
                )
                mariadb_cpu = tree_cpu_seconds(mariadb) - mariadb_before if mariadb else float("nan")
                print(
                    f"search over {args.postings} postings on MariaDB, postings serve "
                    f"--workers {args.workers} (log level INFO), wrk -t{args.threads} "
                    f"-c{args.connections} -d{args.seconds}s, each request a random one of "
                    f"{len(paths)} query paths:"
                )
                print(f"  {result.line('GET /v1/search')}")
                print(
                    f"  {result.rps:.0f} searches/s (target >= {TARGET_RPS:.0f}), p95 {result.p95_ms:.1f} ms "
                    f"(target <= {TARGET_P95_MS:.0f} ms), {load_average()} at the end"
                )
                print(
                    f"  CPU per search: server {result.server_cpu_per_request_us / 1000:.2f} ms, MariaDB "
                    f"{mariadb_cpu / max(1, result.requests) * 1000:.2f} ms (all of its clients' work "
                    "during the run, so an upper bound on a shared machine)"
                )
                print(
                    f"each kind alone (by words, by filters, by page), {args.per_kind} sequential requests "
                    "of it: median, max, median matches, its share of the mix"
                )
                rows = []
                with httpx.Client(base_url=base, timeout=30) as client:
                    for kind, kind_paths in by_kind.items() if args.per_kind else ():
                        timings, totals = [], []
                        for path in kind_paths[: args.per_kind]:
                            t0 = time.perf_counter()
                            response = client.get(path)
                            timings.append((time.perf_counter() - t0) * 1000)
                            response.raise_for_status()
                            totals.append(response.json()["total"])
                        rows.append(
                            (statistics.median(timings), max(timings), kind, statistics.median(totals))
                        )
                for median, slowest, kind, total in rows:
                    share = len(by_kind[kind]) / len(paths)
                    print(
                        f"  {median:6.1f} ms  max {slowest:6.1f} ms  {total:6.0f} matches  "
                        f"{share:5.1%} of the mix  {kind}"
                    )
        finally:
            cleanup_broker_and_cache(database)
    return 0


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parents[1])
    sys.exit(main())
