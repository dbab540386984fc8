"""The importance-sampled log-likelihood against an exact answer, the IWAE, dynamic binarisation."""

from __future__ import annotations

import math
from types import SimpleNamespace

import keras
import numpy as np
import pytest
from keras import ops

from ae_helpers.data import binarise
from ae_helpers.measure import bound_curve, log_likelihood, log_weights
from ae_helpers.models import IWAE, burda_decoder, burda_encoder, burda_model, log_weights_from
from ae_helpers.training import BinarisedBatches

from ..floats import assert_close_float32

D, LATENT, SIGMA = 20, 3, 0.5


def _linear_gaussian(seed: int = 0):
    """p(z) = N(0, I), p(x|z) = N(W z + b, SIGMA^2 I), W with orthogonal columns.

    Then p(x) = N(b, W W^T + SIGMA^2 I) exactly, and the posterior is a diagonal Gaussian:
    covariance (I + W^T W / SIGMA^2)^-1, mean that times W^T (x - b) / SIGMA^2.
    """
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((D, LATENT)))
    w = q * np.array([2.0, 1.0, 0.5])
    b = rng.standard_normal(D)
    post_var = 1.0 / (1.0 + (w**2).sum(axis=0) / SIGMA**2)            # (LATENT,)
    x = (rng.standard_normal((200, LATENT)) @ w.T + b + SIGMA * rng.standard_normal((200, D)))
    cov = w @ w.T + SIGMA**2 * np.eye(D)
    _, logdet = np.linalg.slogdet(cov)
    diff = x - b
    exact = -0.5 * (np.einsum("nd,nd->n", diff @ np.linalg.inv(cov), diff) + logdet + D * math.log(2 * math.pi))
    post_mean = (diff @ w / SIGMA**2) * post_var
    decoder = lambda z: ops.matmul(z, ops.convert_to_tensor(w.T, "float32")) + ops.convert_to_tensor(b, "float32")  # noqa: E731
    return x.astype("float32"), exact, post_mean, post_var, decoder


def _model(x_all, means, var, decoder, *, shift=0.0, scale=1.0):
    """A model whose encoder returns given (possibly wrong) posteriors for the rows of x_all."""
    lookup = {row.tobytes(): i for i, row in enumerate(x_all)}

    def encoder(x):
        idx = [lookup[np.asarray(r, "float32").tobytes()] for r in np.asarray(x)]
        mean = (means[idx] + shift).astype("float32")
        log_var = np.broadcast_to(np.log(var * scale**2), mean.shape).astype("float32")
        return mean, log_var

    return SimpleNamespace(encoder=encoder, decoder=decoder)


def test_exact_posterior_gives_exact_log_likelihood_with_one_sample():
    x, exact, post_mean, post_var, decoder = _linear_gaussian()
    model = _model(x, post_mean, post_var, decoder)
    estimate = log_likelihood(model, x, k=1, observation="gaussian", sigma=SIGMA)
    # With q(z|x) = p(z|x) every weight equals p(x): no variance, no bias (float32 round-off only).
    np.testing.assert_allclose(estimate, exact, atol=2e-3)


def test_wrong_posterior_bound_tightens_with_k_towards_the_exact_value():
    x, exact, post_mean, post_var, decoder = _linear_gaussian()
    model = _model(x, post_mean, post_var, decoder, shift=0.4, scale=1.5)
    log_w = log_weights(model, x, k=2000, observation="gaussian", sigma=SIGMA, seed=1)
    curve = bound_curve(log_w, [1, 10, 100, 2000])
    gap = exact.mean() - curve
    assert np.all(np.diff(curve) > 0), curve            # tighter at every step up in k
    assert gap[0] > 1.0, gap                             # the ELBO is clearly below log p(x)
    assert np.all(gap > -0.05), gap                      # never above it (beyond noise)
    assert gap[-1] < 0.1 * gap[0], gap                   # k = 2000 closes >90 % of the gap
    # The streaming estimator agrees with the kept weights at the largest k.
    same = log_likelihood(model, x, k=2000, observation="gaussian", sigma=SIGMA, seed=1)
    np.testing.assert_allclose(same.mean(), curve[-1], atol=1e-9)
    # Decoding in smaller chunks draws other codes, but estimates the same thing.
    chunked = log_likelihood(model, x, k=2000, observation="gaussian", sigma=SIGMA, seed=1, max_rows=700)
    assert abs(chunked.mean() - exact.mean()) < 2 * abs(curve[-1] - exact.mean()) + 0.01


def test_small_k_estimates_are_below_the_exact_value_on_average():
    x, exact, post_mean, post_var, decoder = _linear_gaussian(seed=2)
    model = _model(x, post_mean, post_var, decoder, shift=0.3, scale=0.7)
    for k in (1, 2, 5):
        gaps = [exact.mean() - log_likelihood(model, x, k=k, observation="gaussian", sigma=SIGMA,
                                              seed=s).mean() for s in range(5)]
        assert min(gaps) > 0, (k, gaps)


