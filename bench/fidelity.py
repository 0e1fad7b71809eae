"""Fidelity on the corpus: how many programs AWS refuses are refused offline, by the rehearsal and moto alone.

Usage: .venv/bin/python bench/fidelity.py [--by-service] [--misses]

Runs every case of tests/infra/rehearsal/corpus twice in-process: with the rehearsal's checks (the service
models, the naming rules and the rule catalogue, then moto) and with moto alone (the emulators' boto3 calls
sent straight to moto, nothing checked first). A refused program counts as caught when it fails; as caught
"at the right property" when the failure blames the property the case names. Valid programs count when they
are accepted.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.rehearsal.emulation import EmulationError  # noqa: E402
from infra.rehearsal.engine import ProgramError  # noqa: E402
from infra.rehearsal.rehearse import RehearsalFailed, rehearse  # noqa: E402
from tests.infra.rehearsal.corpus import Case, all_cases  # noqa: E402
from tests.infra.rehearsal.corpus.common import REGION  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"


@dataclass(frozen=True)
class Result:
    refused: bool
    blamed: str
    """The property the refusal named ("" when accepted or when the program itself failed)."""


def run(case: Case, *, checks: bool) -> Result:
    config = {"corpus:case": case.name, "aws:region": REGION}
    try:
        rehearse(CORPUS, "case", config=config, checks=checks).close()
    except RehearsalFailed as failed:
        return Result(True, failed.error.prop)
    except ProgramError as err:
        # moto refusing inside an invoke, or a provider-side error: refused, property unknown.
        cause = err.__cause__
        return Result(True, cause.prop if isinstance(cause, EmulationError) else "")
    return Result(False, "")


def right_property(case: Case, result: Result) -> bool:
    assert case.refusal is not None
    expected = case.refusal.prop
    return result.refused and (
        result.blamed == expected or result.blamed.startswith((f"{expected}.", f"{expected}["))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--by-service", action="store_true", help="one line per AWS service")
    parser.add_argument("--misses", action="store_true", help="list the refused cases the rehearsal missed")
    args = parser.parse_args()
    cases = sorted(all_cases().values(), key=lambda c: (c.service, c.name))
    refused = [c for c in cases if c.refusal is not None]
    valid = [c for c in cases if c.refusal is None]
    started = time.perf_counter()
    totals: Counter[str] = Counter()
    by_service: dict[str, Counter[str]] = {}
    misses: list[str] = []
    for case in refused:
        counts = by_service.setdefault(case.service, Counter())
        counts["cases"] += 1
        for mode, checks in (("rehearsal", True), ("moto", False)):
            result = run(case, checks=checks)
            hit = right_property(case, result)
            for bucket in (totals, counts):
                bucket[f"{mode} refused"] += result.refused
                bucket[f"{mode} right property"] += hit
            if mode == "rehearsal" and not hit:
                misses.append(f"{case.name}: expected {case.refusal and case.refusal.prop}, got {result}")
    for case in valid:
        for mode, checks in (("rehearsal", True), ("moto", False)):
            totals[f"{mode} accepted"] += not run(case, checks=checks).refused
    seconds = time.perf_counter() - started
    services = len(by_service)
    print(f"corpus: {len(refused)} refused programs across {services} services, {len(valid)} valid programs")
    print(f"{'':24}{'refused':>16}{'right property':>18}{'valid accepted':>18}")
    for mode in ("rehearsal", "moto"):
        label = "rehearsal" if mode == "rehearsal" else "moto alone"
        print(
            f"{label:24}{_ratio(totals[f'{mode} refused'], len(refused)):>16}"
            f"{_ratio(totals[f'{mode} right property'], len(refused)):>18}"
            f"{_ratio(totals[f'{mode} accepted'], len(valid)):>18}"
        )
    if args.by_service:
        print(f"\n{'service':16}{'cases':>6}{'rehearsal':>12}{'moto alone':>12}")
        for service, counts in sorted(by_service.items()):
            print(
                f"{service:16}{counts['cases']:>6}{counts['rehearsal right property']:>12}"
                f"{counts['moto right property']:>12}"
            )
    if args.misses:
        print("\nmissed by the rehearsal:")
        print("\n".join(f"  {line}" for line in misses) or "  none")
    print(f"\n{seconds:.1f} s for {2 * len(cases)} rehearsals")
    return 0


def _ratio(count: int, total: int) -> str:
    return f"{count}/{total} ({100 * count / total:.1f}%)" if total else "0/0"


if __name__ == "__main__":
    raise SystemExit(main())
