"""SARIF and GitLab code quality output of the policy pack: valid against the official SARIF 2.1.0 schema,
each finding at the file and line that declares its resource, fingerprints that do not move with lines."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from importlib.metadata import PackageNotFoundError
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # locked (for the service's OpenAPI tools), without stubs
import pytest

from infra.cli import main
from infra.exit_codes import Exit
from infra.policies import sarif
from infra.policies.evaluate import render_findings
from infra.policies.model import Severity
from infra.policies.offline import Judgement, judge
from infra.policies.rules import RULES
from infra.policies.sarif import (
    SECURITY_SEVERITY,
    SourceTree,
    code_quality_report,
    sarif_log,
)
from infra.rehearsal.engine import SourcePosition, load_project, run_program
from infra.rehearsal.recording import RecordingMocks
from tests.infra.program import PROJECT, ROOT, run

INSECURE = ROOT / "tests" / "fixtures" / "insecure"
MISTAKES = ROOT / "tests" / "fixtures" / "mistakes"
SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "sarif-schema-2.1.0.json"
NO_DOMAIN = "no domain configured so no certificate: HTTP only until postings:domain is set"
# GitHub code scanning's bands for security-severity.
BANDS = {
    Severity.CRITICAL: (9.0, 10.0),
    Severity.HIGH: (7.0, 8.9),
    Severity.MEDIUM: (4.0, 6.9),
    Severity.LOW: (0.1, 3.9),
}
CODE_QUALITY_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def insecure_judgement() -> Judgement:
    return judge(run_program(load_project(INSECURE), "insecure", RecordingMocks()))


@pytest.fixture(scope="module")
def insecure() -> Judgement:
    return insecure_judgement()


@pytest.fixture(scope="module")
def dev() -> Judgement:
    return judge(run("dev"))  # the run is cached for every test of the session that rehearses dev


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def insecure_tree() -> SourceTree:
    return SourceTree.of(load_project(INSECURE), "insecure")


def dev_tree() -> SourceTree:
    return SourceTree.of(PROJECT, "dev")


def results(log: dict[str, Any]) -> list[dict[str, Any]]:
    return list(log["runs"][0]["results"])


def only(log: dict[str, Any], rule_id: str, name: str) -> dict[str, Any]:
    found = [
        r
        for r in results(log)
        if r["ruleId"] == rule_id and r["locations"][0]["logicalLocations"][0]["name"] == name
    ]
    assert len(found) == 1, (rule_id, name, [r["message"]["text"] for r in found])
    return found[0]


def declared_line(result: dict[str, Any]) -> str:
    """The line of the repository a result points at."""
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    uri: str = physical["artifactLocation"]["uri"]
    line: int = physical["region"]["startLine"]
    return (ROOT / uri).read_text().splitlines()[line - 1]


def test_the_insecure_variant_validates_against_the_sarif_schema(
    insecure: Judgement, validator: jsonschema.protocols.Validator
) -> None:
    log = sarif_log(insecure, insecure_tree())
    assert [e.message for e in validator.iter_errors(log)] == []
    assert (log["version"], len(log["runs"]), len(results(log))) == ("2.1.0", 1, 14)
    assert log["$schema"] == json.loads(SCHEMA.read_text())["id"]


def test_the_schema_rejects_what_is_not_sarif(
    insecure: Judgement, validator: jsonschema.protocols.Validator
) -> None:
    log = sarif_log(insecure, insecure_tree())
    log["runs"][0]["results"][0]["level"] = "critical"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert sorted(e.message for e in validator.iter_errors(log)) == [
        "'critical' is not one of ['none', 'note', 'warning', 'error']",
        "'name' is a required property",
    ]


def test_a_public_database_is_an_error_at_the_line_that_declares_it(insecure: Judgement) -> None:
    log = sarif_log(insecure, insecure_tree())
    result = only(log, "rds-not-public", "db")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "rds-not-public"
    assert result["level"] == "error"
    assert result["message"]["text"] == "db is publicly accessible (aws:rds/instance:Instance db)"
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "tests/fixtures/insecure/__main__.py"
    assert location["logicalLocations"] == [
        {
            "name": "db",
            "fullyQualifiedName": "urn:pulumi:insecure::insecure::pulumi:pulumi:Stack"
            "$aws:rds/instance:Instance::db",
            "kind": "resource",
        }
    ]
    line = location["physicalLocation"]["region"]["startLine"]
    source = (INSECURE / "__main__.py").read_text().splitlines()
    assert source[line - 1] == "aws.rds.Instance("
    assert source[line] == '    "db",'
    assert "publicly_accessible=True," in [s.strip() for s in source[line : line + 20]]


def test_every_mandatory_finding_of_the_insecure_variant_is_an_error_at_its_constructor(
    insecure: Judgement,
) -> None:
    log = sarif_log(insecure, insecure_tree())
    errors = [r for r in results(log) if r["level"] == "error"]
    assert len(errors) == len(insecure.report.mandatory) == 12
    for result in errors:
        name = result["locations"][0]["logicalLocations"][0]["name"]
        type_name = result["properties"]["resourceType"].rsplit(":", 1)[-1]
        line = declared_line(result)
        assert f".{type_name}(" in line, (result["ruleId"], name, line)
    assert sorted(r["ruleId"] for r in results(log) if r["level"] == "warning") == [
        "ec2-vpc-endpoint-ec2",
        "rds-non-default-port",
    ]


def test_dev_validates_and_every_finding_points_at_its_constructor_in_the_program(
    dev: Judgement, validator: jsonschema.protocols.Validator
) -> None:
    log = sarif_log(dev, dev_tree())
    assert [e.message for e in validator.iter_errors(log)] == []
    assert len(results(log)) == len(dev.report.findings) == 9
    for result in results(log):
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert re.fullmatch(r"infra/(components/)?\w+\.py", uri), uri
        type_name = result["properties"]["resourceType"].rsplit(":", 1)[-1]
        assert re.search(rf"\baws\.\w+\.{type_name}\($", declared_line(result)), (result["ruleId"], uri)


def test_a_suppressed_finding_carries_its_justification(dev: Judgement) -> None:
    log = sarif_log(dev, dev_tree())
    suppressed = [r for r in results(log) if "suppressions" in r]
    assert [(r["ruleId"], r["suppressions"]) for r in suppressed] == [
        ("elb-http-redirects-to-https", [{"kind": "inSource", "justification": NO_DOMAIN}])
    ]
    assert suppressed[0]["locations"][0]["logicalLocations"][0]["name"] == "postings-dev-http"
    assert "aws.lb.Listener(" in declared_line(suppressed[0])
    # Suppressed, the finding stays at its rule's level; code scanning shows it closed.
    assert suppressed[0]["level"] == "error"


def test_fingerprints_are_stable_between_runs_and_never_follow_the_line(insecure: Judgement) -> None:
    def prints(log: dict[str, Any]) -> list[str]:
        return [r["partialFingerprints"]["ruleUrnHash/v1"] for r in results(log)]

    first = prints(sarif_log(insecure, insecure_tree()))
    assert prints(sarif_log(insecure_judgement(), insecure_tree())) == first
    assert len(set(first)) == len(first) == 14

    moved = Judgement(
        report=insecure.report,
        resources=tuple(
            dataclasses.replace(r, source=dataclasses.replace(r.source, line=r.source.line + 10))
            for r in insecure.resources
            if r.source is not None
        ),
    )
    moved_log = sarif_log(moved, insecure_tree())
    assert prints(moved_log) == first
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results(moved_log)]
    original = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in results(sarif_log(insecure, insecure_tree()))
    ]
    assert lines == [line + 10 for line in original]


def test_a_rule_finding_two_things_on_one_resource_gets_two_fingerprints(insecure: Judgement) -> None:
    log = sarif_log(insecure, insecure_tree())
    exposed = [r for r in results(log) if r["ruleId"] == "data-not-exposed"]
    assert sorted(r["locations"][0]["logicalLocations"][0]["name"] for r in exposed) == [
        "db",
        "mysql-from-anywhere",
        "redis",
    ]
    assert len({r["partialFingerprints"]["ruleUrnHash/v1"] for r in exposed}) == 3


def test_every_rule_is_described_with_help_controls_and_its_severity_band(insecure: Judgement) -> None:
    log = sarif_log(insecure, insecure_tree())
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("postings-fsbp", "0.1.0")
    assert driver["informationUri"].startswith("https://docs.aws.amazon.com/securityhub/")
    assert [d["id"] for d in driver["rules"]] == [rule.id for rule in RULES]
    for rule, descriptor in zip(RULES, driver["rules"], strict=True):
        low, high = BANDS[rule.severity]
        assert low <= float(descriptor["properties"]["security-severity"]) <= high, rule.id
        assert "security" in descriptor["properties"]["tags"]
        assert (
            descriptor["defaultConfiguration"]["level"]
            == {"mandatory": "error", "advisory": "warning"}[rule.enforcement]
        )
        assert descriptor["shortDescription"]["text"] == rule.desired
        assert rule.explanation in descriptor["help"]["text"]
        assert rule.explanation in descriptor["help"]["markdown"]
    by_id = {d["id"]: d for d in driver["rules"]}
    public = by_id["rds-not-public"]
    assert public["properties"]["controls"] == ["RDS.2"]
    assert (
        public["helpUri"]
        == "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-2"
    )
    assert 'suppress("rds-not-public", ' in public["help"]["text"]
    assert by_id["s3-policy-not-public"]["properties"]["controls"] == ["S3.2", "S3.3"]
    assert "fsbp" in public["properties"]["tags"]
    # ELB.16 is a Security Hub control outside FSBP: the descriptor names its own standard.
    waf = by_id["elb-waf-web-acl"]
    assert "fsbp" not in waf["properties"]["tags"]
    assert "NIST SP 800-53 Rev. 5" in waf["properties"]["tags"]
    assert "standards: NIST SP 800-53 Rev. 5" in waf["help"]["text"]
    assert "helpUri" not in by_id["data-not-exposed"]
    assert by_id["data-not-exposed"]["properties"]["controls"] == ["platform"]
    assert "cannot be suppressed" in by_id["suppressions-valid"]["help"]["text"]
    assert SECURITY_SEVERITY[Severity.CRITICAL] == public["properties"]["security-severity"] == "9.5"


def test_a_resource_without_a_position_in_the_repository_is_placed_at_the_stack_file(
    insecure: Judgement, validator: jsonschema.protocols.Validator
) -> None:
    tree = insecure_tree()
    assert tree.locate(SourcePosition("/usr/lib/python3/dist-packages/elsewhere.py", 7)) == (
        "tests/fixtures/insecure/Pulumi.insecure.yaml",
        1,
    )
    assert tree.locate(None) == ("tests/fixtures/insecure/Pulumi.insecure.yaml", 1)
    unplaced = Judgement(report=insecure.report, resources=())
    log = sarif_log(unplaced, tree)
    assert [e.message for e in validator.iter_errors(log)] == []
    assert {declared_line(r) for r in results(log)} == {
        "# The rehearsal reads this; never deploy this project."
    }


def test_code_quality_has_gitlabs_fields_for_every_unsuppressed_finding(
    insecure: Judgement, dev: Judgement
) -> None:
    issues = code_quality_report(insecure, insecure_tree())
    assert len(issues) == 14
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert set(issue["location"]) == {"path", "lines"}
        assert issue["severity"] in CODE_QUALITY_SEVERITIES
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({i["fingerprint"] for i in issues}) == 14
    public = [i for i in issues if i["check_name"] == "rds-not-public"]
    assert public == [
        {
            "description": "db is publicly accessible (aws:rds/instance:Instance db). RDS instances are not "
            "publicly accessible. [mandatory, RDS.2]",
            "check_name": "rds-not-public",
            "fingerprint": only(sarif_log(insecure, insecure_tree()), "rds-not-public", "db")[
                "partialFingerprints"
            ]["ruleUrnHash/v1"],
            "severity": "blocker",
            "location": {"path": "tests/fixtures/insecure/__main__.py", "lines": {"begin": 83}},
        }
    ]
    by_rule = {i["check_name"]: i["severity"] for i in issues}
    assert (by_rule["ec2-sg-no-open-high-risk-ports"], by_rule["ecs-no-secrets-in-environment"]) == (
        "blocker",
        "critical",
    )
    assert (by_rule["elasticache-encrypted-at-rest"], by_rule["rds-non-default-port"]) == ("major", "info")

    # GitLab has no suppressed issues: dev's one suppression is left out, its advisories only inform.
    dev_issues = code_quality_report(dev, dev_tree())
    assert [i["severity"] for i in dev_issues] == ["info"] * 8
    assert "elb-http-redirects-to-https" not in {i["check_name"] for i in dev_issues}


@pytest.mark.parametrize("output_format", ["sarif", "codequality", "json", "table"])
def test_infra_policy_exits_policy_on_a_mandatory_violation_whatever_the_format(
    output_format: str, insecure: Judgement, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "reports" / f"policy.{output_format}"
    argv = [
        "policy",
        "insecure",
        "--project",
        str(INSECURE),
        "--mocks",
        "recording",
        "--format",
        output_format,
    ]
    assert main([*argv, "--output", str(output)]) == Exit.POLICY
    verdict = render_findings(insecure.report).splitlines()[-1]
    assert capsys.readouterr().out == f"{verdict} ({output_format} written to {output})\n"
    assert "FAILED" in verdict
    text = output.read_text()
    if output_format == "sarif":
        assert json.loads(text) == sarif_log(insecure, insecure_tree())
    elif output_format == "codequality":
        assert json.loads(text) == code_quality_report(insecure, insecure_tree())
    elif output_format == "json":
        assert json.loads(text)["summary"] == {
            "resources": 24,
            "mandatory": 12,
            "advisory": 2,
            "suppressed": 0,
        }
    else:
        assert text == render_findings(insecure.report) + "\n"


def test_infra_policy_prints_sarif_to_stdout_without_output(
    insecure: Judgement, validator: jsonschema.protocols.Validator, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["policy", "insecure", "--project", str(INSECURE), "--mocks", "recording", "--format", "sarif"]
    assert main(argv) == Exit.POLICY
    log = json.loads(capsys.readouterr().out)
    assert [e.message for e in validator.iter_errors(log)] == []
    # Ordered by rule, URN and message: the same log from run to run, whatever the registration order.
    assert log == sarif_log(insecure, insecure_tree())
    assert "automationDetails" not in log["runs"][0]  # the upload names the category


def test_the_tool_version_comes_from_pyproject_when_the_platform_is_not_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed = sarif.tool_version()

    def not_installed(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(sarif, "version", not_installed)
    assert (
        sarif.tool_version()
        == installed
        == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    )


def test_infra_policy_exits_refused_and_writes_nothing_when_aws_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "policy.sarif"
    argv = [
        "policy",
        "subnet-outside-vpc",
        "--project",
        str(MISTAKES),
        "--format",
        "sarif",
        "--output",
        str(output),
    ]
    assert main(argv) == Exit.REFUSED
    assert capsys.readouterr().err.startswith(
        "infra: mistakes (subnet-outside-vpc) refused by the emulated account: "
    )
    assert not output.exists()
