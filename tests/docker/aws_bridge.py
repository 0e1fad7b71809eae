"""The emulated AWS account (moto, in this process) over HTTP, for processes in containers: a request
signed for `AWS_ENDPOINT_URL=http://127.0.0.1:<port>` is replayed to the service its signature names
(`.../<region>/<service>/aws4_request`), where moto answers it as it answers this process's boto3."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


class AwsBridge:
    def __init__(self) -> None:
        self.requests: list[str] = []
        bridge = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _replay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                scope = SCOPE.search(self.headers.get("Authorization", ""))
                if scope is None:
                    self.send_error(403, "unsigned request")
                    return
                region, service = scope.groups()
                bridge.requests.append(service)
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
                }
                answer = requests.request(
                    self.command,
                    f"https://{service}.{region}.amazonaws.com{self.path}",
                    headers=headers,
                    data=body,
                    timeout=30,
                )
                self.send_response(answer.status_code)
                for name, value in answer.headers.items():
                    if name.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "content-encoding",
                    ):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _replay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
