"""The `infra` command: rehearse, inspect and operate the platform's stacks."""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import sys
from collections.abc import Sequence

from infra.config import ConfigError
from infra.exit_codes import Exit, exit_code_table
from infra.rehearsal.engine import ProgramError, ProjectError

# Each module adds its subcommands through `register(commands)`; the CLI itself stays this thin.
COMMAND_MODULES = (
    "infra.rehearsal.commands",
    "infra.rehearsal.diff_commands",
    "infra.config_commands",
    "infra.policies.commands",
    "infra.ops.commands",
    "infra.verify.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="infra",
        description="Rehearse and operate the postings platform's Pulumi stacks (dev, staging, prod).",
        epilog=exit_code_table()
        + "\n  (`infra verify` exits as a Nagios check does: 0 OK, 1 WARNING, 2 CRITICAL)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(commands)
    return parser


# A command builds a large heap that lives until the process ends (for `rehearse prod` ~700,000 objects:
# the provider's modules, moto's backends, botocore's models). CPython walks all of it in every full
# collection, by default after every 10 collections of the middle generation: 11 times, 2 s of
# `rehearse prod`, for almost no garbage (its peak RSS is the same without them, ~420 MB). While a
# command runs they come a hundred times less often; younger objects are collected as usual.
FULL_COLLECTION_EVERY = 1000


def _freeze_heap_at_exit() -> None:
    """What is alive at exit goes with the process: frozen, it is not walked again by the interpreter's
    shutdown collections (2.4 s after `rehearse prod`)."""
    gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    atexit.unregister(_freeze_heap_at_exit)  # once, however often main() runs in a process
    atexit.register(_freeze_heap_at_exit)
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], FULL_COLLECTION_EVERY)
    try:
        return int(args.handler(args))
    except (ProjectError, ConfigError) as err:
        print(f"infra: {err}", file=sys.stderr)
        return Exit.USAGE
    except ProgramError as err:
        cause = err.__cause__
        if isinstance(cause, ConfigError):
            print(f"infra: {cause}", file=sys.stderr)
            return Exit.USAGE
        print(f"infra: the program failed: {cause!r}" if cause else f"infra: {err}", file=sys.stderr)
        return Exit.ERROR
    finally:
        gc.set_threshold(*thresholds)


if __name__ == "__main__":
    sys.exit(main())
