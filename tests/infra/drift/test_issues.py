"""One issue per stack, against stand-ins for GitHub's and GitLab's issue APIs on 127.0.0.1: opened when
drift appears, updated in place while it lasts, commented on and closed when it clears, found again
across pages, never duplicated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.drift import ci
from infra.drift.issues import (
    MAX_REPORT,
    GitHub,
    GitLab,
    Tracker,
    TrackerError,
    issue_body,
    sync_issue,
    title,
)
from infra.drift.report import DriftReport, PropertyDrift, ResourceDrift
from infra.exit_codes import Exit
from tests.infra.drift.fake_trackers import TOKEN, FakeTracker, serving

FIXTURES = Path(__file__).parent / "fixtures"
URN = (
    "urn:pulumi:prod::postings::postings:infra:AppService$aws:cloudwatch/logGroup:LogGroup"
    "::postings-prod-api-logs"
)
RUN = "https://ci.example/runs/7"


def report(live: int | None) -> DriftReport:
    """prod with the API's log retention at `live` days (declared 365), or no drift when None."""
    if live is None:
        return DriftReport("prod", "pulumi preview --refresh", ())
    change = PropertyDrift("retentionInDays", "changed", 365, live)
    resource = ResourceDrift(
        URN, "aws:cloudwatch/logGroup:LogGroup", "postings-prod-api-logs", "update", (change,)
    )
    return DriftReport("prod", "pulumi preview --refresh", (resource,))


def client(server: FakeTracker, token: str = TOKEN) -> Tracker:
    if server.kind == "github":
        return GitHub(server.url, "o/r", token)
    return GitLab(f"{server.url}/api/v4", "100", token)


def body_of(server: FakeTracker, issue: dict[str, object]) -> object:
    return issue["body"] if server.kind == "github" else issue["description"]


@pytest.fixture(params=["github", "gitlab"])
def server(request: pytest.FixtureRequest) -> Iterator[FakeTracker]:
    with serving(request.param) as fake:
        yield fake


def test_drift_opens_one_issue_updates_it_and_closes_it_when_it_clears(server: FakeTracker) -> None:
    tracker = client(server)
    assert sync_issue(tracker, report(90), RUN) == "opened issue #1: Infrastructure drift in prod"
    (issue,) = server.open_issues()
    assert (issue["title"], issue["labels"]) == ("Infrastructure drift in prod", ["drift"])
    assert body_of(server, issue) == issue_body(report(90), RUN)
    assert (
        "| `postings-prod-api-logs` | `aws:cloudwatch/logGroup:LogGroup` | `retentionInDays` | `365` | `90` |"
        in str(body_of(server, issue))
    )

    assert sync_issue(tracker, report(90), RUN) == "issue #1 already says this"
    assert sync_issue(tracker, report(30), RUN) == "updated issue #1: Infrastructure drift in prod"
    assert [i["number"] for i in server.open_issues()] == [1]
    assert "| `365` | `30` |" in str(body_of(server, server.issues[0]))
    assert server.comments == []

    assert sync_issue(tracker, report(None), RUN) == "closed issue #1: the drift cleared"
    assert server.open_issues() == []
    assert server.comments == [
        (1, f"The drift cleared: prod: no drift (pulumi preview --refresh). Checked by {RUN}.")
    ]
    assert sync_issue(tracker, report(None), RUN) == "no drift, no open issue"

    # Drift that comes back gets a new issue; the closed one stays closed.
    assert sync_issue(tracker, report(7), RUN) == "opened issue #2: Infrastructure drift in prod"
    assert [i["number"] for i in server.open_issues()] == [2]


def test_the_issue_is_found_on_a_later_page_and_only_by_its_own_title(server: FakeTracker) -> None:
    for number in range(130):
        server.add(f"Infrastructure drift in stack-{number}", "", ["drift"])
    server.add("Infrastructure drift in prod", "unlabelled, someone else's", [])
    if server.kind == "github":
        server.add("Infrastructure drift in prod", "a pull request", ["drift"], pull_request=True)
    ours = server.add("Infrastructure drift in prod", "old body", ["drift"])
    assert (
        sync_issue(client(server), report(90), RUN)
        == f"updated issue #{ours['number']}: Infrastructure drift in prod"
    )
    assert body_of(server, ours) == issue_body(report(90), RUN)
    assert len(server.issues) == ours["number"]  # nothing created
    pages = [r for r in server.requests if r.startswith("GET ")]
    assert len(pages) == 2, pages


