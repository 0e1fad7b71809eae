"""Render a run as `pulumi preview` does: a resource tree grouped by component, counts per type, outputs."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from infra.rehearsal.emulated import NOT_EMULATED, Coverage
from infra.rehearsal.engine import SECRET_SIG, SPECIAL_SIG_KEY, Registration, RunResult
from infra.rehearsal.spec import Validation

SECRET_MASK = "[secret]"


def _children(registrations: Iterable[Registration]) -> dict[str | None, list[Registration]]:
    tree: dict[str | None, list[Registration]] = {}
    for registration in registrations:
        tree.setdefault(registration.parent, []).append(registration)
    return tree


def _descendants(urn: str, tree: Mapping[str | None, list[Registration]]) -> int:
    return sum(1 + _descendants(child.urn, tree) for child in tree.get(urn, []))


def render_tree(result: RunResult) -> list[str]:
    """One line per resource, children indented under their component, in declaration order."""
    tree = _children(result.registrations)
    stack_urn = next(
        (r.parent for r in result.registrations if r.parent and "::pulumi:pulumi:Stack::" in r.parent), None
    )
    lines = [f"+ pulumi:pulumi:Stack  {result.project}-{result.stack}"]

    def walk(parent: str | None, indent: str) -> None:
        children = tree.get(parent, [])
        for index, child in enumerate(children):
            last = index == len(children) - 1
            branch, carry = ("└─ ", "   ") if last else ("├─ ", "│  ")
            count = _descendants(child.urn, tree)
            suffix = f"  ({count} resources)" if not child.custom and count else ""
            lines.append(f"{indent}{branch}+ {child.type}  {child.name}{suffix}")
            walk(child.urn, indent + carry)

    walk(stack_urn, "   ")
    return lines


def type_counts(result: RunResult) -> list[tuple[str, int]]:
    """Resources per type (custom resources only: components are groupings, not AWS objects)."""
    counts = Counter(r.type for r in result.registrations if r.custom)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def render(
    result: RunResult,
    *,
    mode: str,
    secret_outputs: Iterable[str] = (),
    secret_values: Iterable[str] = (),
    seconds: float | None = None,
) -> str:
    """The full terminal report of one rehearsal: tree, counts per type, outputs (secrets masked),
    and a summary line with the wall time."""
    custom = sum(1 for r in result.registrations if r.custom)
    components = len(result.registrations) - custom
    lines = [f"Rehearsing {result.project} ({result.stack}) with {mode}", ""]
    lines += render_tree(result)
    lines += ["", "Resources by type:"]
    lines += [f"  {count:>4}  {type_token}" for type_token, count in type_counts(result)]
    hidden = set(secret_outputs) | {k for k, v in result.outputs.items() if _is_secret(v)}
    secrets = [value for value in secret_values if value]
    lines += ["", "Outputs:"]
    lines += [
        f"  {key}: {SECRET_MASK if key in hidden or _contains(value, secrets) else _show(value)}"
        for key, value in sorted(result.outputs.items())
    ]
    per_type = ", ".join(f"{count} {_short(token)}" for token, count in type_counts(result))
    lines += [
        "",
        f"{custom} resources to create in {components} components, {len(result.outputs)} outputs "
        f"({per_type}); rehearsed in {result.seconds if seconds is None else seconds:.2f} s",
    ]
    return "\n".join(lines)


def _contains(value: Any, secrets: list[str]) -> bool:
    shown = _show(value)
    return any(secret in shown for secret in secrets)


def _short(token: str) -> str:
    """`aws:ec2/instance:Instance` -> `ec2.Instance`, short but unambiguous in a summary line."""
    parts = token.split(":")
    return f"{parts[1].split('/')[0]}.{parts[-1]}" if len(parts) == 3 else token


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SPECIAL_SIG_KEY) == SECRET_SIG


def resource_names(urns: Iterable[str]) -> list[str]:
    """The resources' names (the last `::` part of each URN), sorted."""
    return sorted(urn.rsplit("::", 1)[-1] for urn in urns)


def render_coverage(coverage: Coverage) -> str:
    """Which types AWS's checks covered, which moto could not validate, which were only echoed."""
    lines = ["Emulation:"]
    for status in (
        Validation.VALIDATED.value,
        Validation.UNVALIDATED.value,
        Validation.LOCAL.value,
        NOT_EMULATED,
    ):
        tokens = coverage.with_status(status)
        if tokens:
            total = sum(coverage.counts[t] for t in tokens)
            lines.append(f"  {status}: {len(tokens)} types, {total} resources")
            if status != Validation.VALIDATED.value:
                lines += [f"    {t}  ({coverage.notes[t]})" for t in tokens]
    if not coverage.not_emulated:
        lines.append("  not emulated: none")
    if coverage.assumed:
        count = len(coverage.assumed)
        lines.append(f"  assumed to exist outside the stack (added to the emulated account): {count}")
        for what, urns in sorted(coverage.assumed.items()):
            lines.append(f"    {what}  (used by {', '.join(resource_names(urns))})")
    return "\n".join(lines)
