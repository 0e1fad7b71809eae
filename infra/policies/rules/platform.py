"""Platform rules: everything tagged; no data store reachable from a public subnet or the internet."""

from __future__ import annotations

from collections.abc import Sequence

from infra.policies.model import Enforcement, Resource, Rule, Severity, Stack, Violation, as_mapping
from infra.policies.rules.common import LB_TYPES, SG, SG_INGRESS, SG_RULE, ingress_of
from infra.policies.rules.data import BROKER, CACHE_CLUSTER, DOMAIN, RDS, REPLICATION_GROUP
from infra.policies.rules.network import INSTANCE, SUBNET

REQUIRED_TAGS = ("Project", "Environment", "Stack", "ManagedBy", "Owner")

# AWS types whose API takes no tags: associations, attachments, policies and settings of another resource.
UNTAGGABLE_TYPES = frozenset(
    {
        "aws:acm/certificateValidation:CertificateValidation",
        "aws:appautoscaling/policy:Policy",
        "aws:cloudwatch/dashboard:Dashboard",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
        "aws:ec2/networkAclRule:NetworkAclRule",
        "aws:ec2/route:Route",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "aws:grafana/roleAssociation:RoleAssociation",
        "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount",
        "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken",
        "aws:iam/groupPolicy:GroupPolicy",
        "aws:iam/policyAttachment:PolicyAttachment",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:lb/listenerCertificate:ListenerCertificate",
        "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        "aws:opensearch/domainPolicy:DomainPolicy",
        "aws:route53/record:Record",
        "aws:s3/bucketAcl:BucketAcl",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:scheduler/schedule:Schedule",
        "aws:secretsmanager/secretRotation:SecretRotation",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:sns/topicPolicy:TopicPolicy",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    }
)

ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
IGW = "aws:ec2/internetGateway:InternetGateway"
RDS_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
CACHE_SUBNET_GROUP = "aws:elasticache/subnetGroup:SubnetGroup"
ECS_SERVICE = "aws:ecs/service:Service"

# Data store type -> (property naming its security groups, property naming its subnets or subnet group).
DATA_STORES = {
    RDS: ("vpcSecurityGroupIds", "dbSubnetGroupName"),
    REPLICATION_GROUP: ("securityGroupIds", "subnetGroupName"),
    CACHE_CLUSTER: ("securityGroupIds", "subnetGroupName"),
    BROKER: ("securityGroups", "subnetIds"),
    DOMAIN: ("vpcOptions", "vpcOptions"),
}


def _tagged(resource: Resource) -> Sequence[str] | None:
    if not resource.type.startswith("aws:") or resource.type in UNTAGGABLE_TYPES:
        return None
    tags = resource.tags
    missing = [key for key in REQUIRED_TAGS if not tags.get(key)]
    return [f"{resource.name} lacks tag(s) {', '.join(missing)}"] if missing else []


def public_subnets(stack: Stack) -> set[str]:
    """URNs of subnets that launch with public addresses or route to an internet gateway."""
    public_tables = {
        table.urn for table in stack.of_type(ROUTE_TABLE) if stack.referenced(table, "routes", IGW)
    }
    public_tables |= {
        urn
        for route in stack.of_type(ROUTE)
        if stack.referenced(route, "gatewayId", IGW)
        for urn in route.refs.get("routeTableId", ())
    }
    found = {s.urn for s in stack.of_type(SUBNET) if s.get("mapPublicIpOnLaunch") is True}
    for association in stack.of_type(ASSOCIATION):
        if set(association.refs.get("routeTableId", ())) & public_tables:
            found |= set(association.refs.get("subnetId", ()))
    return found


def _store_subnets(stack: Stack, store: Resource, prop: str) -> list[Resource]:
    direct = stack.referenced(store, prop, SUBNET)
    for group in stack.referenced(store, prop, RDS_SUBNET_GROUP, CACHE_SUBNET_GROUP):
        direct += stack.referenced(group, "subnetIds", SUBNET)
    return direct


def _public_members(stack: Stack, group: Resource, public: set[str]) -> list[Resource]:
    """Resources in `group` that sit in a public subnet or face the internet themselves."""
    members: list[Resource] = []
    for instance in stack.of_type(INSTANCE):
        in_group = group.urn in instance.refs.get("vpcSecurityGroupIds", ()) + instance.refs.get(
            "securityGroups", ()
        )
        if in_group and (
            set(instance.refs.get("subnetId", ())) & public or instance.get("associatePublicIpAddress")
        ):
            members.append(instance)
    for lb in stack.of_type(*LB_TYPES):
        if group.urn in lb.refs.get("securityGroups", ()) and lb.get("internal") is not True:
            members.append(lb)
    for service in stack.of_type(ECS_SERVICE):
        network = service.refs.get("networkConfiguration", ())
        assigns = as_mapping(service.get("networkConfiguration")).get("assignPublicIp") is True
        if group.urn in network and (assigns or set(network) & public):
            members.append(service)
    return members


def _sources(stack: Stack, group: Resource) -> list[tuple[Resource, list[str], list[Resource]]]:
    """Every ingress into `group`: the declaring resource, public CIDRs admitted, source groups admitted."""
    found: list[tuple[Resource, list[str], list[Resource]]] = []
    inline = ingress_of(group)
    if inline:
        peers = [g for g in stack.referenced(group, "ingress", SG) if g.urn != group.urn]
        found.append((group, sorted({c for i in inline for c in i.public_cidrs}), peers))
    for rule in stack.referencing(group, (SG_INGRESS, SG_RULE), "securityGroupId"):
        if rule.type == SG_RULE and rule.get("type") != "ingress":
            continue
        cidrs = sorted({c for i in ingress_of(rule) for c in i.public_cidrs})
        peers = stack.referenced(rule, "referencedSecurityGroupId", SG) + stack.referenced(
            rule, "sourceSecurityGroupId", SG
        )
        found.append((rule, cidrs, peers))
    return found


def _data_not_exposed(stack: Stack) -> list[Violation]:
    public = public_subnets(stack)
    violations: list[Violation] = []
    for store in stack.of_type(*DATA_STORES):
        groups_prop, subnets_prop = DATA_STORES[store.type]
        exposed = sorted(s.name for s in _store_subnets(stack, store, subnets_prop) if s.urn in public)
        if exposed:
            violations.append(
                Violation(
                    store.urn, f"data store {store.name} is placed in public subnet(s) {', '.join(exposed)}"
                )
            )
        for group in stack.referenced(store, groups_prop, SG):
            for declarer, cidrs, peers in _sources(stack, group):
                if cidrs:
                    violations.append(
                        Violation(
                            declarer.urn,
                            f"{declarer.name} admits {', '.join(cidrs)} to data store {store.name}",
                        )
                    )
                for peer in peers:
                    members = _public_members(stack, peer, public)
                    if members:
                        violations.append(
                            Violation(
                                declarer.urn,
                                f"{declarer.name} lets {', '.join(sorted(m.name for m in members))} "
                                f"(public subnet or internet-facing) reach data store {store.name}",
                            )
                        )
    return violations


TAGS_RULE = Rule(
    id="tags-required",
    control="platform",
    desired=f"Every taggable AWS resource carries the tags {', '.join(REQUIRED_TAGS)}.",
    explanation="The provider's default_tags apply them to every resource it creates (infra/__main__.py); "
    "a resource on another provider, or overriding a key with an empty value, needs them set.",
    severity=Severity.LOW,
    enforcement=Enforcement.MANDATORY,
    types=("*",),
    check=_tagged,
)

DATA_RULE = Rule(
    id="data-not-exposed",
    control="platform",
    desired="No data store sits in a public subnet or admits traffic from the internet or from anything "
    "in a public subnet.",
    explanation="Keep RDS, ElastiCache, MQ and OpenSearch in the data subnets (no route to an internet "
    "gateway) and admit only the service security groups; reach them for maintenance through a bastion in "
    "a private subnet over SSM.",
    severity=Severity.CRITICAL,
    enforcement=Enforcement.MANDATORY,
    stack_check=_data_not_exposed,
)

RULES = (TAGS_RULE, DATA_RULE)
