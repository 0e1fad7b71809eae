"""Load the data sources and dashboards into a Grafana (Amazon Managed Grafana) through its HTTP API.

    python -m monitoring.grafana.provision --url "$(pulumi stack output grafanaUrl)" \
        --prometheus-url "$(pulumi stack output prometheusEndpoint)" --region eu-west-1 --token "$TOKEN"

where TOKEN is a short-lived token of the workspace's `provisioner` service account (monitoring/README.md).
Idempotent: data sources are created or updated by uid, dashboards overwritten by uid.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from monitoring.grafana.dashboards import CLOUDWATCH_UID, PROMETHEUS_UID, render

FOLDER_UID = "postings"
TIMEOUT = 30


class ProvisionError(Exception):
    """Grafana refused a request: the message names the request and Grafana's answer."""


def data_sources(prometheus_url: str, region: str) -> list[dict[str, Any]]:
    """AMP through SigV4 and CloudWatch, both with the workspace's IAM role (the SDK's default chain)."""
    return [
        {
            "uid": PROMETHEUS_UID,
            "name": "Amazon Managed Prometheus",
            "type": "prometheus",
            "access": "proxy",
            "url": prometheus_url.rstrip("/"),
            "isDefault": True,
            "jsonData": {
                "httpMethod": "POST",
                "sigV4Auth": True,
                "sigV4AuthType": "ec2",
                "sigV4Region": region,
            },
        },
        {
            "uid": CLOUDWATCH_UID,
            "name": "CloudWatch",
            "type": "cloudwatch",
            "access": "proxy",
            "jsonData": {"authType": "ec2", "defaultRegion": region},
        },
    ]


@dataclass(frozen=True)
class Grafana:
    url: str
    token: str

    def request(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url.rstrip("/") + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return int(response.status), json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def must(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        status, answer = self.request(method, path, body)
        if status >= 300:
            raise ProvisionError(f"{method} {path}: HTTP {status} {answer}")
        return answer

    def exists(self, path: str) -> bool:
        """True on 200, False on 404; anything else (a refused token) is an error."""
        status, answer = self.request("GET", path)
        if status not in (200, 404):
            raise ProvisionError(f"GET {path}: HTTP {status} {answer}")
        return status == 200


def provision(grafana: Grafana, *, prometheus_url: str, region: str) -> list[str]:
    """Create or update the data sources, the folder and every dashboard; returns what was done."""
    done: list[str] = []
    for source in data_sources(prometheus_url, region):
        if not grafana.exists(f"/api/datasources/uid/{source['uid']}"):
            grafana.must("POST", "/api/datasources", source)
            done.append(f"created data source {source['uid']}")
        else:
            grafana.must("PUT", f"/api/datasources/uid/{source['uid']}", source)
            done.append(f"updated data source {source['uid']}")
    if not grafana.exists(f"/api/folders/{FOLDER_UID}"):
        grafana.must("POST", "/api/folders", {"uid": FOLDER_UID, "title": "postings"})
        done.append(f"created folder {FOLDER_UID}")
    for name, text in sorted(render().items()):
        dashboard = json.loads(text)
        grafana.must(
            "POST",
            "/api/dashboards/db",
            {
                "dashboard": {**dashboard, "id": None},
                "folderUid": FOLDER_UID,
                "overwrite": True,
                "message": f"provisioned from monitoring/grafana/{name}",
            },
        )
        done.append(f"provisioned dashboard {dashboard['uid']}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitoring.grafana.provision", description=__doc__)
    parser.add_argument("--url", required=True, help="Grafana URL (stack output grafanaUrl)")
    parser.add_argument("--token", required=True, help="API token of an admin service account")
    parser.add_argument(
        "--prometheus-url", required=True, help="AMP endpoint (stack output prometheusEndpoint)"
    )
    parser.add_argument("--region", required=True, help="AWS region of AMP and CloudWatch")
    args = parser.parse_args(argv)
    try:
        for line in provision(
            Grafana(args.url, args.token), prometheus_url=args.prometheus_url, region=args.region
        ):
            print(line)
    except (ProvisionError, urllib.error.URLError) as err:
        print(f"provision: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
