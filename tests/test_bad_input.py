"""The bad-input matrix: every public helper that takes data refuses misuse with a clear message.

Each row is (helper, what is wrong, expected error, words the message must contain). The rows cover
wrong shapes (32×32 images, flat against image layout), wrong dtypes (uint8 pixels, strings), values
outside [0, 1] (0-255 passed as floats), NaN/inf, empty arrays, latent sizes that do not fit the
operation, and wrong types. Module-specific cases live beside their modules' tests too; this file
is the one list. ``pytest tests/test_bad_input.py -v`` prints it.
"""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers import latent, measure, models, viz
from ae_helpers._checks import as_images
from ae_helpers.models import (
    VAE,
    dense_autoencoder,
    dense_decoder,
    dense_encoder,
    dense_vae,
    dense_vae_encoder,
)
from ae_helpers.training import ArrayBatches, train
from ae_helpers.viz import latent_explorer

GOOD = np.full((4, 784), 0.5, dtype="float32")
BAD_IMAGES = {
    "a batch of 5 axes": (np.zeros((4, 2, 8, 8, 1), "float32"), ValueError, "shape"),
    "0-255 pixels as floats": (np.full((4, 784), 255.0, "float32"), ValueError, "[0, 1]"),
    "uint8 pixels": (np.zeros((4, 784), np.uint8), TypeError, "floating point"),
    "NaN pixels": (np.full((4, 784), np.nan, "float32"), ValueError, "NaN"),
    "inf pixels": (np.full((4, 784), np.inf, "float32"), ValueError, "NaN or infinite"),
    "empty batch": (np.zeros((0, 784), "float32"), ValueError, "empty"),
    "strings": (np.array([["x"] * 784]), TypeError, "numeric"),
    "a single image without batch axis": (np.zeros((28, 28), "float32"), ValueError, "shape"),
}

# Helpers that take a batch of images, each called with the bad batch in the images argument.
IMAGE_HELPERS = {
    "as_images": lambda x: as_images(x),
    "viz.mosaic": lambda x: viz.mosaic(x),
    "viz.image_grid": lambda x: viz.image_grid(x),
    "measure.per_image_error (originals)": lambda x: measure.per_image_error(x, GOOD),
    "measure.per_image_error (reconstructions)": lambda x: measure.per_image_error(GOOD, x),
    "measure.neighbour_correlation": lambda x: measure.neighbour_correlation(x),
    "measure.isolated_ink_share": lambda x: measure.isolated_ink_share(x),
    "models.fit_pca": lambda x: models.fit_pca(x, 2),
    "measure.rms_gradient": lambda x: measure.rms_gradient(x),
    "measure.grey_share": lambda x: measure.grey_share(x),
}

# Helpers of flat values (PCA, the grey share) read a (28, 28) array as 28 rows of 28 values: data,
# not a mistake. Every helper that needs an image's height and width refuses it.
FLAT_VALUES = {"models.fit_pca", "measure.grey_share"}
CASES = [
    (f"{helper} <- {what}", call, value, error, words)
    for helper, call in IMAGE_HELPERS.items()
    for what, (value, error, words) in BAD_IMAGES.items()
    if not (helper in FLAT_VALUES and what == "a single image without batch axis")
]


@pytest.mark.parametrize(("case", "call", "value", "error", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_image_helpers_refuse_bad_images(case, call, value, error, words):
    with pytest.raises(error) as info:
        call(value)
    assert words in str(info.value), f"{case}: message {str(info.value)!r} lacks {words!r}"


@pytest.fixture(scope="module")
def decoder16():
    return dense_decoder(16, hidden=(8,))


@pytest.fixture(scope="module")
def decoder2():
    return dense_decoder(2, hidden=(8,))


OTHER = [
    ("flat vs image layout mismatch in metrics",
     lambda: measure.per_image_error(GOOD, GOOD[:3]), ValueError, ""),
    ("latent grid of a 16-D decoder",
     lambda d16, d2: latent.latent_grid(d16), ValueError, "2"),
    ("latent explorer of a 16-D decoder",
     lambda d16, d2: latent_explorer(d16), ValueError, "2-D"),
    ("decode codes of the wrong size",
     lambda d16, d2: latent.decode(d2, np.zeros((3, 5), "float32")), ValueError, ""),
    ("decode NaN codes",
     lambda d16, d2: latent.decode(d2, np.full((3, 2), np.nan, "float32")), ValueError, ""),
    ("interpolate between points of different sizes",
     lambda d16, d2: latent.interpolate(np.zeros(2), np.zeros(3)), ValueError, ""),
    ("interpolate with one step",
     lambda d16, d2: latent.interpolate(np.zeros(2), np.ones(2), 1), ValueError, ""),
    ("latent size 0", lambda d16, d2: dense_encoder(0), ValueError, "latent_dim"),
    ("latent size as a float", lambda d16, d2: dense_decoder(2.0), TypeError, "latent_dim"),
    ("autoencoder with an unknown loss",
     lambda d16, d2: dense_autoencoder(2, loss="rmse"), ValueError, "loss"),
    ("VAE with a negative beta", lambda d16, d2: dense_vae(2, hidden=(8,), beta=-1.0), ValueError, "beta"),
    ("VAE with an unknown reconstruction term",
     lambda d16, d2: dense_vae(2, hidden=(8,), reconstruction="rmse"), ValueError, "reconstruction"),
    ("VAE whose halves do not fit",
     lambda d16, d2: VAE(dense_vae_encoder(3, hidden=(8,)), d2), ValueError, "3-D"),
    ("KL of mean and log-variance of different shapes",
     lambda d16, d2: models.kl_divergence(np.zeros((2, 2)), np.zeros((2, 3))), ValueError, ""),
    ("reconstruction loss of different shapes",
     lambda d16, d2: models.bce_reconstruction(np.zeros((2, 784)), np.zeros((2, 783))), ValueError, ""),
    ("Monte-Carlo KL with no samples",
     lambda d16, d2: models.kl_divergence_mc(np.zeros((1, 2)), np.zeros((1, 2)), n_samples=0),
     ValueError, ""),
    ("batches of an empty array", lambda d16, d2: ArrayBatches(np.zeros((0, 784))), ValueError, "non-empty"),
    ("batches with too few labels",
     lambda d16, d2: ArrayBatches(GOOD, np.zeros(3)), ValueError, "4 examples but y has 3"),
    ("training for zero epochs",
     lambda d16, d2: train(dense_autoencoder(2, hidden=(8,)), GOOD, epochs=0), ValueError, "epochs"),
    ("pixel model with labels of the wrong length",
     lambda d16, d2: models.fit_pixel_model(GOOD, np.zeros(3, int)), ValueError, ""),
    ("uniform pixels of a negative count", lambda d16, d2: models.uniform_pixels(-1), ValueError, ""),
]


@pytest.mark.parametrize(("case", "call", "error", "words"), OTHER, ids=[c[0] for c in OTHER])
def test_other_misuse_is_refused(case, call, error, words, decoder16, decoder2):
    with pytest.raises(error) as info:
        call(decoder16, decoder2) if call.__code__.co_argcount == 2 else call()
    assert words in str(info.value), f"{case}: message {str(info.value)!r} lacks {words!r}"
    assert len(str(info.value)) > 15, f"{case}: the message is too short to help: {info.value!r}"


def test_the_matrix_is_large():
    """The closing note of issue #9 quotes this count."""
    assert len(CASES) + len(OTHER) >= 90
