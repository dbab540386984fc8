"""The VAE's loss terms: the closed-form KL against Monte Carlo, signs, sums and known values."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from keras import ops

from ae_helpers.models import (
    bce_reconstruction,
    kl_divergence,
    kl_divergence_mc,
    log_weights_from,
    negative_elbo_per_example,
    reconstruction_loss,
    squared_error,
)

from ..floats import assert_close_float32


def kl(mean, log_var) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(kl_divergence(mean, log_var)), dtype=np.float64)


def test_closed_form_kl_equals_the_monte_carlo_estimate_within_its_standard_error():
    rng = np.random.default_rng(1)
    mean = rng.normal(0, 1.5, (6, 3)).astype("float32")
    log_var = rng.normal(0, 1.0, (6, 3)).astype("float32")
    exact = kl(mean, log_var)
    est = kl_divergence_mc(mean, log_var, n_samples=50_000, seed=0)
    z = (est.value - exact) / est.stderr
    assert np.all(np.abs(z) < 3), (exact, est)  # a 3-sigma miss has odds 1:370 per row
    assert np.all(est.stderr < 0.05 * exact + 0.02)  # and the check is sharp, not vacuous


def test_monte_carlo_standard_error_is_calibrated():
    # Over many rows about 68 % of the estimates fall within one standard error of the truth:
    # the standard error is neither too large (everything inside) nor too small.
    rng = np.random.default_rng(2)
    mean = rng.normal(0, 1, (300, 2))
    log_var = rng.normal(0, 0.7, (300, 2))
    est = kl_divergence_mc(mean, log_var, n_samples=2_000, seed=3)
    inside = np.mean(np.abs(est.value - kl(mean.astype("float32"), log_var.astype("float32")))
                     <= est.stderr)
    assert 0.58 < inside < 0.78, inside


def test_a_wrong_formula_would_be_caught():
    # Averaging over latent dims instead of summing (a common bug) misses by many standard errors.
    mean = np.array([[1.0, -1.0, 0.5, 2.0]])
    log_var = np.array([[0.3, -0.5, 0.0, 1.0]])
    est = kl_divergence_mc(mean, log_var, n_samples=20_000, seed=0)
    averaged = kl(mean.astype("float32"), log_var.astype("float32")) / 4
    assert abs(est.value[0] - averaged[0]) > 10 * est.stderr[0]


def test_kl_is_zero_exactly_at_the_standard_normal():
    zeros = np.zeros((3, 5), "float32")
    assert kl(zeros, zeros).tolist() == [0.0, 0.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(arrays(np.float32, (4, 3), elements=st.floats(-5, 5, width=32)),
       arrays(np.float32, (4, 3), elements=st.floats(-6, 4, width=32)))
def test_kl_is_never_negative(mean, log_var):
    assert np.all(kl(mean, log_var) >= 0.0)


def test_kl_is_summed_over_latent_dimensions():
    # N(1, 1) against N(0, 1) is 0.5 nats per dimension; two such dimensions make 1.0, not 0.5.
    mean = np.ones((1, 2), "float32")
    assert kl(mean, np.zeros_like(mean)) == pytest.approx([1.0])
    # N(0, e) against N(0, 1): 0.5 * (e - 1 - 1) per dimension.
    assert kl(np.zeros((1, 1), "float32"), np.ones((1, 1), "float32")) == pytest.approx(
        [0.5 * (np.e - 2)], rel=1e-6)


@pytest.mark.parametrize("shapes", [((2, 3), (2, 4)), ((3,), (3,)), ((2, 3, 1), (2, 3, 1))])
def test_kl_refuses_bad_shapes(shapes):
    with pytest.raises(ValueError, match="batch, latent_dim"):
        kl_divergence(np.zeros(shapes[0], "float32"), np.zeros(shapes[1], "float32"))
    with pytest.raises(ValueError, match="batch, latent_dim"):
        kl_divergence_mc(np.zeros(shapes[0]), np.zeros(shapes[1]))


@pytest.mark.parametrize("n,error", [(1, ValueError), (0, ValueError), (2.5, TypeError),
                                     (True, TypeError)])
def test_monte_carlo_needs_two_samples_or_more(n, error):
    with pytest.raises(error, match="n_samples"):
        kl_divergence_mc([[0.0]], [[0.0]], n_samples=n)


def test_bce_is_summed_over_pixels_in_nats():
    x = np.zeros((2, 784), "float32")
    x[1, ::2] = 1.0
    half = np.full_like(x, 0.5)
    assert_close_float32(bce_reconstruction(x, half), [784 * np.log(2)] * 2, terms=784)
    # Keras's binary_crossentropy averages over the last axis: ours is 784 times that.
    x_hat = np.random.default_rng(0).uniform(0.01, 0.99, x.shape).astype("float32")
    keras_mean = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(x, x_hat))
    np.testing.assert_allclose(np.asarray(bce_reconstruction(x, x_hat)), 784 * keras_mean, rtol=1e-4)


def test_bce_of_a_perfect_binary_reconstruction_is_tiny_and_image_shapes_work():
    x = (np.random.default_rng(0).random((3, 28, 28, 1)) > 0.5).astype("float32")
    loss = np.asarray(bce_reconstruction(x, x))
    assert loss.shape == (3,) and np.all(loss < 784 * 1e-6)


def test_squared_error_and_the_named_kinds():
    x = np.array([[1.0, 0.0, 0.5]], "float32")
    x_hat = np.array([[0.5, 0.5, 0.5]], "float32")
    assert np.asarray(squared_error(x, x_hat)).tolist() == [0.5]
    assert np.asarray(reconstruction_loss(x, x_hat, "mse")).tolist() == [0.5]
    np.testing.assert_allclose(np.asarray(reconstruction_loss(x, x_hat, "bce")),
                               np.asarray(bce_reconstruction(x, x_hat)))
    with pytest.raises(ValueError, match="reconstruction must be one of"):
        reconstruction_loss(x, x_hat, "rmse")
    with pytest.raises(ValueError, match="same shape"):
        squared_error(x, x_hat[:, :2])


def test_negative_elbo_is_bce_plus_kl():
    rng = np.random.default_rng(0)
    x = rng.random((4, 784)).astype("float32")
    x_hat = rng.uniform(0.05, 0.95, (4, 784)).astype("float32")
    mean, log_var = rng.normal(size=(2, 4, 2)).astype("float32")
    total = np.asarray(negative_elbo_per_example(x, x_hat, mean, log_var))
    assert_close_float32(total, np.asarray(bce_reconstruction(x, x_hat)) + kl(mean, log_var),
                         terms=784 + 2)


def test_bernoulli_log_weights_by_hand():
    x = np.array([[1.0, 0.0, 1.0]], "float32")
    mean, log_var = np.array([[0.5]], "float32"), np.array([[0.0]], "float32")
    eps = np.array([[[0.0]], [[1.0]]], "float32")
    probs = lambda z: ops.sigmoid(ops.concatenate([z, -z, z], axis=1))  # noqa: E731
    w = np.asarray(ops.convert_to_numpy(log_weights_from(x, mean, log_var, eps, probs)), float)
    fast = log_weights_from(x, mean, log_var, eps, probs, binary=True)  # one log per pixel
    np.testing.assert_allclose(np.asarray(ops.convert_to_numpy(fast), float), w, atol=1e-5)
    for i, e in enumerate((0.0, 1.0)):
        z = 0.5 + e
        p = 1 / (1 + np.exp(-z))
        log_px = 3 * np.log(p)  # pixels 1, 0, 1 with probabilities p, 1 - p, p
        log_pz = -0.5 * (z**2 + math.log(2 * math.pi))
        log_qz = -0.5 * (e**2 + math.log(2 * math.pi))
        assert w[i, 0] == pytest.approx(log_px + log_pz - log_qz, abs=1e-5)


@pytest.mark.parametrize(("x", "words"), [
    (np.full((2, 4), np.nan, "float32"), "contains NaN"),
    (np.full((2, 4), 255.0, "float32"), "divide by 255"),
])
def test_bce_reconstruction_refuses_nan_and_0_255_images(x, words):
    """Issue #26: only NumPy runtime warnings before."""
    with pytest.raises(ValueError, match=words):
        bce_reconstruction(x, np.full((2, 4), 0.5, "float32"))


