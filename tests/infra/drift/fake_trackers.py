"""Stand-ins for the GitHub and GitLab issue APIs on 127.0.0.1, as their references document the calls
the drift job makes: token authentication, list with label and state filters and pagination (GitHub's
Link header, GitLab's X-Next-Page), create (201), edit, comment."""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "test-token"


class FakeTracker(ThreadingHTTPServer):
    def __init__(self, kind: str) -> None:
        super().__init__(("127.0.0.1", 0), GitHubHandler if kind == "github" else GitLabHandler)
        self.kind = kind
        self.issues: list[dict[str, Any]] = []
        self.comments: list[tuple[int, str]] = []
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def add(self, title: str, body: str, labels: list[str], *, pull_request: bool = False) -> dict[str, Any]:
        number = len(self.issues) + 1
        issue: dict[str, Any] = {"number": number, "title": title, "labels": labels, "state": "open"}
        if self.kind == "github":
            issue |= {"body": body, "html_url": f"https://github.com/o/r/issues/{number}"}
            if pull_request:
                issue["pull_request"] = {"url": "..."}
        else:
            issue |= {
                "iid": number,
                "description": body,
                "state": "opened",
                "web_url": f"https://gl/i/{number}",
            }
        self.issues.append(issue)
        return issue

    def open_issues(self) -> list[dict[str, Any]]:
        return [i for i in self.issues if i["state"] in ("open", "opened") and "pull_request" not in i]


class Handler(BaseHTTPRequestHandler):
    server: FakeTracker

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def payload(self) -> dict[str, Any]:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        assert self.headers.get("Content-Type") == "application/json"
        value = json.loads(raw)
        assert isinstance(value, dict)
        return value

    def authorised(self) -> bool:
        raise NotImplementedError

    def route(self) -> tuple[str, dict[str, str]] | None:
        self.server.requests.append(f"{self.command} {self.path}")
        if not self.authorised():
            self.send(401, {"message": "Bad credentials"})
            return None
        url = urllib.parse.urlsplit(self.path)
        return url.path, {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}

    def issue(self, number: str) -> dict[str, Any] | None:
        return next((i for i in self.server.issues if i["number"] == int(number)), None)

    def page(
        self, items: list[dict[str, Any]], query: dict[str, str]
    ) -> tuple[list[dict[str, Any]], int, int]:
        per_page = min(int(query.get("per_page", "30")), 100)
        page = int(query.get("page", "1"))
        pages = max(1, -(-len(items) // per_page))
        return items[(page - 1) * per_page : page * per_page], page, pages


class GitHubHandler(Handler):
    ISSUES = re.compile(r"^/repos/o/r/issues(?:/(\d+)(/comments)?)?$")

    def authorised(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {TOKEN}"

    def do_GET(self) -> None:
        routed = self.route()
        if routed is None:
            return
        path, query = routed
        match = self.ISSUES.match(path)
        if not match or match.group(1):
            self.send(404, {"message": "Not Found"})
            return
        labels = set(filter(None, query.get("labels", "").split(",")))
        state = query.get("state", "open")
        items = [i for i in self.server.issues if labels <= set(i["labels"]) and state in ("all", i["state"])]
        chunk, page, pages = self.page(items, query)
        headers = {}
        if page < pages:
            next_query = urllib.parse.urlencode({**query, "page": page + 1})
            headers["Link"] = f'<{self.server.url}{path}?{next_query}>; rel="next"'
        self.send(200, [{**i, "labels": [{"name": n} for n in i["labels"]]} for i in chunk], headers)

    def do_POST(self) -> None:
        routed = self.route()
        if routed is None:
            return
        match = self.ISSUES.match(routed[0])
        body = self.payload()
        if match and match.group(1) and match.group(2):
            if self.issue(match.group(1)) is None:
                self.send(404, {"message": "Not Found"})
                return
            self.server.comments.append((int(match.group(1)), body["body"]))
            self.send(201, {"id": len(self.server.comments), "body": body["body"]})
        elif match and not match.group(1):
            if not body.get("title"):
                self.send(422, {"message": "Validation Failed"})
                return
            self.send(201, self.server.add(body["title"], body.get("body", ""), body.get("labels", [])))
        else:
            self.send(404, {"message": "Not Found"})

    def do_PATCH(self) -> None:
        routed = self.route()
        if routed is None:
            return
        match = self.ISSUES.match(routed[0])
        issue = self.issue(match.group(1)) if match and match.group(1) and not match.group(2) else None
        if issue is None:
            self.send(404, {"message": "Not Found"})
            return
        body = self.payload()
        assert set(body) <= {"body", "state", "state_reason"}, body
        issue.update(body)
        self.send(200, issue)


class GitLabHandler(Handler):
    ISSUES = re.compile(r"^/api/v4/projects/100/issues(?:/(\d+)(/notes)?)?$")

    def authorised(self) -> bool:
        return self.headers.get("PRIVATE-TOKEN") == TOKEN

    def do_GET(self) -> None:
        routed = self.route()
        if routed is None:
            return
        path, query = routed
        match = self.ISSUES.match(path)
        if not match or match.group(1):
            self.send(404, {"message": "404 Not found"})
            return
        labels = set(filter(None, query.get("labels", "").split(",")))
        state = query.get("state", "all")
        items = [i for i in self.server.issues if labels <= set(i["labels"]) and state in ("all", i["state"])]
        chunk, page, pages = self.page(items, query)
        self.send(200, chunk, {"X-Page": str(page), "X-Next-Page": str(page + 1) if page < pages else ""})

    def do_POST(self) -> None:
        routed = self.route()
        if routed is None:
            return
        match = self.ISSUES.match(routed[0])
        body = self.payload()
        if match and match.group(1) and match.group(2):
            if self.issue(match.group(1)) is None:
                self.send(404, {"message": "404 Not found"})
                return
            self.server.comments.append((int(match.group(1)), body["body"]))
            self.send(201, {"id": len(self.server.comments), "body": body["body"]})
        elif match and not match.group(1):
            labels = [label for label in str(body.get("labels", "")).split(",") if label]
            self.send(201, self.server.add(body["title"], body.get("description", ""), labels))
        else:
            self.send(404, {"message": "404 Not found"})

    def do_PUT(self) -> None:
        routed = self.route()
        if routed is None:
            return
        match = self.ISSUES.match(routed[0])
        issue = self.issue(match.group(1)) if match and match.group(1) and not match.group(2) else None
        if issue is None:
            self.send(404, {"message": "404 Not found"})
            return
        body = self.payload()
        assert set(body) <= {"description", "state_event"}, body
        if body.get("state_event") == "close":
            issue["state"] = "closed"
        if "description" in body:
            issue["description"] = body["description"]
        self.send(200, issue)


@contextmanager
def serving(kind: str) -> Iterator[FakeTracker]:
    server = FakeTracker(kind)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
