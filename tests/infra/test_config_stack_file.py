"""Reading a stack file as the Pulumi CLI does: the strings the program gets, and the values the CLI
refuses or alters, checked against the types Pulumi.yaml declares (infra/rehearsal/engine.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.config_commands import check_stack
from infra.rehearsal.engine import (
    SECURE_PLACEHOLDER,
    StackFileError,
    _go_float,
    load_project,
    load_stack_file,
    read_stack_config,
)

ROOT = Path(__file__).resolve().parents[2]


def project(tmp_path: Path, stack_file: str, *, project_file: str | None = None) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(project_file or (ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "infra").symlink_to(ROOT / "infra")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(stack_file)
    return tmp_path


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (8.0, "8"),
        (1.10, "1.1"),
        (3.13, "3.13"),
        (0.0, "0"),
        (-2.5, "-2.5"),
        (1e-5, "0.00001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
    ],
)
def test_floats_reach_the_program_as_go_prints_them(value: float, printed: str) -> None:
    """The CLI marshals a YAML number with Go's encoding/json before the program sees it."""
    assert _go_float(value) == printed


def test_values_reach_the_program_as_the_cli_hands_them_over(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "config:\n"
        "  imageTag: '0.1.0'\n"
        "  postings:azCount: 3\n"
        "  postings:dbMultiAz: true\n"
        "  postings:adminCidrs: [203.0.113.0/24]\n"
        "  postings:api: {cpu: 1024.0, memory: 2048}\n"
        "  postings:alertEmail: {secure: v1:abc}\n"
        "  aws:region: eu-west-1\n",
    )
    config, secret_keys = read_stack_config(load_project(root), "dev")
    assert config == {
        "postings:imageTag": "0.1.0",
        "postings:azCount": "3",
        "postings:dbMultiAz": "true",
        "postings:adminCidrs": '["203.0.113.0/24"]',
        "postings:api": '{"cpu":1024,"memory":2048}',
        "postings:alertEmail": SECURE_PLACEHOLDER,
        "aws:region": "eu-west-1",
    }
    assert secret_keys == ["postings:alertEmail"]


ACCEPTED = [
    "postings:azCount: '3'",  # the CLI parses a string as an integer
    "postings:azCount: 3.0",  # a whole float prints as 3
    "postings:dbMultiAz: 'true'",  # the CLI takes the strings true and false for a boolean
    "postings:adminCidrs: ['203.0.113.0/24']",
    "postings:owner: jobs-team",
    "postings:api: {cpu: '512'}",  # no type declared for objects: the program's schema judges
]


@pytest.mark.parametrize("line", ACCEPTED)
def test_what_the_cli_accepts_is_accepted(line: str, tmp_path: Path) -> None:
    root = project(tmp_path, f"config:\n  {line}\n")
    assert load_stack_file(load_project(root), "dev").problems == []


REFUSED = [
    (
        "postings:imageTag: 1.10",
        "postings:imageTag = 1.10: YAML reads an unquoted 1.10 as the number 1.1, and Pulumi hands the "
        'program "1.1"; Pulumi.yaml declares a string: quote it: "1.10"',
    ),
    (
        "postings:owner: 42",
        "postings:owner = 42: YAML reads an unquoted 42 as the number 42; Pulumi.yaml declares a string: "
        'quote it: "42"',
    ),
    (
        "postings:owner: yes",
        "postings:owner = yes: YAML reads an unquoted yes as the boolean true, and Pulumi hands the program "
        '"true"; Pulumi.yaml declares a string: quote it: "yes"',
    ),
    (
        "postings:owner: {team: jobs}",
        "postings:owner: Pulumi.yaml declares one string, not a mapping; write a single value",
    ),
    (
        "postings:azCount: three",
        "postings:azCount = three: Pulumi.yaml declares a whole number; write one, e.g. 3",
    ),
    (
        "postings:azCount: true",
        "postings:azCount = true: Pulumi.yaml declares a whole number; write one, e.g. 3",
    ),
    ("postings:dbMultiAz: 1", "postings:dbMultiAz = 1: Pulumi.yaml declares a boolean; write true or false"),
    (
        "postings:dbMultiAz: [true]",
        "postings:dbMultiAz = a list: Pulumi.yaml declares a boolean; write true or false",
    ),
    (
        "postings:adminCidrs: {a: b}",
        "postings:adminCidrs = a mapping: Pulumi.yaml declares a list; write it in brackets: [a mapping]",
    ),
    (
        "postings:adminCidrs: [[203.0.113.0/24]]",
        "postings:adminCidrs: item a list is a list; Pulumi.yaml declares a list of strings",
    ),
    ("postings:domain: ~", "postings:domain: empty; write a value or delete the line"),
]


@pytest.mark.parametrize(("line", "problem"), REFUSED, ids=[line for line, _ in REFUSED])
def test_what_the_cli_refuses_or_alters_is_refused(line: str, problem: str, tmp_path: Path) -> None:
    root = project(tmp_path, f"config:\n  {line}\n")
    assert load_stack_file(load_project(root), "dev").problems == [problem]
    with pytest.raises(StackFileError) as caught:
        read_stack_config(load_project(root), "dev")
    assert caught.value.problems == [problem]
    assert str(caught.value).splitlines()[1] == f"  - {problem}"


def test_a_file_that_is_not_yaml_is_one_line_naming_where(tmp_path: Path) -> None:
    root = project(tmp_path, "config:\n  postings:api: {cpu: 512\n")
    with pytest.raises(StackFileError) as caught:
        read_stack_config(load_project(root), "dev")
    assert caught.value.problems == ["not YAML: line 3: expected ',' or '}', but got '<stream end>'"]


def test_a_key_set_twice_is_refused_as_pulumi_refuses_it(tmp_path: Path) -> None:
    root = project(tmp_path, "config:\n  postings:azCount: 2\n  aws:region: eu-west-1\n  azCount: 3\n")
    assert load_stack_file(load_project(root), "dev").problems == [
        "postings:azCount: set twice (lines 2 and 4); Pulumi refuses a key twice"
    ]


def test_a_project_without_declared_types_gets_no_type_checks(tmp_path: Path) -> None:
    """The engine runs any project: only Pulumi.yaml's own declarations decide what a value must be."""
    minimal = (ROOT / "tests" / "fixtures" / "minimal" / "Pulumi.yaml").read_text()
    root = project(tmp_path, "config:\n  minimal:version: 1.10\n", project_file=minimal)
    (root / "minimal_program.py").write_text("")
    stack_file = load_stack_file(load_project(root), "dev")
    assert (stack_file.config, stack_file.problems) == ({"minimal:version": "1.1"}, [])


def test_config_check_reports_the_yaml_and_the_schema_problems_at_once(tmp_path: Path) -> None:
    """Each key once: the schema's own complaint about the altered value (1.1 is a bare number) is not
    repeated after the YAML's."""
    root = project(
        tmp_path,
        "config:\n  postings:imageTag: 1.10\n  posting:azCount: 3\n  aws:region: eu-west-9\n",
    )
    assert check_stack(root, "dev") == [
        "postings:imageTag = 1.10: YAML reads an unquoted 1.10 as the number 1.1, and Pulumi hands the "
        'program "1.1"; Pulumi.yaml declares a string: quote it: "1.10"',
        "posting:azCount: unknown namespace 'posting', nothing reads it; did you mean postings:azCount? "
        "(this stack reads postings:, aws: and pulumi: keys)",
        "aws:region = eu-west-9: not an AWS region; did you mean eu-west-1, eu-west-2 or eu-west-3?",
    ]
