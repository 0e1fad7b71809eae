"""Pulumi mocks over the emulated account: each resource and invoke goes to its emulator (boto3 on moto)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pulumi.runtime

import infra.rehearsal.emulators  # noqa: F401  (registers every emulator)
from infra.rehearsal.emulation import (
    EMULATORS,
    INVOKES,
    Context,
    EmulationError,
    Resource,
    Validation,
    unwrap,
)
from infra.rehearsal.engine import UrnAwareMocks
from infra.rehearsal.recording import ID_PREFIXES, stable_hex

NOT_EMULATED = "not emulated"


class InvokeNotEmulatedError(Exception):
    """The program called a data source no emulator answers; add one in infra/rehearsal/emulators/."""

    def __init__(self, token: str) -> None:
        super().__init__(
            f"invoke {token} is not emulated: add an answer for it in infra/rehearsal/emulators/ "
            "(or run with --mocks recording)"
        )


@dataclass
class Coverage:
    """How each type was rehearsed: with moto's validation, without it (moto gap), or echoed."""

    types: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    assumed: dict[str, list[str]] = field(default_factory=dict)
    """Context.assumed: what the emulated account was given because the stack uses it (-> URNs)."""

    def record(self, token: str, status: str, note: str) -> None:
        self.types[token] = status
        self.notes[token] = note
        self.counts[token] += 1

    def with_status(self, status: str) -> list[str]:
        return sorted(t for t, s in self.types.items() if s == status)

    @property
    def not_emulated(self) -> list[str]:
        return self.with_status(NOT_EMULATED)


class EmulatedMocks(UrnAwareMocks):
    """`new_resource` and `call` create and read resources in the emulated account through boto3.

    A type without an emulator is echoed (inputs returned, a deterministic id) and recorded as
    "not emulated" in `coverage`, so the report can say so. AWS refusals raise EmulationError,
    naming the resource's URN and the property."""

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.coverage = Coverage(assumed=context.assumed)
        self.failures: list[EmulationError] = []
        self.invokes: list[str] = []
        self._lock = threading.Lock()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:
            return None, {}
        urn = self.current_urn
        resource = Resource(
            urn=urn,
            type=args.typ,
            name=args.name,
            inputs=unwrap(dict(args.inputs)),
            account_id=self.context.account_id,
        )
        emulator = EMULATORS.get(args.typ)
        with self._lock:
            if emulator is None:
                self.coverage.record(args.typ, NOT_EMULATED, "echoed: inputs returned, nothing created")
                return self._echo(args), dict(args.inputs)
            self.coverage.record(args.typ, emulator.validation.value, emulator.note)
            try:
                resource_id, outputs = emulator.emulate(self.context, resource)
            except EmulationError as err:
                self.failures.append(err)
                raise
        state = dict(args.inputs)
        state.update(outputs)
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        answer = INVOKES.get(args.token)
        with self._lock:
            self.invokes.append(args.token)
            if answer is None:
                raise InvokeNotEmulatedError(args.token)
            return answer(self.context, unwrap(dict(args.args))), []

    @staticmethod
    def _echo(args: pulumi.runtime.MockResourceArgs) -> str:
        prefix = ID_PREFIXES.get(args.typ)
        suffix = stable_hex(args.typ, args.name)
        return f"{prefix}-{suffix}" if prefix else f"{args.name}-{suffix[:7]}"


def emulated_types() -> dict[str, Validation]:
    """Every type token an emulator covers, with the validation it carries."""
    return {token: emulator.validation for token, emulator in sorted(EMULATORS.items())}
