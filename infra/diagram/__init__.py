"""Architecture diagrams from a stack's plan: Mermaid, SVG and PNG, and the diagram of a change."""

from infra.diagram.change import change_diagram, change_diagram_markdown
from infra.diagram.mermaid import render as mermaid
from infra.diagram.model import Architecture, architecture

__all__ = ["Architecture", "architecture", "change_diagram", "change_diagram_markdown", "mermaid"]
