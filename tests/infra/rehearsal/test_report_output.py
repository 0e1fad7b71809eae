"""What `infra rehearse` prints for a person: the verdict first and last, one meaning of "resources" in
every count, long values folded, progress only at a terminal."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from infra.exit_codes import Exit
from infra.rehearsal.progress import Progress
from infra.rehearsal.report import WIDTH
from tests.infra.rehearsal.conftest import PROJECT_ROOT


@pytest.fixture(scope="module")
def prod_output() -> str:
    """The command as a user runs it, in its own process: a rehearsal in this one would reset the
    emulated account the package's other tests are reading."""
    done = subprocess.run(
        [sys.executable, "-m", "infra.cli", "rehearse", "prod", "--quiet"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == Exit.OK, done.stderr
    return done.stdout


def test_the_verdict_opens_and_closes_the_report(prod_output: str) -> None:
    lines = prod_output.rstrip("\n").splitlines()
    assert re.fullmatch(
        r"prod: \d+ resources, 0 refused, 0 mandatory findings, \d+ advisory, \d+ suppressed: passed",
        lines[0],
    )
    assert lines[-1] == lines[0]


def test_every_count_of_resources_agrees(prod_output: str) -> None:
    verdict = int(re.match(r"prod: (\d+) resources", prod_output).group(1))  # type: ignore[union-attr]
    summary = re.search(r"^(\d+) resources to create \(and 1 provider\) in \d+ components", prod_output, re.M)
    policy = re.search(r"^Policy findings for prod \((\d+) resources, \d+ rules\)", prod_output, re.M)
    by_type = re.search(r"^By type: (.*?)\n\n", prod_output, re.M | re.S)
    emulation = re.findall(
        r"^  (?:emulated|emulated without validation|computed locally|not emulated): "
        r"\d+ types?, (\d+) resources$",
        prod_output,
        re.M,
    )
    assert summary is not None
    assert policy is not None
    assert by_type is not None
    per_type = sum(int(n) for n in re.findall(r"(\d+) [\w.]+", by_type.group(1)))
    assert verdict == int(summary.group(1)) == int(policy.group(1)) == per_type == sum(map(int, emulation))
    assert "  providers: 1" in prod_output


def test_long_values_are_folded(prod_output: str) -> None:
    alarms = next(line for line in prod_output.splitlines() if line.startswith("  alarmNames: "))
    assert len(alarms) <= WIDTH
    assert alarms.endswith(" characters; whole in --json)")
    findings = prod_output[prod_output.index("Policy findings for prod") :]
    assert max(len(line) for line in findings.splitlines()) <= WIDTH


def test_progress_only_when_asked_and_cleared_after() -> None:
    stream = io.StringIO()
    assert not Progress.wanted(quiet=False, stream=stream)  # not a terminal
    with Progress("rehearsing dev", enabled=True, stream=stream, interval=0.01) as progress:
        progress.watch(lambda: 42)
        while "42 resources declared" not in stream.getvalue():
            pass
    drawn = stream.getvalue()
    assert drawn.startswith("\rrehearsing dev: 42 resources declared, ")
    assert drawn.endswith("\r")  # the line is blanked, so the report starts on a clean line
