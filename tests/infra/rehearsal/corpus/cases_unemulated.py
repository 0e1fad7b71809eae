"""Cases of types without an emulator: their inputs are checked against their create call's service model.

Each refused case breaks one constraint of the API's own reference (its source); each valid one sets the same
properties the way AWS accepts them, including enum values in the lower case the provider upper-cases.
"""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import network, role

API = "https://docs.aws.amazon.com"
EKS_CLUSTER = f"{API}/eks/latest/APIReference/API_CreateCluster.html"
EKS_NODEGROUP = f"{API}/eks/latest/APIReference/API_CreateNodegroup.html"
EKS_SCALING = f"{API}/eks/latest/APIReference/API_NodegroupScalingConfig.html"
EKS_NETWORK = f"{API}/eks/latest/userguide/network-reqs.html"
COGNITO_POOL = f"{API}/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html"
COGNITO_CLIENT = f"{API}/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html"
MSK_CLUSTER = f"{API}/msk/1.0/apireference/clusters.html"
BATCH_ENVIRONMENT = f"{API}/batch/latest/APIReference/API_CreateComputeEnvironment.html"
GLUE_JOB = f"{API}/glue/latest/webapi/API_CreateJob.html"
FIREHOSE = f"{API}/firehose/latest/APIReference/API_CreateDeliveryStream.html"
ATHENA = f"{API}/athena/latest/APIReference/API_CreateWorkGroup.html"
CODEBUILD = f"{API}/codebuild/latest/APIReference/API_CreateProject.html"
APPRUNNER = f"{API}/apprunner/latest/api/API_CreateService.html"
TRANSFER = f"{API}/transfer/latest/APIReference/API_CreateServer.html"
GUARDDUTY = f"{API}/guardduty/latest/APIReference/API_CreateDetector.html"
CONFIG_RULE = f"{API}/config/latest/APIReference/API_ConfigRule.html"
PIPES = f"{API}/eventbridge/latest/pipes-reference/API_CreatePipe.html"
SYNTHETICS = f"{API}/AmazonSynthetics/latest/APIReference/API_CreateCanary.html"
AOSS = f"{API}/opensearch-service/latest/ServerlessAPIReference/API_CreateCollection.html"
APPSYNC = f"{API}/appsync/latest/APIReference/API_CreateGraphqlApi.html"
CLOUD_MAP = f"{API}/cloud-map/latest/api/API_DnsConfig.html"
SAGEMAKER = f"{API}/sagemaker/latest/APIReference/API_CreateNotebookInstance.html"
MWAA = f"{API}/mwaa/latest/API/API_CreateEnvironment.html"

CLUSTER = "aws:eks/cluster:Cluster"
NODEGROUP = "aws:eks/nodeGroup:NodeGroup"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
USER_POOL = "aws:cognito/userPool:UserPool"
CANARY_CODE = "s3://canaries/heartbeat.zip"


def _eks(name: str | None = None, zones: int = 2) -> aws.eks.Cluster:
    net = network("eks")
    return aws.eks.Cluster(
        "eks",
        name=name,
        role_arn=role("eks-cluster", "eks.amazonaws.com").arn,
        vpc_config={"subnet_ids": [s.id for s in net.subnets[:zones]]},
    )


def _nodegroup(capacity_type: str = "ON_DEMAND", max_size: int = 3, min_size: int = 0, **extra: Any) -> None:
    cluster = _eks()
    aws.eks.NodeGroup(
        "workers",
        cluster_name=cluster.name,
        node_role_arn=role("eks-nodes", "ec2.amazonaws.com").arn,
        subnet_ids=cluster.vpc_config.subnet_ids,
        capacity_type=capacity_type,
        scaling_config={"desired_size": 1, "min_size": min_size, "max_size": max_size},
        **extra,
    )


@valid("eks", fully_emulated=False)
def eks_cluster_and_spot_node_group() -> None:
    _nodegroup(capacity_type="spot")


@refused("eks", token=CLUSTER, prop="name", source=EKS_CLUSTER)
def eks_cluster_name_with_a_space() -> None:
    _eks(name="orders cluster")


@refused("eks", token=CLUSTER, prop="name", source=EKS_CLUSTER)
def eks_cluster_name_starting_with_a_hyphen() -> None:
    _eks(name="-orders")


