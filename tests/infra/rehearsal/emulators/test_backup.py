"""Backup emulators: the vault and the plan's rules are in moto; selections are checked, not stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.emulators.backup import cron_problem
from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.corpus.cases_backup import DEFAULT_ROLE
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def backups() -> Iterator[Rehearsal]:
    with rehearse_case("backup_vault_plan_with_cold_storage_and_selections") as rehearsed:
        yield rehearsed


def _backup(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("backup", region_name=rehearsal.account.region)


def test_vault_is_encrypted_with_the_declared_key(backups: Rehearsal) -> None:
    vault = backups.result.one("aws:backup/vault:Vault", "vault")
    key = backups.result.one("aws:kms/key:Key", "backups")
    described = _backup(backups).describe_backup_vault(BackupVaultName=vault.id)
    assert described["EncryptionKeyArn"] == key.state["arn"], vault.urn
    assert spec_of(vault.type).arn_pattern().fullmatch(vault.state["arn"]), vault.state["arn"]


def test_plan_holds_its_rules(backups: Rehearsal) -> None:
    plan = backups.result.one("aws:backup/plan:Plan", "plan")
    rules = _backup(backups).get_backup_plan(BackupPlanId=plan.id)["BackupPlan"]["Rules"]
    shaped = {
        r["RuleName"]: (r["ScheduleExpression"], r["TargetBackupVaultName"], r.get("Lifecycle"))
        for r in rules
    }
    assert shaped == {
        "daily": (
            "cron(0 3 * * ? *)",
            "postings-daily",
            {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 120},
        ),
        "weekly": ("cron(0 5 ? * SUN *)", "postings-daily", {"DeleteAfterDays": 365}),
    }, plan.urn
    assert spec_of(plan.type).arn_pattern().fullmatch(plan.state["arn"]), plan.state["arn"]


def test_selections_get_distinct_ids(backups: Rehearsal) -> None:
    selections = backups.result.by_type("aws:backup/selection:Selection")
    assert sorted(s.name for s in selections) == ["databases", "tagged"]
    assert len({s.id for s in selections}) == 2


@pytest.mark.parametrize(
    ("expression", "refused"),
    [
        ("cron(0 5 ? * MON-FRI *)", False),
        ("cron(30 2 1 * ? *)", False),
        ("cron(0 24 * * ? *)", True),
        ("cron(60 1 * * ? *)", True),
        ("rate(1 day)", True),
    ],
)
def test_backup_schedules(expression: str, refused: bool) -> None:
    assert (cron_problem(expression) is not None) is refused, expression


def test_a_role_made_outside_the_stack_is_reported_as_assumed() -> None:
    with rehearse_case("backup_selection_with_the_console_default_role") as rehearsal:
        selection = rehearsal.result.one("aws:backup/selection:Selection", "volumes")
        assert rehearsal.coverage.assumed == {f"iam role {DEFAULT_ROLE}": [selection.urn]}
