"""AWS Backup: vaults, plans and resource selections."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, EmulationError, Resource
from infra.rehearsal.spec import EVERY_INPUT, Emulated, Naming, Validation, emulates, rule, stable_hex

API = "https://docs.aws.amazon.com/aws-backup/latest/devguide"
VAULT_NAME = Naming(
    max_length=50,
    pattern=r"[A-Za-z0-9_-]{2,50}",
    source=f"{API}/API_CreateBackupVault.html (BackupVaultName: 2-50 letters, digits, hyphens, underscores)",
)
PLAN_NAME = Naming(
    max_length=50,
    pattern=r"[A-Za-z0-9_.-]+",
    source=f"{API}/API_BackupPlanInput.html (BackupPlanName: letters, digits, hyphens, underscores, periods;"
    " the console's limit of 50)",
)
SELECTION_NAME = Naming(
    max_length=50,
    pattern=r"[A-Za-z0-9_.-]{1,50}",
    source=f"{API}/API_BackupSelection.html (SelectionName: 1-50 letters, digits, hyphens, underscores,"
    " periods)",
)
MIN_COLD_STORAGE_DAYS = 90
MIN_START_WINDOW_MINUTES = 60
_CRON = re.compile(r"cron\(([^()]*)\)")


def cron_problem(expression: str) -> str | None:
    """Why AWS Backup refuses a rule's ScheduleExpression, or None: cron() with 6 fields, one of
    day-of-month and day-of-week being ?."""
    match = _CRON.fullmatch(expression.strip())
    if not match:
        return f"schedule {expression!r} is not a cron(...) expression"
    fields = match.group(1).split()
    if len(fields) != 6:
        return f"schedule {expression!r} has {len(fields)} fields; a cron expression has 6"
    if "?" not in (fields[2], fields[4]):
        return f"schedule {expression!r} gives both day-of-month and day-of-week; one of them must be ?"
    minutes = fields[0]
    if minutes.isdigit() and int(minutes) > 59:
        return f"schedule {expression!r} has minute {minutes}"
    hours = fields[1]
    if hours.isdigit() and int(hours) > 23:
        return f"schedule {expression!r} has hour {hours}"
    return None


def _rules(r: Resource) -> list[Mapping[str, Any]]:
    return [x for x in r.get("rules", []) if isinstance(x, Mapping)]


@rule(
    "backup-rule-schedule",
    "aws:backup/plan:Plan",
    prop="rules",
    summary="A backup rule's schedule is a 6-field cron() expression",
    source=f"{API}/API_BackupRuleInput.html (ScheduleExpression: a cron expression in UTC);"
    " https://docs.aws.amazon.com/AmazonCloudWatch/latest/events/ScheduledEvents.html#CronExpressions",
)
def _schedule(ctx: Context, r: Resource) -> str | None:
    for index, backup_rule in enumerate(_rules(r)):
        schedule = backup_rule.get("schedule")
        problem = cron_problem(str(schedule)) if schedule else None
        if problem:
            return f"rules[{index}]: {problem}"
    return None


def _lifecycle_problem(lifecycle: Mapping[str, Any] | None) -> str | None:
    lifecycle = lifecycle or {}
    cold, delete = lifecycle.get("coldStorageAfter"), lifecycle.get("deleteAfter")
    if not cold or not delete:
        return None
    if int(delete) < int(cold) + MIN_COLD_STORAGE_DAYS:
        return (
            f"deleteAfter {int(delete)} is less than {MIN_COLD_STORAGE_DAYS} days after coldStorageAfter"
            f" {int(cold)}"
        )
    return None


@rule(
    "backup-lifecycle-cold-storage",
    "aws:backup/plan:Plan",
    prop="rules",
    summary=f"A recovery point moved to cold storage is kept there at least {MIN_COLD_STORAGE_DAYS} days:"
    f" deleteAfter >= coldStorageAfter + {MIN_COLD_STORAGE_DAYS}",
    source=f"{API}/API_Lifecycle.html (backups transitioned to cold storage must be stored there for a"
    " minimum of 90 days)",
)
def _cold_storage(ctx: Context, r: Resource) -> str | None:
    for index, backup_rule in enumerate(_rules(r)):
        lifecycles = [backup_rule.get("lifecycle")] + [
            c.get("lifecycle") for c in backup_rule.get("copyActions", []) if isinstance(c, Mapping)
        ]
        for lifecycle in lifecycles:
            problem = _lifecycle_problem(lifecycle)
            if problem:
                return f"rules[{index}]: {problem}"
    return None


@rule(
    "backup-rule-start-window",
    "aws:backup/plan:Plan",
    prop="rules",
    summary=f"A backup rule's startWindow is at least {MIN_START_WINDOW_MINUTES} minutes",
    source=f"{API}/API_BackupRuleInput.html (StartWindowMinutes: if this value is included, it must be at"
    " least 60 minutes to avoid errors)",
)
def _start_window(ctx: Context, r: Resource) -> str | None:
    for index, backup_rule in enumerate(_rules(r)):
        start = backup_rule.get("startWindow")
        if start is not None and int(start) < MIN_START_WINDOW_MINUTES:
            return f"rules[{index}]: startWindow {int(start)} is under {MIN_START_WINDOW_MINUTES} minutes"
    return None


@emulates(
    "aws:backup/vault:Vault",
    note="create_backup_vault",
    replace_on={"kmsKeyArn", "name"},
    naming=VAULT_NAME,
    arn="arn:{partition}:backup:{region}:{account}:backup-vault:{name}",
    stateful="recovery points (backups)",
)
def vault(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {"BackupVaultName": name}
    if r.get("kmsKeyArn"):
        kwargs["EncryptionKeyArn"] = r.get("kmsKeyArn")
    if r.get("tags"):
        kwargs["BackupVaultTags"] = dict(r.get("tags"))
    created = ctx.aws(r, "name", "backup", "create_backup_vault", **kwargs)
    return name, {"arn": created["BackupVaultArn"], "name": name, "recoveryPoints": 0}


def _lifecycle(lifecycle: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not lifecycle:
        return None
    shaped: dict[str, Any] = {}
    if lifecycle.get("coldStorageAfter"):
        shaped["MoveToColdStorageAfterDays"] = int(lifecycle["coldStorageAfter"])
    if lifecycle.get("deleteAfter"):
        shaped["DeleteAfterDays"] = int(lifecycle["deleteAfter"])
    return shaped


def _rule_input(backup_rule: Mapping[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {
        "RuleName": backup_rule.get("ruleName"),
        "TargetBackupVaultName": backup_rule.get("targetVaultName"),
        "StartWindowMinutes": int(backup_rule.get("startWindow", 60)),
        "CompletionWindowMinutes": int(backup_rule.get("completionWindow", 180)),
        "EnableContinuousBackup": bool(backup_rule.get("enableContinuousBackup", False)),
        "ScheduleExpressionTimezone": backup_rule.get("scheduleExpressionTimezone", "Etc/UTC"),
    }
    if backup_rule.get("schedule"):
        shaped["ScheduleExpression"] = backup_rule["schedule"]
    lifecycle = _lifecycle(backup_rule.get("lifecycle"))
    if lifecycle:
        shaped["Lifecycle"] = lifecycle
    if backup_rule.get("recoveryPointTags"):
        shaped["RecoveryPointTags"] = dict(backup_rule["recoveryPointTags"])
    copies = []
    for copy in backup_rule.get("copyActions", []):
        action: dict[str, Any] = {"DestinationBackupVaultArn": copy.get("destinationVaultArn")}
        copy_lifecycle = _lifecycle(copy.get("lifecycle"))
        if copy_lifecycle:
            action["Lifecycle"] = copy_lifecycle
        copies.append(action)
    if copies:
        shaped["CopyActions"] = copies
    return shaped


@emulates(
    "aws:backup/plan:Plan",
    note="create_backup_plan; moto does not check that the target vaults exist",
    replace_on={"name"},
    naming=PLAN_NAME,
    arn="arn:{partition}:backup:{region}:{account}:backup-plan:{id}",
)
def plan(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    backup_plan: dict[str, Any] = {"BackupPlanName": name, "Rules": [_rule_input(x) for x in _rules(r)]}
    settings = [
        {"ResourceType": s.get("resourceType"), "BackupOptions": dict(s.get("backupOptions", {}))}
        for s in r.get("advancedBackupSettings", [])
    ]
    if settings:
        backup_plan["AdvancedBackupSettings"] = settings
    kwargs: dict[str, Any] = {"BackupPlan": backup_plan}
    if r.get("tags"):
        kwargs["BackupPlanTags"] = dict(r.get("tags"))
    created = ctx.aws(r, "rules", "backup", "create_backup_plan", **kwargs)
    return created["BackupPlanId"], {
        "arn": created["BackupPlanArn"],
        "name": name,
        "version": created.get("VersionId", ""),
    }


@rule(
    "backup-selection-targets",
    "aws:backup/selection:Selection",
    prop="resources",
    summary="A backup selection names resources, tags or conditions to back up",
    source=f"{API}/API_BackupSelection.html (Resources, ListOfTags, Conditions: what the selection assigns"
    " to the plan); an empty selection is refused (InvalidParameterValueException)",
)
def _selection_targets(ctx: Context, r: Resource) -> str | None:
    if r.get("resources") or r.get("selectionTags") or r.get("conditions"):
        return None
    return "the selection names no resources, selectionTags or conditions"


def _conditions(conditions: list[Mapping[str, Any]]) -> dict[str, Any]:
    shaped: dict[str, list[dict[str, str]]] = {}
    for block in conditions:
        for key, member in (
            ("stringEquals", "StringEquals"),
            ("stringLikes", "StringLike"),
            ("stringNotEquals", "StringNotEquals"),
            ("stringNotLikes", "StringNotLike"),
        ):
            for condition in block.get(key, []):
                shaped.setdefault(member, []).append(
                    {"ConditionKey": condition.get("key"), "ConditionValue": condition.get("value")}
                )
    return shaped


def _role_outside_the_stack(ctx: Context, r: Resource, role_arn: str) -> None:
    """Accounts often hold AWS Backup's default service role, made by the console rather than by a stack:
    a role the account lacks is listed in the report as assumed, not refused."""
    iam = ctx.client("iam")
    try:
        iam.get_role(RoleName=role_arn.rsplit("/", 1)[-1])
    except iam.exceptions.NoSuchEntityException:
        ctx.assumed.setdefault(f"iam role {role_arn}", []).append(r.urn)


def _check_selection(ctx: Context, r: Resource, **request: Any) -> None:
    """The service-model check of a selection (moto has none). Its tag conditions are the API's
    `ListOfTags`, fed by `selectionTags`: a refusal inside them is blamed on that input."""
    view = dataclasses.replace(r, inputs={**r.inputs, "listOfTags": r.get("selectionTags")})
    try:
        ctx.check(view, "planId", "backup", "create_backup_selection", **request)
    except EmulationError as err:
        if not err.prop.startswith("listOfTags"):
            raise
        blamed = "selectionTags" + err.prop[len("listOfTags") :]
        raise EmulationError(r.urn, blamed, err.code, err.aws_message, err.source) from err


@emulates(
    "aws:backup/selection:Selection",
    note="moto has no backup selections: the request is checked against the service model and the plan is"
    " looked up; a role the account lacks is reported as assumed; nothing is created",
    replace_on={EVERY_INPUT},
    naming=SELECTION_NAME,
    arn="",
    validation=Validation.UNVALIDATED,
)
def selection(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    plan_id, role_arn = str(r.get("planId")), str(r.get("iamRoleArn"))
    body: dict[str, Any] = {"SelectionName": name, "IamRoleArn": role_arn}
    if r.get("resources"):
        body["Resources"] = list(r.get("resources"))
    if r.get("notResources"):
        body["NotResources"] = list(r.get("notResources"))
    if r.get("selectionTags"):
        body["ListOfTags"] = [
            {"ConditionType": t.get("type"), "ConditionKey": t.get("key"), "ConditionValue": t.get("value")}
            for t in r.get("selectionTags")
        ]
    if r.get("conditions"):
        body["Conditions"] = _conditions(list(r.get("conditions")))
    _check_selection(ctx, r, BackupPlanId=plan_id, BackupSelection=body)
    ctx.aws(r, "planId", "backup", "get_backup_plan", BackupPlanId=plan_id)
    _role_outside_the_stack(ctx, r, role_arn)
    return stable_hex(ctx.account_id, r.urn, length=36), {"name": name}
