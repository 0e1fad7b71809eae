"""KMS cases: keys, aliases and grants."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import role

KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
GRANT = "aws:kms/grant:Grant"
ROTATION = "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html"
ROOT = {"AWS": "arn:aws:iam::000000000000:root"}


def _key_policy(statement: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@valid("kms")
def kms_rotating_key_with_policy_alias_and_grant() -> None:
    admin = {"Sid": "Admin", "Effect": "Allow", "Principal": ROOT, "Action": "kms:*", "Resource": "*"}
    key = aws.kms.Key(
        "data",
        description="data at rest",
        deletion_window_in_days=30,
        enable_key_rotation=True,
        rotation_period_in_days=180,
        policy=_key_policy(admin),
    )
    aws.kms.Alias("data-alias", name="alias/postings/data", target_key_id=key.key_id)
    aws.kms.Alias("auto-named-alias", target_key_id=key.key_id)  # the provider names it alias/...
    worker = role("worker", "ecs-tasks.amazonaws.com")
    aws.kms.Grant(
        "worker-decrypt",
        key_id=key.key_id,
        grantee_principal=worker.arn,
        operations=["Decrypt", "GenerateDataKey"],
    )


@valid("kms")
def kms_asymmetric_signing_key_without_rotation() -> None:
    aws.kms.Key("signing", key_usage="SIGN_VERIFY", customer_master_key_spec="ECC_NIST_P256")


@refused(
    "kms",
    token=KEY,
    prop="deletionWindowInDays",
    source="https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
)
def kms_deletion_window_of_three_days() -> None:
    aws.kms.Key("data", deletion_window_in_days=3)


@refused(
    "kms",
    token=KEY,
    prop="deletionWindowInDays",
    source="https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
)
def kms_deletion_window_of_ninety_days() -> None:
    aws.kms.Key("data", deletion_window_in_days=90)


@refused("kms", token=KEY, prop="enableKeyRotation", source=ROTATION)
def kms_rotation_on_an_asymmetric_key() -> None:
    aws.kms.Key(
        "signing", key_usage="SIGN_VERIFY", customer_master_key_spec="RSA_2048", enable_key_rotation=True
    )


@refused("kms", token=KEY, prop="enableKeyRotation", source=ROTATION)
def kms_rotation_on_an_hmac_key() -> None:
    aws.kms.Key(
        "tokens",
        key_usage="GENERATE_VERIFY_MAC",
        customer_master_key_spec="HMAC_256",
        enable_key_rotation=True,
    )


@refused(
    "kms",
    token=KEY,
    prop="rotationPeriodInDays",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html",
)
def kms_rotation_every_thirty_days() -> None:
    aws.kms.Key("data", enable_key_rotation=True, rotation_period_in_days=30)


@refused(
    "kms",
    token=KEY,
    prop="policy",
    source="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
)
def kms_key_policy_without_principal() -> None:
    aws.kms.Key("data", policy=_key_policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}))


@refused(
    "kms",
    token=KEY,
    prop="keyUsage",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html",
)
def kms_key_usage_sign_and_encrypt() -> None:
    aws.kms.Key("data", key_usage="SIGN_ENCRYPT")


@refused(
    "kms",
    token=ALIAS,
    prop="name",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
)
def kms_alias_in_the_aws_namespace() -> None:
    key = aws.kms.Key("data")
    aws.kms.Alias("data-alias", name="alias/aws/postings", target_key_id=key.key_id)


@refused(
    "kms",
    token=ALIAS,
    prop="name",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
)
def kms_alias_without_the_alias_prefix() -> None:
    key = aws.kms.Key("data")
    aws.kms.Alias("data-alias", name="postings-data", target_key_id=key.key_id)


@refused(
    "kms",
    token=GRANT,
    prop="operations",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html",
)
def kms_grant_of_an_operation_that_is_not_grantable() -> None:
    key = aws.kms.Key("data")
    worker = role("worker", "ecs-tasks.amazonaws.com")
    aws.kms.Grant(
        "worker-all", key_id=key.key_id, grantee_principal=worker.arn, operations=["ScheduleKeyDeletion"]
    )


@valid("kms")
def kms_queue_encrypted_with_a_key_found_by_alias() -> None:
    """getAlias resolves the program's alias to its key."""
    key = aws.kms.Key("queues", description="queue encryption")
    alias = aws.kms.Alias("queues", name="alias/queues", target_key_id=key.key_id)
    found = aws.kms.get_alias_output(name=alias.name)
    aws.sqs.Queue("orders", kms_master_key_id=found.target_key_arn)


