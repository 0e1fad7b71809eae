"""`infra rehearse`: run a stack's program offline and print what it would create."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from infra.rehearsal.engine import load_project, read_stack_config, run_program
from infra.rehearsal.recording import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, RecordingMocks
from infra.rehearsal.report import render

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def pinned_account(config: dict[str, str]) -> str:
    """The account a stack is pinned to (`<project>:allowedAccountIds` or `aws:allowedAccountIds`)."""
    for key, value in config.items():
        if key.endswith(":allowedAccountIds"):
            ids = json.loads(value) if value.startswith("[") else [value]
            if ids:
                return str(ids[0])
    return DEFAULT_ACCOUNT_ID


def rehearse(args: argparse.Namespace) -> int:
    project = load_project(args.project)
    config, secret_keys = read_stack_config(project, args.stack)
    mocks = RecordingMocks(region=config.get("aws:region", DEFAULT_REGION), account_id=pinned_account(config))
    result = run_program(project, args.stack, mocks, config=config, secret_keys=secret_keys)
    print(render(result, mode="recording mocks (inputs echoed; nothing validated)"))
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "rehearse",
        help="run a stack's Pulumi program offline and print what it would create",
        description="Run the Pulumi program of STACK in-process under mocks (no cloud, no Pulumi CLI) "
        "and print the resource tree, the counts per type and the stack outputs.",
    )
    parser.add_argument("stack", help="stack name: its config is <stackConfigDir>/Pulumi.<stack>.yaml")
    parser.add_argument(
        "--project",
        type=Path,
        default=PROJECT_ROOT,
        help="directory holding Pulumi.yaml of any Pulumi Python project (default: this repository)",
    )
    parser.set_defaults(handler=rehearse)
