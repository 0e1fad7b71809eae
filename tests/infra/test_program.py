"""The whole program per environment: what differs, what must hold everywhere, and how the CLI runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.config import project_declarations
from infra.naming import TAG_KEYS
from infra.rehearsal.engine import ProgramError, RunResult
from tests.infra.program import PROJECT, ROOT, is_secret, reveal, run

STACKS = ("dev", "staging", "prod")
DATA_GROUPS = ("database", "cache", "broker", "search")


def test_resource_counts_per_stack() -> None:
    counts = {stack: sum(1 for r in run(stack).registrations if r.custom) for stack in STACKS}
    # +4 each with the worker-dead-lettered and outbox-publish-failures warning and critical alarms, +1 with
    # the worker task role's policy to write metrics.
    assert counts == {"dev": 201, "staging": 220, "prod": 230}


def value(result: RunResult, type_token: str, name: str, key: str) -> Any:
    return result.one(type_token, name).inputs[key]


def test_differences_that_matter_between_environments() -> None:
    rows = {}
    for stack in STACKS:
        result = run(stack)
        rows[stack] = (
            len(result.by_type("aws:ec2/natGateway:NatGateway")),
            len(result.by_type("aws:ec2/subnet:Subnet")),
            value(result, "aws:rds/instance:Instance", f"postings-{stack}-db-instance", "multiAz"),
            value(result, "aws:rds/instance:Instance", f"postings-{stack}-db-instance", "deletionProtection"),
            value(result, "aws:rds/instance:Instance", f"postings-{stack}-db-instance", "instanceClass"),
            value(result, "aws:mq/broker:Broker", f"postings-{stack}-broker-rabbitmq", "deploymentMode"),
            value(result, "aws:ecs/service:Service", f"postings-{stack}-api-service", "desiredCount"),
        )
    assert rows == {
        "dev": (1, 6, False, False, "db.t4g.micro", "SINGLE_INSTANCE", 1),
        "staging": (1, 9, False, False, "db.t4g.medium", "SINGLE_INSTANCE", 2),
        "prod": (3, 9, True, True, "db.r6g.large", "CLUSTER_MULTI_AZ", 3),
    }


@pytest.mark.parametrize("stack", STACKS)
def test_one_provider_pinned_to_the_account_tags_everything(stack: str) -> None:
    result = run(stack)
    providers = result.by_type("pulumi:providers:aws")
    # A resource or invoke without our provider would make the engine register a default one.
    assert [p.name for p in providers] == ["aws"]
    inputs = providers[0].inputs
    account = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333"}[stack]
    assert json.loads(inputs["allowedAccountIds"]) == [account]
    tags = json.loads(inputs["defaultTags"])["tags"]
    assert tags == {
        "Project": "postings",
        "Environment": stack,
        "Stack": stack,
        "ManagedBy": "pulumi",
        "Owner": "platform-team",
    }
    assert tuple(tags) == TAG_KEYS


@pytest.mark.parametrize("stack", STACKS)
def test_only_the_alb_is_open_to_the_internet_and_only_on_80_and_443(stack: str) -> None:
    result = run(stack)
    alb = result.one("aws:ec2/securityGroup:SecurityGroup", f"postings-{stack}-alb").id
    world = [
        r
        for r in result.by_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.inputs.get("cidrIpv4") == "0.0.0.0/0"
    ]
    assert sorted((r.inputs["securityGroupId"], r.inputs["fromPort"], r.inputs["toPort"]) for r in world) == [
        (alb, 80, 80),
        (alb, 443, 443),
    ]


@pytest.mark.parametrize("stack", STACKS)
def test_no_data_store_is_reachable_from_the_internet(stack: str) -> None:
    result = run(stack)
    groups = {
        r.name.removeprefix(f"postings-{stack}-"): r.id
        for r in result.by_type("aws:ec2/securityGroup:SecurityGroup")
    }
    data_group_ids = {groups[g] for g in DATA_GROUPS}
    for rule in result.by_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        if rule.inputs["securityGroupId"] in data_group_ids:
            assert "cidrIpv4" not in rule.inputs, f"{rule.name} opens a data store to a CIDR"
            source = rule.inputs["referencedSecurityGroupId"]
            assert source in {groups["api"], groups["worker"], groups["bastion"]}, rule.name
    assert (
        value(result, "aws:rds/instance:Instance", f"postings-{stack}-db-instance", "publiclyAccessible")
        is False
    )
    assert (
        value(result, "aws:mq/broker:Broker", f"postings-{stack}-broker-rabbitmq", "publiclyAccessible")
        is False
    )
    data_subnets = {
        r.id for r in result.by_type("aws:ec2/subnet:Subnet") if r.inputs["tags"]["Tier"] == "data"
    }
    placed = [
        *value(result, "aws:opensearch/domain:Domain", f"postings-{stack}-search-domain", "vpcOptions")[
            "subnetIds"
        ],
        *value(result, "aws:mq/broker:Broker", f"postings-{stack}-broker-rabbitmq", "subnetIds"),
        *value(result, "aws:rds/subnetGroup:SubnetGroup", f"postings-{stack}-db-subnets", "subnetIds"),
        *value(
            result, "aws:elasticache/subnetGroup:SubnetGroup", f"postings-{stack}-cache-subnets", "subnetIds"
        ),
    ]
    assert set(placed) <= data_subnets


def strings(value: Any) -> Iterator[str]:
    """Every string in a value, skipping what is marked secret (Pulumi encrypts those)."""
    if is_secret(value):
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@pytest.mark.parametrize("stack", STACKS)
def test_no_secret_value_in_plain_inputs_outputs_or_task_definitions(stack: str) -> None:
    result = run(stack)
    passwords = [r.state["result"] for r in result.by_type("random:index/randomPassword:RandomPassword")]
    assert len(passwords) == 2
    for registration in result.registrations:
        if registration.type == "random:index/randomPassword:RandomPassword":
            continue
        for text in strings(registration.inputs):
            for password in passwords:
                assert password not in text, f"{registration.name} holds a generated password in plain text"
    exported = json.dumps(reveal(result.outputs))
    assert not any(password in exported for password in passwords), "a stack output reveals a password"
    for task in result.by_type("aws:ecs/taskDefinition:TaskDefinition"):
        container = json.loads(task.inputs["containerDefinitions"])[0]
        names = {e["name"] for e in container["environment"]}
        assert not names & {"POSTINGS_DB_PASSWORD", "POSTINGS_REDIS_AUTH_TOKEN", "POSTINGS_AMQP_PASSWORD"}, (
            task.name
        )


def test_outputs_an_operator_needs() -> None:
    assert sorted(run("dev").outputs) == [
        "alarmNames",
        "alertsTopicArn",
        "apiSecurityGroupId",
        "apiServiceName",
        "appSubnetIds",
        "bastionInstanceId",
        "brokerEndpoint",
        "brokerName",
        "brokerSecretArn",
        "checksScheduleArn",
        "clusterName",
        "dashboardName",
        "databaseEndpoint",
        "databaseIdentifier",
        "databaseSecretArn",
        "ecrRepositoryUrl",
        "grafanaUrl",
        "grafanaWorkspaceId",
        "prometheusEndpoint",
        "prometheusWorkspaceId",
        "redisAuthSecretArn",
        "redisEndpoint",
        "searchDomainName",
        "searchEndpoint",
        "serviceUrl",
        "vpcId",
        "workerServiceName",
    ]


def test_invalid_config_fails_before_any_resource_is_declared() -> None:
    from infra.config import ConfigError
    from infra.rehearsal.engine import run_program
    from infra.rehearsal.recording import RecordingMocks
    from tests.infra.program import stack_config

    mocks = RecordingMocks()
    with pytest.raises(ProgramError) as caught:
        run_program(PROJECT, "prod", mocks, config=stack_config("prod", dbMultiAz="false"))
    assert isinstance(caught.value.__cause__, ConfigError)
    assert "postings:dbMultiAz = false: prod needs a Multi-AZ database" in str(caught.value.__cause__)
    assert mocks.calls == [], "the program reached AWS before validating its config"


def cli_config(stack: str) -> dict[str, str]:
    """PULUMI_CONFIG as the CLI builds it: project defaults merged under the stack's values, all strings."""
    merged: dict[str, str] = {}
    for key, declaration in project_declarations().items():
        if "default" in declaration:
            default = declaration["default"]
            merged[f"postings:{key}"] = default if isinstance(default, str) else json.dumps(default)
    stack_file = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    for key, raw in stack_file.items():
        if isinstance(raw, bool):
            merged[key] = str(raw).lower()
        elif isinstance(raw, dict | list):
            merged[key] = json.dumps(raw)
        else:
            merged[key] = str(raw)
    return merged


