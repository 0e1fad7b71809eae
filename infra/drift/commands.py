"""`infra drift STACK --emulated | --preview FILE`: the stack's drift, its known noise left out."""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

from infra.drift import allowlist
from infra.exit_codes import Exit, exit_code_table
from infra.ops.stack import PROJECT_ROOT


def _emulated(args: argparse.Namespace, entries: tuple[allowlist.Entry, ...]) -> int:
    from infra.drift.emulated import emulated_drift
    from infra.rehearsal.rehearse import RehearsalFailed, rehearse

    change = None
    if args.out_of_band is not None:
        change = runpy.run_path(str(args.out_of_band)).get("change")
        if not callable(change):
            print(f"infra drift: {args.out_of_band} defines no change(rehearsal) function", file=sys.stderr)
            return Exit.USAGE
    try:
        rehearsal = rehearse(args.project, args.stack)
    except RehearsalFailed as err:
        print(f"infra drift: {err}", file=sys.stderr)
        return Exit.REFUSED
    with rehearsal:
        if change is not None:
            change(rehearsal)
        report = emulated_drift(rehearsal, entries)
    print(report.text())
    if args.markdown:
        args.markdown.write_text(report.markdown(), encoding="utf-8")
    return Exit.DRIFT if report.has_drift else Exit.OK


def _handle(args: argparse.Namespace) -> int:
    if args.out_of_band is not None and not args.emulated:
        print("infra drift: --out-of-band needs --emulated", file=sys.stderr)
        return Exit.USAGE
    if args.emulated:
        try:
            entries = allowlist.load(args.allowlist)
        except allowlist.AllowlistError as err:
            print(f"infra drift: {err}", file=sys.stderr)
            return Exit.USAGE
        return _emulated(args, entries)
    from infra.drift import ci

    argv = [args.stack, "--preview", str(args.preview), "--preview-exit", str(args.preview_exit)]
    argv += ["--allowlist", str(args.allowlist)]
    argv += ["--markdown", str(args.markdown)] if args.markdown else []
    return ci.main(argv, env={})


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "drift",
        help="what the live stack holds that its program does not declare, known noise left out",
        description="Report STACK's drift: each resource and property whose live state differs from what "
        "the program declares, leaving out what infra/drift/allowlist.yaml lists (each entry with its "
        "reason) and what a resource's ignoreChanges names. --emulated rehearses the stack, optionally "
        "changes the emulated account out of band (--out-of-band), and reads it back; --preview reads the "
        "JSON of `pulumi preview --refresh --expect-no-changes --json` (what the scheduled CI job runs; "
        "scripts/ci/drift also opens, updates and closes the stack's drift issue).",
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("stack", help="stack name: its config is <stackConfigDir>/Pulumi.<stack>.yaml")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--emulated", action="store_true", help="rehearse the stack and read back the emulated account"
    )
    source.add_argument("--preview", type=Path, metavar="FILE", help="stdout of `pulumi preview ... --json`")
    parser.add_argument(
        "--preview-exit", type=int, default=0, metavar="N", help="the exit status of that preview (default 0)"
    )
    parser.add_argument(
        "--out-of-band",
        type=Path,
        metavar="FILE",
        help="with --emulated: a Python file whose change(rehearsal) edits the account through "
        "rehearsal.session after the rehearsal, as someone in the console would",
    )
    parser.add_argument(
        "--allowlist", type=Path, default=allowlist.ALLOWLIST, help="default: infra/drift/allowlist.yaml"
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=PROJECT_ROOT,
        help="with --emulated: directory holding Pulumi.yaml (default: this repository)",
    )
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the report as Markdown")
    parser.set_defaults(handler=_handle)
