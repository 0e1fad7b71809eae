"""A plan diff as a pull-request comment: destructive first, details collapsed, under GitHub's limit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from infra.rehearsal.diff import Action, PlanDiff, ResourceChange, show, summary_line

GITHUB_COMMENT_LIMIT = 65_536
# Room for the workflow's own header and footer around the body.
COMMENT_BUDGET = GITHUB_COMMENT_LIMIT - 2_536
FOOTER = (
    "<sub>Offline rehearsal on an emulated AWS account (moto), no cloud credentials used. "
    "Reproduce: `infra rehearse STACK --json head.json` on each side, "
    "then `infra diff base.json head.json`.</sub>"
)
_SECTIONS = (
    (Action.REPLACE, "Replacements"),
    (Action.DELETE, "Deletions"),
    (Action.UPDATE, "Updates"),
    (Action.CREATE, "Creations"),
)


def marker(stack: str) -> str:
    """A hidden line identifying the one comment per stack, so a new push updates it in place."""
    return f"<!-- infra-rehearsal:{stack} -->"


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")


def _fence(text: str) -> str:
    return text.replace("```", "'''")


def _destructive_table(diff: PlanDiff, limit: int) -> list[str]:
    rows = diff.destructive
    if not rows:
        return []
    lines = [
        "> [!CAUTION]",
        f"> **{len(rows)} destructive change(s)**: they delete or replace resources that hold data.",
        "",
        "| Action | Resource | Kind | Why |",
        "|---|---|---|---|",
    ]
    for change in rows[:limit]:
        lines.append(
            f"| {change.action.value} | `{_code(change.name)}` | {change.stateful_kind} (`{change.type}`) "
            f"| {change.reason} |"
        )
    if len(rows) > limit:
        lines.append(f"| … | {len(rows) - limit} more | | |")
    return [*lines, ""]


def _details(change: ResourceChange, value_limit: int, property_limit: int) -> list[str]:
    flag = " **destructive**" if change.destructive else ""
    lines = [f"**`{_code(change.name)}`** `{change.type}`{flag}"]
    if change.cascade is not None:
        lines.append(f"Replaced because {change.reason}.")
    if not change.properties:
        return [*lines, ""]
    lines.append("```diff")
    for prop in change.properties[:property_limit]:
        note = "  # forces replacement" if prop.forces_replacement else ""
        lines.append(_fence(f"- {prop.path}: {show(prop.old, value_limit)}"))
        lines.append(_fence(f"+ {prop.path}: {show(prop.new, value_limit)}{note}"))
    if len(change.properties) > property_limit:
        lines.append(f"# … {len(change.properties) - property_limit} more properties")
    return [*lines, "```", ""]


def _full(diff: PlanDiff, value_limit: int, property_limit: int) -> list[str]:
    lines: list[str] = []
    for action, title in _SECTIONS:
        changes = [c for c in diff.changes if c.action is action]
        if not changes:
            continue
        lines += [f"<details><summary>{title} ({len(changes)})</summary>", ""]
        if action in (Action.CREATE, Action.DELETE):
            lines += [f"- `{_code(c.name)}` `{c.type}`" for c in changes]
            lines.append("")
        else:
            for change in changes:
                lines += _details(change, value_limit, property_limit)
        lines += ["</details>", ""]
    if diff.outputs:
        lines += [f"<details><summary>Outputs ({len(diff.outputs)})</summary>", "", "```diff"]
        for prop in diff.outputs:
            lines += [
                _fence(f"- {prop.path}: {show(prop.old, value_limit)}"),
                _fence(f"+ {prop.path}: {show(prop.new, value_limit)}"),
            ]
        lines += ["```", "", "</details>", ""]
    return lines


def _summary(diff: PlanDiff) -> list[str]:
    """Counts per type and action: what is left when the details do not fit in one comment."""
    counts = Counter((c.type, c.action) for c in diff.changes)
    lines = [
        "The full diff does not fit in one comment; counts per type follow. "
        "Run `infra diff` locally (or download the workflow's plan artifacts) for every property.",
        "",
        "| Type | create | update | replace | delete |",
        "|---|---|---|---|---|",
    ]
    for token in sorted({t for t, _ in counts}):
        cells = " | ".join(
            str(counts[(token, a)]) for a in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)
        )
        lines.append(f"| `{token}` | {cells} |")
    return [*lines, ""]


def render_markdown(diff: PlanDiff, *, budget: int = COMMENT_BUDGET, gate: Sequence[str] = ()) -> str:
    """The comment body; progressively summarised until it fits in `budget` characters. `gate` is the
    check's verdict (why it fails and how to proceed), shown right under the summary."""
    head = [marker(diff.stack), f"### Rehearsal of `{diff.stack}`", "", f"**{summary_line(diff)}**", ""]
    if gate:
        head += [*gate, ""]
    if diff.empty:
        return "\n".join([*head, "No infrastructure changes.", "", FOOTER]) + "\n"
    attempts: list[Callable[[], list[str]]] = [
        lambda: _destructive_table(diff, 200) + _full(diff, 300, 50),
        lambda: _destructive_table(diff, 200) + _full(diff, 80, 8),
        lambda: _destructive_table(diff, 100) + _summary(diff),
        lambda: _destructive_table(diff, 20) + _summary(diff)[:2],
    ]
    body = ""
    for attempt in attempts:
        body = "\n".join([*head, *attempt(), FOOTER]) + "\n"
        if len(body) <= budget:
            return body
    return body[: budget - 200] + "\n\n… (truncated to fit a GitHub comment)\n"
