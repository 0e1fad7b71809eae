"""Drift from `pulumi preview --refresh --expect-no-changes --json`: the engine's preview digest
(pkg/display `PreviewDigest`: steps with op, urn, oldState, newState, diffReasons, detailedDiff; diagnostics;
changeSummary), told apart from a preview that failed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from infra.drift.paths import PathError, Segment, parse
from infra.drift.report import PropertyDrift, ResourceDrift

# Steps that change nothing in the cloud. The root stack's step carries only the stack's outputs.
NO_CHANGE = {"same", "read", "refresh", "discard", "discard-replaced", "remove-pending-replace"}
ROOT_STACK = "pulumi:pulumi:Stack"
OPERATION = {
    "update": "update",
    "replace": "replace",
    "create-replacement": "replace",
    "delete-replaced": "replace",
    "create": "create",
    "delete": "delete",
}
# detailedDiff kinds say what `pulumi up` would do to the refreshed (live) state: adding a property means
# the live resource lacks it, deleting one means the live resource has one the program does not declare.
KIND = {
    "add": "removed",
    "add-replace": "removed",
    "delete": "added",
    "delete-replace": "added",
    "update": "changed",
    "update-replace": "changed",
}


class PreviewFailed(Exception):
    """The preview did not run to a verdict (no digest, an error diagnostic, or a failure that proposed no
    change): not drift. The message says what to look at."""


@dataclass(frozen=True)
class PreviewResult:
    resources: tuple[ResourceDrift, ...]
    warnings: tuple[str, ...]
    maybe_corrupt: bool


def _at(value: Any, path: tuple[Segment, ...]) -> Any:
    for segment in path:
        if isinstance(value, dict) and isinstance(segment, str):
            value = value.get(segment)
        elif isinstance(value, list) and isinstance(segment, int) and segment < len(value):
            value = value[segment]
        else:
            return None
    return value


def _properties(step: dict[str, Any]) -> tuple[PropertyDrift, ...]:
    old = step.get("oldState") or {}
    live = {**(old.get("inputs") or {}), **(old.get("outputs") or {})}
    declared = (step.get("newState") or {}).get("inputs") or {}
    detailed = step.get("detailedDiff") or {}
    found = []
    if detailed:
        items = [(path, KIND.get(str(diff.get("kind")), "changed")) for path, diff in detailed.items()]
    else:
        items = [(str(key), "changed") for key in step.get("diffReasons") or step.get("replaceReasons") or []]
    for path, kind in sorted(items):
        try:
            segments = parse(path)
        except PathError:
            segments = (path,)
        found.append(
            PropertyDrift(
                path,
                kind,
                None if kind == "added" else _at(declared, segments),
                None if kind == "removed" else _at(live, segments),
            )
        )
    return tuple(found)


def drift_from_digest(digest: dict[str, Any]) -> tuple[ResourceDrift, ...]:
    """One entry per URN: a replacement's steps (replace, create-replacement, delete-replaced) are one."""
    by_urn: dict[str, ResourceDrift] = {}
    for step in digest.get("steps") or []:
        op, urn = str(step.get("op")), str(step.get("urn"))
        parts = urn.split("::")
        type_token = parts[2].split("$")[-1] if len(parts) >= 4 else ""
        if op in NO_CHANGE or type_token == ROOT_STACK:
            continue
        properties = _properties(step)
        known = by_urn.get(urn)
        if known is None or (properties and not known.properties):
            by_urn[urn] = ResourceDrift(urn, type_token, parts[-1], OPERATION.get(op, "update"), properties)
    return tuple(by_urn.values())


def read_preview(text: str, exit_status: int) -> PreviewResult:
    """The drift a preview found, or PreviewFailed when it found none because it did not run through."""
    try:
        digest = json.loads(text)
    except json.JSONDecodeError:
        digest = None
    if not isinstance(digest, dict):
        raise PreviewFailed(
            f"pulumi preview exited {exit_status} without a JSON digest on stdout: it did not run "
            "(login, credentials, the stack name, plugins?); read its stderr above"
        )
    diagnostics = digest.get("diagnostics") or []
    errors = [str(d.get("message", "")).strip() for d in diagnostics if d.get("severity") == "error"]
    if errors:
        raise PreviewFailed(f"pulumi preview exited {exit_status} with errors: " + " | ".join(errors))
    resources = drift_from_digest(digest)
    if exit_status != 0 and not resources:
        raise PreviewFailed(
            f"pulumi preview exited {exit_status} but proposed no change: a failure, not drift; "
            "read its stderr above"
        )
    warnings = tuple(str(d.get("message", "")).strip() for d in diagnostics if d.get("severity") == "warning")
    return PreviewResult(resources, warnings, bool(digest.get("maybeCorrupt")))
