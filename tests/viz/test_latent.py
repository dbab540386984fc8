"""latent_plots: every figure the chapters show is drawn here from small arrays, and bad input fails."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ae_helpers.latent import Box, LatentGrid, grid_points
from ae_helpers.measure import GenerationReport, JudgeReport, NeighbourhoodProfile
from ae_helpers.viz import (
    DIGIT_COLOURS,
    area_share_bars,
    decoded_grid,
    generation_bars,
    image_strip,
    latent_scatter,
    neighbourhood_curves,
    neighbourhood_rows,
    pick_mosaics,
)


def _grid(n=4, spacing="box"):
    kwargs = {"box": Box([-2.0, 0.0], [2.0, 8.0])} if spacing == "box" else {"spacing": "gaussian"}
    z1, z2, codes = grid_points(n=n, **kwargs)
    images = np.random.default_rng(0).random((n * n, 28, 28)).astype("float32")
    return LatentGrid(z1, z2, codes, images, spacing)


def _profile(rates):
    r = np.array([0.5, 1.0, 2.0])
    return NeighbourhoodProfile(r, np.zeros((1, 2)), np.array([6]), np.array([rates]),
                                np.array([[0.05, 0.1, 0.2]]), np.ones((1, 3)))


def test_scatter_colours_each_digit_and_has_a_legend():
    z = np.random.default_rng(0).normal(size=(200, 2))
    fig = latent_scatter(z, np.arange(200) % 10, title="codes")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [str(d) for d in range(10)]
    colours = [tuple(c.get_facecolor()[0][:3]) for c in ax.collections]
    assert colours == [tuple(c) for c in DIGIT_COLOURS]
    assert ax.get_title() == "codes"


def test_scatter_rejects_wrong_shapes():
    with pytest.raises(ValueError, match="2-D codes"):
        latent_scatter(np.zeros((5, 3)), np.zeros(5, int))
    with pytest.raises(ValueError, match="labels"):
        latent_scatter(np.zeros((5, 2)), np.zeros(4, int))
    with pytest.raises(ValueError, match="not in classes"):  # any labels, but those named
        latent_scatter(np.zeros((2, 2)), [0, 10], classes=range(10))
    with pytest.raises(TypeError, match="integer or string class labels"):
        latent_scatter(np.zeros((2, 2)), [0.5, 1.5])


def test_decoded_grid_axes_are_latent_coordinates_and_holes_are_shaded():
    fig = decoded_grid(_grid(), unrecognised=np.arange(16) < 3)
    ax = fig.axes[0]
    left, right, bottom, top = ax.images[0].get_extent()
    assert left < -2.0 < 2.0 < right and bottom < 0.0 < 8.0 < top  # half a cell beyond the box
    assert len(ax.patches) == 3
    with pytest.raises(ValueError, match="16 entries"):
        decoded_grid(_grid(), unrecognised=np.zeros(5, bool))
    with pytest.raises(TypeError, match="LatentGrid"):
        decoded_grid(np.zeros((16, 28, 28)))


def test_decoded_gaussian_grid_labels_ticks_with_quantiles():
    fig = decoded_grid(_grid(5, "gaussian"), title="prior grid")
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "-1.6" and fig.axes[0].get_title() == "prior grid"


def test_image_strip_and_neighbourhood_rows():
    fig = image_strip(np.zeros((6, 28, 28), "float32"), labels=[str(i) for i in range(6)])
    assert len(fig.axes) == 6 and fig.axes[-1].get_title() == "5"
    with pytest.raises(ValueError, match="labels"):
        image_strip(np.zeros((6, 784), "float32"), labels=["a"])
    fig = neighbourhood_rows(np.zeros((3, 5, 28, 28), "float32"), [0.1, 1.0, 10.0])
    assert len(fig.axes) == 15 and fig.axes[10].get_ylabel() == "r = 10"
    with pytest.raises(ValueError, match="radii"):
        neighbourhood_rows(np.zeros((3, 5, 784), "float32"), [0.1])


def test_neighbourhood_curves_one_line_per_anchor_and_relative_radii():
    fig = neighbourhood_curves({"six": _profile([0.0, 0.2, 0.5]), "one": _profile([0.0, 0.0, 0.1])},
                               relative_to={"six": 2.0, "one": 4.0})
    left, right = fig.axes
    assert [l.get_label() for l in left.lines] == ["six", "one"]
    np.testing.assert_allclose(left.lines[0].get_xdata(), [0.25, 0.5, 1.0])
    np.testing.assert_allclose(left.lines[1].get_xdata(), [0.125, 0.25, 0.5])
    np.testing.assert_allclose(left.lines[0].get_ydata(), [0.0, 0.2, 0.5])
    assert "cloud radius" in left.get_xlabel()
    with pytest.raises(ValueError, match="no profiles"):
        neighbourhood_curves({})


def test_area_share_bars_draw_every_series_and_the_ten_percent_line():
    fig = area_share_bars({"area": np.full(10, 0.1), "samples": np.eye(10)[1]})
    ax = fig.axes[0]
    assert len(ax.patches) == 20
    assert ax.lines[0].get_ydata()[0] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="10 non-negative"):  # 9 shares for 10 classes
        area_share_bars({"area": np.ones(9)}, classes=range(10))
    with pytest.raises(ValueError, match="10 non-negative"):
        area_share_bars({"area": np.ones(10), "other": np.ones(9)})


def test_pick_mosaics_and_generation_bars():
    fig = pick_mosaics({"box": np.zeros((20, 784), "float32"), "near": np.ones((20, 784), "float32")},
                       cols=4, captions={"box": "recognised 10 %"})
    assert [ax.get_title() for ax in fig.axes] == ["box", "near"]
    assert fig.axes[0].texts[0].get_text() == "recognised 10 %"
    tiles = fig.axes[1].images[0].get_array()
    assert tiles.shape == (4 * 29 - 1, 4 * 29 - 1)  # 16 of 20 shown
    assert tiles[28, 0] == 0.0 and tiles[0, 0] == 1.0  # white gaps between all-ink images

    def report(name, recognised):
        hist = np.ones(10, int) * 10
        picks = {p: JudgeReport(100, recognised, hist, 1.0, 0.9) for p in ("box", "near")}
        return GenerationReport(name, 2, 100, 0.9, Box([0, 0], [1, 1]), 1.0, picks, 0.1, None, None,
                                3, np.array([0.1]), _profile([0, 0, 0]))

    fig = generation_bars([report("AE", 0.2), report("VAE", 0.9)])
    left = fig.axes[0]
    heights = sorted(round(p.get_height(), 2) for p in left.patches)
    assert heights == [0.2, 0.2, 0.9, 0.9]
    assert [t.get_text() for t in left.get_xticklabels()] == ["box", "near"]
    with pytest.raises(ValueError, match="no reports"):
        generation_bars([])


def test_the_scatter_takes_any_labels():
    """Issue #26: labels 0-9 only before."""
    from ae_helpers.viz import latent_scatter
    z = np.random.default_rng(0).normal(size=(30, 2))
    fig = latent_scatter(z, np.array([3, 7, 12] * 10))
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == ["3", "7", "12"] and fig.axes[0].get_legend().get_title().get_text() == "class"
    fig = latent_scatter(z, np.array(["b", "a"] * 15), classes=["b", "a"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["b", "a"]
    with pytest.raises(ValueError, match=r"labels hold \['c'\], not in classes"):
        latent_scatter(z[:3], ["a", "b", "c"], classes=["a", "b"])
    plt.close("all")


def test_area_share_bars_take_any_number_of_classes():
    from ae_helpers.viz import area_share_bars
    fig = area_share_bars({"area": [0.5, 0.5]}, classes=[3, 7])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["3", "7"]
    assert ax.lines[0].get_ydata()[0] == 0.5  # the balanced share of two classes
    plt.close("all")
