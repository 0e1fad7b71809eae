"""`infra cost`: a rehearsed stack, a plan file, a change against its budget, and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.cli import main
from infra.exit_codes import Exit
from tests.infra.cost.conftest import small_plan

TINY = """import pulumi_aws as aws

aws.secretsmanager.Secret("token")
aws.sns.Topic("alerts")
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    project = tmp_path / "tiny"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: tiny\nruntime: python\n", encoding="utf-8")
    (project / "Pulumi.s.yaml").write_text("config:\n  aws:region: eu-west-1\n", encoding="utf-8")
    (project / "__main__.py").write_text(TINY, encoding="utf-8")
    return project


def _write(path: Path, plan: dict[str, object]) -> Path:
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def test_a_stack_is_rehearsed_and_priced_with_the_pinned_snapshot(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cost", "s", "--project", str(tiny), "--quiet", "--json"]) == Exit.OK
    data = json.loads(capsys.readouterr().out)
    # One secret at the snapshot's $0.40 a month; the topic's deliveries are unpriced.
    assert data["monthlyUsd"] == "0.40"
    assert [(line["name"], line["usageType"], line["monthlyUsd"]) for line in data["lines"]] == [
        ("token", "EU-AWSSecretsManager-Secrets", "0.40")
    ]
    assert [(u["type"], u["charge"]) for u in data["unpriced"]] == [
        ("aws:secretsmanager/secret:Secret", "API calls"),
        ("aws:sns/topic:Topic", "publishes and deliveries"),
    ]
    assert data["assumptions"]["hoursPerMonth"] == "730"


def test_a_plan_file_in_text_with_its_assumptions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = _write(tmp_path / "plan.json", small_plan())
    assert main(["cost", "--plan", str(plan), "--assume", "natGbPerMonth=0"]) == Exit.OK
    out = capsys.readouterr().out
    lines = out.splitlines()
    # At the pinned eu-west-1 prices, with no NAT data: NAT 730 h x $0.048 = 35.04; its address and the
    # ALB's two 730 h x $0.005 each = 3.65 + 7.30; ALB 730 h x $0.0252 = 18.396 and 190.7349 LCU-h x
    # $0.008 = 1.5259; 730 vCPU-h x $0.04048 = 29.5504 and 1,460 GB-h x $0.004445 = 6.4897; Multi-AZ
    # MySQL 2 x 730 h x $0.017 = 24.82, 2 x 50 GB x $0.127 = 12.70 and backup 50 GB x 0.02 x 7 days =
    # 7 GB x $0.095 = 0.665; a secret 0.40. Sum 140.5370. Unpriced: the secret's API calls, the topic and
    # the vault.
    assert lines[0] == "s: $140.54 a month; 3 charge(s) unpriced, not counted (listed below)"
    assert "  natGbPerMonth = 0" in lines
    assert "  1 x aws:glacier/vault:Vault: resource: no pricer for this type (infra/cost/pricers.py)" in lines
    assert lines[-1] == lines[0]


def test_a_change_within_and_over_its_budget(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = _write(tmp_path / "base.json", small_plan())
    # The head's config sets a budget of $10; one more Fargate task (0.5 vCPU, 1 GB) at the pinned
    # eu-west-1 prices adds 365 vCPU-h x $0.04048 + 730 GB-h x $0.004445 = $14.7752 + $3.24485 = $18.02
    head = _write(tmp_path / "head.json", small_plan(api_tasks=3, budget="10"))
    assert main(["cost", "--base", str(base), "--plan", str(head)]) == Exit.OVER_BUDGET
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith("(+$18.02); budget +$10.00 a month: OVER BUDGET")
    assert main(["cost", "--base", str(base), "--plan", str(head), "--budget", "20", "--markdown"]) == Exit.OK
    assert ":white_check_mark: budget +$20.00 a month: within budget" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--assume", "nope=1"], "infra: --assume nope=1: unknown assumption 'nope'"),
        (["--budget", "-1"], "infra: --budget -1: must be a number of dollars >= 0"),
        (["--prices", "/nonexistent.json"], "infra: no price snapshot for eu-west-1 (/nonexistent.json)"),
    ],
)
def test_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    plan = _write(tmp_path / "plan.json", small_plan())
    assert main(["cost", "--plan", str(plan), *args]) == Exit.USAGE
    assert capsys.readouterr().err.startswith(message)


def test_a_plan_that_did_not_rehearse_is_not_priced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = {"format": 1, "project": "tiny", "stack": "s", "resources": [], "outputs": {}}
    failed["failure"] = {"exit": 3, "kind": "refused", "message": "InvalidSubnet.Range"}
    plan = _write(tmp_path / "failed.json", failed)
    assert main(["cost", "--plan", str(plan)]) == Exit.USAGE
    assert "this plan did not rehearse (InvalidSubnet.Range); nothing to price" in capsys.readouterr().err


def test_stack_and_plan_together_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = _write(tmp_path / "plan.json", small_plan())
    assert main(["cost", "dev", "--plan", str(plan)]) == Exit.USAGE
    assert capsys.readouterr().err == "infra: give a STACK to rehearse or --plan FILE, not both\n"
