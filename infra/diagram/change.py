"""The diagram of what a change touches, for the pull-request comment, each action styled apart."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from infra.diagram.mermaid import fenced, render
from infra.diagram.model import Architecture, Edge, Node, Tier, Vpc, architecture, tier_order
from infra.rehearsal.diff import Action, diff_plans

STATUSES = ("created", "updated", "replaced", "deleted")
_BY_ACTION = {
    Action.CREATE: "created",
    Action.UPDATE: "updated",
    Action.REPLACE: "replaced",
    Action.DELETE: "deleted",
}
LEGEND = "Green: created, yellow: updated, orange: replaced, red and dashed: deleted."


@dataclasses.dataclass(frozen=True)
class ChangeDiagram:
    """What a change touches, on the union of the base's and the head's architecture."""

    architecture: Architecture
    nodes: dict[str, str]
    """Node id -> status."""
    edges: dict[tuple[str, str], str]
    containers: dict[str, str]
    """VPC or tier id -> status."""
    undrawn: dict[str, int]
    """Changed resources the diagram has no place for, counted by type."""

    @property
    def empty(self) -> bool:
        return not (self.nodes or self.edges or self.containers)


def _merge(base: Architecture, head: Architecture) -> Architecture:
    """The head's architecture with what only the base had (deleted nodes, edges, tiers) added back."""
    nodes = {n.id: n for n in base.nodes} | {n.id: n for n in head.nodes}
    edges = {(e.source, e.target): e for e in base.edges} | {(e.source, e.target): e for e in head.edges}
    base_vpcs = {v.id: v for v in base.vpcs}
    vpcs: dict[str, Vpc] = {}
    for vpc in head.vpcs:
        old = base_vpcs.get(vpc.id)
        if old is not None:
            tiers = {t.id: t for t in old.tiers} | {t.id: t for t in vpc.tiers}
            vpc = dataclasses.replace(
                vpc, tiers=tuple(sorted(tiers.values(), key=lambda t: tier_order(t.name)))
            )
        vpcs[vpc.id] = vpc
    for vpc_id, vpc in base_vpcs.items():
        vpcs.setdefault(vpc_id, vpc)
    return Architecture(
        head.stack or base.stack,
        head.region or base.region,
        tuple(sorted(vpcs.values(), key=lambda v: v.id)),
        tuple(sorted(nodes.values(), key=lambda n: n.id)),
        tuple(edges[k] for k in sorted(edges)),
        tuple(sorted(set(base.unplaced) | set(head.unplaced))),
    )


def _status(actions: Mapping[str, Action], urns: Iterable[str], own: str | None = None) -> str | None:
    """`own`'s action when it changed, else `updated` when anything in `urns` changed."""
    if own is not None and own in actions:
        return _BY_ACTION[actions[own]]
    return "updated" if any(u in actions for u in urns) else None


def _node_status(
    node_id: str, base: Mapping[str, Node], head: Mapping[str, Node], actions: Mapping[str, Action]
) -> str | None:
    old, new = base.get(node_id), head.get(node_id)
    if old is None or new is None:
        return "created" if old is None else "deleted"
    own = new.urns[0] if new.urns and not new.outside else None
    if own is not None and old.urns and old.urns[0] != own:
        return "replaced"  # another resource stands for it now (its URN changed)
    status = _status(actions, {*old.urns, *new.urns}, own)
    if status is None and old.lines != new.lines:
        return "updated"
    return status


def _edge_status(
    key: tuple[str, str],
    base: Mapping[tuple[str, str], Edge],
    head: Mapping[tuple[str, str], Edge],
    actions: Mapping[str, Action],
) -> str | None:
    old, new = base.get(key), head.get(key)
    if old is None or new is None:
        return "created" if old is None else "deleted"
    if (old.label, old.traffic) != (new.label, new.traffic):
        return "updated"
    changed = {actions[u] for u in {*old.urns, *new.urns} if u in actions}
    if not changed:
        return None
    return "replaced" if changed == {Action.REPLACE} else "updated"


