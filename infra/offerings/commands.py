"""`infra offerings refresh`: rewrite the offerings catalogues from the AWS APIs (needs AWS credentials)."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

from infra.exit_codes import Exit, exit_code_table
from infra.offerings.catalogue import DATA_DIR, REPO_ROOT, SPECS
from infra.offerings.refresh import EmptyAnswer, refresh

DEFAULT_REGION = "eu-west-1"


def _refresh(args: argparse.Namespace) -> int:
    import boto3

    session = boto3.session.Session(region_name=args.region)

    def clients(service: str) -> Any:
        return session.client(service)  # type: ignore[call-overload]

    names = args.only or list(SPECS)
    try:
        written = refresh(clients, args.region, datetime.date.today(), names, args.data_dir)
    except EmptyAnswer as err:
        print(f"infra: {err}", file=sys.stderr)
        return Exit.ERROR
    for catalogue in written:
        path = args.data_dir / SPECS[catalogue.name].filename
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        count = sum(len(values) for values in catalogue.values.values())
        print(f"{shown}: {count} values from {catalogue.api} in {args.region}, {catalogue.retrieved}")
    return Exit.OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("offerings", help="the catalogues of AWS offerings the config check reads")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    ref = actions.add_parser(
        "refresh",
        help="rewrite infra/offerings/data/ from the AWS APIs (needs AWS credentials)",
        description="Call the AWS API behind each catalogue (every page) and rewrite its file, sorted,\n"
        "with today as `retrieved` and the operation and region as `source`. Nothing is written\n"
        "unless every call succeeds. See infra/offerings/README.md.",
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ref.add_argument("--region", default=DEFAULT_REGION, help="region to ask (default: %(default)s)")
    ref.add_argument(
        "--only",
        action="append",
        choices=sorted(SPECS),
        metavar="NAME",
        help=f"refresh only this catalogue (repeatable): {', '.join(sorted(SPECS))}",
    )
    ref.add_argument("--data-dir", type=Path, default=DATA_DIR, help=argparse.SUPPRESS)
    ref.set_defaults(handler=_refresh)