LANGUAGE_HOST = """
import asyncio, json, os, runpy, sys
# The CLI installs only requirements/deploy.txt: what the rehearsal and the tools use must not be needed.
for tool in ("boto3", "botocore", "moto", "regex", "docker", "fabric"):
    sys.modules[tool] = None
import pulumi, pulumi.runtime
from pulumi.runtime import mocks, settings


class EchoMocks(pulumi.runtime.Mocks):
    # Self-contained on purpose: nothing here may import the `infra` package before the program does.
    custom = 0

    def new_resource(self, args):
        EchoMocks.custom += bool(args.custom)
        state = dict(args.inputs, arn=f"arn:aws:x:eu-west-1:111111111111:{args.name}", name=args.name)
        state.update(address="db.local", primaryEndpointAddress="redis.local", endpoint="search.local",
                     repositoryUrl="1.dkr.ecr/x", dnsName="alb.local", arnSuffix="app/x/1",
                     masterUserSecrets=[{"secretArn": "arn:secret"}], result="p4ssw0rd",
                     instances=[{"endpoints": ["amqps://mq.local:5671"]}],
                     domainValidationOptions=[{"resourceRecordName": "_v.jobs.example.com",
                                               "resourceRecordType": "CNAME",
                                               "resourceRecordValue": "_v.acm-validations.aws"}])
        return f"{args.name}-id", state

    def call(self, args):
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {"names": ["eu-west-1a", "eu-west-1b", "eu-west-1c"]}, []
        return {"id": "ami-1"}, []


# What pulumi-language-python-exec does: config from PULUMI_CONFIG, chdir to --pwd, run_path(".").
pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), [])
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
mocks.set_mocks(EchoMocks(), project="postings", stack=sys.argv[2], preview=False)
settings.ROOT.set(None)
os.chdir(sys.argv[1])
assert "infra" not in sys.modules
loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(".", run_name="__main__")))
print(json.dumps({"custom": EchoMocks.custom, "cwd": os.getcwd(), "path0": sys.path[0],
                  "infra": sys.modules["infra"].__file__}))
"""


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_runs_exactly_as_the_python_language_host_runs_it(stack: str, tmp_path: Path) -> None:
    """Without site (so no .pth makes `infra` importable as an installed package), with only the
    dependencies on the path, cwd = infra/, program ".", config only through PULUMI_CONFIG as the
    CLI serialises it: the program must find its own package and declare everything."""
    driver = tmp_path / "driver.py"
    driver.write_text(LANGUAGE_HOST)
    completed = subprocess.run(
        [sys.executable, "-S", str(driver), str(ROOT / "infra"), stack],
        env={
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": sysconfig.get_paths()["purelib"],
            "PULUMI_CONFIG": json.dumps(cli_config(stack)),
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report == {
        "custom": sum(1 for r in run(stack).registrations if r.custom),
        "cwd": str(ROOT / "infra"),
        "path0": str(ROOT),
        "infra": str(ROOT / "infra" / "__init__.py"),
    }
