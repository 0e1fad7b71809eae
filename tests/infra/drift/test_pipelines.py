"""The scheduled drift jobs: GitHub's workflow and GitLab's job run scripts/ci/drift with the preview
set-up, only on schedules (and by hand on GitHub); scripts/ci/drift runs for real against a recording
`pulumi` and a stand-in for GitHub's issue API."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ci.test_gitlab import MR, PUSH_MAIN, jobs, load_pipeline, pipeline_for, shell_lines
from tests.infra.drift.fake_trackers import TOKEN, serving

ROOT = Path(__file__).resolve().parents[3]
WORKFLOWS = ROOT / ".github" / "workflows"
DRIFT = ROOT / "scripts" / "ci" / "drift"
FIXTURES = Path(__file__).parent / "fixtures"
STACKS = ["dev", "staging", "prod"]
SCHEDULE = {**PUSH_MAIN, "CI_PIPELINE_SOURCE": "schedule"}


def workflow(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_workflow_runs_on_a_schedule_and_by_hand_for_every_stack() -> None:
    drift = workflow("drift.yml")
    triggers = drift[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    (schedule,) = triggers["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* 1-5", schedule["cron"]), schedule
    assert drift["permissions"] == {"contents": "read", "id-token": "write", "issues": "write"}
    (job,) = drift["jobs"].values()
    assert job["strategy"]["matrix"] == {"stack": STACKS}
    assert job["strategy"]["fail-fast"] is False


def test_the_workflow_reuses_the_previews_pinned_set_up() -> None:
    (drift,) = workflow("drift.yml")["jobs"].values()
    (preview,) = workflow("preview.yml")["jobs"].values()
    assert drift["environment"] == preview["environment"] == "preview"
    uses = [step["uses"] for step in drift["steps"] if "uses" in step]
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
    shared = [step for step in preview["steps"] if "uses" in step]
    assert [s for s in drift["steps"] if s.get("uses") in {p["uses"] for p in shared}] == shared
    installs = [step["run"] for step in drift["steps"] if "pip install" in step.get("run", "")]
    assert installs == [
        "python -m venv .venv\n.venv/bin/pip install --require-hashes -r requirements/policy.txt\n"
    ]
    run = next(step for step in drift["steps"] if "scripts/ci/drift" in step.get("run", ""))
    assert run["env"]["DRIFT_ISSUES"] == "github"
    assert run["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert 'scripts/ci/drift "$STACK" || status=$?' in run["run"]


@pytest.mark.parametrize(
    ("status", "exit_status", "annotation"),
    [
        (0, 0, ""),
        (8, 0, "::warning title=Drift in prod::see the issue 'Infrastructure drift in prod'\n"),
        (1, 1, ""),
    ],
)
def test_the_workflow_step_passes_drift_with_a_warning_and_fails_on_an_error(
    tmp_path: Path, status: int, exit_status: int, annotation: str
) -> None:
    (job,) = workflow("drift.yml")["jobs"].values()
    run = next(step["run"] for step in job["steps"] if "scripts/ci/drift" in step.get("run", ""))
    stub = tmp_path / "scripts" / "ci" / "drift"
    stub.parent.mkdir(parents=True)
    stub.write_text(
        f"#!/bin/sh\nmkdir -p out/drift/$1\necho '**report**' > out/drift/$1/report.md\nexit {status}\n"
    )
    stub.chmod(0o755)
    summary = tmp_path / "summary.md"
    completed = subprocess.run(
        ["bash", "-e", "-c", run],
        cwd=tmp_path,
        env={"STACK": "prod", "GITHUB_STEP_SUMMARY": str(summary), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stdout) == (exit_status, annotation)
    assert summary.read_text() == "**report**\n"


def test_gitlab_runs_drift_in_schedule_pipelines_of_the_default_branch_only() -> None:
    assert pipeline_for(SCHEDULE)["drift"] == "on_success"
    assert "drift" not in pipeline_for({**SCHEDULE, "CI_COMMIT_BRANCH": "feature"})
    for variables in (MR, PUSH_MAIN, {**PUSH_MAIN, "CI_PIPELINE_SOURCE": "web"}):
        assert "drift" not in pipeline_for(variables), variables["CI_PIPELINE_SOURCE"]
    drift = jobs(load_pipeline())["drift"]
    assert drift["parallel"]["matrix"] == [{"STACK": STACKS}]
    assert drift["environment"] == {"name": "preview/$STACK", "action": "access"}
    assert drift["variables"]["DRIFT_ISSUES"] == "gitlab"
    assert drift["allow_failure"] == {"exit_codes": [8]}
    assert shell_lines(drift)[-1] == 'scripts/ci/drift "$STACK"'
    assert drift["artifacts"]["paths"] == ["out/drift/$STACK/"]


PULUMI = """#!/usr/bin/env bash
if [ "$1" = stack ]; then
    printf '%s\\n' "$@" > "$RECORD.history"
    printf '%s' "$HISTORY"
    exit 0
