"""Which input properties force a replacement, per type, and which types hold data a replacement destroys.

The table follows the AWS provider's schema (properties marked ForceNew upstream): changing one of
them makes `pulumi up` delete the resource and create a new one. `*` means every input does (the
resource has no update). A property path matches its first segment: `rootBlockDevice` covers
`rootBlockDevice.encrypted`. Resources can add to it with `replaceOnChanges`.
"""

from __future__ import annotations

from collections.abc import Iterable

EVERY_INPUT = "*"

FORCE_REPLACEMENT: dict[str, frozenset[str]] = {
    token: frozenset(props)
    for token, props in {
        "aws:ec2/vpc:Vpc": {"cidrBlock", "instanceTenancy"},
        "aws:ec2/subnet:Subnet": {"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"},
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {"vpcId"},
        "aws:ec2/internetGateway:InternetGateway": set(),
        "aws:ec2/eip:Eip": {"domain", "address", "publicIpv4Pool"},
        "aws:ec2/natGateway:NatGateway": {"allocationId", "subnetId", "connectivityType", "privateIp"},
        "aws:ec2/routeTable:RouteTable": {"vpcId"},
        "aws:ec2/routeTableAssociation:RouteTableAssociation": {"subnetId", "gatewayId"},
        "aws:ec2/securityGroup:SecurityGroup": {"name", "namePrefix", "description", "vpcId"},
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"securityGroupId"},
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {"securityGroupId"},
        "aws:ec2/flowLog:FlowLog": {EVERY_INPUT},
        "aws:ec2/instance:Instance": {
            "ami",
            "availabilityZone",
            "subnetId",
            "keyName",
            "privateIp",
            "associatePublicIpAddress",
            "rootBlockDevice",
        },
        "aws:rds/instance:Instance": {
            "identifier",
            "engine",
            "dbName",
            "username",
            "storageEncrypted",
            "kmsKeyId",
            "availabilityZone",
            "characterSetName",
            "timezone",
        },
        "aws:rds/subnetGroup:SubnetGroup": {"name", "namePrefix"},
        "aws:rds/parameterGroup:ParameterGroup": {"name", "namePrefix", "family", "description"},
        "aws:elasticache/subnetGroup:SubnetGroup": {"name"},
        "aws:elasticache/replicationGroup:ReplicationGroup": {
            "replicationGroupId",
            "atRestEncryptionEnabled",
            "subnetGroupName",
            "kmsKeyId",
            "port",
            "engine",
        },
        "aws:mq/broker:Broker": {
            "brokerName",
            "engineType",
            "deploymentMode",
            "subnetIds",
            "publiclyAccessible",
            "storageType",
            "encryptionOptions",
        },
        "aws:opensearch/domain:Domain": {"domainName"},
        "aws:opensearch/domainPolicy:DomainPolicy": {"domainName"},
        "aws:ecr/repository:Repository": {"name", "encryptionConfigurations"},
        "aws:ecr/lifecyclePolicy:LifecyclePolicy": {"repository"},
        "aws:ecr/repositoryPolicy:RepositoryPolicy": {"repository"},
        "aws:ecs/cluster:Cluster": {"name"},
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {"clusterName"},
        "aws:ecs/taskDefinition:TaskDefinition": {EVERY_INPUT},
        "aws:ecs/service:Service": {"name", "cluster", "launchType", "schedulingStrategy"},
        "aws:lb/loadBalancer:LoadBalancer": {"name", "namePrefix", "internal", "loadBalancerType"},
        "aws:lb/targetGroup:TargetGroup": {"name", "namePrefix", "port", "protocol", "vpcId", "targetType"},
        "aws:lb/listener:Listener": {"loadBalancerArn"},
        "aws:iam/role:Role": {"name", "namePrefix", "path"},
        "aws:iam/rolePolicy:RolePolicy": {"name", "namePrefix", "role"},
        "aws:iam/policy:Policy": {"name", "namePrefix", "path"},
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {"role", "policyArn"},
        "aws:iam/instanceProfile:InstanceProfile": {"name", "namePrefix", "path"},
        "aws:secretsmanager/secret:Secret": {"name", "namePrefix"},
        "aws:secretsmanager/secretVersion:SecretVersion": {"secretId", "secretString", "secretBinary"},
        "aws:kms/key:Key": {"customerMasterKeySpec", "keyUsage", "multiRegion"},
        "aws:kms/alias:Alias": {"name", "namePrefix"},
        "aws:cloudwatch/logGroup:LogGroup": {"name", "namePrefix"},
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": {"policyName"},
        "aws:cloudwatch/metricAlarm:MetricAlarm": {"name"},
        "aws:cloudwatch/dashboard:Dashboard": {"dashboardName"},
        "aws:sns/topic:Topic": {"name", "namePrefix", "fifoTopic"},
        "aws:sns/topicSubscription:TopicSubscription": {"topic", "protocol", "endpoint"},
        "aws:acm/certificate:Certificate": {
            "domainName",
            "subjectAlternativeNames",
            "validationMethod",
            "keyAlgorithm",
        },
        "aws:acm/certificateValidation:CertificateValidation": {EVERY_INPUT},
        "aws:route53/record:Record": {"zoneId", "name"},
        "aws:route53/zone:Zone": {"name"},
        "aws:appautoscaling/target:Target": {"resourceId", "scalableDimension", "serviceNamespace"},
        "aws:appautoscaling/policy:Policy": {"name", "resourceId", "scalableDimension", "serviceNamespace"},
        "random:index/randomPassword:RandomPassword": {EVERY_INPUT},
    }.items()
}

STATEFUL: dict[str, str] = {
    "aws:rds/instance:Instance": "database",
    "aws:elasticache/replicationGroup:ReplicationGroup": "cache",
    "aws:mq/broker:Broker": "message broker",
    "aws:opensearch/domain:Domain": "search domain",
    "aws:ecr/repository:Repository": "image registry",
    "aws:secretsmanager/secret:Secret": "secret",
    "aws:kms/key:Key": "encryption key",
}
"""Types whose deletion or replacement loses data (rows, messages, documents, images, secrets)."""


def top_level(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def forcing_replacement(
    token: str, changed: Iterable[str], replace_on_changes: Iterable[str] = ()
) -> list[str]:
    """The changed property paths that force `token` to be replaced."""
    forced = FORCE_REPLACEMENT.get(token, frozenset()) | {top_level(p) for p in replace_on_changes}
    if EVERY_INPUT in forced:
        return sorted(changed)
    return sorted(p for p in changed if top_level(p) in forced)
