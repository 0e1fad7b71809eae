"""Registry: ECR scanned on push, immutable tags, lifecycle policy."""

from __future__ import annotations

import json

from infra.components.registry import lifecycle_policy
from tests.infra.program import run


def test_lifecycle_policy_rules() -> None:
    rules = json.loads(lifecycle_policy(keep_releases=5, untagged_days=2))["rules"]
    assert [
        (r["rulePriority"], r["selection"]["tagStatus"], r["selection"]["countNumber"]) for r in rules
    ] == [
        (1, "untagged", 2),
        (2, "any", 5),
    ]


def test_repository_inputs_and_image_reference() -> None:
    result = run("dev")
    repository = result.one("aws:ecr/repository:Repository", "postings-dev-repository")
    assert repository.inputs["name"] == "postings-dev"
    assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
    assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repository.inputs["forceDelete"] is True
    lifecycle = result.one("aws:ecr/lifecyclePolicy:LifecyclePolicy", "postings-dev-lifecycle")
    assert lifecycle.inputs["repository"] == "postings-dev"
    assert json.loads(lifecycle.inputs["policy"]) == json.loads(lifecycle_policy())
    assert result.outputs["ecrRepositoryUrl"] == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/postings-dev"


def test_prod_repository_cannot_be_force_deleted() -> None:
    assert (
        run("prod").one("aws:ecr/repository:Repository", "postings-prod-repository").inputs["forceDelete"]
        is False
    )
