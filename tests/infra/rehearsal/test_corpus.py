"""Every corpus program is rehearsed: refused ones fail naming the resource and property, valid ones pass."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest

from infra.rehearsal import modelcheck
from infra.rehearsal.emulation import EmulationError
from infra.rehearsal.rehearse import Rehearsal, RehearsalFailed, rehearse
from infra.rehearsal.spec import RULES, all_specs
from tests.infra.rehearsal.conftest import FIXTURES
from tests.infra.rehearsal.corpus import all_cases
from tests.infra.rehearsal.corpus.common import REGION

CORPUS = FIXTURES / "corpus"
CASES = all_cases()
REFUSED = sorted(name for name, case in CASES.items() if case.refusal is not None)
VALID = sorted(name for name, case in CASES.items() if case.refusal is None)
MIN_REFUSED = 150
MIN_SERVICES = 20


def rehearse_case(name: str, *, checks: bool = True) -> Rehearsal:
    return rehearse(CORPUS, "case", config={"corpus:case": name, "aws:region": REGION}, checks=checks)


@dataclass(frozen=True)
class Outcome:
    """What one rehearsal of a case gave: the refusal, or the types it declared and how each was covered."""

    error: EmulationError | None
    declared: frozenset[str]
    not_emulated: tuple[str, ...]
    arns: tuple[tuple[str, str, str], ...] = ()
    """(URN, type, ARN) of every resource whose state has an ARN."""


@functools.cache
def outcome(name: str) -> Outcome:
    """Each case is rehearsed once per session, whichever tests ask (their order is random)."""
    try:
        rehearsal = rehearse_case(name)
    except RehearsalFailed as failed:
        return Outcome(failed.error, frozenset(), ())
    with rehearsal:
        custom = [r for r in rehearsal.result.registrations if r.custom]
        arns = tuple((r.urn, r.type, r.state["arn"]) for r in custom if isinstance(r.state.get("arn"), str))
        declared = frozenset(r.type for r in custom)
        return Outcome(None, declared, tuple(rehearsal.coverage.not_emulated), arns)


def blames(prop: str, expected: str) -> bool:
    """The blamed property is the expected one, or a path inside it (`containerDefinitions[0].memory`)."""
    return prop == expected or prop.startswith((f"{expected}.", f"{expected}["))


def resource_type(urn: str) -> str:
    return urn.split("::")[2].split("$")[-1]


@pytest.mark.parametrize("name", REFUSED)
def test_refused_offline_with_the_property_and_the_source(name: str) -> None:
    refusal = CASES[name].refusal
    assert refusal is not None
    error = outcome(name).error
    assert error is not None, f"{name}: accepted, but AWS refuses it ({refusal.source})"
    assert resource_type(error.urn) == refusal.token, (name, error.urn)
    assert blames(error.prop, refusal.prop), (name, error.prop, str(error))
    assert error.source, (name, str(error))
    assert error.code, (name, str(error))


@pytest.mark.parametrize("name", VALID)
def test_valid_program_is_accepted_and_fully_emulated(name: str) -> None:
    result = outcome(name)
    assert result.error is None, f"{name}: refused: {result.error}"
    if CASES[name].fully_emulated:
        assert result.not_emulated == (), name
    else:
        unchecked = [t for t in result.not_emulated if modelcheck.create_operation(t) is None]
        assert result.not_emulated, f"{name} declares only emulated types: drop fully_emulated=False"
        assert unchecked == [], f"{name}: types neither emulated nor model-checked"


def test_the_corpus_is_large_and_broad() -> None:
    services = {CASES[name].service for name in REFUSED}
    assert len(REFUSED) >= MIN_REFUSED, len(REFUSED)
    assert len(services) >= MIN_SERVICES, sorted(services)


def test_every_rule_refuses_a_case_and_passes_a_valid_one() -> None:
    refused_by = {error.code for name in REFUSED if (error := outcome(name).error) is not None}
    declared = set().union(*(outcome(name).declared for name in VALID))
    never_refused = sorted(set(RULES) - refused_by)
    never_passed = sorted(rule.id for rule in RULES.values() if not declared & set(rule.tokens))
    assert never_refused == [], "rules no refused case breaks"
    assert never_passed == [], "rules no valid case passes"


def test_every_spec_type_is_accepted_in_a_valid_program() -> None:
    declared = set().union(*(outcome(name).declared for name in VALID))
    stacks_cover = {"pulumi:providers:aws", "random:index/randomPassword:RandomPassword"}
    # Read, not declared, so no plan lists it: test_invokes.py rehearses it, as the pulumi corpus case does.
    read_only = {"pulumi:pulumi:StackReference"}
    missing = sorted(set(all_specs()) - declared - stacks_cover - read_only)
    assert missing == [], "spec'd types no valid corpus program declares"


def test_every_emulated_arn_has_the_form_its_spec_declares() -> None:
    specs = all_specs()
    wrong = [
        (urn, arn, specs[token].arn)
        for name in VALID
        for urn, token, arn in outcome(name).arns
        if token in specs and specs[token].arn and not specs[token].arn_pattern().fullmatch(arn)
    ]
    assert wrong == []
