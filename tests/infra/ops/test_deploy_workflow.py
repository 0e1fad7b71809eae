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


RELEASE = 'bin/infra release "$STACK"\n'
CHECKS_RELEASE = 'bin/infra release "$STACK" --checks'


def index_of(steps: list[dict[str, Any]], predicate: str) -> int:
    matches = [
        i
        for i, s in enumerate(steps)
        if predicate in s.get("run", "") + "\n" or predicate in s.get("uses", "")
    ]
    assert len(matches) == 1, f"{len(matches)} deploy steps match {predicate!r}"
    return matches[0]


def test_release_then_migrate_then_pulumi_up_after_the_aws_credentials() -> None:
    steps = deploy_steps()
    credentials = index_of(steps, "aws-actions/configure-aws-credentials@")
    release = index_of(steps, RELEASE)
    checks = index_of(steps, CHECKS_RELEASE)
    migrate = index_of(steps, "bin/infra migrate")
    up = index_of(steps, "pulumi/actions@")
    assert credentials < release < migrate < up
    assert credentials < checks < up
    assert steps[up]["with"]["command"] == "up"


def test_all_three_use_the_commit_sha_and_the_deployed_stack() -> None:
    steps = deploy_steps()
    release, migrate = (
        steps[index_of(steps, RELEASE)],
        steps[index_of(steps, "bin/infra migrate")],
    )
    checks = steps[index_of(steps, CHECKS_RELEASE)]
    assert release["env"] == migrate["env"] == checks["env"] == {"STACK": STACK}
    assert shlex.split(release["run"])[1:] == ["release", "$STACK"]
    assert shlex.split(checks["run"])[1:] == ["release", "$STACK", "--checks"]
    assert shlex.split(migrate["run"])[1:] == ["migrate", "$STACK", "--image", "$GITHUB_SHA"]
    up = steps[index_of(steps, "pulumi/actions@")]["with"]
    assert up["stack-name"].endswith(f"/postings/{STACK}")
    assert yaml.safe_load(up["config-map"]) == {
        "postings:imageTag": {"value": "${{ github.sha }}", "secret": False}
    }


def test_the_ops_commands_run_from_a_venv_that_has_the_tools() -> None:
    steps = deploy_steps()
    install = steps[index_of(steps, "-r requirements/deploy.txt")]["run"]
    venv = shlex.split(steps[index_of(steps, RELEASE)]["run"])[0].removesuffix("/bin/infra")
    assert f"{venv}/bin/pip install --require-hashes -r requirements/dev.txt" in install
    assert f"{venv}/bin/pip install --no-deps -e ." in install
    assert (ROOT / "requirements" / "dev.txt").read_text().count("\ndocker==") == 1


def test_the_commands_of_the_deploy_job_parse() -> None:
    for predicate in (RELEASE, CHECKS_RELEASE, "bin/infra migrate"):
        run = deploy_steps()[index_of(deploy_steps(), predicate)]["run"]
        argv = shlex.split(run.replace("$STACK", "staging").replace("$GITHUB_SHA", "a" * 40))[1:]
        assert callable(build_parser().parse_args(argv).handler), run


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