@refused("eks", token=NODEGROUP, prop="capacityType", source=EKS_NODEGROUP)
def eks_node_group_of_preemptible_capacity() -> None:
    _nodegroup(capacity_type="PREEMPTIBLE")


@refused("eks", token=NODEGROUP, prop="scalingConfig.maxSize", source=EKS_NODEGROUP)
def eks_node_group_of_at_most_zero_nodes() -> None:
    _nodegroup(max_size=0)


@refused("eks", token=CLUSTER, prop="vpcConfig.subnetIds", source=EKS_NETWORK)
def eks_cluster_in_one_zone() -> None:
    _eks(zones=1)


@refused("eks", token=NODEGROUP, prop="scalingConfig", source=EKS_SCALING)
def eks_node_group_minimum_above_desired() -> None:
    _nodegroup(min_size=2)


@refused("eks", token=NODEGROUP, prop="diskSize", source=EKS_NODEGROUP)
def eks_node_group_disk_size_beside_a_launch_template() -> None:
    template = aws.ec2.LaunchTemplate("workers", instance_type="m7g.large")
    _nodegroup(disk_size=50, launch_template={"id": template.id, "version": "$Latest"})


def _user_pool(minimum_length: int = 12, temporary_days: int = 7) -> aws.cognito.UserPool:
    return aws.cognito.UserPool(
        "users",
        password_policy={
            "minimum_length": minimum_length,
            "require_numbers": True,
            "temporary_password_validity_days": temporary_days,
        },
    )


@valid("cognito", fully_emulated=False)
def cognito_user_pool_and_client() -> None:
    pool = _user_pool()
    aws.cognito.UserPoolClient("web", user_pool_id=pool.id, name="web app", access_token_validity=1)
    _oauth_client(pool, ["https://app.example.com/callback", "http://localhost:3000/callback"])


def _oauth_client(
    pool: aws.cognito.UserPool, callback_urls: list[str], *, enabled: bool = True
) -> aws.cognito.UserPoolClient:
    return aws.cognito.UserPoolClient(
        "spa",
        user_pool_id=pool.id,
        name="spa",
        allowed_oauth_flows_user_pool_client=enabled,
        allowed_oauth_flows=["code"],
        allowed_oauth_scopes=["openid", "email"],
        supported_identity_providers=["COGNITO"],
        callback_urls=callback_urls,
    )


@refused("cognito", token=CLIENT, prop="callbackUrls", source=COGNITO_CLIENT)
def cognito_client_calls_back_over_plain_http() -> None:
    _oauth_client(_user_pool(), ["http://app.example.com/callback"])


@refused("cognito", token=CLIENT, prop="allowedOauthFlowsUserPoolClient", source=COGNITO_CLIENT)
def cognito_client_with_oauth_flows_not_enabled() -> None:
    _oauth_client(_user_pool(), ["https://app.example.com/callback"], enabled=False)


@refused("cognito", token=USER_POOL, prop="passwordPolicy.minimumLength", source=COGNITO_POOL)
def cognito_passwords_of_four_characters() -> None:
    _user_pool(minimum_length=4)


@refused("cognito", token=USER_POOL, prop="passwordPolicy.temporaryPasswordValidityDays", source=COGNITO_POOL)
def cognito_temporary_passwords_valid_for_two_years() -> None:
    _user_pool(temporary_days=730)


@refused("cognito", token=CLIENT, prop="name", source=COGNITO_CLIENT)
def cognito_client_name_with_a_slash() -> None:
    aws.cognito.UserPoolClient("web", user_pool_id=_user_pool().id, name="web/app")


def _msk(volume_size: int = 100) -> None:
    net = network("msk")
    aws.msk.Cluster(
        "events",
        kafka_version="3.6.0",
        number_of_broker_nodes=2,
        broker_node_group_info={
            "instance_type": "kafka.m7g.large",
            "client_subnets": [s.id for s in net.subnets],
            "security_groups": [net.group.id],
            "storage_info": {"ebs_storage_info": {"volume_size": volume_size}},
        },
    )


@valid("msk", fully_emulated=False)
def msk_cluster_of_two_brokers() -> None:
    _msk()


