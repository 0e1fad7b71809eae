"""AWS Backup cases: vaults, plans and selections."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import role

PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
GUIDE = "https://docs.aws.amazon.com/aws-backup/latest/devguide"
DEFAULT_ROLE = "arn:aws:iam::000000000000:role/service-role/AWSBackupDefaultServiceRole"
"""The role the AWS Backup console makes in an account, outside any stack."""


def _plan(**rule: Any) -> aws.backup.Plan:
    vault = aws.backup.Vault("vault", name="postings-daily")
    settings: dict[str, Any] = {
        "rule_name": "daily",
        "target_vault_name": vault.name,
        "schedule": "cron(0 3 * * ? *)",
        "lifecycle": {"delete_after": 35},
    }
    settings.update(rule)
    return aws.backup.Plan("plan", rules=[aws.backup.PlanRuleArgs(**settings)])


def _selection(**overrides: Any) -> None:
    plan = _plan()
    backup_role = role("backup", "backup.amazonaws.com")
    args: dict[str, Any] = {"plan_id": plan.id, "iam_role_arn": backup_role.arn}
    args.update(overrides)
    aws.backup.Selection("databases", **args)


@valid("backup")
def backup_vault_plan_with_cold_storage_and_selections() -> None:
    key = aws.kms.Key("backups")
    vault = aws.backup.Vault("vault", name="postings-daily", kms_key_arn=key.arn)
    plan = aws.backup.Plan(
        "plan",
        rules=[
            {
                "rule_name": "daily",
                "target_vault_name": vault.name,
                "schedule": "cron(0 3 * * ? *)",
                "start_window": 60,
                "completion_window": 240,
                "lifecycle": {"cold_storage_after": 30, "delete_after": 120},
            },
            {
                "rule_name": "weekly",
                "target_vault_name": vault.name,
                "schedule": "cron(0 5 ? * SUN *)",
                "lifecycle": {"delete_after": 365},
            },
        ],
    )
    backup_role = role("backup", "backup.amazonaws.com")
    aws.backup.Selection(
        "databases",
        plan_id=plan.id,
        iam_role_arn=backup_role.arn,
        resources=["arn:aws:rds:eu-west-1:000000000000:db:postings"],
    )
    aws.backup.Selection(
        "tagged",
        plan_id=plan.id,
        iam_role_arn=backup_role.arn,
        selection_tags=[{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}],
    )


@refused("backup", token=PLAN, prop="rules", source=f"{GUIDE}/API_Lifecycle.html")
def backup_cold_storage_kept_under_90_days() -> None:
    _plan(lifecycle={"cold_storage_after": 30, "delete_after": 60})


@refused("backup", token=PLAN, prop="rules", source=f"{GUIDE}/API_BackupRuleInput.html")
def backup_schedule_as_a_five_field_cron() -> None:
    _plan(schedule="cron(0 3 * * *)")


@refused("backup", token=PLAN, prop="rules", source=f"{GUIDE}/API_BackupRuleInput.html")
def backup_schedule_with_both_day_fields() -> None:
    _plan(schedule="cron(0 3 1 * MON *)")


@refused("backup", token=PLAN, prop="rules", source=f"{GUIDE}/API_BackupRuleInput.html")
def backup_schedule_as_a_rate() -> None:
    _plan(schedule="daily")


@refused("backup", token=PLAN, prop="rules", source=f"{GUIDE}/API_BackupRuleInput.html")
def backup_start_window_of_thirty_minutes() -> None:
    _plan(start_window=30)


@refused("backup", token=PLAN, prop="rules", source=f"{GUIDE}/API_BackupRuleInput.html")
def backup_rule_name_with_spaces() -> None:
    _plan(rule_name="daily backups")


@refused(
    "backup",
    token="aws:backup/vault:Vault",
    prop="name",
    source=f"{GUIDE}/API_CreateBackupVault.html",
)
def backup_vault_name_with_a_dot() -> None:
    aws.backup.Vault("vault", name="postings.daily")


@refused("backup", token=SELECTION, prop="resources", source=f"{GUIDE}/API_BackupSelection.html")
def backup_selection_of_nothing() -> None:
    _selection()


@refused("backup", token=SELECTION, prop="name", source=f"{GUIDE}/API_BackupSelection.html")
def backup_selection_name_with_spaces() -> None:
    _selection(name="all databases", resources=["arn:aws:rds:eu-west-1:000000000000:db:postings"])


@refused("backup", token=SELECTION, prop="selectionTags", source=f"{GUIDE}/API_Condition.html")
def backup_selection_tag_condition_equals() -> None:
    _selection(selection_tags=[{"type": "EQUALS", "key": "backup", "value": "daily"}])


@valid("backup")
def backup_selection_with_the_console_default_role() -> None:
    plan = _plan()
    aws.backup.Selection(
        "volumes",
        plan_id=plan.id,
        iam_role_arn=DEFAULT_ROLE,
        resources=["arn:aws:ec2:eu-west-1:000000000000:volume/*"],
    )
