"""What every rule is judged on and reports: resources as declared, rules in the cdk-nag shape, findings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only the offline adapter sets a source; the real pack runs without the rehearsal's dependencies.
    from infra.rehearsal.engine import SourcePosition

PROD = "prod"


class Enforcement(StrEnum):
    MANDATORY = "mandatory"
    ADVISORY = "advisory"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Status(StrEnum):
    COMPLIANT = "COMPLIANT"
    NON_COMPLIANT = "NON_COMPLIANT"
    NOT_APPLICABLE = "NOT_APPLICABLE"


def as_mapping(value: Any) -> Mapping[str, Any]:
    """A property that may arrive JSON-encoded (provider inputs) or as an object; anything else is empty."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return {}
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """A property that may arrive JSON-encoded (policy documents, container definitions) or as a list."""
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return []
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)  # lists, and pulumi-policy's list proxies
    return [] if value is None else [value]


@dataclass(frozen=True)
class Resource:
    """One resource as declared: its type token, logical name, URN, input properties (camelCase, as
    pulumi-policy's `props`), the tags its provider adds to it, the resources each property refers to, and
    where the program declared it."""

    urn: str
    type: str
    name: str
    props: Mapping[str, Any]
    provider_tags: Mapping[str, str] = field(default_factory=dict)
    refs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Property name -> URNs of the resources whose outputs flow into it."""
    source: SourcePosition | None = None
    """The file and line that declared it (offline: the SDK's source position); None under pulumi-policy,
    whose analyzer requests carry no position."""

    @property
    def own_tags(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in as_mapping(self.props.get("tags")).items()}

    @property
    def tags(self) -> dict[str, str]:
        """The tags AWS will apply: the provider's default tags, overridden by the resource's own."""
        return {**self.provider_tags, **self.own_tags}

    @property
    def environment(self) -> str | None:
        return self.tags.get("Environment")

    def get(self, key: str, default: Any = None) -> Any:
        value = self.props.get(key)
        return default if value is None else value


Check = Callable[[Resource], Sequence[str] | None]
"""A resource rule's logic: the violations found (empty: compliant), or None when it does not apply."""


@dataclass(frozen=True)
class Violation:
    urn: str
    message: str


@dataclass(frozen=True)
class Stack:
    """Every resource of one stack, with the lookups the stack-wide rules need."""

    resources: tuple[Resource, ...]
    by_urn: dict[str, Resource] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the index is set once, here.
        object.__setattr__(self, "by_urn", {r.urn: r for r in self.resources})

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def get(self, urn: str) -> Resource | None:
        return self.by_urn.get(urn)

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def referenced(self, resource: Resource, prop: str, *types: str) -> list[Resource]:
        """The resources of `types` that `resource.prop` refers to."""
        found = [self.get(urn) for urn in resource.refs.get(prop, ())]
        return [r for r in found if r is not None and (not types or r.type in types)]

    def referencing(self, target: Resource, types: Sequence[str], prop: str) -> list[Resource]:
        """The resources of `types` whose `prop` refers to `target`."""
        return [r for r in self.of_type(*types) if target.urn in r.refs.get(prop, ())]


StackCheck = Callable[[Stack], Sequence[Violation]]


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One concern, in the shape of a cdk-nag rule."""

    id: str
    """Stable identifier, also the suffix of a suppression tag (`policy:suppress:<id>`)."""
    control: str
    """The Security Hub FSBP control it implements (e.g. `RDS.3`), or `platform` for our own."""
    desired: str
    """One line: the state a compliant resource is in."""
    explanation: str
    """Why it matters and how to fix a violation."""
    severity: Severity
    enforcement: Enforcement
    types: tuple[str, ...] = ()
    """Resource types a resource rule judges; empty for a stack rule."""
    check: Check | None = None
    stack_check: StackCheck | None = None
    prod_only: bool = False
    """Judged only in the prod environment (the `Environment` tag); not applicable elsewhere."""

    def __post_init__(self) -> None:
        if (self.check is None) == (self.stack_check is None):
            raise TypeError(f"rule {self.id}: give exactly one of check and stack_check")
        if self.check is not None and not self.types:
            raise TypeError(f"rule {self.id}: a resource rule names the types it judges")

    @property
    def is_stack_rule(self) -> bool:
        return self.stack_check is not None

    def applies_to(self, resource: Resource) -> bool:
        if self.prod_only and resource.environment != PROD:
            return False
        return resource.type in self.types or "*" in self.types

    def evaluate(self, resource: Resource) -> tuple[Status, list[str]]:
        """COMPLIANT / NON_COMPLIANT / NOT_APPLICABLE for one resource, with the violation messages."""
        if self.check is None or not self.applies_to(resource):
            return Status.NOT_APPLICABLE, []
        messages = self.check(resource)
        if messages is None:
            return Status.NOT_APPLICABLE, []
        return (Status.NON_COMPLIANT if messages else Status.COMPLIANT), list(messages)

    def evaluate_stack(self, stack: Stack) -> list[Violation]:
        if self.stack_check is None:
            return []
        violations = self.stack_check(stack)
        if self.prod_only:
            violations = [v for v in violations if (r := stack.get(v.urn)) and r.environment == PROD]
        return list(violations)


@dataclass(frozen=True)
class Finding:
    """One violation of one rule by one resource; `suppressed` carries the declared reason, if any."""

    rule_id: str
    control: str
    enforcement: Enforcement
    severity: Severity
    urn: str
    type: str
    name: str
    message: str
    suppressed: str | None = None

    @property
    def blocking(self) -> bool:
        return self.suppressed is None and self.enforcement is Enforcement.MANDATORY

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "control": self.control,
            "enforcement": str(self.enforcement),
            "severity": str(self.severity),
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "message": self.message,
            "suppressed": self.suppressed,
        }
