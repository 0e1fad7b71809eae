"""The change between two plans: creates, updates (per property), replacements, deletes; destructive first."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from infra.rehearsal.replacements import forcing_replacement, is_downgrade, stateful_kind, top_level


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
    cascade: tuple[str, str] | None = None
    """(URN of the replaced resource, input of this one that takes its id, ARN or name): a replacement
    caused by another, since the new resource gets a new id."""

    @property
    def reason(self) -> str:
        """Why the action happens, in a few words (markdown code spans around names)."""
        if self.action is Action.DELETE:
            return "removed from the program"
        forced = [p.path for p in self.properties if p.forces_replacement]
        if forced:
            return f"`{', '.join(forced)}` forces replacement"
        if self.cascade is not None:
            cause, prop = self.cascade
            return f"`{prop}` takes the id of `{cause.rsplit('::', 1)[-1]}`, which is replaced"
        return str(self.action.value)

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
        downgraded = [p.path for p in props if is_downgrade(p.old, p.new)]
        forced = set(
            forcing_replacement(token, [p.path for p in props], after.get("replaceOnChanges", []), downgraded)
        )
        marked = tuple(PropertyChange(p.path, p.old, p.new, p.path in forced) for p in props)
        action = Action.REPLACE if forced else Action.UPDATE
        changes.append(ResourceChange(urn, token, name, action, marked, kind))
    changes = _cascade(changes, new)
    changes.sort(key=lambda c: (not c.destructive, _ORDER[c.action], c.type, c.name, c.urn))
    outputs = property_changes(base.get("outputs", {}), head.get("outputs", {}), frozenset())
    return PlanDiff(
        stack=str(head.get("stack", base.get("stack", ""))), changes=tuple(changes), outputs=tuple(outputs)
    )


def _references(value: Any, urns: set[str]) -> str | None:
    """The first replaced URN that `value` refers to (`${urn.id}`, also inside strings), or None."""
    if isinstance(value, str):
        return next((urn for urn in urns if "${" + urn + "." in value), None)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return next((found for item in value if (found := _references(item, urns)) is not None), None)
    return None


def _cascade(changes: list[ResourceChange], head: Mapping[str, Mapping[str, Any]]) -> list[ResourceChange]:
    """Replace every resource whose replace-on-change input takes a replaced resource's id, ARN or name
    (a new subnet for a new VPC), until nothing more follows. Each cascade names its cause."""
    by_urn = {c.urn: c for c in changes}
    replaced = {c.urn for c in changes if c.action is Action.REPLACE}
    frontier = set(replaced)
    while frontier:
        following: set[str] = set()
        for urn, resource in head.items():
            current = by_urn.get(urn)
            if urn in replaced or (current is not None and current.action is not Action.UPDATE):
                continue
            inputs = resource.get("inputs", {})
            for prop in sorted(inputs):
                cause = _references(inputs[prop], frontier)
                if cause is None or not forcing_replacement(
                    resource["type"], [prop], resource.get("replaceOnChanges", [])
                ):
                    continue
                by_urn[urn] = ResourceChange(
                    urn,
                    resource["type"],
                    resource["name"],
                    Action.REPLACE,
                    tuple(current.properties) if current is not None else (),
                    stateful_kind(resource["type"]),
                    cascade=(cause, prop),
                )
                following.add(urn)
                break
        replaced |= following
        frontier = following
    return list(by_urn.values())


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
        action = change.action.value
        if change.cascade is not None:
            action += f": {change.reason.replace('`', '')}"
        lines.append(f"{SYMBOLS[change.action]:>2} {change.type}  {change.name}  ({action}){flag}")
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