def _tier_status(
    tier_id: str, base: Mapping[str, Tier], head: Mapping[str, Tier], actions: Mapping[str, Action]
) -> str | None:
    old, new = base.get(tier_id), head.get(tier_id)
    if old is None or new is None:
        return "created" if old is None else "deleted"
    if old.zones != new.zones:
        return "updated"
    if new.urns and all(actions.get(u) is Action.REPLACE for u in new.urns):
        return "replaced"  # every subnet of it is new (the VPC is)
    return _status(actions, {*old.urns, *new.urns})


def change_diagram(base_plan: Mapping[str, Any], head_plan: Mapping[str, Any]) -> ChangeDiagram:
    """What the change from `base_plan` to `head_plan` (plans of `infra rehearse --json`) touches."""
    diff = diff_plans(base_plan, head_plan)
    actions = {c.urn: c.action for c in diff.changes}
    base, head = architecture(base_plan), architecture(head_plan)
    merged = _merge(base, head)
    base_nodes, head_nodes = {n.id: n for n in base.nodes}, {n.id: n for n in head.nodes}
    nodes = {
        n.id: status
        for n in merged.nodes
        if (status := _node_status(n.id, base_nodes, head_nodes, actions)) is not None
    }
    base_edges = {(e.source, e.target): e for e in base.edges}
    head_edges = {(e.source, e.target): e for e in head.edges}
    edges = {
        key: status
        for key in ((e.source, e.target) for e in merged.edges)
        if (status := _edge_status(key, base_edges, head_edges, actions)) is not None
    }
    containers: dict[str, str] = {}
    base_vpcs, head_vpcs = {v.id: v for v in base.vpcs}, {v.id: v for v in head.vpcs}
    for vpc in merged.vpcs:
        old, new = base_vpcs.get(vpc.id), head_vpcs.get(vpc.id)
        if old is None or new is None:
            containers[vpc.id] = "created" if old is None else "deleted"
        elif (status := _status(actions, {*old.parts, *new.parts}, new.urn)) is not None:
            containers[vpc.id] = status
        base_tiers = {t.id: t for t in old.tiers} if old else {}
        head_tiers = {t.id: t for t in new.tiers} if new else {}
        for tier in vpc.tiers:
            if (status := _tier_status(tier.id, base_tiers, head_tiers, actions)) is not None:
                containers[tier.id] = status
    drawn = {u for n in merged.nodes for u in n.urns} | {u for e in merged.edges for u in e.urns}
    drawn |= {u for v in merged.vpcs for u in (v.urn, *v.parts, *(u for t in v.tiers for u in t.urns))}
    undrawn = Counter(c.type for c in diff.changes if c.urn not in drawn)
    return ChangeDiagram(merged, nodes, edges, containers, dict(sorted(undrawn.items())))


def change_mermaid(diagram: ChangeDiagram) -> str:
    """The touched nodes, edges and containers (and the nodes at both ends of a touched edge)."""
    ends = {end for key in diagram.edges for end in key}
    return render(
        diagram.architecture,
        nodes=set(diagram.nodes) | ends,
        edges=set(diagram.edges),
        tiers={c for c in diagram.containers if c not in {v.id for v in diagram.architecture.vpcs}},
        node_status=diagram.nodes,
        edge_status=diagram.edges,
        tier_status=diagram.containers,
        title=f"{diagram.architecture.stack}: what the change touches (generated by `infra diagram`)",
    )


def change_diagram_markdown(base_plan: Mapping[str, Any], head_plan: Mapping[str, Any]) -> str:
    """A pull-request comment's section: the Mermaid diagram of what the change from `base_plan` to
    `head_plan` touches, a legend and the count of changed resources it does not draw; "" when the
    change touches nothing on the architecture diagram."""
    diagram = change_diagram(base_plan, head_plan)
    if diagram.empty:
        return ""
    counts = Counter([*diagram.nodes.values(), *diagram.edges.values(), *diagram.containers.values()])
    summary = ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
    lines = [
        "#### Architecture: what this change touches",
        "",
        fenced(change_mermaid(diagram)).rstrip("\n"),
        "",
    ]
    lines.append(f"{LEGEND} Drawn: {summary} (boxes, containers and edges).")
    if diagram.undrawn:
        total = sum(diagram.undrawn.values())
        kinds = ", ".join(f"`{t}`: {n}" for t, n in diagram.undrawn.items())
        lines.append(f"Not drawn: {total} changed resource(s) with no place on the diagram ({kinds}).")
    return "\n".join(lines) + "\n"
