"""Host tasks against real sshd on 127.0.0.1: direct and through the bastion, in parallel, host keys
verified, keys from a file or a real ssh-agent, and a tunnel carrying real MariaDB traffic."""

from __future__ import annotations

import io
import re
import socket
import time
from pathlib import Path

import pymysql
import pytest

from infra.ops import ssh
from infra.ops.errors import UsageError
from tests.infra.ops.conftest import Fleet
from tests.infra.ops.sshd import free_port, keygen, ssh_agent


def direct_tcpip_targets(log: str) -> list[int]:
    """Ports the sshd was asked to open direct-tcpip channels to (ProxyJump hops and -L forwards)."""
    return [
        int(p)
        for p in re.findall(r"server_request_direct_tcpip: originator .* target 127\.0\.0\.1 port (\d+)", log)
    ]


def wait_for_log(fleet: Fleet, port: int, before: int, timeout: float = 5.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while True:
        targets = direct_tcpip_targets(fleet.bastion.log)[before:]
        if port in targets or time.monotonic() > deadline:
            return targets
        time.sleep(0.05)


def test_run_on_the_bastion_prefixes_stdout_and_stderr_with_its_name(fleet: Fleet) -> None:
    out = io.StringIO()
    results = ssh.run_parallel(
        [(fleet.endpoint(fleet.bastion), False)],
        "echo hello; echo warned >&2; printf 'no newline'",
        fleet.settings(),
        bastion=None,
        out=out,
    )
    assert [(r.endpoint.name, r.exit_code, r.error) for r in results] == [("bastion", 0, None)]
    assert sorted(out.getvalue().splitlines()) == [
        "[bastion] hello",
        "[bastion] no newline",
        "[bastion] warned",
    ]


def test_a_host_behind_the_bastion_is_reached_through_it(fleet: Fleet) -> None:
    host = fleet.hosts[0]
    before = len(direct_tcpip_targets(fleet.bastion.log))
    conn = ssh.connect(fleet.endpoint(host), fleet.settings(), bastion=fleet.endpoint(fleet.bastion))
    try:
        result = conn.run("echo $POSTINGS_HOST_MARK", hide=True, in_stream=False)
    finally:
        conn.close()
        conn.gateway.close()
    assert result.stdout.strip() == "host-a"
    # The bastion's sshd logged the hop: a direct-tcpip channel to host-a's port.
    assert host.port in wait_for_log(fleet, host.port, before), fleet.bastion.log[-2000:]


def test_parallel_run_reports_the_failing_host_and_runs_all_at_once(fleet: Fleet, tmp_path: Path) -> None:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    # Every host touches its mark, then waits (up to 10 s) until all three have: only a parallel run
    # gets past the barrier. host-b then fails.
    command = (
        f'touch {barrier}/$POSTINGS_HOST_MARK; i=0; while [ "$(ls {barrier} | wc -l)" -lt 3 ]; do '
        'i=$((i+1)); [ $i -gt 200 ] && { echo "alone at the barrier" >&2; exit 9; }; sleep 0.05; done; '
        'echo "done on $POSTINGS_HOST_MARK"; '
        '[ "$POSTINGS_HOST_MARK" != host-b ] || { echo broken >&2; exit 3; }'
    )
    bastion = fleet.endpoint(fleet.bastion)
    targets = [(bastion, False)] + [(fleet.endpoint(h), True) for h in fleet.hosts]
    out = io.StringIO()
    results = ssh.run_parallel(targets, command, fleet.settings(), bastion=bastion, out=out)
    assert [(r.endpoint.name, r.exit_code, r.ok) for r in results] == [
        ("bastion", 0, True),
        ("host-a", 0, True),
        ("host-b", 3, False),
    ]
    assert sorted(out.getvalue().splitlines()) == [
        "[bastion] done on bastion",
        "[host-a] done on host-a",
        "[host-b] broken",
        "[host-b] done on host-b",
    ]
    assert results[2].summary() == "host-b: FAILED (exit 3)"


def test_an_unreachable_host_fails_alone(fleet: Fleet) -> None:
    nobody = ssh.Endpoint(name="gone", address="127.0.0.1", port=free_port())
    out = io.StringIO()
    results = ssh.run_parallel(
        [(fleet.endpoint(fleet.bastion), False), (nobody, False)],
        "true",
        fleet.settings(),
        bastion=None,
        out=out,
    )
    assert [r.ok for r in results] == [True, False]
    assert results[1].exit_code is None
    assert results[1].error is not None
    assert "no SSH server answered at gone (127.0.0.1:" in results[1].error


def test_an_unknown_host_key_is_refused_before_anything_runs(fleet: Fleet, tmp_path: Path) -> None:
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(fleet.bastion.host_key_line)  # the bastion only: host-a is unknown
    marker = tmp_path / "ran"
    settings = fleet.settings(known_hosts=known_hosts)
    with pytest.raises(
        ssh.HostKeyUnknown, match=r"host-a \(127\.0\.0\.1:\d+\) through the bastion .* is not in"
    ):
        ssh.connect(fleet.endpoint(fleet.hosts[0]), settings, bastion=fleet.endpoint(fleet.bastion))
    results = ssh.run_parallel(
        [(fleet.endpoint(fleet.hosts[0]), True)],
        f"touch {marker}",
        settings,
        bastion=fleet.endpoint(fleet.bastion),
        out=io.StringIO(),
    )
    assert results[0].error is not None
    assert "refusing to trust an unknown host key" in results[0].error
    assert not marker.exists()
    assert known_hosts.read_text() == fleet.bastion.host_key_line  # nothing was added


def test_a_changed_host_key_is_refused(fleet: Fleet, tmp_path: Path) -> None:
    other = keygen(tmp_path / "impostor", "impostor").with_suffix(".pub").read_text().split()
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{fleet.bastion.port} {other[0]} {other[1]}\n")
    with pytest.raises(ssh.HostKeyMismatch, match="differs from"):
        ssh.connect(fleet.endpoint(fleet.bastion), fleet.settings(known_hosts=known_hosts))


def test_a_missing_known_hosts_file_is_an_error(fleet: Fleet, tmp_path: Path) -> None:
    with pytest.raises(ssh.KnownHostsMissing, match="does not exist, so no host key can be verified"):
        ssh.connect(fleet.endpoint(fleet.bastion), fleet.settings(known_hosts=tmp_path / "absent"))


def test_a_key_the_host_does_not_know_is_refused(fleet: Fleet, tmp_path: Path) -> None:
    stranger = keygen(tmp_path / "stranger", "stranger")
    with pytest.raises(ssh.AuthenticationFailed, match="refused the keys offered"):
        ssh.connect(fleet.endpoint(fleet.bastion), fleet.settings(identity=stranger))


def test_keys_come_from_the_running_agent(
    fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ssh_agent(tmp_path, [fleet.user_key]) as sock:
        monkeypatch.setenv("SSH_AUTH_SOCK", sock)
        conn = ssh.connect(
            fleet.endpoint(fleet.hosts[1]),
            fleet.settings(identity=None),
            bastion=fleet.endpoint(fleet.bastion),
        )
        try:
            assert conn.run("echo $POSTINGS_HOST_MARK", hide=True, in_stream=False).stdout == "host-b\n"
        finally:
            conn.close()
            conn.gateway.close()


def test_no_agent_and_no_identity_is_a_usage_error(fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    with pytest.raises(UsageError, match="start ssh-agent and `ssh-add` your key, or pass --identity"):
        ssh.connect(fleet.endpoint(fleet.bastion), fleet.settings(identity=None))


def test_tunnel_through_the_bastion_carries_a_real_mariadb_session(fleet: Fleet) -> None:
    before = len(direct_tcpip_targets(fleet.bastion.log))
    conn = ssh.connect(fleet.endpoint(fleet.bastion), fleet.settings())
    try:
        with ssh.forward_local(conn, remote_host="127.0.0.1", remote_port=3306) as port:
            assert port != 3306
            db = pymysql.connect(host="127.0.0.1", port=port, user="root", password="", connect_timeout=5)
            try:
                with db.cursor() as cursor:
                    cursor.execute("SELECT @@port, 6 * 7, VERSION()")
                    row = cursor.fetchone()
                    assert row is not None
                    server_port, answer, version = row
            finally:
                db.close()
    finally:
        conn.close()
    assert (server_port, answer) == (3306, 42)
    assert "MariaDB" in version
    assert 3306 in wait_for_log(fleet, 3306, before), fleet.bastion.log[-2000:]


def test_tunnel_to_a_closed_port_reports_it_and_closes_the_client(fleet: Fleet) -> None:
    closed = free_port()
    errors: list[str] = []
    conn = ssh.connect(fleet.endpoint(fleet.bastion), fleet.settings())
    try:
        with (
            ssh.forward_local(
                conn, remote_host="127.0.0.1", remote_port=closed, on_error=errors.append
            ) as port,
            socket.create_connection(("127.0.0.1", port), timeout=5) as client,
        ):
            client.settimeout(5)
            assert client.recv(16) == b""
    finally:
        conn.close()
    assert len(errors) == 1
    assert f"the bastion could not open 127.0.0.1:{closed}" in errors[0]


def test_tunnel_on_a_taken_local_port_is_an_error(fleet: Fleet) -> None:
    conn = ssh.connect(fleet.endpoint(fleet.bastion), fleet.settings())
    try:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            with (
                pytest.raises(ssh.TunnelPortInUse, match=f"cannot listen on 127.0.0.1:{port}"),
                ssh.forward_local(conn, remote_host="127.0.0.1", remote_port=3306, local_port=port),
            ):
                pass
    finally:
        conn.close()
