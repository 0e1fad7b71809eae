"""The pull-request check both pipelines run (scripts/ci/rehearse-change), on real changes to this
repository's program: each side rehearsed with its own code, the exit status and the comment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra.exit_codes import Exit
from infra.rehearsal.diff_commands import ACK_LABEL
from infra.rehearsal.markdown import marker
from tests.infra.rehearsal.conftest import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "ci" / "rehearse-change"
PROGRAM = ("Pulumi.yaml", "infra", "stacks", "monitoring")
DATABASE = Path("infra/components/database.py")
PUBLIC_RDS = (
    "publicly_accessible=False,\n            multi_az",
    "publicly_accessible=True,\n            multi_az",
)
# The master user name is ForceNew in the provider: the instance, and the data in it, would be replaced.
NEW_MASTER_USER = ("username=ADMIN_USERNAME", 'username="dbadmin2"')
# RDS for MySQL listens on 1150-65535 (CreateDBInstance, Port).
BAD_PORT = ("port=PORT,", "port=80,")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout of the program as committed: what a pull request starts from."""
    root = tmp_path_factory.mktemp("base")
    for name in PROGRAM:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    return root


def change(base: Path, where: Path, *edits: tuple[str, str]) -> Path:
    """The head of a pull request: the base with `edits` (old, new) made to the file `base/path`."""
    head = where / "head"
    shutil.copytree(base, head)
    text = (head / DATABASE).read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (head / DATABASE).write_text(text, encoding="utf-8")
    return head


def run_check(base: Path, head: Path, out: Path, *, allow_destructive: str = "false") -> int:
    env = {**os.environ, "INFRA_PYTHON": sys.executable, "ALLOW_DESTRUCTIVE": allow_destructive}
    completed = subprocess.run(
        [str(SCRIPT), "dev", str(base), str(head), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    return completed.returncode


def comment(out: Path) -> str:
    text = (out / "comment.md").read_text(encoding="utf-8")
    assert text.startswith(marker("dev") + "\n")
    return text


def test_making_rds_public_fails_the_check_and_the_comment_says_why(base: Path, tmp_path: Path) -> None:
    head = change(base, tmp_path, PUBLIC_RDS)
    assert run_check(base, head, tmp_path / "out") == Exit.POLICY
    text = comment(tmp_path / "out")
    assert "This check fails: 1 mandatory policy finding(s)" in text
    assert "+ publiclyAccessible: true" in text
    assert "| mandatory | `rds-not-public` | RDS.2 | `postings-dev-db-instance` |" in text
    assert (tmp_path / "out" / "verdict.txt").read_text() == "dev: FAILED (exit 4)\n"
    assert json.loads((tmp_path / "out" / "terraform.json").read_text()) == {
        "create": 0,
        "update": 1,
        "delete": 0,
    }


def test_a_destructive_change_fails_unless_acknowledged(base: Path, tmp_path: Path) -> None:
    head = change(base, tmp_path, NEW_MASTER_USER)
    assert run_check(base, head, tmp_path / "refused") == Exit.DESTRUCTIVE
    text = comment(tmp_path / "refused")
    assert "This check fails: 1 destructive change(s)" in text
    assert f"add the label `{ACK_LABEL}`" in text
    assert "postings-dev-db-instance" in text

    assert run_check(base, head, tmp_path / "acknowledged", allow_destructive="true") == Exit.OK
    text = comment(tmp_path / "acknowledged")
    assert f"1 destructive change(s), acknowledged with the `{ACK_LABEL}` label" in text
    assert "This check passes" in text
    report = json.loads((tmp_path / "acknowledged" / "terraform.json").read_text())
    assert report["delete"] == report["create"] >= 1


def test_a_head_aws_refuses_fails_with_the_resource_and_property(base: Path, tmp_path: Path) -> None:
    head = change(base, tmp_path, BAD_PORT)
    assert run_check(base, head, tmp_path / "out") == Exit.REFUSED
    text = comment(tmp_path / "out")
    assert "the emulated AWS account refused `urn:pulumi:dev::postings::" in text
    assert "postings-dev-db-instance`**: property `port`" in text
    assert "push again" in text


def test_a_head_that_crashes_fails_and_says_so(base: Path, tmp_path: Path) -> None:
    head = change(base, tmp_path, ('engine="mysql",', "engine=undefined_name,"))
    assert run_check(base, head, tmp_path / "out") == Exit.ERROR
    text = comment(tmp_path / "out")
    assert "the head did not rehearse" in text
    assert "undefined_name" in text


def test_the_acknowledgement_must_be_true_or_false(base: Path, tmp_path: Path) -> None:
    assert run_check(base, base, tmp_path / "out", allow_destructive="yes") == Exit.USAGE
