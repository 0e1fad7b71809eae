"""The scheduled drift job's report (scripts/ci/drift runs the preview, then this): read the preview's
JSON digest and exit status, leave out the allowlisted noise, print the report, write it as Markdown, and
open, update or close the stack's issue. Standard library and PyYAML only: the credentialed CI jobs
install requirements/policy.txt alone.

usage: python -m infra.drift.ci STACK --preview FILE --preview-exit N [--issues github|gitlab|none]
       [--allowlist FILE] [--markdown FILE] [--history FILE --head SHA]
exit status: 0 no drift, 8 drift, 1 the preview failed or the tracker refused, 2 bad arguments."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from infra.drift import allowlist
from infra.drift.issues import GitHub, GitLab, Tracker, TrackerError, sync_issue
from infra.drift.preview import PreviewFailed, read_preview
from infra.drift.report import DriftReport, filtered
from infra.exit_codes import Exit

SOURCE = "pulumi preview --refresh"


class MissingSetting(Exception):
    """A variable the tracker needs is not set: the message names it."""


def _need(env: Mapping[str, str], *names: str) -> str:
    for name in names:
        if env.get(name):
            return env[name]
    raise MissingSetting(" or ".join(names) + " is not set")


def tracker_from_env(kind: str, env: Mapping[str, str]) -> tuple[Tracker | None, str]:
    """The tracker and the URL of this run, from the variables each CI system sets."""
    if kind == "github":
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        repository = _need(env, "GITHUB_REPOSITORY")
        run = f"{server}/{repository}/actions/runs/{env['GITHUB_RUN_ID']}" if env.get("GITHUB_RUN_ID") else ""
        api = env.get("GITHUB_API_URL", "https://api.github.com")
        return GitHub(api, repository, _need(env, "GH_TOKEN", "GITHUB_TOKEN")), run
    if kind == "gitlab":
        tracker = GitLab(
            _need(env, "CI_API_V4_URL"), _need(env, "CI_PROJECT_ID"), _need(env, "POSTINGS_DRIFT_TOKEN")
        )
        return tracker, env.get("CI_JOB_URL", "")
    return None, ""


def deployed_commit(history: object) -> str | None:
    """The commit of the stack's last successful update, from `pulumi stack history --json` (newest
    first; each update's `environment` holds the `git.head` the CLI recorded)."""
    if not isinstance(history, list):
        return None
    for update in history:
        if (
            isinstance(update, dict)
            and update.get("kind") == "update"
            and update.get("result") == "succeeded"
        ):
            head = (update.get("environment") or {}).get("git.head")
            return str(head) if head else None
    return None


def history_note(history_file: Path | None, head: str) -> str | None:
    """A note when the program previewed is not the one last deployed: what was merged since and not
    deployed reads as drift."""
    if history_file is None or not head:
        return None
    try:
        deployed = deployed_commit(json.loads(history_file.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError):
        deployed = None
    if deployed is None:
        return "the commit of the stack's last update is unknown (no `git.head` in its history)"
    if deployed == head:
        return None
    return (
        f"the stack was last updated from commit {deployed[:12]}; this preview ran the program at "
        f"{head[:12]}: a change merged in between and not yet deployed reads as drift here"
    )


def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    try:
        entries = allowlist.load(args.allowlist)
        text = args.preview.read_text(encoding="utf-8") if args.preview.exists() else ""
        result = read_preview(text, args.preview_exit)
    except allowlist.AllowlistError as err:
        print(f"drift: {err}", file=sys.stderr)
        return Exit.USAGE
    except PreviewFailed as err:
        print(f"drift: {args.stack}: {err}", file=sys.stderr)
        return Exit.ERROR
    drifted, left_out = filtered(result.resources, entries)
    notes = tuple(f"pulumi warned: {warning}" for warning in result.warnings)
    note = history_note(args.history, args.head)
    notes += (note,) if note else ()
    if result.maybe_corrupt:
        notes += ("pulumi says one or more resources may be corrupt (maybeCorrupt): check the stack's state",)
    report = DriftReport(args.stack, SOURCE, drifted, left_out, notes)
    print(report.text())
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(report.markdown(), encoding="utf-8")
    # The report is out before the tracker is asked for anything: a missing token still leaves it readable.
    try:
        tracker, run_url = tracker_from_env(args.issues, env)
        if tracker is not None:
            print(f"drift: {args.stack}: {sync_issue(tracker, report, run_url)}")
    except (MissingSetting, TrackerError) as err:
        print(f"drift: {args.stack}: the issue could not be written: {err}", file=sys.stderr)
        return Exit.ERROR
    return Exit.DRIFT if report.has_drift else Exit.OK


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra.drift.ci", description=__doc__.splitlines()[0])
    parser.add_argument("stack")
    parser.add_argument("--preview", type=Path, required=True, help="stdout of `pulumi preview --json`")
    parser.add_argument("--preview-exit", type=int, required=True, help="its exit status")
    parser.add_argument("--issues", choices=("github", "gitlab", "none"), default="none")
    parser.add_argument("--allowlist", type=Path, default=allowlist.ALLOWLIST)
    parser.add_argument("--markdown", type=Path, help="write the report as Markdown here")
    parser.add_argument("--history", type=Path, help="stdout of `pulumi stack history --json`")
    parser.add_argument("--head", default="", help="the commit whose program the preview ran")
    return parser


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    return run(parser().parse_args(argv), os.environ if env is None else env)


if __name__ == "__main__":
    sys.exit(main())
