"""The allowlist of known drift noise (infra/drift/allowlist.yaml): each entry a type, a property path and
the reason it is not drift."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

from infra.drift.paths import PathError, Segment, matches, parse

ALLOWLIST = Path(__file__).with_name("allowlist.yaml")


class AllowlistError(ValueError):
    """The allowlist file is malformed: the message names the file, the entry and what to fix."""


@dataclass(frozen=True)
class Entry:
    type: str
    property: str
    reason: str

    def covers(self, type_token: str, path: tuple[Segment, ...]) -> bool:
        return fnmatchcase(type_token, self.type) and matches(parse(self.property), path)


def _entry(raw: Any, where: str) -> Entry:
    if not isinstance(raw, dict) or set(raw) != {"type", "property", "reason"}:
        raise AllowlistError(f"{where}: an entry has exactly the keys type, property and reason; got {raw!r}")
    values = {key: raw[key] for key in ("type", "property", "reason")}
    for key, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise AllowlistError(f"{where}: {key} must be a non-empty string; got {value!r}")
    try:
        parse(values["property"])
    except PathError as err:
        raise AllowlistError(f"{where}: {err}") from None
    return Entry(**values)


def load(path: Path = ALLOWLIST) -> tuple[Entry, ...]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise AllowlistError(f"{path}: cannot read the allowlist: {err}") from None
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise AllowlistError(f"{path}: the allowlist is a list of entries; got {type(raw).__name__}")
    return tuple(_entry(item, f"{path}, entry {number}") for number, item in enumerate(raw, start=1))
