"""Policy findings for code review tools: SARIF 2.1.0 and GitLab's code quality report, each finding located
at the file and line of the program that declared its resource.

Formats, as their consumers document them:
- SARIF 2.1.0, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
  as GitHub code scanning reads it: URIs relative to the repository root, `partialFingerprints` to follow
  an alert across runs, `properties.security-severity` (with the `security` tag) for its severity,
  https://docs.github.com/en/enterprise-server@3.16/code-security/reference/code-scanning/sarif-support-for-code-scanning
  https://docs.github.com/en/enterprise-cloud@latest/code-security/concepts/code-scanning/sarif-files
- GitLab's code quality report: a JSON array of `description`, `check_name`, `fingerprint`, `severity`
  (info, minor, major, critical, blocker), `location.path` and `location.lines.begin`,
  https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format

A finding is located where its resource was declared (the SDK's source position, kept by the rehearsal).
One whose resource has no position inside the repository (none does in a rehearsal of this repository's
programs) is placed at line 1 of the stack's config file: both consumers need a file and a line.
Fingerprints hash the rule id and the resource's URN (and which of that rule's findings on that resource
it is), never a line, so moving a declaration does not make a new alert.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from infra.policies.controls import CONTROLS, FSBP
from infra.policies.evaluate import Report
from infra.policies.model import Enforcement, Finding, Rule, Severity
from infra.policies.offline import Judgement
from infra.policies.pack import FRAMEWORK, PACK_NAME
from infra.policies.rules import BY_ID, RULES, SUPPRESSIONS_RULE
from infra.rehearsal.engine import Project, SourcePosition

DISTRIBUTION = "postings-platform"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "ruleUrnHash/v1"
FSBP_URL = "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html"
# Each FSBP control has an anchor on its service's page: RDS.2 -> rds-controls.html#rds-2.
CONTROL_URL = (
    "https://docs.aws.amazon.com/securityhub/latest/userguide/{service}-controls.html#{service}-{number}"
)
PLATFORM = "platform"

LEVEL = {Enforcement.MANDATORY: "error", Enforcement.ADVISORY: "warning"}
# GitHub's bands: critical above 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9; each rule sits mid-band.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
}
# A mandatory finding fails the pipeline, so it ranks by its rule's severity; an advisory one is a known,
# accepted trade-off (infra/policies/README.md lists them) and only informs.
CODE_QUALITY_SEVERITY = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
}
ADVISORY_CODE_QUALITY_SEVERITY = "info"

CONTROL_TITLES = {control.id: control.title for control in CONTROLS}
CONTROL_STANDARDS = {control.id: control.standard for control in CONTROLS}
RULE_INDEX = {rule.id: index for index, rule in enumerate(RULES)}


@dataclass(frozen=True)
class SourceTree:
    """Where findings are located: the repository's root (paths are relative to it), the rehearsed
    project's root inside it, and the stack's config file, the place of a finding with no source."""

    root: Path
    project_root: Path
    stack_file: Path

    @classmethod
    def of(cls, project: Project, stack: str) -> SourceTree:
        """The enclosing git checkout (the project's own root when there is none)."""
        root = next((d for d in (project.root, *project.root.parents) if (d / ".git").exists()), project.root)
        return cls(root=root, project_root=project.root, stack_file=project.stack_file(stack))

    def locate(self, source: SourcePosition | None) -> tuple[str, int]:
        """Repository-relative POSIX path and line of a declaration; the stack file's first line when the
        position is unknown or outside the repository."""
        if source is not None:
            try:
                return (self.project_root / source.path).relative_to(self.root).as_posix(), source.line
            except ValueError:
                pass
        return self.stack_file.relative_to(self.root).as_posix(), 1


def tool_version() -> str:
    """The platform's version: its installed metadata, or pyproject.toml for a checkout run through
    PYTHONPATH without installing it (as the code scanning workflow does)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return str(tomllib.loads(PYPROJECT.read_text())["project"]["version"])


def controls(rule: Rule) -> list[str]:
    """The FSBP control ids a rule implements (`["platform"]` for the platform's own rules)."""
    return [c.strip() for c in rule.control.split(",")]


def control_url(control_id: str) -> str | None:
    if control_id == PLATFORM:
        return None
    service, number = control_id.split(".")
    return CONTROL_URL.format(service=service.lower(), number=number)


def _fingerprint(rule_id: str, urn: str, occurrence: int) -> str:
    key = f"{rule_id}\0{urn}" if occurrence == 0 else f"{rule_id}\0{urn}\0{occurrence}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def fingerprints(report: Report) -> Iterator[tuple[Finding, str]]:
    """Each finding with its fingerprint, in an order that does not depend on the order resources happened
    to register in: by rule, URN and message. A rule can find several things wrong with one resource;
    their fingerprints follow that order, so they too stay the same from run to run."""
    seen: Counter[tuple[str, str]] = Counter()
    for finding in sorted(report.findings, key=lambda f: (RULE_INDEX[f.rule_id], f.urn, f.message)):
        key = (finding.rule_id, finding.urn)
        yield finding, _fingerprint(finding.rule_id, finding.urn, seen[key])
        seen[key] += 1


def _standard_tags(ids: list[str]) -> list[str]:
    """`platform`, `fsbp`, or the other Security Hub standards a control belongs to (ELB.16: NIST)."""
    if ids == [PLATFORM]:
        return [PLATFORM]
    return sorted({"fsbp" if CONTROL_STANDARDS.get(c, FSBP) == FSBP else CONTROL_STANDARDS[c] for c in ids})


def _implements(rule: Rule, *, markdown: bool) -> str:
    ids = controls(rule)
    if ids == [PLATFORM]:
        return "A rule of the platform's own (no FSBP control)."
    named = []
    for control_id in ids:
        title = CONTROL_TITLES.get(control_id, "")
        url = control_url(control_id)
        named.append(f"[{control_id}]({url}) *{title}*" if markdown else f"{control_id} ({title}, {url})")
    standards = sorted({CONTROL_STANDARDS.get(c, FSBP) for c in ids})
    framework = (
        FRAMEWORK if standards == [FSBP] else f"the Security Hub control (standards: {', '.join(standards)})"
    )
    return f"Implements {framework} {' and '.join(named)}."


def _level(rule: Rule, *, markdown: bool) -> str:
    code = "`" if markdown else ""
    scope = ", judged in prod only" if rule.prod_only else ""
    if rule.enforcement is Enforcement.MANDATORY:
        effect = f"fails {code}infra policy{code} and {code}pulumi preview --policy-pack infra/policies{code}"
    else:
        effect = "reported, never fails a run"
    return f"Level: {rule.enforcement} ({effect}{scope})."


def _suppression(rule: Rule, *, markdown: bool) -> str:
    if rule.id == SUPPRESSIONS_RULE.id:
        return "This rule cannot be suppressed: fix or remove the suppression tag it names."
    call = f'tags={{**tags, **suppress("{rule.id}", "<why this resource is meant to be so>")}}'
    if markdown:
        return (
            "To suppress it for one resource, declare the reason next to the resource:\n\n"
            f"```python\nfrom infra.policies.suppressions import suppress\n\n{call}\n```"
        )
    return (
        f"To suppress it for one resource, declare the reason next to the resource: {call} "
        "(infra.policies.suppressions.suppress)."
    )


def _help(rule: Rule, *, markdown: bool) -> str:
    desired = f"**Desired state:** {rule.desired}" if markdown else f"Desired state: {rule.desired}"
    fix = f"**How to fix:** {rule.explanation}" if markdown else f"How to fix: {rule.explanation}"
    parts = [
        desired,
        fix,
        _implements(rule, markdown=markdown),
        _level(rule, markdown=markdown),
        _suppression(rule, markdown=markdown),
    ]
    return "\n\n".join(parts)


def _rule_name(rule: Rule) -> str:
    return "".join(word.capitalize() for word in rule.id.split("-"))


def reporting_descriptor(rule: Rule) -> dict[str, Any]:
    """One rule as SARIF describes it to GitHub: what it checks, how to fix or suppress, its severity."""
    ids = controls(rule)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _rule_name(rule),
        "shortDescription": {"text": rule.desired},
        "fullDescription": {"text": f"{rule.desired} {rule.explanation}"},
        "help": {"text": _help(rule, markdown=False), "markdown": _help(rule, markdown=True)},
    }
    if (url := control_url(ids[0])) is not None:
        descriptor["helpUri"] = url
    descriptor["defaultConfiguration"] = {"level": LEVEL[rule.enforcement]}
    descriptor["properties"] = {
        "controls": ids,
        "tags": ["security", "infrastructure-as-code", "aws", *_standard_tags(ids)],
        "security-severity": SECURITY_SEVERITY[rule.severity],
        "severity": str(rule.severity),
        "enforcement": str(rule.enforcement),
        "prodOnly": rule.prod_only,
    }
    return descriptor


def _message(finding: Finding) -> str:
    return f"{finding.message} ({finding.type} {finding.name})" if finding.type else finding.message


def sarif_result(
    finding: Finding, fingerprint: str, tree: SourceTree, judgement: Judgement
) -> dict[str, Any]:
    path, line = tree.locate(judgement.source(finding.urn))
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": RULE_INDEX[finding.rule_id],
        "level": LEVEL[finding.enforcement],
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(path), "uriBaseId": SRCROOT},
                    "region": {"startLine": line},
                },
                "logicalLocations": [
                    {"name": finding.name, "fullyQualifiedName": finding.urn, "kind": "resource"}
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint},
        "properties": {"control": finding.control, "resourceType": finding.type},
    }
    if finding.suppressed is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppressed}]
    return result


