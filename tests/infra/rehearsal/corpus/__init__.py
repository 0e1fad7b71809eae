"""The fidelity corpus: small programs AWS or the provider refuse (each citing its source) and valid ones.

A case is a function that declares resources with pulumi_aws, registered with `@refused(...)` or `@valid(...)`
in the module of its AWS service (`cases_<service>.py`). The fixture project `tests/fixtures/corpus` runs the
case named by the config key `corpus:case`; `test_corpus.py` rehearses every case and `bench/fidelity.py`
measures the rehearsal and moto alone on the same cases.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

Program = Callable[[], None]


@dataclass(frozen=True)
class Refusal:
    """What AWS or the provider refuses in a case: the resource type, the property to blame, the source."""

    token: str
    prop: str
    source: str


@dataclass(frozen=True)
class Case:
    name: str
    service: str
    program: Program
    refusal: Refusal | None
    """None: a valid program, which must be accepted."""
    fully_emulated: bool = True
    """Every type the valid program declares has an emulator; else those without one are model-checked."""


CASES: dict[str, Case] = {}


def _register(
    service: str, refusal: Refusal | None, *, fully_emulated: bool = True
) -> Callable[[Program], Program]:
    def register(program: Program) -> Program:
        name = program.__name__
        if name in CASES and CASES[name].program.__module__ != program.__module__:
            raise ValueError(f"corpus case {name} is declared twice")
        CASES[name] = Case(name, service, program, refusal, fully_emulated)
        return program

    return register


def refused(service: str, *, token: str, prop: str, source: str) -> Callable[[Program], Program]:
    """A program AWS or the provider refuses: `prop` of the `token` resource is to blame, per `source`."""
    if not source.startswith("https://"):
        raise ValueError(f"a refused case cites its source as a URL, not {source!r}")
    return _register(service, Refusal(token=token, prop=prop, source=source))


def valid(service: str, *, fully_emulated: bool = True) -> Callable[[Program], Program]:
    """A program AWS accepts; `fully_emulated=False` when it declares types without an emulator."""
    return _register(service, None, fully_emulated=fully_emulated)


def all_cases() -> dict[str, Case]:
    """Every case, from every `cases_*` module of this package."""
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("cases_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return CASES


def case_named(name: str) -> Case:
    cases = all_cases()
    if name not in cases:
        raise KeyError(f"no corpus case named {name!r}")
    return cases[name]
