"""Build policy resources and stacks by hand for rule tests."""

from __future__ import annotations

from typing import Any

from infra.naming import default_tags
from infra.policies.model import Resource

TAGS = default_tags(environment="dev", stack="dev", owner="platform-team")
PROD_TAGS = default_tags(environment="prod", stack="prod", owner="platform-team")


def urn(type_token: str, name: str) -> str:
    return f"urn:pulumi:dev::postings::{type_token}::{name}"


def res(
    type_token: str,
    name: str,
    props: dict[str, Any] | None = None,
    *,
    prod: bool = False,
    refs: dict[str, list[Resource]] | None = None,
) -> Resource:
    """A resource on the platform's provider (default tags of dev, or prod), referring to `refs`."""
    return Resource(
        urn=urn(type_token, name),
        type=type_token,
        name=name,
        props=props or {},
        provider_tags=PROD_TAGS if prod else TAGS,
        refs={prop: tuple(r.urn for r in targets) for prop, targets in (refs or {}).items()},
    )
