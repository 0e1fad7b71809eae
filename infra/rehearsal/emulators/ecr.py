"""ECR: repositories, lifecycle and repository policies, replication, pull through cache and scanning."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    NotFoundError,
    Resource,
    answers,
    tags_list,
    tags_map,
)
from infra.rehearsal.emulators.iam import policy_json
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, Validation, Where, emulates, rule

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


REPOSITORY_POLICIES = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html"


@rule(
    "ecr-repository-policy-principal",
    "aws:ecr/repositoryPolicy:RepositoryPolicy",
    prop="policy",
    summary="A repository policy is a JSON policy whose every statement names a Principal",
    source=f"{REPOSITORY_POLICIES} (a repository policy is a resource-based policy: it specifies the"
    " principals it allows or denies)",
)
def _repository_policy_principal(ctx: Context, r: Resource) -> str | None:
    document = r.get("policy")
    if document is None:
        return None
    parsed = policy_json(document)
    if not isinstance(parsed, dict):
        return "the policy is not a JSON object"
    statements = parsed.get("Statement")
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        if not isinstance(statement, dict) or not ({"Principal", "NotPrincipal"} & set(statement)):
            return f"Statement[{index}] names no Principal: a repository policy says whom it lets in"
    return None


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


LIFECYCLE_PARAMETERS = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lifecycle_policy_parameters"
TAG_STATUSES = ("tagged", "untagged", "any")
COUNT_TYPES = ("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned")
ACTION_TYPES = ("expire", "transition")


def lifecycle_problem(text: str) -> str | None:
    """Why ECR refuses a lifecycle policy document (its parameters page), or None."""
    try:
        document = json.loads(text)
    except ValueError as err:
        return f"the lifecycle policy is not JSON: {err}"
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, list) or not rules:
        return "a lifecycle policy holds a non-empty list of rules"
    priorities = [r.get("rulePriority") for r in rules]
    if any(not isinstance(p, int) or p < 1 for p in priorities):
        return f"each rule's rulePriority is a positive integer; got {priorities}"
    if len(set(priorities)) != len(priorities):
        return f"rule priorities must be unique; got {priorities}"
    for entry in rules:
        problem = _rule_problem(entry)
        if problem:
            return f"rule {entry.get('rulePriority')}: {problem}"
    any_rules = [r["rulePriority"] for r in rules if (r.get("selection") or {}).get("tagStatus") == "any"]
    if any_rules and (len(any_rules) > 1 or any_rules[0] != max(priorities)):
        return "a rule with tagStatus any must be the only one and have the highest rulePriority"
    return None


def _rule_problem(entry: dict[str, Any]) -> str | None:
    selection = entry.get("selection") or {}
    status, count_type = selection.get("tagStatus"), selection.get("countType")
    if status not in TAG_STATUSES:
        return f"tagStatus must be one of {', '.join(TAG_STATUSES)}; got {status!r}"
    prefixes, patterns = selection.get("tagPrefixList"), selection.get("tagPatternList")
    if status == "tagged" and bool(prefixes) == bool(patterns):
        return "a tagged rule names either tagPrefixList or tagPatternList (one of them)"
    if status != "tagged" and (prefixes or patterns):
        return "tagPrefixList and tagPatternList are only for tagStatus tagged"
    if count_type not in COUNT_TYPES:
        return f"countType must be one of {', '.join(COUNT_TYPES)}; got {count_type!r}"
    if count_type == "imageCountMoreThan" and "countUnit" in selection:
        return "imageCountMoreThan takes no countUnit"
    if count_type != "imageCountMoreThan" and selection.get("countUnit") != "days":
        return f"{count_type} needs countUnit days"
    number = selection.get("countNumber")
    if not isinstance(number, int) or number < 1:
        return f"countNumber is a positive integer; got {number!r}"
    action = (entry.get("action") or {}).get("type")
    if action not in ACTION_TYPES:
        return f"action type must be one of {', '.join(ACTION_TYPES)}; got {action!r}"
    return None


@rule(
    "ecr-lifecycle-policy-grammar",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    prop="policy",
    summary="A lifecycle policy's rules have unique priorities, valid selections (tagStatus, countType, "
    "countUnit) and actions",
    source=LIFECYCLE_PARAMETERS,
)
def _lifecycle_grammar(ctx: Context, r: Resource) -> str | None:
    policy = r.get("policy")
    return lifecycle_problem(policy) if isinstance(policy, str) else None


REPLICATION = "aws:ecr/replicationConfiguration:ReplicationConfiguration"
# Commercial Regions (https://docs.aws.amazon.com/general/latest/gr/ecr.html, November 2026).
REGIONS = frozenset(
    {
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
        "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
        "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
        "us-west-1", "us-west-2",
    }
)  # fmt: skip


@rule(
    "ecr-replication-destinations",
    REPLICATION,
    prop="replicationConfiguration",
    summary="Each replication destination is an ECR Region other than the source registry's own",
    source="https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html",
)
def _replication_destinations(ctx: Context, r: Resource) -> str | None:
    config = r.get("replicationConfiguration") or {}
    for index, entry in enumerate(config.get("rules", [])):
        for destination in entry.get("destinations", []):
            region, registry = destination.get("region"), str(destination.get("registryId", ""))
            where = f"rules[{index}] destination {region}/{registry}"
            if region not in REGIONS:
                return f"{where}: {region!r} is not a Region ECR runs in"
            if region == ctx.region and registry == ctx.account_id:
                return f"{where}: a registry can't replicate to itself (same Region and account)"
    return None


@emulates(
    REPLICATION,
    note="put_replication_configuration",
    replace_on=(),
    naming=UNNAMED,
    arn="",
)
def replication_configuration(ctx: Context, r: Resource) -> Emulated:
    config = r.get("replicationConfiguration") or {}
    rules = [
        {
            "destinations": [
                {"region": d.get("region"), "registryId": str(d.get("registryId"))}
                for d in entry.get("destinations", [])
            ],
            **(
                {
                    "repositoryFilters": [
                        {"filter": f.get("filter"), "filterType": f.get("filterType")}
                        for f in entry["repositoryFilters"]
                    ]
                }
                if entry.get("repositoryFilters")
                else {}
            ),
        }
        for entry in config.get("rules", [])
    ]
    created = ctx.aws(
        r,
        "replicationConfiguration",
        "ecr",
        "put_replication_configuration",
        replicationConfiguration={"rules": rules},
    )
    return str(created.get("registryId", ctx.account_id)), {"registryId": ctx.account_id}


PULL_THROUGH = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"
PULL_THROUGH_GUIDE = (
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html"
)
# Upstream registries that take no credentials, and those that need a Secrets Manager credential.
PUBLIC_UPSTREAMS = ("public.ecr.aws", "registry.k8s.io", "quay.io")
AUTHENTICATED_UPSTREAMS = ("registry-1.docker.io", "ghcr.io", "registry.gitlab.com")
_AZURE = re.compile(r"[a-z0-9]+\.azurecr\.io")
_PRIVATE_ECR = re.compile(r"\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com")


@rule(
    "ecr-pull-through-upstream",
    PULL_THROUGH,
    prop="upstreamRegistryUrl",
    summary="The upstream registry is one ECR can cache (ECR Public, Kubernetes, Quay, Docker Hub, GitHub, "
    "GitLab, Azure, private ECR)",
    source=PULL_THROUGH_GUIDE,
)
def _upstream_supported(ctx: Context, r: Resource) -> str | None:
    url = r.get("upstreamRegistryUrl")
    if not isinstance(url, str):
        return None
    if (
        url in PUBLIC_UPSTREAMS + AUTHENTICATED_UPSTREAMS
        or _AZURE.fullmatch(url)
        or _PRIVATE_ECR.fullmatch(url)
    ):
        return None
    known = ", ".join(PUBLIC_UPSTREAMS + AUTHENTICATED_UPSTREAMS)
    return f"ECR can't cache {url!r}: it caches {known}, *.azurecr.io and private ECR registries"


@rule(
    "ecr-pull-through-credential",
    PULL_THROUGH,
    prop="credentialArn",
    summary="Docker Hub, GitHub, GitLab and Azure upstreams need a credentialArn; ECR Public, Kubernetes "
    "and Quay take none",
    source=PULL_THROUGH_GUIDE,
)
def _upstream_credential(ctx: Context, r: Resource) -> str | None:
    url, credential = str(r.get("upstreamRegistryUrl", "")), r.get("credentialArn")
    needs = url in AUTHENTICATED_UPSTREAMS or bool(_AZURE.fullmatch(url))
    if needs and not credential:
        return (
            f"the upstream {url} needs credentialArn, a Secrets Manager secret named ecr-pullthroughcache/..."
        )
    if url in PUBLIC_UPSTREAMS and credential:
        return f"the upstream {url} is public and takes no credentialArn"
    return None


@emulates(
    PULL_THROUGH,
    note="moto has no CreatePullThroughCacheRule: the request is checked against the service model (the "
    "credential's ecr-pullthroughcache/ name) and the secret is read back, nothing is created",
    replace_on={"ecrRepositoryPrefix", "upstreamRegistryUrl", "upstreamRepositoryPrefix"},
    naming=UNNAMED,
    arn="",
    validation=Validation.UNVALIDATED,
)
def pull_through_cache_rule(ctx: Context, r: Resource) -> Emulated:
    prefix = str(r.get("ecrRepositoryPrefix"))
    kwargs: dict[str, Any] = {
        "ecrRepositoryPrefix": prefix,
        "upstreamRegistryUrl": r.get("upstreamRegistryUrl"),
    }
    for key in ("credentialArn", "customRoleArn", "upstreamRepositoryPrefix"):
        if r.get(key):
            kwargs[key] = r.get(key)
    ctx.check(r, "ecrRepositoryPrefix", "ecr", "create_pull_through_cache_rule", **kwargs)
    if r.get("credentialArn"):
        ctx.aws(r, "credentialArn", "secretsmanager", "describe_secret", SecretId=r.get("credentialArn"))
    return prefix, {"registryId": ctx.account_id}


SCANNING_RULE = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningRule.html"
FREQUENCIES = {"BASIC": ("SCAN_ON_PUSH", "MANUAL"), "ENHANCED": ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")}


@rule(
    "ecr-scan-frequency-for-type",
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    prop="rules",
    summary="BASIC scanning runs on push (or manually); ENHANCED on push or continuously",
    source=SCANNING_RULE + " (scanFrequency)",
)
def _scan_frequency(ctx: Context, r: Resource) -> str | None:
    scan_type = r.get("scanType")
    if scan_type not in FREQUENCIES:
        return None
    for index, entry in enumerate(r.get("rules", [])):
        frequency = entry.get("scanFrequency")
        if frequency not in FREQUENCIES[scan_type]:
            allowed = " or ".join(FREQUENCIES[scan_type])
            return f"rules[{index}]: {scan_type} scanning runs {allowed}, not {frequency}"
    return None


@emulates(
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    note="put_registry_scanning_configuration",
    replace_on=(),
    naming=UNNAMED,
    arn="",
)
def registry_scanning_configuration(ctx: Context, r: Resource) -> Emulated:
    rules = [
        {
            "scanFrequency": entry.get("scanFrequency"),
            "repositoryFilters": [
                {"filter": f.get("filter"), "filterType": f.get("filterType")}
                for f in entry.get("repositoryFilters", [])
            ],
        }
        for entry in r.get("rules", [])
    ]
    ctx.aws(
        r, "scanType", "ecr", "put_registry_scanning_configuration", scanType=r.get("scanType"), rules=rules
    )
    return ctx.account_id, {"registryId": ctx.account_id}


GET_REPOSITORY = "aws:ecr/getRepository:getRepository"


@answers(GET_REPOSITORY)
def get_repository(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    ecr = ctx.client("ecr")
    region = str(args.get("region") or ctx.region)
    kwargs: dict[str, Any] = {"repositoryNames": [str(args["name"])]}
    if args.get("registryId"):
        kwargs["registryId"] = str(args["registryId"])
    criteria = {"name": args["name"], "registryId": args.get("registryId")}
    try:
        repository = ecr.describe_repositories(**kwargs)["repositories"][0]
    except ecr.exceptions.RepositoryNotFoundException as err:
        raise NotFoundError(GET_REPOSITORY, "ECR Repository", criteria, region) from err
    arn = repository["repositoryArn"]
    images = ecr.describe_images(
        registryId=repository["registryId"], repositoryName=repository["repositoryName"]
    ).get("imageDetails", [])
    # The provider reads the tags of the most recently pushed image.
    latest: dict[str, Any] = max(images, key=lambda i: i.get("imagePushedAt", 0), default={})
    encryption = repository.get("encryptionConfiguration") or {"encryptionType": "AES256"}
    return {
        "id": repository["repositoryName"],
        "arn": arn,
        "name": repository["repositoryName"],
        "registryId": repository["registryId"],
        "repositoryUrl": repository["repositoryUri"],
        "encryptionConfigurations": [
            {"encryptionType": encryption["encryptionType"], "kmsKey": encryption.get("kmsKey", "")}
        ],
        "imageScanningConfigurations": [
            {"scanOnPush": bool(repository.get("imageScanningConfiguration", {}).get("scanOnPush"))}
        ],
        "imageTagMutability": repository.get("imageTagMutability", "MUTABLE"),
        "imageTagMutabilityExclusionFilters": [
            {"filter": f["filter"], "filterType": f["filterType"]}
            for f in repository.get("imageTagMutabilityExclusionFilters", [])
        ],
        "mostRecentImageTags": list(latest.get("imageTags", [])),
        "tags": tags_map(ecr.list_tags_for_resource(resourceArn=arn).get("tags")),
        "region": region,
    }


@answers("aws:ecr/getAuthorizationToken:getAuthorizationToken")
def get_authorization_token(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """A registry login, as `docker login` takes it: user and password decoded from the token."""
    kwargs = {"registryIds": [str(args["registryId"])]} if args.get("registryId") else {}
    data = ctx.client("ecr").get_authorization_token(**kwargs)["authorizationData"][0]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    registry = str(args.get("registryId") or ctx.account_id)
    return {
        "id": ctx.region,
        "authorizationToken": data["authorizationToken"],
        "expiresAt": data["expiresAt"].isoformat(),
        "proxyEndpoint": data["proxyEndpoint"],
        "registryId": registry,
        "userName": user,
        "password": password,
        "region": ctx.region,
    }
