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
    plugins = (("check_a", PurePosixPath("check_a")), ("check_b", PurePosixPath("pkg/check_b.py")))
    text = bootstrap.nrpe_commands(plugins, PurePosixPath("/opt/plugins"))
    assert text.splitlines()[1:] == [
        "command[check_a]=/opt/plugins/check_a",
        "command[check_b]=/opt/plugins/pkg/check_b.py",
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


PACKAGED_PLUGIN = """#!/usr/bin/env python3
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from demo.checks.plugin import status_line
from demo.thresholds import LEVEL

print(status_line(LEVEL))
sys.exit(0)
"""


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package laid out like the repository's monitoring/checks: plugins that import their siblings
    and a module of the package above."""
    root = tmp_path / "src" / "demo"
    checks = root / "checks"
    (checks / "tests").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "thresholds.py").write_text("LEVEL = 5\n")
    (root / "dashboards.json").write_text("{}")
    (checks / "__init__.py").write_text("")
    (checks / "plugin.py").write_text("def status_line(level):\n    return f'DEMO OK - level {level}'\n")
    (checks / "check_demo.py").write_text(PACKAGED_PLUGIN)
    (checks / "tests" / "test_demo.py").write_text("")
    return checks


def test_a_package_is_bundled_with_the_packages_above_it(package: Path) -> None:
    found = bootstrap.bundle(package)
    assert [str(rel) for _, rel in found.files] == [
        "demo/__init__.py",
        "demo/checks/__init__.py",
        "demo/checks/check_demo.py",
        "demo/checks/plugin.py",
        "demo/thresholds.py",
    ]
    assert found.plugins == (("check_demo", PurePosixPath("demo/checks/check_demo.py")),)


def test_a_packaged_plugin_runs_from_its_installed_tree(
    host: Connection, package: Path, tmp_path: Path
) -> None:
    plugin_dir, nrpe_file = PurePosixPath(tmp_path / "plugins"), PurePosixPath(tmp_path / "nrpe.cfg")

    done = bootstrap.install_checks(host, package, plugin_dir=plugin_dir, nrpe_file=nrpe_file)

    assert done.plugins == ("check_demo",)
    installed = Path(plugin_dir)
    assert stat.S_IMODE((installed / "demo" / "checks" / "check_demo.py").stat().st_mode) == 0o755
    assert stat.S_IMODE((installed / "demo" / "thresholds.py").stat().st_mode) == 0o644
    command = Path(nrpe_file).read_text().splitlines()[1]
    assert command == f"command[check_demo]={plugin_dir}/demo/checks/check_demo.py"
    ran = host.run(command.split("=", 1)[1], hide=True, in_stream=False)
    assert ran.stdout == "DEMO OK - level 5\n"


def test_the_repositorys_monitoring_checks_install_and_start_or_name_what_is_missing(
    host: Connection, tmp_path: Path
) -> None:
    checks = Path(__file__).resolve().parents[3] / "monitoring" / "checks"
    plugins = bootstrap.find_plugins(checks)
    names = tuple(p.name.removesuffix(".py") for p in plugins)
    needs_boto3 = sorted(
        p.name.removesuffix(".py")
        for p in plugins
        if "monitoring.checks.aws" in p.read_text() or "botocore" in p.read_text()
    )
    assert needs_boto3, "expected some AWS checks among the repository's plugins"
    assert "check_postings_http" in names
    # The AWS checks need boto3 in the host's python3; whether this test host has it depends on its
    # python3 (Debian's has not, a pyenv one may): both outcomes are checked exactly.
    has_boto3 = host.run("python3 -c 'import boto3'", hide=True, warn=True, in_stream=False).exited == 0
    plugin_dir = PurePosixPath(tmp_path / "plugins")
    nrpe_file = PurePosixPath(tmp_path / "n.cfg")

    if has_boto3:
        assert (
            bootstrap.install_checks(host, checks, plugin_dir=plugin_dir, nrpe_file=nrpe_file).plugins
            == names
        )
    else:
        with pytest.raises(bootstrap.BootstrapFailed) as failed:
            bootstrap.install_checks(host, checks, plugin_dir=plugin_dir, nrpe_file=nrpe_file)
        message = str(failed.value)
        assert f"but {len(needs_boto3)} cannot start there" in message
        for name in needs_boto3:
            assert f"{name}: exit 1: ModuleNotFoundError: No module named 'boto3'" in message
        assert "python3-boto3" in message
    usage = host.run(
        f"{plugin_dir}/monitoring/checks/check_postings_http.py --help", hide=True, warn=True, in_stream=False
    )
    assert usage.exited in (0, 3)  # OK or UNKNOWN, as Nagios plugins answer --help
    assert usage.stdout.startswith("usage: check_postings_http")


def test_plugins_that_cannot_start_on_the_host_fail_the_bootstrap_by_name(
    host: Connection, plugins: Path, tmp_path: Path
) -> None:
    (plugins / "check_no_interpreter").write_text("#!/opt/nowhere/python9\nprint('never')\n")
    (plugins / "check_no_module").write_text(
        "#!/usr/bin/env python3\nimport postings_module_that_does_not_exist\n"
    )
    plugin_dir = PurePosixPath(tmp_path / "plugins")
    with pytest.raises(bootstrap.BootstrapFailed) as failed:
        bootstrap.install_checks(
            host, plugins, plugin_dir=plugin_dir, nrpe_file=PurePosixPath(tmp_path / "n.cfg")
        )
    message = str(failed.value)
    assert (
        "but 2 cannot start there (check_no_interpreter: exit 127: timeout: failed to run command" in message
    )
    missing = "No module named 'postings_module_that_does_not_exist'"
    assert f"; check_no_module: exit 1: ModuleNotFoundError: {missing}" in message
    assert "check_postings_ok" not in message
    assert "check_postings_queue" not in message
    assert (Path(plugin_dir) / "check_postings_ok").is_file()  # installed; only the broken ones are named
