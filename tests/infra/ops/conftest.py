"""Shared fixtures: three real sshd on 127.0.0.1 (a bastion and two hosts behind it), keys, moto."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto import mock_aws

from infra.ops.ssh import Endpoint, SshSettings
from tests.infra.ops.sshd import SshServer, keygen, start_sshd

REGION = "eu-west-1"


@dataclass(frozen=True)
class Fleet:
    bastion: SshServer
    hosts: tuple[SshServer, ...]
    user_key: Path
    known_hosts: Path

    def endpoint(self, server: SshServer) -> Endpoint:
        return Endpoint(name=server.name, address="127.0.0.1", port=server.port)

    def settings(self, **changes: object) -> SshSettings:
        values: dict[str, object] = {
            "user": getpass.getuser(),
            "known_hosts": self.known_hosts,
            "identity": self.user_key,
            "connect_timeout": 5,
            "command_timeout": 30,
        }
        values.update(changes)
        return SshSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    root = tmp_path_factory.mktemp("ssh")
    user_key = keygen(root / "id_ed25519", "operator")
    servers: list[SshServer] = []
    try:
        for name in ("bastion", "host-a", "host-b"):
            servers.append(start_sshd(name, root / name, [user_key]))
        known_hosts = root / "known_hosts"
        known_hosts.write_text("".join(s.host_key_line for s in servers))
        yield Fleet(bastion=servers[0], hosts=tuple(servers[1:]), user_key=user_key, known_hosts=known_hosts)
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An emulated AWS account (moto) with fake credentials, so nothing can reach a real one."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",  # no test here looks up an AMI; loading them is slow
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # moto's catch-all for `*.amazonaws.com/` would also swallow a request to the fake Docker engine
    # whose *path* names the ECR registry (`/images/<registry>/postings-dev/push`): local URLs pass.
    with mock_aws(config={"core": {"passthrough": {"urls": [r"http://127\.0\.0\.1:\d+/"]}}}):
        yield
