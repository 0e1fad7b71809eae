"""Install a directory of Nagios-compatible check plugins on a host, with the NRPE commands that run them."""

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
PLUGIN_NAME = re.compile(r"check_[a-z0-9_]+")


class NoChecks(OpsError):
    """The plugin directory holds no check plugin to install."""


class BootstrapFailed(OpsError):
    """A step of the installation failed on the host."""


@dataclass(frozen=True)
class Installed:
    """What one bootstrap left on the host."""

    plugins: tuple[str, ...]
    removed: tuple[str, ...]
    plugin_dir: PurePosixPath
    nrpe_file: PurePosixPath
    nrpe_reloaded: bool


def find_plugins(directory: Path) -> list[Path]:
    """The check plugins in `directory`: regular files named check_<name> (lowercase, digits, _)."""
    if not directory.is_dir():
        raise NoChecks(f"{directory} is not a directory: pass the directory holding the check plugins")
    plugins = sorted(p for p in directory.iterdir() if p.is_file() and PLUGIN_NAME.fullmatch(p.name))
    if not plugins:
        raise NoChecks(
            f"{directory} holds no check plugin (files named check_<name>, lowercase): nothing to install"
        )
    return plugins


def nrpe_commands(names: list[str], plugin_dir: PurePosixPath) -> str:
    """The NRPE command file: one `command[<name>]=<path>` per plugin, for a Nagios server to call."""
    lines = ["# Installed by `infra hosts bootstrap`; rewritten on every run.\n"]
    lines += [f"command[{name}]={plugin_dir / name}\n" for name in names]
    return "".join(lines)


def install_script(
    staging: str, names: list[str], plugin_dir: PurePosixPath, nrpe_file: PurePosixPath, sudo: str
) -> str:
    """The shell run on the host: install each plugin 0755, drop plugins no longer shipped, install the
    NRPE file 0644, check every plugin is executable, and print what was removed."""
    q = shlex.quote
    keep = " ".join(q(n) for n in names)
    return "\n".join(
        [
            "set -eu",
            f"{sudo}install -d -m 0755 {q(str(plugin_dir))} {q(str(nrpe_file.parent))}",
            *(f"{sudo}install -m 0755 {q(f'{staging}/{n}')} {q(str(plugin_dir / n))}" for n in names),
            f"for path in {q(str(plugin_dir))}/*; do",
            '  name="${path##*/}"',
            f'  case " {keep} " in *" $name "*) ;; *) {sudo}rm -f -- "$path"; echo "removed $name";; esac',
            "done",
            f"{sudo}install -m 0644 {q(f'{staging}/nrpe.cfg')} {q(str(nrpe_file))}",
            *(f"test -x {q(str(plugin_dir / n))}" for n in names),
            f"rm -rf -- {q(staging)}",
        ]
    )


def install_checks(
    conn: Connection,
    plugins_dir: Path,
    *,
    plugin_dir: PurePosixPath = REMOTE_PLUGIN_DIR,
    nrpe_file: PurePosixPath = NRPE_COMMAND_FILE,
) -> Installed:
    """Copy the plugins to `plugin_dir`, make them executable, install the NRPE commands and reload
    NRPE when it runs. Idempotent: a second run leaves the same files."""
    plugins = find_plugins(plugins_dir)
    names = [p.name for p in plugins]
    try:
        sudo = "" if conn.run("id -u", hide=True, in_stream=False).stdout.strip() == "0" else "sudo -n "
        staging = conn.run("mktemp -d", hide=True, in_stream=False).stdout.strip()
        for plugin in plugins:
            conn.put(str(plugin), f"{staging}/{plugin.name}")
        conn.put(io.StringIO(nrpe_commands(names, plugin_dir)), f"{staging}/nrpe.cfg")
        done = conn.run(
            install_script(staging, names, plugin_dir, nrpe_file, sudo), hide=True, in_stream=False
        )
        reload = conn.run(
            f"command -v systemctl >/dev/null && systemctl is-active --quiet {NRPE_SERVICE} "
            f"&& {sudo}systemctl reload {NRPE_SERVICE}",
            hide=True,
            warn=True,
            in_stream=False,
        )
    except UnexpectedExit as err:
        hint = (
            " (sudo needs a password there: use a user with passwordless sudo)"
            if "sudo" in err.result.stderr
            else ""
        )
        raise BootstrapFailed(
            f"installing the checks on {conn.host} failed (exit {err.result.exited}): "
            f"{err.result.stderr.strip() or err.result.stdout.strip()}{hint}"
        ) from None
    removed = tuple(
        line.removeprefix("removed ") for line in done.stdout.splitlines() if line.startswith("removed ")
    )
    return Installed(
        plugins=tuple(names),
        removed=removed,
        plugin_dir=plugin_dir,
        nrpe_file=nrpe_file,
        nrpe_reloaded=reload.exited == 0,
    )