@refused(
    "kms",
    token="aws:kms/key:Key",
    prop="keyUsage",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html",
)
def kms_symmetric_key_for_signing() -> None:
    aws.kms.Key("signing", key_usage="SIGN_VERIFY", customer_master_key_spec="SYMMETRIC_DEFAULT")


CREATE_KEY = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html"
APP_ONLY = {
    "Sid": "App",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::000000000000:role/app"},
    "Action": ["kms:Decrypt", "kms:Encrypt"],
    "Resource": "*",
}


@valid("kms")
def kms_keys_the_caller_can_still_manage() -> None:
    admin = {"Sid": "Admin", "Effect": "Allow", "Principal": ROOT, "Action": "kms:*", "Resource": "*"}
    # A statement without Resource has no effect, but CreateKey accepts it.
    logs = {
        "Sid": "Logs",
        "Effect": "Allow",
        "Principal": {"Service": "logs.amazonaws.com"},
        "Action": "kms:Decrypt",
    }
    aws.kms.Key("data", policy=json.dumps({"Version": "2012-10-17", "Statement": [admin, logs]}))
    aws.kms.Key("sealed", policy=_key_policy(APP_ONLY), bypass_policy_lockout_safety_check=True)
    manager = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::000000000000:role/deployer"},
        "NotAction": ["kms:Decrypt"],
        "Resource": "*",
    }
    aws.kms.Key("managed", policy=_key_policy(manager))


@refused("kms", token=KEY, prop="policy", source=CREATE_KEY)
def kms_key_policy_that_locks_everyone_out() -> None:
    aws.kms.Key("data", policy=_key_policy(APP_ONLY))


@valid("kms")
def kms_keys_of_every_usage_with_matching_grants() -> None:
    worker = role("worker", "ecs-tasks.amazonaws.com")
    rsa = aws.kms.Key("rsa", customer_master_key_spec="RSA_3072", key_usage="ENCRYPT_DECRYPT")
    mac = aws.kms.Key("mac", customer_master_key_spec="HMAC_256", key_usage="GENERATE_VERIFY_MAC")
    signer = aws.kms.Key("signer", customer_master_key_spec="ECC_NIST_P384", key_usage="SIGN_VERIFY")
    aws.kms.Key("agreement", customer_master_key_spec="ECC_NIST_P256", key_usage="KEY_AGREEMENT")
    for name, key, operations in (
        ("rsa", rsa, ["Encrypt", "Decrypt", "GetPublicKey"]),
        ("mac", mac, ["GenerateMac", "VerifyMac", "DescribeKey"]),
        ("signer", signer, ["Sign", "Verify", "GetPublicKey"]),
    ):
        aws.kms.Grant(f"{name}-grant", key_id=key.key_id, grantee_principal=worker.arn, operations=operations)


@refused("kms", token=KEY, prop="keyUsage", source=CREATE_KEY)
def kms_elliptic_curve_key_for_encryption() -> None:
    aws.kms.Key("data", customer_master_key_spec="ECC_NIST_P256", key_usage="ENCRYPT_DECRYPT")


@refused("kms", token=KEY, prop="keyUsage", source=CREATE_KEY)
def kms_hmac_key_for_encryption() -> None:
    aws.kms.Key("data", customer_master_key_spec="HMAC_256", key_usage="ENCRYPT_DECRYPT")


@refused(
    "kms",
    token=GRANT,
    prop="operations",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html",
)
def kms_grant_to_sign_with_a_symmetric_key() -> None:
    key = aws.kms.Key("data")
    worker = role("worker", "ecs-tasks.amazonaws.com")
    aws.kms.Grant("worker-sign", key_id=key.key_id, grantee_principal=worker.arn, operations=["Sign"])


@refused(
    "kms",
    token=GRANT,
    prop="operations",
    source="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html",
)
def kms_grant_of_data_keys_on_a_signing_key() -> None:
    key = aws.kms.Key("signer", customer_master_key_spec="RSA_2048", key_usage="SIGN_VERIFY")
    worker = role("worker", "ecs-tasks.amazonaws.com")
    aws.kms.Grant(
        "worker-keys", key_id=key.key_id, grantee_principal=worker.arn, operations=["GenerateDataKey"]
    )
