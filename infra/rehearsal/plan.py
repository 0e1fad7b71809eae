"""Deterministic plans: what a rehearsal declared, with ids and ARNs as URN references and secrets redacted.

The same program and config give a byte-identical file on every run and machine, so two plans diff
cleanly: values the cloud generates (ids, ARNs, endpoints) are written as `${<urn>.<property>}`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from infra.rehearsal.engine import SECRET_SIG, SECURE_PLACEHOLDER, SPECIAL_SIG_KEY, Registration, RunResult

PLAN_FORMAT = 1
REDACTED = "[secret]"
# Outputs that hold a secret although the monitor sees them unmarked (the SDK marks them client-side).
SECRET_OUTPUTS = frozenset({"result", "bcryptHash", "password", "authToken", "secretString", "secretBinary"})
_SECRET_FIELD = re.compile(r"password|token|secret|key")
# A generated value worth a reference: long enough and shaped like an id, ARN, host name or URL.
_GENERATED = re.compile(r"^(?=.*[0-9./:-]).{8,}$")
# Ids may be short (Amazon MQ's) but are never plain words.
_GENERATED_ID = re.compile(r"^(?=.*[0-9]).{6,}$")


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SPECIAL_SIG_KEY) == SECRET_SIG


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and not _is_secret(value):
        for key in sorted(value):
            yield from _leaves(value[key], f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def _secret_values(value: Any) -> Iterator[str]:
    """The plain strings under a secret marker: the whole value, or its password-like fields (a
    username beside a password in `users` stays readable)."""
    if _is_secret(value):
        for path, leaf in _leaves(value.get("value"), ""):
            field = path.rsplit(".", 1)[-1].lower()
            if isinstance(leaf, str) and leaf and (path == "" or _SECRET_FIELD.search(field)):
                yield leaf
    elif isinstance(value, dict):
        for item in value.values():
            yield from _secret_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _secret_values(item)


class References:
    """Generated value -> `${urn.property}`; ids first, then ARNs, then other computed outputs."""

    def __init__(self, registrations: Iterable[Registration], literals: Iterable[str]) -> None:
        ranked: list[tuple[int, str, str, str]] = []
        for r in registrations:
            if not r.custom:
                continue
            declared = {leaf for _, leaf in _leaves(r.inputs, "") if isinstance(leaf, str)}
            if r.id and r.id not in declared and _GENERATED_ID.match(r.id):
                ranked.append((0, r.urn, "id", r.id))
            for key, value in r.state.items():
                if key in r.inputs or key in SECRET_OUTPUTS:
                    continue
                for path, leaf in _leaves(value, key):
                    if isinstance(leaf, str):
                        ranked.append((1 if key == "arn" else 2, r.urn, path, leaf))
        keep = set(literals)
        self.values: dict[str, str] = {}
        for _, urn, path, value in sorted(ranked):
            generated = _GENERATED_ID if path == "id" else _GENERATED
            if value not in keep and generated.match(value) and value not in self.values:
                self.values[value] = f"${{{urn}.{path}}}"
        # Longest first, so an ARN is replaced before the id inside it.
        self._ordered = sorted(self.values, key=lambda v: (-len(v), v))
        self._pattern = re.compile("|".join(re.escape(v) for v in self._ordered)) if self._ordered else None

    def replace(self, text: str) -> str:
        exact = self.values.get(text)
        if exact is not None:
            return exact
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.values[m.group(0)], text)


class Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        values = sorted({s for s in secrets if s and s != SECURE_PLACEHOLDER}, key=lambda v: (-len(v), v))
        self._pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def redact(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub(REDACTED, text)


def _normalise(value: Any, references: References, redactor: Redactor) -> Any:
    if _is_secret(value):
        return REDACTED
    if isinstance(value, dict):
        return {key: _normalise(value[key], references, redactor) for key in sorted(value)}
    if isinstance(value, list):
        return [_normalise(item, references, redactor) for item in value]
    if isinstance(value, str):
        return redactor.redact(references.replace(value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def build_plan(
    result: RunResult,
    *,
    config: Mapping[str, str],
    secret_keys: Iterable[str] = (),
    coverage: Mapping[str, str] | None = None,
    assumed: Mapping[str, Iterable[str]] | None = None,
    account_id: str = "",
    region: str = "",
    policy: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The plan of one rehearsal as plain data (see the module docstring); `policy` is the policy
    pack's report on it (`infra.policies.evaluate.policy_document`), and `assumed` what the emulated
    account was given because the stack uses it without creating it (-> URNs), both carried for the PR
    comment."""
    hidden = set(secret_keys)
    secrets: set[str] = set()
    for r in result.registrations:
        secrets.update(_secret_values(r.inputs))
        for key in SECRET_OUTPUTS & set(r.state):
            secrets.update(str(leaf) for _, leaf in _leaves(r.state[key], key) if leaf)
    secrets.update(_secret_values(result.outputs))
    secrets.update(config[k] for k in hidden if k in config)
    references = References(result.registrations, literals=[account_id, region])
    redactor = Redactor(secrets)
    resources = []
    for r in sorted(result.registrations, key=lambda reg: reg.urn):
        entry: dict[str, Any] = {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "parent": r.parent,
            "custom": r.custom,
            "inputs": _normalise(r.inputs, references, redactor),
        }
        if r.ignore_changes:
            entry["ignoreChanges"] = sorted(r.ignore_changes)
        if r.replace_on_changes:
            entry["replaceOnChanges"] = sorted(r.replace_on_changes)
        if r.protect:
            entry["protect"] = True
        resources.append(entry)
    plan = {
        "format": PLAN_FORMAT,
        "project": result.project,
        "stack": result.stack,
        "config": {k: REDACTED if k in hidden else v for k, v in sorted(config.items())},
        "coverage": dict(sorted((coverage or {}).items())),
        "resources": resources,
        "outputs": _normalise(result.outputs, references, redactor),
    }
    if assumed:
        plan["assumed"] = {what: sorted(urns) for what, urns in sorted(assumed.items())}
    if policy is not None:
        # Findings come in evaluation order, which follows registration; the plan must not.
        plan["policy"] = {
            **policy,
            **{
                key: sorted(policy[key], key=lambda f: (f["rule"], f["urn"], f["message"]))
                for key in ("findings", "suppressed")
            },
        }
    return plan


def failed_plan(project: str, stack: str, failure: Mapping[str, Any]) -> dict[str, Any]:
    """The plan of a head that did not rehearse: no resources, and `failure` (`exit`, `kind`, `message`;
    for a refusal also `urn`, `property` and `source`) so that `infra diff` can gate on it and the PR
    comment can say what went wrong."""
    return {
        "format": PLAN_FORMAT,
        "project": project,
        "stack": stack,
        "resources": [],
        "outputs": {},
        "failure": dict(failure),
    }


def dumps(plan: Mapping[str, Any]) -> str:
    return json.dumps(plan, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_plan(plan: Mapping[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(plan), encoding="utf-8")


class PlanError(Exception):
    """A file is not a plan written by `infra rehearse --json`."""


def read_plan(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise PlanError(
            f"{path}: cannot read a plan ({err}); write one with `infra rehearse STACK --json FILE`"
        ) from err
    if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT or "resources" not in data:
        raise PlanError(
            f"{path}: not a format-{PLAN_FORMAT} plan; write one with `infra rehearse STACK --json FILE`"
        )
    return data
