"""What the AWS checks share: a boto3 session, the latest datapoint of a signal's metric, error mapping."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from monitoring.checks.plugin import CheckError, PerfData, Range, Result, Status, evaluate, number, worst
from monitoring.thresholds import Direction, Signal

LOOKBACK_MINUTES = 15
CREDENTIAL_ERRORS = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "AuthFailure",
    }
)
UOM = {"%": "%", "Seconds": "s", "s": "s", "Bytes": "B", "Megabytes": "MB"}

SessionFactory = Callable[[argparse.Namespace], boto3.Session]


def add_aws_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", help="AWS region (default: the environment's AWS_REGION or profile)")
    p.add_argument("--profile", help="AWS profile (default: the standard credential chain)")


def default_session(options: argparse.Namespace) -> boto3.Session:
    return boto3.Session(profile_name=options.profile, region_name=options.region)


# Tests and `infra verify --emulated` point the checks at another account by replacing this factory.
session_factory: SessionFactory = default_session


def client(options: argparse.Namespace, service: str) -> Any:
    timeout = max(1, int(options.timeout))
    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 2})
    return session_factory(options).client(service, config=config)  # type: ignore[call-overload]


@contextmanager
def aws_errors() -> Iterator[None]:
    """AWS refusing to answer (credentials, permissions, region) is UNKNOWN: the check could not look."""
    try:
        yield
    except NoCredentialsError:
        raise CheckError("no AWS credentials: set AWS_PROFILE, or run where a role is attached") from None
    except NoRegionError:
        raise CheckError("no AWS region: pass --region or set AWS_REGION") from None
    except ClientError as err:
        error = err.response.get("Error", {})
        code = str(error.get("Code", ""))
        http = int(err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        if code in CREDENTIAL_ERRORS or http in (401, 403):
            message = " ".join(str(error.get("Message", "")).split())
            raise CheckError(f"AWS refused the credentials ({code}): {message}") from None
        raise
    except BotoCoreError as err:
        raise CheckError(f"AWS could not be reached: {err}") from None


def error_code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def latest(
    cloudwatch: Any,
    namespace: str,
    metric: str,
    dimensions: Mapping[str, str],
    statistic: str,
    period: int = 60,
    now: dt.datetime | None = None,
) -> float | None:
    """The newest datapoint of a metric over the last LOOKBACK_MINUTES, or None when there is none."""
    end = now or dt.datetime.now(dt.UTC)
    stat: dict[str, Any] = (
        {"ExtendedStatistics": [statistic]} if statistic.startswith("p") else {"Statistics": [statistic]}
    )
    answer = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=metric,
        Dimensions=[{"Name": k, "Value": v} for k, v in sorted(dimensions.items())],
        StartTime=end - dt.timedelta(minutes=LOOKBACK_MINUTES),
        EndTime=end + dt.timedelta(seconds=period),  # the current, still open period too
        Period=period,
        **stat,
    )
    points = sorted(answer.get("Datapoints", []), key=lambda p: p["Timestamp"])
    if not points:
        return None
    point = points[-1]
    value = point["ExtendedStatistics"][statistic] if statistic.startswith("p") else point[statistic]
    return float(value)


@dataclass(frozen=True)
class Finding:
    """One measured value judged against its ranges."""

    status: Status
    text: str
    perf: PerfData | None


def judge(
    label: str,
    signal: Signal,
    value: float | None,
    warning: Range | None = None,
    critical: Range | None = None,
) -> Finding:
    """A value against the given ranges, or the signal's shared levels when none are given."""
    warning = warning or Range.parse(signal.nagios_range("warning"))
    critical = critical or Range.parse(signal.nagios_range("critical"))
    if value is None:
        return Finding(Status.OK, f"{label} no data", None)
    status = evaluate(value, warning, critical)
    bound = "min" if signal.direction is Direction.BELOW else "max"
    text = f"{label} {number(value)}{'%' if signal.unit == '%' else ' ' + signal.unit}"
    if status is not Status.OK:
        text += f" ({status.name}, {bound} {critical.text if status is Status.CRITICAL else warning.text})"
    perf = PerfData(label, value, UOM.get(signal.unit, ""), warning, critical, minimum=0)
    return Finding(status, text, perf)


def combine(head: Finding, findings: list[Finding]) -> Result:
    """The worst findings first in the text (CRITICAL, WARNING, UNKNOWN, OK), all values in the perfdata."""
    everything = [head, *findings]
    rank = {Status.CRITICAL: 0, Status.WARNING: 1, Status.UNKNOWN: 2, Status.OK: 3}
    ordered = sorted(everything, key=lambda f: rank[f.status])  # stable: head first among equals
    status = worst(*(f.status for f in everything))
    perfdata = [f.perf for f in everything if f.perf is not None]
    return Result(status, ", ".join(f.text for f in ordered), perfdata)
