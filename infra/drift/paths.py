"""Pulumi property paths (`tags["aws:backup"]`, `ingress[0].fromPort`): parsed, printed as the engine
prints them in a detailed diff, and matched against allowlist and ignoreChanges patterns."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase

Segment = str | int

# The engine prints a key with a dot when it is an identifier, else quoted in brackets
# (sdk/go/common/resource/properties_path.go, PropertyPath.String).
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_TOKEN = re.compile(r'\.?([^.\[\]"]+)|\[(\d+|\*)\]|\["((?:[^"\\]|\\.)*)"\]')


class PathError(ValueError):
    """A property path that does not parse: the message quotes it."""


def parse(path: str) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    position = 0
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None or (match.group(1) is not None and position > 0 and path[position] != "."):
            raise PathError(f"not a property path: {path!r} (at character {position})")
        name, index, quoted = match.groups()
        if name is not None:
            segments.append(name)
        elif index is not None:
            segments.append("*" if index == "*" else int(index))
        else:
            segments.append(json.loads(f'"{quoted}"'))
        position = match.end()
    if not segments:
        raise PathError("an empty property path")
    return tuple(segments)


def render(segments: tuple[Segment, ...]) -> str:
    text = ""
    for segment in segments:
        if isinstance(segment, int):
            text += f"[{segment}]"
        elif segment == "*":
            text += "[*]" if text else "*"
        elif _IDENTIFIER.fullmatch(segment):
            text += f".{segment}" if text else segment
        else:
            text += f"[{json.dumps(segment)}]"
    return text


def matches(pattern: tuple[Segment, ...], path: tuple[Segment, ...]) -> bool:
    """Whether `path` is `pattern` or lies under it; a string segment of the pattern is a shell-style
    glob (`aws:*`), and `*` also matches any list index."""
    if len(path) < len(pattern):
        return False
    for want, have in zip(pattern, path, strict=False):
        if isinstance(want, int):
            if want != have:
                return False
        elif not fnmatchcase(str(have), want):
            return False
    return True
