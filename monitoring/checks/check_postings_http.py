#!/usr/bin/env python3
"""Nagios plugin: the postings service over HTTP: status code, response time and body."""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file (NRPE, Nagios): make the `monitoring` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import time
import urllib.error
import urllib.request

from monitoring.checks.plugin import PerfData, Result, Status, evaluate, main, parser
from monitoring.thresholds import SIGNALS

NAME = "POSTINGS_HTTP"
LATENCY = SIGNALS["alb-latency-p99"]
MAX_BODY = 1024 * 1024


def build() -> argparse.ArgumentParser:
    p = parser(
        "check_postings_http",
        "GET a URL of the postings service; -w/-c are response-time ranges in seconds "
        f"(default: the {LATENCY.id} levels).",
        warning=LATENCY.nagios_range("warning"),
        critical=LATENCY.nagios_range("critical"),
    )
    p.add_argument("-u", "--url", required=True, help="URL to GET, e.g. https://api.example.com/healthz")
    p.add_argument("-e", "--expect-status", type=int, default=200, help="expected status (default: 200)")
    p.add_argument("-s", "--string", help="text the body must contain (default: none)")
    return p


def fetch(url: str, timeout: float) -> tuple[int, bytes, float]:
    """Status, body and seconds taken; an HTTP error status is an answer, not a failure."""
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"User-Agent": "check_postings_http"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = int(response.status), response.read(MAX_BODY)
    except urllib.error.HTTPError as err:
        status, body = err.code, err.read(MAX_BODY)
    return status, body, time.perf_counter() - started


def check(options: argparse.Namespace) -> Result:
    try:
        status, body, seconds = fetch(options.url, options.timeout)
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        return Result(Status.CRITICAL, f"{options.url} unreachable: {reason}")
    perf = [
        PerfData("time", round(seconds, 6), "s", options.warning, options.critical, minimum=0),
        PerfData("size", len(body), "B", minimum=0),
    ]
    summary = f"HTTP {status} in {seconds:.3f} s, {len(body)} bytes from {options.url}"
    if status != options.expect_status:
        return Result(Status.CRITICAL, f"{summary}; expected {options.expect_status}", perf)
    if options.string is not None and options.string not in body.decode("utf-8", "replace"):
        return Result(Status.CRITICAL, f"{summary}; body lacks {options.string!r}", perf)
    return Result(evaluate(seconds, options.warning, options.critical), summary, perf)


if __name__ == "__main__":
    main(NAME, build, check)
