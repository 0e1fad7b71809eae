"""The `infra` command: rehearse, inspect and operate the platform's stacks."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from infra.config import ConfigError
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
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (ProjectError, ConfigError) as err:
        print(f"infra: {err}", file=sys.stderr)
        return 2
    except ProgramError as err:
        cause = err.__cause__
        if isinstance(cause, ConfigError):
            print(f"infra: {cause}", file=sys.stderr)
            return 2
        print(f"infra: the program failed: {cause!r}" if cause else f"infra: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
