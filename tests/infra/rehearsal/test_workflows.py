"""The PR and deploy pipelines: valid for actionlint, safe with fork code, and calling commands that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.cli import build_parser
from tests.infra.rehearsal.conftest import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"
CLI_CALL = re.compile(r"-m infra\.cli ([^\n;|)&]+)")
PLACEHOLDERS = {'"$STACK"': "dev", "$STACK": "dev", '"policy-$STACK.sarif"': "policy.sarif"}


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


def test_the_pipelines_exist() -> None:
    assert _workflow_files() == [
        "ci.yml",
        "deploy.yml",
        "drift.yml",
        "policy-scan.yml",
        "preview.yml",
        "rehearsal-comment.yml",
        "rehearsal.yml",
    ]


@pytest.mark.parametrize("name", _workflow_files())
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
    assert rehearsal["jobs"]["actionlint"]["steps"][-1]["run"] == "scripts/actionlint"


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
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert 'scripts/ci/preview "$STACK"' in runs
    # The real preview enforces the same policy pack the rehearsal evaluates offline.
    script = (PROJECT_ROOT / "scripts" / "ci" / "preview").read_text(encoding="utf-8")
    assert "--diff --policy-pack infra/policies" in script
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
    assert 'scripts/ci/deploy "$STACK"' in job["steps"][-1]["run"]


def _cli_calls() -> list[tuple[str, str]]:
    calls = []
    for name in _workflow_files():
        for step in _steps(_load(name)):
            for match in CLI_CALL.finditer(step.get("run", "")):
                calls.append((name, match.group(1).strip()))
    return calls


def test_pipelines_call_infra_commands_that_exist() -> None:
    calls = _cli_calls()
    assert sorted(c.split()[0] for _, c in calls) == ["policy", "rehearse"]
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
            if "-m infra.cli" in runs or "rehearse-change" in runs:
                assert "requirements/dev.txt" in runs, f"{name}:{job_name}"
    assert "moto" not in (PROJECT_ROOT / "requirements" / "deploy.txt").read_text(encoding="utf-8")
    assert "\nmoto==" in (PROJECT_ROOT / "requirements" / "dev.txt").read_text(encoding="utf-8")


PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def _uses_lines() -> list[tuple[str, str]]:
    lines = []
    for name in _workflow_files():
        for line in (WORKFLOWS / name).read_text(encoding="utf-8").splitlines():
            if line.strip().startswith(("uses:", "- uses:")):
                lines.append((name, line.split("uses:", 1)[1].strip()))
    return lines


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    uses = _uses_lines()
    assert len(uses) >= 20
    for name, ref in uses:
        assert PINNED.match(ref), f"{name}: {ref} is not pinned as owner/repo@<40-hex sha> # vX.Y.Z"
    # One version of each action everywhere, so an upgrade is one search and replace.
    versions: dict[str, set[str]] = {}
    for _, ref in uses:
        action, _, pin = ref.partition("@")
        versions.setdefault(action.split("/upload-sarif")[0], set()).add(pin)
    assert {action: pins for action, pins in versions.items() if len(pins) > 1} == {}


def _holds_credentials(workflow: dict[Any, Any], job: dict[str, Any]) -> bool:
    permissions = {**workflow.get("permissions", {}), **job.get("permissions", {})}
    return "environment" in job or permissions.get("id-token") == "write" or "secrets." in str(job)


def test_jobs_holding_credentials_install_only_hashed_pins() -> None:
    checked = 0
    for name in _workflow_files():
        workflow = _load(name)
        for job_name, job in workflow["jobs"].items():
            if not _holds_credentials(workflow, job):
                continue
            for step in job.get("steps", []):
                for line in step.get("run", "").splitlines():
                    if "pip install" in line:
                        checked += 1
                        assert "--require-hashes -r requirements/" in line or "--no-deps -e ." in line, (
                            f"{name}:{job_name}: {line.strip()}"
                        )
                    assert "npm install" not in line, f"{name}:{job_name}: {line}"
                    assert "curl" not in line, f"{name}:{job_name}: {line}"
    assert checked >= 4
    assert "--hash=sha256:" in (PROJECT_ROOT / "requirements" / "policy.txt").read_text(encoding="utf-8")


def test_the_rehearsal_check_gates_with_the_label_from_the_event() -> None:
    from infra.rehearsal.diff_commands import ACK_LABEL

    rehearsal = _load("rehearsal.yml")
    assert set(_triggers(rehearsal)["pull_request"]["types"]) >= {
        "opened",
        "synchronize",
        "labeled",
        "unlabeled",
    }
    steps = rehearsal["jobs"]["rehearse"]["steps"]
    check = next(s for s in steps if "rehearse-change" in s.get("run", ""))
    assert check["env"]["ALLOW_DESTRUCTIVE"] == (
        "${{ contains(github.event.pull_request.labels.*.name, '" + ACK_LABEL + "') }}"
    )
    assert 'head/scripts/ci/rehearse-change "$STACK" base head plans' in check["run"]
    upload = steps[steps.index(check) + 1]
    assert upload["if"] == "always()", "a failing check still leaves its comment for the commenting workflow"
    comment = _load("rehearsal-comment.yml")["jobs"]["comment"]
    assert "success" in comment["if"]
    assert "failure" in comment["if"]


def test_ci_runs_the_readme_test_command_on_every_pr_and_push_to_main() -> None:
    ci = _load("ci.yml")
    assert _triggers(ci) == {"pull_request": {"branches": ["main"]}, "push": {"branches": ["main"]}}
    job = ci["jobs"]["test"]
    assert job["steps"][-1]["run"] == "scripts/test"
    assert {s["ports"][0].split(":")[0] for s in job["services"].values()} == {"3306", "6379", "5672"}


def test_policy_findings_reach_code_scanning_only_where_the_token_can_upload() -> None:
    scan = _load("policy-scan.yml")
    job = scan["jobs"]["sarif"]
    assert (
        job["if"]
        == "github.event_name == 'push' || github.event.pull_request.head.repo.full_name == github.repository"
    )
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    assert scan["permissions"] == {"contents": "read"}
    upload = job["steps"][-1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "policy-${{ matrix.stack }}.sarif"
