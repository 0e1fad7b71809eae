"""The exit status of every `infra` command, one meaning per code, so a pipeline can tell a refusal by
AWS from a policy violation from a destructive change (`pulumi preview` with a policy pack fails the
same way on a mandatory violation). `infra verify` keeps the Nagios codes monitoring systems expect."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    REFUSED = 3
    POLICY = 4
    DESTRUCTIVE = 5
    NOT_EMULATED = 6
    UNAVAILABLE = 7
    DRIFT = 8
    OVER_BUDGET = 9


MEANING = {
    Exit.OK: "success: nothing refused, no mandatory violation, nothing the options fail on",
    Exit.ERROR: "the program raised, or a command failed for another reason (the message says which)",
    Exit.USAGE: "bad arguments, stack config or input file: nothing was run",
    Exit.REFUSED: "the emulated AWS account refused a resource (what `pulumi up` would fail on)",
    Exit.POLICY: "a mandatory policy violation (what `pulumi preview --policy-pack` fails on)",
    Exit.DESTRUCTIVE: "a destructive change: a stateful resource deleted or replaced "
    "(`infra diff`; `infra rehearse --fail-on destructive`)",
    Exit.NOT_EMULATED: "`--strict`: a type was echoed without an emulator (its inputs at most model-checked)",
    Exit.UNAVAILABLE: "a prerequisite is missing: AWS credentials, a Docker engine, a stack output",
    Exit.DRIFT: "drift: the live stack differs from its program beyond the allowlist (`infra drift`)",
    Exit.OVER_BUDGET: "a change raises the monthly cost estimate by more than the stack's budget "
    "(`infra cost --base`)",
}


def exit_code_table() -> str:
    """The table for `--help` epilogs: one line per code."""
    return "exit status:\n" + "\n".join(f"  {int(code)}  {text}" for code, text in MEANING.items())


def exit_code_markdown() -> str:
    """The same table for the README (a test keeps the README's copy current)."""
    rows = [f"| {int(code)} | `{code.name}` | {text} |" for code, text in MEANING.items()]
    return "\n".join(["| code | name | meaning |", "|---|---|---|", *rows])
