"""The plugin contract against the monitoring-plugins guidelines: ranges, perfdata, exit codes, options."""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitoring.checks.plugin import PerfData, Range, RangeError, Result, Status, evaluate, execute, parser

CHECKS = Path(__file__).resolve().parents[3] / "monitoring" / "checks"


# The guidelines' table: range definition -> generate an alert if x...
@pytest.mark.parametrize(
    ("text", "alerting", "quiet"),
    [
        ("10", [-1, -0.001, 10.001, 11], [0, 5, 10]),  # < 0 or > 10, (outside {0 .. 10})
        ("10:", [-1, 9.999], [10, 11, 1e12]),  # < 10, (outside {10 .. inf})
        ("~:10", [10.001, 1e12], [10, 0, -1e12]),  # > 10, (outside {-inf .. 10})
        ("10:20", [9.999, 20.001, -5], [10, 15, 20]),  # < 10 or > 20, (outside {10 .. 20})
        ("@10:20", [10, 15, 20], [9.999, 20.001]),  # >= 10 and <= 20, (inside {10 .. 20})
    ],
)
def test_ranges_alert_as_the_guidelines_table_says(
    text: str, alerting: list[float], quiet: list[float]
) -> None:
    parsed = Range.parse(text)
    assert [v for v in alerting if not parsed.alerts(v)] == [], text
    assert [v for v in quiet if parsed.alerts(v)] == [], text
    assert str(parsed) == text


def test_range_bounds() -> None:
    assert Range.parse("10") == Range(0.0, 10.0, False, "10")
    assert Range.parse("10:") == Range(10.0, math.inf, False, "10:")
    assert Range.parse("~:10") == Range(-math.inf, 10.0, False, "~:10")
    assert Range.parse("@10:20") == Range(10.0, 20.0, True, "@10:20")
    assert Range.parse("-5:-1.5") == Range(-5.0, -1.5, False, "-5:-1.5")


@pytest.mark.parametrize("text", ["", "@", "abc", "20:10", "1:2:3", "~"])
def test_invalid_ranges_are_refused(text: str) -> None:
    with pytest.raises(RangeError):
        Range.parse(text)


def test_critical_wins_over_warning() -> None:
    warning, critical = Range.parse("80"), Range.parse("90")
    assert [evaluate(v, warning, critical) for v in (50, 80, 85, 90, 95)] == [
        Status.OK,
        Status.OK,
        Status.WARNING,
        Status.WARNING,
        Status.CRITICAL,
    ]


def test_perfdata_in_the_standard_syntax() -> None:
    # The guidelines' shapes, as check_ping prints them: `rta=12.445000ms;100.000000;200.000000;0.000000`
    assert str(PerfData("rta", 12.445, "ms", "100", "200", 0)) == "rta=12.445ms;100;200;0"
    assert str(PerfData("pl", 0, "%", "5", "15", 0)) == "pl=0%;5;15;0"
    # Trailing unfilled fields are dropped; missing middle fields stay empty.
    assert str(PerfData("size", 615, "B", minimum=0)) == "size=615B;;;0"
    assert str(PerfData("users", 3)) == "users=3"
    assert str(PerfData("load", 0.5, "", None, Range.parse("~:10"), 0, 100)) == "load=0.5;;~:10;0;100"
    # Quotes only where the label needs them; a quote inside doubles.
    assert str(PerfData("free space", 1.5, "GB")) == "'free space'=1.5GB"
    assert str(PerfData("a=b", 1)) == "'a=b'=1"
    assert str(PerfData("it's", 1)) == "'it''s'=1"
    # Values stay in the class [-0-9.]: no exponent for large or small numbers.
    assert str(PerfData("bytes", 5368709120, "B", "5368709120:")) == "bytes=5368709120B;5368709120:"
    assert str(PerfData("t", 0.0000015, "s")) == "t=0.000002s"


def test_one_status_line_with_perfdata_after_the_pipe() -> None:
    result = Result(Status.WARNING, "slow\nanswer", [PerfData("time", 1.2, "s", "1", "2.5", 0)])
    assert result.line("POSTINGS_HTTP") == "POSTINGS_HTTP WARNING - slow answer | time=1.2s;1;2.5;0"
    assert Result(Status.OK, "fine").line("X") == "X OK - fine"


def sleepy(options: argparse.Namespace) -> Result:
    time.sleep(5)
    return Result(Status.OK, "never")


def test_timeout_is_unknown() -> None:
    started = time.monotonic()
    result = execute(lambda: parser("p", "d", warning=None, critical=None), sleepy, ["-t", "1"])
    assert (result.status, result.message) == (Status.UNKNOWN, "plugin timed out after 1 seconds")
    assert time.monotonic() - started < 3


def run_plugin(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The plugin run as NRPE runs it: the file itself, from another directory."""
    return subprocess.run(
        [sys.executable, str(CHECKS / name), *args], capture_output=True, text=True, cwd="/", timeout=60
    )


def test_help_and_version_exit_unknown() -> None:
    helped = run_plugin("check_postings_http.py", "-h")
    assert helped.returncode == 3
    assert "-w RANGE, --warning RANGE" in helped.stdout
    assert "(default: 1)" in helped.stdout
    assert "-t SECONDS, --timeout SECONDS" in helped.stdout
    version = run_plugin("check_postings_http.py", "-V")
    assert (version.returncode, version.stdout.strip()) == (3, "check_postings_http 1.0.0")


def test_bad_arguments_exit_unknown_with_one_status_line() -> None:
    bad = run_plugin("check_postings_http.py", "-u", "http://127.0.0.1:9", "-w", "20:10")
    assert bad.returncode == 3
    assert bad.stdout == (
        "check_postings_http UNKNOWN - argument -w/--warning: invalid threshold value: '20:10'\n"
    )
    missing = run_plugin("check_cloudwatch_alarms.py", "--bogus")
    assert missing.returncode == 3
