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
from ae_helpers.data import MnistUnavailableError, load_mnist
from ae_helpers.models import (
    VAE,
    dense_autoencoder,
    dense_decoder,
    dense_encoder,
    dense_vae,
    dense_vae_encoder,
)
from ae_helpers.training import ArrayBatches, ShortLog, load_or_train, train
from ae_helpers.viz import latent_explorer

from .conftest import write_fake_mnist

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


def _ae():
    return dense_autoencoder(2, hidden=(8,))


# train() takes images of any shape, so it checks values and the model's input size, not a layout;
# the same words come back for arrays, for a batch source (its first batch) and for targets.
TRAIN_HELPERS = {
    "train (images)": lambda x: train(_ae(), x, epochs=1, log_every=0),
    "train (batch source)": lambda x: train(_ae(), ArrayBatches(x, batch_size=2), epochs=1,
                                            log_every=0),
    "train (targets)": lambda x: train(_ae(), GOOD, x, epochs=1, log_every=0),
    "train (validation)": lambda x: train(_ae(), GOOD, epochs=1, log_every=0, validation=x),
}


# Helpers of flat values (PCA, the grey share) read a (28, 28) array as 28 rows of 28 values: data,
# not a mistake. Every helper that needs an image's height and width refuses it.
FLAT_VALUES = {"models.fit_pca", "measure.grey_share"}
CASES = [
    (f"{helper} <- {what}", call, value, error, words)
    for helper, call in {**IMAGE_HELPERS, **TRAIN_HELPERS}.items()
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
    # issue #16: encoders that are not encoders, requests larger than the machine, numbers
    ("encode with a whole autoencoder",
     lambda d16, d2: latent.encode(dense_autoencoder(2, hidden=(8,)), GOOD), TypeError, "encoder_of"),
    ("encode with a whole VAE",
     lambda d16, d2: latent.encode(dense_vae(2, hidden=(8,)), GOOD), TypeError, "vae.encoder"),
    ("latent grid of 100,000 points per side",
     lambda d16, d2: latent.latent_grid(d2, n=100_000), ValueError, "TB of memory"),
    ("10**12 prior samples", lambda d16, d2: latent.sample_normal(10**12, 2), ValueError, "of memory"),
    ("10**11 generated images",
     lambda d16, d2: latent.generate(dense_vae(2, hidden=(8,)), 10**11), ValueError, "of memory"),
    ("train with a batch source and y",
     lambda d16, d2: train(_ae(), ArrayBatches(GOOD), GOOD, epochs=1), ValueError, "y must be None"),
    ("train with integer-pixel targets",
     lambda d16, d2: train(_ae(), GOOD, np.zeros((4, 784), np.uint8), epochs=1), TypeError,
     "floating point"),
    ("train with targets of another size",
     lambda d16, d2: train(_ae(), GOOD, np.zeros((4, 100), "float32"), epochs=1), ValueError,
     "the model outputs (784,)"),
    ("train with NaN labels",
     lambda d16, d2: train(_ae(), GOOD, np.full(4, np.nan), epochs=1), ValueError, "NaN"),
    ("VAE with a float seed", lambda d16, d2: dense_vae(2, hidden=(8,), seed=1.5), TypeError, "seed"),
    ("VAE with a negative learning rate",
     lambda d16, d2: dense_vae(2, hidden=(8,), learning_rate=-1), ValueError,
     "learning_rate must be a finite number > 0"),
    ("CVAE with a zero learning rate",
     lambda d16, d2: models.dense_cvae(2, hidden=(8,), learning_rate=0), ValueError,
     "learning_rate must be a finite number > 0"),
    ("conv encoder with a dense width of 0",
     lambda d16, d2: models.conv_vae_encoder(2, dense=0), ValueError, "dense must be an int >= 1"),
    ("image grid of 0 columns", lambda d16, d2: viz.image_grid(GOOD, cols=0), ValueError, "cols"),
    ("mosaic with negative padding", lambda d16, d2: viz.mosaic(GOOD, pad=-1), ValueError, "pad"),
    ("edge error share at a NaN threshold",
     lambda d16, d2: measure.edge_error_share(GOOD, GOOD, threshold=float("nan")), ValueError,
     "threshold"),
    ("pixel model with a threshold outside [0, 1]",
     lambda d16, d2: models.fit_pixel_model(GOOD, np.arange(4), threshold=-1.0), ValueError,
     "threshold"),
    ("nearest neighbours in batches of 0",
     lambda d16, d2: measure.nearest_neighbour_rmse(GOOD, GOOD, batch_size=0), ValueError,
     "batch_size"),
    ("PCA with a float seed", lambda d16, d2: models.fit_pca(GOOD, 2, seed=1.5), TypeError, "seed"),
    ("a table with -1 digits",
     lambda d16, d2: measure.format_table([{"a": 1.0}], digits=-1), ValueError, "digits"),
    ("a Gaussian grid with a text quantile",
     lambda d16, d2: latent.latent_grid(d2, n=3, spacing="gaussian", low="a"), TypeError, "low"),
    ("a scatter with points of size 0",
     lambda d16, d2: viz.latent_scatter(np.zeros((4, 2)), np.arange(4), size=0), ValueError, "size"),
    ("a reconstruction figure of size 0",
     lambda d16, d2: viz.reconstruction_figure(GOOD, GOOD, size=0), ValueError, "size"),
    ("image rows of size 0", lambda d16, d2: viz.image_rows({"a": GOOD}, size=0), ValueError, "size"),
    ("a filling animation with limit 0",
     lambda d16, d2: viz.latent_filling_animation(np.zeros((2, 4, 2)), np.arange(4), limit=0),
     ValueError, "limit"),
    ("area shares expected at 200 %",
     lambda d16, d2: viz.area_share_bars({"a": np.full(10, 0.1)}, expected=2.0), ValueError,
     "expected"),
    ("pick mosaics of 0 columns", lambda d16, d2: viz.pick_mosaics({"a": GOOD}, cols=0), ValueError,
     "cols"),
    ("a prior fit of at most 0 points",
     lambda d16, d2: viz.prior_fit(np.zeros((4, 2)), np.arange(4), max_points=0), ValueError,
     "max_points"),
    ("a KL plot with a negative threshold",
     lambda d16, d2: viz.kl_per_dimension_plot({"a": np.ones(2)}, threshold=-1.0), ValueError,
     "threshold"),
    ("a log line every 0 epochs", lambda d16, d2: ShortLog(every=0), ValueError, "every"),
    ("a generation report at threshold 5 (everything a hole)",
     lambda d16, d2: measure.generation_report(d2, None, codes=np.random.rand(8, 2), threshold=5.0),
     ValueError, "threshold"),
    ("a generation report with a float seed",
     lambda d16, d2: measure.generation_report(d2, None, codes=np.random.rand(8, 2), seed=1.5),
     TypeError, "seed"),
    ("a generation report with a negative near_sigma",
     lambda d16, d2: measure.generation_report(d2, None, codes=np.random.rand(8, 2), near_sigma=-1.0),
     ValueError, "near_sigma"),
    ("a cache key holding an object",
     lambda d16, d2: load_or_train("x", {"model": object()}, _ae), TypeError, "settings['model']"),
    ("a cache key holding NaN",
     lambda d16, d2: load_or_train("x", {"beta": float("nan")}, _ae), ValueError, "settings['beta']"),
    # issue #26: each message names the argument, the value and the fix
    ("train a CVAE on arrays without LabelledBatches",
     lambda d16, d2: train(models.dense_cvae(2, hidden=(8,)), GOOD, np.arange(4), epochs=1),
     ValueError, "LabelledBatches(images, labels)"),
    ("generate from a CVAE without labels",
     lambda d16, d2: latent.generate(models.dense_cvae(2, hidden=(8,)), 3), TypeError,
     "conditioned_samples"),
    ("a VAE of None halves", lambda d16, d2: VAE(None, None), TypeError,
     "encoder must be a keras.Model, got NoneType"),
    ("the negative ELBO of an autoencoder",
     lambda d16, d2: measure.negative_elbo(_ae(), GOOD), TypeError, "vae must be a VAE"),
    ("the negative ELBO of a squared-error VAE",
     lambda d16, d2: measure.negative_elbo(dense_vae(2, hidden=(8,), reconstruction="mse"), GOOD),
     ValueError, "not a log-likelihood"),
    ("a VAE compiled with another loss",
     lambda d16, d2: dense_vae(2, hidden=(8,)).compile(optimizer="adam", loss="mse"), ValueError,
     "reconstruction='mse'"),
    ("an IWAE with a squared-error term",
     lambda d16, d2: models.IWAE(models.burda_encoder(2, hidden=(8,)),
                                 models.burda_decoder(2, hidden=(8,)), reconstruction="mse"),
     ValueError, "Bernoulli"),
    ("train on a generator",
     lambda d16, d2: train(_ae(), (g for g in [GOOD]), epochs=1), TypeError, "PyDataset"),
    ("hidden widths as text", lambda d16, d2: dense_autoencoder(2, hidden=("8",)), TypeError,
     "hidden[0] must be an int"),
    ("an image grid of flat colour rows",
     lambda d16, d2: viz.image_grid(np.zeros((2, 3072), "float32")), ValueError,
     "image_shape=(h, w, c)"),
    ("a mosaic of flat colour rows (it takes no image_shape)",
     lambda d16, d2: viz.mosaic(np.zeros((2, 3072), "float32")), ValueError, "reshape(-1, h, w, 3)"),
    ("pixels just above 1",
     lambda d16, d2: viz.mosaic(np.full((2, 784), np.float32(1) + np.float32(1e-7))), ValueError,
     "1.00000012 (just above 1"),
    ("scikit-learn's 0-16 digits",
     lambda d16, d2: viz.mosaic(np.full((2, 64), 16.0, "float32")), ValueError, "divide by 16"),
    ("channels-first colour images to encode",
     lambda d16, d2: latent.encode(models.conv_vae(2, image_shape=(8, 8, 3), filters=(4, 8),
                                                   dense=8).encoder,
                                   np.zeros((2, 3, 8, 8), "float32")), ValueError, "channels first"),
    ("channels-first colour images to reconstruct",
     lambda d16, d2: latent.reconstruct(models.conv_vae(2, image_shape=(8, 8, 3), filters=(4, 8),
                                                        dense=8), np.zeros((2, 3, 8, 8), "float32")),
     ValueError, "np.moveaxis(x, 1, -1)"),
    ("channels-first colour images to train on",
     lambda d16, d2: train(models.conv_vae(2, image_shape=(8, 8, 3), filters=(4, 8), dense=8),
                           np.zeros((4, 3, 8, 8), "float32"), epochs=1, targets=False),
     ValueError, "channels_first=True"),
    ("the cross-entropy of NaN pixels",
     lambda d16, d2: models.bce_reconstruction(np.full((2, 4), np.nan, "float32"),
                                               np.full((2, 4), 0.5, "float32")), ValueError, "NaN"),
    ("the cross-entropy of 0-255 pixels",
     lambda d16, d2: models.bce_reconstruction(np.full((2, 4), 255.0, "float32"),
                                               np.full((2, 4), 0.5, "float32")), ValueError,
     "divide by 255"),
]

