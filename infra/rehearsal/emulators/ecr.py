"""ECR: repositories, their lifecycle and repository policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, Where, emulates

REPOSITORY_NAME = Naming(
    max_length=256,
    pattern=r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*",
    lower=True,
    source=(
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html"
        " (repositoryName: 2-256, lowercase, namespaces with /)"
    ),
)


def _repository_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "repositoryUrl": f"{where.account_id}.dkr.ecr.{where.region}.amazonaws.com/{s['name']}",
        "registryId": where.account_id,
    }


@emulates(
    "aws:ecr/repository:Repository",
    note="create_repository; moto refuses a name in use (RepositoryAlreadyExistsException)",
    replace_on={"encryptionConfigurations", "name"},
    naming=REPOSITORY_NAME,
    arn="arn:{partition}:ecr:{region}:{account}:repository/{name}",
    stateful="image registry",
    computed=_repository_outputs,
)
def ecr_repository(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "repositoryName": name,
        "imageTagMutability": r.get("imageTagMutability", "MUTABLE"),
        "tags": tags_list(r.get("tags")),
    }
    scanning = r.get("imageScanningConfiguration")
    if scanning:
        kwargs["imageScanningConfiguration"] = {"scanOnPush": bool(scanning.get("scanOnPush"))}
    encryption = r.get("encryptionConfigurations", [])
    if encryption:
        kwargs["encryptionConfiguration"] = {
            "encryptionType": encryption[0].get("encryptionType", "AES256"),
            **({"kmsKey": encryption[0]["kmsKey"]} if encryption[0].get("kmsKey") else {}),
        }
    repository = ctx.aws(r, "name", "ecr", "create_repository", **kwargs)["repository"]
    return name, {
        "name": name,
        "arn": repository["repositoryArn"],
        "registryId": repository["registryId"],
        "repositoryUrl": repository["repositoryUri"],
    }


@emulates(
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    note="put_lifecycle_policy",
    replace_on={"repository"},
    naming=UNNAMED,
    arn="",
)
def ecr_lifecycle_policy(ctx: Context, r: Resource) -> Emulated:
    repository = str(r.get("repository"))
    created = ctx.aws(
        r,
        "policy",
        "ecr",
        "put_lifecycle_policy",
        repositoryName=repository,
        lifecyclePolicyText=r.get("policy"),
    )
    return repository, {"registryId": created["registryId"]}


@emulates(
    "aws:ecr/repositoryPolicy:RepositoryPolicy",
    note="set_repository_policy",
    replace_on={"repository"},
    naming=UNNAMED,
    arn="",
)
def ecr_repository_policy(ctx: Context, r: Resource) -> Emulated:
    repository = str(r.get("repository"))
    created = ctx.aws(
        r, "policy", "ecr", "set_repository_policy", repositoryName=repository, policyText=r.get("policy")
    )
    return repository, {"registryId": created["registryId"]}
