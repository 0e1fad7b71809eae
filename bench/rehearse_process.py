"""Whole-process time of `infra rehearse STACK` (what a user or a CI job waits for) and the in-process run.

Usage: .venv/bin/python bench/rehearse_process.py [--runs 7] [--in-process-runs 3] [--baseline DIR] [STACK]

Whole process: each run is a fresh `python -m infra.cli rehearse STACK` (imports, the rehearsal, the
report, the interpreter's exit), timed from outside; CPU is the child's user + system time, and "cold
rehearsal" is the report's own "rehearsed in N s" (opening the account and running the program, first
time in that process). In-process: one more process per round runs `rehearse()` once to pay the imports,
then times further runs as bench/rehearse.py does (the figure the moto column there reports).

With `--baseline DIR` (another checkout of this repository, e.g. `git worktree add DIR <commit>`), the
two checkouts take turns in every round, so machine load hits both alike: before/after in one table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 4.0
REHEARSED_IN = re.compile(r"rehearsed in ([0-9.]+) s")

IN_PROCESS = """
import gc, json, sys, time
from pathlib import Path
from infra.rehearsal.rehearse import rehearse
stack, runs = sys.argv[1], int(sys.argv[2])
rehearse(Path.cwd(), stack).close()
times = []
for _ in range(runs):
    gc.collect()
    started = time.perf_counter()
    rehearse(Path.cwd(), stack).close()
    times.append(time.perf_counter() - started)
print(json.dumps(times))
"""


@dataclass
class Measured:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)


def _python(checkout: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run this interpreter in `checkout` (its `infra` package first on the path): result, wall, CPU."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, *args], cwd=checkout, env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise SystemExit(f"{checkout}: {args} exited {completed.returncode}: {completed.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return completed, wall, cpu


def whole_process(checkout: Path, stack: str, into: Measured) -> None:
    completed, wall, cpu = _python(checkout, "-m", "infra.cli", "rehearse", stack)
    into.wall.append(wall)
    into.cpu.append(cpu)
    match = REHEARSED_IN.search(completed.stdout)
    if match:
        into.cold.append(float(match.group(1)))


def in_process(checkout: Path, stack: str, runs: int, into: Measured) -> None:
    completed, _, _ = _python(checkout, "-c", IN_PROCESS, stack, str(runs))
    into.warm.extend(json.loads(completed.stdout.strip().splitlines()[-1]))


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stack", nargs="?", default="prod")
    parser.add_argument("--runs", type=int, default=7, help="whole-process runs per checkout")
    parser.add_argument("--in-process-runs", type=int, default=3, help="timed runs per round (0: skip)")
    parser.add_argument("--rounds", type=int, default=2, help="in-process rounds (one process each)")
    parser.add_argument("--baseline", type=Path, help="another checkout to time in turn (before/after)")
    args = parser.parse_args()
    checkouts = {"this": ROOT}
    if args.baseline is not None:
        checkouts = {"baseline": args.baseline.resolve(), "this": ROOT}
    measured = {label: Measured() for label in checkouts}
    for _ in range(args.runs):
        for label, checkout in checkouts.items():
            whole_process(checkout, args.stack, measured[label])
    if args.in_process_runs > 0:
        for _ in range(args.rounds):
            for label, checkout in checkouts.items():
                in_process(checkout, args.stack, args.in_process_runs, measured[label])
    print(
        f"infra rehearse {args.stack}: medians of {args.runs} processes and "
        f"{args.rounds}x{args.in_process_runs} in-process runs; load average {os.getloadavg()[0]:.1f}"
    )
    header = f"{'process':>8} {'min':>6} {'max':>6} {'CPU':>6}   {'cold rehearsal':>14} {'in-process':>10}"
    print(f"{'':<10} {header}")
    for label, m in measured.items():
        print(
            f"{label:<10} {_median(m.wall):>8} {min(m.wall):>6.2f} {max(m.wall):>6.2f} {_median(m.cpu):>6}"
            f"   {_median(m.cold):>14} {_median(m.warm):>10}"
        )
    wall = statistics.median(measured["this"].wall)
    verdict = "met" if wall <= TARGET_SECONDS else "missed"
    print(f"target: the whole process in {TARGET_SECONDS:.0f} s or less (wall median): {verdict}")
    return 0 if wall <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
