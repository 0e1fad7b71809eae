"""Each emulator: what the program declared is in the emulated account, read back with boto3 describes."""

from __future__ import annotations

import json
from typing import Any

from infra.rehearsal.rehearse import Rehearsal


def _client(rehearsal: Rehearsal, service: str) -> Any:
    return rehearsal.session.client(service, region_name=rehearsal.account.region)  # type: ignore[call-overload]


def test_vpc_cidr_and_dns_attributes(prod: Rehearsal) -> None:
    vpc = prod.result.one("aws:ec2/vpc:Vpc", "postings-prod-vpc")
    ec2 = _client(prod, "ec2")
    described = ec2.describe_vpcs(VpcIds=[vpc.id])["Vpcs"][0]
    assert described["CidrBlock"] == "10.30.0.0/16", vpc.urn
    for attribute, key in (
        ("enableDnsHostnames", "EnableDnsHostnames"),
        ("enableDnsSupport", "EnableDnsSupport"),
    ):
        value = ec2.describe_vpc_attribute(VpcId=vpc.id, Attribute=attribute)[key]["Value"]
        assert value is True, f"{vpc.urn}: {attribute}"


def test_subnets_have_the_declared_cidr_and_zone(prod: Rehearsal) -> None:
    subnets = prod.result.by_type("aws:ec2/subnet:Subnet")
    assert len(subnets) == 9
    described = {
        s["SubnetId"]: s
        for s in _client(prod, "ec2").describe_subnets(SubnetIds=[s.id for s in subnets])["Subnets"]
    }
    vpc_id = prod.result.one("aws:ec2/vpc:Vpc", "postings-prod-vpc").id
    for subnet in subnets:
        assert subnet.id is not None
        got = described[subnet.id]
        assert got["CidrBlock"] == subnet.inputs["cidrBlock"], subnet.urn
        assert got["AvailabilityZone"] == subnet.inputs["availabilityZone"], subnet.urn
        assert got["VpcId"] == vpc_id, subnet.urn
        assert got["MapPublicIpOnLaunch"] is False, subnet.urn


def test_internet_gateway_is_attached_to_the_vpc(prod: Rehearsal) -> None:
    igw = prod.result.one("aws:ec2/internetGateway:InternetGateway", "postings-prod-igw")
    gateway = _client(prod, "ec2").describe_internet_gateways(InternetGatewayIds=[igw.id])[
        "InternetGateways"
    ][0]
    vpc_id = prod.result.one("aws:ec2/vpc:Vpc", "postings-prod-vpc").id
    assert gateway["Attachments"] == [{"State": "available", "VpcId": vpc_id}], igw.urn


def test_nat_gateways_use_their_eips_in_public_subnets(prod: Rehearsal) -> None:
    ec2 = _client(prod, "ec2")
    nats = prod.result.by_type("aws:ec2/natGateway:NatGateway")
    assert len(nats) == 3
    public = {s.id for s in prod.result.by_type("aws:ec2/subnet:Subnet") if "-public-" in s.name}
    for nat in nats:
        described = ec2.describe_nat_gateways(NatGatewayIds=[nat.id])["NatGateways"][0]
        assert described["SubnetId"] == nat.inputs["subnetId"], nat.urn
        assert described["SubnetId"] in public, nat.urn
        allocation = described["NatGatewayAddresses"][0]["AllocationId"]
        assert allocation == nat.inputs["allocationId"], nat.urn
        address = ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0]
        assert address["Domain"] == "vpc", nat.urn
        assert nat.state["publicIp"] == address["PublicIp"], nat.urn


def test_route_tables_route_to_their_gateways_and_are_associated(prod: Rehearsal) -> None:
    ec2 = _client(prod, "ec2")
    igw = prod.result.one("aws:ec2/internetGateway:InternetGateway", "postings-prod-igw").id
    public = prod.result.one("aws:ec2/routeTable:RouteTable", "postings-prod-public-rt")
    table = ec2.describe_route_tables(RouteTableIds=[public.id])["RouteTables"][0]
    default = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert [r.get("GatewayId") for r in default] == [igw], public.urn
    assert len(table["Associations"]) == 3, public.urn
    for zone in ("eu-west-1a", "eu-west-1b", "eu-west-1c"):
        private = prod.result.one("aws:ec2/routeTable:RouteTable", f"postings-prod-private-{zone}-rt")
        nat = prod.result.one("aws:ec2/natGateway:NatGateway", f"postings-prod-nat-{zone}").id
        routes = ec2.describe_route_tables(RouteTableIds=[private.id])["RouteTables"][0]["Routes"]
        assert [r.get("NatGatewayId") for r in routes if r.get("DestinationCidrBlock") == "0.0.0.0/0"] == [
            nat
        ]


