"""ECR: the postings image repository, scanned on push, with immutable tags and a lifecycle policy."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

KEEP_RELEASES = 30
UNTAGGED_DAYS = 7


def lifecycle_policy(keep_releases: int = KEEP_RELEASES, untagged_days: int = UNTAGGED_DAYS) -> str:
    """Expire untagged layers after `untagged_days`; keep the newest `keep_releases` tagged images."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": f"expire untagged images after {untagged_days} days",
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": untagged_days,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"keep the newest {keep_releases} releases",
                    "selection": {
                        "tagStatus": "any",
                        "countType": "imageCountMoreThan",
                        "countNumber": keep_releases,
                    },
                    "action": {"type": "expire"},
                },
            ]
        },
        sort_keys=True,
    )


@dataclass(frozen=True, kw_only=True)
class RegistryArgs:
    repository_name: str
    """ECR repository name."""
    force_delete: bool
    """Allow `pulumi destroy` to delete a repository that still holds images (never in prod)."""


class Registry(pulumi.ComponentResource):
    """Where `infra release` pushes the postings image and ECS pulls it from."""

    repository_url: pulumi.Output[str]
    repository_name: pulumi.Output[str]
    repository_arn: pulumi.Output[str]

    def __init__(self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:Registry", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        repository = aws.ecr.Repository(
            f"{name}-repository",
            name=args.repository_name,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=[
                aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")
            ],
            force_delete=args.force_delete,
            opts=child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle", repository=repository.name, policy=lifecycle_policy(), opts=child
        )
        self.repository_url = repository.repository_url
        self.repository_name = repository.name
        self.repository_arn = repository.arn
        self.register_outputs(
            {
                "repository_url": self.repository_url,
                "repository_name": self.repository_name,
                "repository_arn": self.repository_arn,
            }
        )
