"""The offline adapter: a rehearsal's registrations as policy resources, and their findings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pulumi.runtime import rpc

from infra.policies.evaluate import Report, evaluate
from infra.policies.model import Resource, as_mapping
from infra.rehearsal.engine import Registration, RunResult, SourcePosition

AWS_PROVIDER = "pulumi:providers:aws"


def _plain(value: Any) -> Any:
    """Inputs with the SDK's secret markers removed: rules judge declared values, secret or not."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return _plain(value.get("value"))
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire format has only doubles; ports and counts read as declared
    return value


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _default_tags(registrations: list[Registration]) -> dict[str, str]:
    """The aws provider's default tags. The recording does not say which provider a resource used, so
    they count only when the stack has exactly one aws provider (the platform pins one); with several,
    resources are judged on their own tags alone."""
    providers = [r for r in registrations if r.type == AWS_PROVIDER]
    if len(providers) != 1:
        return {}
    tags = as_mapping(as_mapping(providers[0].inputs.get("defaultTags")).get("tags"))
    return {str(k): str(v) for k, v in tags.items()}


def resources_from(result: RunResult) -> list[Resource]:
    """Policy resources for every custom resource of a run, each with the file and line that declared it.
    A property refers to another resource when one of its values is that resource's id, ARN or name and
    the engine recorded the dependency."""
    custom = [r for r in result.registrations if r.custom and not r.type.startswith("pulumi:providers:")]
    by_urn = {r.urn: r for r in custom}
    default_tags = _default_tags(result.registrations)
    resources = []
    for registration in custom:
        # Several dependencies can share an identifier (an S3 bucket's public access block has the
        # bucket's name as its id): a value refers to every dependency it identifies, in any order.
        keys: dict[str, set[str]] = {}
        for urn in registration.dependencies:
            dependency = by_urn.get(urn)
            if dependency is None:
                continue
            for key in (dependency.id, dependency.state.get("arn"), dependency.state.get("name")):
                if isinstance(key, str) and key:
                    keys.setdefault(key, set()).add(urn)
        props = _plain(registration.inputs)
        refs = {
            prop: tuple(sorted(set().union(*(keys[s] for s in _strings(value) if s in keys))))
            for prop, value in props.items()
        }
        resources.append(
            Resource(
                urn=registration.urn,
                type=registration.type,
                name=registration.name,
                props=props,
                provider_tags=default_tags if registration.type.startswith("aws:") else {},
                refs={k: v for k, v in refs.items() if v},
                source=registration.source,
            )
        )
    return resources


@dataclass(frozen=True)
class Judgement:
    """The policy report of one rehearsal with the resources it judged, which say where each finding's
    resource is declared."""

    report: Report
    resources: tuple[Resource, ...]

    @cached_property
    def _sources(self) -> dict[str, SourcePosition]:
        return {r.urn: r.source for r in self.resources if r.source is not None}

    def source(self, urn: str) -> SourcePosition | None:
        return self._sources.get(urn)


def judge(result: RunResult) -> Judgement:
    resources = tuple(resources_from(result))
    return Judgement(report=evaluate(result.stack, resources), resources=resources)


def findings_for(result: RunResult) -> Report:
    """The policy report of one rehearsal (what `infra rehearse` and `infra policy` print)."""
    return judge(result).report