@pytest.mark.parametrize("loss", [bce_reconstruction, squared_error])
def test_losses_of_numpy_sets_go_by_rows_and_equal_one_call(loss, monkeypatch):
    """NumPy arrays longer than ROWS are evaluated ROWS examples at a time (so the backend never
    holds tensors of a whole test set): the per-example losses equal one call's."""
    from ae_helpers.models import _losses

    rng = np.random.default_rng(3)
    x = rng.random((7, 784)).astype("float32")
    x_hat = rng.random((7, 784)).astype("float32")
    whole = ops.convert_to_numpy(loss(x, x_hat))
    monkeypatch.setattr(_losses, "ROWS", 3)
    calls = []
    inner = _losses._by_rows
    monkeypatch.setattr(_losses, "_by_rows", lambda f, a, b: calls.append(len(a)) or inner(f, a, b))
    rows = ops.convert_to_numpy(loss(x, x_hat))
    assert calls[0] == 7 and max(calls[1:]) <= 3  # the whole set, then chunks of at most 3
    assert rows.shape == (7,)
    assert_close_float32(rows, whole, terms=784)
    tensor = ops.convert_to_numpy(loss(ops.convert_to_tensor(x), ops.convert_to_tensor(x_hat)))
    assert_close_float32(tensor, whole, terms=784)  # tensors (a training step): one call
