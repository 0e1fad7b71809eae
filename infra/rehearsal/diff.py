"""The change between two plans: creates, updates (per property), replacements, deletes; destructive first."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from infra.rehearsal.replacements import forcing_replacement, stateful_kind, top_level


class Action(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"


SYMBOLS = {Action.CREATE: "+", Action.UPDATE: "~", Action.REPLACE: "+-", Action.DELETE: "-"}
_ORDER = {Action.REPLACE: 0, Action.DELETE: 1, Action.UPDATE: 2, Action.CREATE: 3}
_MISSING = object()


@dataclass(frozen=True)
class PropertyChange:
    path: str
    old: Any
    new: Any
    forces_replacement: bool = False


@dataclass(frozen=True)
class ResourceChange:
    urn: str
    type: str
    name: str
    action: Action
    properties: tuple[PropertyChange, ...] = ()
    stateful_kind: str | None = None

    @property
    def destructive(self) -> bool:
        """Deleting or replacing a resource that holds data destroys the data."""
        return self.stateful_kind is not None and self.action in (Action.DELETE, Action.REPLACE)


@dataclass(frozen=True)
class PlanDiff:
    stack: str
    changes: tuple[ResourceChange, ...]
    outputs: tuple[PropertyChange, ...] = field(default=())

    @property
    def destructive(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.destructive]

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)

    @property
    def empty(self) -> bool:
        return not self.changes and not self.outputs


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    """Dicts flatten to dotted paths; lists and scalars are compared whole."""
    if isinstance(value, dict) and value:
        for key in sorted(value):
            _flatten(value[key], f"{path}.{key}" if path else key, out)
    else:
        out[path] = value


def property_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], ignore: frozenset[str]
) -> list[PropertyChange]:
    flat_old: dict[str, Any] = {}
    flat_new: dict[str, Any] = {}
    _flatten(dict(old), "", flat_old)
    _flatten(dict(new), "", flat_new)
    changes = []
    for path in sorted(set(flat_old) | set(flat_new)):
        if top_level(path) in ignore:
            continue
        before, after = flat_old.get(path, _MISSING), flat_new.get(path, _MISSING)
        if before != after:
            changes.append(
                PropertyChange(
                    path, None if before is _MISSING else before, None if after is _MISSING else after
                )
            )
    return changes


def diff_plans(base: Mapping[str, Any], head: Mapping[str, Any]) -> PlanDiff:
    """Compare two plans of the same stack resource by resource (custom resources; components group)."""
    old = {r["urn"]: r for r in base["resources"] if r.get("custom", True)}
    new = {r["urn"]: r for r in head["resources"] if r.get("custom", True)}
    changes: list[ResourceChange] = []
    for urn in sorted(set(old) | set(new)):
        before, after = old.get(urn), new.get(urn)
        current = after or before
        assert current is not None
        token, name = current["type"], current["name"]
        kind = stateful_kind(token)
        if before is None:
            changes.append(ResourceChange(urn, token, name, Action.CREATE, stateful_kind=kind))
            continue
        if after is None:
            changes.append(ResourceChange(urn, token, name, Action.DELETE, stateful_kind=kind))
            continue
        ignore = frozenset(after.get("ignoreChanges", []))
        props = property_changes(before.get("inputs", {}), after.get("inputs", {}), ignore)
        if not props:
            continue
        forced = set(forcing_replacement(token, [p.path for p in props], after.get("replaceOnChanges", [])))
        marked = tuple(PropertyChange(p.path, p.old, p.new, p.path in forced) for p in props)
        action = Action.REPLACE if forced else Action.UPDATE
        changes.append(ResourceChange(urn, token, name, action, marked, kind))
    changes.sort(key=lambda c: (not c.destructive, _ORDER[c.action], c.type, c.name, c.urn))
    outputs = property_changes(base.get("outputs", {}), head.get("outputs", {}), frozenset())
    return PlanDiff(
        stack=str(head.get("stack", base.get("stack", ""))), changes=tuple(changes), outputs=tuple(outputs)
    )


def show(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def render_text(diff: PlanDiff) -> str:
    """The diff for a terminal: one line per resource, its changed properties under it."""
    lines = [summary_line(diff)]
    if diff.destructive:
        lines.append(f"DESTRUCTIVE: {len(diff.destructive)} change(s) destroy or replace stateful resources")
    for change in diff.changes:
        flag = "  [destructive]" if change.destructive else ""
        lines.append(
            f"{SYMBOLS[change.action]:>2} {change.type}  {change.name}  ({change.action.value}){flag}"
        )
        for prop in change.properties:
            why = "  (forces replacement)" if prop.forces_replacement else ""
            lines.append(f"      {prop.path}: {show(prop.old)} => {show(prop.new)}{why}")
    for prop in diff.outputs:
        lines.append(f"   output {prop.path}: {show(prop.old)} => {show(prop.new)}")
    return "\n".join(lines)


def summary_line(diff: PlanDiff) -> str:
    if diff.empty:
        return f"{diff.stack}: no changes"
    counts = ", ".join(
        f"{diff.count(a)} to {a.value}" for a in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)
    )
    return f"{diff.stack}: {counts}; {len(diff.outputs)} output(s) change"
