"""Every rule of the pack, in report order; ids are pinned by tests/infra/policies/test_rules.py."""

from __future__ import annotations

from collections.abc import Sequence

from infra.policies.model import Enforcement, Resource, Rule, Severity
from infra.policies.rules import compute, data, edge, identity, network, platform
from infra.policies.suppressions import declared, reason_problem


def _valid_suppressions(resource: Resource) -> Sequence[str] | None:
    suppressions = declared(resource.own_tags)
    if not suppressions:
        return None
    problems = []
    for rule_id, reason in sorted(suppressions.items()):
        if rule_id not in RULE_IDS:
            problems.append(f"{resource.name} suppresses unknown rule {rule_id!r}")
        elif (problem := reason_problem(reason)) is not None:
            problems.append(f"{resource.name} suppresses {rule_id}: {problem}")
    return problems


SUPPRESSIONS_RULE = Rule(
    id="suppressions-valid",
    control="platform",
    desired="Every suppression names a rule of this pack and gives a reason.",
    explanation="Declare suppressions with infra.policies.suppressions.suppress(rule_id, reason), which "
    "refuses unknown rules and empty reasons; fix or remove hand-written policy:suppress: tags.",
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    types=("*",),
    check=_valid_suppressions,
)

RULES: tuple[Rule, ...] = (
    *network.RULES,
    *compute.RULES,
    *edge.RULES,
    *data.RULES,
    *identity.RULES,
    *platform.RULES,
    SUPPRESSIONS_RULE,
)
RULE_IDS = frozenset(rule.id for rule in RULES)
BY_ID = {rule.id: rule for rule in RULES}
if len(BY_ID) != len(RULES):
    raise RuntimeError("two rules share an id")
