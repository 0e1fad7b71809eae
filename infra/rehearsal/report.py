"""Render a run as `pulumi preview` does: a resource tree grouped by component, counts per type, outputs."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from infra.rehearsal.emulated import NOT_EMULATED, Coverage
from infra.rehearsal.engine import SECRET_SIG, SPECIAL_SIG_KEY, Registration, RunResult
from infra.rehearsal.spec import Validation

SECRET_MASK = "[secret]"
PROVIDER_PREFIX = "pulumi:providers:"
WIDTH = 110
"""Lines of the report are folded to this width; the plan (`--json`) holds every value whole."""


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
    """Resources per type (custom resources only: components are groupings, not AWS objects; providers
    aside, as in every count of the report)."""
    counts = Counter(
        r.type for r in result.registrations if r.custom and not r.type.startswith(PROVIDER_PREFIX)
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def resource_count(result: RunResult) -> int:
    """What every count in the report means by "resources": the custom resources a stack declares,
    providers aside (they configure, they create nothing in AWS), as the policy pack counts them."""
    return sum(1 for r in result.registrations if r.custom and not r.type.startswith(PROVIDER_PREFIX))


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def fold(text: str, width: int) -> str:
    """One value on one line of at most `width` characters: longer ones are cut, saying how much is left."""
    if len(text) <= width:
        return text
    rest = f"… ({len(text)} characters; whole in --json)"
    return text[: max(width - len(rest), 20)] + rest


def render(
    result: RunResult,
    *,
    mode: str,
    secret_outputs: Iterable[str] = (),
    secret_values: Iterable[str] = (),
    seconds: float | None = None,
) -> str:
    """The full terminal report of one rehearsal: tree, counts per type, outputs (secrets masked, long
    values folded), and a summary line with the wall time."""
    custom = sum(1 for r in result.registrations if r.custom)
    components = len(result.registrations) - custom
    resources = resource_count(result)
    lines = [f"Rehearsing {result.project} ({result.stack}) with {mode}", ""]
    lines += render_tree(result)
    # A count and its type stay on one line: joined by a no-break space while folding.
    per_type = ", ".join(f"{count}\xa0{_short(token)}" for token, count in type_counts(result))
    folded = textwrap.wrap(f"By type: {per_type}", WIDTH, subsequent_indent="  ")
    lines += ["", *(line.replace("\xa0", " ") for line in folded)]
    hidden = set(secret_outputs) | {k for k, v in result.outputs.items() if _is_secret(v)}
    secrets = [value for value in secret_values if value]
    lines += ["", "Outputs:"]
    for key, value in sorted(result.outputs.items()):
        shown = SECRET_MASK if key in hidden or _contains(value, secrets) else _show(value)
        lines.append(fold(f"  {key}: {shown}", WIDTH))
    providers = custom - resources
    lines += [
        "",
        f"{resources} resources to create (and {providers} provider{'s' if providers != 1 else ''}) in "
        f"{components} components, {len(result.outputs)} outputs; "
        f"rehearsed in {result.seconds if seconds is None else seconds:.2f} s",
    ]
    return "\n".join(lines)


def _contains(value: Any, secrets: list[str]) -> bool:
    shown = _show(value)
    return any(secret in shown for secret in secrets)


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SPECIAL_SIG_KEY) == SECRET_SIG


def _short(token: str) -> str:
    """`aws:ec2/instance:Instance` -> `ec2.Instance`, short but unambiguous in a summary."""
    parts = token.split(":")
    return f"{parts[1].split('/')[0]}.{parts[-1]}" if len(parts) == 3 else token


def _noted(token: str, note: str) -> str:
    return textwrap.fill(f"{token}  ({note})", WIDTH, initial_indent="    ", subsequent_indent="      ")


def resource_names(urns: Iterable[str]) -> list[str]:
    """The resources' names (the last `::` part of each URN), sorted."""
    return sorted(urn.rsplit("::", 1)[-1] for urn in urns)


def render_coverage(coverage: Coverage) -> str:
    """Which types AWS's checks covered, which moto could not validate, which were only echoed;
    providers on a line of their own, so the resource counts add up to the report's."""
    lines = ["Emulation:"]
    for status in (
        Validation.VALIDATED.value,
        Validation.UNVALIDATED.value,
        Validation.LOCAL.value,
        NOT_EMULATED,
    ):
        tokens = [t for t in coverage.with_status(status) if not t.startswith(PROVIDER_PREFIX)]
        if tokens:
            total = sum(coverage.counts[t] for t in tokens)
            kinds = "type" if len(tokens) == 1 else "types"
            lines.append(f"  {status}: {len(tokens)} {kinds}, {total} resources")
            if status != Validation.VALIDATED.value:
                lines += [_noted(t, coverage.notes[t]) for t in tokens]
    providers = sorted(t for t in coverage.types if t.startswith(PROVIDER_PREFIX))
    if providers:
        count = sum(coverage.counts[t] for t in providers)
        lines.append(f"  providers: {count}")
        lines += [_noted(t, coverage.notes[t]) for t in providers]
    if not coverage.not_emulated:
        lines.append("  not emulated: none")
    if coverage.assumed:
        count = len(coverage.assumed)
        lines.append(f"  assumed to exist outside the stack (added to the emulated account): {count}")
        for what, urns in sorted(coverage.assumed.items()):
            lines.append(f"    {what}  (used by {', '.join(resource_names(urns))})")
    return "\n".join(lines)
