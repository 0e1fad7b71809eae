"""The deploy job orders release -> migrate -> pulumi up, all three on the same commit SHA, and calls
`infra` commands that exist; `infra` itself starts without the ops packages installed."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from infra.cli import build_parser

ROOT = Path(__file__).resolve().parents[3]
STACK = "${{ github.event_name == 'push' && 'staging' || inputs.stack }}"


def deploy_steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    steps: list[dict[str, Any]] = workflow["jobs"]["deploy"]["steps"]
    return steps


DEPLOY = 'scripts/ci/deploy "$STACK"'


def index_of(steps: list[dict[str, Any]], predicate: str) -> int:
    matches = [
        i for i, s in enumerate(steps) if predicate in s.get("run", "") or predicate in s.get("uses", "")
    ]
    assert len(matches) == 1, f"{len(matches)} deploy steps match {predicate!r}"
    return matches[0]


def test_the_deploy_runs_the_shared_script_after_the_credentials_and_the_cli() -> None:
    """The order inside the deploy (release, checks image, migrate, pulumi up on the commit SHA) is
    scripts/ci/deploy's, which GitLab runs too; tests/ci/test_gitlab.py runs it."""
    steps = deploy_steps()
    deploy = index_of(steps, DEPLOY)
    assert deploy == len(steps) - 1
    for before in ("aws-actions/configure-aws-credentials@", "pulumi/auth-actions@", "pulumi/actions@"):
        assert index_of(steps, before) < deploy, before
    assert steps[deploy]["env"]["STACK"] == STACK
    script = (ROOT / "scripts" / "ci" / "deploy").read_text(encoding="utf-8")
    assert "sha=${GITHUB_SHA:-${CI_COMMIT_SHA:-}}" in script


def test_the_ops_commands_run_from_a_venv_that_has_the_tools() -> None:
    steps = deploy_steps()
    install = steps[index_of(steps, "-r requirements/policy.txt")]["run"]
    run = steps[index_of(steps, DEPLOY)]["run"]
    assert run.startswith('PATH="$PWD/.venv-tools/bin:$PATH" ')
    assert ".venv-tools/bin/pip install --require-hashes -r requirements/dev.txt" in install
    assert ".venv-tools/bin/pip install --no-deps -e ." in install
    assert (ROOT / "requirements" / "dev.txt").read_text().count("\ndocker==") == 1


def test_the_infra_commands_of_the_deploy_script_parse() -> None:
    script = (ROOT / "scripts" / "ci" / "deploy").read_text(encoding="utf-8")
    calls = [
        line.split("step infra ", 1)[1] for line in script.splitlines() if line.startswith("step infra ")
    ]
    assert len(calls) == 3
    for call in calls:
        argv = shlex.split(call.replace('"$stack"', "staging").replace('"$sha"', "a" * 40))
        assert callable(build_parser().parse_args(argv).handler), call


def test_infra_starts_without_boto3_docker_or_fabric() -> None:
    blocked = ["boto3", "botocore", "docker", "fabric", "paramiko", "invoke"]
    code = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "import infra.ops.commands\n"
        "print('imported')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout) == (0, "imported\n"), done.stderr
