"""`rehearse(project, stack)`: run a stack's program against a fresh emulated account and keep the account."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from infra.rehearsal.account import EmulatedAccount
from infra.rehearsal.emulated import Coverage, EmulatedMocks
from infra.rehearsal.emulation import Context, EmulationError
from infra.rehearsal.engine import (
    ProgramError,
    Project,
    RunResult,
    load_project,
    read_stack_config,
    run_program,
)
from infra.rehearsal.progress import Progress
from infra.rehearsal.recording import DEFAULT_ACCOUNT_ID, DEFAULT_REGION

Seed = Callable[[boto3.Session], Mapping[str, str]]
"""Prepares what lives outside the stack (e.g. a hosted zone) and returns config overrides."""


class RehearsalFailed(Exception):
    """AWS (moto) refused a resource: the message names its URN, the property and AWS's message."""

    def __init__(self, project: str, stack: str, error: EmulationError) -> None:
        self.error = error
        super().__init__(f"{project} ({stack}) refused by the emulated account: {error}")


def pinned_account(config: Mapping[str, str]) -> str:
    """The account a stack is pinned to (`<project>:allowedAccountIds` or `aws:allowedAccountIds`)."""
    for key, value in sorted(config.items()):
        if key.endswith(":allowedAccountIds"):
            ids = json.loads(value) if value.startswith("[") else [value]
            if ids:
                return str(ids[0])
    return DEFAULT_ACCOUNT_ID


@dataclass
class Rehearsal:
    """One run against the emulated account. The account stays open until `close()` (or the end of a
    `with` block) so that verification and checks can read it through `session`."""

    result: RunResult
    account: EmulatedAccount
    coverage: Coverage
    config: dict[str, str]
    secret_keys: list[str] = field(default_factory=list)
    invokes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def session(self) -> boto3.Session:
        return self.account.session

    def close(self) -> None:
        self.account.close()

    def __enter__(self) -> Rehearsal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rehearse(
    project: Project | Path,
    stack: str,
    *,
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    seed: Seed | None = None,
    checks: bool = True,
    progress: Progress | None = None,
) -> Rehearsal:
    """Run `stack` of `project` against a fresh emulated account pinned to the stack's account and region.

    `config` replaces the stack file's values; `seed` creates what the stack expects to find in the
    account already and returns config overrides. Without `checks`, neither the service models nor the
    rule catalogue are consulted: moto alone judges (the fidelity benchmark's baseline). `progress`
    is shown the count of resources declared while the program runs. Raises RehearsalFailed when AWS
    refuses a resource.
    """
    started = time.perf_counter()
    if isinstance(project, Path):
        project = load_project(project)
    if config is None:
        file_config, file_secrets = read_stack_config(project, stack)
        config = file_config
        secret_keys = file_secrets if secret_keys is None else secret_keys
    values = dict(config)
    account = EmulatedAccount.open(pinned_account(values), values.get("aws:region", DEFAULT_REGION))
    try:
        if seed is not None:
            values.update(seed(account.session))
        mocks = EmulatedMocks(Context(account.client, account.region, account.account_id, checks=checks))
        if progress is not None:
            progress.watch(lambda: mocks.declared)
        try:
            result = run_program(project, stack, mocks, config=values, secret_keys=list(secret_keys or []))
        except ProgramError as err:
            if mocks.failures:
                raise RehearsalFailed(project.name, stack, mocks.failures[0]) from err
            raise
        mocks.judge_at_end()
        if mocks.failures:
            raise RehearsalFailed(project.name, stack, mocks.failures[0])
    except BaseException:
        account.close()
        raise
    return Rehearsal(
        result=result,
        account=account,
        coverage=mocks.coverage,
        config=values,
        secret_keys=list(secret_keys or []),
        invokes=sorted(set(mocks.invokes)),
        seconds=time.perf_counter() - started,
    )
