"""What the Pulumi CLI installs for the program (infra/requirements.txt) covers everything it imports."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The modules the program loads: the composition root and everything it imports from `infra`.
PROGRAM_ROOT = ROOT / "infra" / "__main__.py"


def load_time_nodes(tree: ast.Module) -> list[ast.AST]:
    """The nodes that run when the module is imported: not function bodies, whose imports are the rehearsal's
    lazy paths into its tools (boto3, moto, regex); the language-host test runs the program without them."""
    nodes: list[ast.AST] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        nodes.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            pending.extend(ast.iter_child_nodes(node))
    return nodes


def program_modules() -> list[Path]:
    """infra/__main__.py plus the repository modules it reaches when imported, transitively."""
    seen: dict[str, Path] = {}
    pending = [PROGRAM_ROOT]
    while pending:
        path = pending.pop()
        if str(path) in seen:
            continue
        seen[str(path)] = path
        for node in load_time_nodes(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and (ROOT / node.module.split(".")[0]).is_dir()
            ):
                target = ROOT / Path(*node.module.split("."))
                for candidate in (target.with_suffix(".py"), target / "__init__.py"):
                    if candidate.is_file():
                        pending.append(candidate)
    return sorted(seen.values())


def third_party_imports(paths: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in paths:
        for node in load_time_nodes(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    first_party = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    return {
        n for n in names if n not in first_party and n not in sys.stdlib_module_names and n != "__future__"
    }


def pinned(requirements: Path) -> set[str]:
    names = set()
    for line in requirements.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==", line)
        if match:
            names.add(match.group(1).lower().replace("_", "-"))
    return names


def test_language_host_requirements_point_at_the_hashed_deploy_pins() -> None:
    lines = [
        line
        for line in (ROOT / "infra" / "requirements.txt").read_text().splitlines()
        if not line.startswith("#")
    ]
    assert lines == ["-r ../requirements/deploy.txt"]
    deploy = (ROOT / "requirements" / "deploy.txt").read_text()
    assert "--hash=sha256:" in deploy
    assert "://" not in deploy, "requirements must not name a package registry"


def test_every_package_the_program_imports_is_pinned_for_the_cli() -> None:
    modules = program_modules()
    assert ROOT / "infra" / "config.py" in modules
    assert ROOT / "infra" / "components" / "network.py" in modules
    distributions = packages_distributions()
    needed = {
        dist.lower().replace("_", "-")
        for name in third_party_imports(modules)
        for dist in distributions.get(name, [name])
    }
    assert {"pulumi", "pulumi-aws", "pulumi-random", "pydantic"} <= needed
    missing = needed - pinned(ROOT / "requirements" / "deploy.txt")
    assert not missing, (
        f"the program imports {sorted(missing)}, which infra/requirements.txt does not install"
    )
