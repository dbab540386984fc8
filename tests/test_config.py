"""Quick mode and seeding."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.config import QUICK_ENV, quick_mode, set_seed


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), ("YES", True), ("on", True),
    ("0", False), ("", False), ("false", False), ("off", False),
])
def test_quick_mode_reads_the_switch(monkeypatch, value, expected):
    monkeypatch.setenv(QUICK_ENV, value)
    assert quick_mode() is expected


def test_quick_mode_is_off_when_unset(monkeypatch):
    monkeypatch.delenv(QUICK_ENV, raising=False)
    assert quick_mode() is False


def test_quick_mode_ignores_ci(monkeypatch):
    monkeypatch.delenv(QUICK_ENV, raising=False)
    monkeypatch.setenv("CI", "true")
    assert quick_mode() is False


def test_quick_mode_rejects_nonsense(monkeypatch):
    monkeypatch.setenv(QUICK_ENV, "maybe")
    with pytest.raises(ValueError, match=QUICK_ENV):
        quick_mode()


def test_set_seed_makes_numpy_and_keras_repeat():
    import keras

    set_seed(3)
    a, ka = np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,)))
    set_seed(3)
    b, kb = np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,)))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ka, kb)
    set_seed(4)
    assert not np.array_equal(a, np.random.rand(3))


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (1.5, TypeError), ("1", TypeError),
                                             (True, TypeError)])
def test_set_seed_rejects_bad_seeds(seed, error):
    with pytest.raises(error):
        set_seed(seed)
