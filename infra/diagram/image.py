"""An architecture as an SVG or PNG with AWS's icons, laid out by Graphviz through `diagrams`."""

from __future__ import annotations

import base64
import importlib
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from infra.diagram.mermaid import zone_id
from infra.diagram.model import Architecture, Node

FORMATS = ("svg", "png")
_TRAFFIC_COLOUR = "#1f2328"
_REFERENCE_COLOUR = "#7b8894"


class GraphvizMissing(RuntimeError):
    """Graphviz's `dot` is not installed: the image cannot be laid out."""

    def __init__(self) -> None:
        super().__init__(
            "Graphviz's `dot` is not on PATH: install it (`apt-get install graphviz`, which scripts/test "
            "does), or draw the Mermaid diagram, which needs nothing"
        )


def _icon_class(path: str) -> type:
    module, _, name = path.rpartition(".")
    cls = getattr(importlib.import_module(f"diagrams.{module}"), name)
    assert isinstance(cls, type)
    return cls


def _inline_icons(svg: str) -> str:
    """Graphviz links each icon by its absolute path on this machine; embed them as data URIs instead."""

    def embed(match: re.Match[str]) -> str:
        data = base64.b64encode(Path(match.group(2)).read_bytes()).decode("ascii")
        return f'{match.group(1)}="data:image/png;base64,{data}"'

    return re.sub(r'(xlink:href|href)="(/[^"]+\.png)"', embed, svg)


def render_image(arch: Architecture, output: Path, fmt: str) -> Path:
    """Draw `arch` into `output` as `fmt` (svg or png) and return the path written."""
    if fmt not in FORMATS:
        raise ValueError(f"image format {fmt!r}: one of {', '.join(FORMATS)}")
    if shutil.which("dot") is None:
        raise GraphvizMissing()
    from diagrams import Cluster, Diagram, Edge

    def draw(node: Node) -> None:
        cls = _icon_class(node.kind.icon)
        drawn[node.id] = cls("\n".join(node.lines), nodeid=node.id)

    drawn: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        stem = Path(scratch) / "architecture"
        with Diagram(
            f"{arch.stack} ({arch.region})" if arch.region else arch.stack,
            filename=str(stem),
            outformat=fmt,
            show=False,
            direction="LR",
            graph_attr={"splines": "spline", "pad": "0.5"},
        ):
            for node in arch.nodes:
                if node.vpc is None and not node.outside:
                    draw(node)
            for vpc in arch.vpcs:
                with Cluster(f"VPC {vpc.name} {vpc.cidr}"):
                    for node in _in(arch, vpc.id, None):
                        draw(node)
                    for tier in vpc.tiers:
                        zones = ", ".join(sorted({z for z, _ in tier.zones}))
                        with Cluster(f"{tier.name} subnets ({zones})"):
                            by_zone: dict[str, list[Node]] = defaultdict(list)
                            for node in _in(arch, vpc.id, tier.name):
                                if node.zone is None:
                                    draw(node)
                                else:
                                    by_zone[node.zone].append(node)
                            for zone in sorted(by_zone):
                                with ExitStack() as stack:
                                    stack.enter_context(Cluster(zone, graph_attr={"id": zone_id(tier, zone)}))
                                    for node in by_zone[zone]:
                                        draw(node)
            outside = [n for n in arch.nodes if n.outside]
            if outside:
                with Cluster(
                    f"AWS services outside the VPC ({arch.region})" if arch.region else "AWS services"
                ):
                    for node in outside:
                        draw(node)
            for edge in arch.edges:
                style = (
                    Edge(label=edge.label, color=_TRAFFIC_COLOUR)
                    if edge.traffic
                    else Edge(style="dashed", color=_REFERENCE_COLOUR)
                )
                drawn[edge.source] >> style >> drawn[edge.target]
        written = stem.with_suffix(f".{fmt}")
        output.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "svg":
            output.write_text(_inline_icons(written.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            output.write_bytes(written.read_bytes())
    return output


def _in(arch: Architecture, vpc: str, tier: str | None) -> Iterator[Node]:
    return (n for n in arch.nodes if n.vpc == vpc and n.tier == tier)
