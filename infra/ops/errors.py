"""The base of every failure an operator must act on; each subclass's message says what to do."""

from __future__ import annotations


class OpsError(Exception):
    """A failure the user can fix; `infra` prints the message and exits with `exit_code`."""

    exit_code = 1


class UsageError(OpsError):
    """Bad input on the command line (a stack, tag or port that cannot be right)."""

    exit_code = 2
