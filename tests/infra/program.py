"""Run the platform program for a stack under recording mocks, once per config, and query what it declared."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pulumi.runtime import rpc

from infra.rehearsal.engine import Registration, RunResult, load_project, read_stack_config, run_program
from infra.rehearsal.recording import RecordingMocks

ROOT = Path(__file__).resolve().parents[2]
PROJECT = load_project(ROOT)


def stack_config(stack: str, **overrides: Any) -> dict[str, str]:
    """The stack file's config with `postings:` keys replaced (values given as Python data)."""
    config, _ = read_stack_config(PROJECT, stack)
    for key, value in overrides.items():
        full = key if ":" in key else f"postings:{key}"
        if value is None:
            config.pop(full, None)
        else:
            config[full] = value if isinstance(value, str) else json.dumps(value)
    return config


@cache
def _run(stack: str, frozen: tuple[tuple[str, str], ...]) -> RunResult:
    return run_program(PROJECT, stack, RecordingMocks(account_id="111111111111"), config=dict(frozen))


def run(stack: str, **overrides: Any) -> RunResult:
    """Rehearse `stack` (optionally with config overrides) once per distinct config."""
    return _run(stack, tuple(sorted(stack_config(stack, **overrides).items())))


def children(result: RunResult, component_type: str, name: str | None = None) -> list[Registration]:
    """Resources parented (directly or through nested components) by the component of that type."""
    roots = [r for r in result.registrations if r.type == component_type and (name is None or r.name == name)]
    if not roots:
        raise KeyError(f"no {component_type} named {name!r}")
    found: list[Registration] = []
    frontier = {r.urn for r in roots}
    while frontier:
        level = [r for r in result.registrations if r.parent in frontier]
        found.extend(level)
        frontier = {r.urn for r in level}
    return found


def is_secret(value: Any) -> bool:
    """True for a value the engine received marked secret (encrypted in state, masked in output)."""
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


def reveal(value: Any) -> Any:
    """The value inside a secret marker (tests only: to compare it with the generated password)."""
    if is_secret(value):
        return reveal(value["value"])
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def ids(registrations: list[Registration]) -> list[str]:
    """Sorted physical ids of custom resources (which always have one)."""
    return sorted(str(r.id) for r in registrations)


def subnet_ids(result: RunResult, tier: str) -> list[str]:
    """Ids of the subnets of one tier (public, app, data)."""
    return ids([r for r in result.by_type("aws:ec2/subnet:Subnet") if r.inputs["tags"]["Tier"] == tier])
