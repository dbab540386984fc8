#!/usr/bin/env bash
# Set everything up and run every test: the helpers' unit tests and docstring examples, nbval over
# every chapter, a strict book build and a browser check of it, all in quick mode (AE_HELPERS_QUICK=1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh book test torch jax
source scripts/env.sh
export AE_HELPERS_QUICK=1
export AE_HELPERS_CACHE="${AE_HELPERS_CACHE:-$PWD/.cache/ae_helpers}"
python -m pytest tests src/ae_helpers book --doctest-modules --nbval-lax --nbval-current-env \
    -p no:cacheprovider --durations=15 "$@"