def test_security_groups_hold_exactly_the_declared_rules(prod: Rehearsal) -> None:
    ec2 = _client(prod, "ec2")
    groups = {g.name: g for g in prod.result.by_type("aws:ec2/securityGroup:SecurityGroup")}
    assert len(groups) == 8
    database = groups["postings-prod-database"]
    described = ec2.describe_security_groups(GroupIds=[database.id])["SecurityGroups"][0]
    sources = sorted(
        (p["FromPort"], pair["GroupId"]) for p in described["IpPermissions"] for pair in p["UserIdGroupPairs"]
    )
    expected = sorted((3306, groups[f"postings-prod-{client}"].id) for client in ("api", "worker", "bastion"))
    assert sources == expected, database.urn
    # The provider removes AWS's allow-all egress; the database group declares none.
    assert described["IpPermissionsEgress"] == [], database.urn
    rules = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [groups["postings-prod-alb"].id]}]
    )
    ingress = sorted(
        (r["FromPort"], r.get("CidrIpv4")) for r in rules["SecurityGroupRules"] if not r["IsEgress"]
    )
    assert ingress == [(80, "0.0.0.0/0"), (443, "0.0.0.0/0")]
    default = prod.result.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "postings-prod-default-sg")
    closed = ec2.describe_security_groups(GroupIds=[default.id])["SecurityGroups"][0]
    assert (closed["IpPermissions"], closed["IpPermissionsEgress"]) == ([], []), default.urn


def test_flow_log_delivers_vpc_traffic_to_its_log_group(prod: Rehearsal) -> None:
    flow_log = prod.result.one("aws:ec2/flowLog:FlowLog", "postings-prod-flow-log")
    group = prod.result.one("aws:cloudwatch/logGroup:LogGroup", "postings-prod-flow-logs")
    described = _client(prod, "ec2").describe_flow_logs(FlowLogIds=[flow_log.id])["FlowLogs"][0]
    assert described["ResourceId"] == prod.result.one("aws:ec2/vpc:Vpc", "postings-prod-vpc").id
    assert (described["TrafficType"], described["LogGroupName"]) == ("ALL", group.id), flow_log.urn
    retention = _client(prod, "logs").describe_log_groups(logGroupNamePrefix=group.id)["logGroups"][0]
    assert retention["retentionInDays"] == 365, group.urn


def test_database_instance_subnet_and_parameter_groups(prod: Rehearsal) -> None:
    rds = _client(prod, "rds")
    instance = prod.result.one("aws:rds/instance:Instance", "postings-prod-db-instance")
    db = rds.describe_db_instances(DBInstanceIdentifier="postings-prod-mysql")["DBInstances"][0]
    assert (db["Engine"], db["DBInstanceClass"], db["AllocatedStorage"]) == ("mysql", "db.r6g.large", 100)
    assert (db["MultiAZ"], db["StorageEncrypted"], db["DeletionProtection"]) == (True, True, True), (
        instance.urn
    )
    assert db["PubliclyAccessible"] is False, instance.urn
    assert db["Endpoint"]["Address"] == instance.state["address"], instance.urn
    assert db["Endpoint"]["Port"] == 3306, instance.urn
    group = db["DBSubnetGroup"]
    assert sorted(s["SubnetAvailabilityZone"]["Name"] for s in group["Subnets"]) == [
        "eu-west-1a",
        "eu-west-1b",
        "eu-west-1c",
    ]
    params = prod.result.one("aws:rds/parameterGroup:ParameterGroup", "postings-prod-db-params")
    described = rds.describe_db_parameters(DBParameterGroupName=params.id)["Parameters"]
    values = {p["ParameterName"]: p.get("ParameterValue") for p in described}
    assert values["require_secure_transport"] == "1", params.urn
    assert values["character_set_server"] == "utf8mb4", params.urn
    secret_arn = instance.state["masterUserSecrets"][0]["secretArn"]
    secret = _client(prod, "secretsmanager").describe_secret(SecretId=secret_arn)
    assert secret["ARN"] == secret_arn, instance.urn


