"""Judge a stack's resources against every rule; render the findings as a table or JSON."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from infra.policies.model import Enforcement, Finding, Resource, Rule, Severity, Stack, Status
from infra.policies.rules import RULES, SUPPRESSIONS_RULE
from infra.policies.suppressions import declared, reason_problem


@dataclass(frozen=True)
class Report:
    """Every finding of one evaluation, suppressed ones included."""

    stack: str
    findings: tuple[Finding, ...]
    resources: int

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is None]

    @property
    def mandatory(self) -> list[Finding]:
        return [f for f in self.active if f.enforcement is Enforcement.MANDATORY]

    @property
    def advisory(self) -> list[Finding]:
        return [f for f in self.active if f.enforcement is Enforcement.ADVISORY]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is not None]

    @property
    def passed(self) -> bool:
        return not self.mandatory

    def summary(self) -> dict[str, int]:
        return {
            "resources": self.resources,
            "mandatory": len(self.mandatory),
            "advisory": len(self.advisory),
            "suppressed": len(self.suppressed),
        }


def suppression_reason(rule: Rule, resource: Resource | None) -> str | None:
    """The reason declared on `resource` for suppressing `rule`; the suppression rule itself cannot be."""
    if resource is None or rule.id == SUPPRESSIONS_RULE.id:
        return None
    reason = declared(resource.own_tags).get(rule.id)
    # A suppression without a usable reason suppresses nothing (and suppressions-valid reports it).
    return reason if reason is not None and reason_problem(reason) is None else None


def _finding(rule: Rule, resource: Resource | None, urn: str, message: str) -> Finding:
    return Finding(
        rule_id=rule.id,
        control=rule.control,
        enforcement=rule.enforcement,
        severity=rule.severity,
        urn=urn,
        type=resource.type if resource is not None else "",
        name=resource.name if resource is not None else urn,
        message=message,
        suppressed=suppression_reason(rule, resource),
    )


def findings(stack: Stack, rules: Sequence[Rule] = RULES) -> list[Finding]:
    """Every violation of `rules` in `stack`, suppressed or not, in rule order then resource order."""
    found: list[Finding] = []
    for rule in rules:
        if rule.is_stack_rule:
            found += [_finding(rule, stack.get(v.urn), v.urn, v.message) for v in rule.evaluate_stack(stack)]
            continue
        for resource in stack:
            status, messages = rule.evaluate(resource)
            if status is Status.NON_COMPLIANT:
                found += [_finding(rule, resource, resource.urn, m) for m in messages]
    return found


def evaluate(stack_name: str, resources: Iterable[Resource], rules: Sequence[Rule] = RULES) -> Report:
    stack = Stack(tuple(resources))
    return Report(stack=stack_name, findings=tuple(findings(stack, rules)), resources=len(stack.resources))


TABLE_WIDTH = 110
"""The last column folds onto continuation lines to keep the table this wide; when the other columns
leave it less than LAST_COLUMN_MIN, it goes under its row, indented."""
LAST_COLUMN_MIN = 40


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    indent = sum(widths[:-1]) + 2 * (len(widths) - 1)
    under = TABLE_WIDTH - indent < LAST_COLUMN_MIN
    if under:
        indent = 4
    lines = []
    for row in rows:
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False))
        folded = textwrap.wrap(row[-1], TABLE_WIDTH - indent, break_on_hyphens=False) or [""]
        if under:
            lines += [cells.rstrip(), *(" " * indent + part for part in folded)]
        else:
            lines.append(f"{cells}  {folded[0]}".rstrip())
            lines += [" " * indent + more for more in folded[1:]]
    return lines


def render_findings(report: Report) -> str:
    """The terminal report: unsuppressed findings, mandatory first, then every suppression with its reason."""
    lines = [f"Policy findings for {report.stack} ({report.resources} resources, {len(RULES)} rules)"]
    active = sorted(
        report.active, key=lambda f: (f.enforcement is not Enforcement.MANDATORY, f.rule_id, f.name)
    )
    if active:
        lines.append("")
        lines += _table(
            [["LEVEL", "RULE", "CONTROL", "RESOURCE", "FINDING"]]
            + [[str(f.enforcement), f.rule_id, f.control, f.name, f.message] for f in active]
        )
    if report.suppressed:
        lines += ["", "Suppressed (declared next to the resource, with the reason):"]
        lines += _table(
            [["RULE", "RESOURCE", "REASON"]]
            + [
                [f.rule_id, f.name, str(f.suppressed)]
                for f in sorted(report.suppressed, key=lambda f: (f.rule_id, f.name))
            ]
        )
    s = report.summary()
    verdict = "FAILED" if s["mandatory"] else "passed"
    lines += [
        "",
        f"policy: {s['mandatory']} mandatory findings, {s['advisory']} advisory, "
        f"{s['suppressed']} suppressed: {verdict}",
    ]
    return "\n".join(lines)


def policy_document(report: Report) -> dict[str, Any]:
    """The report as plain data: what `infra policy --format json` prints and a rehearsal plan can carry."""
    return {
        "stack": report.stack,
        "summary": report.summary(),
        "findings": [f.as_dict() for f in report.active],
        "suppressed": [f.as_dict() for f in report.suppressed],
    }


def report_from_document(document: Mapping[str, Any]) -> Report:
    """A report back from `policy_document` (e.g. read from a plan to render the PR comment)."""
    findings = [
        Finding(
            rule_id=f["rule"],
            control=f["control"],
            enforcement=Enforcement(f["enforcement"]),
            severity=Severity(f["severity"]),
            urn=f["urn"],
            type=f["type"],
            name=f["name"],
            message=f["message"],
            suppressed=f["suppressed"],
        )
        for f in [*document["findings"], *document["suppressed"]]
    ]
    return Report(
        stack=document["stack"], findings=tuple(findings), resources=document["summary"]["resources"]
    )


def report_json(report: Report) -> str:
    return json.dumps(policy_document(report), indent=2, sort_keys=True)


def render_findings_markdown(report: Report) -> str:
    """The section for the PR preview comment: verdict, findings, and every suppression with its reason."""
    s = report.summary()
    verdict = "❌ mandatory violations" if s["mandatory"] else "✅ no mandatory violation"
    lines = [
        f"### Policy: {verdict} ({report.stack})",
        "",
        f"{s['mandatory']} mandatory, {s['advisory']} advisory, {s['suppressed']} suppressed "
        f"over {s['resources']} resources.",
    ]
    active = sorted(
        report.active, key=lambda f: (f.enforcement is not Enforcement.MANDATORY, f.rule_id, f.name)
    )
    if active:
        lines += ["", "| Level | Rule | Control | Resource | Finding |", "|---|---|---|---|---|"]
        lines += [
            f"| {f.enforcement} | `{f.rule_id}` | {f.control} | `{f.name}` | {f.message} |" for f in active
        ]
    if report.suppressed:
        lines += [
            "",
            "<details><summary>Suppressions</summary>",
            "",
            "| Rule | Resource | Reason |",
            "|---|---|---|",
        ]
        lines += [f"| `{f.rule_id}` | `{f.name}` | {f.suppressed} |" for f in report.suppressed]
        lines += ["", "</details>"]
    return "\n".join(lines)
