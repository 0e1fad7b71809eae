"""The postings platform, one environment per stack.

Tiers, in the order they are declared:
  network     VPC over 2-3 AZs: public, app and data subnets; NAT; flow logs; security groups
  data        RDS MySQL, ElastiCache Redis, Amazon MQ RabbitMQ, OpenSearch (data subnets only)
  delivery    ECR repository that `infra release` pushes the postings image to
  services    ECS cluster; `api` behind the ALB (a WAF web ACL in front) and `worker`, both Fargate in the
              app subnets
  operations  bastion host; SNS topic for alerts
  monitoring  CloudWatch alarms from monitoring/thresholds.py and a dashboard; scheduled checks; Grafana
              over Amazon Managed Prometheus (the api's collector sidecar writes to it)
"""

import sys
from pathlib import Path

# The language host runs this directory as `.` with infra/ as the working directory; the package
# `infra` lives one level up, so the project root goes on the path before anything imports it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi
import pulumi_aws as aws

from infra import naming
from infra.components.alarms import Alarms, AlarmsArgs, cache_node_ids
from infra.components.broker import Broker, BrokerArgs
from infra.components.cache import Cache, CacheArgs
from infra.components.cluster import Cluster
from infra.components.database import Database, DatabaseArgs
from infra.components.grafana import Grafana, GrafanaArgs
from infra.components.hosts import Bastion, BastionArgs
from infra.components.loadbalancer import LoadBalancer, LoadBalancerArgs
from infra.components.network import Network, NetworkArgs
from infra.components.notifications import Notifications, NotificationsArgs
from infra.components.observability import (
    COLLECTOR_IMAGE,
    PROCESS_METRICS_PORT,
    MetricsStore,
    MetricsStoreArgs,
    collector_config,
)
from infra.components.registry import Registry, RegistryArgs
from infra.components.scheduled_checks import ScheduledChecks, ScheduledChecksArgs
from infra.components.search import SearchDomain, SearchDomainArgs
from infra.components.security import SecurityGroups, SecurityGroupsArgs
from infra.components.service import AppService, AppServiceArgs, LoadBalancerAttachment, MetricsSidecar
from infra.components.waf import WebFirewall, WebFirewallArgs
from infra.config import from_pulumi
from infra.workload import (
    API_COMMAND,
    APP_PORT,
    ENTRY_POINT,
    WORKER_COMMAND,
    service_environment,
    service_secrets,
)

SERVICE_URL = "serviceUrl"
ECR_REPOSITORY_URL = "ecrRepositoryUrl"
CLUSTER_NAME = "clusterName"
API_SERVICE = "apiServiceName"
WORKER_SERVICE = "workerServiceName"
VPC_ID = "vpcId"
APP_SUBNET_IDS = "appSubnetIds"
APP_SECURITY_GROUP_ID = "apiSecurityGroupId"
DATABASE_ENDPOINT = "databaseEndpoint"
DATABASE_SECRET_ARN = "databaseSecretArn"
REDIS_ENDPOINT = "redisEndpoint"
REDIS_SECRET_ARN = "redisAuthSecretArn"
BROKER_ENDPOINT = "brokerEndpoint"
BROKER_SECRET_ARN = "brokerSecretArn"
SEARCH_ENDPOINT = "searchEndpoint"
BASTION_INSTANCE_ID = "bastionInstanceId"
ALERTS_TOPIC_ARN = "alertsTopicArn"
DASHBOARD_NAME = "dashboardName"
ALARM_NAMES = "alarmNames"
DATABASE_IDENTIFIER = "databaseIdentifier"
BROKER_NAME = "brokerName"
SEARCH_DOMAIN_NAME = "searchDomainName"
PROMETHEUS_WORKSPACE_ID = "prometheusWorkspaceId"
PROMETHEUS_ENDPOINT = "prometheusEndpoint"
GRAFANA_WORKSPACE_ID = "grafanaWorkspaceId"
GRAFANA_URL = "grafanaUrl"
GRAFANA_SERVICE_ACCOUNT_ID = "grafanaServiceAccountId"
CHECKS_SCHEDULE_ARN = "checksScheduleArn"

