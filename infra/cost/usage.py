"""The usage assumptions an estimate multiplies prices by: infra/cost/usage.yaml, overridable."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

USAGE_FILE = Path(__file__).resolve().parent / "usage.yaml"


class UsageError(Exception):
    """An assumption is unknown or not a number; the message names it and the known keys."""


def load_usage(path: Path = USAGE_FILE) -> dict[str, Decimal]:
    """Every assumption in the file, as exact decimals."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: expected a mapping of assumption -> number")
    return {str(key): _number(str(key), value, str(path)) for key, value in raw.items()}


def with_overrides(usage: Mapping[str, Decimal], overrides: Iterable[str]) -> dict[str, Decimal]:
    """`usage` with each `key=value` applied; an unknown key, or a value not a number >= 0, is refused."""
    result = dict(usage)
    for item in overrides:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep:
            raise UsageError(f"--assume {item}: expected key=value, e.g. natGbPerMonth=200")
        if key not in usage:
            raise UsageError(
                f"--assume {item}: unknown assumption {key!r}; known: {', '.join(sorted(usage))}"
            )
        result[key] = _number(key, value.strip(), "--assume")
    return result


def _number(key: str, value: object, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise UsageError(f"{where}: {key} = {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise UsageError(f"{where}: {key} = {value!r} must be a number >= 0")
    return number