@refused("msk", token="aws:msk/cluster:Cluster", prop="brokerNodeGroupInfo.storageInfo", source=MSK_CLUSTER)
def msk_broker_volume_of_twenty_tib() -> None:
    _msk(volume_size=20_480)


def _batch(environment_type: str = "MANAGED", resources_type: str = "FARGATE") -> None:
    net = network("batch")
    aws.batch.ComputeEnvironment(
        "jobs",
        type=environment_type,
        compute_resources={
            "type": resources_type,
            "max_vcpus": 16,
            "subnets": [s.id for s in net.subnets],
            "security_group_ids": [net.group.id],
        },
    )


@valid("batch", fully_emulated=False)
def batch_fargate_compute_environment() -> None:
    _batch(environment_type="managed", resources_type="FARGATE_SPOT")


@refused(
    "batch", token="aws:batch/computeEnvironment:ComputeEnvironment", prop="type", source=BATCH_ENVIRONMENT
)
def batch_environment_of_a_serverless_type() -> None:
    _batch(environment_type="SERVERLESS")


@refused(
    "batch",
    token="aws:batch/computeEnvironment:ComputeEnvironment",
    prop="computeResources.type",
    source=BATCH_ENVIRONMENT,
)
def batch_resources_on_lambda() -> None:
    _batch(resources_type="LAMBDA")


def _glue_job(worker_type: str = "G.1X") -> None:
    aws.glue.Job(
        "etl",
        role_arn=role("glue", "glue.amazonaws.com").arn,
        command={"script_location": "s3://etl-scripts/job.py"},
        glue_version="4.0",
        worker_type=worker_type,
        number_of_workers=2,
    )


@valid("glue", fully_emulated=False)
def glue_job_on_g1x_workers() -> None:
    _glue_job()


@refused("glue", token="aws:glue/job:Job", prop="workerType", source=GLUE_JOB)
def glue_job_on_g3x_workers() -> None:
    _glue_job(worker_type="G.3X")


@refused(
    "firehose",
    token="aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    prop="name",
    source=FIREHOSE,
)
def firehose_stream_name_with_spaces() -> None:
    aws.kinesis.FirehoseDeliveryStream(
        "clicks",
        name="click stream",
        destination="extended_s3",
        extended_s3_configuration={
            "role_arn": role("firehose", "firehose.amazonaws.com").arn,
            "bucket_arn": aws.s3.Bucket("clicks").arn,
        },
    )


@valid("athena", fully_emulated=False)
def athena_workgroup() -> None:
    aws.athena.Workgroup("analysts", name="analysts_eu-1")


@refused("athena", token="aws:athena/workgroup:Workgroup", prop="name", source=ATHENA)
def athena_workgroup_name_with_a_space() -> None:
    aws.athena.Workgroup("analysts", name="data analysts")


def _codebuild(name: str) -> None:
    aws.codebuild.Project(
        "build",
        name=name,
        service_role=role("codebuild", "codebuild.amazonaws.com").arn,
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "compute_type": "BUILD_GENERAL1_SMALL",
            "image": "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
            "type": "LINUX_CONTAINER",
        },
        source={"type": "GITHUB", "location": "https://github.com/example/postings.git"},
    )


@valid("codebuild", fully_emulated=False)
def codebuild_project() -> None:
    _codebuild("postings-build")


@refused("codebuild", token="aws:codebuild/project:Project", prop="name", source=CODEBUILD)
def codebuild_project_name_with_a_dot() -> None:
    _codebuild("postings.build")


@refused("apprunner", token="aws:apprunner/service:Service", prop="serviceName", source=APPRUNNER)
def apprunner_service_name_of_three_characters() -> None:
    aws.apprunner.Service(
        "api",
        service_name="api",
        source_configuration={
            "image_repository": {
                "image_identifier": "public.ecr.aws/nginx/nginx:latest",
                "image_repository_type": "ECR_PUBLIC",
            },
            "auto_deployments_enabled": False,
        },
    )


@refused("transfer", token="aws:transfer/server:Server", prop="protocols", source=TRANSFER)
def transfer_server_speaking_scp() -> None:
    aws.transfer.Server("files", protocols=["SFTP", "SCP"])


@valid("guardduty", fully_emulated=False)
def guardduty_detector_every_fifteen_minutes() -> None:
    aws.guardduty.Detector("detector", enable=True, finding_publishing_frequency="FIFTEEN_MINUTES")


