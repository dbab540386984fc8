"""trained_autoencoder: trains once, then loads; quick mode caps the run; bad arguments fail clearly."""

from __future__ import annotations

import pytest

from ae_helpers.models import decoder_of, encoder_of, latent_dim_of
from ae_helpers.zoo import QUICK_EPOCHS, QUICK_TRAIN_SIZE, autoencoder_settings, trained_autoencoder


@pytest.fixture
def small_world(fake_mnist, isolated_cache, monkeypatch):
    monkeypatch.setenv("AE_HELPERS_MNIST", str(fake_mnist))
    return isolated_cache


def test_trains_once_then_loads_from_the_cache(small_world):
    first = trained_autoencoder(3, epochs=2, train_size=100, hidden=(16,), quick=False)
    assert not first.from_cache
    assert len(first.history["loss"]) == 2
    assert latent_dim_of(decoder_of(first.model)) == 3
    assert encoder_of(first.model).output_shape == (None, 3)
    again = trained_autoencoder(3, epochs=2, train_size=100, hidden=(16,), quick=False)
    assert again.from_cache and again.history == first.history
    other = trained_autoencoder(3, epochs=1, train_size=100, hidden=(16,), quick=False)
    assert not other.from_cache  # different settings, different model


def test_quick_mode_caps_epochs_and_images():
    s = autoencoder_settings(2, epochs=50, train_size=50_000, quick=True)
    assert s["epochs"] == QUICK_EPOCHS and s["train_size"] == QUICK_TRAIN_SIZE
    s = autoencoder_settings(2, epochs=1, train_size=100, quick=True)
    assert s["epochs"] == 1 and s["train_size"] == 100
    s = autoencoder_settings(2, epochs=50, quick=False)
    assert s["epochs"] == 50 and s["train_size"] is None


def test_quick_defaults_to_the_environment(monkeypatch):
    monkeypatch.setenv("AE_HELPERS_QUICK", "1")
    assert autoencoder_settings(2, epochs=9)["epochs"] == QUICK_EPOCHS
    monkeypatch.setenv("AE_HELPERS_QUICK", "0")
    assert autoencoder_settings(2, epochs=9)["epochs"] == 9


@pytest.mark.parametrize("kwargs,error", [
    ({"latent_dim": 0, "epochs": 1}, ValueError),
    ({"latent_dim": 2.0, "epochs": 1}, TypeError),
    ({"latent_dim": 2, "epochs": 0}, ValueError),
    ({"latent_dim": 2, "epochs": 1, "train_size": -5}, ValueError),
    ({"latent_dim": 2, "epochs": 1, "seed": -1}, ValueError),
])
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        autoencoder_settings(**kwargs)
