"""Install Nagios-compatible check plugins on a host, with the NRPE commands that run them.

A plain directory of executables (`check_<name>`) is installed as it is. A directory that is a Python
package (the repository's `monitoring/checks`) is installed with the packages above it, in the same
layout, because its plugins run as files that import their siblings and `monitoring.thresholds`.
"""

from __future__ import annotations

import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fabric import Connection
from invoke.exceptions import UnexpectedExit

from infra.ops import defaults
from infra.ops.errors import OpsError

REMOTE_PLUGIN_DIR = defaults.REMOTE_PLUGIN_DIR
NRPE_COMMAND_FILE = defaults.NRPE_COMMAND_FILE
NRPE_SERVICE = "nagios-nrpe-server"
PLUGIN_NAME = re.compile(r"check_[a-z0-9_]+(\.py)?")
SMOKE_TIMEOUT = 20
NOT_RUNNABLE = (126, 127)
"""Shell exit codes for a file that cannot be executed or an interpreter that is missing."""


class NoChecks(OpsError):
    """The plugin directory holds no check plugin to install."""


class BootstrapFailed(OpsError):
    """A step of the installation failed on the host, or an installed plugin cannot start there."""


@dataclass(frozen=True)
class Bundle:
    """What goes to the host: files by their path under the install root, and the plugins among them."""

    files: tuple[tuple[Path, PurePosixPath], ...]
    plugins: tuple[tuple[str, PurePosixPath], ...]
    """NRPE command name (the file name without `.py`) and the plugin's path under the root."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.plugins)


@dataclass(frozen=True)
class Installed:
    """What one bootstrap left on the host."""

    plugins: tuple[str, ...]
    removed: tuple[str, ...]
    plugin_dir: PurePosixPath
    nrpe_file: PurePosixPath
    nrpe_reloaded: bool


def _posix(path: Path) -> PurePosixPath:
    return PurePosixPath(path.as_posix())


def find_plugins(directory: Path) -> list[Path]:
    """The check plugins in `directory`: files named check_<name> or check_<name>.py (lowercase)."""
    if not directory.is_dir():
        raise NoChecks(f"{directory} is not a directory: pass the directory holding the check plugins")
    plugins = sorted(p for p in directory.iterdir() if p.is_file() and PLUGIN_NAME.fullmatch(p.name))
    if not plugins:
        raise NoChecks(
            f"{directory} holds no check plugin (files named check_<name>, lowercase): nothing to install"
        )
    return plugins


def bundle(directory: Path) -> Bundle:
    """The files to install for the plugins of `directory`. For a Python package: every module of it
    and of each package above it (not their subpackages), laid out from the top package's parent."""
    plugins = find_plugins(directory)
    if (directory / "__init__.py").is_file():
        packages = [directory]
        while (packages[-1].parent / "__init__.py").is_file():
            packages.append(packages[-1].parent)
        base = packages[-1].parent
        files = sorted({f for package in packages for f in package.glob("*.py")})
    else:
        base, files = directory, plugins
    return Bundle(
        files=tuple((f, _posix(f.relative_to(base))) for f in files),
        plugins=tuple((p.name.removesuffix(".py"), _posix(p.relative_to(base))) for p in plugins),
    )


def nrpe_commands(plugins: tuple[tuple[str, PurePosixPath], ...], plugin_dir: PurePosixPath) -> str:
    """The NRPE command file: one `command[<name>]=<path>` per plugin, for a Nagios server to call."""
    lines = ["# Installed by `infra hosts bootstrap`; rewritten on every run.\n"]
    lines += [f"command[{name}]={plugin_dir / path}\n" for name, path in plugins]
    return "".join(lines)


def install_script(
    staging: str, found: Bundle, plugin_dir: PurePosixPath, nrpe_file: PurePosixPath, sudo: str
) -> str:
    """The shell run on the host: build the new tree beside the old one, list the plugins the old tree
    had, swap the trees, install the NRPE file 0644, and check every plugin is executable."""
    q = shlex.quote
    new, old = f"{plugin_dir}.new", f"{plugin_dir}.old"
    executable = {path for _, path in found.plugins}
    directories = sorted({str(PurePosixPath(new) / rel.parent) for _, rel in found.files})
    return "\n".join(
        [
            "set -eu",
            f"{sudo}rm -rf -- {q(new)} {q(old)}",
            f"{sudo}install -d -m 0755 {' '.join(q(d) for d in directories)} {q(str(nrpe_file.parent))}",
            *(
                f"{sudo}install -m {'0755' if rel in executable else '0644'} "
                f"{q(f'{staging}/{index}')} {q(str(PurePosixPath(new) / rel))}"
                for index, (_, rel) in enumerate(found.files)
            ),
            f"if [ -d {q(str(plugin_dir))} ]; then",
            f"  find {q(str(plugin_dir))} -type f -name 'check_*' | sed 's|.*/||; s|\\.py$||; s|^|had |'",
            f"  {sudo}mv -- {q(str(plugin_dir))} {q(old)}",
            "fi",
            f"{sudo}mv -- {q(new)} {q(str(plugin_dir))}",
            f"{sudo}rm -rf -- {q(old)}",
            f"{sudo}install -m 0644 {q(f'{staging}/nrpe.cfg')} {q(str(nrpe_file))}",
            *(f"test -x {q(str(plugin_dir / rel))}" for _, rel in found.plugins),
            f"rm -rf -- {q(staging)}",
        ]
    )


