"""Readers shared by the rules: ingress permissions, policy statements, container definitions."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from infra.policies.model import Resource, as_list, as_mapping

INTERNET_CIDRS = ("0.0.0.0/0", "::/0")
ALL_PROTOCOLS = ("-1", "all")

SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
INGRESS_TYPES = (SG, SG_RULE, SG_INGRESS)
LB_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENER_TYPES = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")


@dataclass(frozen=True)
class Ingress:
    """One ingress permission, whatever resource declared it."""

    cidrs: tuple[str, ...]
    protocol: str
    from_port: int
    to_port: int
    source_group_declared: bool

    @property
    def all_ports(self) -> bool:
        return self.protocol in ALL_PROTOCOLS or (self.from_port <= 0 and self.to_port >= 65535)

    def covers(self, port: int) -> bool:
        return self.all_ports or self.from_port <= port <= self.to_port

    @property
    def open_to_internet(self) -> bool:
        return any(c in INTERNET_CIDRS for c in self.cidrs)

    @property
    def public_cidrs(self) -> list[str]:
        """Sources outside private address space (the internet, or a part of it)."""
        return [c for c in self.cidrs if not is_private(c)]

    def describe(self) -> str:
        ports = (
            "all ports"
            if self.all_ports
            else (
                f"port {self.from_port}"
                if self.from_port == self.to_port
                else f"ports {self.from_port}-{self.to_port}"
            )
        )
        return f"{ports} from {', '.join(self.cidrs)}"


# Address space only reachable from inside a network: RFC 1918, carrier-grade NAT, IPv6 unique local.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


def is_private(cidr: str) -> bool:
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return any(
        network.version == private.version and network.subnet_of(private)  # type: ignore[arg-type]
        for private in PRIVATE_NETWORKS
    )


def _port(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in as_list(value) if v)


def _from_block(block: Mapping[str, Any]) -> Ingress:
    return Ingress(
        cidrs=_strings(block.get("cidrBlocks")) + _strings(block.get("ipv6CidrBlocks")),
        protocol=str(block.get("protocol", "tcp")).lower(),
        from_port=_port(block.get("fromPort"), 0),
        to_port=_port(block.get("toPort"), 65535),
        source_group_declared=bool(block.get("securityGroups") or block.get("self")),
    )


def ingress_of(resource: Resource) -> list[Ingress]:
    """The ingress permissions a security group, a security group rule or an ingress rule declares."""
    if resource.type == SG:
        return [_from_block(as_mapping(block)) for block in as_list(resource.get("ingress"))]
    if resource.type == SG_RULE:
        if resource.get("type") != "ingress":
            return []
        block = dict(resource.props)
        block["securityGroups"] = (
            [resource.get("sourceSecurityGroupId")] if resource.get("sourceSecurityGroupId") else []
        )
        return [_from_block(block)]
    if resource.type == SG_INGRESS:
        protocol = str(resource.get("ipProtocol", "-1")).lower()
        return [
            Ingress(
                cidrs=_strings(resource.get("cidrIpv4")) + _strings(resource.get("cidrIpv6")),
                protocol=protocol,
                from_port=_port(resource.get("fromPort"), 0),
                to_port=_port(resource.get("toPort"), 65535),
                source_group_declared=bool(
                    resource.get("referencedSecurityGroupId") or resource.get("prefixListId")
                ),
            )
        ]
    return []


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of an IAM policy document (JSON text or object)."""
    return [as_mapping(s) for s in as_list(as_mapping(document).get("Statement"))]


def allows(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect") == "Allow"


def actions(statement: Mapping[str, Any]) -> list[str]:
    return [str(a) for a in as_list(statement.get("Action"))]


def resources_of(statement: Mapping[str, Any]) -> list[str]:
    return [str(r) for r in as_list(statement.get("Resource"))]


def principals(statement: Mapping[str, Any]) -> list[str]:
    """`*`, account ARNs and service names a statement's Principal names."""
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    found: list[str] = []
    for kind, value in as_mapping(principal).items():
        found.extend(f"{kind}:{v}" if kind != "AWS" or v != "*" else "*" for v in as_list(value))
    return found


def containers(resource: Resource) -> list[Mapping[str, Any]]:
    """The container definitions of a task definition (declared as JSON text)."""
    return [as_mapping(c) for c in as_list(resource.get("containerDefinitions"))]


def names(items: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join(str(i.get("name", "?")) for i in items)


def enabled(value: Any) -> bool:
    """A nested `{enabled: bool}` block (or a bare bool) that is on."""
    if isinstance(value, bool):
        return value
    return as_mapping(value).get("enabled") is True
