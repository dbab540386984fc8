"""The importance-sampled log-likelihood against an exact answer; the k-sample bound curve."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from keras import ops

from ae_helpers.data import binarise
from ae_helpers.measure import bound_curve, log_likelihood, log_weights

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


def test_0_255_pixels_are_refused_with_the_range_found_and_what_to_do():
    model = SimpleNamespace(encoder=lambda x: (x[:, :2] * 0, x[:, :2] * 0),
                            decoder=lambda z: ops.zeros((ops.shape(z)[0], 784)) + 0.5)
    x = binarise(np.random.default_rng(0).random((4, 784)).astype("float32"), seed=0)
    assert np.isfinite(log_likelihood(model, x, k=2)).all()  # [0, 1] pixels pass
    for call in (log_likelihood, log_weights):
        with pytest.raises(ValueError, match=r"^x must hold pixels in \[0, 1\] for the Bernoulli "
                                             r"observation model; got values from 0 to 255 "
                                             r"\(0-255 pixels\? divide by 255\)$"):
            call(model, x * 255, k=2)
    with pytest.raises(ValueError, match=r"got values from -1 to 1$"):
        log_likelihood(model, x * 2 - 1, k=2)
    gaussian = log_likelihood(model, x * 255, k=2, observation="gaussian", sigma=50.0)
    assert np.isfinite(gaussian).all()  # real-valued observations may take any values


def test_draws_are_decoded_a_few_rows_at_a_time_with_the_same_weights(monkeypatch):
    """max_rows sets the draws; they are decoded at most EVAL_ROWS codes per call (memory), which
    changes no weight beyond float32 rounding (and log_likelihood's running sum accordingly)."""
    from ae_helpers.measure import _likelihood
    from ae_helpers.models import IWAE, burda_decoder, burda_encoder

    model = IWAE(burda_encoder(2, hidden=(8,)), burda_decoder(2, hidden=(8,)))
    x = binarise(np.random.default_rng(0).random((5, 784)).astype("float32"), seed=0)
    whole_w = log_weights(model, x, k=40, seed=3, max_rows=100)
    whole_ll = log_likelihood(model, x, k=40, seed=3, max_rows=100)
    calls = []
    inner = _likelihood._log_weights_fn

    def spied(*args, **kwargs):  # the function that computes one chunk's weights, watched
        weights_of = inner(*args, **kwargs)
        return lambda xb, m, lv, eps: calls.append(eps.shape) or weights_of(xb, m, lv, eps)

    monkeypatch.setattr(_likelihood, "_log_weights_fn", spied)
    monkeypatch.setattr(_likelihood, "EVAL_ROWS", 7)
    w = log_weights(model, x, k=40, seed=3, max_rows=100)
    assert max(k * b for k, b, _ in calls) <= 7
    np.testing.assert_allclose(w, whole_w, rtol=1e-5, atol=1e-3)  # float32 sums over 784 pixels
    np.testing.assert_allclose(log_likelihood(model, x, k=40, seed=3, max_rows=100), whole_ll,
                               rtol=1e-5, atol=1e-3)


def test_the_estimate_writes_no_warning_after_set_seed():
    """set_seed turns on TensorFlow's op determinism, under which Keras declines XLA with a
    warning; the estimate must not put that warning on a chapter's page (chapter 6 once did)."""
    import warnings

    from ae_helpers import set_seed
    from ae_helpers.models import IWAE, burda_decoder, burda_encoder

    set_seed(0)
    model = IWAE(burda_encoder(2, hidden=(8,)), burda_decoder(2, hidden=(8,)))
    x = binarise(np.random.default_rng(0).random((3, 784)).astype("float32"), seed=0)
    with warnings.catch_warnings():
        # UserWarnings, which Jupyter shows in the page (Keras's is one); not the backends'
        # DeprecationWarnings about NumPy 2, which a notebook hides.
        warnings.simplefilter("error", UserWarning)
        values = log_likelihood(model, x, k=4, seed=0)
    assert values.shape == (3,) and np.all(np.isfinite(values)) and np.all(values < 0)
