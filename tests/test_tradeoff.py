"""KL per latent dimension and the count of active dimensions."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.losses import kl_divergence
from ae_helpers.tradeoff import active_dimensions, kl_per_dimension
from ae_helpers.vae import dense_vae, posterior


def test_kl_per_dimension_adds_up_to_the_kl_term():
    vae = dense_vae(4, hidden=(8,), seed=0)
    x = np.random.default_rng(0).random((20, 784)).astype("float32")
    per_dim = kl_per_dimension(vae, x)
    mean, log_var = posterior(vae, x)
    assert per_dim.shape == (4,) and (per_dim >= 0).all()
    assert per_dim.sum() == pytest.approx(float(np.mean(kl_divergence(mean, log_var))), rel=1e-4)


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
