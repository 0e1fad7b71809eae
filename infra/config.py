"""The typed stack config: every default stated once, every value validated before a resource is declared."""

from __future__ import annotations

import ast
import difflib
import importlib.util
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import pulumi
from pulumi.runtime.config import CONFIG
from pydantic import (
    AliasGenerator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel, to_snake
from pydantic_core import ErrorDetails

from infra.offerings.check import offering_problems
from monitoring.thresholds import SIGNALS, Signal, with_overrides

NAMESPACE = "postings"
ENVIRONMENTS = ("dev", "staging", "prod")
# Stacks whose name alone makes them that environment, with its safety rules; no config key can say otherwise.
GUARDED = ("staging", "prod")
# Keys of the engine's own namespace a stack file may set: the deny list of default providers
# (pulumi/pulumi#8829) and the autonaming strategy (Pulumi docs, "Autonaming configuration").
PULUMI_KEYS = ("disable-default-providers", "autonaming")
MIN_VPC_PREFIX = 16
MAX_VPC_PREFIX = 20
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557)

# Fargate's accepted task sizes: cpu units -> memory MiB.
FARGATE_MEMORY: dict[int, list[int]] = {
    256: [512, 1024, 2048],
    512: list(range(1024, 4097, 1024)),
    1024: list(range(2048, 8193, 1024)),
    2048: list(range(4096, 16385, 1024)),
    4096: list(range(8192, 30721, 1024)),
    8192: list(range(16384, 61441, 4096)),
    16384: list(range(32768, 122881, 8192)),
}

Count = Annotated[int, Field(ge=0, le=100)]
# The largest monthly cost increase, in USD, a change may add before `infra cost --base` fails it.
BudgetUsd = Annotated[float, Field(ge=0, allow_inf_nan=False)]
BUDGET_KEY = "postings:monthlyBudgetChangeUsd"
# WAFv2 RateBasedStatement `Limit` (requests per evaluation window, 300 s by default): 10 to 2,000,000,000,
# shape RateLimit in AWS's service model (botocore/data/wafv2/2019-07-29/service-2.json); a test checks them.
WAF_RATE_LIMIT_MIN = 10
WAF_RATE_LIMIT_MAX = 2_000_000_000

# ACM's DomainNameString without its wildcard prefix (botocore acm service-2.json; a test compares them):
# the API's name is one host, at most 253 characters.
DOMAIN_PATTERN = r"(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])"
DOMAIN_MAX = 253
# Route 53's ResourceId is at most 32 characters (botocore route53 service-2.json); zone ids are upper-case
# letters and digits, e.g. Z0123456789ABCDEFGHIJ, and the API prints them behind "/hostedzone/".
HOSTED_ZONE_ID_MAX = 32
# What a YAML number becomes on its way to the program (Pulumi hands every value over as a string).
BARE_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")

# Instance-type keys: the shape AWS names them in, and an example for the error message.
INSTANCE_TYPES: dict[str, tuple[str, str]] = {
    "db_instance_class": (r"db\.[a-z0-9]+\.[a-z0-9]+", "db.t4g.micro"),
    "cache_node_type": (r"cache\.[a-z0-9]+\.[a-z0-9]+", "cache.t4g.micro"),
    "broker_instance_type": (r"mq\.[a-z0-9]+\.[a-z0-9]+", "mq.t3.micro or mq.m5.large"),
    "search_instance_type": (r"[a-z0-9]+\.[a-z0-9]+\.search", "t3.small.search"),
    "search_master_instance_type": (r"[a-z0-9]+\.[a-z0-9]+\.search", "m6g.large.search"),
}


class ConfigError(Exception):
    """The stack config is invalid; the message lists every bad key, its value and what is allowed."""

    def __init__(self, stack: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"stack '{stack}' has {len(problems)} invalid config value(s):\n{lines}\n"
            f"Fix them in stacks/Pulumi.{stack_name(stack)}.yaml "
            f"(or `pulumi config set {NAMESPACE}:<key> <value>`)."
        )


class _Schema(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=AliasGenerator(validation_alias=to_camel, serialization_alias=to_camel),
        populate_by_name=True,
    )


class TaskSize(_Schema):
    """Size and scaling bounds of one Fargate service; a stack sets only the fields it changes."""

    cpu: int = 256
    memory: int = 512
    desired_count: Count = 1
    min_count: Count = 1
    max_count: Count = 2


