# Sourced by the other scripts: makes .venv match the pinned requirements, reinstalling only when they change.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
stamp="$VENV/.requirements.sha256"
want="$(cat requirements/dev.txt pyproject.toml services/postings/pyproject.toml 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setting up $VENV from requirements/dev.txt ..." >&2
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade "pip>=24"
    "$VENV/bin/python" -m pip install --quiet --require-hashes -r requirements/dev.txt
    editables=(-e .)
    [ -f services/postings/pyproject.toml ] && editables+=(-e services/postings)
    "$VENV/bin/python" -m pip install --quiet --no-deps "${editables[@]}"
    echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
