"""The README's diagram is prod's, as the program declares it now; Mermaid text never varies by process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.diagram import architecture, mermaid
from infra.diagram.readme import MARKER, README_STACK, ReadmeWithoutDiagram, readme_diagram, with_diagram
from tests.infra.diagram.conftest import ROOT

DRAW = """
import json, sys
from infra.diagram import architecture, mermaid
sys.stdout.write(mermaid(architecture(json.load(open(sys.argv[1], encoding="utf-8")))))
"""


def test_the_readme_shows_the_generated_diagram_of_prod(prod_plan_file: Path):
    plan = json.loads(prod_plan_file.read_text(encoding="utf-8"))
    assert plan["stack"] == README_STACK
    shown = readme_diagram((ROOT / "README.md").read_text(encoding="utf-8"))
    assert shown == mermaid(architecture(plan)), (
        "README.md's architecture diagram is stale: run `infra diagram prod --update-readme` and commit it"
    )


def test_two_processes_draw_the_same_bytes(prod_plan_file: Path):
    """Different hash seeds order sets and dicts differently: nothing may leak into the text."""
    outputs = []
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", DRAW, str(prod_plan_file)],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].decode("utf-8") == mermaid(architecture(json.loads(prod_plan_file.read_text())))


def test_the_block_is_found_and_replaced_under_its_marker():
    readme = f"# Title\n\n{MARKER}\n```mermaid\nflowchart LR\n  old\n```\n\nAfter.\n"
    assert readme_diagram(readme) == "flowchart LR\n  old\n"
    assert with_diagram(readme, "flowchart LR\n  new\n") == (
        f"# Title\n\n{MARKER}\n```mermaid\nflowchart LR\n  new\n```\n\nAfter.\n"
    )
    with pytest.raises(ReadmeWithoutDiagram):
        readme_diagram("```mermaid\nflowchart LR\n```\n")
