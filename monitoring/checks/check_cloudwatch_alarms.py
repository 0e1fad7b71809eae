#!/usr/bin/env python3
"""Nagios plugin: CloudWatch alarms of an environment in ALARM (critical-level and warning-level apart)."""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file (NRPE, Nagios): make the `monitoring` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse

from monitoring.checks.aws import add_aws_options, aws_errors, client
from monitoring.checks.plugin import PerfData, Range, Result, Status, main, parser, worst

NAME = "CLOUDWATCH_ALARMS"
SHOWN = 5


def build() -> argparse.ArgumentParser:
    p = parser(
        "check_cloudwatch_alarms",
        "Count alarms in ALARM whose name starts with --prefix. Alarms named `*-warning` are "
        "warning-level, all others critical-level; -w is the range for the warning-level count, -c "
        "for the critical-level count.",
        warning="0",
        critical="0",
    )
    p.add_argument("-p", "--prefix", default="", help="alarm name prefix, e.g. postings-prod- (default: all)")
    add_aws_options(p)
    return p


def alarms_in_alarm(options: argparse.Namespace) -> list[str]:
    cloudwatch = client(options, "cloudwatch")
    names: list[str] = []
    kwargs = {"StateValue": "ALARM", "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}
    if options.prefix:
        kwargs["AlarmNamePrefix"] = options.prefix
    for page in cloudwatch.get_paginator("describe_alarms").paginate(**kwargs):
        for alarm in [*page.get("MetricAlarms", []), *page.get("CompositeAlarms", [])]:
            # Filtered here too: not every implementation of the API combines prefix and state.
            if alarm["StateValue"] == "ALARM" and alarm["AlarmName"].startswith(options.prefix):
                names.append(alarm["AlarmName"])
    return sorted(names)


def check(options: argparse.Namespace) -> Result:
    with aws_errors():
        names = alarms_in_alarm(options)
    warnings = [n for n in names if n.endswith("-warning")]
    criticals = [n for n in names if not n.endswith("-warning")]
    warning_range: Range = options.warning
    critical_range: Range = options.critical
    status = worst(
        Status.CRITICAL if critical_range.alerts(len(criticals)) else Status.OK,
        Status.WARNING if warning_range.alerts(len(warnings)) else Status.OK,
    )
    perf = [
        PerfData("critical_alarms", len(criticals), "", None, critical_range, minimum=0),
        PerfData("warning_alarms", len(warnings), "", warning_range, None, minimum=0),
    ]
    if not names:
        where = f" named {options.prefix}*" if options.prefix else ""
        return Result(status, f"no alarm{where} in ALARM", perf)
    listed = ", ".join((criticals + warnings)[:SHOWN]) + (" ..." if len(names) > SHOWN else "")
    return Result(status, f"{len(criticals)} critical, {len(warnings)} warning in ALARM: {listed}", perf)


if __name__ == "__main__":
    main(NAME, build, check)
