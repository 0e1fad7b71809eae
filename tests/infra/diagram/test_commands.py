"""`infra diagram` on plan files: what it prints and writes, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.cli import main
from infra.diagram import architecture, change_diagram_markdown, mermaid
from infra.diagram import commands as diagram_commands
from infra.diagram.readme import MARKER, readme_diagram
from infra.exit_codes import Exit
from tests.infra.diagram.plans import web_stack, web_stack_changed


def _write(tmp_path: Path, name: str, plan: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def test_a_plan_is_drawn_as_mermaid(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    plan = _write(tmp_path, "t.json", web_stack())
    assert main(["diagram", "--plan", str(plan)]) == Exit.OK
    assert capsys.readouterr().out == mermaid(architecture(web_stack()))
    assert main(["diagram", "t", "--plan", str(plan), "--format", "markdown"]) == Exit.OK
    assert capsys.readouterr().out == f"```mermaid\n{mermaid(architecture(web_stack()))}```\n"


def test_the_change_from_a_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    base, head = (
        _write(tmp_path, "base.json", web_stack()),
        _write(tmp_path, "head.json", web_stack_changed()),
    )
    assert main(["diagram", "--base", str(base), "--plan", str(head)]) == Exit.OK
    assert capsys.readouterr().out == change_diagram_markdown(web_stack(), web_stack_changed())
    assert main(["diagram", "--base", str(base), "--plan", str(base)]) == Exit.OK
    assert capsys.readouterr().out == "The change touches nothing on the architecture diagram.\n"


def test_images_are_written_where_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    plan = _write(tmp_path, "t.json", web_stack())
    assert main(["diagram", "--plan", str(plan), "--format", "png", "-o", str(tmp_path / "t.png")]) == Exit.OK
    assert capsys.readouterr().out == f"written to {tmp_path / 't.png'}\n"
    assert (tmp_path / "t.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "name a STACK to rehearse, or give --plan FILE"),
        (["--plan", "{plan}", "--format", "svg"], "--format svg writes a file: give --output FILE"),
        (["prod", "--plan", "{plan}"], "is a plan of stack 't', not 'prod'"),
        (["--plan", "{missing}"], "cannot read a plan"),
        (["--plan", "{plan}", "--update-readme"], "the README shows stack 'prod', not 't'"),
        (["--plan", "{plan}", "--base", "{plan}", "--format", "png", "-o", "x.png"], "Mermaid markdown only"),
    ],
)
def test_what_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str):
    plan = _write(tmp_path, "t.json", web_stack())
    filled = [a.format(plan=plan, missing=tmp_path / "missing.json") for a in args]
    assert main(["diagram", *filled]) == Exit.USAGE
    assert message in capsys.readouterr().err


def test_update_readme_replaces_only_the_generated_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    prod = web_stack() | {"stack": "prod"}
    readme = tmp_path / "README.md"
    readme.write_text(f"# Platform\n\n{MARKER}\n```mermaid\nflowchart LR\n  a --> b\n```\n\nText.\n")
    monkeypatch.setattr(diagram_commands, "README", readme)
    assert main(["diagram", "--plan", str(_write(tmp_path, "prod.json", prod)), "--update-readme"]) == Exit.OK
    assert capsys.readouterr().out == "README.md: the diagram of prod is current\n"
    text = readme.read_text()
    assert readme_diagram(text) == mermaid(architecture(prod))
    assert text.startswith(f"# Platform\n\n{MARKER}\n```mermaid\nflowchart LR\n  %% prod: generated")
    assert text.endswith("```\n\nText.\n")


def test_without_graphviz_an_image_is_unavailable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` there
    plan = _write(tmp_path, "t.json", web_stack())
    assert (
        main(["diagram", "--plan", str(plan), "--format", "svg", "-o", str(tmp_path / "t.svg")])
        == Exit.UNAVAILABLE
    )
    assert "Graphviz's `dot` is not on PATH" in capsys.readouterr().err
    assert not (tmp_path / "t.svg").exists()
