"""The monitoring-plugins contract, standard library only.

After https://www.monitoring-plugins.org/doc/guidelines.html:
Exit codes 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; one status line `NAME STATUS - text | perfdata`;
thresholds in the range syntax (`10`, `10:`, `~:10`, `10:20`, `@10:20`); `-w`, `-c`, `-t`, `-h`, `-V`.
"""

from __future__ import annotations

import argparse
import enum
import math
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import NoReturn

VERSION = "1.0.0"
DEFAULT_TIMEOUT = 10


class Status(enum.IntEnum):
    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


class RangeError(ValueError):
    """A threshold is not in the guidelines' range syntax."""


class CheckError(Exception):
    """The check could not find out (bad credentials, no such API): UNKNOWN, with what to do."""


class PluginTimeout(Exception):
    """The plugin ran out of the time `-t` allows."""


@dataclass(frozen=True)
class Range:
    """A guidelines range: alert when the value lies outside start..end (inclusive), or inside with `@`."""

    start: float
    end: float
    inside: bool
    text: str

    @classmethod
    def parse(cls, text: str) -> Range:
        raw = text.strip()
        body = raw[1:] if raw.startswith("@") else raw
        if not body:
            raise RangeError(f"empty threshold range {text!r}")
        try:
            if ":" in body:
                low, high = body.split(":", 1)
                start = -math.inf if low == "~" else float(low) if low else 0.0
                end = math.inf if high == "" else float(high)
            else:
                start, end = 0.0, float(body)
        except ValueError:
            raise RangeError(f"invalid threshold range {text!r}: expected N, N:, ~:N, N:M or @N:M") from None
        if start > end:
            raise RangeError(f"invalid threshold range {text!r}: start {start:g} is above end {end:g}")
        return cls(start=start, end=end, inside=raw.startswith("@"), text=raw)

    def alerts(self, value: float) -> bool:
        within = self.start <= value <= self.end
        return within if self.inside else not within

    def __str__(self) -> str:
        return self.text


def threshold(text: str) -> Range:
    """argparse type of `-w`/`-c` (its name shows in the usage error: "invalid threshold value")."""
    return Range.parse(text)


def evaluate(value: float, warning: Range | None, critical: Range | None) -> Status:
    """CRITICAL when the critical range alerts, else WARNING when the warning range does, else OK."""
    if critical is not None and critical.alerts(value):
        return Status.CRITICAL
    if warning is not None and warning.alerts(value):
        return Status.WARNING
    return Status.OK


def number(value: float) -> str:
    """A perfdata number: digits, `-` and `.` only (no exponent), integers without a decimal point."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class PerfData:
    """`'label'=value[UOM];[warn];[crit];[min];[max]`; empty trailing fields are dropped."""

    label: str
    value: float
    uom: str = ""
    warning: Range | str | None = None
    critical: Range | str | None = None
    minimum: float | None = None
    maximum: float | None = None

    def __str__(self) -> str:
        label = self.label
        if any(c in label for c in " ='"):
            label = "'" + label.replace("'", "''") + "'"
        fields = [
            "" if self.warning is None else str(self.warning),
            "" if self.critical is None else str(self.critical),
            "" if self.minimum is None else number(self.minimum),
            "" if self.maximum is None else number(self.maximum),
        ]
        while fields and fields[-1] == "":
            fields.pop()
        return ";".join([f"{label}={number(self.value)}{self.uom}", *fields])


@dataclass
class Result:
    """What a check found: the worst status of its findings, one line of text, and its perfdata."""

    status: Status
    message: str
    perfdata: list[PerfData] = field(default_factory=list)

    def line(self, name: str) -> str:
        text = " ".join(self.message.split())  # one line, whatever the message held
        perf = " ".join(str(p) for p in self.perfdata)
        return f"{name} {self.status.name} - {text}" + (f" | {perf}" if perf else "")


def worst(*statuses: Status) -> Status:
    """The most severe status: CRITICAL, WARNING, UNKNOWN, OK (monitoring-plugins' max_state_alt)."""
    order = {Status.OK: 0, Status.UNKNOWN: 1, Status.WARNING: 2, Status.CRITICAL: 3}
    return max(statuses, key=lambda s: order[s], default=Status.OK)


class _Parser(argparse.ArgumentParser):
    """argparse that exits UNKNOWN (3) after usage errors, help and version, as monitoring-plugins do,
    instead of 2 (which Nagios reads as CRITICAL) and 0 (OK)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog} UNKNOWN - {message}")
        raise SystemExit(Status.UNKNOWN)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            print(message, end="")
        raise SystemExit(Status.UNKNOWN if status == 0 else status)


def parser(
    prog: str, description: str, *, warning: str | None, critical: str | None
) -> argparse.ArgumentParser:
    """The options every check takes; `warning`/`critical` default to the shared thresholds."""
    p = _Parser(prog=prog, description=description, add_help=False)
    p.add_argument("-h", "--help", action="help", help="print this help and exit")
    p.add_argument("-V", "--version", action="version", version=f"{prog} {VERSION}")
    p.add_argument(
        "-w",
        "--warning",
        type=threshold,
        default=None if warning is None else Range.parse(warning),
        metavar="RANGE",
        help=f"warning range (default: {warning or 'none'})",
    )
    p.add_argument(
        "-c",
        "--critical",
        type=threshold,
        default=None if critical is None else Range.parse(critical),
        metavar="RANGE",
        help=f"critical range (default: {critical or 'none'})",
    )
    p.add_argument(
        "-t",
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up (UNKNOWN) after this many seconds (default: {DEFAULT_TIMEOUT})",
    )
    return p


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise PluginTimeout after `seconds` (main thread only: SIGALRM); elsewhere rely on I/O timeouts."""
    import threading

    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expired(_signum: int, _frame: FrameType | None) -> None:
        raise PluginTimeout

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


Check = Callable[[argparse.Namespace], Result]


def execute(build: Callable[[], argparse.ArgumentParser], check: Check, argv: Sequence[str]) -> Result:
    """Parse `argv`, run the check within its timeout; every failure becomes a Result, not a traceback."""
    options = build().parse_args(list(argv))
    try:
        with deadline(options.timeout):
            return check(options)
    except PluginTimeout:
        return Result(Status.UNKNOWN, f"plugin timed out after {options.timeout} seconds")
    except CheckError as err:
        return Result(Status.UNKNOWN, str(err))
    except Exception as err:  # a plugin must answer in one line, whatever went wrong
        return Result(Status.UNKNOWN, f"{type(err).__name__}: {err}")


def main(name: str, build: Callable[[], argparse.ArgumentParser], check: Check) -> NoReturn:
    """Entry point of one plugin: print the status line, exit with the status."""
    result = execute(build, check, sys.argv[1:])
    print(result.line(name))
    sys.exit(int(result.status))
