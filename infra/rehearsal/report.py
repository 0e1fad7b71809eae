"""Render a run as `pulumi preview` does: a resource tree grouped by component, counts per type, outputs."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from infra.rehearsal.engine import Registration, RunResult

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


def render(result: RunResult, *, mode: str, secret_outputs: Iterable[str] = ()) -> str:
    """The full terminal report of one rehearsal."""
    custom = sum(1 for r in result.registrations if r.custom)
    components = len(result.registrations) - custom
    lines = [f"Rehearsing {result.project} ({result.stack}) with {mode}", ""]
    lines += render_tree(result)
    lines += ["", "Resources by type:"]
    lines += [f"  {count:>4}  {type_token}" for type_token, count in type_counts(result)]
    hidden = set(secret_outputs)
    lines += ["", "Outputs:"]
    lines += [
        f"  {key}: {SECRET_MASK if key in hidden else _show(value)}"
        for key, value in sorted(result.outputs.items())
    ]
    lines += [
        "",
        f"{custom} resources to create in {components} components, {len(result.outputs)} outputs; "
        f"rehearsed in {result.seconds:.2f} s",
    ]
    return "\n".join(lines)
