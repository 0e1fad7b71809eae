"""`infra diff BASE.json HEAD.json [--markdown]`: what changes between two plans; exit 1 if destructive."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from infra.policies.evaluate import render_findings_markdown, report_from_document
from infra.rehearsal.diff import diff_plans, render_text
from infra.rehearsal.markdown import GITHUB_COMMENT_LIMIT, render_markdown
from infra.rehearsal.plan import PlanError, read_plan
from infra.rehearsal.report import resource_names

EXIT_DESTRUCTIVE = 1
EXIT_BAD_PLAN = 2


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


def diff_command(args: argparse.Namespace) -> int:
    try:
        base, head = read_plan(args.base), read_plan(args.head)
    except PlanError as err:
        print(f"infra: {err}", file=sys.stderr)
        return EXIT_BAD_PLAN
    diff = diff_plans(base, head)
    text = render_markdown(diff) if args.markdown else render_text(diff) + "\n"
    if args.markdown and "assumed" in head:
        text = with_assumed(text, head["assumed"])
    if args.markdown and "policy" in head:
        text = with_policy(text, head["policy"])
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_DESTRUCTIVE if diff.destructive else 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "diff",
        help="compare two plans from `infra rehearse --json`: creates, updates, replacements, deletes",
        description="List what changes from BASE to HEAD, destructive changes (deleting or replacing a "
        "database, cache, broker, search domain, registry or secret) first. Exit status: 0 nothing "
        "destructive, 1 something destructive, 2 a file is not a plan.",
    )
    parser.add_argument("base", type=Path, help="plan of the base (e.g. the target branch)")
    parser.add_argument("head", type=Path, help="plan of the head (e.g. the pull request)")
    parser.add_argument(
        "--markdown", action="store_true", help="render a pull-request comment (GitHub markdown)"
    )
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    parser.set_defaults(handler=diff_command)
