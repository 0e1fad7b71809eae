"""`infra policy <stack>`: rehearse a stack offline and report its policy findings as a table, JSON, SARIF
or a GitLab code quality report; the exit status is the same whatever the format."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infra.exit_codes import Exit, exit_code_table
from infra.policies.evaluate import Report, render_findings, report_json
from infra.policies.offline import Judgement, judge
from infra.policies.sarif import SourceTree, code_quality_json, sarif_json
from infra.rehearsal.commands import add_stack_arguments, run_stack
from infra.rehearsal.engine import Project, load_project, read_stack_config
from infra.rehearsal.rehearse import RehearsalFailed

FORMATS = ("table", "json", "sarif", "codequality")


def policy_judgement(project: Project, stack: str, *, mocks: str = "moto") -> Judgement:
    """Rehearse `stack` (on an emulated account, or under recording mocks) and judge what it declared."""
    config, secret_keys = read_stack_config(project, stack)
    return judge(run_stack(project, stack, mocks=mocks, config=config, secret_keys=secret_keys).result)


def render(judgement: Judgement, output_format: str, tree: SourceTree) -> str:
    if output_format == "json":
        return report_json(judgement.report)
    if output_format == "sarif":
        return sarif_json(judgement, tree)
    if output_format == "codequality":
        return code_quality_json(judgement, tree)
    return render_findings(judgement.report)


def exit_status(report: Report) -> Exit:
    """POLICY on an unsuppressed mandatory finding, else OK (a refusal never gets this far)."""
    return Exit.OK if report.passed else Exit.POLICY


def policy_command(args: argparse.Namespace) -> int:
    project = load_project(args.project)
    try:
        judgement = policy_judgement(project, args.stack, mocks=args.mocks)
    except RehearsalFailed as err:
        print(f"infra: {err}", file=sys.stderr)
        return Exit.REFUSED
    text = render(judgement, args.format, SourceTree.of(project, args.stack))
    output: Path | None = args.output
    if output is None:
        print(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n")
        verdict = render_findings(judgement.report).splitlines()[-1]  # the table's closing line
        print(f"{verdict} ({args.format} written to {output})")
    return exit_status(judgement.report)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "policy",
        help=f"rehearse a stack offline and report its policy findings; exit {int(Exit.POLICY)} on a "
        "mandatory violation",
        # Raw: the epilog is a table. The description keeps its own line breaks.
        description="Run the program of STACK offline and judge every resource against the policy pack in\n"
        "infra/policies (AWS Foundational Security Best Practices and the platform's rules).\n"
        "Suppressions are listed with their reasons. sarif (GitHub code scanning) and codequality\n"
        "(GitLab) locate each finding at the file and line that declared its resource.",
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_stack_arguments(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default), json, sarif (SARIF 2.1.0) or codequality (GitLab code quality report)",
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.set_defaults(handler=policy_command)
