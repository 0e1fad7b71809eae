"""`infra rehearse`: run a stack's program offline, on an emulated AWS account by default, and print it."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.config import ConfigError
from infra.exit_codes import Exit, exit_code_table
from infra.policies.evaluate import Report, policy_document, render_findings
from infra.policies.offline import findings_for
from infra.rehearsal.diff import PlanDiff, diff_plans, render_text
from infra.rehearsal.emulated import Coverage
from infra.rehearsal.engine import (
    ProgramError,
    Project,
    ProjectError,
    RunResult,
    load_project,
    read_stack_config,
    run_program,
)
from infra.rehearsal.plan import PlanError, build_plan, failed_plan, read_plan, write_plan
from infra.rehearsal.progress import Progress
from infra.rehearsal.recording import DEFAULT_REGION, RecordingMocks
from infra.rehearsal.rehearse import RehearsalFailed, pinned_account, rehearse
from infra.rehearsal.report import render, render_coverage, resource_count

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
MOCKS = ("moto", "recording")
FAIL_ON = ("destructive", "not-emulated")

__all__ = ["PROJECT_ROOT", "Run", "add_stack_arguments", "pinned_account", "register", "run_stack"]


@dataclass
class Run:
    """What one rehearsal produced, whichever mocks ran it."""

    result: RunResult
    mode: str
    account: str
    region: str
    seconds: float | None = None
    coverage: Coverage | None = None
    secret_values: list[str] = field(default_factory=list)


def run_stack(
    project: Project,
    stack: str,
    *,
    mocks: str = "moto",
    config: dict[str, str],
    secret_keys: list[str],
    progress: Progress | None = None,
) -> Run:
    """Run `stack` under the chosen mocks: `moto` (the emulated account, AWS's checks) or `recording`
    (inputs echoed). Raises RehearsalFailed when the emulated account refuses a resource."""
    secrets = [config[k] for k in secret_keys]
    if mocks == "recording":
        recording = RecordingMocks(
            region=config.get("aws:region", DEFAULT_REGION), account_id=pinned_account(config)
        )
        result = run_program(project, stack, recording, config=config, secret_keys=secret_keys)
        mode = "recording mocks (inputs echoed; nothing validated)"
        return Run(result, mode, recording.account_id, recording.region, secret_values=secrets)
    with rehearse(project, stack, config=config, secret_keys=secret_keys, progress=progress) as rehearsal:
        account, region = rehearsal.account.account_id, rehearsal.account.region
        mode = f"an emulated AWS account (moto; account {account}, {region})"
        return Run(rehearsal.result, mode, account, region, rehearsal.seconds, rehearsal.coverage, secrets)


def verdict(stack: str, resources: int, report: Report, failures: list[str]) -> str:
    """The one line a person reads first (and last): what was declared, what was found, pass or fail."""
    s = report.summary()
    findings = "finding" if s["mandatory"] == 1 else "findings"
    line = (
        f"{stack}: {resources} resources, 0 refused, {s['mandatory']} mandatory {findings}, "
        f"{s['advisory']} advisory, {s['suppressed']} suppressed"
    )
    return f"{line}: FAILED ({'; '.join(failures)})" if failures else f"{line}: passed"


def _failures(report: Report, diff: PlanDiff | None, run: Run, fail_on: list[str]) -> list[tuple[Exit, str]]:
    """Each reason this rehearsal fails, with its exit code, most severe first."""
    failures = []
    if report.mandatory:
        failures.append((Exit.POLICY, f"{len(report.mandatory)} mandatory policy finding(s)"))
    if diff is not None and diff.destructive and "destructive" in fail_on:
        failures.append((Exit.DESTRUCTIVE, f"{len(diff.destructive)} destructive change(s)"))
    not_emulated = run.coverage.not_emulated if run.coverage is not None else []
    if not_emulated and "not-emulated" in fail_on:
        failures.append((Exit.NOT_EMULATED, f"{len(not_emulated)} type(s) not emulated"))
    return failures


def _write_failure(args: argparse.Namespace, project: Project | None, failure: dict[str, Any]) -> None:
    """With --json, a head that did not rehearse still leaves a plan saying why, for `infra diff`."""
    if args.json is not None:
        name = project.name if project is not None else args.project.name
        write_plan(failed_plan(name, args.stack, failure), args.json)


def rehearse_command(args: argparse.Namespace) -> int:
    fail_on = sorted({*args.fail_on, *(["not-emulated"] if args.strict else [])})
    base = None
    if args.base is not None:
        try:
            base = read_plan(args.base)
        except PlanError as err:
            print(f"infra: --base: {err}", file=sys.stderr)
            return Exit.USAGE
    elif "destructive" in fail_on:
        print(
            "infra: --fail-on destructive needs --base PLAN.json, the plan to compare with "
            "(write it with `infra rehearse STACK --json PLAN.json` on the base)",
            file=sys.stderr,
        )
        return Exit.USAGE
    project = None
    try:
        project = load_project(args.project)
        config, secret_keys = read_stack_config(project, args.stack)
        with Progress(f"rehearsing {args.stack}", enabled=Progress.wanted(args.quiet)) as progress:
            run = run_stack(
                project,
                args.stack,
                mocks=args.mocks,
                config=config,
                secret_keys=secret_keys,
                progress=progress,
            )
    except RehearsalFailed as err:
        error = err.error
        print(f"{args.stack}: refused by the emulated AWS account: FAILED", file=sys.stderr)
        print(f"infra: {err}", file=sys.stderr)
        _write_failure(
            args,
            project,
            {
                "exit": int(Exit.REFUSED),
                "kind": "refused",
                "message": error.aws_message,
                "code": error.code,
                "urn": error.urn,
                "property": error.prop,
                "source": error.source,
            },
        )
        return Exit.REFUSED
    except (ProgramError, ConfigError, ProjectError) as err:
        cause = err.__cause__ if isinstance(err, ProgramError) else err
        usage = isinstance(cause, ConfigError | ProjectError)
        code = Exit.USAGE if usage else Exit.ERROR
        _write_failure(
            args, project, {"exit": int(code), "kind": "usage" if usage else "error", "message": str(cause)}
        )
        raise

    result = run.result
    report = findings_for(result)
    plan = None
    if args.json is not None or base is not None:
        plan = build_plan(
            result,
            config=config,
            secret_keys=secret_keys,
            coverage=dict(run.coverage.types) if run.coverage else {},
            assumed=run.coverage.assumed if run.coverage else {},
            account_id=run.account,
            region=run.region,
            policy=policy_document(report),
        )
    diff = diff_plans(base, plan) if base is not None and plan is not None else None
    failures = _failures(report, diff, run, fail_on)
    line = verdict(args.stack, resource_count(result), report, [why for _, why in failures])

    sections = [line, render(result, mode=run.mode, secret_values=run.secret_values, seconds=run.seconds)]
    if run.coverage is not None:
        sections.append(render_coverage(run.coverage))
    sections.append(render_findings(report))
    if diff is not None:
        sections.append(f"Compared with {args.base}:\n{render_text(diff)}")
    if plan is not None and args.json is not None:
        write_plan(plan, args.json)
        sections.append(f"Plan written to {args.json}")
    if run.coverage is not None and run.coverage.not_emulated and "not-emulated" in fail_on:
        sections.append(
            f"--fail-on not-emulated: {', '.join(run.coverage.not_emulated)} echoed without an emulator's "
            "checks. Add a spec for each (docs/rehearsal.md, 'Adding a type')."
        )
    sections.append(line)
    print("\n\n".join(sections))
    return failures[0][0] if failures else Exit.OK


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    """STACK, --project and --mocks: how every command that rehearses a stack is told which and how."""
    parser.add_argument("stack", help="stack name: its config is <stackConfigDir>/Pulumi.<stack>.yaml")
    add_project_arguments(parser)


def add_project_arguments(parser: argparse.ArgumentParser) -> None:
    """--project and --mocks, for a command whose STACK argument is its own (optional beside --plan)."""
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
        "create every resource in an emulated AWS account (moto), so AWS's own checks run; print a one-line "
        "verdict, the resource tree, the counts per type, the outputs, which types were emulated and the "
        "policy findings. Fails, as `pulumi preview` with the policy pack does, when AWS would refuse a "
        "resource or a mandatory policy rule is violated.",
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_stack_arguments(parser)
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="write the deterministic plan (ids as URN references, secrets redacted) for `infra diff`; "
        "a stack that does not rehearse leaves a plan recording why",
    )
    parser.add_argument(
        "--base",
        type=Path,
        metavar="PLAN",
        help="a plan of the base (from `--json`): print what changes from it, for --fail-on destructive",
    )
    parser.add_argument(
        "--fail-on",
        action="append",
        choices=FAIL_ON,
        default=[],
        metavar="WHAT",
        help="also fail on: destructive (a stateful resource deleted or replaced since --base; exit 5), "
        "not-emulated (a type echoed without an emulator's checks; exit 6). Repeat for both.",
    )
    parser.add_argument("--strict", action="store_true", help="the same as --fail-on not-emulated")
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress line on stderr (it is off when not a terminal)",
    )
    parser.set_defaults(handler=rehearse_command)
