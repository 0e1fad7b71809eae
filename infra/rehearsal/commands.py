"""`infra rehearse`: run a stack's program offline, on an emulated AWS account by default, and print it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infra.policies.evaluate import policy_document, render_findings
from infra.policies.offline import findings_for
from infra.rehearsal.engine import load_project, read_stack_config, run_program
from infra.rehearsal.plan import build_plan, write_plan
from infra.rehearsal.recording import DEFAULT_REGION, RecordingMocks
from infra.rehearsal.rehearse import RehearsalFailed, pinned_account, rehearse
from infra.rehearsal.report import render, render_coverage

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
MOCKS = ("moto", "recording")

__all__ = ["PROJECT_ROOT", "add_stack_arguments", "pinned_account", "register"]


def rehearse_command(args: argparse.Namespace) -> int:
    project = load_project(args.project)
    config, secret_keys = read_stack_config(project, args.stack)
    if args.mocks == "recording":
        mocks = RecordingMocks(
            region=config.get("aws:region", DEFAULT_REGION), account_id=pinned_account(config)
        )
        result = run_program(project, args.stack, mocks, config=config, secret_keys=secret_keys)
        print(
            render(
                result,
                mode="recording mocks (inputs echoed; nothing validated)",
                secret_values=[config[k] for k in secret_keys],
            )
        )
        coverage: dict[str, str] = {}
        assumed: dict[str, list[str]] = {}
        not_emulated: list[str] = []
        account, region = mocks.account_id, mocks.region
    else:
        try:
            rehearsal = rehearse(project, args.stack, config=config, secret_keys=secret_keys)
        except RehearsalFailed as err:
            print(f"infra: {err}", file=sys.stderr)
            return 1
        with rehearsal:
            result = rehearsal.result
            account, region = rehearsal.account.account_id, rehearsal.account.region
            coverage = dict(rehearsal.coverage.types)
            assumed = rehearsal.coverage.assumed
            not_emulated = rehearsal.coverage.not_emulated
            print(
                render(
                    result,
                    mode=f"an emulated AWS account (moto; account {account}, {region})",
                    secret_values=[config[k] for k in secret_keys],
                    seconds=rehearsal.seconds,
                )
            )
            print("")
            print(render_coverage(rehearsal.coverage))
    # The policy pack's findings on what was declared; `infra policy` is the gate that fails on them.
    findings = findings_for(result)
    print("")
    print(render_findings(findings))
    if args.json is not None:
        plan = build_plan(
            result,
            config=config,
            secret_keys=secret_keys,
            coverage=coverage,
            assumed=assumed,
            account_id=account,
            region=region,
            policy=policy_document(findings),
        )
        write_plan(plan, args.json)
        print(f"\nPlan written to {args.json}")
    if args.strict and not_emulated:
        print(
            f"infra: --strict: {len(not_emulated)} type(s) not emulated, so AWS's checks did not run on "
            f"them: {', '.join(not_emulated)}. Add a spec for each (docs/rehearsal.md, 'Adding a type').",
            file=sys.stderr,
        )
        return 1
    return 0


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    """STACK, --project and --mocks: how every command that rehearses a stack is told which and how."""
    parser.add_argument("stack", help="stack name: its config is <stackConfigDir>/Pulumi.<stack>.yaml")
    parser.add_argument(
        "--project",
        type=Path,
        default=PROJECT_ROOT,
        help="directory holding Pulumi.yaml of any Pulumi Python project (default: this repository)",
    )
    parser.add_argument(
        "--mocks",
        choices=MOCKS,
        default="moto",
        help="moto: emulated AWS account, AWS's checks run (default); recording: echo inputs, check nothing",
    )


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "rehearse",
        help="run a stack's Pulumi program offline against an emulated AWS account and print what it creates",
        description="Run the Pulumi program of STACK in-process (no cloud, no Pulumi CLI) with mocks that "
        "create every resource in an emulated AWS account (moto), so AWS's own checks run; print the "
        "resource tree, the counts per type, the outputs and which types were emulated.",
    )
    add_stack_arguments(parser)
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="write the deterministic plan (ids as URN references, secrets redacted) for `infra diff`",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 1) when any type was not emulated (echoed without AWS's checks)",
    )
    parser.set_defaults(handler=rehearse_command)
