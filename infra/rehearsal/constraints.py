"""AWS's own constraints on a request, read from botocore's service model: enums, lengths, patterns, ranges.

botocore's client-side validation checks required members, types and minimums only, and moto mostly trusts
its input, so a value AWS refuses (an unknown enum value, a name over its length, a string off its pattern, a
number out of range, a list too long) would pass an emulated call. Every request an emulator sends is checked
here first (`Context.aws`), for all services alike.

Patterns in the models are Java regular expressions (`\\p{L}`, `\\p{Punct}`) that the whole value must match,
as AWS's validation does ("Member must satisfy regular expression pattern"); the `regex` module reads that
dialect. A pattern it still cannot compile is not enforced, and
`unreadable_patterns()` says which.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import regex
from botocore.model import OperationModel, Shape

_UNREADABLE: set[str] = set()


@dataclass(frozen=True)
class Violation:
    """One parameter of a request outside what the service model allows."""

    path: tuple[str | int, ...]
    """Member names and list indexes from the request's top level, e.g. ("ClusterConfig", "InstanceType")."""
    constraint: str
    """What the model requires, e.g. "one of: gp2, gp3, io1" or "at most 63 characters"."""
    value: Any
    sensitive: bool = False
    """The member holds a secret: its value is never shown."""

    @property
    def dotted(self) -> str:
        return ".".join(f"[{p}]" if isinstance(p, int) else p for p in self.path).replace(".[", "[")


# Java writes supplementary code points as \u10000 (5 hex digits), which no Python dialect reads.
_JAVA_FIXES = (("\\u10000", "\\U00010000"), ("\\u10FFFF", "\\U0010FFFF"))


@functools.cache
def _compiled(pattern: str) -> regex.Pattern[str] | None:
    source = pattern
    if len(source) > 2 and source.startswith("/") and source.endswith("/"):
        source = source[1:-1]  # a few models write the pattern as a JavaScript literal, /^...$/
    for java, python in _JAVA_FIXES:
        source = source.replace(java, python)
    try:
        return regex.compile(source)
    except regex.error:
        _UNREADABLE.add(pattern)
        return None


def unreadable_patterns() -> list[str]:
    """Patterns met so far that could not be compiled (and so were not enforced)."""
    return sorted(_UNREADABLE)


def _shown(values: list[str], limit: int = 12) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f", ... ({len(values)} values)" if len(values) > limit else "")


def _check(shape: Shape, value: Any, path: tuple[str | int, ...]) -> Iterator[Violation]:
    if shape.metadata.get("sensitive"):
        for found in _check_plain(shape, value, path):
            yield Violation(found.path, found.constraint, "[secret]", sensitive=True)
        return
    yield from _check_plain(shape, value, path)


def _check_plain(shape: Shape, value: Any, path: tuple[str | int, ...]) -> Iterator[Violation]:
    meta = shape.metadata
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members  # type: ignore[attr-defined]
        for key, item in value.items():
            if key in members and item is not None:
                yield from _check(members[key], item, (*path, key))
    elif kind == "list" and isinstance(value, list):
        yield from _size(meta, len(value), "items", value, path)
        member = shape.member  # type: ignore[attr-defined]
        for index, item in enumerate(value):
            yield from _check(member, item, (*path, index))
    elif kind == "map" and isinstance(value, Mapping):
        yield from _size(meta, len(value), "entries", value, path)
        for key, item in value.items():
            yield from _check(shape.key, key, (*path, str(key)))  # type: ignore[attr-defined]
            yield from _check(shape.value, item, (*path, str(key)))  # type: ignore[attr-defined]
    elif kind == "string" and isinstance(value, str):
        enum = shape.enum  # type: ignore[attr-defined]
        if enum and value not in enum:
            yield Violation(path, f"one of: {_shown(list(enum))}", value)
            return
        yield from _size(meta, len(value), "characters", value, path)
        pattern = meta.get("pattern")
        compiled = _compiled(pattern) if pattern else None
        if compiled is not None and not compiled.fullmatch(value):
            yield Violation(path, f"matching the pattern {pattern}", value)
    elif kind in ("integer", "long", "float", "double") and isinstance(value, int | float):
        if "min" in meta and value < meta["min"]:
            yield Violation(path, f"at least {meta['min']}", value)
        if "max" in meta and value > meta["max"]:
            yield Violation(path, f"at most {meta['max']}", value)


def _size(
    meta: Mapping[str, Any], size: int, unit: str, value: Any, path: tuple[str | int, ...]
) -> Iterator[Violation]:
    if "min" in meta and size < meta["min"]:
        yield Violation(path, f"at least {meta['min']} {unit} (has {size})", value)
    if "max" in meta and size > meta["max"]:
        yield Violation(path, f"at most {meta['max']} {unit} (has {size})", value)


def violations(operation: OperationModel, params: Mapping[str, Any]) -> list[Violation]:
    """Every parameter of `params` outside what `operation`'s input shape allows."""
    shape = operation.input_shape
    if shape is None:
        return []
    return list(_check(shape, params, ()))


def _integral(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long") and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members  # type: ignore[attr-defined]
        return {k: _integral(members[k], v) if k in members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_integral(shape.member, v) for v in value]  # type: ignore[attr-defined]
    if kind == "map" and isinstance(value, Mapping):
        return {k: _integral(shape.value, v) for k, v in value.items()}  # type: ignore[attr-defined]
    return value


def with_integers(operation: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` with whole floats turned into ints where the model wants an integer: Pulumi hands every
    number to the program's mocks as a float (300 arrives as 300.0), which botocore would refuse."""
    shape = operation.input_shape
    return dict(params) if shape is None else dict(_integral(shape, params))
