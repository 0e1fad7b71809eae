"""Every corpus program is rehearsed: refused ones fail naming the resource and property, valid ones pass."""

from __future__ import annotations

import pytest

from infra.rehearsal.rehearse import Rehearsal, RehearsalFailed, rehearse
from tests.infra.rehearsal.conftest import FIXTURES
from tests.infra.rehearsal.corpus import all_cases
from tests.infra.rehearsal.corpus.common import REGION

CORPUS = FIXTURES / "corpus"
CASES = all_cases()
REFUSED = sorted(name for name, case in CASES.items() if case.refusal is not None)
VALID = sorted(name for name, case in CASES.items() if case.refusal is None)


def rehearse_case(name: str, *, checks: bool = True) -> Rehearsal:
    return rehearse(CORPUS, "case", config={"corpus:case": name, "aws:region": REGION}, checks=checks)


def blames(prop: str, expected: str) -> bool:
    """The blamed property is the expected one, or a path inside it (`containerDefinitions[0].memory`)."""
    return prop == expected or prop.startswith((f"{expected}.", f"{expected}["))


@pytest.mark.parametrize("name", REFUSED)
def test_refused_offline_with_the_property_and_the_source(name: str) -> None:
    refusal = CASES[name].refusal
    assert refusal is not None
    with pytest.raises(RehearsalFailed) as caught:
        rehearse_case(name).close()
    error = caught.value.error
    assert f"::{refusal.token}::" in f"::{error.urn.split('::')[2].split('$')[-1]}::", (name, error.urn)
    assert blames(error.prop, refusal.prop), (name, error.prop, str(error))
    assert error.source, (name, str(error))
    assert error.code, (name, str(error))


@pytest.mark.parametrize("name", VALID)
def test_valid_program_is_accepted_and_fully_emulated(name: str) -> None:
    with rehearse_case(name) as rehearsal:
        assert rehearsal.coverage.not_emulated == [], name
