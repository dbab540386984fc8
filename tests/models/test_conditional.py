"""The conditional VAE: shapes, loss, training, saving, the cache, conditioned sampling and scores."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.latent import (
    conditional_reconstruct,
    conditioned_samples,
    requested_labels,
)
from ae_helpers.measure import conditional_scores
from ae_helpers.models import (
    ConditionalVAE,
    bce_reconstruction,
    conditional_decoder,
    conditional_encoder,
    dense_cvae,
    kl_divergence,
)
from ae_helpers.training import CVAERecipe, LabelledBatches, trained_cvae

from ..floats import assert_close_float32


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    labels = np.arange(200) % 10
    # Each digit class gets its own bright block, so the label carries real information.
    x = rng.random((200, 784)).astype("float32") * 0.2
    for i, d in enumerate(labels):
        x[i, d * 70 : d * 70 + 70] = 1.0
    return x, labels


def test_call_returns_flat_reconstruction_mean_and_log_var():
    cvae = dense_cvae(3, hidden=(8,))
    x_hat, mean, log_var = cvae((np.zeros((4, 784), "float32"), np.array([0, 3, 9, 9])))
    assert tuple(x_hat.shape) == (4, 784)
    assert tuple(mean.shape) == tuple(log_var.shape) == (4, 3)
    assert cvae.latent_dim == 3 and cvae.n_classes == 10


def test_the_label_reaches_the_decoder():
    cvae = dense_cvae(2, hidden=(16,), seed=0)
    z = np.zeros((2, 2), "float32")
    a = conditioned_samples(cvae, [1, 7], codes=z)
    assert not np.allclose(a[0], a[1])  # same code, different label, different image
    b = conditioned_samples(cvae, [1, 1], codes=z)
    assert_close_float32(b[0], b[1], terms=2 + 10 + 16)


@pytest.mark.parametrize("beta", [0.0, 1.0, 3.0])
def test_compute_loss_is_reconstruction_plus_beta_kl(beta):
    cvae = dense_cvae(2, hidden=(8,), beta=beta, seed=1)
    x = np.random.default_rng(0).random((5, 784)).astype("float32")
    y = np.arange(5)
    x_hat, mean, log_var = cvae((x, y))
    loss = float(keras.ops.convert_to_numpy(cvae.compute_loss((x, y), None, (x_hat, mean, log_var))))
    numpy = keras.ops.convert_to_numpy
    expected = np.mean(numpy(bce_reconstruction(x, x_hat)) + beta * numpy(kl_divergence(mean, log_var)))
    assert_close_float32(loss, expected, terms=784 + 2 + 5)


def test_a_tiny_cvae_trains_and_its_loss_falls(data):
    x, y = data
    keras.utils.set_random_seed(0)
    cvae = dense_cvae(2, hidden=(32,))
    history = cvae.fit(LabelledBatches(x, y, batch_size=50), epochs=4, verbose=0).history
    assert set(history) >= {"loss", "reconstruction", "kl"}
    assert history["loss"][-1] < history["loss"][0]


def test_labelled_batches_yield_pairs_as_inputs():
    batches = LabelledBatches(np.zeros((7, 784), "float32"), np.arange(7) % 10, batch_size=3,
                              shuffle=False)
    assert len(batches) == 3
    (images, labels), = batches[2]
    assert images.shape == (1, 784) and labels.tolist() == [6]
    with pytest.raises(ValueError, match="labels"):
        LabelledBatches(np.zeros((3, 784), "float32"), np.array([1, 2]))


def test_save_and_load_round_trip(tmp_path, data):
    x, y = data
    cvae = dense_cvae(2, hidden=(8,), beta=2.5, seed=3)
    cvae.fit(LabelledBatches(x, y, batch_size=100), epochs=1, verbose=0)
    path = tmp_path / "cvae.keras"
    cvae.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, ConditionalVAE)
    assert loaded.beta == 2.5 and loaded.seed == 3 and loaded.latent_dim == 2
    assert_close_float32(conditional_reconstruct(loaded, x[:5], y[:5]),
                         conditional_reconstruct(cvae, x[:5], y[:5]), terms=784 + 10 + 8 + 12 + 8)
    loaded.fit(LabelledBatches(x, y, batch_size=100), epochs=1, verbose=0)  # still trainable


def test_trained_cvae_is_cached_and_settings_cover_what_changes_it(isolated_cache, fake_mnist,
                                                                   monkeypatch):
    monkeypatch.setenv("AE_HELPERS_MNIST", str(fake_mnist))
    first = trained_cvae(2, epochs=2, train_size=100, hidden=(8,), quick=False)
    assert not first.from_cache and isinstance(first.model, ConditionalVAE)
    assert len(first.history["kl"]) == 2
    again = trained_cvae(2, epochs=2, train_size=100, hidden=(8,), quick=False)
    assert again.from_cache and again.history == first.history
    other = trained_cvae(2, epochs=2, train_size=100, hidden=(8,), beta=2.0, quick=False)
    assert not other.from_cache and other.model.beta == 2.0
    base = CVAERecipe(latent_dim=2, epochs=2).settings()
    for change in ({"beta": 2.0}, {"latent_dim": 3}, {"hidden": (8,)}, {"seed": 1},
                   {"train_size": 50}, {"reconstruction": "mse"}, {"learning_rate": 0.01},
                   {"warmup_epochs": 1}):
        assert CVAERecipe(**{"latent_dim": 2, "epochs": 2, **change}).settings() != base, change


def test_quick_mode_shrinks_the_training_set():
    assert CVAERecipe(epochs=1).quick().train_size == 6000
    assert CVAERecipe(epochs=1).train_size is None
    assert CVAERecipe(epochs=1, train_size=300).quick().train_size == 300


def test_the_conditional_vae_has_no_warm_up_unless_asked():
    assert CVAERecipe(epochs=1).settings()["schedule"] == "cosine to 5%"
    assert CVAERecipe(epochs=1, warmup_epochs=1).settings()["schedule"].startswith("linear warm-up")


@pytest.mark.parametrize("kwargs,error", [({"epochs": 0}, ValueError),
                                          ({"epochs": 1, "beta": -1.0}, ValueError),
                                          ({"epochs": 1, "reconstruction": "l1"}, ValueError),
                                          ({"epochs": 1, "batch_size": 0}, ValueError),
                                          ({"epochs": "1"}, TypeError),
                                          ({"epochs": 1, "follow": 10}, ValueError)])
def test_settings_refuse_bad_arguments(kwargs, error):
    with pytest.raises(error):
        CVAERecipe(latent_dim=2, **kwargs)


def test_the_model_refuses_mismatched_parts():
    with pytest.raises(ValueError, match="codes"):
        ConditionalVAE(conditional_encoder(2, hidden=(4,)), conditional_decoder(3, hidden=(4,)))
    with pytest.raises(ValueError, match="classes"):
        ConditionalVAE(conditional_encoder(2, hidden=(4,)),
                       conditional_decoder(2, hidden=(4,), n_classes=5))
    with pytest.raises(ValueError, match="beta"):
        ConditionalVAE(conditional_encoder(2, hidden=(4,)), conditional_decoder(2, hidden=(4,)),
                       beta=-1.0)


def test_requested_labels_and_conditioned_samples():
    labels = requested_labels(10, 3)
    assert labels.tolist()[:7] == [0, 0, 0, 1, 1, 1, 2] and len(labels) == 30
    assert requested_labels([4, 2], 1).tolist() == [4, 2]
    cvae = dense_cvae(2, hidden=(8,))
    a = conditioned_samples(cvae, labels, seed=5)
    b = conditioned_samples(cvae, labels, seed=5)
    c = conditioned_samples(cvae, labels, seed=6)
    assert a.shape == (30, 28, 28) and 0.0 <= a.min() and a.max() <= 1.0
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    with pytest.raises(ValueError, match="0-9"):
        conditioned_samples(cvae, [10])
    with pytest.raises(TypeError, match="integers"):
        conditioned_samples(cvae, [1.5])
    with pytest.raises(ValueError, match="codes"):
        conditioned_samples(cvae, [1, 2], codes=np.zeros((3, 2)))
    with pytest.raises(TypeError, match="ConditionalVAE"):
        conditioned_samples(object(), [1])
    with pytest.raises(ValueError, match="n_per_digit"):
        requested_labels(10, 0)


class FixedJudge:
    """Returns fixed probabilities, so the scores can be checked by hand."""

    def __init__(self, probs):
        self.probs = np.asarray(probs, dtype=float)

    def probabilities(self, images):
        return self.probs[: len(images)]


def test_conditional_scores_separate_recognised_from_on_request():
    probs = np.array([
        [0.95] + [0.05 / 9] * 9,            # confident 0, asked 0: both
        [0.6, 0.4] + [0.0] * 8,             # unsure 0, asked 0: on request only
        [0.0, 0.97, 0.03] + [0.0] * 7,      # confident 1, asked 2: recognised only
        [0.0, 0.0, 0.5, 0.5] + [0.0] * 6,   # unsure, argmax 2, asked 2: on request only
    ])
    s = conditional_scores(FixedJudge(probs), np.zeros((4, 784), "float32"), [0, 0, 2, 2])
    assert s["recognised"] == 0.5
    assert s["on_request"] == 0.75
    assert s["recognised_on_request"] == 0.25
    assert s["per_digit_on_request"][0] == 1.0 and s["per_digit_on_request"][2] == 0.5
    assert np.isnan(s["per_digit_on_request"][5])
    with pytest.raises(ValueError, match="labels"):
        conditional_scores(FixedJudge(probs), np.zeros((4, 784), "float32"), [0, 0, 2])
    with pytest.raises(ValueError, match="threshold"):
        conditional_scores(FixedJudge(probs), np.zeros((4, 784), "float32"), [0, 0, 2, 2],
                           threshold=0.0)
