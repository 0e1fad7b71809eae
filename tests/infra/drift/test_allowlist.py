"""Property paths as the engine prints them, and the allowlist: every shipped entry has a reason and a
path that parses, and a malformed file is refused naming the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.drift import allowlist
from infra.drift.allowlist import AllowlistError, Entry
from infra.drift.paths import PathError, matches, parse, render


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("desiredCount", ("desiredCount",)),
        ("tags.CostCenter", ("tags", "CostCenter")),
        ('tags["aws:backup:source-resource"]', ("tags", "aws:backup:source-resource")),
        ("ingress[0].fromPort", ("ingress", 0, "fromPort")),
        ('containerDefinitions["a.b"][2]', ("containerDefinitions", "a.b", 2)),
        ('tags["quote\\"d"]', ("tags", 'quote"d')),
        ("ingress[*].cidrBlocks", ("ingress", "*", "cidrBlocks")),
    ],
)
def test_paths_parse_and_print_back_as_the_engine_prints_them(
    text: str, segments: tuple[object, ...]
) -> None:
    assert parse(text) == segments
    assert render(parse(text)) == text


@pytest.mark.parametrize("text", ["", "tags[", 'tags["x"', "a..b", "tags]"])
def test_a_malformed_path_is_refused(text: str) -> None:
    with pytest.raises(PathError):
        parse(text)


def test_a_pattern_covers_its_path_and_what_lies_under_it() -> None:
    assert matches(parse('tags["aws:*"]'), parse('tags["aws:cloudformation:stack-name"]'))
    assert not matches(parse('tags["aws:*"]'), parse("tags.Owner"))
    assert matches(parse("ingress"), parse("ingress[3].fromPort"))
    assert matches(parse("ingress[*].fromPort"), parse("ingress[3].fromPort"))
    assert not matches(parse("ingress[1]"), parse("ingress[3].fromPort"))
    assert not matches(parse("tags.Owner"), parse("tags"))
    assert not matches(parse("desiredCount"), parse("desiredCountMax"))


def test_every_shipped_entry_has_a_reason_and_a_path() -> None:
    entries = allowlist.load()
    assert [(e.type, e.property) for e in entries] == [
        ("aws:ecs/service:Service", "desiredCount"),
        ("*", 'tags["aws:*"]'),
        ("*", 'tagsAll["aws:*"]'),
    ]
    for entry in entries:
        assert len(entry.reason.split()) >= 10, entry
    assert entries[0].covers("aws:ecs/service:Service", ("desiredCount",))
    assert not entries[0].covers("aws:appautoscaling/target:Target", ("desiredCount",))
    assert entries[1].covers("aws:rds/instance:Instance", ("tags", "aws:backup:source-resource"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("type: x\n", "the allowlist is a list of entries; got dict"),
        (
            "- type: '*'\n  property: tags\n",
            "entry 1: an entry has exactly the keys type, property and reason",
        ),
        (
            "- type: '*'\n  property: tags\n  reason: ' '\n",
            "entry 1: reason must be a non-empty string; got ' '",
        ),
        ("- type: '*'\n  property: 'tags['\n  reason: why\n", "entry 1: not a property path: 'tags['"),
        ("- [\n", "cannot read the allowlist"),
    ],
)
def test_a_malformed_allowlist_is_refused_naming_the_entry(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "allowlist.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AllowlistError) as raised:
        allowlist.load(path)
    assert str(raised.value).startswith(f"{path}"), raised.value
    assert problem in str(raised.value)


def test_an_empty_allowlist_has_no_entry(tmp_path: Path) -> None:
    path = tmp_path / "allowlist.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert allowlist.load(path) == ()
    assert Entry("*", "x", "y").covers("aws:sqs/queue:Queue", ("x",))
