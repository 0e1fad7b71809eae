"""Provisioning against a stand-in for Grafana's HTTP API: data sources by uid, folder, dashboards.

Amazon Managed Grafana is not available offline; the stand-in keeps what the API would store and refuses
what it would refuse (no token, a dashboard whose panels name a data source that does not exist)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from monitoring.grafana.provision import Grafana, ProvisionError, main, provision

TOKEN = "glsa_test"


class FakeGrafana(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.datasources: dict[str, dict[str, Any]] = {}
        self.folders: dict[str, dict[str, Any]] = {}
        self.dashboards: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []


class Handler(BaseHTTPRequestHandler):
    server: FakeGrafana

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> Any:
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")

    def handle_one(self, method: str) -> None:
        self.server.requests.append((method, self.path))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.reply(401, {"message": "Unauthorized"})
        store = self.server
        if self.path.startswith("/api/datasources/uid/"):
            uid = self.path.rsplit("/", 1)[-1]
            if method == "GET":
                return (
                    self.reply(200, store.datasources[uid])
                    if uid in store.datasources
                    else self.reply(404, {})
                )
            store.datasources[uid] = self.body()
            return self.reply(200, {"message": "Datasource updated"})
        if self.path == "/api/datasources" and method == "POST":
            source = self.body()
            store.datasources[source["uid"]] = source
            return self.reply(200, {"message": "Datasource added"})
        if self.path.startswith("/api/folders/"):
            uid = self.path.rsplit("/", 1)[-1]
            return self.reply(200, store.folders[uid]) if uid in store.folders else self.reply(404, {})
        if self.path == "/api/folders" and method == "POST":
            folder = self.body()
            store.folders[folder["uid"]] = folder
            return self.reply(200, folder)
        if self.path == "/api/dashboards/db" and method == "POST":
            request = self.body()
            dashboard = request["dashboard"]
            if request["folderUid"] not in store.folders:
                return self.reply(400, {"message": "folder not found"})
            for panel in dashboard["panels"]:
                for target in panel["targets"]:
                    if target["datasource"]["uid"] not in store.datasources:
                        return self.reply(
                            400, {"message": f"data source {target['datasource']['uid']} not found"}
                        )
            if dashboard["uid"] in store.dashboards and not request["overwrite"]:
                return self.reply(412, {"message": "version-mismatch"})
            store.dashboards[dashboard["uid"]] = dashboard
            return self.reply(200, {"status": "success", "uid": dashboard["uid"]})
        return self.reply(404, {"message": "Not found"})

    def do_GET(self) -> None:
        self.handle_one("GET")

    def do_POST(self) -> None:
        self.handle_one("POST")

    def do_PUT(self) -> None:
        self.handle_one("PUT")


@pytest.fixture
def grafana() -> Iterator[FakeGrafana]:
    server = FakeGrafana()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def url(server: FakeGrafana) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


AMP = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/"


def test_first_run_creates_everything_the_dashboards_need(grafana: FakeGrafana) -> None:
    done = provision(Grafana(url(grafana), TOKEN), prometheus_url=AMP, region="eu-west-1")
    assert done == [
        "created data source amp",
        "created data source cloudwatch",
        "created folder postings",
        "provisioned dashboard postings-infrastructure",
        "provisioned dashboard postings-red",
    ]
    amp = grafana.datasources["amp"]
    assert amp["url"] == AMP.rstrip("/")
    assert amp["jsonData"] == {
        "httpMethod": "POST",
        "sigV4Auth": True,
        "sigV4AuthType": "ec2",
        "sigV4Region": "eu-west-1",
    }
    assert grafana.datasources["cloudwatch"]["jsonData"] == {"authType": "ec2", "defaultRegion": "eu-west-1"}
    assert sorted(grafana.dashboards) == ["postings-infrastructure", "postings-red"]
    assert grafana.dashboards["postings-red"]["id"] is None


def test_second_run_updates_in_place(grafana: FakeGrafana) -> None:
    provision(Grafana(url(grafana), TOKEN), prometheus_url=AMP, region="eu-west-1")
    done = provision(Grafana(url(grafana), TOKEN), prometheus_url=AMP, region="eu-west-1")
    assert done[:2] == ["updated data source amp", "updated data source cloudwatch"]
    assert "created folder postings" not in done
    assert ("PUT", "/api/datasources/uid/amp") in grafana.requests


def test_a_refused_token_fails_with_grafanas_answer(
    grafana: FakeGrafana, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(
        ProvisionError, match=r"GET /api/datasources/uid/amp: HTTP 401 \{'message': 'Unauthorized'\}"
    ):
        provision(Grafana(url(grafana), "wrong"), prometheus_url=AMP, region="eu-west-1")
    code = main(["--url", url(grafana), "--token", "wrong", "--prometheus-url", AMP, "--region", "eu-west-1"])
    assert code == 1
    assert capsys.readouterr().err.startswith("provision: GET /api/datasources/uid/amp: HTTP 401")
