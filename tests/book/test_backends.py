"""The helpers' tests and every chapter pass on the PyTorch and JAX backends too.

The suite itself runs on TensorFlow (Keras 3 picks the backend at import). For each other backend one
pytest process runs every helper test file (but the cache-fault tests, whose subject is not the
backend) and, under nbval, every chapter in quick mode, with a model
cache of its own (the cache key holds the backend anyway): see ``other_backends.py``, which starts
those processes in the background when collection ends so that they run beside the TensorFlow tests.
The test command installs ``torch==2.13.0`` and ``jax==0.10.2`` (CPU builds). Without a backend's
package its tests are skipped with a message saying how to install it.
"""

from __future__ import annotations

import importlib.util

import keras
import pytest

from . import other_backends

INSTALL = {"torch": "pip install torch==2.13.0 (scripts/test.sh does)",
           "jax": "pip install jax==0.10.2 (scripts/test.sh does)"}


def _outcome(backend: str) -> other_backends.Outcome:
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed: {INSTALL[backend]}")
    return other_backends.start(backend).outcome()


def _check(outcome: other_backends.Outcome, part: str, at_least: int) -> None:
    failed = outcome.failed.get(part, [])
    assert not failed, (f"{outcome.summary(part)}:\n" + "\n".join(failed[:40])
                        + f"\n{outcome.output[-6000:]}")
    assert outcome.passed.get(part, 0) >= at_least, (
        f"{outcome.summary(part)}, expected at least {at_least} (exit status "
        f"{outcome.returncode}):\n{outcome.output[-6000:]}")


@pytest.mark.slow
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="runs from the TensorFlow suite")
@pytest.mark.parametrize("backend", other_backends.BACKENDS)
def test_helpers_pass_on_another_backend(backend):
    outcome = _outcome(backend)
    _check(outcome, "helpers", at_least=len(other_backends.helper_test_files(background=True)))
    print(outcome.summary("helpers"))


@pytest.mark.slow
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="runs from the TensorFlow suite")
@pytest.mark.parametrize("backend", other_backends.BACKENDS)
def test_every_chapter_runs_on_another_backend(backend):
    outcome = _outcome(backend)
    chapters = other_backends.chapter_files()
    assert len(chapters) >= 8
    _check(outcome, "chapters", at_least=len(chapters))  # at least one cell per chapter
    assert outcome.returncode == 0, f"{backend}: exit status {outcome.returncode}\n{outcome.output[-6000:]}"
    print(outcome.summary("chapters"))
