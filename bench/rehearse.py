"""Wall time per stack: the recording-mock run against the moto-backed rehearsal, median of 5 after a warm-up.

Usage: .venv/bin/python bench/rehearse.py [--runs 5] [STACK ...]
Both runs are in-process and include everything a rehearsal does (for moto: opening a fresh emulated
account, every boto3 call); the warm-up pays the one-time imports (pulumi_aws, moto's backends) for both.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.rehearsal.engine import load_project, read_stack_config, run_program  # noqa: E402
from infra.rehearsal.recording import DEFAULT_REGION, RecordingMocks  # noqa: E402
from infra.rehearsal.rehearse import pinned_account, rehearse  # noqa: E402

TARGET_SECONDS = 10.0
TARGET_RATIO = 3.0


Timing = tuple[float, float]
"""(wall seconds, CPU seconds of this process)."""


def _timed(run: Callable[[], object]) -> Timing:
    gc.collect()  # the previous run's garbage is not billed to this one
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def recording_run(stack: str) -> Timing:
    project = load_project(ROOT)
    config, secret_keys = read_stack_config(project, stack)

    def run() -> None:
        mocks = RecordingMocks(
            region=config.get("aws:region", DEFAULT_REGION), account_id=pinned_account(config)
        )
        run_program(project, stack, mocks, config=config, secret_keys=secret_keys)

    return _timed(run)


def moto_run(stack: str) -> Timing:
    return _timed(lambda: rehearse(ROOT, stack).close())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stacks", nargs="*", default=["dev", "staging", "prod"])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cold_recording, cold_moto = recording_run(args.stacks[0]), moto_run(args.stacks[0])
    print(
        f"warm-up ({args.stacks[0]}, not counted): "
        f"recording {cold_recording[0]:.2f} s, moto {cold_moto[0]:.2f} s"
    )
    print(f"median of {args.runs} runs, recording and moto alternated so machine load hits both alike")
    print(
        f"{'stack':<8} {'recording':>10} {'moto':>8} {'ratio':>6}   "
        f"{'CPU: recording':>15} {'moto':>6} {'ratio':>6}"
    )
    failed = False
    for stack in args.stacks:
        recordings: list[Timing] = []
        motos: list[Timing] = []
        for _ in range(args.runs):
            recordings.append(recording_run(stack))
            motos.append(moto_run(stack))
        wall = [statistics.median(t[0] for t in runs) for runs in (recordings, motos)]
        cpu = [statistics.median(t[1] for t in runs) for runs in (recordings, motos)]
        print(
            f"{stack:<8} {wall[0]:>10.2f} {wall[1]:>8.2f} {wall[1] / wall[0]:>5.2f}x   "
            f"{cpu[0]:>15.2f} {cpu[1]:>6.2f} {cpu[1] / cpu[0]:>5.2f}x"
        )
        if stack == "prod":
            failed = wall[1] >= TARGET_SECONDS or wall[1] / wall[0] >= TARGET_RATIO
    verdict = "missed" if failed else "met"
    print(
        f"target: prod under {TARGET_SECONDS:.0f} s and under {TARGET_RATIO:.0f}x "
        f"the recording run (wall): {verdict}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
