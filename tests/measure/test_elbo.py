"""measure: the negative ELBO uses the model's own reconstruction term or refuses (issue #26)."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.measure import elbo_terms, negative_elbo
from ae_helpers.models import dense_autoencoder, dense_vae

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
