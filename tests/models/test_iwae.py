"""The IWAE and Burda's networks: the loss is the negative k-sample bound, it trains, saves and loads."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.data import binarise
from ae_helpers.measure import log_likelihood
from ae_helpers.models import IWAE, burda_decoder, burda_encoder, burda_model, mean_image_logits

from ..floats import assert_close_float32


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


def test_burda_networks_have_the_papers_shapes_and_the_mean_image_bias():
    assert [tuple(t.shape) for t in burda_encoder().outputs] == [(None, 50), (None, 50)]
    assert burda_decoder().output_shape == (None, 784)
    x = np.array([[0.0, 0.5, 1.0], [0.0, 0.5, 1.0]], "float32")
    bias = mean_image_logits(x)
    assert bias[1] == 0.0 and bias[0] < -6 < 6 < bias[2]  # clipped to [0.001, 0.999]
    decoder = burda_decoder(2, hidden=(4,), output_dim=3, output_bias=bias)
    start = np.asarray(keras.ops.convert_to_numpy(decoder(np.zeros((1, 2), "float32"))))
    np.testing.assert_allclose(start[0], [0.001, 0.5, 0.999], atol=1e-6)  # draws the mean image
    assert type(burda_model("vae")).__name__ == "VAE" and burda_model("iwae", k=3).k == 3
    with pytest.raises(ValueError, match="objective must be"):
        burda_model("elbo")
