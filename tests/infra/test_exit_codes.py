"""Every exit status of `infra` (infra/exit_codes.py), each produced by a real run, and the README's and
`--help`'s copies of the table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from infra.cli import build_parser, main
from infra.exit_codes import MEANING, Exit, exit_code_markdown, exit_code_table
from tests.infra.rehearsal.conftest import FIXTURES, PROJECT_ROOT

MINIMAL = FIXTURES / "minimal"
TAGS = {"Project": "tiny", "Environment": "dev", "Stack": "s", "ManagedBy": "pulumi", "Owner": "tests"}
TINY = f"""import pulumi_aws as aws

aws.sqs.Queue("jobs", sqs_managed_sse_enabled=True, tags={TAGS!r})
# Glacier has no emulator: echoed, and reported as not emulated.
aws.glacier.Vault("archive", tags={TAGS!r})
"""
INSECURE = FIXTURES / "insecure"
MISTAKES = FIXTURES / "mistakes"


def test_the_readme_and_help_carry_the_table() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert exit_code_markdown() in readme
    assert set(MEANING) == set(Exit)
    parser = build_parser()
    assert exit_code_table() in str(parser.epilog)
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for command in ("rehearse", "diff", "policy"):
        assert action.choices[command].epilog == exit_code_table(), command


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A project the policy pack passes: a tagged, encrypted queue (stateful) and an echoed vault."""
    project = tmp_path / "tiny"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: tiny\nruntime: python\n", encoding="utf-8")
    (project / "Pulumi.s.yaml").write_text("config: {}\n", encoding="utf-8")
    (project / "__main__.py").write_text(TINY, encoding="utf-8")
    return project


def test_ok(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rehearse", "s", "--project", str(tiny)]) == Exit.OK
    out = capsys.readouterr().out
    verdict = "s: 2 resources, 0 refused, 0 mandatory findings, 0 advisory, 0 suppressed: passed"
    assert out.startswith(verdict + "\n")
    assert out.rstrip().endswith("\n" + verdict)


def test_error_when_the_program_raises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.s.yaml").write_text("config: {}\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text("raise RuntimeError('a bug in the program')\n", encoding="utf-8")
    plan = tmp_path / "plan.json"
    assert main(["rehearse", "s", "--project", str(tmp_path), "--json", str(plan)]) == Exit.ERROR
    assert "a bug in the program" in capsys.readouterr().err
    assert '"kind": "error"' in plan.read_text(encoding="utf-8")


def test_usage_for_a_stack_without_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rehearse", "nosuchstack", "--project", str(MINIMAL)]) == Exit.USAGE
    assert "Pulumi.nosuchstack.yaml" in capsys.readouterr().err


def test_usage_for_fail_on_destructive_without_a_base(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rehearse", "test", "--project", str(MINIMAL), "--fail-on", "destructive"]) == Exit.USAGE
    assert "--fail-on destructive needs --base PLAN.json" in capsys.readouterr().err


def test_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    args = ["rehearse", "subnet-outside-vpc", "--project", str(MISTAKES), "--json", str(plan)]
    assert main(args) == Exit.REFUSED
    assert '"property": "cidrBlock"' in plan.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["diff", str(plan), str(plan)]) == Exit.REFUSED


def test_policy(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--project", str(INSECURE), "--mocks", "recording"]
    assert main(["rehearse", "insecure", *args]) == Exit.POLICY
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last.startswith("insecure: ")
    assert "mandatory policy finding(s))" in last
    assert main(["policy", "insecure", *args]) == Exit.POLICY


def test_destructive(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = tmp_path / "head.json"
    assert main(["rehearse", "s", "--project", str(tiny), "--json", str(head)]) == Exit.OK
    # The base held another queue, which the head deletes: its messages are lost.
    plan = json.loads(head.read_text(encoding="utf-8"))
    queue = next(r for r in plan["resources"] if r["type"] == "aws:sqs/queue:Queue")
    plan["resources"].append({**queue, "urn": queue["urn"] + "-old", "name": "jobs-old"})
    base = tmp_path / "base.json"
    base.write_text(json.dumps(plan), encoding="utf-8")
    assert main(["diff", str(base), str(head)]) == Exit.DESTRUCTIVE
    assert main(["diff", str(base), str(head), "--allow-destructive"]) == Exit.OK
    capsys.readouterr()
    args = ["rehearse", "s", "--project", str(tiny), "--base", str(base)]
    assert main(args) == Exit.OK
    assert "1 to delete" in capsys.readouterr().out
    assert main([*args, "--fail-on", "destructive"]) == Exit.DESTRUCTIVE
    assert capsys.readouterr().out.rstrip().endswith(": FAILED (1 destructive change(s))")


def test_not_emulated(tiny: Path) -> None:
    for option in (["--fail-on", "not-emulated"], ["--strict"]):
        assert main(["rehearse", "s", "--project", str(tiny), *option]) == Exit.NOT_EMULATED


def test_unavailable_without_aws_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("PATH", str(tmp_path))  # no Pulumi CLI either
    assert main(["hosts", "list", "dev"]) == Exit.UNAVAILABLE
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("infra: no usable AWS credentials (Unable to locate credentials): ")
    assert "aws sts get-caller-identity" in err[-1]
    assert "Traceback" not in "\n".join(err)
