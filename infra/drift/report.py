"""A stack's drift: the resources and properties whose live state differs from what the program declares,
what was left out and why, and the report as text and as the issue's Markdown."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra.drift.allowlist import Entry
from infra.drift.paths import Segment, matches, parse

# What each operation means when the stack's program has not changed: the live resource drifted.
OPERATIONS = {
    "update": "changed outside Pulumi",
    "replace": "changed outside Pulumi; `pulumi up` would replace it",
    "create": "missing: deleted outside Pulumi (`pulumi up` would create it again)",
    "delete": "in the stack's state but not in the program (`pulumi up` would delete it)",
}


@dataclass(frozen=True)
class PropertyDrift:
    """One property path: `changed`, `added` (live only) or `removed` (declared, not live)."""

    path: str
    kind: str
    declared: Any = None
    live: Any = None

    def line(self) -> str:
        if self.kind == "added":
            return f"{self.path}: added outside Pulumi: {_show(self.live)}"
        if self.kind == "removed":
            return f"{self.path}: removed outside Pulumi (declared {_show(self.declared)})"
        return f"{self.path}: declared {_show(self.declared)}, live {_show(self.live)}"


@dataclass(frozen=True)
class ResourceDrift:
    urn: str
    type: str
    name: str
    op: str
    properties: tuple[PropertyDrift, ...] = ()


@dataclass(frozen=True)
class LeftOut:
    """A difference that is not reported, with the reason (an allowlist entry's, or ignoreChanges)."""

    urn: str
    path: str
    reason: str


@dataclass(frozen=True)
class DriftReport:
    stack: str
    source: str
    drifted: tuple[ResourceDrift, ...]
    left_out: tuple[LeftOut, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_drift(self) -> bool:
        return bool(self.drifted)

    def text(self) -> str:
        lines = [self.headline()]
        for resource in self.drifted:
            lines.append(f"  {resource.type}  {resource.name}: {OPERATIONS[resource.op]}")
            lines += [f"    {prop.line()}" for prop in resource.properties]
        if self.left_out:
            lines.append(f"  left out ({len(self.left_out)}):")
            lines += [f"    {_name(item.urn)} {item.path}: {item.reason}" for item in self.left_out]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def headline(self) -> str:
        if not self.drifted:
            return f"{self.stack}: no drift ({self.source})"
        count = sum(max(1, len(r.properties)) for r in self.drifted)
        return (
            f"{self.stack}: drift in {len(self.drifted)} resource{'s' if len(self.drifted) != 1 else ''}, "
            f"{count} change{'s' if count != 1 else ''} ({self.source})"
        )

    def markdown(self) -> str:
        lines = [f"**{self.headline()}**", ""]
        if self.drifted:
            lines += ["| resource | type | property | declared | live |", "|---|---|---|---|---|"]
            for resource in self.drifted:
                cells = [f"`{resource.name}`", f"`{resource.type}`"]
                if not resource.properties:
                    lines.append("| " + " | ".join([*cells, OPERATIONS[resource.op], "", ""]) + " |")
                for prop in resource.properties:
                    declared = "" if prop.kind == "added" else _cell(prop.declared)
                    live = "" if prop.kind == "removed" else _cell(prop.live)
                    what = f"`{prop.path}`" + ("" if prop.kind == "changed" else f" ({prop.kind})")
                    lines.append("| " + " | ".join([*cells, what, declared, live]) + " |")
            lines.append("")
        if self.left_out:
            lines += [
                f"<details><summary>Left out: {len(self.left_out)} known difference(s)</summary>",
                "",
                *[f"- `{_name(i.urn)}` `{i.path}`: {i.reason}" for i in self.left_out],
                "",
                "</details>",
                "",
            ]
        lines += [f"> {note}" for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _plain(value: Any) -> Any:
    """Pulumi carries every number as a float: 30.0 is shown as AWS shows it, 30."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _show(value: Any) -> str:
    return json.dumps(_plain(value), sort_keys=True)


def _cell(value: Any) -> str:
    text = _show(value) if value is not None else ""
    text = text if len(text) <= 120 else text[:117] + "..."
    return f"`{text}`".replace("|", "\\|") if text else ""


def filtered(
    resources: Iterable[ResourceDrift],
    allowlist: Sequence[Entry],
    ignore_changes: Mapping[str, Sequence[str]] | None = None,
) -> tuple[tuple[ResourceDrift, ...], tuple[LeftOut, ...]]:
    """The resources with their known noise left out, sorted by type and name: first what the resource's
    own ignoreChanges names (the engine never diffs those), then what an allowlist entry covers. A resource
    left with no property is dropped; one whose operation needs no property (created, deleted) is kept."""
    kept: list[ResourceDrift] = []
    left_out: list[LeftOut] = []
    for resource in resources:
        ignored = [parse(p) for p in (ignore_changes or {}).get(resource.urn, ())]
        properties = []
        for prop in resource.properties:
            segments = parse(prop.path)
            reason = _reason(resource.type, segments, allowlist, ignored)
            if reason is None:
                properties.append(prop)
            else:
                left_out.append(LeftOut(resource.urn, prop.path, reason))
        if properties or not resource.properties:
            kept.append(
                ResourceDrift(resource.urn, resource.type, resource.name, resource.op, tuple(properties))
            )
    # By type and name, not in the engine's order (which varies from run to run): the same drift reads the
    # same, and the issue is not rewritten for nothing.
    kept.sort(key=lambda r: (r.type, r.name, r.urn))
    left_out.sort(key=lambda item: (item.urn, item.path))
    return tuple(kept), tuple(left_out)


def _reason(
    type_token: str, path: tuple[Segment, ...], allowlist: Sequence[Entry], ignored: list[tuple[Segment, ...]]
) -> str | None:
    if any(matches(pattern, path) for pattern in ignored):
        return "in the resource's ignoreChanges"
    entry = next((entry for entry in allowlist if entry.covers(type_token, path)), None)
    return None if entry is None else f"allowlisted: {' '.join(entry.reason.split())}"
