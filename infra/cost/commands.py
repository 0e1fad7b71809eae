"""`infra cost`: the monthly cost of a stack (rehearsed) or a plan, the cost of a change against a
budget, and `infra cost refresh` of the price snapshot."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from infra.config import BUDGET_KEY
from infra.cost.change import BudgetError, cost_change
from infra.cost.estimate import estimate, needed_rates
from infra.cost.prices import PriceError, load_snapshot, snapshot_path
from infra.cost.refresh import PRICE_LIST_ENDPOINT_REGION, RefreshError, rate_from, refresh, write_snapshot
from infra.cost.render import (
    change_json,
    estimate_json,
    render_change_markdown,
    render_change_text,
    render_markdown,
    render_text,
)
from infra.cost.usage import UsageError, load_usage, with_overrides
from infra.exit_codes import Exit, exit_code_table
from infra.rehearsal.commands import add_project_arguments, run_stack
from infra.rehearsal.engine import load_project, read_stack_config
from infra.rehearsal.plan import PlanError, build_plan, read_plan
from infra.rehearsal.progress import Progress
from infra.rehearsal.rehearse import RehearsalFailed

REFRESH = "refresh"


class CostError(Exception):
    """A plan cannot be priced (it did not rehearse, or has no region); the message says what to do."""


def _plan_region(plan: dict[str, Any], where: str) -> str:
    if plan.get("failure"):
        raise CostError(
            f"{where}: this plan did not rehearse ({plan['failure'].get('message', '')}); nothing to price"
        )
    return str(plan.get("config", {}).get("aws:region", "us-east-1"))


def _rehearsed_plan(args: argparse.Namespace) -> dict[str, Any]:
    """The stack rehearsed as `infra rehearse STACK --json` would write it."""
    project = load_project(args.project)
    config, secret_keys = read_stack_config(project, args.stack)
    with Progress(f"rehearsing {args.stack}", enabled=Progress.wanted(args.quiet)) as progress:
        run = run_stack(
            project, args.stack, mocks=args.mocks, config=config, secret_keys=secret_keys, progress=progress
        )
    return build_plan(
        run.result,
        config=config,
        secret_keys=secret_keys,
        coverage=dict(run.coverage.types) if run.coverage else {},
        assumed=run.coverage.assumed if run.coverage else {},
        account_id=run.account,
        region=run.region,
    )


def _budget(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        budget = Decimal(value)
    except InvalidOperation:
        raise UsageError(f"--budget {value}: not a number of dollars") from None
    if not budget.is_finite() or budget < 0:
        raise UsageError(f"--budget {value}: must be a number of dollars >= 0")
    return budget


def _emit(args: argparse.Namespace, text: str, markdown: str, data: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(data, indent=2, sort_keys=True))
    elif args.markdown:
        print(markdown)
    else:
        print(text)


def cost_command(args: argparse.Namespace) -> int:
    if args.stack == REFRESH:
        return refresh_command(args)
    try:
        usage = with_overrides(load_usage(), args.assume)
        budget = _budget(args.budget)
        if args.base is not None:
            if args.plan is None or args.stack is not None:
                raise UsageError("--base BASE.json needs --plan HEAD.json (and no STACK)")
            base, head = read_plan(args.base), read_plan(args.plan)
            _plan_region(base, str(args.base))
            snapshot = load_snapshot(_plan_region(head, str(args.plan)), args.prices)
            change = cost_change(base, head, budget, snapshot=snapshot, usage=usage)
            _emit(args, render_change_text(change), render_change_markdown(change), change_json(change))
            return Exit.OVER_BUDGET if change.over_budget else Exit.OK
        if (args.plan is None) == (args.stack is None):
            raise UsageError("give a STACK to rehearse or --plan FILE, not both")
        if args.plan is not None:
            plan = read_plan(args.plan)
            where = str(args.plan)
        else:
            try:
                plan = _rehearsed_plan(args)
            except RehearsalFailed as err:
                print(f"infra: {args.stack} did not rehearse, nothing to price: {err}", file=sys.stderr)
                return Exit.REFUSED
            where = args.stack
        result = estimate(plan, load_snapshot(_plan_region(plan, where), args.prices), usage)
    except (UsageError, PlanError, PriceError, BudgetError, CostError) as err:
        print(f"infra: {err}", file=sys.stderr)
        return Exit.USAGE
    _emit(args, render_text(result), render_markdown(result), estimate_json(result))
    return Exit.OK


def refresh_command(args: argparse.Namespace) -> int:
    import boto3

    path = args.prices or snapshot_path(args.region)
    try:
        current = load_snapshot(args.region, path) if path.exists() else None
        rates = {rate_from(key) for key in current.wanted} if current else set()
        usage = load_usage()
        for plan_file in args.plan_files:
            rates |= needed_rates(read_plan(plan_file), usage)
        if not rates:
            raise UsageError(
                f"no rates to fetch: {path} lists none under `wanted`; pass --plan-for-rates FILE"
            )
        client = boto3.client("pricing", region_name=PRICE_LIST_ENDPOINT_REGION)
        snapshot, missing = refresh(client, args.region, rates, today=date.today())
    except (UsageError, PlanError, PriceError, RefreshError) as err:
        print(f"infra: {err}", file=sys.stderr)
        return Exit.USAGE
    write_snapshot(snapshot, path)
    found = len(rates) - len(missing)
    print(f"{path}: {found} of {len(rates)} rates priced from the Price List API ({snapshot.date})")
    for rate in missing:
        print(f"  not found (stays unpriced): {rate}")
    return Exit.OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "cost",
        help="monthly cost of a stack or plan, per resource and tier; a change's cost against a budget",
        description="Price a stack (rehearsed as `infra rehearse` does) or a plan from "
        "`infra rehearse --json` with the pinned AWS price snapshot (infra/cost/data/<region>.json) and "
        "the usage assumptions "
        "(infra/cost/usage.yaml). A charge without a price is listed as unpriced, never counted as zero. "
        f"With --base, print what the change costs and fail when it exceeds {BUDGET_KEY} (or --budget). "
        "`infra cost refresh` fetches the snapshot's prices again from the AWS Price List API.",
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "stack", nargs="?", help=f"stack to rehearse and price; or `{REFRESH}` to refresh the price snapshot"
    )
    parser.add_argument("--plan", type=Path, metavar="FILE", help="price this plan instead of rehearsing")
    parser.add_argument("--base", type=Path, metavar="FILE", help="the base plan: print the change to --plan")
    parser.add_argument(
        "--budget",
        metavar="USD",
        help=f"budget for the change's monthly increase (default: {BUDGET_KEY} of --plan)",
    )
    parser.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a usage assumption of infra/cost/usage.yaml (repeatable), e.g. natGbPerMonth=500",
    )
    parser.add_argument(
        "--prices", type=Path, metavar="FILE", help="price snapshot to use (default: the region's)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--markdown", action="store_true", help="print markdown (as in a PR comment)")
    add_project_arguments(parser)
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress line on stderr")
    parser.add_argument("--region", default="eu-west-1", help=f"`{REFRESH}`: the snapshot's region")
    parser.add_argument(
        "--plan-for-rates",
        dest="plan_files",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help=f"`{REFRESH}`: also fetch every rate this plan needs (repeatable)",
    )
    parser.set_defaults(handler=cost_command)