class AlarmLevels(_Schema):
    """Levels of one signal that differ in a stack from monitoring/thresholds.py."""

    warning: float | None = None
    critical: float | None = None


class StackConfig(_Schema):
    """One environment's settings. Field names are the config keys in camelCase under `postings:`."""

    environment: Literal["dev", "staging", "prod"] = Field(
        description=(
            "The stack name decides (dev, staging, prod); only a stack of another name (a personal stack) "
            "sets it, and only to dev."
        )
    )
    region: str = Field("eu-west-1", description="AWS region (read from `aws:region`).")
    allowed_account_ids: list[str] = Field(
        default_factory=list,
        description="AWS account ids this stack may deploy to (required for staging and prod).",
    )
    owner: str = Field("platform-team", description="Value of the Owner tag on every resource.")

    vpc_cidr: str = Field("10.10.0.0/16", description="VPC CIDR, /16 to /20, in a private range.")
    az_count: int = Field(2, ge=2, le=3, description="Availability zones to spread subnets over.")
    nat_mode: Literal["single", "per_az"] = Field(
        "single", description="One NAT gateway for the VPC, or one per availability zone."
    )
    log_retention_days: int = Field(30, description="Retention of every CloudWatch log group, in days.")

    db_instance_class: str = Field("db.t4g.micro", description="RDS instance class.")
    db_allocated_storage: int = Field(20, ge=20, le=65536, description="Initial storage, GiB.")
    db_max_allocated_storage: int = Field(
        100, ge=0, le=65536, description="Storage autoscaling ceiling, GiB (0 turns autoscaling off)."
    )
    db_multi_az: bool = Field(False, description="Standby replica in a second AZ.")
    db_backup_retention_days: int = Field(1, ge=0, le=35, description="Automated backup retention.")
    db_deletion_protection: bool = Field(False, description="Refuse deletion of the database.")
    db_engine_version: str = Field("8.0", description="MySQL engine version (8.0 or 8.4 family).")

    cache_node_type: str = Field("cache.t4g.micro", description="ElastiCache node type.")
    cache_replicas: int = Field(0, ge=0, le=5, description="Read replicas beside the primary.")
    cache_engine_version: str = Field("7.1", description="Redis engine version.")

    broker_instance_type: str = Field("mq.t3.micro", description="Amazon MQ instance type.")
    broker_deployment_mode: Literal["SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"] = Field(
        "SINGLE_INSTANCE", description="One broker, or a 3-node cluster across AZs."
    )
    broker_engine_version: str = Field("3.13", description="RabbitMQ engine version.")

    search_instance_type: str = Field("t3.small.search", description="OpenSearch data node type.")
    search_instance_count: int = Field(1, ge=1, le=20, description="OpenSearch data nodes.")
    search_volume_size: int = Field(10, ge=10, le=16384, description="EBS volume per data node, GiB.")
    search_dedicated_masters: bool = Field(False, description="Three dedicated master nodes.")
    search_master_instance_type: str = Field("m6g.large.search", description="Dedicated master node type.")
    search_engine_version: str = Field("OpenSearch_2.19", description="OpenSearch engine version.")

    api: TaskSize = Field(
        default_factory=TaskSize,
        description="The `api` Fargate service: cpu, memory, desiredCount, minCount, maxCount.",
    )
    worker: TaskSize = Field(
        default_factory=TaskSize,
        description="The `worker` Fargate service: cpu, memory, desiredCount, minCount, maxCount.",
    )
    image_tag: str = Field(
        description="Tag of the postings image in the stack's ECR repository (pushed by `infra release`)."
    )

    domain: str | None = Field(
        None, description="DNS name for the API; enables HTTPS with ACM (required for staging and prod)."
    )
    hosted_zone_id: str | None = Field(
        None, description="Route 53 hosted zone holding `domain` (required for staging and prod)."
    )
    waf_rate_limit: int = Field(
        1000,
        ge=WAF_RATE_LIMIT_MIN,
        le=WAF_RATE_LIMIT_MAX,
        description=(
            "Requests one client IP may send to the ALB per 5-minute window before the WAF blocks it "
            "(WAFv2 allows 10 to 2000000000)."
        ),
    )
    admin_cidrs: list[str] = Field(
        default_factory=list, description="CIDRs allowed to SSH to the bastion (none: SSM only)."
    )
    bastion_instance_type: str = Field("t4g.nano", description="EC2 type of the bastion host (arm64).")
    bastion_key_name: str | None = Field(
        None, description="EC2 key pair for SSH to the bastion (none: SSM only)."
    )
    alert_email: str | None = Field(
        None, description="E-mail address subscribed to alerts (required for staging and prod)."
    )
    alarm_overrides: dict[str, AlarmLevels] = Field(
        default_factory=dict,
        description="Alarm levels that differ from monitoring/thresholds.py: {signal: {warning, critical}}.",
    )
    monthly_budget_change_usd: BudgetUsd | None = Field(
        None,
        description=(
            "Largest increase of the monthly cost estimate, USD, a change may bring before its cost check "
            "fails (`infra cost --base`); unset: no limit."
        ),
    )

    @field_validator("allowed_account_ids")
    @classmethod
    def _account_ids(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"\d{12}", v)]
        if bad:
            raise ValueError(f"account ids are 12 digits; got {bad}")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        regions = aws_regions()
        if value not in regions:
            hint = _did_you_mean(value.lower(), regions, n=3)
            raise ValueError(f"not an AWS region{hint or ' (e.g. eu-west-1, us-east-1)'}")
        return value

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if "://" in value or "/" in value:
            raise ValueError("expected a DNS name such as api.example.com, without scheme or path")
        if value.startswith("*."):
            raise ValueError("the API's name is one host (its alias record); drop the wildcard")
        if len(value) > DOMAIN_MAX or not re.fullmatch(DOMAIN_PATTERN, value.rstrip(".")):
            raise ValueError(
                f"expected a DNS name such as api.example.com (labels of letters, digits and inner hyphens, "
                f"at most {DOMAIN_MAX} characters)"
            )
        return value

    @field_validator("hosted_zone_id")
    @classmethod
    def _hosted_zone_id(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if value.startswith("/hostedzone/"):
            raise ValueError(f"drop the /hostedzone/ prefix: {value.removeprefix('/hostedzone/')}")
        if not re.fullmatch(rf"[A-Z0-9]{{1,{HOSTED_ZONE_ID_MAX}}}", value):
            raise ValueError(
                "expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (upper-case letters and "
                "digits: `aws route53 list-hosted-zones-by-name --dns-name example.com`)"
            )
        return value

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_cidr(cls, value: str) -> str:
        network = _parse_network(value)
        if not MIN_VPC_PREFIX <= network.prefixlen <= MAX_VPC_PREFIX:
            raise ValueError(
                f"prefix must be /{MIN_VPC_PREFIX} to /{MAX_VPC_PREFIX} (AWS allows /16 at most)"
            )
        if not network.is_private:
            raise ValueError("must be a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)")
        return value

    @field_validator("admin_cidrs")
    @classmethod
    def _admin_cidrs(cls, value: list[str]) -> list[str]:
        networks = [_parse_network(v) for v in value]
        for network in networks:
            if network.prefixlen < 8:
                raise ValueError(f"{network} opens SSH to too much of the internet; use /8 or narrower")
        for i, a in enumerate(networks):
            for b in networks[i + 1 :]:
                if a.overlaps(b):
                    raise ValueError(f"{a} and {b} overlap; list each network once")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(f"CloudWatch accepts only {', '.join(map(str, LOG_RETENTION_DAYS))}")
        return value

    @field_validator("db_engine_version")
    @classmethod
    def _mysql_version(cls, value: str) -> str:
        if not re.fullmatch(r"8\.(0|4)(\.\d+)?", value):
            raise ValueError("expected MySQL 8.0 or 8.4 (e.g. 8.0, 8.0.39, 8.4)")
        return value

    @field_validator("image_tag")
    @classmethod
    def _image_tag(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", value):
            raise ValueError("expected a Docker tag: letters, digits, _ . -, at most 128 characters")
        if value == "latest":
            raise ValueError("the registry's tags are immutable; use the release tag `infra release` printed")
        # Under `pulumi up` the program sees only the string: an unquoted `imageTag: 1.10` arrives as 1.1,
        # the stack file's text is gone. `infra release` tags with the commit SHA, so a bare number is
        # refused here; `infra config check` and the rehearsal read the YAML itself and name the fix.
        if BARE_NUMBER.fullmatch(value):
            raise ValueError(
                "a bare number is what YAML makes of an unquoted version (imageTag: 1.10 arrives as 1.1); "
                "put the tag `infra release` printed (the commit SHA) in quotes"
            )
        return value

    @field_validator("alert_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;.]+", value):
            raise ValueError("expected one e-mail address such as oncall@example.com")
        return value

    @field_validator("alarm_overrides")
    @classmethod
    def _alarm_overrides(cls, value: dict[str, AlarmLevels]) -> dict[str, AlarmLevels]:
        unknown = sorted(set(value) - set(SIGNALS))
        if unknown:
            raise ValueError(f"unknown signal(s) {unknown}; known: {', '.join(sorted(SIGNALS))}")
        with_overrides({k: v.model_dump(exclude_none=True) for k, v in value.items()})
        return value

    @field_validator(*INSTANCE_TYPES)
    @classmethod
    def _instance_type(cls, value: str, info: ValidationInfo) -> str:
        pattern, example = INSTANCE_TYPES[str(info.field_name)]
        if not re.fullmatch(pattern, value):
            raise ValueError(f"expected an instance type such as {example}")
        return value

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def nat_gateway_count(self) -> int:
        return self.az_count if self.nat_mode == "per_az" else 1

    @property
    def signals(self) -> dict[str, Signal]:
        """Every monitored signal with this stack's `alarmOverrides` applied."""
        return with_overrides({k: v.model_dump(exclude_none=True) for k, v in self.alarm_overrides.items()})


# The keys of the postings: namespace (the region is aws:region).
SETTINGS = frozenset(to_camel(name) for name in StackConfig.model_fields) - {"region"}


def _parse_network(value: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except ValueError as err:
        raise ValueError(f"'{value}' is not an IPv4 CIDR with its host bits zero ({err})") from None


def _cross_field_problems(c: StackConfig) -> list[str]:
    """Rules spanning several keys; each message starts with the key to change."""
    problems: list[str] = []
    for service_name, size in (("api", c.api), ("worker", c.worker)):
        choices = FARGATE_MEMORY.get(size.cpu)
        if choices is None:
            problems.append(f"{service_name}.cpu = {size.cpu}: Fargate accepts {sorted(FARGATE_MEMORY)}")
        elif size.memory not in choices:
            allowed = (
                f"one of {choices}"
                if len(choices) <= 4
                else f"{choices[0]} to {choices[-1]} in steps of {choices[1] - choices[0]}"
            )
            problems.append(
                f"{service_name}.memory = {size.memory}: with cpu {size.cpu} Fargate accepts {allowed} MiB"
            )
        if not size.min_count <= size.desired_count <= size.max_count:
            problems.append(
                f"{service_name}.desiredCount = {size.desired_count}: must lie between minCount "
                f"{size.min_count} and maxCount {size.max_count}"
            )
        if size.max_count < 1:
            problems.append(f"{service_name}.maxCount = {size.max_count}: must be at least 1")
    if c.db_max_allocated_storage and c.db_max_allocated_storage <= c.db_allocated_storage:
        problems.append(
            f"dbMaxAllocatedStorage = {c.db_max_allocated_storage}: must exceed dbAllocatedStorage "
            f"({c.db_allocated_storage}) or be 0 to turn storage autoscaling off"
        )
    if c.broker_deployment_mode == "CLUSTER_MULTI_AZ" and c.broker_instance_type.startswith("mq.t3."):
        problems.append(
            f"brokerInstanceType = {c.broker_instance_type}: a RabbitMQ cluster needs mq.m5.large or larger"
        )
    if c.search_instance_count > 1 and c.search_instance_count % min(c.az_count, c.search_instance_count):
        problems.append(
            f"searchInstanceCount = {c.search_instance_count}: with zone awareness over {c.az_count} AZs "
            f"the data nodes must be a multiple of {c.az_count}"
        )
    if c.environment not in GUARDED and (c.domain is None) != (c.hosted_zone_id is None):
        problems.append(
            f"domain = {c.domain!r}, hostedZoneId = {c.hosted_zone_id!r}: "
            "set both (HTTPS) or neither (HTTP only)"
        )
    vpc = ipaddress.IPv4Network(c.vpc_cidr)
    for cidr in c.admin_cidrs:
        if ipaddress.IPv4Network(cidr).overlaps(vpc):
            problems.append(f"adminCidrs: {cidr} overlaps vpcCidr {c.vpc_cidr}; admins connect from outside")
    if c.is_prod:
        problems.extend(_prod_problems(c))
    return problems


def _prod_problems(c: StackConfig) -> list[str]:
    """Settings refused in prod because they lose data or availability."""
    rules: list[tuple[bool, str]] = [
        (c.az_count < 3, f"azCount = {c.az_count}: prod spreads over 3 availability zones"),
        (c.nat_mode != "per_az", f"natMode = {c.nat_mode}: prod needs a NAT gateway per AZ (per_az)"),
        (not c.db_multi_az, "dbMultiAz = false: prod needs a Multi-AZ database"),
        (not c.db_deletion_protection, "dbDeletionProtection = false: prod needs deletion protection"),
        (
            c.db_backup_retention_days < 7,
            f"dbBackupRetentionDays = {c.db_backup_retention_days}: prod keeps backups at least 7 days",
        ),
        (c.cache_replicas < 1, "cacheReplicas = 0: prod needs a replica for automatic failover"),
        (
            c.broker_deployment_mode != "CLUSTER_MULTI_AZ",
            f"brokerDeploymentMode = {c.broker_deployment_mode}: prod needs CLUSTER_MULTI_AZ",
        ),
        (
            c.search_instance_count < 3,
            f"searchInstanceCount = {c.search_instance_count}: prod needs at least 3 data nodes",
        ),
        (c.api.min_count < 2, f"api.minCount = {c.api.min_count}: prod runs at least 2 api tasks"),
    ]
    return [message for broken, message in rules if broken]


def _guarded_problems(environment: str, values: Mapping[str, Any]) -> list[str]:
    """What staging and prod cannot run without, checked before any value is: a pinned account, the API
    served over HTTPS on a name of its own, and someone who receives the alarms."""
    rules: list[tuple[str, str]] = [
        ("allowedAccountIds", f"allowedAccountIds = []: {environment} must be pinned to its AWS account"),
        (
            "domain",
            f"domain: is required for {environment}, which serves the API over HTTPS only: set the DNS name "
            "it answers on, e.g. api.example.com (a name in the zone of hostedZoneId)",
        ),
        (
            "hostedZoneId",
            f"hostedZoneId: is required for {environment}: the Route 53 hosted zone that validates the "
            "certificate and holds the alias of domain, e.g. Z0123456789ABCDEFGHIJ "
            "(`aws route53 list-hosted-zones-by-name --dns-name example.com`)",
        ),
        (
            "alertEmail",
            f"alertEmail: is required for {environment}, whose alarms must reach someone: set the on-call "
            "address, e.g. oncall@example.com",
        ),
    ]
    return [f"{NAMESPACE}:{message}" for key, message in rules if not values.get(key)]


def stack_name(stack: str) -> str:
    """The stack's own name: `prod` and the organisation-qualified `acme/postings/prod` are both `prod`."""
    return stack.rsplit("/", 1)[-1]


def _identity(stack: str, declared: Any) -> tuple[str, list[str]]:
    """Which environment a stack is: its name, for dev, staging and prod; `dev` for any other stack,
    which must say so. No config value can make a stack staging or prod, or either of them anything else."""
    name = stack_name(stack)
    key = f"{NAMESPACE}:environment"
    if name in ENVIRONMENTS:
        if declared is None or declared == name:
            return name, []
        return name, [
            f"{key} = {declared}: the stack named {name} is {name}, and its config cannot say otherwise; "
            f"delete the key (the stack name decides)"
        ]
    if declared == "dev":
        return "dev", []
    if declared is None:
        return "dev", [
            f"{key}: stack '{name}' is not named dev, staging or prod; a personal stack says "
            f"`{key}: dev` (staging and prod are the stacks of those names only)"
        ]
    reason = (
        f"only the stack named {declared} is {declared}"
        if declared in GUARDED
        else f"{declared!r} is not an environment"
    )
    return "dev", [f"{key} = {declared}: {reason}; stack '{name}' may set dev only"]


def _did_you_mean(word: str, choices: Iterable[str], *, n: int = 1, prefix: str = "") -> str:
    """'; did you mean X?' for the nearest choices (a case-insensitive equal first), or ''."""
    options = sorted(choices)
    same_case = [c for c in options if c.lower() == word.lower()]
    matches = same_case or sorted(difflib.get_close_matches(word, options, n=n))
    if not matches:
        return ""
    names = [f"{prefix}{m}" for m in matches]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"; did you mean {listed}?"


@cache
def aws_provider_keys() -> frozenset[str]:
    """The `aws:` keys the installed pulumi-aws provider reads: what its config module asks the stack for."""
    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pulumi_aws is not installed: pip install -r infra/requirements.txt")
    source = Path(next(iter(spec.submodule_search_locations))) / "config" / "vars.py"
    keys = {
        node.args[0].value
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "__config__"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }
    return frozenset(keys)


@cache
def aws_regions() -> frozenset[str]:
    """Regions that exist: botocore's endpoint data (every partition) and the provider's Region enum.
    The Pulumi CLI installs only requirements/deploy.txt, without botocore: there the enum alone decides
    (a test keeps the two lists equal)."""
    import pulumi_aws

    regions = {region.value for region in pulumi_aws.Region}
    try:
        import botocore.session
    except ImportError:
        return frozenset(regions)
    endpoints = botocore.session.get_session().get_data("endpoints")
    regions.update(name for partition in endpoints["partitions"] for name in partition["regions"])
    return frozenset(regions)


def _unknown_key(key: str) -> str | None:
    """The problem with a key this program does not read, or None when it is someone else's to read."""
    namespace, _, name = key.partition(":")
    if namespace == "aws":
        if name in aws_provider_keys():
            return None
        if name in SETTINGS:
            return f"{key}: not an AWS provider setting; did you mean {NAMESPACE}:{name}?"
        hint = _did_you_mean(name, aws_provider_keys(), prefix="aws:")
        return f"{key}: not a setting of the AWS provider (pulumi_aws/config/vars.py){hint}"
    if namespace == NAMESPACE:
        if name == "region":
            return f"{key}: the region is the provider's key; did you mean aws:region?"
        if name in aws_provider_keys():
            return f"{key}: unknown key; did you mean aws:{name}?"
        return f"{key}: unknown key{_did_you_mean(name, SETTINGS, prefix=f'{NAMESPACE}:')}"
    if namespace == "pulumi":
        if name in PULUMI_KEYS:
            return None
        hint = _did_you_mean(name, PULUMI_KEYS, prefix="pulumi:")
        return f"{key}: not a setting of the Pulumi engine{hint}"
    readers = {NAMESPACE: SETTINGS, "aws": aws_provider_keys(), "pulumi": frozenset(PULUMI_KEYS)}
    near = difflib.get_close_matches(namespace.lower(), readers, n=1, cutoff=0.5)
    owners = near or [ns for ns, names in readers.items() if name in names]
    hint = _did_you_mean(name, readers[owners[0]], prefix=f"{owners[0]}:") if owners else ""
    return (
        f"{key}: unknown namespace '{namespace}', nothing reads it{hint} "
        f"(this stack reads {NAMESPACE}:, aws: and pulumi: keys)"
    )


def provider_notes(raw: Mapping[str, str]) -> list[str]:
    """The `aws:` keys that reach no provider: they configure Pulumi's default AWS provider, which the
    program never uses; its own provider is configured by the program alone (pulumi/pulumi-aws#1307)."""
    return [
        f"{key}: configures only Pulumi's default AWS provider, which this program never uses; its own "
        f"provider takes aws:region and {NAMESPACE}:allowedAccountIds, and credentials from the environment "
        "(AWS_PROFILE, AWS_ACCESS_KEY_ID)"
        for key in sorted(raw)
        if key.startswith("aws:") and key != "aws:region" and key.partition(":")[2] in aws_provider_keys()
    ]


def _decode(raw: str) -> Any:
    """Pulumi hands every config value over as a string; lists and objects arrive JSON-encoded.
    An empty string means "not set": Pulumi.yaml declares optional keys with an empty default."""
    stripped = raw.strip()
    if not stripped:
        return None
    if stripped[:1] in ("[", "{"):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return raw
    return raw


def _describe(error: ErrorDetails, values: Mapping[str, Any]) -> str:
    """One line per pydantic error: the full config key, the value given and what is allowed."""
    loc = [str(part) for part in error["loc"]]
    key = "aws:region" if loc == ["region"] else f"{NAMESPACE}:{'.'.join(loc)}"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"{key}: is required ({StackConfig.model_fields[to_snake(loc[0])].description})"
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown key"
    given = error["input"]
    shown = given if isinstance(given, str) else json.dumps(given, default=str)
    return f"{key} = {shown}: {message}"


def load_config(raw: Mapping[str, str], stack: str) -> StackConfig:
    """Validate a stack's config (`{"postings:vpcCidr": "10.0.0.0/16", "aws:region": ...}`).

    Every key of every namespace is checked: postings: keys against the schema, aws: keys against the
    installed provider's settings, anything else refused. Which environment the stack is comes from its
    name (see _identity). Raises ConfigError naming every bad key at once, so one run shows everything
    to fix. Keys that span several values (sizes, prod safety) are checked once every single value is valid.
    """
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        namespace, _, name = key.partition(":")
        if key == "aws:region":
            values["region"] = value
        elif namespace == NAMESPACE and name in SETTINGS:
            if (decoded := _decode(value)) is not None:
                values[name] = decoded
        elif (problem := _unknown_key(key)) is not None:
            problems.append(problem)
    values["environment"], identity = _identity(stack, values.pop("environment", None))
    problems.extend(identity)
    if values["environment"] in GUARDED:
        problems.extend(_guarded_problems(values["environment"], values))
    try:
        config = StackConfig.model_validate(values)
    except ValidationError as err:
        problems.extend(_describe(error, values) for error in err.errors())
        raise ConfigError(stack, problems) from None
    problems.extend(f"{NAMESPACE}:{problem}" for problem in _cross_field_problems(config))
    problems.extend(offering_problems(config))
    if problems:
        raise ConfigError(stack, problems)
    return config


def from_pulumi() -> StackConfig:
    """The running stack's config, as the language host (or a rehearsal) handed it to the program."""
    raw = {str(k): str(v) for k, v in CONFIG.get().items()}
    config = load_config(raw, pulumi.get_stack())
    for note in provider_notes(raw):
        pulumi.log.warn(note)
    return config


def _key(field_name: str) -> str:
    return "aws:region" if field_name == "region" else f"{NAMESPACE}:{to_camel(field_name)}"


def _default(field_name: str) -> Any:
    """The schema default as plain data, or PydanticUndefined-free None when the key is required."""
    info = StackConfig.model_fields[field_name]
    if info.is_required() and field_name != "environment":
        return None
    value = info.get_default(call_default_factory=True)
    return value.model_dump(by_alias=True) if isinstance(value, BaseModel) else value


def project_declarations() -> dict[str, dict[str, Any]]:
    """The `config:` block of Pulumi.yaml, derived from the schema so that defaults live here only.

    The CLI treats a declared key without a default as required, so optional keys declare an empty
    default (read back as "not set"), and `imageTag` alone has none.
    """
    declarations: dict[str, dict[str, Any]] = {}  # keys of the project's own namespace, unprefixed
    for field_name, info in StackConfig.model_fields.items():
        if field_name == "region":
            continue
        declaration: dict[str, Any] = {"description": info.description}
        default = _default(field_name)
        annotation = info.annotation
        if annotation is bool:
            declaration["type"] = "boolean"
        elif annotation is int:
            declaration["type"] = "integer"
        elif annotation == list[str]:
            declaration["type"] = "array"
            declaration["items"] = {"type": "string"}
        elif annotation is not TaskSize and field_name != "alarm_overrides":
            declaration["type"] = "string"
        if field_name == "environment" or (default is None and field_name != "image_tag"):
            declaration["default"] = ""
        elif default is not None:
            declaration["default"] = default
        declarations[to_camel(field_name)] = declaration
    return declarations


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | dict):
        return f"`{json.dumps(value, separators=(', ', ': '))}`"
    return f"`{value}`"


def config_table(stack_values: Mapping[str, Mapping[str, Any]]) -> str:
    """Markdown table of every key: its default and what each stack file sets (blank: the default)."""
    stacks = list(stack_values)
    header = ["key", "default", *stacks, "meaning"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for field_name, info in StackConfig.model_fields.items():
        key = _key(field_name)
        default = "required" if field_name == "image_tag" else _cell(_default(field_name))
        if field_name == "environment":
            default = "stack name"
        cells = [_cell(stack_values[s].get(key)) if key in stack_values[s] else "" for s in stacks]
        rows.append(f"| `{key}` | {default} | " + " | ".join(cells) + f" | {info.description} |")
    return "\n".join(rows)
