"""The helpers on data that is not MNIST: scikit-learn's 8×8 digits and 32×32 colour images."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.datasets import load_digits

import ae_helpers as ah
from ae_helpers import latent, measure, viz


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    return (load_digits().images / 16).astype("float32")


def test_the_whole_pipeline_on_8x8_digits(digits):
    vae = ah.dense_vae(2, image_shape=(8, 8), hidden=(32,))
    ah.train(vae, digits, epochs=1, log_every=0)
    codes = ah.encode(vae.encoder, digits)
    assert codes.shape == (len(digits), 2)
    assert ah.decode(vae.decoder, codes[:5]).shape == (5, 8, 8)
    grid = ah.latent_grid(vae.decoder, n=5)
    assert grid.images.shape == (25, 8, 8)
    fig = ah.image_grid(digits[:16])
    assert len([ax for ax in fig.axes if ax.images]) == 16
    nats = ah.negative_elbo(vae, digits)
    assert 0 < nats < 64 * np.log(2) * 2  # a finite bound, within reach of the 44-nat coin flip
    assert latent.generate(vae, 3).shape == (3, 8, 8)
    assert latent.reconstruct(vae, digits.reshape(len(digits), 64)[:3]).shape == (3, 8, 8)
    plt.close("all")


def test_colour_images_with_the_convolutional_vae():
    rng = np.random.default_rng(0)
    x = rng.random((64, 32, 32, 3)).astype("float32")
    vae = ah.conv_vae(4, image_shape=(32, 32, 3), filters=(8, 16), dense=16)
    ah.train(vae, x, epochs=1, batch_size=16, log_every=0)
    codes = ah.encode(vae.encoder, x)
    images = ah.decode(vae.decoder, codes)
    assert codes.shape == (64, 4) and images.shape == (64, 32, 32, 3)
    assert np.isfinite(ah.negative_elbo(vae, x))
    assert viz.mosaic(images[:4], cols=2).shape == (65, 65, 3)
    fig = ah.image_grid(images[:6], cols=3)
    assert fig.axes[0].images[0].get_array().shape == (32, 32, 3)  # drawn in colour
    plt.close("all")


def test_a_judge_fitted_to_the_digits_scores_their_samples(digits, isolated_cache):
    labels = load_digits().target
    judge = ah.training.fit_judge(digits[:1400], labels[:1400], validation=(digits[1400:], labels[1400:]),
                                  epochs=15, quick=False)  # its accuracy, not quick mode's caps
    assert judge.n_classes == 10 and judge.test_accuracy > 0.85
    vae = ah.dense_vae(2, image_shape=(8, 8), hidden=(32,))
    report = measure.generation_report(vae.decoder, judge, codes=ah.encode(vae.encoder, digits),
                                       n=50, grid_n=5, seed=0)
    assert 0.0 <= report.picks["normal"].recognised <= 1.0
    again = ah.training.fit_judge(digits[:1400], labels[:1400],
                                  validation=(digits[1400:], labels[1400:]), epochs=15, quick=False)
    assert again.from_cache  # fitted once, then loaded
    with pytest.raises(ValueError, match="values per image"):
        judge.probabilities(np.zeros((2, 28, 28), "float32"))  # a judge of 8x8 images
