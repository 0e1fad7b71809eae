"""The `infra` command: rehearse, inspect and operate the platform's stacks."""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import sys
from collections.abc import Sequence

import botocore.exceptions

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
    "infra.offerings.commands",
    "infra.diagram.commands",
    "infra.cost.commands",
    "infra.drift.commands",
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


# What botocore raises when the caller has no usable AWS identity: a prerequisite, not a bug.
AWS_IDENTITY_ERRORS = (
    botocore.exceptions.NoCredentialsError,
    botocore.exceptions.PartialCredentialsError,
    botocore.exceptions.CredentialRetrievalError,
    botocore.exceptions.ProfileNotFound,
    botocore.exceptions.SSOError,
    botocore.exceptions.TokenRetrievalError,
    botocore.exceptions.NoRegionError,
)
EXPIRED_OR_INVALID = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException"}
)
AWS_HINT = (
    "this command talks to the stack's AWS account: sign in (`aws sso login --profile P` and "
    "AWS_PROFILE=P, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and check with `aws sts get-caller-identity`"
)


def _aws_identity_problem(err: Exception) -> str | None:
    """One line for an AWS identity the command cannot use, or None for any other error."""
    if isinstance(err, AWS_IDENTITY_ERRORS):
        return f"no usable AWS credentials ({err}): {AWS_HINT}"
    if isinstance(err, botocore.exceptions.ClientError):
        code = err.response.get("Error", {}).get("Code", "")
        if code in EXPIRED_OR_INVALID:
            return f"the AWS credentials were refused ({code}): {AWS_HINT}"
    return None


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
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
        problem = _aws_identity_problem(err)
        if problem is None:
            raise
        print(f"infra: {problem}", file=sys.stderr)
        return Exit.UNAVAILABLE
    finally:
        gc.set_threshold(*thresholds)


if __name__ == "__main__":
    sys.exit(main())
