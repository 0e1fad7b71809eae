"""offering_problems: every committed stack passes; each value AWS does not offer is refused, naming its
key, value, fix and catalogue; a bastion type that cannot boot the arm64 image, by its architecture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.config import StackConfig, load_config
from infra.offerings.catalogue import load
from infra.offerings.check import BASTION_ARCHITECTURE, offering_problems
from infra.rehearsal.engine import load_project, read_stack_config

ROOT = Path(__file__).resolve().parents[3]


def stack_config(stack: str) -> StackConfig:
    raw, _ = read_stack_config(load_project(ROOT), stack)
    return load_config(raw, stack)


@pytest.fixture(scope="module")
def dev() -> StackConfig:
    return stack_config("dev")


def problems(base: StackConfig, **changes: Any) -> list[str]:
    # model_copy, not load_config: load_config may itself run this check and refuse the value first.
    return offering_problems(base.model_copy(update=changes))


def cites(name: str) -> str:
    return f"({load(name).citation()})"


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_committed_stack_asks_only_for_what_aws_offers(stack: str) -> None:
    assert offering_problems(stack_config(stack)) == []


def test_the_bastion_architecture_comes_from_the_image_it_boots() -> None:
    assert BASTION_ARCHITECTURE == "arm64"


# The shipped RDS classes were answered in Seoul; the stacks live in Ireland.
ELSEWHERE = "ap-northeast-2 (the catalogue's region; the stack's is eu-west-1)"
# (key, field, value, what is wrong, the fix, catalogue): the message is `key = value: what; fix (citation)`.
REFUSALS = [
    (
        "postings:dbInstanceClass",
        "db_instance_class",
        "db.t4g.mega",
        f"not an RDS instance class for MySQL in {ELSEWHERE}",
        "did you mean db.t4g.medium? db.t4g comes as micro, small, medium, large, xlarge, 2xlarge",
        "rds_instance_classes",
    ),
    (
        "postings:dbInstanceClass",
        "db_instance_class",
        "db.z9.large",
        f"not an RDS instance class for MySQL in {ELSEWHERE}",
        "did you mean db.t3.large?",
        "rds_instance_classes",
    ),
    (
        "postings:dbEngineVersion",
        "db_engine_version",
        "8.0.99",
        "not a MySQL version RDS offers",
        "did you mean 8.0.46?",
        "rds_engine_versions",
    ),
    (
        "postings:dbEngineVersion",
        "db_engine_version",
        "8.0.28",
        "not a MySQL version RDS offers",
        "did you mean 8.0.42?",
        "rds_engine_versions",
    ),
    (
        "postings:cacheNodeType",
        "cache_node_type",
        "cache.t4g.large",
        "not an ElastiCache node type for Redis OSS",
        "did you mean cache.t4g.small? cache.t4g comes as micro, small, medium",
        "elasticache_node_types",
    ),
    (
        "postings:cacheEngineVersion",
        "cache_engine_version",
        "7.3",
        "not a Redis OSS version ElastiCache offers",
        "did you mean 7.1?",
        "elasticache_engine_versions",
    ),
    (
        "postings:brokerInstanceType",
        "broker_instance_type",
        "mq.m5.mega",
        "not an Amazon MQ broker instance type for RabbitMQ",
        "did you mean mq.m5.large? mq.m5 comes as large, xlarge, 2xlarge, 4xlarge",
        "mq_instance_types",
    ),
    (
        "postings:brokerEngineVersion",
        "broker_engine_version",
        "3.12",
        "not a RabbitMQ version Amazon MQ offers",
        "did you mean 3.13?",
        "mq_engine_versions",
    ),
    (
        "postings:searchInstanceType",
        "search_instance_type",
        "m6g.huge.search",
        "not an instance type of OpenSearch Service",
        "did you mean m6g.large.search? m6g comes as large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge",
        "opensearch_instance_types",
    ),
    (
        "postings:searchMasterInstanceType",
        "search_master_instance_type",
        "m6g.large.elasticsearch",
        "not an instance type of OpenSearch Service",
        "did you mean m6g.large.search?",
        "opensearch_instance_types",
    ),
    (
        "postings:searchEngineVersion",
        "search_engine_version",
        "OpenSearch_2.18",
        "not an engine version Amazon OpenSearch Service offers",
        "did you mean OpenSearch_2.19?",
        "opensearch_versions",
    ),
    (
        "postings:bastionInstanceType",
        "bastion_instance_type",
        "t4g.mega",
        "not an EC2 instance type in eu-west-1",
        "did you mean t4g.medium? t4g comes as nano, micro, small, medium, large, xlarge, 2xlarge",
        "ec2_instance_types",
    ),
]


@pytest.mark.parametrize(
    ("key", "field", "value", "what", "fix", "catalogue"), REFUSALS, ids=lambda v: str(v)
)
def test_a_value_aws_does_not_offer_is_refused_with_its_key_and_fix(
    dev: StackConfig, key: str, field: str, value: str, what: str, fix: str, catalogue: str
) -> None:
    assert problems(dev, **{field: value}) == [f"{key} = {value}: {what}; {fix} {cites(catalogue)}"]


@pytest.mark.parametrize(
    ("value", "architectures", "instead"),
    [
        ("t3.micro", "x86_64", "t4g.micro"),
        ("m5.large", "x86_64", "m9g.large"),
        ("mac2.metal", "arm64_mac", "m7g.metal"),
    ],
)
def test_a_bastion_type_that_cannot_boot_the_arm64_image_is_refused_by_architecture(
    dev: StackConfig, value: str, architectures: str, instead: str
) -> None:
    assert problems(dev, bastion_instance_type=value) == [
        f"postings:bastionInstanceType = {value}: {architectures} only, but the bastion boots an arm64 "
        "Amazon Linux 2023 image (AMI_NAME_PATTERN in infra/components/hosts.py); choose an arm64 type, "
        f"e.g. {instead} {cites('ec2_instance_types')}"
    ]


def test_a_broker_type_that_does_not_run_the_engine_version_is_refused_naming_the_ones_that_do(
    dev: StackConfig,
) -> None:
    assert problems(dev, broker_engine_version="4.2") == [
        "postings:brokerInstanceType = mq.t3.micro: Amazon MQ runs RabbitMQ 4.2 only on mq.m7g.medium, "
        "mq.m7g.large, mq.m7g.xlarge, mq.m7g.2xlarge, mq.m7g.4xlarge, mq.m7g.8xlarge, mq.m7g.12xlarge; "
        f"choose one of those, or postings:brokerEngineVersion 3.13 {cites('mq_instance_types')}"
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"db_engine_version": "8.4"},
        {"db_engine_version": "8.4.7", "db_instance_class": "db.r8g.large"},
        {"db_engine_version": "8.0.46"},
        {"cache_engine_version": "7.0", "cache_node_type": "cache.r7g.large"},
        {"broker_engine_version": "4.2", "broker_instance_type": "mq.m7g.large"},
        {"search_engine_version": "OpenSearch_3.1", "search_instance_type": "r6g.large.search"},
        {"bastion_instance_type": "t4g.micro"},
        {"bastion_instance_type": "m7g.medium"},
    ],
)
def test_offered_alternatives_pass(dev: StackConfig, changes: dict[str, str]) -> None:
    assert problems(dev, **changes) == []


def test_a_stack_in_another_region_is_told_the_catalogue_is_not_its_region(dev: StackConfig) -> None:
    assert problems(dev, region="us-east-1", bastion_instance_type="t4g.mega")[0].startswith(
        "postings:bastionInstanceType = t4g.mega: not an EC2 instance type in eu-west-1 (the catalogue's "
        "region; the stack's is us-east-1); did you mean t4g.medium?"
    )


def test_one_problem_per_bad_value_in_config_key_order(dev: StackConfig) -> None:
    found = problems(
        dev,
        bastion_instance_type="t3.small",
        db_instance_class="db.t4g.mega",
        cache_node_type="cache.t1.micro",
        search_engine_version="OpenSearch_9.9",
    )
    assert [p.split(" ", 1)[0] for p in found] == [
        "postings:dbInstanceClass",
        "postings:cacheNodeType",
        "postings:searchEngineVersion",
        "postings:bastionInstanceType",
    ]


def test_an_unoffered_engine_version_is_reported_once_not_on_the_instance_type(dev: StackConfig) -> None:
    assert [p.split(" ", 1)[0] for p in problems(dev, broker_engine_version="5.0")] == [
        "postings:brokerEngineVersion"
    ]
