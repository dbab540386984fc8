"""Reconstruction errors, neighbour correlation, specks, edge errors and nearest neighbours."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.measure import (
    edge_error_share,
    error_table,
    isolated_ink_share,
    mean_error,
    nearest_neighbour_rmse,
    neighbour_correlation,
    per_image_error,
)

RNG = np.random.default_rng(0)


def test_errors_match_hand_computed_values():
    x = RNG.random((3, 784)).astype("float32")
    x_hat = np.clip(x + 0.1 * RNG.standard_normal(x.shape), 0, 1).astype("float32")
    d = x.astype(np.float64) - x_hat
    np.testing.assert_allclose(per_image_error(x, x_hat), (d**2).mean(1), rtol=1e-6)
    np.testing.assert_allclose(per_image_error(x, x_hat, kind="rmse"), np.sqrt((d**2).mean(1)),
                               rtol=1e-6)
    p = np.clip(x_hat.astype(np.float64), 1e-7, 1 - 1e-7)
    bce = -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(1)
    np.testing.assert_allclose(per_image_error(x, x_hat, kind="bce"), bce, rtol=1e-6)
    assert mean_error(x, x_hat) == pytest.approx((d**2).mean(), rel=1e-6)


def test_bce_is_smallest_at_the_original_for_binary_images_and_finite_at_hard_zeros():
    x = (RNG.random((2, 784)) < 0.3).astype("float32")
    assert mean_error(x, x, kind="bce") < 1e-3
    worst = mean_error(x, 1 - x, kind="bce")
    assert np.isfinite(worst) and worst > 784 * 15  # -log(1e-7) ≈ 16 nats per pixel


def test_layouts_give_the_same_error_and_table_has_every_kind():
    x = RNG.random((2, 784)).astype("float32")
    y = RNG.random((2, 784)).astype("float32")
    assert mean_error(x, y) == pytest.approx(mean_error(x.reshape(2, 28, 28), y.reshape(2, 28, 28)))
    table = error_table(x, y)
    assert sorted(table) == ["bce", "mse", "rmse"]
    assert table["rmse"] <= np.sqrt(table["mse"]) + 1e-12  # mean of roots <= root of mean


@pytest.mark.parametrize("a,b,error,match", [
    (np.zeros((2, 784)), np.zeros((3, 784)), ValueError, "same number of images"),
    (np.zeros((2, 784)), np.zeros((2, 28, 28)), ValueError, "shape"),
    (np.zeros((2, 784)), np.full((2, 784), 2.0), ValueError, r"\[0, 1\]"),
    (np.zeros((2, 10)), np.zeros((2, 12)), ValueError, "shape"),
    (np.zeros((2, 784), np.uint8), np.zeros((2, 784)), TypeError, "floating point"),
])
def test_errors_validate_inputs(a, b, error, match):
    with pytest.raises(error, match=match):
        per_image_error(a, b)


def test_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        per_image_error(np.zeros((1, 784)), np.zeros((1, 784)), kind="mae")


def test_neighbour_correlation_separates_strokes_from_independent_pixels():
    noise = (RNG.random((300, 28, 28)) < 0.2).astype("float32")
    strokes = np.zeros((300, 28, 28), "float32")
    for i, col in enumerate(RNG.integers(4, 24, 300)):
        strokes[i, 4:24, col:col + 3] = 1.0  # a vertical bar at a random place
    assert abs(neighbour_correlation(noise)) < 0.02
    assert neighbour_correlation(strokes) > 0.5
    labels = np.repeat(np.arange(3), 100)
    assert neighbour_correlation(strokes, labels) > 0.5
    assert neighbour_correlation(np.zeros((5, 784), "float32")) == 0.0


def test_neighbour_correlation_errors():
    with pytest.raises(ValueError, match="at least two"):
        neighbour_correlation(np.zeros((1, 784), "float32"))
    with pytest.raises(ValueError, match="labels must have shape"):
        neighbour_correlation(np.zeros((4, 784), "float32"), np.zeros(3))


def test_isolated_ink_share():
    bar = np.zeros((1, 28, 28), "float32")
    bar[0, 5:20, 10] = 1.0
    assert isolated_ink_share(bar) == 0.0
    checker = (np.indices((28, 28)).sum(0) % 2).astype("float32")[None]
    assert isolated_ink_share(checker) == 1.0  # every inked pixel has only paper around it
    with pytest.raises(ValueError, match="nothing is inked"):
        isolated_ink_share(np.zeros((2, 784), "float32"))


def test_edge_error_share_finds_errors_on_the_outline():
    x = np.zeros((1, 28, 28), "float32")
    x[0, 8:20, 8:20] = 1.0
    inside = x.copy()
    inside[0, 13:15, 13:15] = 0.0  # a hole in the middle of the square: not on the edge
    pixels, on_edge = edge_error_share(x, inside)
    assert 0 < pixels < 0.2 and on_edge == 0.0
    grown = x.copy()
    grown[0, 7, 8:20] = 1.0  # a row of ink added just outside the square: all on the edge
    assert edge_error_share(x, grown)[1] == 1.0
    assert edge_error_share(x, x)[1] == 0.0


def test_nearest_neighbour_rmse():
    ref = RNG.random((30, 784)).astype("float32")
    moved = np.clip(ref[:4] + 0.05, 0, 1).astype("float32")
    d = nearest_neighbour_rmse(np.concatenate([ref[:2], moved]), ref, batch_size=3)
    assert d.shape == (6,) and (d[:2] == 0).all()
    assert (d[2:] > 0.02).all() and (d[2:] <= 0.05 + 1e-6).all()


def test_errors_in_blocks_equal_the_errors_of_the_whole_batch(monkeypatch):
    """The images are compared a block at a time in float64 (memory): any block size gives the
    same per-image errors, table and edge shares as one block."""
    from ae_helpers.measure import _reconstruction

    rng = np.random.default_rng(5)
    x = (rng.random((7, 28, 28)) < 0.3).astype("float32")
    x_hat = rng.random((7, 28, 28)).astype("float32")
    whole = {"table": error_table(x, x_hat), "edge": edge_error_share(x, x_hat),
             **{k: per_image_error(x, x_hat, kind=k) for k in ("mse", "rmse", "bce")}}
    monkeypatch.setattr(_reconstruction, "BLOCK", 3)
    monkeypatch.setattr(_reconstruction._blocks, "__defaults__", (3,))
    monkeypatch.setattr(_reconstruction._per_image, "__defaults__", (3,))
    for k in ("mse", "rmse", "bce"):
        np.testing.assert_array_equal(per_image_error(x, x_hat, kind=k), whole[k])
    assert error_table(x, x_hat) == whole["table"]
    assert edge_error_share(x, x_hat) == pytest.approx(whole["edge"], rel=1e-12)
    flat, flat_hat = x.reshape(7, -1).astype(np.float64), x_hat.reshape(7, -1).astype(np.float64)
    assert whole["table"]["mse"] == pytest.approx(((flat - flat_hat) ** 2).mean())


def test_errors_make_no_float64_copy_of_the_whole_set():
    """Only a block at a time is converted to float64: NumPy's peak does not grow with the images."""
    import tracemalloc

    x = np.random.default_rng(6).random((8000, 784)).astype("float32")
    x_hat = np.random.default_rng(7).random((8000, 784)).astype("float32")
    peaks = []
    for n in (1000, 8000):
        tracemalloc.start()
        try:
            error_table(x[:n], x_hat[:n])
            edge_error_share(x[:n], x_hat[:n])
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < 2 * peaks[0], [f"{p / 1e6:.1f} MB" for p in peaks]