def test_cache_replication_group(prod: Rehearsal) -> None:
    group = prod.result.one("aws:elasticache/replicationGroup:ReplicationGroup", "postings-prod-cache-redis")
    described = _client(prod, "elasticache").describe_replication_groups(
        ReplicationGroupId="postings-prod-redis"
    )
    got = described["ReplicationGroups"][0]
    assert got["TransitEncryptionEnabled"] is True, group.urn
    assert got["AtRestEncryptionEnabled"] is True, group.urn
    assert got["CacheNodeType"] == "cache.r7g.large", group.urn
    assert got["NodeGroups"][0]["PrimaryEndpoint"]["Address"] == group.state["primaryEndpointAddress"]
    subnet_group = prod.result.one("aws:elasticache/subnetGroup:SubnetGroup", "postings-prod-cache-subnets")
    groups = _client(prod, "elasticache").describe_cache_subnet_groups(CacheSubnetGroupName=subnet_group.id)
    assert len(groups["CacheSubnetGroups"][0]["Subnets"]) == 3, subnet_group.urn


def test_broker_is_a_private_rabbitmq_cluster(prod: Rehearsal) -> None:
    broker = prod.result.one("aws:mq/broker:Broker", "postings-prod-broker-rabbitmq")
    described = _client(prod, "mq").describe_broker(BrokerId=broker.id)
    assert (described["EngineType"], described["DeploymentMode"]) == ("RABBITMQ", "CLUSTER_MULTI_AZ"), (
        broker.urn
    )
    assert described["PubliclyAccessible"] is False, broker.urn
    assert described["Users"] == [{"Username": "postings"}], broker.urn
    assert prod.result.outputs["brokerEndpoint"] == f"b-{broker.id}.mq.eu-west-1.on.aws"


def test_search_domain_and_its_access_policy(prod: Rehearsal) -> None:
    domain = prod.result.one("aws:opensearch/domain:Domain", "postings-prod-search-domain")
    status = _client(prod, "opensearch").describe_domain(DomainName="postings-prod-search")["DomainStatus"]
    assert status["EngineVersion"] == "OpenSearch_2.19", domain.urn
    assert status["ClusterConfig"]["InstanceCount"] == 3, domain.urn
    assert status["Endpoints"]["vpc"] == domain.state["endpoint"], domain.urn
    policy = json.loads(status["AccessPolicies"])
    roles = {r.name: r.state["arn"] for r in prod.result.by_type("aws:iam/role:Role")}
    expected = sorted([roles["postings-prod-api-task-role"], roles["postings-prod-worker-task-role"]])
    assert policy["Statement"][0]["Principal"]["AWS"] == expected, domain.urn


def test_registry_and_lifecycle_policy(prod: Rehearsal) -> None:
    ecr = _client(prod, "ecr")
    repository = ecr.describe_repositories(repositoryNames=["postings-prod"])["repositories"][0]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    rules = json.loads(ecr.get_lifecycle_policy(repositoryName="postings-prod")["lifecyclePolicyText"])[
        "rules"
    ]
    assert [r["rulePriority"] for r in rules] == [1, 2]
    assert prod.result.outputs["ecrRepositoryUrl"] == repository["repositoryUri"]


def test_ecs_cluster_task_definitions_and_services(prod: Rehearsal) -> None:
    ecs = _client(prod, "ecs")
    cluster = prod.result.one("aws:ecs/cluster:Cluster", "postings-prod-cluster")
    described = ecs.describe_clusters(clusters=[cluster.id])["clusters"][0]
    assert described["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"], cluster.urn
    for role, cpu, memory, count in (("api", "1024", "2048", 3), ("worker", "512", "1024", 2)):
        task = prod.result.one("aws:ecs/taskDefinition:TaskDefinition", f"postings-prod-{role}-task")
        definition = ecs.describe_task_definition(taskDefinition=task.state["arn"])["taskDefinition"]
        assert (definition["cpu"], definition["memory"], definition["networkMode"]) == (cpu, memory, "awsvpc")
        container = definition["containerDefinitions"][0]
        assert container["readonlyRootFilesystem"] is True, task.urn
        service = ecs.describe_services(cluster=cluster.id, services=[f"postings-prod-{role}"])["services"][0]
        assert service["desiredCount"] == count, f"postings-prod-{role}"
        assert service["taskDefinition"] == task.state["arn"], f"postings-prod-{role}"
        balancers = service.get("loadBalancers", [])
        target_group = prod.result.one("aws:lb/targetGroup:TargetGroup", "postings-prod-api")
        expected = [
            {"targetGroupArn": target_group.id, "containerName": "postings-prod-api", "containerPort": 8000}
        ]
        assert balancers == (expected if role == "api" else []), f"postings-prod-{role}"


