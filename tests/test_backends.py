"""Run the helpers' tests again on the PyTorch and JAX backends (Keras 3 picks one at import).

The suite itself runs on TensorFlow; this test starts a second pytest with ``KERAS_BACKEND=torch``
(and ``jax``) over every helper test file. The test command installs ``torch==2.13.0``; JAX is
optional (``pip install jax``). Without a backend's package its run is skipped with a message saying
how to install it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import keras
import pytest

HERE = Path(__file__).resolve().parent
# Files about the repository rather than the helpers, or that run other tools.
NOT_HELPERS = {"test_backends.py", "test_book.py", "test_packaging.py", "test_data.py"}


def helper_test_files() -> list[str]:
    return sorted(str(p) for p in HERE.glob("test_*.py") if p.name not in NOT_HELPERS)


INSTALL = {"torch": "pip install torch==2.13.0 (scripts/test.sh does)", "jax": "pip install jax"}


@pytest.mark.slow
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="runs from the TensorFlow suite")
@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_helpers_pass_on_another_backend(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed: {INSTALL[backend]}")
    env = {**os.environ, "KERAS_BACKEND": backend}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *helper_test_files(), "-q", "-p", "no:cacheprovider",
         "-m", "not slow", "-W", "ignore::UserWarning", "-W", "ignore::DeprecationWarning"],
        cwd=HERE.parent, env=env, capture_output=True, text=True, timeout=1200,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, f"helpers fail on {backend}: {summary}\n{run.stdout[-5000:]}{run.stderr[-2000:]}"
    assert " passed" in summary
    print(f"{backend} backend: {summary}")