# load_mnist on files that are wrong in one way each: (what, arrays to override or a builder, words)
BAD_FILES = [
    ("float labels", {"y_train": np.full(200, 0.9)}, "dtype float64"),
    ("a NaN label", {"y_test": np.r_[np.full(49, 1.0), np.nan]}, "expected integers 0-9"),
    ("bool labels", {"y_train": np.ones(200, bool)}, "dtype bool"),
    ("an empty training split", {"x_train": np.zeros((0, 28, 28), np.uint8),
                                 "y_train": np.zeros(0, np.uint8)}, "split is empty"),
    ("an empty test split", {"x_test": np.zeros((0, 28, 28), np.uint8),
                             "y_test": np.zeros(0, np.uint8)}, "split is empty"),
    ("a .npy array, not an .npz archive", "npy", "not an .npz archive"),
    ("a gzipped .npz (issue #26: was an allow_pickle hint)", "gz", "gzip-compressed; decompress"),
]
LOADER_ARGS = [
    ("a float seed", {"seed": 1.5, "train_size": 100}, TypeError, "seed"),
    ("a training subset of 0", {"train_size": 0}, ValueError, "train_size"),
    ("a test subset larger than the split", {"test_size": 51}, ValueError, "test_size"),
]


@pytest.mark.parametrize(("what", "override", "words"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_load_mnist_refuses_malformed_files(what, override, words, tmp_path):
    if override == "npy":
        path = tmp_path / "mnist.npy"
        np.save(path, np.zeros((3, 28, 28), np.uint8))
    elif override == "gz":
        import gzip
        plain = write_fake_mnist(tmp_path / "plain.npz")
        path = tmp_path / "mnist.npz"
        path.write_bytes(gzip.compress(plain.read_bytes()))
    else:
        path = write_fake_mnist(tmp_path / "mnist.npz", **override)
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(path)
    assert words in str(info.value), f"{what}: message {str(info.value)!r} lacks {words!r}"
    assert "allow_pickle" not in str(info.value)


@pytest.mark.parametrize(("what", "kwargs", "error", "words"), LOADER_ARGS,
                         ids=[c[0] for c in LOADER_ARGS])
def test_load_mnist_refuses_bad_arguments(what, kwargs, error, words, fake_mnist):
    with pytest.raises(error) as info:
        load_mnist(fake_mnist, **kwargs)
    assert words in str(info.value), f"{what}: message {str(info.value)!r} lacks {words!r}"


@pytest.mark.parametrize(("case", "call", "error", "words"), OTHER, ids=[c[0] for c in OTHER])
def test_other_misuse_is_refused(case, call, error, words, decoder16, decoder2):
    with pytest.raises(error) as info:
        call(decoder16, decoder2) if call.__code__.co_argcount == 2 else call()
    assert words in str(info.value), f"{case}: message {str(info.value)!r} lacks {words!r}"
    assert len(str(info.value)) > 15, f"{case}: the message is too short to help: {info.value!r}"


def test_the_matrix_is_large():
    """The closing notes of issues #9 and #16 quote this count."""
    assert len(CASES) + len(OTHER) + len(BAD_FILES) + len(LOADER_ARGS) >= 170
