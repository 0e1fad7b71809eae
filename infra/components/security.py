"""Security groups holding exactly the traffic paths of the design, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.policies.suppressions import suppress

INTERNET = "0.0.0.0/0"
MYSQL, REDIS, AMQPS, HTTPS, HTTP, SSH = 3306, 6379, 5671, 443, 80, 22
GROUPS = ("alb", "api", "worker", "bastion", "database", "cache", "broker", "search")
DATA_STORES = {"database": MYSQL, "cache": REDIS, "broker": AMQPS, "search": HTTPS}


@dataclass(frozen=True)
class Path:
    """One allowed flow: from a group or CIDR to a group on one TCP port."""

    source: str
    """A group name from GROUPS, or a CIDR."""
    target: str
    """A group name from GROUPS, or a CIDR (egress to AWS APIs through NAT)."""
    port: int
    description: str

    @property
    def slug(self) -> str:
        """A stable, readable fragment of the rule's resource name, e.g. `api-to-database-3306`."""
        return f"{_slug(self.source)}-to-{_slug(self.target)}-{self.port}"

    @property
    def source_is_cidr(self) -> bool:
        return self.source not in GROUPS

    @property
    def target_is_cidr(self) -> bool:
        return self.target not in GROUPS


def _slug(end: str) -> str:
    if end in GROUPS:
        return end
    return "internet" if end == INTERNET else end.replace(".", "-").replace("/", "_")


def allowed_paths(*, app_port: int, admin_cidrs: list[str]) -> list[Path]:
    """Every flow the platform needs: internet -> ALB; ALB -> api; api/worker -> data stores;
    bastion -> data stores for maintenance; admins -> bastion SSH; tasks and bastion -> AWS APIs."""
    paths = [
        Path(INTERNET, "alb", HTTP, "HTTP from the internet (redirected to HTTPS when a domain is set)"),
        Path(INTERNET, "alb", HTTPS, "HTTPS from the internet"),
        Path("alb", "api", app_port, "load balancer to api tasks"),
    ]
    for client in ("api", "worker", "bastion"):
        for store, port in DATA_STORES.items():
            purpose = "maintenance" if client == "bastion" else "service traffic"
            paths.append(Path(client, store, port, f"{client} to {store} ({purpose})"))
    paths.extend(Path(cidr, "bastion", SSH, f"SSH from admin network {cidr}") for cidr in admin_cidrs)
    # ECR image pulls, Secrets Manager, CloudWatch Logs and SSM are HTTPS endpoints reached through NAT.
    paths.extend(
        Path(client, INTERNET, HTTPS, f"{client} to AWS APIs over HTTPS")
        for client in ("api", "worker", "bastion")
    )
    return paths


@dataclass(frozen=True, kw_only=True)
class SecurityGroupsArgs:
    vpc_id: pulumi.Input[str]
    """The VPC the groups belong to."""
    app_port: int
    """Port the api container listens on."""
    admin_cidrs: list[str]
    """Networks allowed to SSH to the bastion."""


class SecurityGroups(pulumi.ComponentResource):
    """One group per role (GROUPS); rules are separate resources, one per path and direction."""

    ids: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: SecurityGroupsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("postings:infra:SecurityGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        groups = {
            group: aws.ec2.SecurityGroup(
                f"{name}-{group}",
                vpc_id=args.vpc_id,
                description=f"postings {group}",
                tags={"Name": f"{name}-{group}"},
                opts=child,
            )
            for group in GROUPS
        }
        # With admin CIDRs the bastion sits in a public subnet; its maintenance paths are intended.
        public_bastion = (
            suppress(
                "data-not-exposed",
                "maintenance path from the SSH bastion which admits only postings:adminCidrs",
            )
            if args.admin_cidrs
            else None
        )
        for path in allowed_paths(app_port=args.app_port, admin_cidrs=args.admin_cidrs):
            if not path.target_is_cidr:
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-in-{path.slug}",
                    security_group_id=groups[path.target].id,
                    ip_protocol="tcp",
                    from_port=path.port,
                    to_port=path.port,
                    cidr_ipv4=path.source if path.source_is_cidr else None,
                    referenced_security_group_id=None if path.source_is_cidr else groups[path.source].id,
                    description=path.description,
                    tags=public_bastion if path.source == "bastion" and path.target in DATA_STORES else None,
                    opts=child,
                )
            if not path.source_is_cidr:
                aws.vpc.SecurityGroupEgressRule(
                    f"{name}-out-{path.slug}",
                    security_group_id=groups[path.source].id,
                    ip_protocol="tcp",
                    from_port=path.port,
                    to_port=path.port,
                    cidr_ipv4=path.target if path.target_is_cidr else None,
                    referenced_security_group_id=None if path.target_is_cidr else groups[path.target].id,
                    description=path.description,
                    opts=child,
                )
        self.ids = {group: sg.id for group, sg in groups.items()}
        self.register_outputs({"ids": self.ids})
