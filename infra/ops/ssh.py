"""SSH to a stack's hosts with fabric: verified host keys, keys from the agent or a file, the bastion as
ProxyJump; parallel commands with prefixed output; local port forwards through the bastion."""

from __future__ import annotations

import os
import select
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import paramiko
from fabric import Config, Connection
from invoke.exceptions import CommandTimedOut
from paramiko.ssh_exception import NoValidConnectionsError

from infra.ops import defaults
from infra.ops.errors import OpsError, UsageError

DEFAULT_USER = defaults.SSH_USER
DEFAULT_KNOWN_HOSTS = defaults.KNOWN_HOSTS
MAX_PARALLEL = 16


class KnownHostsMissing(OpsError):
    """There is no known_hosts file to verify host keys against."""


class HostKeyUnknown(OpsError):
    """The host's key is not in known_hosts: the connection is refused rather than trusted blindly."""


class HostKeyMismatch(OpsError):
    """The host presented a key different from the one in known_hosts."""


class AuthenticationFailed(OpsError):
    """The host refused every key offered."""


class HostUnreachable(OpsError):
    """No SSH server answered at the address (or through the bastion)."""


class TunnelPortInUse(OpsError):
    """The local port of a tunnel cannot be bound."""


@dataclass(frozen=True)
class Endpoint:
    """Where an SSH server listens; `name` labels its output."""

    name: str
    address: str
    port: int = 22

    def __str__(self) -> str:
        return f"{self.name} ({self.address}:{self.port})" if self.name != self.address else self.address


@dataclass(frozen=True)
class SshSettings:
    """How to authenticate and what to trust, the same for every host of one command."""

    user: str = DEFAULT_USER
    known_hosts: Path = DEFAULT_KNOWN_HOSTS
    identity: Path | None = None
    """A private key file; None: the keys of the running ssh-agent (SSH_AUTH_SOCK)."""
    connect_timeout: int = 10
    command_timeout: int | None = None

    def connect_kwargs(self) -> dict[str, Any]:
        common: dict[str, Any] = {
            "look_for_keys": False,
            "banner_timeout": self.connect_timeout,
            "auth_timeout": self.connect_timeout,
        }
        if self.identity is not None:
            identity = self.identity.expanduser()
            if not identity.is_file():
                raise UsageError(f"--identity {identity} is not a file: pass the path of your private key")
            return {**common, "key_filename": [str(identity)], "allow_agent": False}
        if not os.environ.get("SSH_AUTH_SOCK"):
            raise UsageError(
                "no SSH key: start ssh-agent and `ssh-add` your key, or pass --identity PATH to a private key"
            )
        return {**common, "allow_agent": True}

    def known_hosts_file(self) -> Path:
        path = self.known_hosts.expanduser()
        if not path.is_file():
            raise KnownHostsMissing(
                f"{path} does not exist, so no host key can be verified: add the bastion's key (check its "
                "fingerprint against the instance's console output) or pass --known-hosts FILE"
            )
        return path


def connection(endpoint: Endpoint, settings: SshSettings, *, gateway: Connection | None = None) -> Connection:
    """A fabric Connection (not yet open) that refuses host keys missing from known_hosts. Local
    ssh_config files are not read: addresses come from AWS, and a stray Host block must not redirect them."""
    conn = Connection(
        host=endpoint.address,
        user=settings.user,
        port=endpoint.port,
        config=Config(ssh_config=paramiko.SSHConfig()),
        gateway=gateway,
        connect_timeout=settings.connect_timeout,
        connect_kwargs=settings.connect_kwargs(),
    )
    conn.client.load_system_host_keys(str(settings.known_hosts_file()))
    conn.client.set_missing_host_key_policy(paramiko.RejectPolicy())
    return conn


def _open(conn: Connection, endpoint: Endpoint, settings: SshSettings, via: str = "") -> None:
    known = settings.known_hosts.expanduser()
    try:
        conn.open()
    except paramiko.BadHostKeyException as err:
        raise HostKeyMismatch(
            f"{endpoint}{via} presented a {err.key.get_name()} key with fingerprint "
            f"{err.key.fingerprint} that differs from {known}: do not connect until you know why (a "
            "replaced instance gets new keys; remove the old line with `ssh-keygen -R`)"
        ) from None
    except paramiko.AuthenticationException:
        raise AuthenticationFailed(
            f"{endpoint}{via} refused the keys offered for user {settings.user}: check --user, and that your "
            "key is in the agent (`ssh-add -l`) or given with --identity"
        ) from None
    except (NoValidConnectionsError, TimeoutError, OSError, EOFError) as err:
        raise HostUnreachable(
            f"no SSH server answered at {endpoint}{via} ({err}): check the instance is running and that "
            "your address is in postings:adminCidrs"
        ) from None
    except paramiko.SSHException as err:
        if "not found in known_hosts" in str(err):
            raise HostKeyUnknown(
                f"{endpoint}{via} is not in {known}; refusing to trust an unknown host key. Verify the key "
                "(its fingerprint is in the instance's console output) and add it to known_hosts"
            ) from None
        raise HostUnreachable(f"SSH to {endpoint}{via} failed: {err}") from None


def connect(endpoint: Endpoint, settings: SshSettings, *, bastion: Endpoint | None = None) -> Connection:
    """An open, verified connection to `endpoint`, through `bastion` (ProxyJump) when given."""
    gateway = None
    if bastion is not None:
        gateway = connection(bastion, settings)
        _open(gateway, bastion, settings)
    conn = connection(endpoint, settings, gateway=gateway)
    try:
        _open(conn, endpoint, settings, via=f" through the bastion {bastion}" if bastion else "")
    except OpsError:
        if gateway is not None:
            gateway.close()
        raise
    return conn