@refused(
    "guardduty", token="aws:guardduty/detector:Detector", prop="findingPublishingFrequency", source=GUARDDUTY
)
def guardduty_findings_published_daily() -> None:
    aws.guardduty.Detector("detector", enable=True, finding_publishing_frequency="ONE_DAY")


@refused("config", token="aws:cfg/rule:Rule", prop="maximumExecutionFrequency", source=CONFIG_RULE)
def config_rule_run_daily() -> None:
    aws.cfg.Rule(
        "s3-versioning",
        source={"owner": "AWS", "source_identifier": "S3_BUCKET_VERSIONING_ENABLED"},
        maximum_execution_frequency="Daily",
    )


@refused("pipes", token="aws:pipes/pipe:Pipe", prop="name", source=PIPES)
def eventbridge_pipe_name_with_a_colon() -> None:
    source = aws.sqs.Queue("pipe-source")
    target = aws.sqs.Queue("pipe-target")
    aws.pipes.Pipe(
        "relay",
        name="orders:relay",
        role_arn=role("pipes", "pipes.amazonaws.com").arn,
        source=source.arn,
        target=target.arn,
    )


def _canary(name: str) -> None:
    aws.synthetics.Canary(
        "heartbeat",
        name=name,
        artifact_s3_location="s3://canary-artifacts/",
        execution_role_arn=role("canary", "lambda.amazonaws.com").arn,
        handler="heartbeat.handler",
        runtime_version="syn-nodejs-puppeteer-9.1",
        schedule={"expression": "rate(5 minutes)"},
        s3_bucket="canaries",
        s3_key="heartbeat.zip",
    )


@valid("synthetics", fully_emulated=False)
def synthetics_canary() -> None:
    _canary("api-heartbeat")


@refused("synthetics", token="aws:synthetics/canary:Canary", prop="name", source=SYNTHETICS)
def synthetics_canary_name_in_capitals() -> None:
    _canary("ApiHeartbeat")


@refused(
    "opensearchserverless",
    token="aws:opensearch/serverlessCollection:ServerlessCollection",
    prop="name",
    source=AOSS,
)
def opensearch_serverless_collection_starting_with_a_digit() -> None:
    aws.opensearch.ServerlessCollection("logs", name="2026-logs", type="TIMESERIES")


@refused("appsync", token="aws:appsync/graphQLApi:GraphQLApi", prop="authenticationType", source=APPSYNC)
def appsync_api_with_basic_authentication() -> None:
    aws.appsync.GraphQLApi("graph", authentication_type="BASIC_AUTH")


@refused(
    "servicediscovery",
    token="aws:servicediscovery/service:Service",
    prop="dnsConfig.routingPolicy",
    source=CLOUD_MAP,
)
def cloud_map_service_routed_round_robin() -> None:
    net = network("cloudmap")
    namespace = aws.servicediscovery.PrivateDnsNamespace("internal", name="internal.local", vpc=net.vpc.id)
    aws.servicediscovery.Service(
        "api",
        dns_config={
            "namespace_id": namespace.id,
            "dns_records": [{"ttl": 10, "type": "A"}],
            "routing_policy": "ROUND_ROBIN",
        },
    )


@refused(
    "sagemaker",
    token="aws:sagemaker/notebookInstance:NotebookInstance",
    prop="instanceType",
    source=SAGEMAKER,
)
def sagemaker_notebook_on_an_ec2_instance_type() -> None:
    aws.sagemaker.NotebookInstance(
        "notebook", role_arn=role("sagemaker", "sagemaker.amazonaws.com").arn, instance_type="t3.medium"
    )


@refused("mwaa", token="aws:mwaa/environment:Environment", prop="name", source=MWAA)
def mwaa_environment_name_starting_with_a_digit() -> None:
    net = network("mwaa")
    aws.mwaa.Environment(
        "airflow",
        name="1st-airflow",
        dag_s3_path="dags/",
        execution_role_arn=role("mwaa", "airflow-env.amazonaws.com").arn,
        source_bucket_arn=aws.s3.Bucket("airflow").arn,
        network_configuration={
            "security_group_ids": [net.group.id],
            "subnet_ids": [s.id for s in net.subnets],
        },
    )
