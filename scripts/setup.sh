#!/usr/bin/env bash
# Set up .venv with ae_helpers (editable) and the extras named as arguments (book, test, torch).
# Safe to re-run: it installs again only when pyproject.toml or the extras change.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: Python 3.11 or newer is needed as '$python' (set PYTHON=/path/to/python3.11)" >&2
    exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv

extras=$(IFS=,; echo "$*")
want="$(sha256sum pyproject.toml | cut -c1-16) [${extras}]"
stamp=.venv/.ae-helpers-installed
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -f "$stamp"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
    .venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
    echo "$want" > "$stamp"
fi
