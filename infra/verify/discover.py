"""Find a deployed environment: by its stack outputs when they are at hand, else by the provider's tags."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import boto3

from infra import naming
from infra.ops.errors import OpsError
from infra.ops.stack import StackNotFound, stack_tags

# Stack outputs the checks need (infra/__main__.py exports them under these names).
OUTPUT_NAMES = {
    "database": "databaseIdentifier",
    "broker": "brokerName",
    "search_domain": "searchDomainName",
    "service_url": "serviceUrl",
}


class OutputsUnavailable(OpsError):
    """The stack outputs could not be read (no Pulumi CLI, not logged in, or the stack does not exist)."""


@dataclass(frozen=True)
class Target:
    """What the checks look at in one environment, and how it was found."""

    environment: str
    region: str
    database: str
    broker: str
    search_domain: str
    service_url: str
    found_by: str

    @property
    def alarm_prefix(self) -> str:
        return f"{naming.prefix(self.environment)}-"


def from_outputs(environment: str, region: str, outputs: Mapping[str, Any]) -> Target:
    """The environment as its stack outputs name it; a missing output names the key to export."""
    missing = sorted(key for key in OUTPUT_NAMES.values() if not outputs.get(key) and key != "serviceUrl")
    if missing:
        raise StackNotFound(
            f"the stack outputs lack {', '.join(missing)}: run `pulumi up -s {environment}` with this "
            "version of the program, which exports them"
        )
    return Target(
        environment=environment,
        region=region,
        database=str(outputs[OUTPUT_NAMES["database"]]),
        broker=str(outputs[OUTPUT_NAMES["broker"]]),
        search_domain=str(outputs[OUTPUT_NAMES["search_domain"]]),
        service_url=str(outputs.get(OUTPUT_NAMES["service_url"]) or ""),
        found_by="stack outputs",
    )


def pulumi_outputs(stack: str) -> dict[str, Any]:
    """`pulumi stack output --json` of a stack, through the Pulumi CLI and its own login."""
    if shutil.which("pulumi") is None:
        raise OutputsUnavailable("the Pulumi CLI is not on PATH")
    done = subprocess.run(
        ["pulumi", "stack", "output", "--json", "--stack", stack],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise OutputsUnavailable(done.stderr.strip() or f"pulumi exited with {done.returncode}")
    outputs: dict[str, Any] = json.loads(done.stdout)
    return outputs


def _tagged(tags: Mapping[str, str], environment: str) -> bool:
    return all(tags.get(k) == v for k, v in stack_tags(environment).items())


def _rds(session: boto3.Session, environment: str) -> Iterator[str]:
    rds = session.client("rds")
    for page in rds.get_paginator("describe_db_instances").paginate():
        for instance in page["DBInstances"]:
            tags = {t["Key"]: t["Value"] for t in instance.get("TagList", [])}
            if _tagged(tags, environment):
                yield instance["DBInstanceIdentifier"]


def _brokers(session: boto3.Session, environment: str) -> Iterator[str]:
    mq = session.client("mq")
    for page in mq.get_paginator("list_brokers").paginate():
        for summary in page.get("BrokerSummaries", []):
            described = mq.describe_broker(BrokerId=summary["BrokerId"])
            if _tagged(described.get("Tags", {}), environment):
                yield described["BrokerName"]


def _domains(session: boto3.Session, environment: str) -> Iterator[str]:
    opensearch = session.client("opensearch")
    for domain in opensearch.list_domain_names().get("DomainNames", []):
        name = domain["DomainName"]
        arn = opensearch.describe_domain(DomainName=name)["DomainStatus"]["ARN"]
        tags = {t["Key"]: t["Value"] for t in opensearch.list_tags(ARN=arn).get("TagList", [])}
        if _tagged(tags, environment):
            yield name


def _load_balancer_urls(session: boto3.Session, environment: str) -> Iterator[str]:
    elbv2 = session.client("elbv2")
    balancers = [
        lb
        for page in elbv2.get_paginator("describe_load_balancers").paginate()
        for lb in page["LoadBalancers"]
    ]
    for start in range(0, len(balancers), 20):
        chunk = balancers[start : start + 20]
        described = elbv2.describe_tags(ResourceArns=[lb["LoadBalancerArn"] for lb in chunk])
        dns = {lb["LoadBalancerArn"]: lb["DNSName"] for lb in chunk}
        for entry in described["TagDescriptions"]:
            tags = {t["Key"]: t["Value"] for t in entry.get("Tags", [])}
            if _tagged(tags, environment):
                # Port 80 redirects to the HTTPS domain when one is configured; urllib follows it.
                yield f"http://{dns[entry['ResourceArn']]}"


def _one(kind: str, found: list[str], environment: str) -> str:
    if len(found) == 1:
        return found[0]
    wanted = ", ".join(f"{k}={v}" for k, v in stack_tags(environment).items())
    if not found:
        raise StackNotFound(
            f"no {kind} tagged {wanted} in this account and region: deploy the stack "
            f"(`pulumi up -s {environment}`), or check AWS_PROFILE and --region"
        )
    raise StackNotFound(
        f"{len(found)} {kind}s are tagged {wanted} ({', '.join(sorted(found))}); remove the stale one"
    )


def from_tags(session: boto3.Session, environment: str, region: str) -> Target:
    """The environment's resources found by the provider's default tags (Project, Environment)."""
    urls = list(_load_balancer_urls(session, environment))
    return Target(
        environment=environment,
        region=region,
        database=_one("RDS instance", list(_rds(session, environment)), environment),
        broker=_one("Amazon MQ broker", list(_brokers(session, environment)), environment),
        search_domain=_one("OpenSearch domain", list(_domains(session, environment)), environment),
        service_url=_one("load balancer", urls, environment) if urls else "",
        found_by="tags",
    )
