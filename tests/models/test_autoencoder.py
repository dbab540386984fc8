"""Autoencoder builders: shapes, named halves, and clear errors."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.models import (
    chain,
    decoder_of,
    dense_autoencoder,
    dense_decoder,
    dense_encoder,
    encoder_of,
    latent_dim_of,
)

from ..floats import assert_close_float32


@pytest.mark.parametrize("latent_dim", [1, 2, 16])
def test_dense_autoencoder_shapes_and_halves(latent_dim):
    model = dense_autoencoder(latent_dim, hidden=(32,))
    x = np.random.default_rng(0).random((5, 784)).astype("float32")
    codes = encoder_of(model).predict(x, verbose=0)
    out = decoder_of(model).predict(codes, verbose=0)
    assert codes.shape == (5, latent_dim) and out.shape == (5, 784)
    assert latent_dim_of(decoder_of(model)) == latent_dim
    assert 0.0 <= out.min() and out.max() <= 1.0  # sigmoid output
    assert_close_float32(model.predict(x, verbose=0), out, terms=784 + 32 + latent_dim + 32)


def test_image_shaped_autoencoder():
    model = dense_autoencoder(4, image_shape=(28, 28), hidden=(16,))
    assert model.output_shape == (None, 28, 28)
    assert encoder_of(model).input_shape == (None, 28, 28)


def test_training_lowers_the_loss():
    keras.utils.set_random_seed(0)
    model = dense_autoencoder(4, hidden=(32,))
    x = (np.random.default_rng(0).random((256, 784)) > 0.8).astype("float32")
    before = model.evaluate(x, x, verbose=0)
    model.fit(x, x, epochs=5, batch_size=64, verbose=0)
    assert model.evaluate(x, x, verbose=0) < before


def test_saved_and_loaded_keeps_the_halves(tmp_path):
    model = dense_autoencoder(3, hidden=(8,))
    x = np.zeros((4, 784), "float32")
    model.fit(x, x, epochs=1, verbose=0)  # builds the optimizer, as in a real trained model
    model.save(tmp_path / "ae.keras")
    loaded = keras.saving.load_model(tmp_path / "ae.keras", safe_mode=True)
    assert latent_dim_of(decoder_of(loaded)) == 3


@pytest.mark.parametrize("bad,error", [(0, ValueError), (-2, ValueError), (2.0, TypeError),
                                       ("2", TypeError), (True, TypeError)])
def test_bad_latent_sizes(bad, error):
    with pytest.raises(error, match="latent_dim"):
        dense_encoder(bad)
    with pytest.raises(error, match="latent_dim"):
        dense_decoder(bad)


def test_chain_refuses_mismatched_halves():
    with pytest.raises(ValueError, match="codes of size 2 but the decoder takes 3"):
        chain(dense_encoder(2), dense_decoder(3))


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="loss must be"):
        dense_autoencoder(2, loss="rmse")


# --------------------------------------------------------------------------- issue #26


def test_numpy_integer_widths_are_taken():
    ae = dense_autoencoder(2, hidden=(np.int64(8),))  # was: "Received: units=8"
    assert ae.get_layer("encoder").layers[1].units == 8
    with pytest.raises(TypeError, match=r"hidden\[0\] must be an int, got '8'"):
        dense_autoencoder(2, hidden=("8",))
    with pytest.raises(TypeError, match="hidden must be a sequence of layer widths"):
        dense_autoencoder(2, hidden=8)


def test_default_hidden_sizes_scale_with_the_input_size():
    from ae_helpers.models import default_hidden, dense_vae
    assert default_hidden(784) == (512, 256)  # MNIST's, unchanged
    small = dense_vae(2, image_shape=(8, 8))
    assert small.encoder.count_params() < 5000  # was 165,636 (512 and 256 units for 64 pixels)
    mnist = dense_vae(2)
    assert [l.units for l in mnist.encoder.layers if hasattr(l, "units")][:2] == [512, 256]
    assert [l.units for l in small.decoder.layers if hasattr(l, "units")][:2] == [24, 40]
