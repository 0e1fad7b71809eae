"""`infra config`: check a stack's config, print the key table, keep Pulumi.yaml's declarations in sync."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from infra.config import (
    ENVIRONMENTS,
    ConfigError,
    config_table,
    load_config,
    project_declarations,
    provider_notes,
)
from infra.rehearsal.engine import load_project, load_stack_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_MARKER = "# Generated from infra/config.py by `infra config sync`; edit the schema, not this block.\n"


def render_project_file(current: str) -> str:
    """Pulumi.yaml with its `config:` block regenerated from the schema (everything else kept)."""
    head = current.split(CONFIG_MARKER, 1)[0].rstrip("\n") + "\n"
    block = yaml.safe_dump({"config": project_declarations()}, sort_keys=False, width=100, allow_unicode=True)
    return f"{head}{CONFIG_MARKER}{block}"


def stack_values(root: Path) -> dict[str, dict[str, Any]]:
    """What each stack file of this project sets, decoded from YAML."""
    project = load_project(root)
    values: dict[str, dict[str, Any]] = {}
    for stack in ENVIRONMENTS:
        data = yaml.safe_load(project.stack_file(stack).read_text()) or {}
        values[stack] = dict(data.get("config") or {})
    return values


def _problem_key(problem: str) -> str:
    return problem.split(" ", 1)[0].rstrip(":")


def check_stack(project: Path, stack: str) -> list[str]:
    """Every problem of a stack's config at once: the stack file's YAML (types as Pulumi.yaml declares
    them, and what YAML alters on the way, like an unquoted 1.10) and the schema's checks of the values
    the program would get. A key the YAML check names is not named again by the schema."""
    stack_file = load_stack_file(load_project(project), stack)
    try:
        load_config(stack_file.config, stack)
    except ConfigError as err:
        named = {_problem_key(p) for p in stack_file.problems}
        return stack_file.problems + [
            p for p in err.problems if _problem_key(p).split(".", 1)[0] not in named
        ]
    return stack_file.problems


def _check(args: argparse.Namespace) -> int:
    problems = check_stack(args.project, args.stack)
    if problems:
        raise ConfigError(args.stack, problems)
    raw = load_stack_file(load_project(args.project), args.stack).config
    config = load_config(raw, args.stack)
    print(yaml.safe_dump(config.model_dump(by_alias=True, mode="json"), sort_keys=True).rstrip())
    for note in provider_notes(raw):
        print(f"note: {note}")
    print(f"\n{args.stack}: config is valid (every key of every namespace, the YAML types, the values)")
    return 0


def _table(args: argparse.Namespace) -> int:
    print(config_table(stack_values(args.project)))
    return 0


def _sync(args: argparse.Namespace) -> int:
    path = args.project / "Pulumi.yaml"
    current = path.read_text()
    wanted = render_project_file(current)
    if current == wanted:
        print(f"{path}: config declarations are up to date")
        return 0
    if args.check:
        print(f"{path}: config declarations differ from infra/config.py; run `infra config sync`")
        return 1
    path.write_text(wanted)
    print(f"{path}: config declarations rewritten from infra/config.py")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("config", help="check stack config; document and declare its keys")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate a stack's config and print the effective values")
    check.add_argument("stack", help="dev, staging, prod or a personal stack (optionally org/project/stack)")
    check.set_defaults(handler=_check)
    table = actions.add_parser("table", help="print the markdown table of keys, defaults and stack values")
    table.set_defaults(handler=_table)
    sync = actions.add_parser("sync", help="regenerate Pulumi.yaml's config declarations from the schema")
    sync.add_argument("--check", action="store_true", help="only report whether Pulumi.yaml is up to date")
    sync.set_defaults(handler=_sync)
    for sub in (check, table, sync):
        sub.add_argument("--project", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
