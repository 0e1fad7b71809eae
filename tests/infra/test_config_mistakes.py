"""Mistaken stack files (tests/fixtures/stack_mistakes/, one mistake each): every one refused by
`infra config check` and by the rehearsal before the program declares anything, in one line that names
the key and the fix, exit 2, no traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pytest

from infra.cli import main
from infra.config import ConfigError
from infra.exit_codes import Exit
from infra.rehearsal.engine import ProgramError, StackFileError, load_project, run_program

ROOT = Path(__file__).resolve().parents[2]
MISTAKES = ROOT / "tests" / "fixtures" / "stack_mistakes"
HEADER = re.compile(
    r"# wrong: (?P<wrong>.+)\n# stack: (?P<stack>\S+)\n# refused: (?P<key>\S+) \| (?P<fix>.+)\n"
)


@dataclass(frozen=True)
class Mistake:
    name: str
    wrong: str
    stack: str
    key: str
    fix: str
    text: str


def mistakes() -> list[Mistake]:
    found = []
    for path in sorted(MISTAKES.glob("*.yaml")):
        text = path.read_text()
        header = HEADER.match(text)
        assert header, f"{path.name}: starts with the # wrong:, # stack: and # refused: KEY | FIX lines"
        found.append(Mistake(name=path.stem, text=text, **header.groupdict()))
    return found


MISTAKE_LIST = mistakes()


def project_with(tmp_path: Path, mistake: Mistake) -> Path:
    """A copy of the project whose only stack file is the mistaken one (the program is the real one)."""
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "infra").symlink_to(ROOT / "infra")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / f"Pulumi.{mistake.stack}.yaml").write_text(mistake.text)
    return tmp_path


def refusal(stderr: str) -> list[str]:
    """The problem lines of a refusal: `infra: stack ... :`, one `  - ` line each, then where to fix them."""
    lines = stderr.rstrip("\n").splitlines()
    assert lines[0].startswith("infra: stack '"), stderr
    assert lines[-1].startswith("Fix them in "), stderr
    assert all(line.startswith("  - ") for line in lines[1:-1]), stderr
    return [line.removeprefix("  - ") for line in lines[1:-1]]


def test_there_are_at_least_forty_and_each_says_what_is_wrong() -> None:
    assert len(MISTAKE_LIST) >= 40
    assert len({(m.stack, m.text.split("config:", 1)[1]) for m in MISTAKE_LIST}) == len(MISTAKE_LIST)
    kinds = {m.stack for m in MISTAKE_LIST}
    assert {"dev", "staging", "prod"} < kinds, "personal stacks, dev, staging and prod"


@pytest.mark.parametrize("mistake", MISTAKE_LIST, ids=[m.name for m in MISTAKE_LIST])
def test_infra_config_check_refuses_it_in_one_line_naming_key_and_fix(
    mistake: Mistake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = project_with(tmp_path, mistake)
    code = main(["config", "check", mistake.stack, "--project", str(project)])
    captured = capsys.readouterr()
    assert code == Exit.USAGE, captured.out
    assert captured.out == ""
    problems = refusal(captured.err)
    assert len(problems) == 1, f"{mistake.name}: one mistake, one problem; got {problems}"
    (problem,) = problems
    assert problem.startswith((f"{mistake.key}:", f"{mistake.key} = ")), problem
    assert mistake.fix in problem, f"{mistake.name}: expected {mistake.fix!r} in {problem!r}"


class CountingMocks(pulumi.runtime.Mocks):
    """Counts every resource and every invoke the program asks for."""

    def __init__(self) -> None:
        self.resources: list[str] = []
        self.invokes: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, object]]:
        self.resources.append(args.name)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, object], list[tuple[str, str]]]:
        self.invokes.append(args.token)
        return {}, []


@pytest.mark.parametrize("mistake", MISTAKE_LIST, ids=[m.name for m in MISTAKE_LIST])
def test_the_program_stops_before_declaring_anything(mistake: Mistake, tmp_path: Path) -> None:
    """A mistake the YAML shows is refused while the stack file is read; any other stops the program at
    its first statement: no resource (not even the provider) and no invoke reach the engine."""
    project = load_project(project_with(tmp_path, mistake))
    mocks = CountingMocks()
    with pytest.raises((StackFileError, ProgramError)) as caught:
        run_program(project, mistake.stack, mocks)
    error = caught.value
    problems = error.problems if isinstance(error, StackFileError) else None
    if isinstance(error, ProgramError):
        assert isinstance(error.__cause__, ConfigError), repr(error.__cause__)
        problems = error.__cause__.problems
    assert problems is not None
    assert any(p.startswith(mistake.key) and mistake.fix in p for p in problems), problems
    assert (mocks.resources, mocks.invokes) == ([], [])


# The mistakes users found (issue 13), end to end through `infra rehearse`.
REHEARSED = [
    "prod-claims-dev",
    "namespace-posting",
    "aws-regoin",
    "region-typo",
    "unquoted-image-tag",
    "prod-without-domain",
    "prod-without-alert-email",
]


@pytest.mark.parametrize("name", REHEARSED)
def test_infra_rehearse_refuses_it_with_exit_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mistake = next(m for m in MISTAKE_LIST if m.name == name)
    project = project_with(tmp_path, mistake)
    code = main(["rehearse", mistake.stack, "--project", str(project), "--quiet"])
    captured = capsys.readouterr()
    assert code == Exit.USAGE
    assert captured.out == ""
    (problem,) = refusal(captured.err)
    assert problem.startswith(mistake.key), problem
    assert mistake.fix in problem, problem


def test_in_a_process_of_its_own_the_refusal_is_the_message_and_exit_2(tmp_path: Path) -> None:
    mistake = next(m for m in MISTAKE_LIST if m.name == "unquoted-image-tag")
    project = project_with(tmp_path, mistake)
    completed = subprocess.run(
        [sys.executable, "-m", "infra.cli", "config", "check", "prod", "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert completed.returncode == Exit.USAGE
    assert "Traceback" not in completed.stderr
    assert refusal(completed.stderr) == [
        "postings:imageTag = 1.10: YAML reads an unquoted 1.10 as the number 1.1, and Pulumi hands the "
        'program "1.1"; Pulumi.yaml declares a string: quote it: "1.10"'
    ]
