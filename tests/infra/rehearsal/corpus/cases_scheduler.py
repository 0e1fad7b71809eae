"""EventBridge Scheduler cases."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import role

SCHEDULE = "aws:scheduler/schedule:Schedule"
SCHEDULE_TYPES = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html"
WINDOW = "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html"


def _schedule(
    expression: str,
    window: dict[str, Any] | None = None,
    group: pulumi.Input[str] | None = None,
    timezone: str | None = None,
) -> None:
    queue = aws.sqs.Queue("ticks")
    invoker = role("scheduler", "scheduler.amazonaws.com")
    aws.scheduler.Schedule(
        "tick",
        group_name=group,
        schedule_expression=expression,
        schedule_expression_timezone=timezone,
        flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(**(window or {"mode": "OFF"})),
        target=aws.scheduler.ScheduleTargetArgs(arn=queue.arn, role_arn=invoker.arn),
    )


@valid("scheduler")
def scheduler_group_with_flexible_cron_schedule() -> None:
    group = aws.scheduler.ScheduleGroup("jobs", name="jobs")
    _schedule(
        "cron(0 9 ? * MON-FRI *)", {"mode": "FLEXIBLE", "maximum_window_in_minutes": 15}, group=group.name
    )


@valid("scheduler")
def scheduler_one_time_at_schedule() -> None:
    _schedule("at(2030-01-01T09:00:00)")


@refused("scheduler", token=SCHEDULE, prop="scheduleExpression", source=SCHEDULE_TYPES)
def scheduler_at_without_seconds() -> None:
    _schedule("at(2030-01-01T09:00)")


@refused("scheduler", token=SCHEDULE, prop="scheduleExpression", source=SCHEDULE_TYPES)
def scheduler_unix_cron() -> None:
    _schedule("cron(*/5 * * * *)")


@refused("scheduler", token=SCHEDULE, prop="scheduleExpression", source=SCHEDULE_TYPES)
def scheduler_rate_in_weeks() -> None:
    _schedule("rate(1 week)")


@refused("scheduler", token=SCHEDULE, prop="flexibleTimeWindow", source=WINDOW)
def scheduler_flexible_window_without_minutes() -> None:
    _schedule("rate(1 hour)", {"mode": "FLEXIBLE"})


@refused("scheduler", token=SCHEDULE, prop="flexibleTimeWindow", source=WINDOW)
def scheduler_flexible_window_of_two_days() -> None:
    _schedule("rate(1 hour)", {"mode": "FLEXIBLE", "maximum_window_in_minutes": 2880})


@refused("scheduler", token=SCHEDULE, prop="flexibleTimeWindow", source=WINDOW)
def scheduler_off_window_with_minutes() -> None:
    _schedule("rate(1 hour)", {"mode": "OFF", "maximum_window_in_minutes": 10})


@refused(
    "scheduler",
    token="aws:scheduler/scheduleGroup:ScheduleGroup",
    prop="name",
    source="https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html",
)
def scheduler_group_name_with_slash() -> None:
    aws.scheduler.ScheduleGroup("jobs", name="team/jobs")


@valid("scheduler")
def scheduler_cron_in_dublin_time() -> None:
    _schedule("cron(0 8 ? * MON-FRI *)", timezone="Europe/Dublin")


@refused(
    "scheduler", token=SCHEDULE, prop="scheduleExpressionTimezone", source=f"{SCHEDULE_TYPES}#time-zones"
)
def scheduler_time_zone_abbreviation() -> None:
    _schedule("cron(0 8 ? * MON-FRI *)", timezone="CET+1")


@refused(
    "scheduler", token=SCHEDULE, prop="scheduleExpressionTimezone", source=f"{SCHEDULE_TYPES}#time-zones"
)
def scheduler_time_zone_misspelt() -> None:
    _schedule("cron(0 8 ? * MON-FRI *)", timezone="Europe/Dublinn")
