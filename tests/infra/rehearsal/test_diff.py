"""Plan diffs: creates, per-property updates, predicted replacements, deletes, destructive first; markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.cli import main
from infra.exit_codes import Exit
from infra.rehearsal.diff import Action, diff_plans, render_text
from infra.rehearsal.diff_commands import with_policy
from infra.rehearsal.markdown import COMMENT_BUDGET, GITHUB_COMMENT_LIMIT, marker, render_markdown
from infra.rehearsal.plan import read_plan
from tests.infra.rehearsal.conftest import FIXTURES

PLANS = FIXTURES / "plans"
URN = "urn:pulumi:dev::postings::"


def _diff(case: str) -> Any:
    return diff_plans(read_plan(PLANS / "base.json"), read_plan(PLANS / f"{case}.json"))


def test_create() -> None:
    diff = _diff("create")
    assert [(c.action, c.urn) for c in diff.changes] == [
        (Action.CREATE, f"{URN}aws:cloudwatch/logGroup:LogGroup::worker-logs")
    ]
    assert diff.destructive == []


def test_update_lists_properties_and_honours_ignore_changes() -> None:
    diff = _diff("update")
    assert [(c.action, c.name) for c in diff.changes] == [(Action.UPDATE, "api-logs")]
    change = diff.changes[0]
    assert [(p.path, p.old, p.new, p.forces_replacement) for p in change.properties] == [
        ("retentionInDays", 30, 90, False)
    ]


def test_replacement_is_predicted_from_the_table() -> None:
    diff = _diff("replace")
    change = diff.changes[0]
    assert (change.action, change.name, change.destructive) == (Action.REPLACE, "net-data-a", False)
    assert [(p.path, p.forces_replacement) for p in change.properties] == [("cidrBlock", True)]


def test_delete() -> None:
    diff = _diff("delete")
    assert [(c.action, c.name, c.destructive) for c in diff.changes] == [(Action.DELETE, "api-logs", False)]


def test_destructive_changes_come_first_and_are_flagged() -> None:
    diff = _diff("destructive")
    assert [(c.action, c.name, c.stateful_kind) for c in diff.changes] == [
        (Action.REPLACE, "db-instance", "database"),
        (Action.DELETE, "cache-auth-secret", "secret"),
    ]
    assert [c.name for c in diff.destructive] == ["db-instance", "cache-auth-secret"]
    forced = [(p.path, p.forces_replacement) for p in diff.changes[0].properties]
    # The provider renames a DB instance in place (since v5): the identifier is an update; encryption is not.
    assert forced == [("backupRetentionPeriod", False), ("identifier", False), ("storageEncrypted", True)]
    assert [(p.path, p.old, p.new) for p in diff.outputs] == [
        ("searchEndpoint", None, "https://search.example.com")
    ]


@pytest.mark.parametrize(
    ("case", "status"),
    [("create", 0), ("update", 0), ("replace", 0), ("delete", 0), ("destructive", Exit.DESTRUCTIVE)],
)
def test_exit_status_says_whether_anything_destructive_changes(
    case: str, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(PLANS / "base.json"), str(PLANS / f"{case}.json")]) == status
    assert capsys.readouterr().out.startswith("dev: ")


def test_a_file_that_is_not_a_plan_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"resources": []}', encoding="utf-8")
    assert main(["diff", str(PLANS / "base.json"), str(bogus)]) == Exit.USAGE
    assert "not a format-1 plan" in capsys.readouterr().err


@pytest.mark.parametrize("case", ["destructive", "update"])
def test_markdown_snapshot(case: str) -> None:
    expected = (PLANS / f"{case}.md").read_text(encoding="utf-8")
    assert render_markdown(_diff(case)) == expected


def _huge_plans(count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    def plan(version: int) -> dict[str, Any]:
        resources = []
        for index in range(count):
            token = (
                "aws:rds/instance:Instance" if index % 50 == 0 else "aws:cloudwatch/metricAlarm:MetricAlarm"
            )
            inputs = {f"property{p}": f"value-{version}-{p}-" + "x" * 120 for p in range(12)}
            inputs["dbName" if token.startswith("aws:rds") else "name"] = f"resource_{index}_v{version}"
            resources.append(
                {
                    "urn": f"{URN}{token}::r{index}",
                    "type": token,
                    "name": f"r{index}",
                    "custom": True,
                    "inputs": inputs,
                }
            )
        return {"format": 1, "stack": "prod", "resources": resources, "outputs": {}}

    return plan(1), plan(2)


def test_a_very_large_diff_is_summarised_under_the_comment_limit() -> None:
    base, head = _huge_plans(3000)
    diff = diff_plans(base, head)
    assert len(diff.changes) == 3000
    body = render_markdown(diff)
    assert len(body) <= GITHUB_COMMENT_LIMIT
    assert body.startswith(marker("prod") + "\n")
    assert "**60 destructive change(s)**" in body
    assert "| `aws:cloudwatch/metricAlarm:MetricAlarm` | 0 | 0 | 2940 | 0 |" in body
    assert "does not fit in one comment" in body


def test_markdown_of_no_change() -> None:
    plan = json.loads((PLANS / "base.json").read_text(encoding="utf-8"))
    body = render_markdown(diff_plans(plan, plan))
    assert "No infrastructure changes." in body
    assert body.startswith("<!-- infra-rehearsal:dev -->\n")


def test_the_markdown_comment_ends_with_the_heads_policy_findings() -> None:
    policy = {
        "stack": "dev",
        "summary": {"resources": 3, "mandatory": 1, "advisory": 0, "suppressed": 0},
        "findings": [
            {
                "rule": "rds-not-public",
                "control": "RDS.2",
                "enforcement": "mandatory",
                "severity": "critical",
                "urn": "urn:pulumi:dev::p::aws:rds/instance:Instance::db",
                "type": "aws:rds/instance:Instance",
                "name": "db",
                "message": "db: publicly accessible",
                "suppressed": None,
            }
        ],
        "suppressed": [],
    }
    comment = with_policy("## Plan\n\nno changes\n", policy)
    assert comment.startswith("## Plan\n\nno changes\n\n### Policy: ❌ mandatory violations (dev)\n")
    assert "| mandatory | `rds-not-public` | RDS.2 | `db` | db: publicly accessible |" in comment
    # render_markdown keeps a comment within COMMENT_BUDGET; a short report fits in what is left.
    full = with_policy("x" * COMMENT_BUDGET, policy)
    assert len(full) < GITHUB_COMMENT_LIMIT
    assert full.endswith("| mandatory | `rds-not-public` | RDS.2 | `db` | db: publicly accessible |\n")
    # A report too long for the room left is cut to its verdict and summary.
    cut = with_policy("x" * (GITHUB_COMMENT_LIMIT - 100), policy)
    assert "rds-not-public" not in cut
    assert cut.endswith("The findings did not fit in this comment: run `infra policy dev`.\n")


def _resource(token: str, name: str, **inputs: Any) -> dict[str, Any]:
    return {"urn": f"{URN}{token}::{name}", "type": token, "name": name, "custom": True, "inputs": inputs}


def _ref(token: str, name: str, prop: str = "id") -> str:
    return "${" + f"{URN}{token}::{name}.{prop}" + "}"


VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"


def _network(cidr: str) -> dict[str, Any]:
    resources = [
        _resource(VPC, "vpc", cidrBlock=cidr),
        _resource(SUBNET, "subnet", vpcId=_ref(VPC, "vpc"), cidrBlock="10.0.1.0/24"),
        _resource("aws:ec2/routeTable:RouteTable", "routes", vpcId=_ref(VPC, "vpc")),
        _resource(
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "routes-subnet",
            subnetId=_ref(SUBNET, "subnet"),
            routeTableId=_ref("aws:ec2/routeTable:RouteTable", "routes"),
        ),
        _resource("aws:cloudwatch/logGroup:LogGroup", "logs", tags={"vpc": _ref(VPC, "vpc")}),
    ]
    return {"format": 1, "stack": "dev", "resources": resources, "outputs": {}}


def test_a_replacement_cascades_through_replace_on_change_inputs_naming_its_cause() -> None:
    diff = diff_plans(_network("10.0.0.0/16"), _network("10.1.0.0/16"))
    got = {
        c.name: (c.action, c.cascade and (c.cascade[0].rsplit("::", 1)[-1], c.cascade[1]))
        for c in diff.changes
    }
    assert got == {
        "vpc": (Action.REPLACE, None),
        "subnet": (Action.REPLACE, ("vpc", "vpcId")),
        "routes": (Action.REPLACE, ("vpc", "vpcId")),
        "routes-subnet": (Action.REPLACE, ("subnet", "subnetId")),
    }
    subnet = next(c for c in diff.changes if c.name == "subnet")
    assert subnet.reason == "`vpcId` takes the id of `vpc`, which is replaced"
    assert "(replace: vpcId takes the id of vpc, which is replaced)" in render_text(diff)
    assert "Replaced because `vpcId` takes the id of `vpc`, which is replaced." in render_markdown(diff)


def _cache(version: str) -> dict[str, Any]:
    token = "aws:elasticache/replicationGroup:ReplicationGroup"
    return {"format": 1, "stack": "dev", "resources": [_resource(token, "redis", engineVersion=version)]}


@pytest.mark.parametrize(
    ("old", "new", "action"), [("7.1", "6.2", Action.REPLACE), ("7.1", "7.2", Action.UPDATE)]
)
def test_an_engine_version_downgrade_replaces_where_the_provider_does(
    old: str, new: str, action: Action
) -> None:
    (change,) = diff_plans(_cache(old), _cache(new)).changes
    assert (change.name, change.action, change.destructive) == ("redis", action, action is Action.REPLACE)


def test_an_rds_rename_is_an_update_since_provider_v5() -> None:
    token = "aws:rds/instance:Instance"

    def plan(identifier: str) -> dict[str, Any]:
        return {"format": 1, "stack": "dev", "resources": [_resource(token, "db", identifier=identifier)]}

    (change,) = diff_plans(plan("postings-dev-mysql"), plan("postings-dev-db")).changes
    assert (change.action, change.destructive) == (Action.UPDATE, False)
