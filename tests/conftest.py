"""Shared fixtures. The suite runs in quick mode with MNIST from $AE_HELPERS_MNIST (see scripts/test.sh)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

# Figures in this process only: an MPLBACKEND variable would reach the notebook kernels that nbval
# and the book build start, and with Agg there plt.show() draws nothing into the pages.
matplotlib.use("Agg")

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parents[1]
BOOK_OUT = ROOT / "_build" / "quick"


@pytest.fixture
def mnist_path() -> Path:
    """The real MNIST file named by $AE_HELPERS_MNIST (skip where there is none)."""
    path = os.environ.get("AE_HELPERS_MNIST")
    if not path or not Path(path).is_file():
        pytest.skip("AE_HELPERS_MNIST does not name a file; scripts/test.sh sets it")
    return Path(path)


def write_fake_mnist(path: Path, n_train: int = 200, n_test: int = 50, **override) -> Path:
    """Write a small file in Keras's MNIST layout (random uint8 pixels, balanced labels)."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(n_train) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(n_test) % 10).astype(np.uint8),
    }
    arrays.update(override)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(path, **arrays)
    return path


@pytest.fixture
def fake_mnist(tmp_path: Path) -> Path:
    return write_fake_mnist(tmp_path / "mnist.npz")


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the model cache at an empty folder for one test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("AE_HELPERS_CACHE", str(folder))
    return folder


@pytest.fixture(scope="session")
def built_book(request) -> Path:
    """Build the book strictly (-W -n --keep-going) into _build/quick once per test session; return the HTML folder."""
    # From a clean output folder (no stale doctrees that would hide a page's warnings). When this
    # session's nbval run of the chapters fills the build's execution cache, ../conftest.py cleaned
    # the folder at collection and the cache is all it holds: keep it.
    if not getattr(request.config, "ae_build_handover", False):
        shutil.rmtree(BOOK_OUT, ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run(
        [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(BOOK_OUT)],
        capture_output=True, text=True,
        env={**{k: v for k, v in os.environ.items() if k != "MPLBACKEND"}, "PYTHONWARNINGS": "ignore"},
    )
    log = run.stdout + run.stderr
    (BOOK_OUT / "build.log").write_text(log)
    assert run.returncode == 0, f"strict book build failed:\n{log[-6000:]}"
    # -W already turns Sphinx warnings into a failing exit code; this also catches any that slip
    # through --keep-going. (TensorFlow's own absl line on import is not a Sphinx warning.)
    sphinx_warnings = [l for l in log.splitlines() if "WARNING:" in l and "absl::" not in l]
    assert not sphinx_warnings, "\n".join(sphinx_warnings)
    return BOOK_OUT / "_build" / "html"


# --- The test command on two cores -----------------------------------------------------------------
# The other backends' runs (tests/book/other_backends.py) start in the background as soon as
# collection ends, and the tests that wait for them run last; Chromium for the browser check is
# installed meanwhile where it is missing. The TensorFlow tests run meanwhile.

_BACKEND_TESTS = "tests/book/test_backends.py::"


def pytest_collection_modifyitems(session, config, items):
    # Stable sort: the book's tests after the chapters (whose nbval run fills the build's execution
    # cache, ../conftest.py), and the tests that wait for the other backends last.
    def order(item) -> int:
        if item.nodeid.startswith(_BACKEND_TESTS):
            return 2
        return 1 if "built_book" in getattr(item, "fixturenames", ()) else 0
    items.sort(key=order)


def pytest_collection_finish(session):
    import importlib.util

    if os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow" or session.config.option.collectonly:
        return
    ids = [item.nodeid for item in session.items]
    if any(i.startswith(_BACKEND_TESTS) for i in ids):
        from tests.book import other_backends

        for backend in other_backends.BACKENDS:
            if importlib.util.find_spec(backend) is not None and any(
                    i.startswith(_BACKEND_TESTS) and f"[{backend}]" in i for i in ids):
                other_backends.start(backend)
    if any(i.startswith("tests/book/test_browser.py::test_every_page") for i in ids):
        from tests.book import test_browser

        test_browser.start_installing_chromium()
