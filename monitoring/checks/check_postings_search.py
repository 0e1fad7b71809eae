#!/usr/bin/env python3
"""Nagios plugin: the OpenSearch domain: its state, cluster health, free storage and JVM pressure."""

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
from monitoring.thresholds import SIGNALS

NAME = "POSTINGS_SEARCH"
HEALTH = SIGNALS["opensearch-cluster-status"]
STORAGE = SIGNALS["opensearch-free-storage"]
JVM = SIGNALS["opensearch-jvm-pressure"]


def build() -> argparse.ArgumentParser:
    p = parser(
        "check_postings_search",
        "The domain must exist and not be deleted; -w/-c are ranges on its health, 0 green, 1 yellow, "
        f"2 red (default: the {HEALTH.id} levels); storage and JVM pressure use the shared thresholds.",
        warning=HEALTH.nagios_range("warning"),
        critical=HEALTH.nagios_range("critical"),
    )
    p.add_argument("-d", "--domain", required=True, help="domain name, e.g. postings-prod-search")
    p.add_argument("--account", help="account id, the metrics' ClientId (default: the caller's)")
    add_aws_options(p)
    return p


def check(options: argparse.Namespace) -> Result:
    with aws_errors():
        try:
            status = client(options, "opensearch").describe_domain(DomainName=options.domain)["DomainStatus"]
        except ClientError as err:
            if error_code(err) == "ResourceNotFoundException":
                return Result(Status.CRITICAL, f"domain {options.domain} does not exist")
            raise
        if status.get("Deleted"):
            head = Finding(Status.CRITICAL, f"{options.domain} is being deleted", None)
        elif status.get("Processing"):
            head = Finding(Status.OK, f"{options.domain} applying a change", None)
        else:
            head = Finding(Status.OK, f"{options.domain} active", None)
        account = options.account or client(options, "sts").get_caller_identity()["Account"]
        dims = {"DomainName": options.domain, "ClientId": account}
        cloudwatch = client(options, "cloudwatch")
        red = latest(cloudwatch, "AWS/ES", "ClusterStatus.red", dims, "Maximum")
        yellow = latest(cloudwatch, "AWS/ES", "ClusterStatus.yellow", dims, "Maximum")
        storage = latest(cloudwatch, "AWS/ES", "FreeStorageSpace", dims, "Minimum")
        jvm = latest(cloudwatch, "AWS/ES", "JVMMemoryPressure", dims, "Maximum")
    health = None
    if red is not None or yellow is not None:
        health = 2.0 if (red or 0) >= 1 else 1.0 if (yellow or 0) >= 1 else 0.0
    findings = [
        judge("health", HEALTH, health, options.warning, options.critical),
        judge("free_storage", STORAGE, storage),
        judge("jvm_pressure", JVM, jvm),
    ]
    return combine(head, findings)


if __name__ == "__main__":
    main(NAME, build, check)
