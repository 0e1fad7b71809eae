"""The bootstrap task against a real sshd (behind the bastion): plugins installed executable, the NRPE
command file written, stale plugins removed, and the installed checks run on the host."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from fabric import Connection

from infra.ops import bootstrap, ssh
from tests.infra.ops.conftest import Fleet

OK_PLUGIN = "#!/bin/sh\necho 'POSTINGS OK - all good | latency=0.01s'\nexit 0\n"
WARN_PLUGIN = "#!/bin/sh\necho 'POSTINGS WARNING - queue at 80%'\nexit 1\n"


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    directory = tmp_path / "checks"
    directory.mkdir()
    (directory / "check_postings_ok").write_text(OK_PLUGIN)
    (directory / "check_postings_queue").write_text(WARN_PLUGIN)
    (directory / "README.md").write_text("not a plugin\n")
    return directory


@pytest.fixture
def host(fleet: Fleet) -> Iterator[Connection]:
    conn = ssh.connect(
        fleet.endpoint(fleet.hosts[0]), fleet.settings(), bastion=fleet.endpoint(fleet.bastion)
    )
    yield conn
    conn.close()
    conn.gateway.close()


def test_find_plugins_takes_check_files_only(plugins: Path) -> None:
    assert [p.name for p in bootstrap.find_plugins(plugins)] == ["check_postings_ok", "check_postings_queue"]


def test_a_directory_without_plugins_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(bootstrap.NoChecks, match="holds no check plugin"):
        bootstrap.find_plugins(tmp_path)
    with pytest.raises(bootstrap.NoChecks, match="is not a directory"):
        bootstrap.find_plugins(tmp_path / "missing")


def test_nrpe_commands_name_each_plugin_by_its_installed_path() -> None:
    text = bootstrap.nrpe_commands(["check_a", "check_b"], PurePosixPath("/opt/plugins"))
    assert text.splitlines()[1:] == [
        "command[check_a]=/opt/plugins/check_a",
        "command[check_b]=/opt/plugins/check_b",
    ]


def test_bootstrap_installs_the_checks_and_they_run_on_the_host(
    host: Connection, plugins: Path, tmp_path: Path
) -> None:
    remote = tmp_path / "remote"  # sshd runs on this machine: its "remote" paths are local ones
    plugin_dir, nrpe_file = (
        PurePosixPath(remote / "plugins"),
        PurePosixPath(remote / "nrpe.d" / "postings.cfg"),
    )

    done = bootstrap.install_checks(host, plugins, plugin_dir=plugin_dir, nrpe_file=nrpe_file)

    assert done.plugins == ("check_postings_ok", "check_postings_queue")
    assert done.removed == ()
    assert done.nrpe_reloaded is False  # no NRPE daemon runs on the test machine
    installed = sorted(p.name for p in Path(plugin_dir).iterdir())
    assert installed == ["check_postings_ok", "check_postings_queue"]
    for name in installed:
        assert stat.S_IMODE((Path(plugin_dir) / name).stat().st_mode) == 0o755, name
    assert stat.S_IMODE(Path(nrpe_file).stat().st_mode) == 0o644
    assert Path(nrpe_file).read_text().splitlines()[1:] == [
        f"command[check_postings_ok]={plugin_dir}/check_postings_ok",
        f"command[check_postings_queue]={plugin_dir}/check_postings_queue",
    ]
    ok = host.run(f"{plugin_dir}/check_postings_ok", hide=True, warn=True, in_stream=False)
    queue = host.run(f"{plugin_dir}/check_postings_queue", hide=True, warn=True, in_stream=False)
    assert (ok.exited, ok.stdout) == (0, "POSTINGS OK - all good | latency=0.01s\n")
    assert (queue.exited, queue.stdout) == (1, "POSTINGS WARNING - queue at 80%\n")


def test_bootstrap_again_replaces_changed_plugins_and_removes_dropped_ones(
    host: Connection, plugins: Path, tmp_path: Path
) -> None:
    plugin_dir, nrpe_file = PurePosixPath(tmp_path / "p"), PurePosixPath(tmp_path / "nrpe.cfg")
    bootstrap.install_checks(host, plugins, plugin_dir=plugin_dir, nrpe_file=nrpe_file)
    (plugins / "check_postings_queue").unlink()
    (plugins / "check_postings_ok").write_text("#!/bin/sh\necho 'POSTINGS OK - v2'\n")

    done = bootstrap.install_checks(host, plugins, plugin_dir=plugin_dir, nrpe_file=nrpe_file)

    assert done.plugins == ("check_postings_ok",)
    assert done.removed == ("check_postings_queue",)
    assert sorted(p.name for p in Path(plugin_dir).iterdir()) == ["check_postings_ok"]
    assert (
        host.run(f"{plugin_dir}/check_postings_ok", hide=True, in_stream=False).stdout == "POSTINGS OK - v2\n"
    )
    assert "check_postings_queue" not in Path(nrpe_file).read_text()


def test_a_failing_step_is_reported_with_the_hosts_error(
    host: Connection, plugins: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the plugin directory should go")
    with pytest.raises(
        bootstrap.BootstrapFailed, match=r"installing the checks on 127\.0\.0\.1 failed \(exit 1\)"
    ):
        bootstrap.install_checks(
            host,
            plugins,
            plugin_dir=PurePosixPath(blocker / "plugins"),
            nrpe_file=PurePosixPath(tmp_path / "n.cfg"),
        )
