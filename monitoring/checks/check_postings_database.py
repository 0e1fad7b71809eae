#!/usr/bin/env python3
"""Nagios plugin: the RDS MySQL instance: its state, free storage, CPU and connections (CloudWatch)."""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file (NRPE, Nagios): make the `monitoring` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse

from botocore.exceptions import ClientError

from monitoring.checks.aws import (
    Finding,
    add_aws_options,
    aws_errors,
    client,
    combine,
    error_code,
    judge,
    latest,
)
from monitoring.checks.plugin import Result, Status, main, parser
from monitoring.thresholds import SIGNALS, Signal

NAME = "POSTINGS_DATABASE"
STORAGE = SIGNALS["rds-free-storage"]
OTHERS = (SIGNALS["rds-cpu"], SIGNALS["rds-connections"])
# RDS states in which the database is not serving, or will not without an operator.
DOWN = frozenset(
    {
        "stopped",
        "stopping",
        "failed",
        "storage-full",
        "inaccessible-encryption-credentials",
        "inaccessible-encryption-credentials-recoverable",
        "incompatible-network",
        "incompatible-option-group",
        "incompatible-parameters",
        "incompatible-restore",
        "insufficient-capacity",
        "restore-error",
        "deleting",
    }
)


def build() -> argparse.ArgumentParser:
    p = parser(
        "check_postings_database",
        "The RDS instance must be available; -w/-c are ranges on its free storage in bytes (default: "
        f"the {STORAGE.id} levels); CPU and connections use the shared thresholds.",
        warning=STORAGE.nagios_range("warning"),
        critical=STORAGE.nagios_range("critical"),
    )
    p.add_argument("-i", "--instance", required=True, help="DB instance identifier, e.g. postings-prod-mysql")
    add_aws_options(p)
    return p


def metric(options: argparse.Namespace, signal: Signal) -> float | None:
    (m,) = signal.metrics.values()
    return latest(
        client(options, "cloudwatch"),
        m.namespace,
        m.name,
        {"DBInstanceIdentifier": options.instance},
        m.statistic,
    )


def check(options: argparse.Namespace) -> Result:
    with aws_errors():
        try:
            described = client(options, "rds").describe_db_instances(DBInstanceIdentifier=options.instance)
        except ClientError as err:
            if error_code(err) == "DBInstanceNotFound":
                return Result(Status.CRITICAL, f"DB instance {options.instance} does not exist")
            raise
        state = described["DBInstances"][0]["DBInstanceStatus"]
        if state == "available":
            head = Finding(Status.OK, f"{options.instance} available", None)
        elif state in DOWN:
            head = Finding(Status.CRITICAL, f"{options.instance} is {state}", None)
        else:
            head = Finding(Status.WARNING, f"{options.instance} is {state}", None)
        findings = [
            judge("free_storage", STORAGE, metric(options, STORAGE), options.warning, options.critical)
        ]
        findings += [judge(s.id.removeprefix("rds-"), s, metric(options, s)) for s in OTHERS]
    return combine(head, findings)


if __name__ == "__main__":
    main(NAME, build, check)
