"""Architecture diagrams generated from a stack's plan: Mermaid for markdown, SVG and PNG with AWS icons,
and the diagram of what a change touches for the pull-request comment."""

from infra.diagram.change import change_diagram, change_diagram_markdown
from infra.diagram.mermaid import render as mermaid
from infra.diagram.model import Architecture, architecture

__all__ = ["Architecture", "architecture", "change_diagram", "change_diagram_markdown", "mermaid"]