def smoke_script(found: Bundle, plugin_dir: PurePosixPath) -> str:
    """One shell script that starts every plugin with `--help` and prints, per plugin, a tab-separated
    line: SMOKE, name, exit code, whether Python printed a traceback, the last line of stderr."""
    lines = []
    for name, rel in found.plugins:
        path = shlex.quote(str(plugin_dir / rel))
        lines += [
            "(",  # all at once: each prints one short line, which the pipe keeps whole
            f"  err=$(timeout {SMOKE_TIMEOUT} {path} --help 2>&1 >/dev/null); code=$?",
            '  case "$err" in *"Traceback (most recent call last)"*) tb=1;; *) tb=0;; esac',
            f'  printf \'SMOKE\\t%s\\t%s\\t%s\\t%s\\n\' {shlex.quote(name)} "$code" "$tb" '
            '"$(printf \'%s\\n\' "$err" | tail -n 1)"',
            ") &",
        ]
    return "\n".join([*lines, "wait"])


def smoke_test(conn: Connection, found: Bundle, plugin_dir: PurePosixPath) -> dict[str, str]:
    """Start each installed plugin with `--help`: the ones that cannot start there (interpreter or a
    module missing on the host), with the reason. A plugin's own status (0-3) counts as started."""
    done = conn.run(smoke_script(found, plugin_dir), hide=True, warn=True, in_stream=False)
    broken: dict[str, str] = {}
    seen = set()
    for line in done.stdout.splitlines():
        fields = line.split("\t", 4)
        if len(fields) != 5 or fields[0] != "SMOKE":
            continue
        _, name, code, traceback, last = fields
        seen.add(name)
        exited = int(code)
        if exited in NOT_RUNNABLE or exited > 3 or traceback == "1":
            broken[name] = f"exit {exited}: {last or 'no output'}"
    for name in set(found.names) - seen:
        broken[name] = f"no result from the smoke run ({done.stderr.strip() or 'no output'})"
    return broken


def install_checks(
    conn: Connection,
    plugins_dir: Path,
    *,
    plugin_dir: PurePosixPath = REMOTE_PLUGIN_DIR,
    nrpe_file: PurePosixPath = NRPE_COMMAND_FILE,
) -> Installed:
    """Install the plugins of `plugins_dir` under `plugin_dir` (replacing what an earlier run left),
    write the NRPE commands, check each plugin starts on the host, and reload NRPE when it runs."""
    found = bundle(plugins_dir)
    try:
        sudo = "" if conn.run("id -u", hide=True, in_stream=False).stdout.strip() == "0" else "sudo -n "
        staging = conn.run("mktemp -d", hide=True, in_stream=False).stdout.strip()
        for index, (local, _) in enumerate(found.files):
            conn.put(str(local), f"{staging}/{index}")
        conn.put(io.StringIO(nrpe_commands(found.plugins, plugin_dir)), f"{staging}/nrpe.cfg")
        done = conn.run(
            install_script(staging, found, plugin_dir, nrpe_file, sudo), hide=True, in_stream=False
        )
        reload = conn.run(
            f"command -v systemctl >/dev/null && systemctl is-active --quiet {NRPE_SERVICE} "
            f"&& {sudo}systemctl reload {NRPE_SERVICE}",
            hide=True,
            warn=True,
            in_stream=False,
        )
    except UnexpectedExit as err:
        needs_password = "sudo" in err.result.stderr and "password" in err.result.stderr
        hint = (
            " (sudo asks for a password there: use a user with passwordless sudo)" if needs_password else ""
        )
        raise BootstrapFailed(
            f"installing the checks on {conn.host} failed (exit {err.result.exited}): "
            f"{err.result.stderr.strip() or err.result.stdout.strip()}{hint}"
        ) from None
    broken = smoke_test(conn, found, plugin_dir)
    if broken:
        listed = "; ".join(f"{name}: {reason}" for name, reason in sorted(broken.items()))
        raise BootstrapFailed(
            f"the checks are installed on {conn.host}, but {len(broken)} cannot start there ({listed}): "
            "install what they need on the host (python3, and python3-boto3 for the AWS checks), then "
            "run the bootstrap again"
        )
    had = {line.removeprefix("had ") for line in done.stdout.splitlines() if line.startswith("had ")}
    return Installed(
        plugins=found.names,
        removed=tuple(sorted(had - set(found.names))),
        plugin_dir=plugin_dir,
        nrpe_file=nrpe_file,
        nrpe_reloaded=reload.exited == 0,
    )
