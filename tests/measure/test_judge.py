"""The judge: trained once (quick settings here), scores batches, and refuses bad input."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.measure import JudgeReport, normalised_entropy
from ae_helpers.training import load_judge


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    import os

    if not os.environ.get("AE_HELPERS_MNIST"):
        pytest.skip("AE_HELPERS_MNIST is not set; scripts/test.sh sets it")
    return load_judge(quick=True)


@pytest.fixture(scope="module")
def test_digits():
    from ae_helpers import load_mnist

    _, (x, y) = load_mnist(test_size=500, seed=1)
    return x, y


def test_quick_judge_recognises_real_digits(judge, test_digits):
    x, y = test_digits
    assert judge.test_accuracy > 0.9
    report = judge.score(x)
    assert isinstance(report, JudgeReport) and report.n == 500
    assert report.recognised > 0.7 and report.entropy > 0.95
    assert report.histogram.sum() == 500 and report.histogram.shape == (10,)
    assert (judge.predict(x) == y).mean() > 0.9


def test_noise_is_not_recognised(judge):
    noise = np.random.default_rng(0).random((300, 784)).astype("float32")
    assert judge.score(noise).recognised < 0.2


def test_the_judge_is_cached(judge):
    again = load_judge(quick=True)
    assert again.from_cache and again.test_accuracy == judge.test_accuracy


def test_the_cached_accuracy_is_the_accuracy_on_the_whole_test_set(judge):
    from ae_helpers import load_mnist

    _, (x, y) = load_mnist()
    assert len(x) == 10_000
    assert judge.test_accuracy == pytest.approx(float((judge.predict(x) == y).mean()), abs=1e-6)


def test_threshold_changes_the_share(judge, test_digits):
    x, _ = test_digits
    assert judge.score(x, threshold=0.5).recognised >= judge.score(x, threshold=0.99).recognised


@pytest.mark.parametrize("threshold", [0.0, 1.5, -1])
def test_bad_threshold(judge, test_digits, threshold):
    with pytest.raises(ValueError, match="threshold"):
        judge.score(test_digits[0][:5], threshold=threshold)


def test_bad_images(judge):
    with pytest.raises(ValueError, match="shape"):
        judge.score(np.zeros((3, 32, 32), "float32"))
    with pytest.raises(ValueError, match="divide by 255"):
        judge.score(np.full((3, 784), 200.0))


def test_report_row_has_shares_that_sum_to_one(judge, test_digits):
    row = judge.score(test_digits[0]).as_row()
    assert abs(sum(row[f"share_{d}"] for d in range(10)) - 1) < 1e-9


def test_normalised_entropy_bounds():
    assert normalised_entropy(np.ones(10)) == pytest.approx(1.0)
    assert normalised_entropy(np.eye(10)[3]) == 0.0
    assert 0 < normalised_entropy(np.array([9, 1])) < 1
    for bad in (np.zeros(10), np.array([1.0]), np.array([-1, 2]), np.array([np.nan, 1])):
        with pytest.raises(ValueError):
            normalised_entropy(bad)


def test_a_judge_keeps_its_label_names_and_counts_its_own_classes():
    """Issue #26: a judge of classes {3, 7} counts two bins, named 3 and 7."""
    import keras

    from ae_helpers.measure import Judge

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.layers[-1].set_weights([np.array([[9, -9], [-9, 9], [0, 0], [0, 0]], "float32"),
                                  np.zeros(2, "float32")])
    judge = Judge(model, 1.0, False, classes=[3, 7])
    x = np.array([[1, 0, 0, 0], [0, 1, 0, 0]] * 5, "float32")
    assert judge.predict(x).tolist() == [3, 7] * 5
    report = judge.score(x)
    assert report.histogram.tolist() == [5, 5] and report.entropy == 1.0
    assert report.labels.tolist() == [3, 7] and report.as_row()["share_7"] == 0.5
    with pytest.raises(ValueError, match="classes must be 2 distinct labels"):
        Judge(model, 1.0, False, classes=[3, 3])
