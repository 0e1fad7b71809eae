"""Small plans and a price snapshot of round prices, so every total in these tests is done by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from infra.cost.prices import ON_DEMAND, Snapshot
from infra.cost.usage import load_usage

STACK = "s"
URN = f"urn:pulumi:{STACK}::tiny::"

# (offer, usage type, extra attributes, unit, USD) -> one product each; SKUs are made up for the tests.
ROUND_PRICES: list[tuple[str, str, dict[str, str], str, str]] = [
    ("AmazonECS", "EU-Fargate-vCPU-Hours:perCPU", {}, "hours", "0.04"),
    ("AmazonECS", "EU-Fargate-GB-Hours", {}, "hours", "0.005"),
    ("AmazonEC2", "EU-NatGateway-Hours", {}, "Hrs", "0.05"),
    ("AmazonEC2", "EU-NatGateway-Bytes", {}, "GB", "0.05"),
    ("AmazonVPC", "EU-PublicIPv4:InUseAddress", {}, "Hrs", "0.005"),
    ("AWSELB", "EU-LoadBalancerUsage", {}, "Hrs", "0.025"),
    ("AWSELB", "EU-LCUUsage", {}, "LCU-Hrs", "0.008"),
    (
        "AmazonRDS",
        "EU-InstanceUsage:db.t4g.micro",
        {"databaseEngine": "MySQL", "deploymentOption": "Single-AZ"},
        "Hrs",
        "0.02",
    ),
    # Same usage type, another engine: must never be picked for MySQL.
    (
        "AmazonRDS",
        "EU-InstanceUsage:db.t4g.micro",
        {"databaseEngine": "PostgreSQL", "deploymentOption": "Single-AZ"},
        "Hrs",
        "0.99",
    ),
    ("AmazonRDS", "EU-RDS:GP3-Storage", {}, "GB-Mo", "0.1"),
    ("AmazonRDS", "EU-RDS:ChargedBackupUsage", {}, "GB-Mo", "0.1"),
    ("AWSSecretsManager", "EU-AWSSecretsManager-Secrets", {}, "Secrets", "0.4"),
]


def make_snapshot(rows: list[tuple[str, str, dict[str, str], str, str]] = ROUND_PRICES) -> Snapshot:
    offers: dict[str, dict[str, Any]] = {}
    for n, (offer, usage, attributes, unit, usd) in enumerate(rows):
        sku = f"TESTSKU{n:03d}"
        entry = offers.setdefault(offer, {"products": {}, "terms": {ON_DEMAND: {}}})
        entry["products"][sku] = {"sku": sku, "attributes": {"usagetype": usage, **attributes}}
        entry["terms"][ON_DEMAND][sku] = {
            f"{sku}.T": {"priceDimensions": {f"{sku}.T.R": {"unit": unit, "pricePerUnit": {"USD": usd}}}}
        }
    return Snapshot(region="eu-west-1", date="2026-01-01", source="tests", offers=offers, provenance={})


def resource(type_token: str, name: str, inputs: dict[str, Any], component: str = "") -> dict[str, Any]:
    parent = f"postings:infra:{component}$" if component else ""
    return {
        "custom": True,
        "inputs": inputs,
        "name": name,
        "parent": None,
        "type": type_token,
        "urn": f"{URN}{parent}{type_token}::{name}",
    }


def ref(type_token: str, name: str, prop: str, component: str = "") -> str:
    parent = f"postings:infra:{component}$" if component else ""
    return f"${{{URN}{parent}{type_token}::{name}.{prop}}}"


TASK = "aws:ecs/taskDefinition:TaskDefinition"


def small_plan(*, api_tasks: int = 2, budget: str | None = None, nat: int = 1) -> dict[str, Any]:
    """A VPC (free), NAT gateways with their addresses, an internet-facing ALB in 2 subnets, a Fargate
    service, a Multi-AZ MySQL database, a secret, an SNS topic (usage-priced: unpriced) and a Glacier
    vault (no pricer: unpriced)."""
    config = {"aws:region": "eu-west-1"}
    if budget is not None:
        config["postings:monthlyBudgetChangeUsd"] = budget
    resources = [
        resource("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"}, "Network"),
        *[
            resource("aws:ec2/natGateway:NatGateway", f"nat-{n}", {"subnetId": "x"}, "Network")
            for n in range(nat)
        ],
        *[resource("aws:ec2/eip:Eip", f"nat-{n}-eip", {"domain": "vpc"}, "Network") for n in range(nat)],
        resource(
            "aws:lb/loadBalancer:LoadBalancer",
            "alb",
            {"internal": False, "loadBalancerType": "application", "subnets": ["a", "b"]},
            "LoadBalancer",
        ),
        resource(
            TASK,
            "api-task",
            {"cpu": "512", "memory": "1024", "runtimePlatform": {"cpuArchitecture": "X86_64"}},
            "AppService",
        ),
        resource(
            "aws:ecs/service:Service",
            "api-service",
            {
                "desiredCount": api_tasks,
                "launchType": "FARGATE",
                "taskDefinition": ref(TASK, "api-task", "arn", "AppService"),
            },
            "AppService",
        ),
        resource(
            "aws:rds/instance:Instance",
            "db",
            {
                "engine": "mysql",
                "instanceClass": "db.t4g.micro",
                "multiAz": True,
                "allocatedStorage": 50,
                "storageType": "gp3",
                "backupRetentionPeriod": 7,
            },
            "Database",
        ),
        resource("aws:secretsmanager/secret:Secret", "secret", {}, "Database"),
        resource("aws:sns/topic:Topic", "alerts", {}, "Notifications"),
        resource("aws:glacier/vault:Vault", "archive", {}),
    ]
    return {"format": 1, "project": "tiny", "stack": STACK, "config": config, "resources": resources}


@pytest.fixture
def usage() -> dict[str, Decimal]:
    return load_usage()
