"""Property-based tests (Hypothesis) for the numeric helpers that take arbitrary data."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ae_helpers._checks import as_images
from ae_helpers.data import stratified_indices
from ae_helpers.measure import normalised_entropy
from ae_helpers.training import fingerprint
from ae_helpers.viz import mosaic

labels_st = arrays(np.int64, st.integers(1, 300), elements=st.integers(0, 9))


@given(labels=labels_st, data=st.data())
def test_stratified_subsets_are_exact_in_size_and_fair_per_class(labels, data):
    size = data.draw(st.integers(1, len(labels)))
    idx = stratified_indices(labels, size, seed=data.draw(st.integers(0, 5)))
    assert len(idx) == size and len(np.unique(idx)) == size
    assert np.all(np.diff(idx) > 0) and idx.min() >= 0 and idx.max() < len(labels)
    counts = np.bincount(labels, minlength=10)
    taken = np.bincount(labels[idx], minlength=10)
    assert np.all(np.abs(taken - counts * size / len(labels)) < 1 + 1e-9)


@given(arrays(np.int64, st.integers(2, 20), elements=st.integers(0, 1000)))
def test_normalised_entropy_lies_in_0_1_and_ignores_order(counts):
    if counts.sum() == 0:
        counts[0] = 1
    h = normalised_entropy(counts)
    assert 0.0 <= h <= 1.0 + 1e-12
    assert np.isclose(h, normalised_entropy(counts[::-1]))


@given(st.integers(2, 30), st.integers(1, 1000))
def test_normalised_entropy_is_one_exactly_for_uniform_histograms(bins, count):
    assert np.isclose(normalised_entropy(np.full(bins, count)), 1.0)


@given(st.integers(1, 40), st.integers(1, 12), st.integers(0, 3))
@settings(max_examples=40)
def test_mosaic_shape(n, cols, pad):
    out = mosaic(np.zeros((n, 784), "float32"), cols=cols, pad=pad)
    c = min(cols, n)
    r = -(-n // c)
    assert out.shape == (r * (28 + pad) - pad, c * (28 + pad) - pad)


@given(
    st.sampled_from([(784,), (28, 28), (28, 28, 1)]),
    st.integers(1, 4),
    st.floats(0, 1, allow_nan=False),
)
@settings(max_examples=30)
def test_as_images_keeps_the_pixels(shape, n, value):
    x = np.full((n,) + shape, value, dtype="float64")
    out = as_images(x, layout="flat")
    assert out.shape == (n, 784) and np.allclose(out, value, atol=1e-7)


@given(arrays(np.float32, st.integers(1, 50), elements=st.floats(-1e3, 1e3, width=32)))
def test_fingerprint_is_a_function_of_the_data(a):
    assert fingerprint(a) == fingerprint(a.copy())
    b = a.copy()
    b[0] = b[0] + 1 if b[0] < 100 else b[0] - 1
    assert fingerprint(a) != fingerprint(b)
