"""A stack's EC2 hosts, found by the provider's tags and their Role tag, and how SSH reaches each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from infra.ops import defaults
from infra.ops.errors import OpsError
from infra.ops.ssh import Endpoint
from infra.ops.stack import stack_tags

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ec2.type_defs import FilterTypeDef

BASTION_ROLE = defaults.BASTION_ROLE
SSH_PORT = defaults.SSH_PORT


class NoHosts(OpsError):
    """No running instance carries the stack's tags (and the role asked for)."""


class BastionUnreachable(OpsError):
    """The bastion has no public address, so SSH cannot reach it (the stack is SSM-only)."""


@dataclass(frozen=True)
class Host:
    """One running instance of the stack."""

    instance_id: str
    name: str
    role: str
    private_ip: str
    public_ip: str | None
    availability_zone: str

    @property
    def label(self) -> str:
        """How output from the host is prefixed: its Name tag, or its id."""
        return self.name or self.instance_id


def find_hosts(ec2: EC2Client, environment: str, role: str | None = None) -> list[Host]:
    """Running instances tagged Project=postings, Environment=<environment> (and Role=<role>), by name."""
    filters: list[FilterTypeDef] = [
        {"Name": f"tag:{key}", "Values": [value]} for key, value in stack_tags(environment).items()
    ]
    filters.append({"Name": "instance-state-name", "Values": ["running"]})
    if role is not None:
        filters.append({"Name": "tag:Role", "Values": [role]})
    hosts: list[Host] = []
    for page in ec2.get_paginator("describe_instances").paginate(Filters=filters):
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                tags = {t.get("Key", ""): t.get("Value", "") for t in instance.get("Tags", [])}
                hosts.append(
                    Host(
                        instance_id=instance["InstanceId"],
                        name=tags.get("Name", ""),
                        role=tags.get("Role", ""),
                        private_ip=instance.get("PrivateIpAddress", ""),
                        public_ip=instance.get("PublicIpAddress"),
                        availability_zone=instance.get("Placement", {}).get("AvailabilityZone", ""),
                    )
                )
    return sorted(hosts, key=lambda h: (h.role, h.label, h.instance_id))


def require_hosts(ec2: EC2Client, environment: str, role: str | None) -> list[Host]:
    hosts = find_hosts(ec2, environment, role)
    if not hosts:
        wanted = f" with Role={role}" if role else ""
        raise NoHosts(
            f"no running instance tagged Project=postings, Environment={environment}{wanted}: list what "
            f"there is with `infra hosts list {environment}`, or check AWS_PROFILE and --region"
        )
    return hosts


def bastion_endpoint(host: Host, port: int = SSH_PORT) -> Endpoint:
    """The bastion is reached directly, on its public address."""
    if not host.public_ip:
        raise BastionUnreachable(
            f"the bastion {host.label} has no public address (the stack has no adminCidrs, so it is "
            f"SSM-only): use `aws ssm start-session --target {host.instance_id}`, or add your CIDR to "
            "postings:adminCidrs and run `pulumi up`"
        )
    return Endpoint(name=host.label, address=host.public_ip, port=port)


def host_endpoint(host: Host, port: int = SSH_PORT) -> Endpoint:
    """Every other host is reached on its private address, through the bastion."""
    return Endpoint(name=host.label, address=host.private_ip, port=port)


def render_hosts(hosts: list[Host]) -> str:
    """A table of hosts for `infra hosts list`."""
    rows = [("INSTANCE", "ROLE", "NAME", "PRIVATE IP", "PUBLIC IP", "ZONE")]
    rows += [
        (h.instance_id, h.role, h.name, h.private_ip, h.public_ip or "-", h.availability_zone) for h in hosts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )
