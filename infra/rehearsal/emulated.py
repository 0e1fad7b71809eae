"""Pulumi mocks over the emulated account: each resource and invoke goes to its emulator (boto3 on moto)."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pulumi.runtime

from infra.rehearsal import modelcheck
from infra.rehearsal.emulation import INVOKES, Context, EmulationError, Resource, unwrap
from infra.rehearsal.engine import UrnAwareMocks
from infra.rehearsal.spec import (
    UNNAMED,
    Rule,
    TypeSpec,
    Validation,
    Where,
    all_specs,
    computed_outputs,
    rules_for,
    stable_hex,
)

NOT_EMULATED = "not emulated"
STACK_REFERENCE = "pulumi:pulumi:StackReference"
READ_NOTE = "read with Resource.get: it exists outside the program, so its outputs are echoed, not looked up"
_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")


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

    Before a resource is emulated, its explicit name is checked against its spec's naming rules and every
    catalogued rule of its type runs; every AWS call is checked against the service model (`Context.aws`).
    A type without a spec is echoed (inputs returned with a deterministic id and provider-shaped outputs)
    and recorded as "not emulated" in `coverage`, so the report can say so. Refusals raise EmulationError,
    naming the resource's URN, the property, the constraint and its source."""

    def __init__(self, context: Context) -> None:
        super().__init__()
        all_specs()  # the emulator modules register the invokes' answers too
        self.context = context
        self.coverage = Coverage(assumed=context.assumed)
        self.failures: list[EmulationError] = []
        self.invokes: list[str] = []
        self.declared = 0
        """Custom resources registered so far (read by the progress line while the program runs)."""
        self._lock = threading.Lock()
        self._provider_regions: dict[str, str] = {}
        """Explicit providers' URNs -> their region, for the resources they create."""
        self._at_end: list[tuple[Rule, Resource, str]] = []
        """Rules that failed when their resource was declared, to judge again at the end (Rule.at_end)."""
        self._echoed: set[str] = set()
        """Ids and outputs the echo made up: their form is a guess, so the model check leaves them alone."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.custom is None and args.resource_id is not None and args.typ != STACK_REFERENCE:
            return self._read(args)
        if not args.custom and args.typ != STACK_REFERENCE:
            return None, {}
        self.declared += 1
        urn = self.current_urn
        spec = all_specs().get(args.typ)
        resource = Resource(
            urn=urn,
            type=args.typ,
            name=args.name,
            inputs=unwrap(dict(args.inputs)),
            account_id=self.context.account_id,
            naming=spec.naming if spec is not None else UNNAMED,
        )
        # A provider's own `region` is the region it configures, not one it is created in.
        own_region = None if args.typ == "pulumi:providers:aws" else resource.inputs.get("region")
        with self._lock, self.context.in_region(self._region_of(own_region, args.provider)):
            if spec is None:
                self.coverage.record(args.typ, NOT_EMULATED, _echo_note(args.typ))
                if self.context.checks:
                    self._model_check(resource)
                return self._echo(args)
            self.coverage.record(args.typ, spec.validation.value, spec.note)
            try:
                if self.context.checks:
                    self._check(spec, resource)
                resource_id, outputs = spec.emulate(self.context, resource)
            except EmulationError as err:
                self.failures.append(err)
                raise
            if args.typ == "pulumi:providers:aws" and isinstance(resource.inputs.get("region"), str):
                self._provider_regions[urn] = resource.inputs["region"]
        state = dict(args.inputs)
        state.update(outputs)
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        answer = INVOKES.get(args.token)
        given = unwrap(dict(args.args))
        with self._lock:
            self.invokes.append(args.token)
            if answer is None:
                raise InvokeNotEmulatedError(args.token)
            # An invoke reads the region its `region` argument or its explicit provider names, as a
            # resource does (the zones of us-east-1 for subnets made through a us-east-1 provider).
            with self.context.in_region(self._region_of(given.get("region"), args.provider)):
                return answer(self.context, given), []

    def _check(self, spec: TypeSpec, resource: Resource) -> None:
        """The spec's naming rules on an explicit name, then the catalogued rules of the type."""
        naming = spec.naming
        name = resource.inputs.get(naming.key) if naming.key else None
        if isinstance(name, str):
            bad_name = naming.problem(name)
            if bad_name:
                raise EmulationError(resource.urn, naming.key, "InvalidName", bad_name, naming.source)
        self._rules(resource)

    def _rules(self, resource: Resource) -> None:
        """The catalogued rules of the resource's type, emulated or not; a rule judged at the end that
        fails now is kept for `judge_at_end`."""
        for rule in rules_for(resource.type):
            problem = rule.check(self.context, resource)
            if problem and rule.at_end:
                self._at_end.append((rule, resource, self.context.region))
            elif problem:
                raise _refusal(rule, resource, problem)

    def judge_at_end(self) -> None:
        """Once the program has declared everything: the rules kept for the end, judged again; what still
        fails is a refusal (in `failures`)."""
        for rule, resource, region in self._at_end:
            with self._lock, self.context.in_region(region):
                problem = rule.check(self.context, resource)
            if problem:
                self.failures.append(_refusal(rule, resource, problem))

    def _region_of(self, own: Any, provider: str | None) -> str | None:
        """A resource's or invoke's own `region` argument (pulumi-aws v7), else its explicit provider's."""
        if isinstance(own, str) and _REGION.fullmatch(own):
            return own
        return self._provider_regions.get((provider or "").rsplit("::", 1)[0])

    def _model_check(self, resource: Resource) -> None:
        """A type without an emulator: its inputs against its create call's service model (`modelcheck`),
        then the catalogued rules written for it."""
        found = modelcheck.check(resource.type, resource.inputs, frozenset(self._echoed))
        try:
            if found is not None:
                raise EmulationError(
                    resource.urn, found.prop, "InvalidParameterValue", found.message, found.source
                )
            self._rules(resource)
        except EmulationError as err:
            self.failures.append(err)
            raise

    def _read(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        """`Resource.get`: the resource exists outside the program, so the emulated account does not hold
        it; its outputs are echoed, shaped as the provider's, with the id the program gave."""
        with self._lock:
            self.coverage.record(args.typ, NOT_EMULATED, READ_NOTE)
            where = Where(self.context.region, self.context.account_id)
            state = dict(unwrap(dict(args.inputs)))
            resource_id = str(args.resource_id)
            spec = all_specs().get(args.typ)
            if spec is not None and spec.naming.key and spec.naming.key not in state:
                # Where a type's id is its name (a role, a bucket, a log group) or its ARN (a topic).
                state[spec.naming.key] = resource_id.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
            state.update(computed_outputs(args.typ, where, args.name, resource_id, state))
            if resource_id.startswith("arn:"):
                state["arn"] = resource_id
            self._echoed.update(v for v in (resource_id, *state.values()) if isinstance(v, str))
            return resource_id, state

    def _echo(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        """A deterministic id and the inputs with provider-shaped outputs (an ARN of the type's service,
        region and account), so nothing that uses the resource is refused because of the echo."""
        resource_id = f"{args.name}-{stable_hex(args.typ, args.name)}"
        where = Where(self.context.region, self.context.account_id)
        state = dict(args.inputs)
        outputs = computed_outputs(args.typ, where, args.name, resource_id, state)
        state.update(outputs)
        self._echoed.update(v for v in (resource_id, *outputs.values()) if isinstance(v, str))
        return resource_id, state


ECHOED = "echoed: inputs returned with provider-shaped outputs (id, arn, name), nothing created"


def _refusal(rule: Rule, resource: Resource, problem: str | tuple[str, str]) -> EmulationError:
    prop, why = problem if isinstance(problem, tuple) else (rule.prop, problem)
    return EmulationError(resource.urn, prop, rule.id, why, rule.source)


def _echo_note(token: str) -> str:
    operation = modelcheck.create_operation(token)
    if operation is None:
        return ECHOED
    model = operation.service_model
    return f"{ECHOED}; inputs checked against {model.service_name} {operation.name}'s service model"


def emulated_types() -> dict[str, Validation]:
    """Every type token a spec covers, with the validation it carries."""
    return {token: spec.validation for token, spec in sorted(all_specs().items())}
