"""The runbooks stay true: their links resolve, the index lists every alarm's runbook, and every
`infra` command they tell an operator to type is accepted by the real command line."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from infra.cli import build_parser
from infra.ops.commands import run_options
from monitoring.thresholds import SIGNALS

RUNBOOKS = Path(__file__).resolve().parents[3] / "docs" / "runbooks"
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")
PLACEHOLDERS = {"<env>": "staging", "<sha>": "0" * 40, "<running sha>": "1" * 40, "<previous sha>": "2" * 40}


def runbooks() -> list[Path]:
    return sorted(RUNBOOKS.glob("*.md"))


def infra_commands(text: str) -> list[str]:
    """Lines of shell blocks that run `infra`, with continuation lines joined."""
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line.startswith("infra "):
                commands.append(line)
    return commands


@pytest.mark.parametrize("path", runbooks(), ids=lambda p: p.name)
def test_relative_links_resolve(path: Path) -> None:
    for target, _ in LINK.findall(path.read_text()):
        if "://" not in target:
            assert (path.parent / target).exists(), f"{path.name} links to missing {target}"


def test_the_index_links_every_alarm_runbook_and_every_runbook() -> None:
    index = (RUNBOOKS / "README.md").read_text()
    linked = {target for target, _ in LINK.findall(index)}
    for signal in SIGNALS.values():
        assert Path(signal.runbook).name in linked, f"the index does not link the runbook of {signal.id}"
    unlisted = {p.name for p in runbooks()} - linked - {"README.md"}
    assert unlisted == set(), f"runbooks missing from the index: {sorted(unlisted)}"


def test_the_operations_runbooks_show_every_operations_command() -> None:
    commands = [c for p in runbooks() for c in infra_commands(p.read_text())]
    for verb in ("release", "migrate", "hosts list", "hosts run", "hosts tunnel", "hosts bootstrap"):
        assert any(c.startswith(f"infra {verb} ") for c in commands), f"no runbook shows `infra {verb}`"


@pytest.mark.parametrize(
    "command",
    [c for p in runbooks() for c in infra_commands(p.read_text())],
)
def test_every_infra_command_in_a_runbook_parses(command: str) -> None:
    for placeholder, value in PLACEHOLDERS.items():
        command = command.replace(placeholder, value)
    command = re.sub(r"<[^>]+>", "x", command)
    command = re.sub(r"\$\(?\"?\$?\w+\)?\"?", "x", command)  # shell variables: any value will do
    argv = shlex.split(command, comments=True)[1:]
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "action", None) == "run" and args.cmd and args.cmd[0].startswith("-"):
            run_options().parse_args(args.cmd)  # what `hosts run` parses after the stack
    except SystemExit as exit:
        pytest.fail(f"`{command}` is not accepted by `infra` (exit {exit.code})")
    assert callable(args.handler)
