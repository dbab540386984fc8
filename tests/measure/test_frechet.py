"""The Fréchet distance on the judge's features: ≈ 0 between two halves of the test set, large for noise."""

from __future__ import annotations

import os

import numpy as np
import pytest

from ae_helpers.measure import frechet_distance, judge_features, judge_frechet

from ..floats import assert_close_float32


@pytest.fixture(scope="module")
def judge():
    if not os.environ.get("AE_HELPERS_MNIST"):
        pytest.skip("AE_HELPERS_MNIST is not set; scripts/test.sh sets it")
    from ae_helpers import load_judge

    return load_judge(quick=True)


@pytest.fixture(scope="module")
def test_images():
    from ae_helpers import load_mnist

    _, (x, _) = load_mnist()
    return x


def test_two_halves_of_the_test_set_are_close_and_noise_is_far(judge, test_images):
    # Random halves: MNIST's test set lists 5,000 digits of one writer population, then 5,000 of
    # another, and the distance sees that difference (about 10 times the random halves' value).
    order = np.random.default_rng(0).permutation(len(test_images))
    first, second = test_images[order[:5000]], test_images[order[5000:]]
    halves = judge_frechet(judge, first, second)
    noise = np.random.default_rng(0).random((5000, 784)).astype("float32")
    to_noise = judge_frechet(judge, noise, second)
    blurred = 0.5 * first + 0.5 * first.mean(axis=0)  # fainter, averaged digits: in between
    to_blurred = judge_frechet(judge, blurred, second)
    assert halves < 0.01 * to_noise, (halves, to_noise)
    assert halves < to_blurred < to_noise, (halves, to_blurred, to_noise)


def test_features_are_the_judges_hidden_layer(judge, test_images):
    features = judge_features(judge, test_images[:7], batch_size=3)
    assert features.shape == (7, 128) and (features >= 0).all()  # ReLU units
    # Batches of 3 against one batch: other summation orders (conv 5·5, 5·5·16, dense 4·4·32 terms).
    assert_close_float32(features, judge_features(judge.model, test_images[:7]), terms=940)


def test_known_gaussians():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((50_000, 3))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)
    assert frechet_distance(a, a + [1.0, 2.0, 0.0]) == pytest.approx(5.0, abs=1e-6)
    # Same mean, covariances I and 9 I: 3 (1 + 9 - 2 * 3) = 12.
    assert frechet_distance(a, 3 * rng.standard_normal((50_000, 3))) == pytest.approx(12.0, rel=0.03)
    assert frechet_distance(a, 2 * a) == pytest.approx(frechet_distance(2 * a, a))


def test_bad_input_is_named(judge):
    with pytest.raises(ValueError, match="same number of features, got 3 and 2"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="at least 2 feature vectors"):
        frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="NaN"):
        frechet_distance(np.full((5, 3), np.nan), np.zeros((5, 3)))
    with pytest.raises(TypeError, match="judge must be a Judge or a keras.Model"):
        judge_features("judge", np.zeros((2, 784)))
    with pytest.raises(ValueError, match="784 values per image"):
        judge_features(judge, np.zeros((2, 10)))
