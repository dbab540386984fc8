"""The float32 comparison helper (tests/floats.py): reordered float32 sums pass, real errors fail."""

from __future__ import annotations

import numpy as np
import pytest

from .floats import EPS32, assert_close_float32, float32_tolerance


def _products(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((64, n)) * rng.standard_normal(n)).astype(np.float32)


def _sum_in_order(terms: np.ndarray, order: np.ndarray) -> np.ndarray:
    total = np.zeros(terms.shape[0], np.float32)
    for i in order:  # one float32 rounding per addition, in the order given
        total = (total + terms[:, i]).astype(np.float32)
    return total


@pytest.mark.parametrize("n", [8, 784])
def test_sums_in_another_order_pass(n):
    terms = _products(n, seed=n)
    forward = _sum_in_order(terms, np.arange(n))
    shuffled = _sum_in_order(terms, np.random.default_rng(1).permutation(n))
    pairwise = terms.sum(axis=1, dtype=np.float32)  # NumPy's pairwise summation
    assert not np.array_equal(forward, shuffled)  # the orders really round differently
    assert_close_float32(shuffled, forward, terms=n)
    assert_close_float32(pairwise, forward, terms=n)


@pytest.mark.parametrize("wrong", ["scale 0.1 %", "one value", "wrong row", "nan"])
def test_real_errors_fail(wrong):
    terms = _products(784, seed=0)
    desired = _sum_in_order(terms, np.arange(784))
    actual = _sum_in_order(terms, np.arange(784)[::-1])
    if wrong == "scale 0.1 %":
        actual = actual * 1.001
    elif wrong == "one value":
        actual[5] += 0.01 * np.abs(desired).max()
    elif wrong == "wrong row":
        actual = np.roll(actual, 1)
    else:
        actual[0] = np.nan
    with pytest.raises(AssertionError, match="float32 arithmetic"):
        assert_close_float32(actual, desired, terms=784)


def test_the_floor_is_the_largest_magnitude_and_shapes_must_match():
    desired = np.array([0.0, -2.0, 1.0])
    np.testing.assert_allclose(float32_tolerance(desired, terms=10), 10 * EPS32 * np.array([2.0, 4.0, 3.0]))
    assert_close_float32(desired + 5 * EPS32, desired, terms=10)  # near zero: the floor holds it
    with pytest.raises(AssertionError, match="shapes differ"):
        assert_close_float32(desired[:2], desired)
    with pytest.raises(ValueError, match="terms"):
        float32_tolerance(desired, terms=0)


def test_importing_the_mutation_plugin_changes_nothing():
    # --doctest-modules imports every module under tests/, floats_mutation.py included: only
    # loading it as a plugin (-p tests.floats_mutation) may swap the comparison.
    import importlib

    from . import floats, floats_mutation

    importlib.reload(floats_mutation)
    assert floats.assert_close_float32 is assert_close_float32
    desired = np.array([1.0, -2.0])
    assert_close_float32(desired.copy(), desired)
