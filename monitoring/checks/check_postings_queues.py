#!/usr/bin/env python3
"""Nagios plugin: the Amazon MQ RabbitMQ broker: its state, the indexer queue's depth and its consumers."""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file (NRPE, Nagios): make the `monitoring` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
from typing import Any

from monitoring.checks.aws import Finding, add_aws_options, aws_errors, client, combine, judge, latest
from monitoring.checks.plugin import Result, Status, main, parser
from monitoring.thresholds import INDEXER_QUEUE, SIGNALS, VIRTUAL_HOST

NAME = "POSTINGS_QUEUES"
DEPTH = SIGNALS["rabbitmq-queue-depth"]
UNCONSUMED = SIGNALS["rabbitmq-messages-without-consumers"]
DOWN = frozenset({"CREATION_FAILED", "DELETION_IN_PROGRESS", "CRITICAL_ACTION_REQUIRED"})


def build() -> argparse.ArgumentParser:
    p = parser(
        "check_postings_queues",
        "The broker must be RUNNING; -w/-c are ranges on the queue's depth in messages (default: the "
        f"{DEPTH.id} levels); ready messages without a consumer use the shared thresholds.",
        warning=DEPTH.nagios_range("warning"),
        critical=DEPTH.nagios_range("critical"),
    )
    p.add_argument("-b", "--broker", required=True, help="broker name, e.g. postings-prod-rabbitmq")
    p.add_argument("-q", "--queue", default=INDEXER_QUEUE, help=f"queue (default: {INDEXER_QUEUE})")
    p.add_argument("--vhost", default=VIRTUAL_HOST, help=f"virtual host (default: {VIRTUAL_HOST})")
    add_aws_options(p)
    return p


def find_broker(mq: Any, name: str) -> dict[str, Any] | None:
    for page in mq.get_paginator("list_brokers").paginate():
        for summary in page.get("BrokerSummaries", []):
            if summary.get("BrokerName") == name:
                return dict(mq.describe_broker(BrokerId=summary["BrokerId"]))
    return None


def check(options: argparse.Namespace) -> Result:
    with aws_errors():
        broker = find_broker(client(options, "mq"), options.broker)
        if broker is None:
            return Result(Status.CRITICAL, f"broker {options.broker} does not exist")
        state = str(broker.get("BrokerState"))
        if state == "RUNNING":
            head = Finding(Status.OK, f"{options.broker} RUNNING", None)
        else:
            head = Finding(
                Status.CRITICAL if state in DOWN else Status.WARNING, f"{options.broker} {state}", None
            )
        dims = {"Broker": options.broker, "VirtualHost": options.vhost, "Queue": options.queue}
        cloudwatch = client(options, "cloudwatch")
        depth = latest(cloudwatch, "AWS/AmazonMQ", "MessageCount", dims, "Maximum")
        ready = latest(cloudwatch, "AWS/AmazonMQ", "MessageReadyCount", dims, "Maximum")
        consumers = latest(cloudwatch, "AWS/AmazonMQ", "ConsumerCount", dims, "Minimum")
    unconsumed = None if ready is None or consumers is None else (ready if consumers < 1 else 0.0)
    findings = [
        judge("depth", DEPTH, depth, options.warning, options.critical),
        judge("without_consumers", UNCONSUMED, unconsumed),
    ]
    return combine(head, findings)


if __name__ == "__main__":
    main(NAME, build, check)
