"""Real OpenSSH servers on 127.0.0.1 for the host-task tests: generated host and user keys, one
temporary directory each, stopped at the end."""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")
PRIVSEP_DIR = Path("/run/sshd")
START_TIMEOUT = 10.0


def keygen(path: Path, comment: str) -> Path:
    """An ed25519 key pair without a passphrase at `path` (and `path`.pub)."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        timeout=30,
    )
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers_ssh(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.settimeout(1)
            return conn.recv(8).startswith(b"SSH-2.0")
    except OSError:
        return False


@dataclass
class SshServer:
    """One running sshd; `mark` is set as POSTINGS_HOST_MARK in every session it serves."""

    name: str
    port: int
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def host_key_line(self) -> str:
        """This server's line for a known_hosts file."""
        public = (self.directory / "ssh_host_ed25519_key.pub").read_text().split()
        return f"[127.0.0.1]:{self.port} {public[0]} {public[1]}\n"

    @property
    def log(self) -> str:
        return (self.directory / "sshd.log").read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_sshd(name: str, directory: Path, authorized_keys: list[Path]) -> SshServer:
    """Start sshd as the current user on a free 127.0.0.1 port; fails loudly if it cannot."""
    if not SSHD.is_file():
        raise RuntimeError(f"{SSHD} is missing: install openssh-server (scripts/services.sh does)")
    if not PRIVSEP_DIR.is_dir():
        PRIVSEP_DIR.mkdir(mode=0o755, parents=True)
    directory.mkdir(parents=True, exist_ok=True)
    keygen(directory / "ssh_host_ed25519_key", f"{name}-host")
    (directory / "authorized_keys").write_text(
        "".join(p.with_suffix(".pub").read_text() for p in authorized_keys)
    )
    for _attempt in range(3):
        port = free_port()
        config = directory / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {directory / 'ssh_host_ed25519_key'}",
                    f"PidFile {directory / 'sshd.pid'}",
                    f"AuthorizedKeysFile {directory / 'authorized_keys'}",
                    f"AllowUsers {getpass.getuser()}",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "PermitRootLogin prohibit-password",
                    "AllowTcpForwarding yes",
                    "X11Forwarding no",
                    "PrintMotd no",
                    "Subsystem sftp internal-sftp",
                    "LogLevel DEBUG1",
                    f"SetEnv POSTINGS_HOST_MARK={name}",
                    "MaxStartups 64:30:128",
                    "",
                ]
            )
        )
        # -E, not -e: with -e a session's own debug lines would go to the client's stderr.
        process = subprocess.Popen(
            [str(SSHD), "-D", "-E", str(directory / "sshd.log"), "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if answers_ssh(port):
                return SshServer(name=name, port=port, directory=directory, process=process)
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout=5)
    raise RuntimeError(f"sshd {name} did not start:\n{(directory / 'sshd.log').read_text(errors='replace')}")


@contextlib.contextmanager
def ssh_agent(directory: Path, keys: list[Path]) -> Iterator[str]:
    """A real ssh-agent holding `keys`; yields its SSH_AUTH_SOCK."""
    sock = directory / "agent.sock"
    agent = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not sock.exists():
            if time.monotonic() > deadline or agent.poll() is not None:
                raise RuntimeError("ssh-agent did not start")
            time.sleep(0.05)
        env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
        for key in keys:
            subprocess.run(["ssh-add", "-q", str(key)], check=True, env=env, timeout=30, capture_output=True)
        yield str(sock)
    finally:
        agent.terminate()
        agent.wait(timeout=5)
        sock.unlink(missing_ok=True)