def sarif_log(judgement: Judgement, tree: SourceTree) -> dict[str, Any]:
    """The SARIF log of one stack's evaluation: one run, every rule, every finding (suppressed ones with
    their justification, which GitHub shows as closed). No `automationDetails`: the uploader names the
    category (upload-sarif's `category` would not override an id already in the log)."""
    report = judgement.report
    driver_version = tool_version()
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": PACK_NAME,
                        "fullName": f"{PACK_NAME}: {FRAMEWORK} and the platform's own rules, as code",
                        "version": driver_version,
                        "semanticVersion": driver_version,
                        "informationUri": FSBP_URL,
                        "rules": [reporting_descriptor(rule) for rule in RULES],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"description": {"text": "The repository's root."}}},
                "results": [sarif_result(f, fp, tree, judgement) for f, fp in fingerprints(report)],
                "properties": {"stack": report.stack, "summary": report.summary()},
            }
        ],
    }


def code_quality_issue(
    finding: Finding, fingerprint: str, tree: SourceTree, judgement: Judgement
) -> dict[str, Any]:
    path, line = tree.locate(judgement.source(finding.urn))
    rule = BY_ID[finding.rule_id]
    severity = (
        CODE_QUALITY_SEVERITY[finding.severity]
        if finding.enforcement is Enforcement.MANDATORY
        else ADVISORY_CODE_QUALITY_SEVERITY
    )
    return {
        "description": f"{_message(finding)}. {rule.desired} [{finding.enforcement}, {finding.control}]",
        "check_name": finding.rule_id,
        "fingerprint": fingerprint,
        "severity": severity,
        "location": {"path": path, "lines": {"begin": line}},
    }


def code_quality_report(judgement: Judgement, tree: SourceTree) -> list[dict[str, Any]]:
    """GitLab's code quality issues: every unsuppressed finding. GitLab has no notion of a suppressed
    issue; suppressions are in the table, JSON and SARIF outputs, with their reasons."""
    return [
        code_quality_issue(f, fp, tree, judgement)
        for f, fp in fingerprints(judgement.report)
        if f.suppressed is None
    ]


def sarif_json(judgement: Judgement, tree: SourceTree) -> str:
    return json.dumps(sarif_log(judgement, tree), indent=2)


def code_quality_json(judgement: Judgement, tree: SourceTree) -> str:
    return json.dumps(code_quality_report(judgement, tree), indent=2)
