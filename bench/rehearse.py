"""Wall time per stack: the recording-mock run against the moto-backed rehearsal, median of 5 after a warm-up.

Usage: .venv/bin/python bench/rehearse.py [--runs 5] [STACK ...]
Both runs are in-process and include everything a rehearsal does (for moto: opening a fresh emulated
account, every boto3 call); the warm-up pays the one-time imports (pulumi_aws, moto's backends) for both.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.rehearsal.engine import load_project, read_stack_config, run_program  # noqa: E402
from infra.rehearsal.recording import DEFAULT_REGION, RecordingMocks  # noqa: E402
from infra.rehearsal.rehearse import pinned_account, rehearse  # noqa: E402

TARGET_SECONDS = 10.0
TARGET_RATIO = 3.0


def recording_seconds(stack: str) -> float:
    project = load_project(ROOT)
    config, secret_keys = read_stack_config(project, stack)
    started = time.perf_counter()
    mocks = RecordingMocks(region=config.get("aws:region", DEFAULT_REGION), account_id=pinned_account(config))
    run_program(project, stack, mocks, config=config, secret_keys=secret_keys)
    return time.perf_counter() - started


def moto_seconds(stack: str) -> float:
    started = time.perf_counter()
    with rehearse(ROOT, stack):
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stacks", nargs="*", default=["dev", "staging", "prod"])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cold_recording, cold_moto = recording_seconds(args.stacks[0]), moto_seconds(args.stacks[0])
    print(
        f"warm-up ({args.stacks[0]}, not counted): recording {cold_recording:.2f} s, moto {cold_moto:.2f} s"
    )
    print(f"{'stack':<8} {'recording':>10} {'moto':>8} {'ratio':>6}   (median of {args.runs}, seconds)")
    failed = False
    for stack in args.stacks:
        recording = statistics.median(recording_seconds(stack) for _ in range(args.runs))
        moto = statistics.median(moto_seconds(stack) for _ in range(args.runs))
        ratio = moto / recording
        print(f"{stack:<8} {recording:>10.2f} {moto:>8.2f} {ratio:>5.2f}x")
        if stack == "prod":
            failed = moto >= TARGET_SECONDS or ratio >= TARGET_RATIO
    print(
        f"target: prod under {TARGET_SECONDS:.0f} s and under {TARGET_RATIO:.0f}x the recording run: "
        f"{'missed' if failed else 'met'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
