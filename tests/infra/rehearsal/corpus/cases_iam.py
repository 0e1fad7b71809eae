"""IAM cases: roles, users, groups, their policies and attachments, OIDC providers, access keys."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import role

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GRAMMAR = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
ELEMENTS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements"
QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
READ_BUCKET = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}


def _document(*statements: dict[str, Any], version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def _role_policy(statement: dict[str, Any], **document: Any) -> None:
    app = role("app", "ecs-tasks.amazonaws.com")
    aws.iam.RolePolicy("app-read", role=app.id, policy=_document(statement, **document))


def _many_statements(count: int) -> str:
    statements = [
        {
            "Sid": f"Read{i}",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::bucket-{i}/*",
        }
        for i in range(count)
    ]
    return _document(*statements)


@valid("iam")
def iam_role_with_inline_managed_policies_and_profile() -> None:
    app = role("app", "ec2.amazonaws.com")
    aws.iam.RolePolicy("app-read", role=app.id, policy=_document(READ_BUCKET))
    managed = aws.iam.Policy("reports-read", path="/reports/", policy=_document(READ_BUCKET))
    aws.iam.RolePolicyAttachment("app-reports", role=app.name, policy_arn=managed.arn)
    aws.iam.InstanceProfile("app-profile", role=app.name)


@valid("iam")
def iam_policy_document_from_the_data_source() -> None:
    document = aws.iam.get_policy_document_output(
        statements=[
            aws.iam.GetPolicyDocumentStatementArgs(
                actions=["sqs:SendMessage", "sqs:ReceiveMessage"],
                resources=["arn:aws:sqs:eu-west-1:000000000000:jobs"],
            )
        ]
    )
    aws.iam.Policy("jobs", policy=document.json)


@valid("iam")
def iam_users_groups_memberships_and_policies() -> None:
    developers = aws.iam.Group("developers", path="/teams/")
    operators = aws.iam.Group("operators")
    alice = aws.iam.User("alice", path="/teams/")
    bob = aws.iam.User("bob")
    aws.iam.GroupMembership("developers-members", group=developers.name, users=[alice.name, bob.name])
    aws.iam.UserGroupMembership("bob-groups", user=bob.name, groups=[operators.name])
    aws.iam.UserPolicy("alice-read", user=alice.name, policy=_document(READ_BUCKET))
    aws.iam.GroupPolicy("developers-read", group=developers.name, policy=_document(READ_BUCKET))
    managed = aws.iam.Policy("reports-read", policy=_document(READ_BUCKET))
    aws.iam.UserPolicyAttachment("alice-reports", user=alice.name, policy_arn=managed.arn)
    aws.iam.GroupPolicyAttachment("operators-reports", group=operators.name, policy_arn=managed.arn)
    app = role("app", "ecs-tasks.amazonaws.com")
    aws.iam.PolicyAttachment("reports-everyone", policy_arn=managed.arn, users=[bob.name], roles=[app.name])
    aws.iam.AccessKey("bob-key", user=bob.name)


@valid("iam")
def iam_github_oidc_provider_and_service_linked_role() -> None:
    aws.iam.OpenIdConnectProvider(
        "github",
        url="https://token.actions.githubusercontent.com",
        client_id_lists=["sts.amazonaws.com"],
        thumbprint_lists=["6938fd4d98bab03faadb97b34396831e3780aea1"],
    )
    aws.iam.ServiceLinkedRole("spot", aws_service_name="spot.amazonaws.com")


@refused("iam", token=ROLE_POLICY, prop="policy", source=f"{ELEMENTS}_principal.html")
def iam_identity_policy_names_a_principal() -> None:
    _role_policy({**READ_BUCKET, "Principal": {"AWS": "arn:aws:iam::000000000000:root"}})


@refused("iam", token=ROLE_POLICY, prop="policy", source=f"{ELEMENTS}_effect.html")
def iam_policy_effect_is_not_allow_or_deny() -> None:
    _role_policy({**READ_BUCKET, "Effect": "Permit"})


@refused("iam", token=ROLE_POLICY, prop="policy", source=f"{ELEMENTS}_action.html")
def iam_policy_action_without_its_service_prefix() -> None:
    _role_policy({**READ_BUCKET, "Action": "GetObject"})


@refused("iam", token=POLICY, prop="policy", source=f"{ELEMENTS}_resource.html")
def iam_managed_policy_statement_without_resource() -> None:
    aws.iam.Policy("read", policy=_document({"Effect": "Allow", "Action": "s3:GetObject"}))


@refused("iam", token=POLICY, prop="policy", source=f"{ELEMENTS}_version.html")
def iam_policy_version_is_a_date_of_its_own() -> None:
    aws.iam.Policy("read", policy=_document(READ_BUCKET, version="2024-01-01"))


@refused("iam", token=POLICY, prop="policy", source=GRAMMAR)
def iam_policy_without_statement() -> None:
    aws.iam.Policy("read", policy=json.dumps({"Version": "2012-10-17"}))


@refused("iam", token=ROLE, prop="assumeRolePolicy", source=f"{ELEMENTS}_principal.html")
def iam_trust_policy_without_principal() -> None:
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole"}
    aws.iam.Role("app", assume_role_policy=_document(trust))


@refused("iam", token=POLICY, prop="policy", source=QUOTAS)
def iam_managed_policy_over_6144_characters() -> None:
    aws.iam.Policy("buckets", policy=_many_statements(80))


@refused("iam", token=USER_POLICY, prop="policy", source=QUOTAS)
def iam_user_inline_policies_over_2048_characters() -> None:
    user = aws.iam.User("ci")
    aws.iam.UserPolicy("ci-buckets", user=user.name, policy=_many_statements(12))
    aws.iam.UserPolicy("ci-more-buckets", user=user.name, policy=_many_statements(12))


@refused(
    "iam",
    token=ROLE,
    prop="path",
    source="https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
)
def iam_role_path_without_slashes() -> None:
    trust = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    aws.iam.Role("app", path="services", assume_role_policy=_document(trust))


@refused(
    "iam",
    token=ROLE,
    prop="maxSessionDuration",
    source="https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
)
def iam_role_session_longer_than_12_hours() -> None:
    trust = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    aws.iam.Role("app", max_session_duration=24 * 3600, assume_role_policy=_document(trust))


@refused(
    "iam",
    token="aws:iam/user:User",
    prop="name",
    source="https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html",
)
def iam_user_name_with_a_space() -> None:
    aws.iam.User("ci", name="ci deployer")


@refused(
    "iam",
    token="aws:iam/groupMembership:GroupMembership",
    prop="users",
    source="https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html",
)
def iam_group_membership_of_a_user_that_does_not_exist() -> None:
    group = aws.iam.Group("developers")
    aws.iam.GroupMembership("developers-members", group=group.name, users=["nobody"])


@refused(
    "iam",
    token="aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    prop="policyArn",
    source="https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html",
)
def iam_attachment_of_a_managed_policy_that_does_not_exist() -> None:
    app = role("app", "ecs-tasks.amazonaws.com")
    aws.iam.RolePolicyAttachment(
        "app-admin", role=app.name, policy_arn="arn:aws:iam::aws:policy/AdministratorAccessEverywhere"
    )


@refused(
    "iam",
    token="aws:iam/policyAttachment:PolicyAttachment",
    prop="users",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/policy_attachment.go",
)
def iam_policy_attachment_to_nobody() -> None:
    managed = aws.iam.Policy("reports-read", policy=_document(READ_BUCKET))
    aws.iam.PolicyAttachment("reports-everyone", policy_arn=managed.arn)


@refused(
    "iam",
    token="aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    prop="url",
    source="https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html",
)
def iam_oidc_provider_over_plain_http() -> None:
    aws.iam.OpenIdConnectProvider(
        "gitlab", url="http://gitlab.example.com", client_id_lists=["sts.amazonaws.com"]
    )


@refused(
    "iam",
    token="aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    prop="thumbprintLists",
    source="https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html",
)
def iam_oidc_thumbprint_is_not_a_sha1() -> None:
    aws.iam.OpenIdConnectProvider(
        "github",
        url="https://token.actions.githubusercontent.com",
        client_id_lists=["sts.amazonaws.com"],
        thumbprint_lists=["6938fd4d98bab03faadb97b343968"],
    )


@refused(
    "iam",
    token="aws:iam/accessKey:AccessKey",
    prop="status",
    source="https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html",
)
def iam_access_key_status_disabled() -> None:
    user = aws.iam.User("ci")
    aws.iam.AccessKey("ci-key", user=user.name, status="Disabled")


@valid("iam")
def iam_ecs_task_role_with_a_managed_policy_found_by_lookup() -> None:
    """getPolicy finds an AWS managed policy by name; getRole reads back the role the program made."""
    task_role = role("task", "ecs-tasks.amazonaws.com")
    execution = aws.iam.get_policy(name="AmazonECSTaskExecutionRolePolicy")
    aws.iam.RolePolicyAttachment("task-execution", role=task_role.name, policy_arn=execution.arn)
    found = aws.iam.get_role_output(name=task_role.name)
    aws.iam.RolePolicyAttachment(
        "task-readonly",
        role=found.name,
        policy_arn=aws.iam.get_policy(arn="arn:aws:iam::aws:policy/ReadOnlyAccess").arn,
    )


SID = f"{ELEMENTS}_sid.html"


@valid("iam")
def iam_policies_with_statement_ids() -> None:
    trust = {
        "Sid": "EcsTasksAssume",
        "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    app = aws.iam.Role("app", assume_role_policy=_document(trust))
    aws.iam.RolePolicy(
        "app-read",
        role=app.id,
        policy=_document({**READ_BUCKET, "Sid": "ReadReports2024"}, {**READ_BUCKET, "Sid": ""}),
    )


@refused("iam", token=ROLE_POLICY, prop="policy", source=SID)
def iam_policy_sid_with_hyphens() -> None:
    _role_policy({**READ_BUCKET, "Sid": "Allow-S3-Read"})


@refused("iam", token=POLICY, prop="policy", source=SID)
def iam_policy_sid_used_twice() -> None:
    aws.iam.Policy(
        "reports-read", policy=_document({**READ_BUCKET, "Sid": "Read"}, {**READ_BUCKET, "Sid": "Read"})
    )


@refused("iam", token=ROLE, prop="assumeRolePolicy", source=SID)
def iam_trust_policy_sid_with_a_space() -> None:
    trust = {
        "Sid": "Lambda assumes",
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    aws.iam.Role("fn", assume_role_policy=_document(trust))


def _trust(statement: dict[str, Any]) -> None:
    aws.iam.Role("cross-account", assume_role_policy=_document({"Action": "sts:AssumeRole", **statement}))


@valid("iam")
def iam_trust_policy_matching_role_names_with_a_condition() -> None:
    _trust(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/deploy-*"}},
        }
    )


@refused("iam", token=ROLE, prop="assumeRolePolicy", source=f"{ELEMENTS}_notprincipal.html")
def iam_trust_policy_with_not_principal() -> None:
    _trust({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}})


@refused("iam", token=ROLE, prop="assumeRolePolicy", source=f"{ELEMENTS}_principal.html")
def iam_trust_policy_with_a_wildcard_account() -> None:
    _trust({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:root"}})


@refused("iam", token=ROLE, prop="assumeRolePolicy", source=f"{ELEMENTS}_principal.html")
def iam_trust_policy_with_a_wildcard_role_name() -> None:
    _trust({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/deploy-*"}})


@valid("iam")
def iam_policy_document_from_plain_dicts_with_not_actions() -> None:
    document = aws.iam.get_policy_document_output(
        statements=[
            {
                "effect": "Allow",
                "not_actions": ["s3:DeleteObject"],
                "resources": ["arn:aws:s3:::reports/*"],
                "conditions": [{"test": "StringLike", "variable": "s3:prefix", "values": ["home/*"]}],
            },
            {"effect": "Deny", "actions": ["s3:*"], "not_resources": ["arn:aws:s3:::reports/*"]},
        ]
    )
    aws.iam.Policy("reports", policy=document.json)


CONDITION_OPERATORS = f"{ELEMENTS}_condition_operators.html"


@valid("iam")
def iam_policy_with_every_kind_of_condition_operator() -> None:
    _role_policy(
        {
            **READ_BUCKET,
            "Condition": {
                "StringEqualsIgnoreCaseIfExists": {"aws:PrincipalTag/team": "Data"},
                "ForAnyValue:StringLike": {"aws:TagKeys": ["team*"]},
                "NumericLessThanEquals": {"s3:max-keys": "100"},
                "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                "Null": {"aws:TokenIssueTime": "false"},
                "NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"},
                "ArnNotLikeIfExists": {"aws:SourceArn": "arn:aws:sns:*:*:legacy-*"},
                "BoolIfExists": {"aws:MultiFactorAuthPresent": "true"},
                "BinaryEquals": {"s3:x-amz-server-side-encryption-customer-key-MD5": "QmluYXJ5"},
            },
        }
    )


@refused("iam", token=ROLE_POLICY, prop="policy", source=CONDITION_OPERATORS)
def iam_policy_condition_null_if_exists() -> None:
    _role_policy({**READ_BUCKET, "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}})


@refused("iam", token=ROLE_POLICY, prop="policy", source=CONDITION_OPERATORS)
def iam_policy_condition_operator_misspelt() -> None:
    _role_policy({**READ_BUCKET, "Condition": {"StringEqual": {"aws:PrincipalTag/team": "data"}}})


@refused("iam", token=ROLE, prop="assumeRolePolicy", source=f"{ELEMENTS}_principal.html")
def iam_trust_policy_with_an_11_digit_account() -> None:
    _trust({"Effect": "Allow", "Principal": {"AWS": "11112222333"}})


@refused("iam", token=ROLE, prop="assumeRolePolicy", source=f"{ELEMENTS}_principal.html")
def iam_trust_policy_with_a_bare_service_name() -> None:
    _trust({"Effect": "Allow", "Principal": {"Service": "lambda"}})
