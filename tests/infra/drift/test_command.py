"""`infra drift`: the command's output and exit status, from a rehearsal changed out of band (its own
rehearsals, so in a module of its own) and from a saved preview digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.cli import main
from infra.exit_codes import Exit

FIXTURES = Path(__file__).parent / "fixtures"
# A project of two resources rehearses in a fraction of dev's time; dev's own drift is test_emulated's.
TINY = """import pulumi_aws as aws

aws.cloudwatch.LogGroup("app-logs", retention_in_days=30, tags={"Team": "platform"})
aws.sns.Topic("alerts", tags={"Team": "platform"})
aws.sqs.Queue("jobs", visibility_timeout_seconds=60, sqs_managed_sse_enabled=True)
"""
CHANGE = """
def change(rehearsal):
    group = rehearsal.result.one("aws:cloudwatch/logGroup:LogGroup", "app-logs")
    rehearsal.session.client("logs").put_retention_policy(logGroupName=group.state["name"], retentionInDays=1)
    topic = rehearsal.result.one("aws:sns/topic:Topic", "alerts")
    rehearsal.session.client("sns").untag_resource(ResourceArn=topic.id, TagKeys=["Team"])
    queue = rehearsal.result.one("aws:sqs/queue:Queue", "jobs")
    rehearsal.session.client("sqs").set_queue_attributes(
        QueueUrl=queue.id, Attributes={"VisibilityTimeout": "5", "SqsManagedSseEnabled": "false"}
    )
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    project = tmp_path / "tiny"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: tiny\nruntime: python\n", encoding="utf-8")
    (project / "Pulumi.s.yaml").write_text("config: {}\n", encoding="utf-8")
    (project / "__main__.py").write_text(TINY, encoding="utf-8")
    return project


def test_emulated_without_a_change_exits_ok(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift", "s", "--emulated", "--project", str(tiny)]) == Exit.OK
    assert capsys.readouterr().out.splitlines() == [
        "s: no drift (emulated account)",
        "  note: compared 3 resources of 3 types; 0 resources of 0 other types have no reader "
        "(infra/drift/emulated.py)",
    ]


def test_emulated_with_a_change_out_of_band_exits_drift(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change = tmp_path / "change.py"
    change.write_text(CHANGE, encoding="utf-8")
    markdown = tmp_path / "drift.md"
    argv = ["drift", "s", "--emulated", "--project", str(tiny), "--out-of-band", str(change)]
    assert main([*argv, "--markdown", str(markdown)]) == Exit.DRIFT
    assert capsys.readouterr().out.splitlines() == [
        "s: drift in 3 resources, 4 changes (emulated account)",
        "  aws:cloudwatch/logGroup:LogGroup  app-logs: changed outside Pulumi",
        "    retentionInDays: declared 30, live 1",
        "  aws:sns/topic:Topic  alerts: changed outside Pulumi",
        '    tags.Team: removed outside Pulumi (declared "platform")',
        "  aws:sqs/queue:Queue  jobs: changed outside Pulumi",
        "    visibilityTimeoutSeconds: declared 60, live 5",
        "    sqsManagedSseEnabled: declared true, live false",
        "  note: compared 3 resources of 3 types; 0 resources of 0 other types have no reader "
        "(infra/drift/emulated.py)",
    ]
    assert markdown.read_text(encoding="utf-8").splitlines()[:6] == [
        "**s: drift in 3 resources, 4 changes (emulated account)**",
        "",
        "| resource | type | property | declared | live |",
        "|---|---|---|---|---|",
        "| `app-logs` | `aws:cloudwatch/logGroup:LogGroup` | `retentionInDays` | `30` | `1` |",
        '| `alerts` | `aws:sns/topic:Topic` | `tags.Team` (removed) | `"platform"` |  |',
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
    assert main(["drift", "s", "--emulated", "--out-of-band", str(change)]) == Exit.USAGE
    assert capsys.readouterr().err == f"infra drift: {change} defines no change(rehearsal) function\n"
    with pytest.raises(SystemExit) as raised:
        main(["drift", "dev"])
    assert raised.value.code == Exit.USAGE
    assert "one of the arguments --emulated --preview is required" in capsys.readouterr().err
