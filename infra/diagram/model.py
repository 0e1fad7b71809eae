"""The architecture a plan declares: VPCs, tiers, zones, what is placed in them, traffic and services."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

INTERNET_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
INTERNET_ID = "internet"
# The order tiers are drawn in when their `Tier` tag names them; any other tier follows, by name.
TIER_ORDER = ("public", "app", "private", "data")
# Resources that configure another (a role's policies, a load balancer's listeners) and belong with it,
# so that what they reach is reached by their owner: type token -> the input naming the owner.
ATTACHMENTS: Mapping[str, str] = {
    "aws:iam/rolePolicy:RolePolicy": "role",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
    "aws:lb/listener:Listener": "loadBalancerArn",
    "aws:lb/listenerRule:ListenerRule": "listenerArn",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "resourceArn",
}
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
VPC = "aws:ec2/vpc:Vpc"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
# What a VPC is made of besides its subnets: a change to one is a change to the VPC's box.
VPC_PARTS = frozenset(
    {
        ROUTE_TABLE,
        ROUTE_TABLE_ASSOCIATION,
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
        "aws:ec2/flowLog:FlowLog",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws:ec2/defaultRouteTable:DefaultRouteTable",
        "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
        "aws:ec2/networkAcl:NetworkAcl",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation",
    }
)
# Plumbing a walk from one element must not cross: it is shared by every element, not used by one.
_NETWORK = frozenset({SUBNET, VPC, SECURITY_GROUP, INGRESS_RULE, EGRESS_RULE, LEGACY_RULE})


@dataclass(frozen=True)
class Kind:
    """How one AWS type appears on the diagram."""

    title: str
    """What it is, in a few words (the label's first line)."""
    shape: str
    """`box`, `store` (a cylinder), `hexagon` or `round`."""
    icon: str
    """The `diagrams` node class, `module.Class` under `diagrams.`."""
    name_inputs: tuple[str, ...] = ()
    """Inputs that hold its physical name, first found wins; else the logical name."""
    needs_network: bool = False
    """Drawn only when placed in subnets (a schedule without a network configuration runs no task
    in the VPC); others without subnets are drawn outside any VPC."""


# Elements placed in a VPC, by the type token that declares them.
PLACED: Mapping[str, Kind] = {
    "aws:lb/loadBalancer:LoadBalancer": Kind(
        "load balancer", "box", "aws.network.ElbApplicationLoadBalancer"
    ),
    "aws:ecs/service:Service": Kind("ECS service", "box", "aws.compute.Fargate", ("name",)),
    "aws:ec2/instance:Instance": Kind("EC2 instance", "box", "aws.compute.EC2"),
    "aws:lambda/function:Function": Kind("Lambda function", "box", "aws.compute.Lambda", ("name",)),
    "aws:scheduler/schedule:Schedule": Kind(
        "scheduled ECS task", "box", "aws.integration.EventbridgeScheduler", ("name",), needs_network=True
    ),
    "aws:rds/instance:Instance": Kind("RDS", "store", "aws.database.RDS", ("identifier",)),
    "aws:rds/cluster:Cluster": Kind("RDS cluster", "store", "aws.database.Aurora", ("clusterIdentifier",)),
    "aws:elasticache/replicationGroup:ReplicationGroup": Kind(
        "ElastiCache", "store", "aws.database.ElasticacheForRedis", ("replicationGroupId",)
    ),
    "aws:elasticache/cluster:Cluster": Kind(
        "ElastiCache", "store", "aws.database.Elasticache", ("clusterId",)
    ),
    "aws:mq/broker:Broker": Kind("Amazon MQ", "store", "aws.integration.MQ", ("brokerName",)),
    "aws:opensearch/domain:Domain": Kind(
        "OpenSearch", "store", "aws.analytics.AmazonOpensearchService", ("domainName",)
    ),
    "aws:efs/fileSystem:FileSystem": Kind("EFS", "store", "aws.storage.ElasticFileSystemEFS"),
    "aws:ec2/natGateway:NatGateway": Kind("NAT gateway", "box", "aws.network.NATGateway"),
}
WAF_KIND = Kind("WAF web ACL", "hexagon", "aws.security.WAF", ("name",))
INTERNET_KIND = Kind("Internet", "round", "onprem.network.Internet")
NETWORK_KIND = Kind("network", "round", "aws.general.Users")
# How an outside service's resources are named: by their `name` input, their Name tag, or logically.
NAMED = Kind("", "", "", ("name",))


@dataclass(frozen=True)
class Service:
    """An AWS service reached outside the VPC, and what one of its resources is called."""

    title: str
    noun: str
    icon: str


# AWS services outside any VPC, by the type token of the resource the program declares in them.
SERVICES: Mapping[str, Service] = {
    "aws:ecr/repository:Repository": Service("ECR", "repositories", "aws.compute.EC2ContainerRegistry"),
    "aws:secretsmanager/secret:Secret": Service("Secrets Manager", "secrets", "aws.security.SecretsManager"),
    "aws:cloudwatch/logGroup:LogGroup": Service(
        "CloudWatch Logs", "log groups", "aws.management.CloudwatchLogs"
    ),
    "aws:amp/workspace:Workspace": Service(
        "Managed Prometheus", "workspaces", "aws.management.AmazonManagedPrometheus"
    ),
    "aws:grafana/workspace:Workspace": Service(
        "Managed Grafana", "workspaces", "aws.management.AmazonManagedGrafana"
    ),
    "aws:s3/bucket:Bucket": Service("S3", "buckets", "aws.storage.SimpleStorageServiceS3"),
    "aws:s3/bucketV2:BucketV2": Service("S3", "buckets", "aws.storage.SimpleStorageServiceS3"),
    "aws:sns/topic:Topic": Service("SNS", "topics", "aws.integration.SimpleNotificationServiceSns"),
    "aws:sqs/queue:Queue": Service("SQS", "queues", "aws.integration.SimpleQueueServiceSqs"),
    "aws:kms/key:Key": Service("KMS", "keys", "aws.security.KeyManagementService"),
    "aws:dynamodb/table:Table": Service("DynamoDB", "tables", "aws.database.Dynamodb"),
    "aws:ssm/parameter:Parameter": Service(
        "SSM Parameter Store", "parameters", "aws.management.SystemsManagerParameterStore"
    ),
    "aws:kinesis/stream:Stream": Service("Kinesis", "streams", "aws.analytics.KinesisDataStreams"),
}


@dataclass(frozen=True)
class Node:
    """One box on the diagram."""

    id: str
    """Stable across runs and plans: from the type and the logical name, never from an order."""
    lines: tuple[str, ...]
    kind: Kind
    urns: tuple[str, ...] = ()
    """The resources it stands for: the element's own first, then what belongs to it."""
    vpc: str | None = None
    """The id of the VPC it is placed in; None outside any VPC."""
    tier: str | None = None
    """The subnet tier it is placed in; None when it spans tiers."""
    zone: str | None = None
    """The availability zone, when it is placed in exactly one."""
    outside: bool = False
    """An AWS service outside the VPC (drawn in the region's box)."""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    """Ports (`80, 443`, `1024-65535`, `53/udp`, `all traffic`); empty when AWS delivers it."""
    traffic: bool
    """Allowed by security-group rules (solid); otherwise a reference, e.g. logs delivered (dotted)."""
    urns: tuple[str, ...] = ()
    """The rules (or references) it comes from."""


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    zones: tuple[tuple[str, str], ...]
    """(availability zone, CIDR) of each of its subnets, by zone."""
    urns: tuple[str, ...]


@dataclass(frozen=True)
class Vpc:
    id: str
    name: str
    cidr: str
    urn: str
    tiers: tuple[Tier, ...]
    parts: tuple[str, ...] = ()
    """URNs of its route tables, gateways, flow logs and the like (VPC_PARTS)."""


@dataclass(frozen=True)
class Architecture:
    stack: str
    region: str
    vpcs: tuple[Vpc, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    unplaced: tuple[str, ...] = field(default=())
    """URNs of custom resources no node stands for (alarms, dashboards, DNS records, ...)."""

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


def identifier(*parts: str) -> str:
    """A Mermaid- and Graphviz-safe id: letters, digits and underscores."""
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9]", "_", "_".join(parts))).strip("_")


class References:
    """Which resources a value refers to: `${<urn>.<property>}`, also inside JSON strings."""

    def __init__(self, urns: Iterable[str]) -> None:
        ordered = sorted(set(urns), key=lambda u: (-len(u), u))
        self._pattern = (
            re.compile(r"\$\{(" + "|".join(re.escape(u) for u in ordered) + r")\.") if ordered else None
        )

    def of(self, value: Any) -> set[str]:
        found: set[str] = set()
        for text in _strings(value):
            if self._pattern is not None and "${" in text:
                found.update(m.group(1) for m in self._pattern.finditer(text))
        return found

    def first(self, value: Any) -> str | None:
        """The one resource a single-reference value (`${urn.id}`) names, or None."""
        found = self.of(value)
        return next(iter(found)) if len(found) == 1 else None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


@dataclass(frozen=True)
class _Subnet:
    urn: str
    vpc: str | None
    tier: str
    zone: str
    cidr: str
    via_nat: bool
    """Its default route goes through a NAT gateway."""


@dataclass(frozen=True)
class _Rule:
    """One security-group rule, as a flow: from `source` to `target` (each a group URN or a CIDR)."""

    urn: str
    source: str
    target: str
    port: str
    ingress: bool


def _zone(subnet: Mapping[str, Any], region: str) -> str:
    """The subnet's availability zone. A plan may hold it as a reference (the plan writes a value that
    another resource returned as a reference to that resource); then the zone named in the subnet's
    name (`<region><letter>`, AWS's naming of zones) is used, else the reference itself."""
    inputs = subnet["inputs"]
    zone = str(inputs.get("availabilityZone") or inputs.get("availabilityZoneId") or "")
    if zone and "${" not in zone:
        return zone
    if region:
        named = re.search(rf"{re.escape(region)}[a-z]\b", subnet["name"])
        if named:
            return named.group(0)
    return zone or "unknown zone"


def _ports(protocol: Any, from_port: Any, to_port: Any) -> str:
    proto = str(protocol).lower()
    if proto in ("-1", "all"):
        return "all traffic"
    if proto in ("1", "icmp", "58", "icmpv6"):
        return "icmp"
    low, high = from_port, to_port if to_port is not None else from_port
    span = str(low) if low == high else f"{low}-{high}"
    return span if proto in ("tcp", "6") else f"{span}/{proto}"


def _port_key(port: str) -> tuple[int, str]:
    digits = re.match(r"\d+", port)
    return (int(digits.group(0)) if digits else 1 << 17, port)


def _join_ports(ports: Iterable[str]) -> str:
    return ", ".join(sorted(set(ports), key=_port_key))


class _Plan:
    """A plan's resources, indexed for the questions a diagram asks."""

    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.resources: dict[str, Mapping[str, Any]] = {
            r["urn"]: r for r in plan.get("resources", []) if r.get("custom", True)
        }
        self.refs = References(self.resources)
        self.region = str(plan.get("config", {}).get("aws:region", ""))
        self.outgoing = {urn: self.refs.of(r.get("inputs", {})) - {urn} for urn, r in self.resources.items()}
        self.attached: dict[str, set[str]] = defaultdict(set)
        for urn, r in self.resources.items():
            owner = self.refs.first(r.get("inputs", {}).get(ATTACHMENTS.get(r["type"], "")))
            if owner is not None:
                self.attached[owner].add(urn)

    def of_type(self, *tokens: str) -> list[Mapping[str, Any]]:
        return [r for urn, r in sorted(self.resources.items()) if r["type"] in tokens]

    def type_of(self, urn: str) -> str:
        return str(self.resources[urn]["type"])


def _subnets(plan: _Plan) -> dict[str, _Subnet]:
    public_tables = {
        rt["urn"]
        for rt in plan.of_type(ROUTE_TABLE)
        if any(
            str(route.get("cidrBlock")) in INTERNET_CIDRS
            and "internetGateway" in str(route.get("gatewayId", ""))
            for route in rt["inputs"].get("routes") or []
        )
    }
    nat_tables = {
        rt["urn"]
        for rt in plan.of_type(ROUTE_TABLE)
        if any(
            str(route.get("cidrBlock")) in INTERNET_CIDRS and route.get("natGatewayId")
            for route in rt["inputs"].get("routes") or []
        )
    }
    table_of = {
        plan.refs.first(a["inputs"].get("subnetId")): plan.refs.first(a["inputs"].get("routeTableId"))
        for a in plan.of_type(ROUTE_TABLE_ASSOCIATION)
    }
    public_subnets = {subnet for subnet, table in table_of.items() if table in public_tables}
    subnets = {}
    for s in plan.of_type(SUBNET):
        inputs = s["inputs"]
        tags = inputs.get("tags") or {}
        tier = tags.get("Tier") if isinstance(tags, Mapping) else None
        if not isinstance(tier, str) or not tier:
            tier = "public" if s["urn"] in public_subnets else "private"
        subnets[s["urn"]] = _Subnet(
            s["urn"],
            plan.refs.first(inputs.get("vpcId")),
            tier,
            _zone(s, plan.region),
            str(inputs.get("cidrBlock", "")),
            table_of.get(s["urn"]) in nat_tables,
        )
    return subnets


def _rules(plan: _Plan) -> list[_Rule]:
    """Every security-group rule of the plan, in its four declaration styles, as flows."""
    rules: list[_Rule] = []

    def peers(entry: Mapping[str, Any], *group_keys: str) -> list[str]:
        found = []
        for key in group_keys:
            for value in entry.get(key) or [] if key.endswith("s") else [entry.get(key)]:
                urn = plan.refs.first(value)
                if urn is not None and plan.type_of(urn) == SECURITY_GROUP:
                    found.append(urn)
        for key in ("cidrIpv4", "cidrIpv6", "cidrBlocks", "ipv6CidrBlocks", "prefixListId", "prefixListIds"):
            value = entry.get(key)
            found.extend(str(v) for v in (value if isinstance(value, list) else [value]) if v)
        return found

    def add(urn: str, group: str, entry: Mapping[str, Any], ingress: bool, others: list[str]) -> None:
        port = _ports(
            entry.get("ipProtocol", entry.get("protocol", "tcp")), entry.get("fromPort"), entry.get("toPort")
        )
        if entry.get("self"):
            others = [*others, group]
        for other in others:
            source, target = (other, group) if ingress else (group, other)
            rules.append(_Rule(urn, source, target, port, ingress))

    for r in plan.of_type(INGRESS_RULE, EGRESS_RULE):
        group = plan.refs.first(r["inputs"].get("securityGroupId"))
        if group is not None:
            others = peers(r["inputs"], "referencedSecurityGroupId")
            add(r["urn"], group, r["inputs"], r["type"] == INGRESS_RULE, others)
    for r in plan.of_type(LEGACY_RULE):
        group = plan.refs.first(r["inputs"].get("securityGroupId"))
        if group is not None:
            others = peers(r["inputs"], "sourceSecurityGroupId")
            add(r["urn"], group, r["inputs"], r["inputs"].get("type") == "ingress", others)
    for r in plan.of_type(SECURITY_GROUP):
        for direction in ("ingress", "egress"):
            for entry in r["inputs"].get(direction) or []:
                add(r["urn"], r["urn"], entry, direction == "ingress", peers(entry, "securityGroups"))
    return rules


def _name(resource: Mapping[str, Any], kind: Kind) -> str:
    for key in kind.name_inputs:
        value = resource["inputs"].get(key)
        if isinstance(value, str) and value and "${" not in value:
            return value
    tags = resource["inputs"].get("tags")
    tagged = tags.get("Name") if isinstance(tags, Mapping) else None
    return tagged if isinstance(tagged, str) and tagged and "${" not in tagged else str(resource["name"])


ENGINES = {
    "mysql": "MySQL",
    "mariadb": "MariaDB",
    "postgres": "PostgreSQL",
    "aurora-mysql": "Aurora MySQL",
    "aurora-postgresql": "Aurora PostgreSQL",
    "redis": "Redis",
    "valkey": "Valkey",
    "memcached": "Memcached",
}
BROKER_MODES = {
    "SINGLE_INSTANCE": "single instance",
    "ACTIVE_STANDBY_MULTI_AZ": "active/standby, Multi-AZ",
    "CLUSTER_MULTI_AZ": "cluster, Multi-AZ",
}


def _count(number: Any, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _engine(engine: Any) -> str:
    return ENGINES.get(str(engine), str(engine or ""))


def _details(resource: Mapping[str, Any]) -> str:
    """What sets this element apart, in a few words (engine, size, mode)."""
    inputs = resource["inputs"]
    token = resource["type"]
    if token == "aws:lb/loadBalancer:LoadBalancer":
        kind = {"network": "NLB", "gateway": "GWLB"}.get(str(inputs.get("loadBalancerType")), "ALB")
        return f"{kind}, {'internal' if inputs.get('internal') else 'internet-facing'}"
    if token == "aws:ecs/service:Service":
        return str(inputs.get("launchType") or "ECS").title().replace("Ec2", "EC2") + " service"
    if token == "aws:ec2/instance:Instance":
        return f"EC2 {inputs.get('instanceType', '')}".strip()
    if token in ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster"):
        engine = f"RDS {_engine(inputs.get('engine'))} {inputs.get('engineVersion', '')}".strip()
        return engine + (", Multi-AZ" if inputs.get("multiAz") else "")
    if token == "aws:elasticache/replicationGroup:ReplicationGroup":
        nodes = inputs.get("numCacheClusters")
        engine = f"ElastiCache {_engine(inputs.get('engine', 'redis'))} {inputs.get('engineVersion', '')}"
        return engine.strip() + (f", {_count(nodes, 'node')}" if nodes else "")
    if token == "aws:mq/broker:Broker":
        mode = BROKER_MODES.get(str(inputs.get("deploymentMode", "SINGLE_INSTANCE")), "")
        return f"Amazon MQ {inputs.get('engineType', '')}" + (f", {mode}" if mode else "")
    if token == "aws:opensearch/domain:Domain":
        count = (inputs.get("clusterConfig") or {}).get("instanceCount")
        return "OpenSearch" + (f", {_count(count, 'node')}" if count else "")
    if token == "aws:scheduler/schedule:Schedule":
        return f"ECS task, {inputs.get('scheduleExpression', 'scheduled')}"
    return PLACED[token].title if token in PLACED else token


class _Builder:
    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.plan = _Plan(plan)
        self.stack = str(plan.get("stack", ""))
        self.subnets = _subnets(self.plan)
        self.subnet_holders = self._subnet_holders()
        self.ids: dict[str, str] = {}
        self.placed: dict[str, set[_Subnet]] = {}

    def _subnet_holders(self) -> dict[str, set[str]]:
        """Resources that stand for a set of subnets (RDS and ElastiCache subnet groups) -> the subnets."""
        holders = {}
        for urn, targets in self.plan.outgoing.items():
            subnets = {t for t in targets if t in self.subnets}
            if subnets and self.plan.type_of(urn) not in PLACED and self.plan.type_of(urn) != SUBNET:
                holders[urn] = subnets
        return holders

    def node_id(self, urn: str, prefix: str) -> str:
        if urn not in self.ids:
            candidate = identifier(prefix, self.plan.resources[urn]["name"])
            if candidate in self.ids.values():
                candidate += "_" + hashlib.sha256(urn.encode()).hexdigest()[:6]
            self.ids[urn] = candidate
        return self.ids[urn]

    def placement(self, urn: str) -> set[str]:
        subnets: set[str] = set()
        for target in self.plan.outgoing[urn]:
            if target in self.subnets:
                subnets.add(target)
            elif target in self.subnet_holders and self.plan.type_of(target) not in ROUTE_LIKE:
                subnets |= self.subnet_holders[target]
        return subnets

    def groups(self, urn: str) -> set[str]:
        return {t for t in self.plan.outgoing[urn] if self.plan.type_of(t) == SECURITY_GROUP}

    def owned(self, urn: str, elements: set[str]) -> tuple[list[str], set[str]]:
        """What belongs to the element `urn` (walking its references and what attaches to them, up to
        other elements, network plumbing and outside services), and the outside resources it reaches."""
        owned, reached = [urn], set()
        frontier = [urn]
        seen = {urn}
        while frontier:
            current = frontier.pop()
            following = self.plan.outgoing[current] | self.plan.attached.get(current, set())
            for target in sorted(following - seen):
                seen.add(target)
                token = self.plan.type_of(target)
                if token in SERVICES:
                    reached.add(target)
                elif target in elements or token in _NETWORK or target in self.subnet_holders:
                    continue
                else:
                    owned.append(target)
                    frontier.append(target)
        return owned, reached

    def build(self) -> Architecture:
        plan = self.plan
        vpcs = self._vpcs()
        elements = {r["urn"] for r in plan.of_type(*PLACED, WEB_ACL)}
        members: dict[str, set[str]] = defaultdict(set)  # security group -> node ids
        nodes: dict[str, Node] = {}
        reaches: dict[str, set[str]] = {}
        prefix = {token: identifier(token.split(":")[1].split("/")[-1]) for token in PLACED}
        for resource in plan.of_type(*PLACED):
            urn, kind = resource["urn"], PLACED[resource["type"]]
            subnets = {self.subnets[s] for s in self.placement(urn)}
            if kind.needs_network and not subnets:
                continue
            node_id = self.node_id(urn, prefix[resource["type"]])
            owned, reached = self.owned(urn, elements)
            holders = {t for t in self.plan.outgoing[urn] if t in self.subnet_holders}
            owned += sorted((self.groups(urn) | holders) - set(owned))
            vpc_ids = {s.vpc for s in subnets}
            tiers = {s.tier for s in subnets}
            zones = {s.zone for s in subnets}
            vpc_urn = next(iter(vpc_ids)) if len(vpc_ids) == 1 else None
            in_vpc = vpc_urn is not None
            nodes[node_id] = Node(
                node_id,
                (_name(resource, kind), _details(resource)),
                kind,
                tuple(owned),
                vpc=self.node_id(vpc_urn, "vpc") if vpc_urn is not None else None,
                tier=next(iter(tiers)) if in_vpc and len(tiers) == 1 else None,
                zone=next(iter(zones)) if in_vpc and len(tiers) == 1 and len(zones) == 1 else None,
            )
            reaches[node_id] = reached
            self.placed[node_id] = subnets
            for group in self.groups(urn):
                members[group].add(node_id)
        firewalls = self._firewalls(elements, nodes, reaches)
        edges = self._traffic(members, firewalls, nodes)
        edges += self._outside(reaches, members, nodes)
        drawn = {u for n in nodes.values() for u in n.urns} | {u for e in edges for u in e.urns}
        drawn |= {u for v in vpcs for u in (v.urn, *v.parts, *(u for t in v.tiers for u in t.urns))}
        unplaced = tuple(sorted(set(plan.resources) - drawn))
        return Architecture(
            self.stack,
            plan.region,
            tuple(vpcs),
            tuple(sorted(nodes.values(), key=lambda n: n.id)),
            tuple(sorted(edges, key=lambda e: (e.source, e.target))),
            unplaced,
        )

    def _vpcs(self) -> list[Vpc]:
        vpcs = []
        for resource in self.plan.of_type(VPC):
            urn = resource["urn"]
            vpc_id = self.node_id(urn, "vpc")
            by_tier: dict[str, list[_Subnet]] = defaultdict(list)
            for subnet in self.subnets.values():
                if subnet.vpc == urn:
                    by_tier[subnet.tier].append(subnet)
            tiers = tuple(
                Tier(
                    identifier(vpc_id, "tier", tier),
                    tier,
                    tuple(sorted((s.zone, s.cidr) for s in subnets)),
                    tuple(sorted(s.urn for s in subnets)),
                )
                for tier, subnets in sorted(by_tier.items(), key=lambda item: tier_order(item[0]))
            )
            subnets = {s.urn for s in self.subnets.values() if s.vpc == urn}
            parts = tuple(
                sorted(
                    part
                    for part, targets in self.plan.outgoing.items()
                    if self.plan.type_of(part) in VPC_PARTS and (urn in targets or targets & subnets)
                )
            )
            name = _name(resource, Kind("VPC", "", ""))
            cidr = str(resource["inputs"].get("cidrBlock", ""))
            vpcs.append(Vpc(vpc_id, name, cidr, urn, tiers, parts))
        return vpcs

    def _firewalls(
        self, elements: set[str], nodes: dict[str, Node], reaches: dict[str, set[str]]
    ) -> dict[str, str]:
        """WAF web ACLs as nodes, and each protected load balancer's node id -> its firewall's node id."""
        protected: dict[str, str] = {}
        for association in self.plan.of_type(WEB_ACL_ASSOCIATION):
            inputs = association["inputs"]
            acl = self.plan.refs.first(inputs.get("webAclArn"))
            target = self.plan.refs.first(inputs.get("resourceArn"))
            if acl is None or target is None or target not in self.ids:
                continue
            acl_id = self.node_id(acl, "waf")
            if acl_id not in nodes:
                owned, reached = self.owned(acl, elements)
                nodes[acl_id] = Node(
                    acl_id,
                    (_name(self.plan.resources[acl], WAF_KIND), "WAF web ACL"),
                    WAF_KIND,
                    (*owned, association["urn"]),
                )
                reaches[acl_id] = reached
            else:
                node = nodes[acl_id]
                nodes[acl_id] = Node(node.id, node.lines, node.kind, (*node.urns, association["urn"]))
            protected[self.ids[target]] = acl_id
        return protected

    def _traffic(
        self, members: Mapping[str, set[str]], firewalls: Mapping[str, str], nodes: dict[str, Node]
    ) -> list[Edge]:
        """Edges the ingress rules allow (the receiving group decides), merged per pair of nodes; an
        egress rule between two groups adds itself to the edge its ingress rule drew."""
        flows: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
        rules = _rules(self.plan)
        for rule in rules:
            if not rule.ingress:
                continue
            targets = members.get(rule.target, set())
            if rule.source in self.plan.resources:
                sources = members.get(rule.source, set())
            else:
                sources = {self._external(rule.source, nodes)}
            for source in sources:
                for target in targets:
                    if source == target:
                        continue
                    if source == INTERNET_ID and target in firewalls:
                        hops = [(source, firewalls[target]), (firewalls[target], target)]
                    else:
                        hops = [(source, target)]
                    for pair in hops:
                        flows[pair][0].add(rule.port)
                        flows[pair][1].add(rule.urn)
        for rule in rules:
            if not rule.ingress and rule.target in self.plan.resources:
                for source in members.get(rule.source, set()):
                    for target in members.get(rule.target, set()):
                        if (source, target) in flows:
                            flows[source, target][1].add(rule.urn)
        return [
            Edge(source, target, _join_ports(ports), True, tuple(sorted(urns)))
            for (source, target), (ports, urns) in flows.items()
        ]

    def _external(self, cidr: str, nodes: dict[str, Node]) -> str:
        if cidr in INTERNET_CIDRS:
            node = Node(INTERNET_ID, ("Internet",), INTERNET_KIND)
        else:
            node = Node(identifier("cidr", cidr), (cidr,), NETWORK_KIND)
        nodes.setdefault(node.id, node)
        return node.id

    def _outside(
        self, reaches: Mapping[str, set[str]], members: Mapping[str, set[str]], nodes: dict[str, Node]
    ) -> list[Edge]:
        """Edges to the AWS services each element reaches, labelled with the ports its groups let out to
        the internet (through a NAT gateway or the internet gateway): there is no endpoint in the VPC."""
        egress: dict[str, set[str]] = defaultdict(set)
        egress_urns: dict[str, set[str]] = defaultdict(set)
        for rule in _rules(self.plan):
            if not rule.ingress and rule.target in INTERNET_CIDRS:
                for node_id in members.get(rule.source, set()):
                    egress[node_id].add(rule.port)
                    egress_urns[node_id].add(rule.urn)
        by_service: dict[str, set[str]] = defaultdict(set)
        for urns in reaches.values():
            for urn in urns:
                by_service[SERVICES[self.plan.type_of(urn)].title].add(urn)
        for title, urns in by_service.items():
            service = next(SERVICES[self.plan.type_of(u)] for u in sorted(urns))
            names = sorted(_name(self.plan.resources[u], NAMED) for u in urns)
            detail = names[0] if len(names) == 1 else f"{len(names)} {service.noun}"
            node_id = identifier("aws", title)
            owned = tuple(sorted(urns) + sorted(a for u in urns for a in self.plan.attached.get(u, ())))
            nodes[node_id] = Node(
                node_id, (title, detail), Kind(title, "round", service.icon), owned, outside=True
            )
        edges = []
        for node_id, urns in reaches.items():
            ports = _join_ports(egress.get(node_id, ()))
            subnets = self.placed.get(node_id, set())
            if ports and subnets and all(s.via_nat for s in subnets):
                ports += " via NAT"
            targets = {identifier("aws", SERVICES[self.plan.type_of(u)].title) for u in urns}
            for target in targets:
                edges.append(Edge(node_id, target, ports, bool(ports), tuple(sorted(egress_urns[node_id]))))
            if ports and not targets:
                self._external("0.0.0.0/0", nodes)
                edges.append(Edge(node_id, INTERNET_ID, ports, True, tuple(sorted(egress_urns[node_id]))))
        return edges


ROUTE_LIKE = frozenset({ROUTE_TABLE_ASSOCIATION, "aws:ec2/networkAclAssociation:NetworkAclAssociation"})


def tier_order(tier: str) -> tuple[int, str]:
    return (TIER_ORDER.index(tier) if tier in TIER_ORDER else len(TIER_ORDER), tier)


def architecture(plan: Mapping[str, Any]) -> Architecture:
    """The architecture a plan (`infra rehearse --json`) declares. Pure: the same plan gives the same
    architecture, ids included."""
    return _Builder(plan).build()
