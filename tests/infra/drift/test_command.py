"""`infra drift`: the command's output and exit status, from a rehearsal changed out of band (its own
rehearsal, so in a module of its own) and from a saved preview digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.cli import main
from infra.exit_codes import Exit

FIXTURES = Path(__file__).parent / "fixtures"
CHANGE = """
def change(rehearsal):
    group = rehearsal.result.one("aws:cloudwatch/logGroup:LogGroup", "postings-dev-worker-logs")
    rehearsal.session.client("logs").put_retention_policy(logGroupName=group.state["name"], retentionInDays=1)
"""


def test_emulated_with_a_change_out_of_band_exits_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change = tmp_path / "change.py"
    change.write_text(CHANGE, encoding="utf-8")
    markdown = tmp_path / "drift.md"
    argv = ["drift", "dev", "--emulated", "--out-of-band", str(change), "--markdown", str(markdown)]
    assert main(argv) == Exit.DRIFT
    assert capsys.readouterr().out.splitlines() == [
        "dev: drift in 1 resource, 1 change (emulated account)",
        "  aws:cloudwatch/logGroup:LogGroup  postings-dev-worker-logs: changed outside Pulumi",
        "    retentionInDays: declared 30, live 1",
        "  note: compared 109 resources of 10 types; 90 resources of 48 other types have no reader "
        "(infra/drift/emulated.py)",
    ]
    assert markdown.read_text(encoding="utf-8").splitlines()[:5] == [
        "**dev: drift in 1 resource, 1 change (emulated account)**",
        "",
        "| resource | type | property | declared | live |",
        "|---|---|---|---|---|",
        "| `postings-dev-worker-logs` | `aws:cloudwatch/logGroup:LogGroup` | `retentionInDays` | `30` "
        "| `1` |",
    ]


def test_a_saved_preview_is_reported_as_the_scheduled_job_reports_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["drift", "prod", "--preview", str(FIXTURES / "preview-prod-drift.json"), "--preview-exit", "255"]
    assert main(argv) == Exit.DRIFT
    assert (
        capsys.readouterr().out.splitlines()[0]
        == "prod: drift in 4 resources, 6 changes (pulumi preview --refresh)"
    )
    denied = [
        "drift",
        "prod",
        "--preview",
        str(FIXTURES / "preview-prod-refresh-denied.json"),
        "--preview-exit",
        "255",
    ]
    assert main(denied) == Exit.ERROR


def test_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change = tmp_path / "change.py"
    change.write_text("x = 1\n", encoding="utf-8")
    preview = str(FIXTURES / "preview-prod-drift.json")
    assert main(["drift", "prod", "--preview", preview, "--out-of-band", str(change)]) == Exit.USAGE
    assert capsys.readouterr().err == "infra drift: --out-of-band needs --emulated\n"
    assert main(["drift", "dev", "--emulated", "--out-of-band", str(change)]) == Exit.USAGE
    assert capsys.readouterr().err == f"infra drift: {change} defines no change(rehearsal) function\n"
    with pytest.raises(SystemExit) as raised:
        main(["drift", "dev"])
    assert raised.value.code == Exit.USAGE
    assert "one of the arguments --emulated --preview is required" in capsys.readouterr().err
