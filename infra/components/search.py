"""OpenSearch in the data subnets: encrypted at rest and between nodes, HTTPS only, open to named roles."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.iam import policy

TLS_POLICY = "Policy-Min-TLS-1-2-2019-07"
LOG_TYPES = ("INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS")
PUBLISHED_LOG_TYPES = LOG_TYPES[
    :3
]  # audit logs need fine-grained access control, which a role policy replaces


def access_policy(domain_arn: str, role_arns: list[str]) -> str:
    """Resource policy: only the given roles may call the domain's HTTP API."""
    return policy(
        [
            {
                "Effect": "Allow",
                "Principal": {"AWS": sorted(role_arns)},
                "Action": [
                    "es:ESHttpGet",
                    "es:ESHttpHead",
                    "es:ESHttpPost",
                    "es:ESHttpPut",
                    "es:ESHttpDelete",
                ],
                "Resource": f"{domain_arn}/*",
            }
        ]
    )


@dataclass(frozen=True, kw_only=True)
class SearchDomainArgs:
    subnet_ids: pulumi.Input[list[str]]
    """Data-tier subnets; one per AZ the domain spans."""
    security_group_id: pulumi.Input[str]
    """The search security group."""
    domain_name: str
    """Domain name (28 characters at most)."""
    engine_version: str
    """e.g. OpenSearch_2.19."""
    instance_type: str
    """Data node type."""
    instance_count: int
    """Data nodes; more than one spreads them over AZs (zone awareness)."""
    az_count: int
    """AZs available to spread over."""
    volume_size: int
    """EBS volume per data node, GiB."""
    dedicated_masters: bool
    """Three dedicated master nodes."""
    master_instance_type: str
    """Dedicated master node type."""
    log_retention_days: int
    """Retention of the domain's log groups."""


class SearchDomain(pulumi.ComponentResource):
    """The search index the postings worker writes and the api queries."""

    endpoint: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: SearchDomainArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:SearchDomain", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self._name = name
        zones = min(args.az_count, args.instance_count)
        log_groups = {
            log_type: aws.cloudwatch.LogGroup(
                f"{name}-{log_type.lower().replace('_', '-')}",
                retention_in_days=args.log_retention_days,
                opts=child,
            )
            for log_type in PUBLISHED_LOG_TYPES
        }
        log_policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-log-policy",
            policy_name=f"{args.domain_name}-logs",
            policy_document=pulumi.Output.all(*[g.arn for g in log_groups.values()]).apply(
                lambda arns: policy(
                    [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "es.amazonaws.com"},
                            "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
                            "Resource": [f"{arn}:*" for arn in arns],
                        }
                    ]
                )
            ),
            opts=child,
        )
        domain = aws.opensearch.Domain(
            f"{name}-domain",
            domain_name=args.domain_name,
            engine_version=args.engine_version,
            cluster_config=aws.opensearch.DomainClusterConfigArgs(
                instance_type=args.instance_type,
                instance_count=args.instance_count,
                zone_awareness_enabled=zones > 1,
                zone_awareness_config=(
                    aws.opensearch.DomainClusterConfigZoneAwarenessConfigArgs(availability_zone_count=zones)
                    if zones > 1
                    else None
                ),
                dedicated_master_enabled=args.dedicated_masters,
                dedicated_master_type=args.master_instance_type if args.dedicated_masters else None,
                dedicated_master_count=3 if args.dedicated_masters else None,
            ),
            ebs_options=aws.opensearch.DomainEbsOptionsArgs(
                ebs_enabled=True, volume_type="gp3", volume_size=args.volume_size
            ),
            encrypt_at_rest=aws.opensearch.DomainEncryptAtRestArgs(enabled=True),
            node_to_node_encryption=aws.opensearch.DomainNodeToNodeEncryptionArgs(enabled=True),
            domain_endpoint_options=aws.opensearch.DomainDomainEndpointOptionsArgs(
                enforce_https=True, tls_security_policy=TLS_POLICY
            ),
            vpc_options=aws.opensearch.DomainVpcOptionsArgs(
                subnet_ids=pulumi.Output.from_input(args.subnet_ids).apply(lambda ids: ids[:zones]),
                security_group_ids=[args.security_group_id],
            ),
            log_publishing_options=[
                aws.opensearch.DomainLogPublishingOptionArgs(
                    log_type=log_type, cloudwatch_log_group_arn=group.arn, enabled=True
                )
                for log_type, group in log_groups.items()
            ],
            software_update_options=aws.opensearch.DomainSoftwareUpdateOptionsArgs(
                auto_software_update_enabled=True
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_policy]),
        )
        self._domain = domain
        self.endpoint = domain.endpoint
        self.arn = domain.arn
        self.register_outputs({"endpoint": self.endpoint, "arn": self.arn})

    def allow_roles(self, role_arns: list[pulumi.Output[str]]) -> aws.opensearch.DomainPolicy:
        """Open the domain's API to these roles (declared once the service roles exist)."""
        return aws.opensearch.DomainPolicy(
            f"{self._name}-access",
            domain_name=self._domain.domain_name,
            access_policies=pulumi.Output.all(self._domain.arn, *role_arns).apply(
                lambda values: access_policy(values[0], [str(v) for v in values[1:]])
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
