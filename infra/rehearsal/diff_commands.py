"""`infra diff BASE.json HEAD.json [--markdown]`: what changes between two plans, and the gate a pipeline
applies to it: a head that did not rehearse, a mandatory policy finding, or a destructive change that
nobody acknowledged fails, each with its own exit status (infra/exit_codes.py)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infra.config import BUDGET_KEY
from infra.cost.change import BudgetError, CostChange, cost_change
from infra.cost.prices import PriceError
from infra.cost.render import render_change_markdown
from infra.cost.usage import UsageError
from infra.diagram import change_diagram_markdown
from infra.exit_codes import Exit, exit_code_table
from infra.policies.evaluate import render_findings_markdown, report_from_document
from infra.rehearsal.diff import Action, PlanDiff, diff_plans, render_text
from infra.rehearsal.markdown import FOOTER, GITHUB_COMMENT_LIMIT, marker, render_markdown
from infra.rehearsal.plan import PlanError, read_plan
from infra.rehearsal.report import resource_names

ACK_LABEL = "allow-destructive"
"""The pull-request (merge-request) label that acknowledges a destructive change; the pipelines read it
from the event, never from the change's code, and pass --allow-destructive."""
SUPPRESSIONS_DOC = "infra/policies/README.md"


def with_policy(comment: str, policy: dict[str, Any]) -> str:
    """The PR comment followed by the head's policy findings; cut to their summary if the whole
    would pass GitHub's comment limit."""
    report = report_from_document(policy)
    section = render_findings_markdown(report)
    if len(comment) + len(section) + 2 > GITHUB_COMMENT_LIMIT:
        section = "\n".join(section.splitlines()[:3])
        section += f"\n\nThe findings did not fit in this comment: run `infra policy {report.stack}`."
    return comment.rstrip("\n") + "\n\n" + section + "\n"


def with_assumed(comment: str, assumed: dict[str, list[str]]) -> str:
    """The PR comment followed by what the rehearsal had to assume the real account already holds."""
    lines = [
        "**Assumed to exist outside the stack**: the rehearsal added these to the emulated account; "
        "the real account must hold them.",
        "",
    ]
    for what, urns in assumed.items():
        users = ", ".join(f"`{name}`" for name in resource_names(urns))
        lines.append(f"- `{what}` (used by {users})")
    return comment.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"


def with_section(comment: str, section: str, short: str) -> str:
    """The PR comment followed by `section`, or by `short` when the whole would pass GitHub's limit."""
    if not section:
        return comment
    if len(comment) + len(section) + 2 > GITHUB_COMMENT_LIMIT:
        section = short
    return comment.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"


