"""Batch sources: every example once per epoch, targets and labels, dynamic binarisation."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.training import ArrayBatches, BinarisedBatches, LabelledBatches, is_batch_source


def test_batches_cover_every_example_once_per_epoch():
    x = np.arange(10, dtype="float32").reshape(10, 1) * np.ones((1, 3), "float32")
    batches = ArrayBatches(x, batch_size=4, seed=1)
    assert len(batches) == 3
    seen = np.concatenate([batches[i][0][:, 0] for i in range(len(batches))])
    assert sorted(seen.tolist()) == list(range(10))
    first = [batches[i][0][:, 0].tolist() for i in range(3)]
    batches.on_epoch_end()
    assert [batches[i][0][:, 0].tolist() for i in range(3)] != first  # reshuffled


def test_targets_default_to_the_inputs_and_can_be_left_out():
    x = np.ones((4, 2), "float32")
    xb, yb = ArrayBatches(x, batch_size=4)[0]
    assert np.array_equal(xb, yb)
    only = ArrayBatches(x, batch_size=4, targets=False)[0]
    assert isinstance(only, np.ndarray) and only.shape == (4, 2)


def test_labels_travel_with_their_images():
    x = np.arange(8, dtype="float32").reshape(8, 1)
    y = np.arange(8) * 10
    batches = ArrayBatches(x, y, batch_size=3, seed=2)
    for i in range(len(batches)):
        xb, yb = batches[i]
        assert np.array_equal(xb[:, 0] * 10, yb)


def test_unshuffled_batches_keep_the_order():
    x = np.arange(5, dtype="float32").reshape(5, 1)
    batches = ArrayBatches(x, batch_size=2, shuffle=False)
    assert batches[2][0].ravel().tolist() == [4.0]


@pytest.mark.parametrize("kwargs,match", [
    ({"x": np.zeros((0, 3))}, "non-empty"),
    ({"x": [[1.0]]}, "NumPy array"),
    ({"x": np.zeros((3, 2)), "y": np.zeros(2)}, "3 examples but y has 2"),
    ({"x": np.zeros((3, 2)), "batch_size": 0}, "batch_size"),
    ({"x": np.zeros((3, 2)), "workers": 0}, "workers"),
])
def test_bad_batches(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ArrayBatches(**kwargs)


def test_binarised_batches_are_redrawn_every_epoch_and_repeatable():
    grey = np.random.default_rng(0).random((64, 30)).astype("float32")
    batches = BinarisedBatches(grey, batch_size=16, seed=1, shuffle=False)
    first = batches[0]
    assert set(np.unique(first)) <= {0.0, 1.0} and first.shape == (16, 30)
    np.testing.assert_array_equal(first, batches[0])        # same epoch, same draw
    batches.on_epoch_end()
    assert not np.array_equal(first, batches[0])             # fresh draws next epoch
    again = BinarisedBatches(grey, batch_size=16, seed=1, shuffle=False)
    np.testing.assert_array_equal(first, again[0])           # the seed fixes the draws
    many = np.stack([BinarisedBatches(grey, batch_size=64, seed=s, shuffle=False)[0] for s in range(400)])
    assert np.abs(many.mean(axis=0) - grey).max() < 0.1      # Bernoulli(grey) per pixel
    with pytest.raises(ValueError, match="y must be None"):
        BinarisedBatches(grey, grey)


def test_labelled_batches_feed_images_and_labels_as_one_input():
    batches = LabelledBatches(np.arange(10, dtype="float32").reshape(10, 1), np.arange(10), batch_size=4,
                              shuffle=False)
    (images, labels), = batches[1]
    assert images.ravel().tolist() == [4.0, 5.0, 6.0, 7.0] and labels.tolist() == [4, 5, 6, 7]
    with pytest.raises(ValueError, match="labels must lie in 0-9"):
        LabelledBatches(np.zeros((2, 1), "float32"), np.array([0, 10]))


def test_what_counts_as_a_batch_source():
    assert is_batch_source(ArrayBatches(np.zeros((4, 2), "float32")))
    assert is_batch_source(BinarisedBatches(np.zeros((4, 2), "float32")))
    assert not is_batch_source(np.zeros((4, 2))) and not is_batch_source([[0.0]])
