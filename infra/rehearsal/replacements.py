"""Which input changes force replacement and which types hold data a replacement destroys, from the specs.

Changing a property in a type's `replace_on` (the AWS provider schema's ForceNew) makes `pulumi up` delete
the resource and create a new one; `*` means every input does (the type has no update). A property path
matches its first segment: `rootBlockDevice` covers `rootBlockDevice.encrypted`. Resources add to it with
`replaceOnChanges`.
"""

from __future__ import annotations

from collections.abc import Iterable

from infra.rehearsal.spec import EVERY_INPUT, all_specs


def top_level(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def replace_on(token: str) -> frozenset[str]:
    """The inputs of `token` whose change forces replacement (none known for a type without a spec)."""
    spec = all_specs().get(token)
    return spec.replace_on if spec is not None else frozenset()


def stateful_kind(token: str) -> str | None:
    """What data deleting or replacing a resource of `token` loses ("database"), or None."""
    spec = all_specs().get(token)
    return (spec.stateful or None) if spec is not None else None


def _version(value: object) -> tuple[int, ...] | None:
    parts = str(value).split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def is_downgrade(old: object, new: object) -> bool:
    """`new` is a lower dotted version than `old` (7.1 -> 6.2); False when either is not a version."""
    before, after = _version(old), _version(new)
    return before is not None and after is not None and after < before


def forcing_replacement(
    token: str,
    changed: Iterable[str],
    replace_on_changes: Iterable[str] = (),
    downgraded: Iterable[str] = (),
) -> list[str]:
    """The changed property paths that force `token` to be replaced; `downgraded` are the changed paths
    whose version went down."""
    forced = replace_on(token) | {top_level(p) for p in replace_on_changes}
    spec = all_specs().get(token)
    if spec is not None:
        forced |= spec.replace_on_downgrade & {top_level(p) for p in downgraded}
    if EVERY_INPUT in forced:
        return sorted(changed)
    return sorted(p for p in changed if top_level(p) in forced)
