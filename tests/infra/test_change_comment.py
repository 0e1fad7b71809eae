"""The PR comment for a change from dev's configuration to prod's: its cost change and its diagram."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infra.cli import main
from infra.cost.change import cost_change
from infra.exit_codes import Exit

ROOT = Path(__file__).resolve().parents[2]
WRITE_PLANS = """
import sys
from pathlib import Path
from infra.diagram.commands import stack_plan
from infra.rehearsal.plan import write_plan
for stack in ("dev", "prod"):
    write_plan(stack_plan(Path(sys.argv[1]), stack), Path(sys.argv[2]) / f"{stack}.json")
"""


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """dev's plan, and prod's renamed to dev: the same stack with prod's configuration. Rehearsed in a
    process of their own, since a rehearsal leaves moto's patches behind in this one."""
    folder = tmp_path_factory.mktemp("plans")
    subprocess.run(
        [sys.executable, "-c", WRITE_PLANS, str(ROOT), str(folder)], cwd=ROOT, check=True, timeout=300
    )
    head = folder / "dev-as-prod.json"
    head.write_text((folder / "prod.json").read_text().replace("prod", "dev"))
    return folder / "dev.json", head


def test_the_comment_shows_the_cost_change_and_the_diagram_of_the_change(
    plans: tuple[Path, Path], tmp_path: Path
) -> None:
    base, head = plans
    comment = tmp_path / "comment.md"
    main(["diff", str(base), str(head), "--markdown", "--allow-destructive", "--output", str(comment)])
    text = comment.read_text()
    change = cost_change(json.loads(base.read_text()), json.loads(head.read_text()))
    assert change.after > change.before
    assert "### Monthly cost" in text
    assert f"${change.before:,.2f}" in text
    assert f"${change.after:,.2f}" in text
    assert "#### Architecture: what this change touches" in text
    assert "```mermaid" in text
    assert text.index("### Monthly cost") < text.index("#### Architecture")


def test_a_cost_rise_over_the_stacks_budget_fails_the_check(
    plans: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = plans
    plan = json.loads(head.read_text())
    plan["config"]["postings:monthlyBudgetChangeUsd"] = "10"
    budgeted = tmp_path / "budgeted.json"
    budgeted.write_text(json.dumps(plan))
    comment = tmp_path / "comment.md"
    code = main(
        ["diff", str(base), str(budgeted), "--markdown", "--allow-destructive", "--output", str(comment)]
    )
    assert code == Exit.OVER_BUDGET
    assert "❌ **This check fails: the monthly cost estimate rises by $" in comment.read_text()
    assert capsys.readouterr().out.strip().endswith(f"FAILED (exit {int(Exit.OVER_BUDGET)})")