# Invalid config stops here, before any resource is declared.
config = from_pulumi()
env = config.environment
name = naming.prefix(env)
# The data stores' fixed AWS names: the components create them, alarms, checks and exports find them.
database_identifier = naming.physical_name(env, "mysql", "aws:rds/instance:Instance")
redis_group_id = naming.physical_name(env, "redis", "aws:elasticache/replicationGroup:ReplicationGroup")
broker_name = naming.physical_name(env, "rabbitmq", "aws:mq/broker:Broker")
search_domain_name = naming.physical_name(env, "search", "aws:opensearch/domain:Domain")

# Every resource goes through this provider: pinned to the account and region, tagging everything.
provider = aws.Provider(
    "aws",
    region=config.region,
    allowed_account_ids=config.allowed_account_ids or None,
    default_tags=aws.ProviderDefaultTagsArgs(
        tags=naming.default_tags(environment=env, stack=pulumi.get_stack(), owner=config.owner)
    ),
)
opts = pulumi.ResourceOptions(provider=provider)
zones = aws.get_availability_zones(state="available", opts=pulumi.InvokeOptions(provider=provider)).names
if len(zones) < config.az_count:
    raise ValueError(f"{config.region} offers {len(zones)} availability zones; azCount is {config.az_count}")

# Network: three tiers over the first az_count zones of the region.
network = Network(
    name,
    NetworkArgs(
        cidr=config.vpc_cidr,
        availability_zones=sorted(zones)[: config.az_count],
        nat_gateway_count=config.nat_gateway_count,
        log_retention_days=config.log_retention_days,
    ),
    opts=opts,
)
# Security groups: exactly the allowed paths, nothing else.
groups = SecurityGroups(
    name,
    SecurityGroupsArgs(vpc_id=network.vpc_id, app_port=APP_PORT, admin_cidrs=config.admin_cidrs),
    opts=opts,
)

# Data stores: all in the data subnets, reachable only from the service and bastion groups.
database = Database(
    f"{name}-db",
    DatabaseArgs(
        subnet_ids=network.data_subnet_ids,
        security_group_id=groups.ids["database"],
        identifier=database_identifier,
        instance_class=config.db_instance_class,
        engine_version=config.db_engine_version,
        allocated_storage=config.db_allocated_storage,
        max_allocated_storage=config.db_max_allocated_storage,
        multi_az=config.db_multi_az,
        backup_retention_days=config.db_backup_retention_days,
        deletion_protection=config.db_deletion_protection,
    ),
    opts=opts,
)
cache = Cache(
    f"{name}-cache",
    CacheArgs(
        subnet_ids=network.data_subnet_ids,
        security_group_id=groups.ids["cache"],
        replication_group_id=redis_group_id,
        node_type=config.cache_node_type,
        replicas=config.cache_replicas,
        engine_version=config.cache_engine_version,
        snapshot_retention_days=config.db_backup_retention_days,
    ),
    opts=opts,
)
broker = Broker(
    f"{name}-broker",
    BrokerArgs(
        subnet_ids=network.data_subnet_ids,
        security_group_id=groups.ids["broker"],
        broker_name=broker_name,
        instance_type=config.broker_instance_type,
        deployment_mode=config.broker_deployment_mode,
        engine_version=config.broker_engine_version,
    ),
    opts=opts,
)
search = SearchDomain(
    f"{name}-search",
    SearchDomainArgs(
        subnet_ids=network.data_subnet_ids,
        security_group_id=groups.ids["search"],
        domain_name=search_domain_name,
        engine_version=config.search_engine_version,
        instance_type=config.search_instance_type,
        instance_count=config.search_instance_count,
        az_count=config.az_count,
        volume_size=config.search_volume_size,
        dedicated_masters=config.search_dedicated_masters,
        master_instance_type=config.search_master_instance_type,
        log_retention_days=config.log_retention_days,
    ),
    opts=opts,
)

# Delivery: the image repository; the stack runs the tag named in config.
registry = Registry(
    name,
    RegistryArgs(repository_name=naming.prefix(env), force_delete=not config.is_prod),
    opts=opts,
)
image = pulumi.Output.concat(registry.repository_url, ":", config.image_tag)

