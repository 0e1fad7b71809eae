"""prod's plan, rehearsed once for the package in a process of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
WRITE_PLAN = """
import sys
from pathlib import Path
from infra.diagram.commands import stack_plan
from infra.rehearsal.plan import write_plan
write_plan(stack_plan(Path(sys.argv[1]), sys.argv[2]), Path(sys.argv[3]))
"""


@pytest.fixture(scope="package")
def prod_plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """In a subprocess: a rehearsal in this process would leave moto's patches and fake credentials
    behind for the tests after it."""
    path = tmp_path_factory.mktemp("plans") / "prod.json"
    subprocess.run(
        [sys.executable, "-c", WRITE_PLAN, str(ROOT), "prod", str(path)], cwd=ROOT, check=True, timeout=300
    )
    return path
