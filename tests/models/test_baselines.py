"""Pixel model, random pixels and PCA: the right shapes, the right statistics, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.measure import mean_error, neighbour_correlation
from ae_helpers.models import PCABaseline, fit_pca, fit_pixel_model, uniform_pixels


@pytest.fixture
def two_classes():
    """Class 0: left half inked with probability 0.8; class 1: right half with probability 0.3."""
    rng = np.random.default_rng(0)
    x = np.zeros((400, 28, 28), "float32")
    x[:200, :, :14] = rng.random((200, 28, 14)) < 0.8
    x[200:, :, 14:] = rng.random((200, 28, 14)) < 0.3
    return x, np.repeat([0, 1], 200)


def test_bernoulli_fit_recovers_ink_probabilities_and_priors(two_classes):
    x, y = two_classes
    model = fit_pixel_model(x, y)
    means = model.means.reshape(2, 28, 28)
    assert model.priors.tolist() == [0.5, 0.5]
    assert abs(means[0, :, :14].mean() - 0.8) < 0.02 and means[0, :, 14:].max() < 0.01
    assert abs(means[1, :, 14:].mean() - 0.3) < 0.02
    assert means.min() > 0  # Laplace smoothing: no pixel is certain


def test_samples_follow_the_class_and_are_binary(two_classes):
    x, y = two_classes
    images, labels = fit_pixel_model(x, y).sample(300, digit=1, seed=3)
    assert images.shape == (300, 784) and images.dtype == np.float32
    assert set(np.unique(images)) <= {0.0, 1.0}
    assert (labels == 1).all()
    img = images.reshape(-1, 28, 28)
    assert abs(img[:, :, 14:].mean() - 0.3) < 0.02 and img[:, :, :14].mean() < 0.01


def test_samples_draw_classes_from_the_prior_and_are_seeded(two_classes):
    x, y = two_classes
    model = fit_pixel_model(x[:300], y[:300])  # priors 2/3, 1/3
    a, la = model.sample(3000, seed=1)
    b, lb = model.sample(3000, seed=1)
    assert np.array_equal(a, b) and np.array_equal(la, lb)
    assert abs((la == 0).mean() - 2 / 3) < 0.03
    assert not np.array_equal(a, model.sample(3000, seed=2)[0])


def test_pixels_of_samples_are_independent_given_the_class(two_classes):
    x, y = two_classes
    # Real images whose strokes are smeared: neighbours agree.
    smooth = np.clip(x + np.roll(x, 1, axis=2), 0, 1)
    images, labels = fit_pixel_model(smooth, y).sample(1000)
    assert neighbour_correlation(smooth, y) > 0.1
    assert abs(neighbour_correlation(images, labels)) < 0.03


def test_gaussian_model_matches_means_and_stays_in_range():
    rng = np.random.default_rng(1)
    x = np.clip(0.5 + 0.1 * rng.standard_normal((500, 784)), 0, 1).astype("float32")
    model = fit_pixel_model(x, np.zeros(500, int), kind="gaussian")
    images, _ = model.sample(500)
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert abs(images.mean() - 0.5) < 0.01 and abs(images.std() - 0.1) < 0.01


@pytest.mark.parametrize("kwargs,error,match", [
    ({"labels": np.zeros(3, int)}, ValueError, "labels must have shape"),
    ({"labels": np.zeros(4)}, TypeError, "integers"),
    ({"kind": "poisson"}, ValueError, "kind"),
    ({"smoothing": -1.0}, ValueError, "smoothing"),
])
def test_fit_rejects_bad_input(kwargs, error, match):
    args = {"images": np.zeros((4, 784), "float32"), "labels": np.zeros(4, int), **kwargs}
    with pytest.raises(error, match=match):
        fit_pixel_model(**args)


def test_fit_rejects_pixels_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        fit_pixel_model(np.full((4, 784), 255.0), np.zeros(4, int))


def test_sample_rejects_unknown_digit_and_bad_n(two_classes):
    model = fit_pixel_model(*two_classes)
    with pytest.raises(ValueError, match="digit must be one of"):
        model.sample(2, digit=7)
    with pytest.raises(ValueError, match="n must be"):
        model.sample(0)


def test_uniform_pixels_are_uniform_and_seeded():
    x = uniform_pixels(1000, seed=5)
    assert x.shape == (1000, 784) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() < 1.0
    assert abs(x.mean() - 0.5) < 0.01 and abs(x.var() - 1 / 12) < 0.005
    assert np.array_equal(x, uniform_pixels(1000, seed=5))
    with pytest.raises(TypeError):
        uniform_pixels(2.5)


def test_pca_reconstructs_data_of_low_rank_exactly():
    rng = np.random.default_rng(0)
    basis = rng.random((3, 784))
    x = (rng.random((200, 3)) @ basis / 3).astype("float32")  # in [0, 1], rank 3
    pca = fit_pca(x, 3)
    assert isinstance(pca, PCABaseline) and pca.n_components == 3
    assert pca.encode(x).shape == (200, 3)
    assert mean_error(x, pca.reconstruct(x)) < 1e-8
    assert mean_error(x, fit_pca(x, 1).reconstruct(x)) > 1e-4


def test_pca_error_falls_with_more_components_and_clipping_only_helps():
    rng = np.random.default_rng(0)
    x = (rng.random((300, 784)) < 0.2).astype("float32")
    errors = [mean_error(x, fit_pca(x, m).reconstruct(x)) for m in (1, 4, 16)]
    assert errors[0] > errors[1] > errors[2]
    pca = fit_pca(x, 4)
    raw = pca.reconstruct(x, clip=False)
    assert raw.min() < 0 or raw.max() > 1  # the linear decoder leaves [0, 1]
    clipped = pca.reconstruct(x)
    assert ((x - clipped) ** 2).mean() <= ((x - raw) ** 2).mean()


def test_pca_rejects_bad_sizes():
    x = np.zeros((10, 784), "float32")
    with pytest.raises(ValueError, match="n_components must be <= 10"):
        fit_pca(x, 11)
    with pytest.raises(ValueError):
        fit_pca(x, 0)
    pca = fit_pca(np.random.default_rng(0).random((10, 784)).astype("float32"), 2)
    with pytest.raises(ValueError, match=r"codes must have shape \(n, 2\)"):
        pca.decode(np.zeros((3, 5)))