class PrefixedLines:
    """A text stream that writes whole lines to `sink` as `[label] line`, under a shared lock, so
    parallel hosts never interleave within a line."""

    def __init__(self, label: str, sink: TextIO, lock: threading.Lock) -> None:
        self._label, self._sink, self._lock = label, sink, lock
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        if lines:
            with self._lock:
                self._sink.writelines(f"[{self._label}] {line}\n" for line in lines)
                self._sink.flush()
        return len(text)

    def flush(self) -> None:
        if self._pending:
            with self._lock:
                self._sink.write(f"[{self._label}] {self._pending}\n")
                self._sink.flush()
            self._pending = ""


@dataclass(frozen=True)
class HostResult:
    """How one host's command ended: an exit code, or the error that kept it from running."""

    endpoint: Endpoint
    exit_code: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.exit_code == 0

    def summary(self) -> str:
        if self.error is not None:
            return f"{self.endpoint.name}: FAILED: {self.error}"
        return f"{self.endpoint.name}: {'ok' if self.exit_code == 0 else 'FAILED'} (exit {self.exit_code})"


def run_one(
    endpoint: Endpoint,
    command: str,
    settings: SshSettings,
    *,
    bastion: Endpoint | None,
    out: TextIO,
    lock: threading.Lock,
) -> HostResult:
    """Run `command` on one host, its stdout and stderr prefixed with the host's name."""
    stdout, stderr = PrefixedLines(endpoint.name, out, lock), PrefixedLines(endpoint.name, out, lock)
    try:
        conn = connect(endpoint, settings, bastion=bastion)
    except OpsError as err:
        return HostResult(endpoint, None, str(err))
    try:
        result = conn.run(
            command,
            warn=True,
            hide=False,
            pty=False,
            in_stream=False,
            out_stream=stdout,
            err_stream=stderr,
            timeout=settings.command_timeout,
        )
        return HostResult(endpoint, int(result.exited))
    except CommandTimedOut:
        return HostResult(endpoint, None, f"still running after {settings.command_timeout}s; stopped waiting")
    except (paramiko.SSHException, OSError, EOFError) as err:
        return HostResult(endpoint, None, f"the connection failed during the command: {err}")
    finally:
        stdout.flush()
        stderr.flush()
        conn.close()
        if conn.gateway is not None and isinstance(conn.gateway, Connection):
            conn.gateway.close()


def run_parallel(
    targets: Sequence[tuple[Endpoint, bool]],
    command: str,
    settings: SshSettings,
    *,
    bastion: Endpoint | None,
    out: TextIO,
) -> list[HostResult]:
    """Run `command` on every target at once; each target is `(endpoint, through_bastion)`. Results
    come back in the order of `targets`."""
    if not command.strip():
        raise UsageError("no command given: pass the command to run on the hosts")
    if any(via for _, via in targets) and bastion is None:
        raise UsageError("hosts behind the bastion need the bastion's endpoint")
    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=max(1, min(MAX_PARALLEL, len(targets)))) as pool:
        futures = [
            pool.submit(
                run_one, endpoint, command, settings, bastion=bastion if via else None, out=out, lock=lock
            )
            for endpoint, via in targets
        ]
        return [f.result() for f in futures]


def _pump(client: socket.socket, channel: paramiko.Channel, stop: threading.Event) -> None:
    try:
        while not stop.is_set():
            sources: list[Any] = [client, channel]
            readable, _, _ = select.select(sources, [], [], 0.2)
            if client in readable:
                data = client.recv(32768)
                if not data:
                    break
                channel.sendall(data)
            if channel in readable:
                data = channel.recv(32768)
                if not data:
                    break
                client.sendall(data)
    except OSError:
        pass  # either side went away; closing both below is all there is to do
    finally:
        channel.close()
        client.close()


@contextmanager
def forward_local(
    conn: Connection,
    *,
    remote_host: str,
    remote_port: int,
    local_port: int = 0,
    local_host: str = "127.0.0.1",
    on_error: Callable[[str], None] | None = None,
) -> Iterator[int]:
    """Listen on `local_host:local_port` (0: any free port) and carry each connection through the SSH
    server of `conn` to `remote_host:remote_port` (ssh -L). Yields the local port, already listening."""
    conn.open()
    transport = conn.client.get_transport()
    if transport is None:
        raise HostUnreachable(f"the SSH connection to {conn.host} closed before the tunnel opened")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind((local_host, local_port))
    except OSError as err:
        listener.close()
        raise TunnelPortInUse(
            f"cannot listen on {local_host}:{local_port} ({err.strerror}): pick another with --local-port"
        ) from None
    listener.listen(16)
    listener.settimeout(0.2)
    stop = threading.Event()
    pumps: list[threading.Thread] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                client, peer = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                channel = transport.open_channel("direct-tcpip", (remote_host, remote_port), peer)
            except (paramiko.SSHException, OSError) as err:
                client.close()
                if on_error is not None:
                    on_error(f"the bastion could not open {remote_host}:{remote_port}: {err}")
                continue
            pump = threading.Thread(target=_pump, args=(client, channel, stop), daemon=True)
            pump.start()
            pumps.append(pump)

    acceptor = threading.Thread(target=accept, name="tunnel-accept", daemon=True)
    acceptor.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        acceptor.join(timeout=5)
        listener.close()
        for pump in pumps:
            pump.join(timeout=5)
