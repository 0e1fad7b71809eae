"""Recording mocks: echo inputs, add the computed outputs the AWS provider would return; no AWS at all."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pulumi.runtime

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "eu-west-1"

# Types whose `id` AWS prefixes, as in `vpc-0abc...`.
ID_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/instance:Instance": "i",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
}


def stable_hex(*parts: str, length: int = 17) -> str:
    """A deterministic hex string: the same inputs give the same fake id on every run and machine."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def aws_service(type_token: str) -> str:
    """`aws:ec2/vpc:Vpc` -> `ec2`."""
    return type_token.split(":")[1].split("/")[0]


class RecordingMocks(pulumi.runtime.Mocks):
    """Returns plausible provider state for every resource and answers the invokes the program makes.

    Values are derived from the resource's name, so runs are deterministic. Nothing is validated:
    that is what the emulated account (moto) is for.
    """

    def __init__(self, *, region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self.region = region
        self.account_id = account_id
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:
            return None, {}
        state = dict(args.inputs)
        token = args.typ
        suffix = stable_hex(token, args.name)
        prefix = ID_PREFIXES.get(token)
        resource_id = f"{prefix}-{suffix}" if prefix else f"{args.name}-{suffix[:7]}"
        if token.startswith("aws:"):
            state.setdefault("name", f"{args.name}-{suffix[:7]}")
            state.setdefault(
                "arn", self.arn(aws_service(token), f"{token.rsplit(':', 1)[-1].lower()}/{resource_id}")
            )
        extra = _COMPUTED.get(token)
        if extra is not None:
            state.update(extra(self, args.name, state))
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        self.calls.append((args.token, dict(args.args)))
        answer = _INVOKES.get(args.token)
        if answer is None:
            return {}, []
        return answer(self, dict(args.args)), []


Computed = Callable[[RecordingMocks, str, dict[str, Any]], dict[str, Any]]


def _host(mocks: RecordingMocks, name: str, service: str) -> str:
    return f"{name}.{stable_hex(name, length=12)}.{mocks.region}.{service}.amazonaws.com"


_COMPUTED: dict[str, Computed] = {
    "aws:lb/loadBalancer:LoadBalancer": lambda m, n, s: {
        "dnsName": f"{s['name']}-{stable_hex(n, length=10)}.{m.region}.elb.amazonaws.com",
        "arnSuffix": f"app/{s['name']}/{stable_hex(n, length=16)}",
        "zoneId": "Z32O12XQLNTSW2",
    },
    "aws:lb/targetGroup:TargetGroup": lambda m, n, s: {
        "arnSuffix": f"targetgroup/{s['name']}/{stable_hex(n, length=16)}",
    },
    "aws:rds/instance:Instance": lambda m, n, s: {
        "address": _host(m, s.get("identifier", n), "rds"),
        "endpoint": f"{_host(m, s.get('identifier', n), 'rds')}:{s.get('port', 3306)}",
        "port": s.get("port", 3306),
        "masterUserSecrets": [
            {
                "secretArn": m.arn("secretsmanager", f"secret:rds!db-{stable_hex(n, length=8)}"),
                "secretStatus": "active",
                "kmsKeyId": m.arn("kms", "key/aws-rds"),
            }
        ],
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": lambda m, n, s: {
        "primaryEndpointAddress": f"master.{_host(m, s.get('replicationGroupId', n), 'cache')}",
        "readerEndpointAddress": f"replica.{_host(m, s.get('replicationGroupId', n), 'cache')}",
        "port": s.get("port", 6379),
    },
    "aws:mq/broker:Broker": lambda m, n, s: {
        "instances": [
            {
                "consoleUrl": f"https://{_host(m, n, 'mq')}",
                "endpoints": [f"amqps://{_host(m, n, 'mq')}:5671"],
                "ipAddress": "",
            }
        ],
    },
    "aws:opensearch/domain:Domain": lambda m, n, s: {
        "endpoint": f"vpc-{s.get('domainName', n)}-{stable_hex(n, length=26)}.{m.region}.es.amazonaws.com",
        "domainId": f"{m.account_id}/{s.get('domainName', n)}",
    },
    "aws:ecr/repository:Repository": lambda m, n, s: {
        "repositoryUrl": f"{m.account_id}.dkr.ecr.{m.region}.amazonaws.com/{s['name']}",
        "registryId": m.account_id,
    },
    "aws:acm/certificate:Certificate": lambda m, n, s: {
        "domainValidationOptions": [
            {
                "domainName": s.get("domainName", ""),
                "resourceRecordName": f"_{stable_hex(n, length=32)}.{s.get('domainName', '')}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{stable_hex(n, 'v', length=32)}.acm-validations.aws.",
            }
        ],
    },
    "aws:ec2/instance:Instance": lambda m, n, s: {
        "privateIp": "10.0.0.10",
        "privateDns": f"ip-10-0-0-10.{m.region}.compute.internal",
    },
    "random:index/randomPassword:RandomPassword": lambda m, n, s: {
        "result": f"mock-secret-{stable_hex(n, length=24)}",
    },
}

Invoke = Callable[[RecordingMocks, dict[str, Any]], dict[str, Any]]

_INVOKES: dict[str, Invoke] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": lambda m, a: {
        "names": [f"{m.region}{z}" for z in "abc"],
        "zoneIds": [f"euw1-az{i}" for i in (1, 2, 3)],
        "id": m.region,
    },
    "aws:index/getCallerIdentity:getCallerIdentity": lambda m, a: {
        "accountId": m.account_id,
        "arn": f"arn:aws:iam::{m.account_id}:user/rehearsal",
        "userId": "AIDAREHEARSAL",
        "id": m.account_id,
    },
    "aws:index/getRegion:getRegion": lambda m, a: {"name": m.region, "region": m.region, "id": m.region},
    "aws:index/getPartition:getPartition": lambda m, a: {
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "id": "aws",
    },
    "aws:ec2/getAmi:getAmi": lambda m, a: {
        "id": f"ami-{stable_hex(*(str(v) for v in a.values()))}",
        "architecture": "arm64",
        "name": "al2023-ami-rehearsal-arm64",
    },
}