def test_load_balancer_target_group_and_listener(prod: Rehearsal) -> None:
    elbv2 = _client(prod, "elbv2")
    alb = prod.result.one("aws:lb/loadBalancer:LoadBalancer", "postings-prod-alb")
    described = elbv2.describe_load_balancers(LoadBalancerArns=[alb.id])["LoadBalancers"][0]
    assert (described["Scheme"], described["Type"]) == ("internet-facing", "application"), alb.urn
    assert described["DNSName"] == alb.state["dnsName"], alb.urn
    attributes = {
        a["Key"]: a["Value"]
        for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=alb.id)["Attributes"]
    }
    assert attributes["deletion_protection.enabled"] == "true", alb.urn
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true", alb.urn
    group = prod.result.one("aws:lb/targetGroup:TargetGroup", "postings-prod-api")
    target = elbv2.describe_target_groups(TargetGroupArns=[group.id])["TargetGroups"][0]
    assert (target["Port"], target["TargetType"], target["HealthCheckPath"]) == (8000, "ip", "/healthz"), (
        group.urn
    )
    listeners = elbv2.describe_listeners(LoadBalancerArn=alb.id)["Listeners"]
    # prod has a domain: HTTPS forwards to the api, HTTP redirects to it.
    actions = {x["Port"]: x["DefaultActions"][0] for x in listeners}
    assert sorted(actions) == [80, 443], alb.urn
    assert actions[443]["TargetGroupArn"] == group.id, alb.urn
    assert actions[80]["Type"] == "redirect", alb.urn


def test_iam_roles_policies_and_instance_profile(prod: Rehearsal) -> None:
    iam = _client(prod, "iam")
    role = prod.result.one("aws:iam/role:Role", "postings-prod-api-execution-role")
    trust = iam.get_role(RoleName=role.id)["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}, role.urn
    attached = iam.list_attached_role_policies(RoleName=role.id)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    ], role.urn
    inline = iam.get_role_policy(
        RoleName=role.id, PolicyName=iam.list_role_policies(RoleName=role.id)["PolicyNames"][0]
    )
    assert inline["PolicyDocument"]["Statement"][0]["Action"] == ["secretsmanager:GetSecretValue"], role.urn
    profile = prod.result.one("aws:iam/instanceProfile:InstanceProfile", "postings-prod-bastion-profile")
    roles = iam.get_instance_profile(InstanceProfileName=profile.id)["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in roles] == [
        prod.result.one("aws:iam/role:Role", "postings-prod-bastion-role").id
    ]


def test_secrets_hold_the_generated_credentials(prod: Rehearsal) -> None:
    secrets = _client(prod, "secretsmanager")
    secret = prod.result.one("aws:secretsmanager/secret:Secret", "postings-prod-broker-credentials-secret")
    value = json.loads(secrets.get_secret_value(SecretId=secret.id)["SecretString"])
    assert value["username"] == "postings", secret.urn
    assert len(value["password"]) == 32, secret.urn
    assert value["password"].isalnum(), secret.urn


def test_topic_autoscaling_and_bastion(prod: Rehearsal) -> None:
    topic = prod.result.one("aws:sns/topic:Topic", "postings-prod-alerts")
    attributes = _client(prod, "sns").get_topic_attributes(TopicArn=topic.id)["Attributes"]
    assert attributes["KmsMasterKeyId"] == "alias/aws/sns", topic.urn
    scaling = _client(prod, "application-autoscaling")
    targets = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    cluster = prod.result.one("aws:ecs/cluster:Cluster", "postings-prod-cluster").state["name"]
    assert sorted((t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets) == [
        (f"service/{cluster}/postings-prod-api", 3, 12),
        (f"service/{cluster}/postings-prod-worker", 2, 6),
    ]
    policies = scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    assert len(policies) == 3
    bastion = prod.result.one("aws:ec2/instance:Instance", "postings-prod-bastion-instance")
    instance = _client(prod, "ec2").describe_instances(InstanceIds=[bastion.id])["Reservations"][0][
        "Instances"
    ][0]
    assert instance["MetadataOptions"]["HttpTokens"] == "required", bastion.urn
    assert instance["InstanceType"] == bastion.inputs["instanceType"], bastion.urn
    assert instance["ImageId"] == bastion.inputs["ami"], bastion.urn
