"""`infra policy <stack>`: rehearse a stack offline and print its policy findings, as a table or JSON."""

from __future__ import annotations

import argparse
import sys

from infra.policies.evaluate import Report, render_findings, report_json
from infra.policies.offline import findings_for
from infra.rehearsal.commands import add_stack_arguments
from infra.rehearsal.engine import Project, load_project, read_stack_config, run_program
from infra.rehearsal.recording import DEFAULT_REGION, RecordingMocks
from infra.rehearsal.rehearse import RehearsalFailed, pinned_account, rehearse

FAILED = 1


def policy_report(project: Project, stack: str, *, mocks: str = "moto") -> Report:
    """Rehearse `stack` (on an emulated account, or under recording mocks) and judge what it declared."""
    config, secret_keys = read_stack_config(project, stack)
    if mocks == "recording":
        recording = RecordingMocks(
            region=config.get("aws:region", DEFAULT_REGION), account_id=pinned_account(config)
        )
        return findings_for(run_program(project, stack, recording, config=config, secret_keys=secret_keys))
    with rehearse(project, stack, config=config, secret_keys=secret_keys) as rehearsal:
        return findings_for(rehearsal.result)


def policy_command(args: argparse.Namespace) -> int:
    try:
        report = policy_report(load_project(args.project), args.stack, mocks=args.mocks)
    except RehearsalFailed as err:
        print(f"infra: {err}", file=sys.stderr)
        return FAILED
    print(report_json(report) if args.format == "json" else render_findings(report))
    return 0 if report.passed else FAILED


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "policy",
        help="rehearse a stack offline and print its policy findings; exit 1 on a mandatory violation",
        description="Run the program of STACK offline and judge every resource against the policy pack in "
        "infra/policies (AWS Foundational Security Best Practices and the platform's rules). Suppressions "
        "are listed with their reasons. Exits 1 when a mandatory rule is violated.",
    )
    add_stack_arguments(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    parser.set_defaults(handler=policy_command)
