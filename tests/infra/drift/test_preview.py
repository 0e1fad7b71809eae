"""The preview digest of `pulumi preview --refresh --expect-no-changes --json` read into drift (the prod
fixtures), the allowlist applied to it, and a failed preview told apart from drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.drift import allowlist, ci
from infra.drift.allowlist import Entry
from infra.drift.preview import PreviewFailed, read_preview
from infra.drift.report import LeftOut, PropertyDrift, ResourceDrift, filtered
from infra.exit_codes import Exit

FIXTURES = Path(__file__).parent / "fixtures"
DRIFT = FIXTURES / "preview-prod-drift.json"
DENIED = FIXTURES / "preview-prod-refresh-denied.json"
P = "urn:pulumi:prod::postings::"
LOG_GROUP = P + "postings:infra:AppService$aws:cloudwatch/logGroup:LogGroup::postings-prod-api-logs"
DATABASE = P + "postings:infra:Database$aws:rds/instance:Instance::postings-prod-db-instance"
POLICY = P + "postings:infra:LoadBalancer$aws:s3/bucketPolicy:BucketPolicy::postings-prod-alb-logs-policy"
WORKER = P + "postings:infra:AppService$aws:ecs/service:Service::postings-prod-worker-service"
RULE = (
    P + "postings:infra:SecurityGroups$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
    "::postings-prod-in-api-to-database-3306"
)
ROOT = P + "pulumi:pulumi:Stack::postings-prod"


def _policies() -> tuple[str, str]:
    steps = {step["urn"]: step for step in json.loads(DRIFT.read_text(encoding="utf-8"))["steps"]}
    return steps[POLICY]["newState"]["inputs"]["policy"], steps[POLICY]["oldState"]["outputs"]["policy"]


def test_the_fixture_is_in_the_digest_shape() -> None:
    digest = json.loads(DRIFT.read_text(encoding="utf-8"))
    assert set(digest) == {"config", "steps", "duration", "changeSummary"}
    for step in digest["steps"]:
        assert set(step) <= {"op", "urn", "provider", "oldState", "newState", "diffReasons", "detailedDiff"}
        for diff in (step["detailedDiff"] or {}).values():
            assert set(diff) == {"kind", "inputDiff"}, step["urn"]
    changes = [step["op"] for step in digest["steps"] if step["op"] != "same"]
    assert {op: changes.count(op) for op in changes} == {"update": 4, "create": 1}
    assert {k: v for k, v in digest["changeSummary"].items() if k != "same"} == {"update": 4, "create": 1}


def test_every_changed_resource_and_property_is_read_from_the_fixture() -> None:
    result = read_preview(DRIFT.read_text(encoding="utf-8"), 255)
    declared_policy, live_policy = _policies()
    assert result.resources == (
        ResourceDrift(
            LOG_GROUP,
            "aws:cloudwatch/logGroup:LogGroup",
            "postings-prod-api-logs",
            "update",
            (PropertyDrift("retentionInDays", "changed", 365, 90),),
        ),
        ResourceDrift(
            DATABASE,
            "aws:rds/instance:Instance",
            "postings-prod-db-instance",
            "update",
            (
                PropertyDrift("backupRetentionPeriod", "changed", 14, 7),
                PropertyDrift("tags.CostCenter", "added", None, "data-platform"),
                PropertyDrift("tagsAll.CostCenter", "added", None, "data-platform"),
            ),
        ),
        ResourceDrift(
            POLICY,
            "aws:s3/bucketPolicy:BucketPolicy",
            "postings-prod-alb-logs-policy",
            "update",
            (PropertyDrift("policy", "changed", declared_policy, live_policy),),
        ),
        ResourceDrift(
            WORKER,
            "aws:ecs/service:Service",
            "postings-prod-worker-service",
            "update",
            (PropertyDrift("desiredCount", "changed", 2, 5),),
        ),
        ResourceDrift(
            RULE,
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "postings-prod-in-api-to-database-3306",
            "create",
        ),
    )
    assert (result.warnings, result.maybe_corrupt) == ((), False)


def test_the_shipped_allowlist_leaves_out_the_autoscaled_count_only() -> None:
    result = read_preview(DRIFT.read_text(encoding="utf-8"), 255)
    drifted, left_out = filtered(result.resources, allowlist.load())
    assert [(r.name, [p.path for p in r.properties]) for r in drifted] == [
        ("postings-prod-api-logs", ["retentionInDays"]),
        ("postings-prod-db-instance", ["backupRetentionPeriod", "tags.CostCenter", "tagsAll.CostCenter"]),
        ("postings-prod-alb-logs-policy", ["policy"]),
        ("postings-prod-in-api-to-database-3306", []),
    ]
    assert [(item.urn, item.path) for item in left_out] == [(WORKER, "desiredCount")]
    assert left_out[0].reason.startswith("allowlisted: Application Auto Scaling sets it between")


def test_an_entry_covers_a_path_and_what_lies_under_it_for_its_type_only() -> None:
    entries = [Entry("aws:rds/*", "tags", "a tag policy of the organisation adds CostCenter")]
    result = read_preview(DRIFT.read_text(encoding="utf-8"), 255)
    drifted, left_out = filtered(result.resources, entries)
    database = next(r for r in drifted if r.urn == DATABASE)
    assert [p.path for p in database.properties] == ["backupRetentionPeriod", "tagsAll.CostCenter"]
    assert left_out == (
        LeftOut(DATABASE, "tags.CostCenter", "allowlisted: a tag policy of the organisation adds CostCenter"),
    )


def test_a_preview_without_a_change_is_no_drift() -> None:
    digest = {"steps": [{"op": "same", "urn": ROOT}], "changeSummary": {"same": 248}, "duration": 1}
    result = read_preview(json.dumps(digest), 0)
    assert result.resources == ()


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        (
            "",
            255,
            "pulumi preview exited 255 without a JSON digest on stdout: it did not run (login, credentials, "
            "the stack name, plugins?); read its stderr above",
        ),
        (
            json.dumps({"steps": [{"op": "same", "urn": ROOT}], "changeSummary": {"same": 1}}),
            255,
            "pulumi preview exited 255 but proposed no change: a failure, not drift; read its stderr above",
        ),
    ],
)
def test_a_failed_preview_is_not_drift(text: str, status: int, message: str) -> None:
    with pytest.raises(PreviewFailed) as raised:
        read_preview(text, status)
    assert str(raised.value) == message


def test_an_error_diagnostic_fails_even_beside_changes() -> None:
    with pytest.raises(PreviewFailed) as raised:
        read_preview(DENIED.read_text(encoding="utf-8"), 255)
    message = str(raised.value)
    assert message.startswith("pulumi preview exited 255 with errors: error: Preview failed: refreshing ")
    assert "not authorized to perform: rds:DescribeDBInstances" in message
    assert message.endswith(" | error: preview failed")
    digest = json.loads(DRIFT.read_text(encoding="utf-8"))
    digest["diagnostics"] = [{"message": "error: update failed", "severity": "error"}]
    with pytest.raises(PreviewFailed):
        read_preview(json.dumps(digest), 255)


def _step(op: str, urn: str, **extra: Any) -> dict[str, Any]:
    return {"op": op, "urn": urn, **extra}


def test_a_replacement_is_one_resource_and_diffreasons_stand_in_for_a_missing_detailed_diff() -> None:
    cache = (
        P
        + "postings:infra:Cache$aws:elasticache/replicationGroup:ReplicationGroup::postings-prod-cache-redis"
    )
    topic = P + "postings:infra:Notifications$aws:sns/topic:Topic::postings-prod-alerts"
    digest = {
        "steps": [
            _step(
                "create-replacement",
                cache,
                detailedDiff={"transitEncryptionEnabled": {"kind": "update-replace", "inputDiff": False}},
                oldState={"outputs": {"transitEncryptionEnabled": False}},
                newState={"inputs": {"transitEncryptionEnabled": True}},
            ),
            _step("replace", cache, replaceReasons=["transitEncryptionEnabled"]),
            _step("delete-replaced", cache),
            _step(
                "update",
                topic,
                diffReasons=["kmsMasterKeyId"],
                newState={"inputs": {"kmsMasterKeyId": "alias/aws/sns"}},
            ),
            _step("delete", P + "aws:sqs/queue:Queue::postings-prod-retired"),
        ],
        "diagnostics": [{"message": "warning: the provider is deprecated", "severity": "warning"}],
        "maybeCorrupt": True,
    }
    result = read_preview(json.dumps(digest), 255)
    assert result.resources == (
        ResourceDrift(
            cache,
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "postings-prod-cache-redis",
            "replace",
            (PropertyDrift("transitEncryptionEnabled", "changed", True, False),),
        ),
        ResourceDrift(
            topic,
            "aws:sns/topic:Topic",
            "postings-prod-alerts",
            "update",
            (PropertyDrift("kmsMasterKeyId", "changed", "alias/aws/sns", None),),
        ),
        ResourceDrift(
            P + "aws:sqs/queue:Queue::postings-prod-retired",
            "aws:sqs/queue:Queue",
            "postings-prod-retired",
            "delete",
        ),
    )
    assert result.warnings == ("warning: the provider is deprecated",)
    assert result.maybe_corrupt is True


def test_the_ci_report_of_the_fixture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    markdown = tmp_path / "report.md"
    argv = ["prod", "--preview", str(DRIFT), "--preview-exit", "255", "--markdown", str(markdown)]
    assert ci.main(argv, env={}) == Exit.DRIFT
    out = capsys.readouterr().out.splitlines()
    assert out[:10] == [
        "prod: drift in 4 resources, 6 changes (pulumi preview --refresh)",
        "  aws:cloudwatch/logGroup:LogGroup  postings-prod-api-logs: changed outside Pulumi",
        "    retentionInDays: declared 365, live 90",
        "  aws:rds/instance:Instance  postings-prod-db-instance: changed outside Pulumi",
        "    backupRetentionPeriod: declared 14, live 7",
        '    tags.CostCenter: added outside Pulumi: "data-platform"',
        '    tagsAll.CostCenter: added outside Pulumi: "data-platform"',
        "  aws:s3/bucketPolicy:BucketPolicy  postings-prod-alb-logs-policy: changed outside Pulumi",
        out[8],
        "  aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule  postings-prod-in-api-to-database-3306: "
        "missing: deleted outside Pulumi (`pulumi up` would create it again)",
    ]
    assert out[8].startswith('    policy: declared "{\\"Version\\": \\"2012-10-17\\"')
    assert out[10:12] == [
        "  left out (1):",
        "    postings-prod-worker-service desiredCount: allowlisted: Application Auto Scaling sets it "
        "between the service's minCount and maxCount (AppService declares an "
        "aws:appautoscaling/target:Target for every service, and ignores desiredCount after creation); "
        "the program only gives the count a new service starts with.",
    ]
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("**prod: drift in 4 resources, 6 changes (pulumi preview --refresh)**\n\n")
    assert (
        "| `postings-prod-api-logs` | `aws:cloudwatch/logGroup:LogGroup` | `retentionInDays` | `365` | `90` |"
        in text.splitlines()
    )
    assert (
        "| `postings-prod-db-instance` | `aws:rds/instance:Instance` | `tags.CostCenter` (added) |  "
        '| `"data-platform"` |' in text.splitlines()
    )


def test_the_ci_report_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps({"steps": [{"op": "same", "urn": ROOT}]}), encoding="utf-8")
    assert ci.main(["prod", "--preview", str(clean), "--preview-exit", "0"], env={}) == Exit.OK
    assert capsys.readouterr().out == "prod: no drift (pulumi preview --refresh)\n"
    assert ci.main(["prod", "--preview", str(DENIED), "--preview-exit", "255"], env={}) == Exit.ERROR
    assert capsys.readouterr().err.startswith("drift: prod: pulumi preview exited 255 with errors: ")
    missing = tmp_path / "missing.json"
    assert ci.main(["prod", "--preview", str(missing), "--preview-exit", "255"], env={}) == Exit.ERROR
    assert capsys.readouterr().err.startswith("drift: prod: pulumi preview exited 255 without a JSON digest")
    broken = tmp_path / "allowlist.yaml"
    broken.write_text("- type: '*'\n  property: tags\n", encoding="utf-8")
    argv = ["prod", "--preview", str(DRIFT), "--preview-exit", "255", "--allowlist", str(broken)]
    assert ci.main(argv, env={}) == Exit.USAGE
    assert capsys.readouterr().err == (
        f"drift: {broken}, entry 1: an entry has exactly the keys type, property and reason; "
        "got {'type': '*', 'property': 'tags'}\n"
    )
    # Every property allowlisted: the deleted rule is still drift, since no property entry covers a
    # resource that is gone.
    everything = tmp_path / "everything.yaml"
    everything.write_text("- type: '*'\n  property: '*'\n  reason: test\n", encoding="utf-8")
    argv = ["prod", "--preview", str(DRIFT), "--preview-exit", "255", "--allowlist", str(everything)]
    assert ci.main(argv, env={}) == Exit.DRIFT
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "prod: drift in 1 resource, 1 change (pulumi preview --refresh)",
        "  aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule  postings-prod-in-api-to-database-3306: "
        "missing: deleted outside Pulumi (`pulumi up` would create it again)",
        "  left out (6):",
    ]


def _history(*updates: dict[str, Any]) -> str:
    return json.dumps(list(updates))


def _update(kind: str, result: str, head: str | None) -> dict[str, Any]:
    environment = {"git.head": head} if head else {}
    return {
        "version": 1,
        "kind": kind,
        "startTime": "2026-11-27T09:12:03.000Z",
        "message": "",
        "environment": environment,
        "config": {},
        "result": result,
    }


def test_the_report_says_when_the_program_previewed_is_newer_than_the_last_update(tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    deployed, newer = "a" * 40, "b" * 40
    history.write_text(
        _history(
            _update("refresh", "succeeded", None),
            _update("update", "failed", newer),
            _update("update", "succeeded", deployed),
        ),
        encoding="utf-8",
    )
    assert ci.deployed_commit(json.loads(history.read_text(encoding="utf-8"))) == deployed
    assert ci.history_note(history, deployed) is None
    assert ci.history_note(history, newer) == (
        "the stack was last updated from commit aaaaaaaaaaaa; this preview ran the program at bbbbbbbbbbbb: "
        "a change merged in between and not yet deployed reads as drift here"
    )
    history.write_text("[]", encoding="utf-8")
    assert ci.history_note(history, newer) == (
        "the commit of the stack's last update is unknown (no `git.head` in its history)"
    )
    assert ci.history_note(None, newer) is None
