"""Shared fixtures. The suite runs in quick mode with MNIST from $AE_HELPERS_MNIST (see scripts/test.sh)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]


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
