"""The VAE: sampling statistics, the loss in compute_loss, training, saving/loading, cached training and
the analysis helpers. Backend-agnostic: tests/book/test_backends.py runs it on PyTorch and JAX too."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.latent import decode, generate, posterior, reconstruct, sample_normal
from ae_helpers.latent import encode as latent_encode
from ae_helpers.measure import elbo_terms, negative_elbo
from ae_helpers.models import (
    VAE,
    Sampling,
    bce_reconstruction,
    conv_vae_decoder,
    conv_vae_encoder,
    dense_decoder,
    dense_encoder,
    dense_vae,
    dense_vae_encoder,
    kl_divergence,
    squared_error,
)
from ae_helpers.training import VAERecipe, load_or_train, trained_vae, warmup_cosine

from ..floats import assert_close_float32



def np_(t) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(t))


def binary_images(n: int = 256, seed: int = 0) -> np.ndarray:
    """Blocky binary images, each one of four patterns: easy to learn, so a few steps lower the loss."""
    rng = np.random.default_rng(seed)
    patterns = (np.random.default_rng(99).random((4, 7, 7)) > 0.6).astype("float32")
    blocks = patterns[rng.integers(0, 4, n)]
    return np.kron(blocks, np.ones((4, 4), "float32")).reshape(n, 784)


# --- Sampling -----------------------------------------------------------------------------------

def test_sampling_has_the_asked_mean_and_standard_deviation():
    n = 20_000
    mean = np.tile(np.array([[1.0, -2.0]], "float32"), (n, 1))
    log_var = np.tile(np.array([[0.0, np.log(4.0)]], "float32"), (n, 1))
    z = np_(Sampling(seed=0)([mean, log_var]))
    assert z.shape == (n, 2)
    # Standard errors: 1/sqrt(n) = 0.007 and 2/sqrt(n) = 0.014 for the means.
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), [1.0, 2.0], rtol=0.03)
    assert abs(np.corrcoef(z.T)[0, 1]) < 0.05  # independent dimensions


def test_sampling_is_seeded_and_draws_fresh_noise_each_call():
    zeros = np.zeros((5, 3), "float32")
    a, b = Sampling(seed=7), Sampling(seed=7)
    first = np_(a([zeros, zeros]))
    np.testing.assert_array_equal(first, np_(b([zeros, zeros])))
    assert not np.allclose(first, np_(a([zeros, zeros])))  # the generator moved on


def test_sampling_with_zero_variance_returns_the_mean_and_keeps_its_seed_in_config():
    mean = np.array([[0.3, -0.7]], "float32")
    z = np_(Sampling(seed=1)([mean, np.full_like(mean, -60.0)]))
    np.testing.assert_allclose(z, mean, atol=1e-6)
    assert Sampling(seed=3).get_config()["seed"] == 3
    with pytest.raises(TypeError, match="seed"):
        Sampling(seed=1.5)


# --- The model ----------------------------------------------------------------------------------

def small_vae(**kwargs) -> VAE:
    keras.utils.set_random_seed(0)
    return dense_vae(2, hidden=(32,), learning_rate=3e-3, **kwargs)


def test_call_returns_reconstruction_mean_and_log_var():
    vae = small_vae()
    x_hat, mean, log_var = vae(binary_images(5))
    assert tuple(x_hat.shape) == (5, 784) and tuple(mean.shape) == (5, 2)
    assert tuple(log_var.shape) == (5, 2) and vae.latent_dim == 2
    x_hat = np_(x_hat)
    assert 0.0 <= x_hat.min() and x_hat.max() <= 1.0


@pytest.mark.parametrize("reconstruction,beta", [("bce", 1.0), ("bce", 0.0), ("mse", 3.0)])
def test_compute_loss_is_reconstruction_plus_beta_kl_and_updates_the_trackers(reconstruction, beta):
    vae = small_vae(reconstruction=reconstruction, beta=beta)
    rng = np.random.default_rng(0)
    x = binary_images(8)
    x_hat = rng.uniform(0.1, 0.9, x.shape).astype("float32")
    mean, log_var = rng.normal(size=(2, 8, 2)).astype("float32")
    loss = float(np_(vae.compute_loss(x=x, y_pred=(x_hat, mean, log_var))))
    rec = np_(bce_reconstruction(x, x_hat) if reconstruction == "bce" else squared_error(x, x_hat))
    kl = np_(kl_divergence(mean, log_var))
    assert_close_float32(loss, np.mean(rec + beta * kl), terms=784 + 2 + 8)
    assert_close_float32(np_(vae.reconstruction_tracker.result()), rec.mean(), terms=784 + 8)
    assert_close_float32(np_(vae.kl_tracker.result()), kl.mean(), terms=2 + 8)


def test_a_tiny_vae_trains_and_its_loss_falls():
    vae = small_vae()
    x = binary_images(256)
    before = vae.get_layer("encoder").get_layer("mean").get_weights()[0].copy()
    history = vae.fit(x, epochs=6, batch_size=64, verbose=0).history
    assert {"loss", "reconstruction", "kl"} <= set(history)
    assert history["loss"][-1] < 0.8 * history["loss"][0], history["loss"]
    assert history["reconstruction"][-1] < history["reconstruction"][0]
    # The gradient reached the encoder's mean head through the sampling layer.
    after = vae.get_layer("encoder").get_layer("mean").get_weights()[0]
    assert not np.allclose(before, after)


def test_validation_reports_the_same_terms():
    vae = small_vae()
    x = binary_images(128)
    history = vae.fit(x, epochs=1, batch_size=64, validation_data=(x[:64],), verbose=0).history
    assert {"val_loss", "val_reconstruction", "val_kl"} <= set(history)


def test_save_and_load_round_trip(tmp_path):
    vae = small_vae(beta=2.5, reconstruction="mse", seed=11)
    x = binary_images(64)
    vae.fit(x, epochs=1, batch_size=32, verbose=0)  # builds the optimizer, as a real trained model
    path = tmp_path / "vae.keras"
    vae.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, VAE) and isinstance(loaded.sampling, Sampling)
    assert (loaded.beta, loaded.reconstruction, loaded.seed) == (2.5, "mse", 11)
    for a, b in zip(posterior(vae, x[:5]), posterior(loaded, x[:5])):
        assert_close_float32(a, b, terms=784 + 32)
    codes = sample_normal(4, 2)
    assert_close_float32(decode(vae.decoder, codes), decode(loaded.decoder, codes), terms=2 + 32)
    history = loaded.fit(x, epochs=1, batch_size=32, verbose=0).history  # still trainable
    assert np.isfinite(history["loss"][0])


def test_the_cache_keeps_a_vae(isolated_cache):
    calls = []

    def fit():
        calls.append(1)
        vae = small_vae()
        vae.fit(binary_images(64), epochs=1, batch_size=32, verbose=0)
        return vae

    first = load_or_train("vae_test", {"n": 1}, fit)
    again = load_or_train("vae_test", {"n": 1}, fit)
    assert len(calls) == 1 and again.from_cache and isinstance(again.model, VAE)
    assert set(again.history) >= {"loss", "kl", "reconstruction"}
    assert_close_float32(posterior(first.model, binary_images(3))[0],
                         posterior(again.model, binary_images(3))[0], terms=784 + 32)


def test_the_latent_helpers_read_the_mean_from_a_vae_encoder():
    vae = small_vae()
    x = binary_images(6)
    assert_close_float32(latent_encode(vae.encoder, x), posterior(vae, x)[0], terms=784 + 32)


def test_the_vae_refuses_bad_parts():
    enc, dec = dense_vae_encoder(2, hidden=(8,)), dense_decoder(2, hidden=(8,))
    with pytest.raises(ValueError, match="reconstruction must be one of"):
        VAE(enc, dec, reconstruction="rmse")
    with pytest.raises(ValueError, match="beta"):
        VAE(enc, dec, beta=-1.0)
    with pytest.raises(ValueError, match="mean, log_var"):
        VAE(dense_encoder(2, hidden=(8,)), dec)
    with pytest.raises(ValueError, match="decoder takes 3-D"):
        VAE(enc, dense_decoder(3, hidden=(8,)))
    with pytest.raises(ValueError, match="decoder makes images of shape"):
        VAE(enc, dense_decoder(2, hidden=(8,), output_shape=(28, 28)))


def test_conv_builders_make_a_working_vae():
    keras.utils.set_random_seed(0)
    vae = VAE(conv_vae_encoder(2, filters=(4, 8), dense=16), conv_vae_decoder(2, filters=(8, 4), dense=16))
    vae.compile(optimizer="adam")
    x = binary_images(32).reshape(32, 28, 28, 1)
    history = vae.fit(x, epochs=2, batch_size=16, verbose=0).history
    assert np.isfinite(history["loss"]).all()
    assert posterior(vae, x[:3])[0].shape == (3, 2)
    with pytest.raises(ValueError, match="divisible by 4"):
        conv_vae_encoder(2, image_shape=(30, 30, 1), filters=(4, 8))


# --- Analysis helpers ---------------------------------------------------------------------------

def test_elbo_terms_match_the_training_loss():
    vae = small_vae()
    x = binary_images(200)
    vae.fit(x, epochs=2, batch_size=50, verbose=0)
    terms = elbo_terms(vae, x, n_samples=8)
    assert terms.negative_elbo == pytest.approx(terms.reconstruction + terms.kl)
    assert negative_elbo(vae, x, n_samples=8) == pytest.approx(terms.negative_elbo)
    keras_loss = vae.evaluate(x, batch_size=50, verbose=0, return_dict=True)["loss"]  # one draw
    assert terms.negative_elbo == pytest.approx(keras_loss, rel=0.03)
    assert terms.kl > 0 and terms.squared_error > 0
    with pytest.raises(ValueError, match="n_samples"):
        elbo_terms(vae, x, n_samples=0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        negative_elbo(vae, x * 255)


def test_reconstruct_and_generate_match_the_latent_helpers():
    vae = small_vae()
    x = binary_images(5)
    assert_close_float32(reconstruct(vae, x), decode(vae.decoder, posterior(vae, x)[0]),
                         terms=784 + 32 + 2 + 32)
    assert_close_float32(generate(vae, 6, seed=2), decode(vae.decoder, sample_normal(6, 2, seed=2)),
                         terms=2 + 32)
    assert generate(vae, 3).shape == (3, 28, 28)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        reconstruct(vae, x + 2)


def test_warmup_cosine_rises_then_decays():
    schedule = warmup_cosine(2e-3, 400, warmup=100)
    lr = [float(keras.ops.convert_to_numpy(schedule(s))) for s in (0, 50, 100, 250, 400)]
    assert lr[0] == 0.0 and lr[1] == pytest.approx(1e-3) and lr[2] == pytest.approx(2e-3)
    assert lr[2] > lr[3] > lr[4] == pytest.approx(1e-4)
    short = warmup_cosine(1e-3, 8, warmup=100)  # the warm-up is capped at a quarter of the steps
    assert float(keras.ops.convert_to_numpy(short(2))) == pytest.approx(1e-3)
    with pytest.raises(ValueError, match="steps"):
        warmup_cosine(1e-3, 0, warmup=1)
    with pytest.raises(ValueError, match="learning_rate"):
        warmup_cosine(-1.0, 10, warmup=1)


def test_trained_vae_is_cached_and_its_settings_cover_what_changes_it(isolated_cache, fake_mnist,
                                                                      monkeypatch):
    monkeypatch.setenv("AE_HELPERS_MNIST", str(fake_mnist))
    first = trained_vae(2, epochs=1, train_size=100, hidden=(16,), batch_size=50, quick=False)
    again = trained_vae(2, epochs=1, train_size=100, hidden=(16,), batch_size=50, quick=False)
    assert not first.from_cache and again.from_cache and isinstance(again.model, VAE)
    assert len(first.history["loss"]) == 1
    other = trained_vae(2, epochs=1, train_size=100, hidden=(16,), batch_size=50, beta=2.0, quick=False)
    assert not other.from_cache and other.model.beta == 2.0
    assert VAERecipe(epochs=3).quick().train_size == 6000
    assert VAERecipe(epochs=3).settings()["train_size"] is None
    assert VAERecipe(epochs=3, train_size=50).quick().train_size == 50
    with pytest.raises(ValueError, match="epochs"):
        VAERecipe(epochs=0)
    with pytest.raises(ValueError, match="reconstruction"):
        VAERecipe(epochs=1, reconstruction="l1")


# --------------------------------------------------------------------------- issue #26: its own loss


def test_a_loss_given_to_compile_is_refused_not_ignored():
    from ae_helpers.models import dense_cvae
    vae = dense_vae(2, hidden=(8,))
    with pytest.raises(ValueError, match="loss='mse'.*reconstruction='mse'"):
        vae.compile(optimizer="adam", loss="mse")  # was: accepted, trained on the cross-entropy
    with pytest.raises(ValueError, match="ConditionalVAE trains on its own loss"):
        dense_cvae(2, hidden=(8,)).compile(optimizer="adam", loss="binary_crossentropy")
    vae.compile(optimizer="adam")  # an optimizer alone is fine


def test_the_loss_reported_is_the_loss_chosen():
    """A VAE built with reconstruction='mse' reports (and trains on) squared error + beta KL."""
    from ae_helpers.models import kl_divergence, squared_error
    vae = dense_vae(2, hidden=(8,), reconstruction="mse", beta=0.0, seed=0)
    x = np.random.default_rng(1).random((8, 784)).astype("float32")
    x_hat, mean, log_var = vae(x)
    expected = float(np.mean(keras.ops.convert_to_numpy(squared_error(x, x_hat))))
    reported = float(keras.ops.convert_to_numpy(vae.compute_loss(x, None, (x_hat, mean, log_var))))
    assert reported == pytest.approx(expected, rel=1e-5)
    kl = float(np.mean(keras.ops.convert_to_numpy(kl_divergence(mean, log_var))))
    assert kl > 0 and reported != pytest.approx(expected + kl)  # beta 0: no KL in the loss


def test_an_iwae_refuses_a_reconstruction_term_its_bound_cannot_use():
    from ae_helpers.models import IWAE, burda_decoder, burda_encoder
    with pytest.raises(ValueError, match="reconstruction='mse'.*Bernoulli"):
        IWAE(burda_encoder(2, hidden=(8,)), burda_decoder(2, hidden=(8,)), reconstruction="mse")


@pytest.mark.parametrize(("encoder", "decoder", "words"), [
    (None, None, "encoder must be a keras.Model, got NoneType"),
    ("enc", None, "encoder must be a keras.Model, got str"),
])
def test_vae_halves_that_are_not_models_are_named(encoder, decoder, words):
    from ae_helpers.models import VAE
    with pytest.raises(TypeError, match=words):
        VAE(encoder, decoder)  # was: AttributeError: 'NoneType' object has no attribute 'output'
