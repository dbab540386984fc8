"""How float results are compared in these tests: `assert_close_float32`.

The helpers compute in float32 (Keras's default). Two float32 computations of the same quantity
agree exactly only when they run the very same operations in the very same order. They do not when
the batching differs (``predict`` in batches of 3 against one batch), the backend differs, the
thread count differs (a matrix product splits its sums across threads), a model is compared with its
reloaded copy run through another path, or a helper is compared with a NumPy formula. Then the sums
inside are added in another order, and each of the ``n`` additions rounds by up to
``eps = 2**-23 ≈ 1.19e-7`` of the running magnitude. The textbook bound for a reordered sum of ``n``
terms is ``n · eps · Σ|term|``: an error relative to *the magnitudes involved*, not to the result
(a ReLU unit near zero can be the small difference of large products).

So a comparison between float32 results computed different ways uses

    |actual - desired| <= terms · eps · (|desired| + max|desired|)

element by element, where ``terms`` is how many float32 products or additions feed one value,
summed along the path (for a dense layer on MNIST pixels 784; for the judge's hidden layer
5·5 + 5·5·16 + 4·4·32 ≈ 940), and ``max|desired|`` is the absolute floor: the largest magnitude in
the compared result stands for the magnitudes the sums went through. That is the worst case, so
such a test cannot flake on another machine, backend or thread count; it is still some thousand
times smaller than any real error (a wrong layer, a missing bias, an image off by one in a batch, a
0.1 % scale), which ``tests/test_floats.py`` checks.

Rules for contributors:

- Results of the *same* computation run twice (a seeded draw, a copy of an array, ``uint8 / 255``):
  compare exactly (``assert_array_equal``).
- float32 results computed *different ways*: ``assert_close_float32(actual, desired, terms=n)``.
  Never a bare ``rtol=1e-5``: whether it holds depends on the machine (the judge's features in
  batches of 3 and in one batch once differed by 1.4e-5 of a value on PyTorch).
- Statistical estimates (a mean of random draws, a trained model's loss): a tolerance from the
  statistics, with a comment saying where it comes from; float64 NumPy formulas against exact values:
  ``pytest.approx`` with its defaults.
- Never compare a training run's float outputs with stored numbers; assert thresholds instead.
"""

from __future__ import annotations

import numpy as np

EPS32 = float(np.finfo(np.float32).eps)


def float32_tolerance(desired, *, terms: int = 1) -> np.ndarray:
    """The per-element bound ``terms · eps32 · (|desired| + max|desired|)`` (see the module docstring)."""
    if int(terms) < 1:
        raise ValueError(f"terms must be a positive integer, got {terms!r}")
    desired = np.abs(np.asarray(desired, dtype=np.float64))
    floor = float(desired.max()) if desired.size else 0.0
    return int(terms) * EPS32 * (desired + floor)


def assert_close_float32(actual, desired, *, terms: int = 1, err_msg: str = "") -> None:
    """Assert that two float32 results computed different ways agree as float32 arithmetic allows.

    Parameters
    ----------
    actual, desired : array-like
        The two results (backend tensors: convert with ``keras.ops.convert_to_numpy`` first).
    terms : int
        How many float32 products or additions feed one value, summed along the computation's path.
    err_msg : str
        Added to the failure message.
    """
    actual = np.asarray(actual, dtype=np.float64)
    desired = np.asarray(desired, dtype=np.float64)
    if actual.shape != desired.shape:
        raise AssertionError(f"shapes differ: {actual.shape} != {desired.shape}. {err_msg}")
    tolerance = float32_tolerance(desired, terms=terms)
    error = np.abs(actual - desired)
    bad = ~(error <= tolerance)  # NaN counts as bad
    if bad.any():
        worst = np.unravel_index(np.argmax(np.where(bad, error / tolerance, -1.0)), error.shape)
        raise AssertionError(
            f"{int(bad.sum())} of {bad.size} values differ by more than float32 arithmetic over "
            f"{terms} terms allows; worst at {tuple(int(i) for i in worst)}: "
            f"{actual[worst]!r} (actual) vs {desired[worst]!r} (desired), "
            f"error {error[worst]:.3g} > tolerance {tolerance[worst]:.3g}. {err_msg}"
        )
