#!/usr/bin/env bash
# Set everything up and run every test: the helpers' unit tests, nbval over every chapter and a
# strict book build, all in quick mode (AE_HELPERS_QUICK=1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh book test torch
source scripts/env.sh
export AE_HELPERS_QUICK=1
export AE_HELPERS_CACHE="${AE_HELPERS_CACHE:-$PWD/.cache/ae_helpers}"
python -m pytest tests book --nbval-lax --nbval-current-env -p no:cacheprovider "$@"
