#!/usr/bin/env bash
# Set everything up and build the full book (every chapter executed in full mode) into _build/html.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every source file of the helper package, subpackages included (tests/test_packaging.py checks
# that this list is the whole package).
helper_sources() { find src/ae_helpers -name '*.py' -not -path '*/__pycache__/*' | LC_ALL=C sort; }
if [ "${1:-}" = "--list-helper-sources" ]; then helper_sources; exit 0; fi

bash scripts/setup.sh book
source scripts/env.sh

# Jupyter Book's execution cache re-runs a notebook only when its code cells change. A change to
# ae_helpers, to the mode, to the backend or to the environment the kernels inherit changes the
# results too: then start from a clean cache.
stamp="$(helper_sources | xargs cat pyproject.toml scripts/env.sh | sha256sum | cut -c1-16) quick=${AE_HELPERS_QUICK:-0} backend=$KERAS_BACKEND"
if [ "$(cat _build/.ae-helpers-stamp 2>/dev/null)" != "$stamp" ]; then
    rm -rf _build/.jupyter_cache
fi
mkdir -p _build
# Execute the chapters two at a time into that cache (one chapter keeps about one core busy); the
# build then finds each one there. A chapter that fails is left out, and the build reports it.
python scripts/execute_chapters.py _build/.jupyter_cache || echo "(the build runs the failed chapters again)"
jupyter-book build . -W -n --keep-going
echo "$stamp" > _build/.ae-helpers-stamp
echo
echo "The book is built: open file://$PWD/_build/html/index.html"
