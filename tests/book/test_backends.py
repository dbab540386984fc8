"""Run the helpers' tests and every chapter again on the PyTorch and JAX backends.

The suite itself runs on TensorFlow (Keras 3 picks the backend at import); these tests start a
second pytest with ``KERAS_BACKEND=torch`` (and ``jax``): once over every helper test file, once with
nbval over every chapter in quick mode, with a model cache of its own per backend (the cache key
holds the backend anyway). The test command installs ``torch==2.13.0`` and ``jax==0.10.2`` (CPU
builds). Without a backend's package its runs are skipped with a message saying how to install it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import keras
import pytest

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
# Files about the repository rather than the helpers, or that run other tools.
NOT_HELPERS = {"test_packaging.py", "test_data.py"}


def helper_test_files() -> list[str]:
    """Every unit test file of the helpers: all of tests/ but the book-level runs in tests/book/."""
    return sorted(str(p) for p in TESTS.rglob("test_*.py")
                  if "book" not in p.relative_to(TESTS).parts and p.name not in NOT_HELPERS)


INSTALL = {"torch": "pip install torch==2.13.0 (scripts/test.sh does)",
           "jax": "pip install jax==0.10.2 (scripts/test.sh does)"}
BOOK = ROOT / "book"


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
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, f"helpers fail on {backend}: {summary}\n{run.stdout[-5000:]}{run.stderr[-2000:]}"
    assert " passed" in summary
    print(f"{backend} backend: {summary}")


@pytest.mark.slow
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="runs from the TensorFlow suite")
@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_every_chapter_runs_on_another_backend(backend, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed: {INSTALL[backend]}")
    cache = Path(os.environ.get("AE_HELPERS_CACHE", tmp_path / "cache")).with_name(f"ae_helpers-{backend}")
    env = {**os.environ, "KERAS_BACKEND": backend, "AE_HELPERS_CACHE": str(cache)}
    chapters = sorted(str(p) for p in BOOK.glob("[0-9][0-9]_*.ipynb"))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *chapters, "--nbval-lax", "--nbval-current-env", "-q",
         "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    failures = [line for line in run.stdout.splitlines()
                if line.startswith("FAILED") or "Error" in line or "assert" in line]
    assert run.returncode == 0, (f"chapters fail on {backend}: {summary}\n" + "\n".join(failures[:40])
                                 + f"\n{run.stdout[-4000:]}{run.stderr[-2000:]}")
    assert " passed" in summary and len(chapters) >= 7
    print(f"{backend} backend, every chapter: {summary}")

