"""Suppressions: one rule off for one resource, with a reason, declared next to it as a tag."""

from __future__ import annotations

import re
from collections.abc import Mapping

TAG_PREFIX = "policy:suppress:"
MAX_REASON = 256
# What AWS accepts in a tag value across services: letters, digits, spaces and _ . : / = + - @
REASON_CHARACTERS = re.compile(r"^[\w .:/=+\-@]*$")


class SuppressionError(ValueError):
    """A suppression names no known rule or gives no usable reason; the message says what to change."""


def reason_problem(reason: str) -> str | None:
    """Why `reason` cannot be a suppression reason, or None when it can."""
    if not reason.strip():
        return "the reason is empty; say why the finding is intended"
    if len(reason) > MAX_REASON:
        return f"the reason is {len(reason)} characters; a tag value holds {MAX_REASON}"
    if not REASON_CHARACTERS.match(reason):
        bad = sorted({c for c in reason if not REASON_CHARACTERS.match(c)})
        allowed = "letters, digits, spaces and _ . : / = + - @"
        return f"the reason contains {''.join(bad)!r}; tag values allow {allowed}"
    return None


def suppress(rule_id: str, reason: str) -> dict[str, str]:
    """The tag that suppresses `rule_id` on the resource it is merged into:
    `tags={**other_tags, **suppress("ec2-no-public-ip", "...")}`. Raises SuppressionError at once for an
    unknown rule or an empty or untaggable reason, so a bad suppression never reaches a preview."""
    from infra.policies.rules import RULE_IDS  # the rules import this module's parser

    if rule_id not in RULE_IDS:
        raise SuppressionError(
            f"cannot suppress unknown rule {rule_id!r}; known rules are listed in infra/policies/README.md"
        )
    problem = reason_problem(reason)
    if problem is not None:
        raise SuppressionError(f"suppression of {rule_id}: {problem}")
    return {f"{TAG_PREFIX}{rule_id}": reason}


def declared(tags: Mapping[str, str]) -> dict[str, str]:
    """Rule id -> reason for every suppression tag among a resource's own tags."""
    return {key[len(TAG_PREFIX) :]: str(value) for key, value in tags.items() if key.startswith(TAG_PREFIX)}
