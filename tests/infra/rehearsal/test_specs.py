"""The specs are whole: every part declared, every program in the repository covered, ARNs in their form."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest

from infra.rehearsal import modelcheck
from infra.rehearsal.engine import ProgramError, load_project, read_stack_config, run_program
from infra.rehearsal.recording import RecordingMocks
from infra.rehearsal.rehearse import Rehearsal, pinned_account
from infra.rehearsal.spec import RULES, SPECS, UNNAMED, Where, all_specs, computed_outputs, spec_of
from tests.infra.rehearsal.conftest import FIXTURES, PROJECT_ROOT, Stacks

SPECS_LOADED = all_specs()
DELIBERATELY_UNSPECIFIED = {
    "aws:glacier/vault:Vault": "tests/fixtures/minimal shows how a type without a spec is echoed, reported",
}
PROGRAMS = [
    *((PROJECT_ROOT, stack) for stack in ("dev", "staging", "prod")),
    (FIXTURES / "minimal", "test"),
    (FIXTURES / "extras", "test"),
    (FIXTURES / "insecure", "insecure"),
    *(
        (FIXTURES / "mistakes", path.stem.split(".", 1)[1])
        for path in (FIXTURES / "mistakes").glob("Pulumi.*.yaml")
    ),
]


@pytest.mark.parametrize("token", sorted(SPECS_LOADED))
def test_every_part_of_the_spec_is_declared(token: str) -> None:
    spec = SPECS_LOADED[token]
    assert spec.note.strip(), token
    assert spec.arn == "" or spec.arn.startswith("arn:{partition}:"), (token, spec.arn)
    if spec.arn:
        service = spec.arn.split(":")[2]
        assert re.fullmatch(r"[a-z0-9-]+", service), (token, spec.arn)
    naming = spec.naming
    if naming is not UNNAMED:
        assert naming.key, token
        assert naming.source.startswith("https://"), (token, naming.source)
        assert 0 < naming.max_length <= 1024, token
        if naming.pattern:
            re.compile(naming.pattern)
    assert all(p == "*" or re.fullmatch(r"[a-z][A-Za-z0-9]*", p) for p in spec.replace_on), token


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_names_its_source_property_and_types(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule_id), rule_id
    assert rule.source.startswith("https://"), (rule_id, rule.source)
    assert rule.summary.strip(), rule_id
    assert rule.prop, rule_id
    unknown = [t for t in rule.tokens if t not in SPECS and modelcheck.create_operation(t) is None]
    assert unknown == [], (rule_id, unknown)


class TypeCollector(RecordingMocks):
    """Recording mocks that remember every type registered, even when the program fails later on."""

    def __init__(self, account_id: str) -> None:
        super().__init__(account_id=account_id)
        self.declared: set[str] = set()

    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        if args.custom:
            self.declared.add(args.typ)
        return super().new_resource(args)


@pytest.mark.parametrize(("project", "stack"), PROGRAMS, ids=lambda value: str(value).rsplit("/", 1)[-1])
def test_every_type_a_program_of_the_repository_declares_has_a_spec(project: Path, stack: str) -> None:
    loaded = load_project(project)
    config, secret_keys = read_stack_config(loaded, stack)
    mocks = TypeCollector(pinned_account(config))
    # Some fixtures fail by design (a duplicate URN) or need the emulated account's invokes: the types they
    # registered before that still count.
    with contextlib.suppress(ProgramError):
        run_program(loaded, stack, mocks, config=config, secret_keys=secret_keys)
    assert mocks.declared, f"{loaded.name} ({stack}) declared nothing"
    missing = sorted(mocks.declared - set(SPECS_LOADED) - set(DELIBERATELY_UNSPECIFIED))
    assert missing == [], f"{loaded.name} ({stack}) declares types without a spec"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_emulated_arns_have_the_form_their_spec_declares(stacks: Stacks, stack: str) -> None:
    rehearsal: Rehearsal = stacks(stack)
    checked = 0
    for registration in rehearsal.result.registrations:
        spec = SPECS_LOADED.get(registration.type)
        arn = registration.state.get("arn")
        if spec is None or not spec.arn or not isinstance(arn, str):
            continue
        assert spec.arn_pattern().fullmatch(arn), (registration.urn, arn, spec.arn)
        checked += 1
    assert checked > 40, checked


def test_recording_outputs_come_from_the_spec() -> None:
    where = Where("eu-west-1", "123456789012")
    outputs = computed_outputs("aws:rds/instance:Instance", where, "db", "db-1234567", {"port": 3306})
    assert outputs["arn"] == "arn:aws:rds:eu-west-1:123456789012:db:db-b4a1eec"
    assert outputs["identifier"] == "db-b4a1eec"
    assert outputs["endpoint"].endswith(".eu-west-1.rds.amazonaws.com:3306")
    assert spec_of("aws:rds/instance:Instance").naming.max_length == 63


def test_a_type_without_a_spec_still_gets_a_provider_shaped_arn() -> None:
    where = Where("eu-west-1", "123456789012")
    log = computed_outputs("aws:cloudwatch/logDestination:LogDestination", where, "d", "d-1", {})
    assert log["arn"] == "arn:aws:logs:eu-west-1:123456789012:log-destination/d-1"
    user = computed_outputs("aws:iam/virtualMfaDevice:VirtualMfaDevice", where, "m", "m-1", {})
    assert user["arn"] == "arn:aws:iam::123456789012:virtual-mfa-device/m-1"
