"""`infra diagram`: the architecture of a stack (rehearsed offline) or of a plan, as Mermaid or an image."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infra.diagram.change import change_diagram_markdown
from infra.diagram.image import FORMATS, GraphvizMissing, render_image
from infra.diagram.mermaid import fenced, render
from infra.diagram.model import architecture
from infra.diagram.readme import README_STACK, ReadmeWithoutDiagram, with_diagram
from infra.exit_codes import Exit, exit_code_table
from infra.rehearsal.commands import PROJECT_ROOT, add_project_arguments, run_stack
from infra.rehearsal.engine import load_project, read_stack_config
from infra.rehearsal.plan import PlanError, build_plan, read_plan
from infra.rehearsal.rehearse import RehearsalFailed

TEXT_FORMATS = ("mermaid", "markdown")
README = PROJECT_ROOT / "README.md"


def stack_plan(project_dir: Path, stack: str, *, mocks: str = "moto") -> dict[str, Any]:
    """Rehearse `stack` offline and return its plan, as `infra rehearse STACK --json` writes it (without
    the policy report, which a diagram does not read). Raises RehearsalFailed when AWS would refuse it."""
    project = load_project(project_dir)
    config, secret_keys = read_stack_config(project, stack)
    run = run_stack(project, stack, mocks=mocks, config=config, secret_keys=secret_keys)
    return build_plan(
        run.result,
        config=config,
        secret_keys=secret_keys,
        coverage=dict(run.coverage.types) if run.coverage else {},
        assumed=run.coverage.assumed if run.coverage else {},
        account_id=run.account,
        region=run.region,
    )


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"written to {output}")


def _plan(args: argparse.Namespace) -> Mapping[str, Any]:
    if args.plan is not None:
        plan = read_plan(args.plan)
        if args.stack is not None and args.stack != plan.get("stack"):
            raise PlanError(f"{args.plan} is a plan of stack {plan.get('stack')!r}, not {args.stack!r}")
        return plan
    return stack_plan(args.project, args.stack, mocks=args.mocks)


def diagram_command(args: argparse.Namespace) -> int:
    if args.stack is None and args.plan is None:
        print("infra: name a STACK to rehearse, or give --plan FILE", file=sys.stderr)
        return Exit.USAGE
    if args.format in FORMATS and args.output is None:
        print(f"infra: --format {args.format} writes a file: give --output FILE", file=sys.stderr)
        return Exit.USAGE
    if args.update_readme and (args.format != "mermaid" or args.base is not None):
        print("infra: --update-readme writes the Mermaid diagram of one plan", file=sys.stderr)
        return Exit.USAGE
    try:
        base = read_plan(args.base) if args.base is not None else None
        plan = _plan(args)
    except PlanError as err:
        print(f"infra: {err}", file=sys.stderr)
        return Exit.USAGE
    except RehearsalFailed as err:
        print(f"infra: {args.stack} does not rehearse, so there is no plan to draw: {err}", file=sys.stderr)
        return Exit.REFUSED
    if base is not None:
        if args.format in FORMATS:
            print("infra: --base draws the change as Mermaid markdown only", file=sys.stderr)
            return Exit.USAGE
        markdown = change_diagram_markdown(base, plan)
        _write(markdown or "The change touches nothing on the architecture diagram.\n", args.output)
        return Exit.OK
    arch = architecture(plan)
    if args.format in FORMATS:
        try:
            print(f"written to {render_image(arch, args.output, args.format)}")
        except GraphvizMissing as err:
            print(f"infra: {err}", file=sys.stderr)
            return Exit.UNAVAILABLE
        return Exit.OK
    diagram = render(arch)
    if args.update_readme:
        if arch.stack != README_STACK:
            print(f"infra: the README shows stack {README_STACK!r}, not {arch.stack!r}", file=sys.stderr)
            return Exit.USAGE
        try:
            updated = with_diagram(README.read_text(encoding="utf-8"), diagram)
        except ReadmeWithoutDiagram as err:
            print(f"infra: {err}", file=sys.stderr)
            return Exit.USAGE
        README.write_text(updated, encoding="utf-8")
        print(f"{README.name}: the diagram of {arch.stack} is current")
        return Exit.OK
    _write(fenced(diagram) if args.format == "markdown" else diagram, args.output)
    return Exit.OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "diagram",
        help="draw a stack's architecture from its plan: Mermaid (for markdown), SVG or PNG",
        description="Draw the architecture a stack declares: the VPC, its subnet tiers and zones with what "
        "is placed in them, the traffic its security-group rules allow (labelled with ports), the entry "
        "from the internet through the WAF and load balancer, and the AWS services reached outside the VPC. "
        "The stack is rehearsed offline (as `infra rehearse`), or its plan read with --plan. Mermaid is "
        "byte-identical for the same plan. With --base, the diagram of what a change touches instead.",
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "stack",
        nargs="?",
        help="stack to rehearse (its config is <stackConfigDir>/Pulumi.<stack>.yaml); or give --plan",
    )
    add_project_arguments(parser)
    parser.add_argument(
        "--plan", type=Path, metavar="FILE", help="draw this plan (`infra rehearse STACK --json FILE`)"
    )
    parser.add_argument(
        "--base",
        type=Path,
        metavar="PLAN",
        help="the base's plan: draw what the change from it touches (Mermaid markdown, for a PR comment)",
    )
    parser.add_argument(
        "--format",
        choices=(*TEXT_FORMATS, *FORMATS),
        default="mermaid",
        help="mermaid (default), markdown (a ```mermaid block), svg or png (AWS icons; needs Graphviz)",
    )
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE (svg and png need it)"
    )
    parser.add_argument(
        "--update-readme",
        action="store_true",
        help=f"replace README.md's generated diagram with this one (stack {README_STACK})",
    )
    parser.set_defaults(handler=diagram_command)