# Services: the ALB in front of `api`; `worker` consumes the broker and writes the search index.
load_balancer = LoadBalancer(
    name,
    LoadBalancerArgs(
        vpc_id=network.vpc_id,
        subnet_ids=network.public_subnet_ids,
        security_group_id=groups.ids["alb"],
        app_port=APP_PORT,
        deletion_protection=config.is_prod,
        domain=config.domain,
        hosted_zone_id=config.hosted_zone_id,
    ),
    opts=opts,
)
# The WAF on the ALB: AWS managed rules and a per-IP rate limit before anything reaches the api.
firewall = WebFirewall(
    name,
    WebFirewallArgs(
        load_balancer_arn=load_balancer.arn,
        web_acl_name=naming.physical_name(env, "waf", "aws:wafv2/webAcl:WebAcl"),
        rate_limit=config.waf_rate_limit,
        log_retention_days=config.log_retention_days,
    ),
    opts=opts,
)
cluster = Cluster(name, opts=opts)
# The service's metrics: every series to Amazon Managed Prometheus, the alarmed gauges to CloudWatch
# (EMF), both written by a collector sidecar beside each api task.
metrics_store = MetricsStore(
    name, MetricsStoreArgs(region=config.region, log_retention_days=config.log_retention_days), opts=opts
)
environment = service_environment(
    environment=env,
    region=config.region,
    database_host=database.address,
    redis_host=cache.primary_endpoint,
    amqp_host=broker.host,
    search_endpoint=search.endpoint,
)
secrets = service_secrets(
    database_secret_arn=database.master_secret_arn,
    redis_secret_arn=cache.auth_secret_arn,
    broker_secret_arn=broker.credentials_secret_arn,
)
secret_arns = [database.master_secret_arn, cache.auth_secret_arn, broker.credentials_secret_arn]
# The api serves behind the ALB and scales on requests per target too.
api_attachment = LoadBalancerAttachment(
    container_port=APP_PORT,
    target_group_arn=load_balancer.target_group_arn,
    request_count_label=pulumi.Output.concat(
        load_balancer.arn_suffix, "/", load_balancer.target_group_arn_suffix
    ),
)


def metrics_sidecar(app_port: int, job: str) -> MetricsSidecar:
    """The collector beside a task's app container: it scrapes the app's /metrics on `app_port` (the api's
    port; the worker serves the consumer's and relay's on PROCESS_METRICS_PORT) into AMP and CloudWatch."""
    return MetricsSidecar(
        image=COLLECTOR_IMAGE,
        config=pulumi.Output.all(metrics_store.remote_write_url, metrics_store.emf_log_group_name).apply(
            lambda v: collector_config(
                environment=env,
                region=config.region,
                app_port=app_port,
                remote_write_url=str(v[0]),
                emf_log_group=str(v[1]),
                job=job,
            )
        ),
        prometheus_workspace_arn=metrics_store.workspace_arn,
        metrics_log_group_arn=metrics_store.emf_log_group_arn,
    )


services: dict[str, AppService] = {}
for role, size, command, attachment, sidecar in (
    ("api", config.api, API_COMMAND, api_attachment, metrics_sidecar(APP_PORT, "postings")),
    ("worker", config.worker, WORKER_COMMAND, None, metrics_sidecar(PROCESS_METRICS_PORT, "postings-worker")),
):
    services[role] = AppService(
        f"{name}-{role}",
        AppServiceArgs(
            cluster_arn=cluster.arn,
            cluster_name=cluster.cluster_name,
            region=config.region,
            image=image,
            entry_point=ENTRY_POINT,
            command=command,
            cpu=size.cpu,
            memory=size.memory,
            desired_count=size.desired_count,
            min_count=size.min_count,
            max_count=size.max_count,
            subnet_ids=network.app_subnet_ids,
            security_group_id=groups.ids[role],
            environment=environment,
            secrets=secrets,
            secret_arns=secret_arns,
            search_domain_arn=search.arn,
            log_retention_days=config.log_retention_days,
            load_balancer=attachment,
            metrics=sidecar,
            tags={"Service": role},
        ),
        opts=opts,
    )
# Only the two service roles may call the search domain.
search.allow_roles([services["api"].task_role_arn, services["worker"].task_role_arn])

# Operations: the bastion (SSH from admin CIDRs, else SSM only) and the alert topic.
bastion = Bastion(
    f"{name}-bastion",
    BastionArgs(
        public_subnet_id=network.public_subnet_ids.apply(lambda ids: ids[0]),
        private_subnet_id=network.app_subnet_ids.apply(lambda ids: ids[0]),
        security_group_id=groups.ids["bastion"],
        instance_type=config.bastion_instance_type,
        ssh_reachable=bool(config.admin_cidrs),
        key_name=config.bastion_key_name,
    ),
    opts=opts,
)
notifications = Notifications(name, NotificationsArgs(email=config.alert_email), opts=opts)