fi
printf '%s\\n' "$@" > "$RECORD"
echo "pulumi: refreshing" >&2
cat "$DIGEST"
exit "$STATUS"
"""


# `pulumi stack history --json`, newest first (updateInfoJSON: version, kind, startTime, message,
# environment, config, result, endTime, resourceChanges).
HISTORY = json.dumps(
    [
        {
            "version": 12,
            "kind": "update",
            "startTime": "2026-11-27T09:12:03.000Z",
            "message": "deploy",
            "environment": {
                "git.head": "0123456789abcdef0123456789abcdef01234567",
                "git.headName": "refs/heads/main",
            },
            "config": {},
            "result": "succeeded",
            "endTime": "2026-11-27T09:31:40.000Z",
            "resourceChanges": {"same": 248},
        }
    ]
)


def _drift(
    tmp_path: Path, digest: Path | None, status: int, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "pulumi").write_text(PULUMI, encoding="utf-8")
    (bin_dir / "pulumi").chmod(0o755)
    empty = tmp_path / "empty"
    empty.write_text("", encoding="utf-8")
    return subprocess.run(
        [str(DRIFT), *args],
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "RECORD": str(tmp_path / "args"),
            "DIGEST": str(digest or empty),
            "STATUS": str(status),
            "HISTORY": HISTORY,
            "DRIFT_OUT": str(tmp_path / "out"),
            "PYTHON": sys.executable,
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_scripts_ci_drift_reports_and_opens_the_issue(tmp_path: Path) -> None:
    with serving("github") as fake:
        env = {
            "DRIFT_ISSUES": "github",
            "GITHUB_API_URL": fake.url,
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_RUN_ID": "42",
            "GH_TOKEN": TOKEN,
            "PULUMI_ORGANIZATION": "acme",
        }
        completed = _drift(tmp_path, FIXTURES / "preview-prod-drift.json", 255, env, "prod")
        assert completed.returncode == 8, completed.stderr
        assert (tmp_path / "args").read_text().splitlines() == [
            "preview",
            "--stack",
            "acme/postings/prod",
            "--non-interactive",
            "--refresh",
            "--expect-no-changes",
            "--diff",
            "--json",
        ]
        assert (tmp_path / "args.history").read_text().splitlines() == [
            "stack",
            "history",
            "--stack",
            "acme/postings/prod",
            "--json",
            "--page-size",
            "20",
        ]
        assert "pulumi: refreshing" in completed.stderr
        lines = completed.stdout.splitlines()
        assert lines[0] == "prod: drift in 4 resources, 6 changes (pulumi preview --refresh)"
        assert lines[-1] == "drift: prod: opened issue #1: Infrastructure drift in prod"
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        assert lines[-2] == (
            "  note: the stack was last updated from commit 0123456789ab; this preview ran the program at "
            f"{head.stdout.strip()[:12]}: a change merged in between and not yet deployed reads as drift here"
        )
        assert (tmp_path / "out" / "report.md").read_text().startswith("**prod: drift in 4 resources")
        assert [issue["title"] for issue in fake.open_issues()] == ["Infrastructure drift in prod"]

        # A preview that never ran is an error, and the issue is left as it is.
        failed = _drift(tmp_path, None, 255, env, "prod")
        assert failed.returncode == 1
        assert "drift: prod: pulumi preview exited 255 without a JSON digest" in failed.stderr
        assert len(fake.open_issues()) == 1
        assert fake.comments == []


def test_scripts_ci_drift_refuses_an_unknown_stack(tmp_path: Path) -> None:
    completed = _drift(tmp_path, None, 0, {}, "qa")
    assert (completed.returncode, completed.stderr) == (
        2,
        "scripts/ci/drift: no stack 'qa': there is no stacks/Pulumi.qa.yaml\n",
    )
    assert not (tmp_path / "args").exists()


def test_the_ci_report_needs_only_what_policy_txt_installs() -> None:
    # The credentialed jobs install requirements/policy.txt alone: no boto3, moto or the infra CLI's deps.
    code = (
        "import sys, infra.drift.ci\n"
        "heavy = {'boto3', 'botocore', 'moto', 'pulumi', 'pulumi_aws', 'pydantic'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert completed.stdout == "[]\n"
    policy = (ROOT / "requirements" / "policy.txt").read_text(encoding="utf-8")
    assert re.search(r"^pyyaml==", policy, re.M)
