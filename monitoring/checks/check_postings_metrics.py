#!/usr/bin/env python3
"""Nagios plugin: one signal of thresholds.py read from a postings process's Prometheus /metrics."""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file (NRPE, Nagios): make the `monitoring` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import re
import time
import urllib.error
from collections.abc import Mapping

from monitoring.checks.check_postings_http import fetch
from monitoring.checks.plugin import CheckError, PerfData, Range, Result, evaluate, main, parser
from monitoring.thresholds import SIGNALS, Kind, Scraped, Signal

NAME = "POSTINGS_METRICS"
SCRAPED = {signal_id: signal for signal_id, signal in SIGNALS.items() if signal.scraped is not None}
DEFAULT_INTERVAL = 5.0
_SAMPLE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$")
_LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')
Series = frozenset[tuple[str, str]]


def build() -> argparse.ArgumentParser:
    p = parser(
        "check_postings_metrics",
        "GET a postings process's Prometheus metrics (the api's /metrics, or a worker's or relay's metrics "
        "port, 9464) and compare one signal with -w/-c (default: the signal's levels in thresholds.py). A "
        "gauge is read once (the largest series); a counter is read twice, --interval seconds apart, as "
        "its increase per minute over all series.",
        warning=None,
        critical=None,
    )
    p.add_argument("-u", "--url", required=True, help="the metrics URL, e.g. http://10.0.1.5:9464/metrics")
    p.add_argument("-s", "--signal", required=True, choices=sorted(SCRAPED), help="the signal to check")
    p.add_argument(
        "-i",
        "--interval",
        type=float,
        default=DEFAULT_INTERVAL,
        metavar="SECONDS",
        help=f"seconds between a counter's two reads (default: {DEFAULT_INTERVAL:g})",
    )
    return p


def samples(text: str, wanted: Scraped) -> dict[Series, float]:
    """The samples of the exposition `text` named as `wanted` and carrying its labels, by label set."""
    found: dict[Series, float] = {}
    required = set(wanted.labels)
    for line in text.splitlines():
        match = _SAMPLE.match(line.strip())
        if match is None or line.startswith("#") or match.group(1) != wanted.name:
            continue
        labels = frozenset(
            (k, v.replace('\\"', '"').replace("\\\\", "\\")) for k, v in _LABEL.findall(match.group(2) or "")
        )
        if required <= labels:
            found[labels] = float(match.group(3))
    return found


def read(url: str, timeout: float, wanted: Scraped) -> dict[Series, float]:
    try:
        status, body, _seconds = fetch(url, timeout)
    except (urllib.error.URLError, OSError) as err:
        raise CheckError(f"{url} unreachable: {getattr(err, 'reason', err)}") from None
    if status != 200:
        raise CheckError(f"{url} answered HTTP {status}, not metrics")
    found = samples(body.decode("utf-8", "replace"), wanted)
    if not found:
        raise CheckError(
            f"{url} exports no {wanted.name} sample{_labels(wanted.labels)}: not the process that counts it?"
        )
    return found


def increase(before: Mapping[Series, float], after: Mapping[Series, float]) -> float:
    """How much the counters rose between two reads; a series that restarted (a new process under the
    same labels, or one that appeared) counts from 0, as Prometheus's increase() does."""
    total = 0.0
    for series, value in after.items():
        previous = before.get(series, 0.0)
        total += value - previous if value >= previous else value
    return total


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}" if labels else ""


def value_of(signal: Signal, options: argparse.Namespace) -> tuple[float, int]:
    """The signal's value and how many series it was computed from."""
    wanted = signal.scraped
    assert wanted is not None  # only scraped signals are offered
    first = read(options.url, options.timeout, wanted)
    if wanted.kind is Kind.GAUGE:
        return max(first.values()), len(first)
    if options.interval <= 0 or options.interval >= options.timeout:
        raise CheckError(
            f"--interval {options.interval:g} must be above 0 and under the timeout {options.timeout}"
        )
    time.sleep(options.interval)
    second = read(options.url, options.timeout, wanted)
    return increase(first, second) * 60 / options.interval, len(second)


def check(options: argparse.Namespace) -> Result:
    signal = SCRAPED[options.signal]
    warning: Range = options.warning or Range.parse(signal.nagios_range("warning"))
    critical: Range = options.critical or Range.parse(signal.nagios_range("critical"))
    value, series = value_of(signal, options)
    unit = signal.unit + (" per minute" if signal.scraped and signal.scraped.kind is Kind.COUNTER else "")
    perf = [
        PerfData(signal.id, round(value, 6), "s" if signal.unit == "Seconds" else "", warning, critical, 0)
    ]
    text = f"{signal.id} {value:g} {unit} ({series} series) from {options.url}; runbook {signal.runbook}"
    return Result(evaluate(value, warning, critical), text, perf)


if __name__ == "__main__":
    main(NAME, build, check)
