#!/usr/bin/env python3
"""Nagios plugin: the postings service's readiness (/readyz): each dependency by name."""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file (NRPE, Nagios): make the `monitoring` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import json
import urllib.error

from monitoring.checks.check_postings_http import fetch
from monitoring.checks.plugin import PerfData, Result, Status, main, parser, worst

NAME = "POSTINGS_READY"


def build() -> argparse.ArgumentParser:
    p = parser(
        "check_postings_ready",
        "GET <url>/readyz. CRITICAL when not ready (the database is down); -w/-c are ranges on the "
        "number of degraded dependencies and background work (cache, broker, search, relay, indexer: the "
        "service carries on without them): any state other than up or in-process.",
        warning="0",
        critical="3",
    )
    p.add_argument("-u", "--url", required=True, help="base URL of the service, e.g. https://api.example.com")
    return p


def degraded(checks: dict[str, str]) -> list[str]:
    """The dependencies whose state is not healthy: `up`, `in-process`, or a backend's `<name>: up`. A
    relay `stalled`, an indexer with `no consumer`, an `unknown` or `retrying` state count as much as
    `down`: each means postings stop reaching search."""
    return sorted(
        name
        for name, state in checks.items()
        if state not in ("up", "in-process") and not state.endswith(": up")
    )


def check(options: argparse.Namespace) -> Result:
    url = options.url.rstrip("/") + "/readyz"
    try:
        status, body, seconds = fetch(url, options.timeout)
    except (urllib.error.URLError, OSError) as err:
        return Result(Status.CRITICAL, f"{url} unreachable: {getattr(err, 'reason', err)}")
    try:
        answer = json.loads(body)
        checks: dict[str, str] = {str(k): str(v) for k, v in answer["checks"].items()}
        ready = bool(answer["ready"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return Result(Status.UNKNOWN, f"{url} answered HTTP {status} without the readiness document")
    names = degraded(checks)
    perf = [
        PerfData("time", round(seconds, 6), "s", minimum=0),
        PerfData("degraded", len(names), "", options.warning, options.critical, 0, len(checks)),
    ]
    states = ", ".join(f"{name}: {state}" for name, state in sorted(checks.items()))
    if not ready or status != 200:
        return Result(Status.CRITICAL, f"not ready (HTTP {status}): {states}", perf)
    result = Status.OK
    if options.critical.alerts(len(names)):
        result = Status.CRITICAL
    elif options.warning.alerts(len(names)):
        result = Status.WARNING
    prefix = f"ready, degraded: {', '.join(names)}" if names else "ready"
    return Result(worst(result), f"{prefix} ({states})", perf)


if __name__ == "__main__":
    main(NAME, build, check)
