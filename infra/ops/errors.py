"""The base of every failure an operator must act on; each subclass's message says what to do."""

from __future__ import annotations

from infra.exit_codes import Exit


class OpsError(Exception):
    """A failure the user can fix; `infra` prints the message and exits with `exit_code`."""

    exit_code: int = Exit.ERROR


class UsageError(OpsError):
    """Bad input on the command line (a stack, tag or port that cannot be right)."""

    exit_code = Exit.USAGE


class Unavailable(OpsError):
    """Something the command needs is not there (a Docker engine, a stack's outputs)."""

    exit_code = Exit.UNAVAILABLE