# Monitoring: every threshold (with the stack's overrides) as a warning and a critical alarm to the
# alert topic, ALARM and OK alike, and the environment's CloudWatch dashboard drawing the same levels.
alarms = Alarms(
    name,
    AlarmsArgs(
        signals=config.signals,
        topic_arn=notifications.topic_arn,
        region=config.region,
        environment=env,
        load_balancer_arn_suffix=load_balancer.arn_suffix,
        target_group_arn_suffix=load_balancer.target_group_arn_suffix,
        cluster_name=cluster.cluster_name,
        service_names={role: service.service_name for role, service in services.items()},
        database_identifier=database_identifier,
        cache_node_ids=cache_node_ids(redis_group_id, config.cache_replicas),
        broker_name=broker_name,
        search_domain_name=search_domain_name,
        account_id=aws.get_caller_identity_output(opts=pulumi.InvokeOptions(provider=provider)).account_id,
        web_acl_name=firewall.web_acl_name,
    ),
    opts=opts,
)
# The Nagios checks every five minutes as a Fargate task (checks image beside the release in ECR),
# each status a CloudWatch metric, an alarm on CRITICAL to the same topic.
scheduled_checks = ScheduledChecks(
    name,
    ScheduledChecksArgs(
        environment=env,
        region=config.region,
        cluster_arn=cluster.arn,
        image=pulumi.Output.concat(registry.repository_url, ":checks-", config.image_tag),
        subnet_ids=network.app_subnet_ids,
        security_group_id=groups.ids["worker"],
        service_url=load_balancer.url,
        database_identifier=database_identifier,
        broker_name=broker_name,
        search_domain_name=search_domain_name,
        alarm_prefix=f"{name}-",
        topic_arn=notifications.topic_arn,
        log_retention_days=config.log_retention_days,
    ),
    opts=opts,
)
# Grafana over AMP and CloudWatch; `python -m monitoring.grafana.provision` loads the dashboards.
grafana = Grafana(name, GrafanaArgs(prometheus_workspace_arn=metrics_store.workspace_arn), opts=opts)

pulumi.export(SERVICE_URL, load_balancer.url)
pulumi.export(ECR_REPOSITORY_URL, registry.repository_url)
pulumi.export(CLUSTER_NAME, cluster.cluster_name)
pulumi.export(API_SERVICE, services["api"].service_name)
pulumi.export(WORKER_SERVICE, services["worker"].service_name)
pulumi.export(VPC_ID, network.vpc_id)
pulumi.export(APP_SUBNET_IDS, network.app_subnet_ids)
pulumi.export(APP_SECURITY_GROUP_ID, groups.ids["api"])
pulumi.export(DATABASE_ENDPOINT, database.address)
pulumi.export(DATABASE_SECRET_ARN, database.master_secret_arn)
pulumi.export(REDIS_ENDPOINT, cache.primary_endpoint)
pulumi.export(REDIS_SECRET_ARN, cache.auth_secret_arn)
pulumi.export(BROKER_ENDPOINT, broker.host)
pulumi.export(BROKER_SECRET_ARN, broker.credentials_secret_arn)
pulumi.export(SEARCH_ENDPOINT, search.endpoint)
pulumi.export(BASTION_INSTANCE_ID, bastion.instance_id)
pulumi.export(ALERTS_TOPIC_ARN, notifications.topic_arn)
pulumi.export(DASHBOARD_NAME, alarms.dashboard_name)
pulumi.export(ALARM_NAMES, alarms.alarm_names)
pulumi.export(DATABASE_IDENTIFIER, database_identifier)
pulumi.export(BROKER_NAME, broker_name)
pulumi.export(SEARCH_DOMAIN_NAME, search_domain_name)
pulumi.export(PROMETHEUS_WORKSPACE_ID, metrics_store.workspace_id)
pulumi.export(PROMETHEUS_ENDPOINT, metrics_store.prometheus_endpoint)
pulumi.export(GRAFANA_WORKSPACE_ID, grafana.workspace_id)
pulumi.export(GRAFANA_URL, grafana.endpoint.apply(lambda host: f"https://{host}" if host else ""))
pulumi.export(GRAFANA_SERVICE_ACCOUNT_ID, grafana.service_account_id)
pulumi.export(CHECKS_SCHEDULE_ARN, scheduled_checks.schedule_arn)
