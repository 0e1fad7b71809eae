"""One issue per stack that lists its drift: opened when drift appears, updated while it lasts (never a
second one), commented on and closed when it clears. GitHub through its REST API (what `gh issue` calls),
GitLab through its Issues and Notes APIs with a project access token."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from infra.drift.report import DriftReport

LABEL = "drift"
TIMEOUT = 30
# GitHub refuses an issue body over 65,536 characters (GitLab's limit is 1,000,000): the report is cut
# below it, at a line, and says where the whole one is.
MAX_REPORT = 60_000


def title(stack: str) -> str:
    """The stable title an issue is found by (together with the label)."""
    return f"Infrastructure drift in {stack}"


class TrackerError(Exception):
    """The issue tracker refused a request: the message names the request, the status and the answer."""


@dataclass(frozen=True)
class Issue:
    number: int
    body: str
    url: str


class Tracker(Protocol):
    def find_open(self, title: str) -> Issue | None: ...
    def create(self, title: str, body: str) -> Issue: ...
    def update(self, issue: Issue, body: str) -> None: ...
    def comment(self, issue: Issue, body: str) -> None: ...
    def close(self, issue: Issue) -> None: ...


def _request(
    method: str, url: str, headers: dict[str, str], payload: dict[str, Any] | None = None
) -> tuple[Any, dict[str, str]]:
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read()
            return (json.loads(body) if body else None), dict(response.headers.items())
    except urllib.error.HTTPError as err:
        answer = err.read().decode("utf-8", "replace")[:500]
        raise TrackerError(f"{method} {url}: HTTP {err.code}: {answer}") from None
    except urllib.error.URLError as err:
        raise TrackerError(f"{method} {url}: {err.reason}") from None


class GitHub:
    """Issues of one repository (`owner/name`) with a token that may write issues (`issues: write`)."""

    def __init__(self, api_url: str, repository: str, token: str) -> None:
        self.base = f"{api_url.rstrip('/')}/repos/{repository}"
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "postings-infra-drift",
        }

    def find_open(self, title: str) -> Issue | None:
        query = urllib.parse.urlencode({"labels": LABEL, "state": "open", "per_page": 100})
        url: str | None = f"{self.base}/issues?{query}"
        while url:
            page, headers = _request("GET", url, self.headers)
            for item in page:
                # The issues endpoint lists pull requests too.
                if item.get("title") == title and "pull_request" not in item:
                    return Issue(int(item["number"]), item.get("body") or "", str(item.get("html_url", "")))
            link = re.search(r'<([^>]+)>;\s*rel="next"', headers.get("Link", ""))
            url = link.group(1) if link else None
        return None

    def create(self, title: str, body: str) -> Issue:
        item, _ = _request(
            "POST", f"{self.base}/issues", self.headers, {"title": title, "body": body, "labels": [LABEL]}
        )
        return Issue(int(item["number"]), body, str(item.get("html_url", "")))

    def update(self, issue: Issue, body: str) -> None:
        _request("PATCH", f"{self.base}/issues/{issue.number}", self.headers, {"body": body})

    def comment(self, issue: Issue, body: str) -> None:
        _request("POST", f"{self.base}/issues/{issue.number}/comments", self.headers, {"body": body})

    def close(self, issue: Issue) -> None:
        _request(
            "PATCH",
            f"{self.base}/issues/{issue.number}",
            self.headers,
            {"state": "closed", "state_reason": "completed"},
        )


class GitLab:
    """Issues of one project with a project access token (role Reporter, scope `api`): CI_JOB_TOKEN cannot
    reach the Issues API."""

    def __init__(self, api_url: str, project: str, token: str) -> None:
        self.base = f"{api_url.rstrip('/')}/projects/{urllib.parse.quote(project, safe='')}"
        self.headers = {"PRIVATE-TOKEN": token, "User-Agent": "postings-infra-drift"}

    def find_open(self, title: str) -> Issue | None:
        page_number: str | None = "1"
        while page_number:
            query = urllib.parse.urlencode(
                {"labels": LABEL, "state": "opened", "per_page": 100, "page": page_number}
            )
            page, headers = _request("GET", f"{self.base}/issues?{query}", self.headers)
            for item in page:
                if item.get("title") == title:
                    return Issue(
                        int(item["iid"]), item.get("description") or "", str(item.get("web_url", ""))
                    )
            page_number = headers.get("X-Next-Page") or None
        return None

    def create(self, title: str, body: str) -> Issue:
        item, _ = _request(
            "POST",
            f"{self.base}/issues",
            self.headers,
            {"title": title, "description": body, "labels": LABEL},
        )
        return Issue(int(item["iid"]), body, str(item.get("web_url", "")))

    def update(self, issue: Issue, body: str) -> None:
        _request("PUT", f"{self.base}/issues/{issue.number}", self.headers, {"description": body})

    def comment(self, issue: Issue, body: str) -> None:
        _request("POST", f"{self.base}/issues/{issue.number}/notes", self.headers, {"body": body})

    def close(self, issue: Issue) -> None:
        _request("PUT", f"{self.base}/issues/{issue.number}", self.headers, {"state_event": "close"})


def issue_body(report: DriftReport, run_url: str) -> str:
    checked = f"Last checked by {run_url}" if run_url else "Last checked by the scheduled drift job"
    markdown = report.markdown()
    if len(markdown) > MAX_REPORT:
        whole = f"`out/drift/{report.stack}/report.md` in the job's artifacts"
        markdown = (
            markdown[: markdown.rfind("\n", 0, MAX_REPORT) + 1]
            + f"\n**Cut here: the whole report is {whole}.**\n"
        )
    return (
        f"<!-- infra-drift:{report.stack} -->\n"
        f"{markdown}\n"
        "Bring the stack back to its program (`pulumi up` from the default branch, or revert the change "
        "by hand), or make the change in the code; noise goes in `infra/drift/allowlist.yaml` with its "
        "reason. This issue is updated by every run and closed when the drift clears.\n\n"
        f"{checked}\n"
    )


def sync_issue(tracker: Tracker, report: DriftReport, run_url: str = "") -> str:
    """Open, update, or comment on and close the stack's issue; returns what was done, in one line."""
    name = title(report.stack)
    issue = tracker.find_open(name)
    if report.has_drift:
        body = issue_body(report, run_url)
        if issue is None:
            created = tracker.create(name, body)
            return f"opened issue #{created.number}: {name}"
        if issue.body == body:
            return f"issue #{issue.number} already says this"
        tracker.update(issue, body)
        return f"updated issue #{issue.number}: {name}"
    if issue is None:
        return "no drift, no open issue"
    tracker.comment(
        issue, f"The drift cleared: {report.headline()}." + (f" Checked by {run_url}." if run_url else "")
    )
    tracker.close(issue)
    return f"closed issue #{issue.number}: the drift cleared"
