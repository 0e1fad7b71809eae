"""`infra verify <stack> [--emulated]`: the checks against an environment as a table; non-zero on CRITICAL."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import boto3

from infra.ops.errors import OpsError
from infra.ops.stack import PROJECT_ROOT, check_stack, stack_region
from infra.verify.discover import OutputsUnavailable, from_outputs, from_tags, pulumi_outputs
from infra.verify.run import Report, verify


def verify_emulated(stack: str, project: Path = PROJECT_ROOT) -> Report:
    """Rehearse the stack against a fresh emulated account and verify what it created there. The HTTP
    checks are left out: nothing serves the api in an emulated account."""
    from infra.rehearsal.rehearse import rehearse

    with rehearse(project, stack) as rehearsal:
        target = from_outputs(stack, rehearsal.account.region, rehearsal.result.outputs)
        return verify(target, rehearsal.session, http=False)


def verify_deployed(stack: str, region: str, profile: str | None, outputs_file: Path | None) -> Report:
    session = boto3.Session(profile_name=profile, region_name=region)
    if outputs_file is not None:
        target = from_outputs(stack, region, json.loads(outputs_file.read_text()))
    else:
        try:
            target = from_outputs(stack, region, pulumi_outputs(stack))
        except OutputsUnavailable as err:
            print(
                f"infra verify: stack outputs unavailable ({err}); finding {stack} by its tags",
                file=sys.stderr,
            )
            target = from_tags(session, stack, region)
    return verify(target, session)


def _handle(args: argparse.Namespace) -> int:
    try:
        stack = check_stack(args.stack)
        if args.emulated:
            report = verify_emulated(stack)
        else:
            report = verify_deployed(stack, args.region or stack_region(stack), args.profile, args.outputs)
    except OpsError as err:
        print(f"infra verify: {err}", file=sys.stderr)
        return err.exit_code
    print(report.table())
    return report.exit_code


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "verify",
        help="run the monitoring checks against a deployed environment (or an emulated one)",
        description="Find STACK's environment (by its stack outputs, else by the Project/Environment tags) "
        "and run the Nagios checks of monitoring/checks against it: the service over HTTP, the database, "
        "the broker's queues, the search domain and its CloudWatch alarms. Prints a table; exits 2 on any "
        "CRITICAL, 3 when a check could not look (UNKNOWN), else 0.",
    )
    parser.add_argument("stack", help="dev, staging or prod")
    parser.add_argument(
        "--emulated",
        action="store_true",
        help="rehearse the stack against a fresh emulated account (moto) and verify that instead",
    )
    parser.add_argument("--region", help="AWS region (default: aws:region of the stack file)")
    parser.add_argument("--profile", help="AWS profile (default: the standard credential chain)")
    parser.add_argument(
        "--outputs",
        type=Path,
        metavar="FILE",
        help="JSON of `pulumi stack output --json` (default: ask the Pulumi CLI, else find by tags)",
    )
    parser.set_defaults(handler=_handle)
