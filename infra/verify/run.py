"""Run the checks of monitoring/checks against a Target and judge the result."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3

from infra.verify.discover import Target
from monitoring.checks import aws, scheduled
from monitoring.checks.contract import (
    ALARM_PREFIX,
    BROKER,
    DATABASE,
    ENVIRONMENT,
    REGION,
    SEARCH_DOMAIN,
    SERVICE_URL,
)
from monitoring.checks.plugin import Result, Status, worst


@dataclass(frozen=True)
class Row:
    check: str
    status: Status
    output: str


@dataclass(frozen=True)
class Report:
    target: Target
    rows: tuple[Row, ...]

    @property
    def status(self) -> Status:
        return worst(*(row.status for row in self.rows))

    @property
    def exit_code(self) -> int:
        """2 on any CRITICAL, 3 when a check could not look (UNKNOWN), else 0 (warnings are printed)."""
        statuses = {row.status for row in self.rows}
        if Status.CRITICAL in statuses:
            return 2
        if Status.UNKNOWN in statuses:
            return 3
        return 0

    def table(self) -> str:
        width = max([len("CHECK"), *(len(r.check) for r in self.rows)])
        lines = [f"{'CHECK':<{width}}  {'STATUS':<8}  OUTPUT"]
        lines += [f"{r.check:<{width}}  {r.status.name:<8}  {r.output}" for r in self.rows]
        verdict = self.status.name if self.rows else "NOTHING CHECKED"
        lines.append(
            f"{self.target.environment} ({self.target.region}, found by {self.target.found_by}): {verdict}"
        )
        return "\n".join(lines)


@contextmanager
def checks_session(session: boto3.Session) -> Iterator[None]:
    """Point the AWS checks at `session` (the real account's, or the emulated one) while they run."""
    previous = aws.session_factory
    aws.session_factory = lambda _options: session
    try:
        yield
    finally:
        aws.session_factory = previous


def verify(target: Target, session: boto3.Session, *, http: bool = True) -> Report:
    settings = {
        ENVIRONMENT: target.environment,
        REGION: target.region,
        SERVICE_URL: target.service_url,
        DATABASE: target.database,
        BROKER: target.broker,
        SEARCH_DOMAIN: target.search_domain,
        ALARM_PREFIX: target.alarm_prefix,
    }
    with checks_session(session):
        results: list[tuple[scheduled.Planned, Result]] = scheduled.run_all(
            scheduled.plan(settings, http=http)
        )
    rows = tuple(Row(p.name, r.status, r.line(p.module.NAME)) for p, r in results)
    return Report(target=target, rows=rows)