def test_a_refused_token_is_an_error_naming_the_request(server: FakeTracker) -> None:
    with pytest.raises(TrackerError) as raised:
        sync_issue(client(server, token="wrong"), report(90), RUN)
    message = str(raised.value)
    assert message.startswith(f"GET {server.url}/")
    assert ": HTTP 401: " in message
    assert server.issues == []


def test_the_titles_are_one_per_stack() -> None:
    assert [title(stack) for stack in ("dev", "staging", "prod")] == [
        "Infrastructure drift in dev",
        "Infrastructure drift in staging",
        "Infrastructure drift in prod",
    ]


@pytest.mark.parametrize("kind", ["github", "gitlab"])
def test_the_ci_entry_opens_the_issue_from_the_fixture(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    with serving(kind) as fake:
        if kind == "github":
            env = {
                "GITHUB_API_URL": fake.url,
                "GITHUB_REPOSITORY": "o/r",
                "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_RUN_ID": "42",
                "GH_TOKEN": TOKEN,
            }
            run = "https://github.com/o/r/actions/runs/42"
        else:
            env = {
                "CI_API_V4_URL": f"{fake.url}/api/v4",
                "CI_PROJECT_ID": "100",
                "POSTINGS_DRIFT_TOKEN": TOKEN,
                "CI_JOB_URL": "https://gitlab.example/g/p/-/jobs/9",
            }
            run = "https://gitlab.example/g/p/-/jobs/9"
        argv = ["prod", "--preview", str(FIXTURES / "preview-prod-drift.json"), "--preview-exit", "255"]
        assert ci.main([*argv, "--issues", kind], env=env) == Exit.DRIFT
        assert (
            capsys.readouterr().out.splitlines()[-1]
            == "drift: prod: opened issue #1: Infrastructure drift in prod"
        )
        (issue,) = fake.open_issues()
        body = str(body_of(fake, issue))
        assert body.startswith("<!-- infra-drift:prod -->\n**prod: drift in 4 resources, 6 changes")
        assert body.endswith(f"Last checked by {run}\n")

        # A failed preview leaves the issue alone.
        denied = [
            "prod",
            "--preview",
            str(FIXTURES / "preview-prod-refresh-denied.json"),
            "--preview-exit",
            "255",
        ]
        assert ci.main([*denied, "--issues", kind], env=env) == Exit.ERROR
        assert fake.open_issues() == [issue]
        assert fake.comments == []


def test_the_ci_entry_names_a_missing_variable(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["prod", "--preview", str(FIXTURES / "preview-prod-drift.json"), "--preview-exit", "255"]
    assert (
        ci.main([*argv, "--issues", "gitlab"], env={"CI_API_V4_URL": "x", "CI_PROJECT_ID": "1"}) == Exit.ERROR
    )
    captured = capsys.readouterr()
    assert captured.err == "drift: prod: the issue could not be written: POSTINGS_DRIFT_TOKEN is not set\n"
    assert captured.out.startswith("prod: drift in 4 resources, 6 changes")
    assert ci.main([*argv, "--issues", "github"], env={"GITHUB_REPOSITORY": "o/r"}) == Exit.ERROR
    assert (
        capsys.readouterr().err
        == "drift: prod: the issue could not be written: GH_TOKEN or GITHUB_TOKEN is not set\n"
    )


def test_a_report_too_long_for_an_issue_is_cut_at_a_line() -> None:
    resources = tuple(
        ResourceDrift(
            f"{URN}-{n}",
            "aws:cloudwatch/logGroup:LogGroup",
            f"postings-prod-logs-{n:04d}",
            "update",
            (PropertyDrift("retentionInDays", "changed", 365, 90),),
        )
        for n in range(1000)
    )
    big = DriftReport("prod", "pulumi preview --refresh", resources)
    assert len(big.markdown()) > MAX_REPORT
    body = issue_body(big, RUN)
    assert len(body) < 65_536
    table_rows = [line for line in body.splitlines() if line.startswith("| `postings-prod-logs-")]
    assert table_rows[-1].endswith("| `365` | `90` |")
    assert "**Cut here: the whole report is `out/drift/prod/report.md` in the job's artifacts.**" in body
    assert body.endswith(f"Last checked by {RUN}\n")
