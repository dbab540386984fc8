"""measure: the negative ELBO uses the model's own reconstruction term or refuses (issue #26)."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.measure import elbo_terms, negative_elbo
from ae_helpers.models import dense_autoencoder, dense_vae

from ..floats import assert_close_float32

X = np.random.default_rng(0).random((6, 784)).astype("float32")


def test_a_vae_trained_on_the_squared_error_has_no_negative_elbo_in_nats():
    vae = dense_vae(2, hidden=(8,), reconstruction="mse", seed=0)
    with pytest.raises(ValueError, match="reconstruction term is 'mse'.*not a log-likelihood"):
        negative_elbo(vae, X)  # was: the BCE term, as if the model had trained on it
    terms = elbo_terms(vae, X)
    assert terms.kind == "mse" and terms.squared_error > 0 and terms.reconstruction > 0
    with pytest.raises(ValueError, match="squared error"):
        terms.negative_elbo


def test_a_cross_entropy_vae_keeps_its_negative_elbo():
    vae = dense_vae(2, hidden=(8,), seed=0)
    terms = elbo_terms(vae, X, n_samples=2)
    assert terms.kind == "bce"
    assert terms.negative_elbo == pytest.approx(terms.reconstruction + terms.kl)
    assert negative_elbo(vae, X, n_samples=2) == pytest.approx(terms.negative_elbo)


@pytest.mark.parametrize("measure", [negative_elbo, elbo_terms])
def test_an_autoencoder_is_refused_naming_what_to_use(measure):
    with pytest.raises(TypeError, match="vae must be a VAE.*per_image_error"):
        measure(dense_autoencoder(2, hidden=(8,)), X)  # was: AttributeError


def test_terms_in_batches_equal_the_terms_in_one_batch():
    """The images are decoded and compared a batch at a time (memory): every batch size gives the
    same terms, and they match NumPy's formula on the whole set."""
    x = np.random.default_rng(1).random((7, 784)).astype("float32")
    vae = dense_vae(2, hidden=(8,), seed=0)
    whole = elbo_terms(vae, x, n_samples=2, batch_size=7)
    for batch_size in (1, 3):
        part = elbo_terms(vae, x, n_samples=2, batch_size=batch_size)
        assert_close_float32([part.reconstruction, part.squared_error, part.kl],
                             [whole.reconstruction, whole.squared_error, whole.kl], terms=2 * 784)
    from ae_helpers.latent import posterior
    from ae_helpers.models import run_model

    mean, log_var = posterior(vae, x)
    rng = np.random.default_rng(0)
    flat = x.astype(np.float64)
    bce = []
    for _ in range(2):
        z = mean + np.exp(log_var / 2) * rng.standard_normal(mean.shape).astype(np.float32)
        x_hat = np.clip(run_model(vae.decoder, z)[0].astype(np.float64), 1e-7, 1 - 1e-7)
        bce.append((-(flat * np.log(x_hat) + (1 - flat) * np.log1p(-x_hat)).sum(axis=1)).mean())
    assert_close_float32(whole.reconstruction, np.mean(bce), terms=2 * 784)


def test_terms_make_no_float64_copy_of_the_whole_set():
    """Only a batch at a time is converted to float64: what NumPy allocates does not grow with the
    number of images (before, float64 copies of all of them: 8 times more for 8 times the images)."""
    import tracemalloc

    x = np.random.default_rng(2).random((8000, 784)).astype("float32")
    vae = dense_vae(2, hidden=(8,), seed=0)
    elbo_terms(vae, x[:10], n_samples=1)  # traced functions and caches outside the measurement
    peaks = []
    for n in (1000, 8000):
        tracemalloc.start()
        try:
            elbo_terms(vae, x[:n], n_samples=1, batch_size=500)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < 1.5 * peaks[0], [f"{p / 1e6:.1f} MB" for p in peaks]
    assert peaks[1] < x.size * 8 / 2, f"{peaks[1] / 1e6:.1f} MB"  # half a float64 copy
