"""IAM, Secrets Manager, ECR and SNS: least privilege, rotation, scanned immutable images, encryption."""

from __future__ import annotations

from collections.abc import Sequence

from infra.policies.model import Enforcement, Resource, Rule, Severity, Stack, Violation, as_list, as_mapping
from infra.policies.rules.common import actions, allows, resources_of, statements

POLICY_DOCUMENT_PROPS = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
ROLE = "aws:iam/role:Role"
USER_POLICY_TYPES = (
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
)
SECRET = "aws:secretsmanager/secret:Secret"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
TOPIC = "aws:sns/topic:Topic"
MAX_ROTATION_DAYS = 90


def _documents(resource: Resource) -> list[object]:
    if resource.type == ROLE:
        return [as_mapping(p).get("policy") for p in as_list(resource.get("inlinePolicies"))]
    return [resource.get(POLICY_DOCUMENT_PROPS[resource.type])]


def _allowed(resource: Resource) -> list[tuple[list[str], list[str]]]:
    return [
        (actions(s), resources_of(s))
        for document in _documents(resource)
        for s in statements(document)
        if allows(s)
    ]


def _no_admin(resource: Resource) -> Sequence[str]:
    return [
        f"{resource.name} allows every action on every resource"
        for granted, on in _allowed(resource)
        if "*" in granted and "*" in on
    ]


def _no_service_wildcards(resource: Resource) -> Sequence[str]:
    wildcards = sorted(
        {a for granted, _ in _allowed(resource) for a in granted if a == "*" or a.endswith(":*")}
    )
    return [f"{resource.name} allows {', '.join(wildcards)}"] if wildcards else []


def _no_user_policies(resource: Resource) -> Sequence[str]:
    if resource.type == "aws:iam/policyAttachment:PolicyAttachment" and not as_list(resource.get("users")):
        return []
    return [f"{resource.name} gives permissions to IAM users directly; attach them to a group or role"]


def _rotation(stack: Stack) -> list[Violation]:
    return [
        Violation(secret.urn, f"secret {secret.name} is never rotated")
        for secret in stack.of_type(SECRET)
        if not stack.referencing(secret, (ROTATION,), "secretId")
    ]


def _rotation_period(resource: Resource) -> Sequence[str]:
    rules = as_mapping(resource.get("rotationRules"))
    days = rules.get("automaticallyAfterDays")
    if days is not None and int(days) <= MAX_ROTATION_DAYS:
        return []
    if days is None and rules.get("scheduleExpression"):
        return []
    return [f"{resource.name} rotates every {days} days; at most {MAX_ROTATION_DAYS}"]


def _scan_on_push(resource: Resource) -> Sequence[str]:
    if as_mapping(resource.get("imageScanningConfiguration")).get("scanOnPush") is True:
        return []
    return [f"repository {resource.name} does not scan images on push"]


def _immutable(resource: Resource) -> Sequence[str]:
    if str(resource.get("imageTagMutability", "MUTABLE")).startswith("IMMUTABLE"):
        return []
    return [f"repository {resource.name} lets a tag be pushed again"]


def _lifecycle(stack: Stack) -> list[Violation]:
    return [
        Violation(repo.urn, f"repository {repo.name} has no lifecycle policy")
        for repo in stack.of_type(REPOSITORY)
        if not stack.referencing(repo, (LIFECYCLE,), "repository")
    ]


def _topic_encrypted(resource: Resource) -> Sequence[str]:
    return [] if resource.get("kmsMasterKeyId") else [f"topic {resource.name} is not encrypted at rest"]


POLICY_TYPES = (*POLICY_DOCUMENT_PROPS, ROLE)

RULES = (
    Rule(
        id="iam-no-admin-policy",
        control="IAM.1",
        desired='No IAM policy allows "*" actions on "*" resources.',
        explanation="Grant the actions the role needs on the resources it uses (see infra/iam.py).",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=POLICY_TYPES,
        check=_no_admin,
    ),
    Rule(
        id="iam-no-user-policies",
        control="IAM.2",
        desired="IAM users get permissions only through groups or roles.",
        explanation="Replace user policies and attachments with a group (or better, a role to assume).",
        severity=Severity.LOW,
        enforcement=Enforcement.MANDATORY,
        types=USER_POLICY_TYPES,
        check=_no_user_policies,
    ),
    Rule(
        id="iam-no-service-wildcards",
        control="IAM.21",
        desired='No IAM policy allows a whole service ("svc:*") or every action.',
        explanation='List the actions instead of "svc:*".',
        severity=Severity.LOW,
        enforcement=Enforcement.MANDATORY,
        types=POLICY_TYPES,
        check=_no_service_wildcards,
    ),
    Rule(
        id="secretsmanager-rotation",
        control="SecretsManager.1",
        desired="Every Secrets Manager secret has automatic rotation.",
        explanation="Declare aws.secretsmanager.SecretRotation with a rotation Lambda. Generated credentials "
        "of Redis and RabbitMQ need one written per engine (the RDS master secret is rotated by RDS itself).",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.ADVISORY,
        stack_check=_rotation,
    ),
    Rule(
        id="secretsmanager-rotation-period",
        control="SecretsManager.4",
        desired="Secrets rotate at least every 90 days.",
        explanation=f"Set rotation_rules.automatically_after_days to {MAX_ROTATION_DAYS} or fewer.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(ROTATION,),
        check=_rotation_period,
    ),
    Rule(
        id="ecr-scan-on-push",
        control="ECR.1",
        desired="ECR repositories scan every image on push.",
        explanation="Set image_scanning_configuration={scan_on_push: True}.",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(REPOSITORY,),
        check=_scan_on_push,
    ),
    Rule(
        id="ecr-immutable-tags",
        control="ECR.2",
        desired="ECR repositories have immutable tags.",
        explanation="Set image_tag_mutability='IMMUTABLE'; a release tag then always names the same image.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(REPOSITORY,),
        check=_immutable,
    ),
    Rule(
        id="ecr-lifecycle-policy",
        control="ECR.3",
        desired="Every ECR repository has a lifecycle policy.",
        explanation="Declare aws.ecr.LifecyclePolicy for the repository (expire untagged, keep N releases).",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        stack_check=_lifecycle,
    ),
    Rule(
        id="sns-encrypted",
        control="SNS.1",
        desired="SNS topics are encrypted at rest with KMS.",
        explanation="Set kms_master_key_id (alias/aws/sns or a customer key).",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(TOPIC,),
        check=_topic_encrypted,
    ),
)
