"""KL per latent dimension and the count of active dimensions."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.latent import posterior
from ae_helpers.measure import active_dimensions, kl_per_dimension, posterior_average
from ae_helpers.models import dense_vae, kl_divergence


def test_kl_per_dimension_adds_up_to_the_kl_term():
    vae = dense_vae(4, hidden=(8,), seed=0)
    x = np.random.default_rng(0).random((20, 784)).astype("float32")
    per_dim = kl_per_dimension(vae, x)
    mean, log_var = posterior(vae, x)
    assert per_dim.shape == (4,) and (per_dim >= 0).all()
    kl = keras.ops.convert_to_numpy(kl_divergence(mean, log_var))
    assert per_dim.sum() == pytest.approx(float(kl.mean()), rel=1e-4)


def test_a_dimension_that_ignores_the_image_carries_no_kl():
    vae = dense_vae(3, hidden=(8,), seed=0)
    mean_layer, log_var_layer = vae.encoder.get_layer("mean"), vae.encoder.get_layer("log_var")
    for layer in (mean_layer, log_var_layer):  # make dimension 1 output N(0, 1) for every image
        kernel, bias = layer.get_weights()
        kernel[:, 1], bias[1] = 0.0, 0.0
        layer.set_weights([kernel, bias])
    x = np.random.default_rng(1).random((10, 784)).astype("float32")
    kl = kl_per_dimension(vae, x)
    assert kl[1] == pytest.approx(0.0, abs=1e-9)
    assert active_dimensions(kl, threshold=1e-6) == 2


def test_active_dimensions_counts_above_the_threshold():
    assert active_dimensions([3.1, 0.001, 2.4, 0.0]) == 2
    assert active_dimensions([3.1, 0.001, 2.4, 0.0], threshold=3.0) == 1
    for bad in ([], [[1.0]], [np.nan], [-1.0]):
        with pytest.raises(ValueError):
            active_dimensions(bad)
    with pytest.raises(ValueError):
        active_dimensions([1.0], threshold=-1)


def test_posterior_average_weights_images_by_how_likely_they_make_the_code():
    x = np.stack([np.zeros(784), np.ones(784)]).astype("float32")
    mean = np.array([[-1.0], [1.0]])
    log_var = np.zeros((2, 1))
    avg = posterior_average(mean, log_var, x, [[-1.0], [0.0], [1.0], [50.0]])
    assert avg.shape == (4, 784)
    # Half-way between the two codes, the two images weigh the same: a flat grey.
    assert avg[1] == pytest.approx(np.full(784, 0.5))
    # Weights are N(z; m_i, 1): at z = -1, w0/w1 = exp(2).
    assert avg[0, 0] == pytest.approx(1 / (1 + np.exp(2)))
    assert avg[2, 0] == pytest.approx(np.exp(2) / (1 + np.exp(2)))
    assert avg[3, 0] == pytest.approx(1.0)  # far away: no underflow, the nearer image wins


def test_posterior_average_favours_the_narrower_distribution():
    x = np.stack([np.zeros(784), np.ones(784)]).astype("float32")
    mean = np.zeros((2, 1))
    log_var = np.log(np.array([[0.01], [1.0]]))
    avg = posterior_average(mean, log_var, x, [[0.0], [1.0]])
    assert avg[0, 0] < 0.2   # at the shared centre the narrow one has the higher density
    assert avg[1, 0] > 0.99  # one unit away only the wide one reaches


def test_posterior_average_refuses_mismatched_inputs():
    x = np.zeros((2, 784), "float32")
    with pytest.raises(ValueError, match="mean and log_var"):
        posterior_average(np.zeros((3, 2)), np.zeros((3, 2)), x, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="codes"):
        posterior_average(np.zeros((2, 2)), np.zeros((2, 2)), x, np.zeros((1, 3)))


def test_posterior_average_in_blocks_equals_the_whole_product(monkeypatch):
    """posterior_average multiplies by the images a block at a time (no float64 copy of them all):
    the same averages as the product with all images in float64, up to float64 rounding."""
    from ae_helpers.measure import _rate, posterior_average

    rng = np.random.default_rng(0)
    x = rng.random((9, 784)).astype("float32")
    mean, log_var = rng.normal(size=(9, 2)), rng.normal(scale=0.3, size=(9, 2))
    codes = rng.normal(size=(4, 2))
    whole = posterior_average(mean, log_var, x, codes)
    monkeypatch.setattr(_rate, "BLOCK", 2)
    np.testing.assert_allclose(posterior_average(mean, log_var, x, codes), whole, rtol=1e-12,
                               atol=1e-15)
    var = np.exp(log_var)
    log_w = -0.5 * (((codes[:, None] - mean[None]) ** 2 / var[None]).sum(-1) + log_var.sum(1))
    w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(whole, np.clip(w @ x.astype(np.float64), 0, 1), rtol=1e-12,
                               atol=1e-15)
