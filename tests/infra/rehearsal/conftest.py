"""Rehearse each stack once for the whole package: the runs take seconds, the tests read the accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.rehearsal.rehearse import Rehearsal, rehearse

PROJECT_ROOT = Path(__file__).resolve().parents[3]
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"


class Stacks:
    """Rehearses a stack of this repository the first time a test asks for it; closes them all at the end."""

    def __init__(self) -> None:
        self._open: dict[str, Rehearsal] = {}

    def __call__(self, stack: str) -> Rehearsal:
        if stack not in self._open:
            self._open[stack] = rehearse(PROJECT_ROOT, stack)
        return self._open[stack]

    def close(self) -> None:
        for rehearsal in self._open.values():
            rehearsal.close()


@pytest.fixture(scope="package")
def stacks() -> Iterator[Stacks]:
    opened = Stacks()
    yield opened
    opened.close()


@pytest.fixture(scope="package")
def prod(stacks: Stacks) -> Rehearsal:
    return stacks("prod")


@pytest.fixture(scope="package")
def dev(stacks: Stacks) -> Rehearsal:
    return stacks("dev")