def priced(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[CostChange | None, str]:
    """The monthly cost change of the two plans, or None and why it could not be estimated."""
    try:
        return cost_change(base, head), ""
    except (BudgetError, PriceError, UsageError) as err:
        return None, str(err)


def gate(
    diff: PlanDiff, head: Mapping[str, Any], *, allow_destructive: bool, cost: CostChange | None = None
) -> tuple[Exit, list[str]]:
    """The check's outcome on a rehearsed head, and the lines that explain it and say how to proceed."""
    mandatory = int(head.get("policy", {}).get("summary", {}).get("mandatory", 0))
    destructive = len(diff.destructive)
    lines = []
    code = Exit.OK
    if mandatory:
        code = Exit.POLICY
        lines.append(
            f"❌ **This check fails: {mandatory} mandatory policy finding(s)** (listed below), which "
            "`pulumi preview` with the policy pack would refuse too. Fix the resource; if a finding does not "
            "apply, suppress it next to the resource with a reason "
            f"(`{SUPPRESSIONS_DOC}`, Suppressions), which reviewers then see in this diff."
        )
    if destructive and not allow_destructive:
        code = code if code is not Exit.OK else Exit.DESTRUCTIVE
        lines.append(
            f"❌ **This check fails: {destructive} destructive change(s)** (below): the data these resources "
            f"hold would be lost. If that is intended, add the label `{ACK_LABEL}` to this change and the "
            "check runs again; otherwise change the program so they are updated in place."
        )
    elif destructive:
        lines.append(f"⚠️ {destructive} destructive change(s), acknowledged with the `{ACK_LABEL}` label.")
    if cost is not None and cost.over_budget:
        code = code if code is not Exit.OK else Exit.OVER_BUDGET
        lines.append(
            f"❌ **This check fails: the monthly cost estimate rises by ${cost.change:,.2f}**, more than the "
            f"stack's budget for one change (${cost.budget:,.2f}, `{BUDGET_KEY}`; see Monthly cost below). "
            "If the cost is intended, raise the budget in the stack's config in this change; otherwise size "
            "the resources down."
        )
    if code is Exit.OK:
        lines.insert(0, "✅ This check passes: nothing refused, no mandatory policy finding.")
    return code, lines


def failure_comment(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[Exit, str]:
    """A head that did not rehearse (its plan records why): the comment explains, the check fails."""
    failure = head["failure"]
    stack = str(head.get("stack", base.get("stack", "")))
    code = Exit(int(failure.get("exit", Exit.ERROR)))
    if failure.get("kind") == "refused":
        what = (
            f"❌ **This check fails: the emulated AWS account refused `{failure['urn']}`**: property "
            f"`{failure['property']}` ({failure['code']}): {failure['message']}\n\n"
            f"Source of the rule: {failure['source']}. AWS would refuse it the same way at `pulumi up`: "
            "fix the value in the program or the stack config and push again."
        )
    else:
        what = (
            f"❌ **This check fails: the head did not rehearse** (exit {int(code)}):\n\n"
            f"```\n{str(failure.get('message', '')).replace('```', chr(39) * 3)}\n```\n\n"
            f"Reproduce with `infra rehearse {stack}`."
        )
    return code, "\n".join([marker(stack), f"### Rehearsal of `{stack}`", "", what, "", FOOTER]) + "\n"


def terraform_report(diff: PlanDiff) -> dict[str, int]:
    """GitLab's Terraform report (`artifacts:reports:terraform`), the counts its merge-request widget
    shows: a replacement counts as a create and a delete, as GitLab's documented conversion of a plan
    does (`jq` over `resource_changes[].change.actions`; gitlab-org/gitlab!26830 and the "Terraform
    integration in merge requests" page)."""
    replaced = diff.count(Action.REPLACE)
    return {
        "create": diff.count(Action.CREATE) + replaced,
        "update": diff.count(Action.UPDATE),
        "delete": diff.count(Action.DELETE) + replaced,
    }


def diff_command(args: argparse.Namespace) -> int:
    try:
        base, head = read_plan(args.base), read_plan(args.head)
    except PlanError as err:
        print(f"infra: {err}", file=sys.stderr)
        return Exit.USAGE
    if "failure" in head:
        code, text = failure_comment(base, head)
        verdict = f"{head.get('stack', '')}: the head did not rehearse: FAILED (exit {int(code)})"
        if not args.markdown:
            text = verdict + "\n"
        diff = None
    else:
        diff = diff_plans(base, head)
        cost, unpriced = priced(base, head)
        code, lines = gate(diff, head, allow_destructive=args.allow_destructive, cost=cost)
        verdict = f"{diff.stack}: {'FAILED' if code else 'passed'} (exit {int(code)})"
        if args.markdown:
            text = render_markdown(diff, gate=lines)
            if "assumed" in head:
                text = with_assumed(text, head["assumed"])
            if "policy" in head:
                text = with_policy(text, head["policy"])
            if not diff.empty:
                text = _with_cost_and_diagram(text, diff.stack, base, head, cost, unpriced)
        else:
            text = render_text(diff) + "\n" + _cost_line(cost, unpriced) + "\n"
    if args.terraform_report is not None:
        counts = terraform_report(diff) if diff is not None else {"create": 0, "update": 0, "delete": 0}
        args.terraform_report.write_text(json.dumps(counts) + "\n", encoding="utf-8")
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        print(verdict)
    else:
        sys.stdout.write(text)
    return code


def _with_cost_and_diagram(
    comment: str,
    stack: str,
    base: Mapping[str, Any],
    head: Mapping[str, Any],
    cost: CostChange | None,
    unpriced: str,
) -> str:
    """The comment followed by what the change costs and the diagram of what it touches."""
    comment = with_section(comment, _cost_section(cost, unpriced), _cost_line(cost, unpriced))
    return with_section(
        comment,
        change_diagram_markdown(base, head),
        f"The diagram of this change did not fit in the comment: run `infra diagram --base BASE --plan HEAD` "
        f"for {stack}.",
    )


def _cost_section(cost: CostChange | None, unpriced: str) -> str:
    return (
        render_change_markdown(cost)
        if cost is not None
        else f"### Monthly cost\n\n{_cost_line(cost, unpriced)}"
    )


def _cost_line(cost: CostChange | None, unpriced: str) -> str:
    if cost is None:
        return f"Monthly cost: not estimated ({unpriced})."
    over = " OVER BUDGET" if cost.over_budget else ""
    return (
        f"Monthly cost: ${cost.before:,.2f} -> ${cost.after:,.2f} ({cost.change:+,.2f}){over} (`infra cost`)."
    )


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "diff",
        help="compare two plans from `infra rehearse --json` and gate the change (policy, destructive)",
        description="List what changes from BASE to HEAD, destructive changes (deleting or replacing a "
        "database, cache, broker, search domain, registry or secret) first, and fail as a pull-request check "
        "would: when the head did not rehearse (its plan records why), when it has a mandatory policy "
        "finding, or when a change is destructive and --allow-destructive was not given.",
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("base", type=Path, help="plan of the base (e.g. the target branch)")
    parser.add_argument("head", type=Path, help="plan of the head (e.g. the pull request)")
    parser.add_argument(
        "--markdown", action="store_true", help="render a pull-request comment (GitHub and GitLab markdown)"
    )
    parser.add_argument(
        "--allow-destructive",
        action="store_true",
        help=f"destructive changes are acknowledged (the `{ACK_LABEL}` label): reported, not failed",
    )
    parser.add_argument(
        "--terraform-report",
        type=Path,
        metavar="FILE",
        help="also write GitLab's Terraform report (create/update/delete counts) for the MR widget",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write to FILE instead of stdout (the verdict goes there)",
    )
    parser.set_defaults(handler=diff_command)
