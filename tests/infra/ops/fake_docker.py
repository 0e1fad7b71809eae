"""A Docker Engine API stand-in on 127.0.0.1: answers /version, /build and /images/<name>/push the way
the engine does (chunked JSON streams), records every request, and registers a pushed image in the
(moto) ECR so the registry sees what the engine "pushed". It builds nothing."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

API_VERSION = "1.44"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def tar_names(self) -> list[str]:
        with tarfile.open(fileobj=io.BytesIO(self.body)) as archive:
            return sorted(archive.getnames())

    def registry_auth(self) -> dict[str, Any]:
        header = self.headers["x-registry-auth"]
        decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        return decoded


@dataclass
class FakeEngine:
    """Set `build_error` / `push_error` to make the engine report a failure in its stream."""

    register_push: Callable[[str, str, str], str]
    """(repository, tag, manifest) -> digest the registry assigned."""
    requests: list[Recorded] = field(default_factory=list)
    build_error: str | None = None
    push_error: str | None = None
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"tcp://127.0.0.1:{self.server.server_address[1]}"

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]

    def start(self) -> FakeEngine:
        engine = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    data = b""
                    while True:
                        size = int(self.rfile.readline().strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            return data
                        data += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _record(self) -> Recorded:
                url = urlsplit(self.path)
                recorded = Recorded(
                    method=self.command,
                    path=unquote(url.path),
                    query={k: v[-1] for k, v in parse_qs(url.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self._body(),
                )
                engine.requests.append(recorded)
                return recorded

            def _json(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, events: list[dict[str, Any]]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for event in events:
                    chunk = json.dumps(event).encode() + b"\r\n"
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")

            def do_GET(self) -> None:
                recorded = self._record()
                if recorded.path.endswith("/version"):
                    self._json(
                        200, {"ApiVersion": API_VERSION, "MinAPIVersion": "1.24", "Version": "25.0.0-fake"}
                    )
                elif recorded.path.endswith("/_ping"):
                    self._json(200, "OK")
                else:
                    self._json(404, {"message": f"page not found: {recorded.path}"})

            def do_POST(self) -> None:
                recorded = self._record()
                if recorded.path == f"/v{API_VERSION}/build":
                    self._stream(engine._build_events(recorded))
                elif recorded.path.startswith(f"/v{API_VERSION}/images/") and recorded.path.endswith("/push"):
                    repository = recorded.path.removeprefix(f"/v{API_VERSION}/images/").removesuffix("/push")
                    self._stream(engine._push_events(repository, recorded.query["tag"]))
                else:
                    self._json(404, {"message": f"page not found: {recorded.path}"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def _build_events(self, recorded: Recorded) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = [
            {"stream": "Step 1/2 : FROM python:3.11-slim\n"},
            {"stream": " ---> 0123456789ab\n"},
            {"stream": "Step 2/2 : COPY . /app\n"},
        ]
        if self.build_error:
            return [*events, {"errorDetail": {"message": self.build_error}, "error": self.build_error}]
        return [
            *events,
            {"aux": {"ID": "sha256:" + hashlib.sha256(recorded.body).hexdigest()}},
            {"stream": f"Successfully tagged {recorded.query['t']}\n"},
        ]

    def _push_events(self, repository: str, tag: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = [
            {"status": f"The push refers to repository [{repository}]"},
            {"status": "Preparing", "progressDetail": {}, "id": "a1b2c3"},
            {"status": "Pushing", "progressDetail": {"current": 512, "total": 1024}, "id": "a1b2c3"},
            {"status": "Pushing", "progressDetail": {"current": 1024, "total": 1024}, "id": "a1b2c3"},
        ]
        if self.push_error:
            return [*events, {"errorDetail": {"message": self.push_error}, "error": self.push_error}]
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {
                    "mediaType": "application/vnd.docker.container.image.v1+json",
                    "size": 1024,
                    "digest": "sha256:" + hashlib.sha256(tag.encode()).hexdigest(),
                },
                "layers": [],
            }
        )
        digest = self.register_push(repository, tag, manifest)
        return [
            *events,
            {"status": "Pushed", "progressDetail": {}, "id": "a1b2c3"},
            {"status": f"{tag}: digest: {digest} size: {len(manifest)}"},
            {"progressDetail": {}, "aux": {"Tag": tag, "Digest": digest, "Size": len(manifest)}},
        ]
