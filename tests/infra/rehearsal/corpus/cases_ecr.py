"""ECR cases: lifecycle policy grammar, replication, pull through cache rules and registry scanning."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
PULL_THROUGH = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"
PARAMETERS = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lifecycle_policy_parameters"
PULL_THROUGH_GUIDE = (
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html"
)
KEEP_RELEASES: dict[str, Any] = {
    "rulePriority": 1,
    "description": "keep 30 releases",
    "selection": {
        "tagStatus": "tagged",
        "tagPatternList": ["v*"],
        "countType": "imageCountMoreThan",
        "countNumber": 30,
    },
    "action": {"type": "expire"},
}
EXPIRE_UNTAGGED: dict[str, Any] = {
    "rulePriority": 2,
    "selection": {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 7,
    },
    "action": {"type": "expire"},
}


def _policy(*rules: dict[str, Any]) -> aws.ecr.LifecyclePolicy:
    repository = aws.ecr.Repository("app", name="corpus/app")
    return aws.ecr.LifecyclePolicy(
        "app-lifecycle", repository=repository.name, policy=json.dumps({"rules": list(rules)})
    )


def _selection(**selection: Any) -> dict[str, Any]:
    return {**KEEP_RELEASES, "selection": {**KEEP_RELEASES["selection"], **selection}}


@valid("ecr")
def ecr_registry_replication_cache_and_scanning() -> None:
    policy = _policy(KEEP_RELEASES, EXPIRE_UNTAGGED)
    aws.ecr.RepositoryPolicy(
        "app-pull",
        repository=policy.repository,
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "pull",
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    }
                ],
            }
        ),
    )
    aws.ecr.ReplicationConfiguration(
        "replication",
        replication_configuration={
            "rules": [
                {
                    "destinations": [{"region": "eu-central-1", "registry_id": "123456789012"}],
                    "repository_filters": [{"filter": "corpus", "filter_type": "PREFIX_MATCH"}],
                }
            ]
        },
    )
    aws.ecr.PullThroughCacheRule(
        "ecr-public", ecr_repository_prefix="ecr-public", upstream_registry_url="public.ecr.aws"
    )
    hub = aws.secretsmanager.Secret("docker-hub", name="ecr-pullthroughcache/docker-hub")
    aws.ecr.PullThroughCacheRule(
        "docker-hub",
        ecr_repository_prefix="docker-hub",
        upstream_registry_url="registry-1.docker.io",
        credential_arn=hub.arn,
    )
    aws.ecr.RegistryScanningConfiguration(
        "scanning",
        scan_type="ENHANCED",
        rules=[
            {
                "scan_frequency": "CONTINUOUS_SCAN",
                "repository_filters": [{"filter": "*", "filter_type": "WILDCARD"}],
            }
        ],
    )


@refused("ecr", token=LIFECYCLE, prop="policy", source=PARAMETERS)
def ecr_lifecycle_duplicate_priorities() -> None:
    _policy(KEEP_RELEASES, {**EXPIRE_UNTAGGED, "rulePriority": 1})


@refused("ecr", token=LIFECYCLE, prop="policy", source=PARAMETERS)
def ecr_lifecycle_tagged_without_tag_list() -> None:
    tagged = {k: v for k, v in KEEP_RELEASES["selection"].items() if k != "tagPatternList"}
    _policy({**KEEP_RELEASES, "selection": tagged})


@refused("ecr", token=LIFECYCLE, prop="policy", source=PARAMETERS)
def ecr_lifecycle_days_without_count_unit() -> None:
    _policy(_selection(countType="sinceImagePushed", countNumber=14))


@refused("ecr", token=LIFECYCLE, prop="policy", source=PARAMETERS)
def ecr_lifecycle_count_with_count_unit() -> None:
    _policy(_selection(countUnit="days"))


@refused("ecr", token=LIFECYCLE, prop="policy", source=PARAMETERS)
def ecr_lifecycle_any_rule_not_last() -> None:
    _policy(
        {
            **EXPIRE_UNTAGGED,
            "rulePriority": 1,
            "selection": {**EXPIRE_UNTAGGED["selection"], "tagStatus": "any"},
        },
        {**KEEP_RELEASES, "rulePriority": 2},
    )


@refused("ecr", token=LIFECYCLE, prop="policy", source=PARAMETERS)
def ecr_lifecycle_action_delete() -> None:
    _policy({**KEEP_RELEASES, "action": {"type": "delete"}})


def _replication_to(region: str) -> aws.ecr.ReplicationConfiguration:
    return aws.ecr.ReplicationConfiguration(
        "replication",
        replication_configuration={
            "rules": [{"destinations": [{"region": region, "registry_id": "123456789012"}]}]
        },
    )


@refused(
    "ecr",
    token="aws:ecr/replicationConfiguration:ReplicationConfiguration",
    prop="replicationConfiguration",
    source="https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html",
)
def ecr_replication_to_region_name_typo() -> None:
    _replication_to("eu-central")


@refused(
    "ecr",
    token="aws:ecr/replicationConfiguration:ReplicationConfiguration",
    prop="replicationConfiguration",
    source="https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html",
)
def ecr_replication_to_itself() -> None:
    _replication_to("eu-west-1")


@refused("ecr", token=PULL_THROUGH, prop="upstreamRegistryUrl", source=PULL_THROUGH_GUIDE)
def ecr_pull_through_docker_hub_short_name() -> None:
    hub = aws.secretsmanager.Secret("docker-hub", name="ecr-pullthroughcache/docker-hub")
    aws.ecr.PullThroughCacheRule(
        "docker-hub",
        ecr_repository_prefix="docker-hub",
        upstream_registry_url="docker.io",
        credential_arn=hub.arn,
    )


@refused("ecr", token=PULL_THROUGH, prop="credentialArn", source=PULL_THROUGH_GUIDE)
def ecr_pull_through_docker_hub_without_credential() -> None:
    aws.ecr.PullThroughCacheRule(
        "docker-hub", ecr_repository_prefix="docker-hub", upstream_registry_url="registry-1.docker.io"
    )


@refused(
    "ecr",
    token=PULL_THROUGH,
    prop="credentialArn",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html",
)
def ecr_pull_through_secret_without_prefix() -> None:
    hub = aws.secretsmanager.Secret("docker-hub", name="docker-hub-credentials")
    aws.ecr.PullThroughCacheRule(
        "docker-hub",
        ecr_repository_prefix="docker-hub",
        upstream_registry_url="registry-1.docker.io",
        credential_arn=hub.arn,
    )


@refused(
    "ecr",
    token=PULL_THROUGH,
    prop="ecrRepositoryPrefix",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html",
)
def ecr_pull_through_prefix_with_capitals() -> None:
    aws.ecr.PullThroughCacheRule("quay", ecr_repository_prefix="Quay", upstream_registry_url="quay.io")


@refused(
    "ecr",
    token="aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    prop="rules",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningRule.html",
)
def ecr_basic_scanning_continuous() -> None:
    aws.ecr.RegistryScanningConfiguration(
        "scanning",
        scan_type="BASIC",
        rules=[
            {
                "scan_frequency": "CONTINUOUS_SCAN",
                "repository_filters": [{"filter": "*", "filter_type": "WILDCARD"}],
            }
        ],
    )


@valid("ecr")
def ecr_lifecycle_policy_on_a_repository_found_by_name() -> None:
    """getRepository finds the repository by name and returns its URL."""
    repository = aws.ecr.Repository("api", name="team/api")
    found = aws.ecr.get_repository_output(name=repository.name)
    rule = {
        "rulePriority": 1,
        "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 5},
        "action": {"type": "expire"},
    }
    aws.ecr.LifecyclePolicy("api", repository=found.name, policy=json.dumps({"rules": [rule]}))


@refused(
    "ecr",
    token="aws:ecr/repositoryPolicy:RepositoryPolicy",
    prop="policy",
    source="https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
)
def ecr_repository_policy_without_principal() -> None:
    repository = aws.ecr.Repository("app", name="corpus/app")
    statement = {"Effect": "Allow", "Action": ["ecr:BatchGetImage"]}
    aws.ecr.RepositoryPolicy(
        "app-pull",
        repository=repository.name,
        policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )
