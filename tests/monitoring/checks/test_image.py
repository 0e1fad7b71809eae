"""The checks image holds everything the scheduled run imports: its Dockerfile's COPY lines suffice."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = ROOT / "monitoring" / "checks" / "Dockerfile"


def copied(dockerfile: str) -> list[tuple[list[str], str]]:
    """(sources, destination) of every COPY from the context into the final stage (the build stage's
    wheelhouse and what it copies from other stages are not the app)."""
    found: list[tuple[list[str], str]] = []
    for line in dockerfile.splitlines():
        if line.startswith("FROM "):
            found = []
        elif line.startswith("COPY ") and "--from=" not in line:
            *sources, destination = line.split()[1:]
            found.append((sources, destination))
    return found


def test_the_image_content_runs_the_scheduled_checks(tmp_path: Path) -> None:
    app = tmp_path / "app"
    for sources, destination in copied(DOCKERFILE.read_text()):
        assert not destination.startswith("/"), f"{destination}: the app's files go under WORKDIR"
        target = app / destination
        target.mkdir(parents=True, exist_ok=True)
        for path in (path for source in sources for path in sorted(ROOT.glob(source))):
            if path.is_dir():
                shutil.copytree(
                    path, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy(path, target / path.name)
    assert sorted(p.name for p in (app / "monitoring").iterdir()) == [
        "__init__.py",
        "checks",
        "thresholds.py",
    ]
    code = "import monitoring.checks.scheduled as s; print(len(s.plan({'CHECK_DATABASE_INSTANCE': 'd', "
    code += "'CHECK_BROKER': 'b', 'CHECK_SEARCH_DOMAIN': 's', 'CHECK_ALARM_PREFIX': 'p-'})))"
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(app)!r}); {code}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, "4\n"), done.stderr
    assert 'CMD ["python", "-m", "monitoring.checks.scheduled"]' in DOCKERFILE.read_text()
