"""Names, tags and the subnet plan: pure functions the components and tests share."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from infra.rehearsal.spec import spec_of

PROJECT = "postings"
TAG_KEYS = ("Project", "Environment", "Stack", "ManagedBy", "Owner")


def prefix(environment: str) -> str:
    """The stem of every resource name in an environment, e.g. `postings-dev`."""
    return f"{PROJECT}-{environment}"


def physical_name(environment: str, part: str, token: str) -> str:
    """A fixed AWS name for a resource of type `token`, lowercase, refused when it breaks the naming rules
    of the type's spec (OpenSearch domains allow 28 characters, for example)."""
    naming = spec_of(token).naming
    name = f"{prefix(environment)}-{part}".lower()
    problem = naming.problem(name)
    if problem:
        raise ValueError(f"{problem} ({token}; {naming.source})")
    return name


def default_tags(*, environment: str, stack: str, owner: str) -> dict[str, str]:
    """The tags the provider puts on every resource it creates."""
    return {
        "Project": PROJECT,
        "Environment": environment,
        "Stack": stack,
        "ManagedBy": "pulumi",
        "Owner": owner,
    }


@dataclass(frozen=True)
class SubnetPlan:
    """CIDRs of each tier, one per availability zone, in AZ order."""

    public: tuple[str, ...]
    app: tuple[str, ...]
    data: tuple[str, ...]

    def all(self) -> tuple[str, ...]:
        return self.public + self.app + self.data


MAX_AZS = 3


def plan_subnets(vpc_cidr: str, az_count: int) -> SubnetPlan:
    """Carve the VPC: app subnets get a quarter each (Fargate tasks need the addresses); the last
    quarter is cut in eight for the public and data tiers. Positions depend only on the AZ index,
    so adding an AZ never moves an existing subnet.
    """
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count must be 1 to {MAX_AZS}, got {az_count}")
    vpc = ipaddress.IPv4Network(vpc_cidr, strict=True)
    quarters = list(vpc.subnets(prefixlen_diff=2))
    eighths = list(quarters[3].subnets(prefixlen_diff=3))
    return SubnetPlan(
        public=tuple(str(eighths[i]) for i in range(az_count)),
        app=tuple(str(quarters[i]) for i in range(az_count)),
        data=tuple(str(eighths[4 + i]) for i in range(az_count)),
    )
