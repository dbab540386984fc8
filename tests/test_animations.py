"""Animations: snapshots during training, and HTML that plays without a kernel and stays light."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.animations import (
    LatentSnapshots, latent_filling_animation, latent_walk_animation, to_html,
)
from ae_helpers.models import dense_autoencoder, dense_decoder, encoder_of


def test_snapshots_follow_training():
    keras.utils.set_random_seed(0)
    model = dense_autoencoder(2, hidden=(16,))
    x = np.random.default_rng(0).random((64, 784)).astype("float32")
    cb = LatentSnapshots(lambda v: encoder_of(model).predict(v, verbose=0), x[:10])
    model.fit(x, x, epochs=3, batch_size=32, verbose=0, callbacks=[cb])
    snaps = cb.snapshots
    assert snaps.shape == (4, 10, 2)
    assert not np.allclose(snaps[0], snaps[-1])  # training moved the codes


def test_filling_animation_html_has_every_frame_and_stays_small():
    rng = np.random.default_rng(0)
    snaps = rng.normal(size=(6, 200, 2)).astype("float32")
    html = to_html(latent_filling_animation(snaps, np.arange(200) % 10))
    assert html.count("data:image/png;base64") == 6
    assert len(html) < 600_000  # about 100 kB a frame at most


def test_walk_animation_decodes_each_path():
    decoders = {"AE": dense_decoder(2, hidden=(8,)), "VAE": dense_decoder(2, hidden=(8,))}
    path = np.linspace([-2, -2], [2, 2], 5)
    html = to_html(latent_walk_animation(decoders, {"AE": path, "VAE": path}))
    assert html.count("data:image/png;base64") == 5


def test_walk_animation_errors():
    d = {"AE": dense_decoder(2, hidden=(8,))}
    with pytest.raises(ValueError, match="same models"):
        latent_walk_animation(d, {"VAE": np.zeros((3, 2))})
    with pytest.raises(ValueError, match="same number of frames"):
        latent_walk_animation({**d, "B": d["AE"]}, {"AE": np.zeros((3, 2)), "B": np.zeros((4, 2))})


@pytest.mark.parametrize("snaps,labels,match", [
    (np.zeros((3, 4, 3)), np.arange(4), "shape"),
    (np.zeros((3, 4, 2)), np.arange(5), "labels"),
])
def test_filling_animation_errors(snaps, labels, match):
    with pytest.raises(ValueError, match=match):
        latent_filling_animation(snaps, labels)


def test_vae_training_snapshots_are_cached_with_the_model(isolated_cache, mnist_path):
    from ae_helpers.animations import vae_training_snapshots

    first = vae_training_snapshots(epochs=2, train_size=300, n_points=50, batch_size=64)
    snaps, labels = first.extras["snapshots"], first.extras["labels"]
    assert snaps.shape == (3, 50, 2) and labels.shape == (50,)
    assert not np.allclose(snaps[0], snaps[-1])
    again = vae_training_snapshots(epochs=2, train_size=300, n_points=50, batch_size=64)
    assert again.from_cache
    np.testing.assert_array_equal(again.extras["snapshots"], snaps)
