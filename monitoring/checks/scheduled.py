"""Run an environment's checks in one go and publish each status as a CloudWatch metric.

The scheduled ECS task runs `python -m monitoring.checks.scheduled` with the CHECK_* variables below;
`infra verify` builds the same plan from a deployed (or emulated) environment and prints the table.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from monitoring.checks import (
    check_cloudwatch_alarms,
    check_postings_database,
    check_postings_http,
    check_postings_queues,
    check_postings_ready,
    check_postings_search,
)
from monitoring.checks.contract import (
    ALARM_PREFIX,
    BROKER,
    DATABASE,
    ENVIRONMENT,
    METRIC,
    NAMESPACE,
    REGION,
    SEARCH_DOMAIN,
    SERVICE_URL,
)
from monitoring.checks.plugin import Result, Status, execute, worst


@dataclass(frozen=True)
class Planned:
    """One check to run: its short name, its plugin module and its command line."""

    name: str
    module: ModuleType
    argv: tuple[str, ...]


def plan(settings: Mapping[str, str], *, http: bool = True) -> list[Planned]:
    """The checks of one environment from its settings (the CHECK_* names); HTTP checks need a URL."""
    region = ("--region", settings[REGION]) if settings.get(REGION) else ()
    planned: list[Planned] = []
    url = settings.get(SERVICE_URL, "")
    if http and url:
        planned.append(Planned("http", check_postings_http, ("-u", f"{url.rstrip('/')}/healthz", "-s", "ok")))
        planned.append(Planned("ready", check_postings_ready, ("-u", url)))
    planned += [
        Planned("database", check_postings_database, ("-i", settings[DATABASE], *region)),
        Planned("queues", check_postings_queues, ("-b", settings[BROKER], *region)),
        Planned("search", check_postings_search, ("-d", settings[SEARCH_DOMAIN], *region)),
        Planned("alarms", check_cloudwatch_alarms, ("-p", settings[ALARM_PREFIX], *region)),
    ]
    return planned


def run_all(planned: Sequence[Planned]) -> list[tuple[Planned, Result]]:
    return [(p, execute(p.module.build, p.module.check, list(p.argv))) for p in planned]


def publish(cloudwatch: Any, environment: str, results: Sequence[tuple[Planned, Result]]) -> None:
    """One datapoint per check: its status code (0-3), so an alarm can fire on >= 2 (CRITICAL)."""
    now = dt.datetime.now(dt.UTC)
    cloudwatch.put_metric_data(
        Namespace=NAMESPACE,
        MetricData=[
            {
                "MetricName": METRIC,
                "Dimensions": [
                    {"Name": "Environment", "Value": environment},
                    {"Name": "Check", "Value": p.name},
                ],
                "Timestamp": now,
                "Value": float(result.status),
                "Unit": "None",
            }
            for p, result in results
        ],
    )


def main() -> int:
    import boto3

    settings = dict(os.environ)
    results = run_all(plan(settings))
    for planned, result in results:
        print(result.line(planned.module.NAME))
    publish(boto3.client("cloudwatch", region_name=settings.get(REGION)), settings[ENVIRONMENT], results)
    return int(worst(*(r.status for _, r in results))) if results else int(Status.UNKNOWN)


if __name__ == "__main__":
    sys.exit(main())
