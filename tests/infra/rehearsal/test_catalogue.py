"""docs/rehearsal.md carries the current catalogue of types and rules."""

from __future__ import annotations

from infra.rehearsal.catalogue import BEGIN, END, render_catalogue
from infra.rehearsal.spec import RULES, all_specs
from tests.infra.rehearsal.conftest import PROJECT_ROOT


def test_the_docs_show_the_current_catalogue() -> None:
    text = (PROJECT_ROOT / "docs" / "rehearsal.md").read_text(encoding="utf-8")
    shown = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert shown == render_catalogue(), "run `python -m infra.rehearsal.catalogue` and paste it in the docs"


def test_every_type_and_rule_has_a_row() -> None:
    rendered = render_catalogue()
    missing = [t for t in all_specs() if f"`{t}`" not in rendered] + [
        r for r in RULES if f"`{r}`" not in rendered
    ]
    assert missing == []
