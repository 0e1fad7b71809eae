"""A real registry (Debian's docker-registry, distribution 2.8) standing in for a stack's ECR repository.

It takes the password of the emulated account's ECR authorization token (htpasswd), and a proxy in front
does what ECR does beside storing: each pushed manifest becomes an image of the emulated ECR repository
(PutImage, with the digest the registry computes), and a tag that already names another image of an
IMMUTABLE repository is refused as ECR refuses it (ImageTagAlreadyExistsException; docker reports "tag
invalid: ... cannot be overwritten because the repository is immutable",
https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html)."""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import bcrypt

MANIFEST = re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<reference>[^/]+)$")
DOCKER_REGISTRY = "docker-registry"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EcrStandIn:
    def __init__(self, ecr: Any, directory: Path, username: str, password: str) -> None:
        binary = shutil.which(DOCKER_REGISTRY)
        assert binary, (
            "Debian's docker-registry is not installed: scripts/test installs it (scripts/services.sh)"
        )
        self.ecr = ecr
        self.manifest_puts: list[str] = []
        (directory / "htpasswd").write_bytes(
            username.encode() + b":" + bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=5)) + b"\n"
        )
        self.registry_port = free_port()
        config = {
            "version": 0.1,
            "log": {"level": "warn"},
            "storage": {"filesystem": {"rootdirectory": str(directory / "storage")}},
            "http": {"addr": f"127.0.0.1:{self.registry_port}"},
            "auth": {"htpasswd": {"realm": "ecr-stand-in", "path": str(directory / "htpasswd")}},
        }
        (directory / "config.yml").write_text(json.dumps(config))  # YAML reads JSON
        self.log = (directory / "registry.log").open("wb")
        self.process = subprocess.Popen(
            [binary, "serve", str(directory / "config.yml")], stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.registry_port), timeout=1).close()
                break
            except OSError:
                assert self.process.poll() is None, (directory / "registry.log").read_text()
                assert time.monotonic() < deadline, "the registry did not start in 30 s"
                time.sleep(0.1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()

    def refusal(self, name: str, tag: str, digest: str) -> str | None:
        """ECR's answer to a manifest for `name:tag`, before the registry stores it: None to accept."""
        repository = self.ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
        try:
            images = self.ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": tag}])[
                "imageDetails"
            ]
        except self.ecr.exceptions.ImageNotFoundException:
            images = []
        existing = images[0]["imageDigest"] if images else None
        if existing is not None and existing != digest and repository["imageTagMutability"] == "IMMUTABLE":
            return (
                f"The image tag '{tag}' already exists in the '{name}' repository and cannot be overwritten "
                "because the repository is immutable."
            )
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Proxy(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks: list[bytes] = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    # a HEAD answer's Content-Length is the size of what GET would send (docker reads it)
                    kept = self.command == "HEAD" and name.lower() == "content-length"
                    if kept or name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                if self.command != "HEAD":
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _forward(self) -> None:
                body = self._body()
                manifest = MANIFEST.match(self.path.split("?", 1)[0])
                if self.command == "PUT" and manifest:
                    name, tag = manifest["name"], manifest["reference"]
                    digest = "sha256:" + hashlib.sha256(body).hexdigest()
                    refused = stand_in.refusal(name, tag, digest)
                    if refused is not None:
                        error = {"errors": [{"code": "TAG_INVALID", "message": refused}]}
                        self._answer(400, [("Content-Type", "application/json")], json.dumps(error).encode())
                        return
                status, headers, answer = self._upstream(body)
                if self.command == "PUT" and manifest and status == 201:
                    # in ECR before the client hears it is pushed: release asks ECR right after
                    stand_in.manifest_puts.append(f"{manifest['name']}:{manifest['reference']}")
                    stand_in.ecr.put_image(
                        repositoryName=manifest["name"],
                        imageManifest=body.decode(),
                        imageManifestMediaType=self.headers["Content-Type"],
                        imageTag=manifest["reference"],
                        imageDigest="sha256:" + hashlib.sha256(body).hexdigest(),
                    )
                self._answer(status, headers, answer)

            def _upstream(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
                connection = http.client.HTTPConnection("127.0.0.1", stand_in.registry_port, timeout=120)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("content-length", "transfer-encoding")
                }
                headers["Content-Length"] = str(len(body))
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                connection.close()
                return int(response.status), response.getheaders(), data

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        return Proxy