def test_no_underflow_when_every_weight_is_tiny():
    x, exact, post_mean, post_var, decoder = _linear_gaussian()
    far = _model(x, post_mean, post_var, decoder, shift=8.0)  # log weights around -1000 and below
    ll = log_likelihood(far, x, k=50, observation="gaussian", sigma=SIGMA)
    assert np.isfinite(ll).all() and ll.mean() < exact.mean() - 100


def test_bernoulli_weights_by_hand():
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


def test_bound_curve_groups():
    log_w = np.log(np.array([[1.0, 3.0, 2.0, 2.0]]))
    np.testing.assert_allclose(bound_curve(log_w, [1, 2, 4]),
                               [np.log([1, 3, 2, 2]).mean(), np.log(2.0), np.log(2.0)])
    with pytest.raises(ValueError, match="at most K = 4"):
        bound_curve(log_w, [5])


def test_bad_arguments_are_named():
    model = SimpleNamespace(encoder=lambda x: x, decoder=lambda z: z)
    x = np.zeros((2, 4), "float32")
    with pytest.raises(ValueError, match="k must be an int >= 1, got 0"):
        log_likelihood(model, x, k=0)
    with pytest.raises(TypeError, match="k must be an int"):
        log_likelihood(model, x, k=2.5)
    with pytest.raises(TypeError, match="model must have callable .encoder"):
        log_likelihood(object(), x, k=2)
    with pytest.raises(ValueError, match="observation must be one of"):
        log_likelihood(model, x, k=2, observation="poisson")
    with pytest.raises(ValueError, match="non-empty batch"):
        log_likelihood(model, np.zeros((0, 4)), k=2)
    with pytest.raises(ValueError, match=r"grey levels in \[0, 1\]"):
        binarise(np.array([[1.5]]))


def test_binarise_is_repeatable_and_keeps_the_grey_level_on_average():
    grey = np.full((200, 50), 0.25, "float32")
    a, b = binarise(grey, seed=3), binarise(grey, seed=3)
    assert np.array_equal(a, b) and set(np.unique(a)) <= {0.0, 1.0}
    assert abs(a.mean() - 0.25) < 0.01
    assert not np.array_equal(a, binarise(grey, seed=4))


def test_binarised_batches_are_redrawn_every_epoch_and_repeatable():
    grey = np.random.default_rng(0).random((64, 30)).astype("float32")
    batches = BinarisedBatches(grey, batch_size=16, seed=1, shuffle=False)
    first = batches[0]
    assert set(np.unique(first)) <= {0.0, 1.0} and first.shape == (16, 30)
    np.testing.assert_array_equal(first, batches[0])        # same epoch, same draw
    batches.on_epoch_end()
    assert not np.array_equal(first, batches[0])             # fresh draws next epoch
    again = BinarisedBatches(grey, batch_size=16, seed=1, shuffle=False)
    np.testing.assert_array_equal(first, again[0])           # the seed fixes the draws
    many = np.stack([BinarisedBatches(grey, batch_size=64, seed=s, shuffle=False)[0] for s in range(400)])
    assert np.abs(many.mean(axis=0) - grey).max() < 0.1      # Bernoulli(grey) per pixel
    with pytest.raises(ValueError, match="y must be None"):
        BinarisedBatches(grey, grey)


def test_iwae_loss_is_the_negative_k_sample_bound_and_trains():
    keras.utils.set_random_seed(0)
    model = burda_model("iwae", k=4, latent_dim=2, hidden=(16,), learning_rate=3e-3)
    x = binarise(np.random.default_rng(0).random((256, 784)) * 0.2, seed=0)
    before = model.evaluate(x, batch_size=256, verbose=0, return_dict=True)["loss"]
    estimate = -log_likelihood(model, x, k=4).mean()
    assert before == pytest.approx(estimate, rel=0.02)      # same bound, different draws
    history = model.fit(x, epochs=30, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < before - 20


def test_iwae_saves_and_loads_in_safe_mode(tmp_path):
    model = IWAE(burda_encoder(2, hidden=(8,)), burda_decoder(2, hidden=(8,)), k=7, seed=3)
    path = tmp_path / "iwae.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, IWAE) and loaded.k == 7 and loaded.seed == 3
    x = np.zeros((2, 784), "float32")
    assert_close_float32(keras.ops.convert_to_numpy(loaded.decoder(np.ones((2, 2), "float32"))),
                         keras.ops.convert_to_numpy(model.decoder(np.ones((2, 2), "float32"))), terms=2 + 8)
    assert log_likelihood(loaded, x, k=3).shape == (2,)
