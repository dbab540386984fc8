"""Figures: the right number of panels, the right data in them, clear errors for bad input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ae_helpers.viz import (
    class_histograms,
    conditional_grid,
    error_vs_latent,
    image_grid,
    image_rows,
    loss_curves,
    mosaic,
    reconstruction_figure,
)

RNG = np.random.default_rng(0)


def images(n: int) -> np.ndarray:
    return RNG.random((n, 784)).astype("float32")


# --- mosaic, image_grid, loss_curves (the lead's helpers) -------------------------------------

def test_mosaic_places_each_image_in_its_cell():
    x = np.zeros((3, 28, 28), "float32")
    x[1] = 1.0
    m = mosaic(x, cols=2, pad=1)
    assert m.shape == (57, 57)
    assert m[:28, 29:].min() == 1.0 and m[:28, :28].max() == 0.0
    # Gaps and the empty fourth cell are paper (0), which gray_r shows white: no dark grid lines.
    assert (m[29:, 29:] == 0.0).all() and (m[28, :] == 0.0).all() and (m[:, 28] == 0.0).all()
    with pytest.raises(ValueError, match="cols"):
        mosaic(x, cols=0)


def test_image_grid_shows_images_and_labels():
    fig = image_grid(images(7), cols=4, title="t", labels=[str(i) for i in range(7)])
    assert len(fig.axes) == 8
    assert [ax.get_title() for ax in fig.axes[:7]] == [str(i) for i in range(7)]
    assert len(fig.axes[7].images) == 0  # the spare cell is empty
    assert fig._suptitle.get_text() == "t"
    with pytest.raises(ValueError, match="2 labels for 7"):
        image_grid(images(7), labels=["a", "b"])


def test_loss_curves_pairs_train_and_validation():
    fig = loss_curves({"loss": [3, 2, 1], "val_loss": [4, 3, 2]})
    lines = fig.axes[0].get_lines()
    assert [l.get_label() for l in lines] == ["loss", "val_loss"]
    assert lines[1].get_linestyle() == "--"
    assert list(lines[0].get_xdata()) == [1, 2, 3]
    with pytest.raises(ValueError, match="empty"):
        loss_curves({})


# --- reconstruction_figure ----------------------------------------------------------------------

def test_reconstruction_figure_rows_and_diverging_difference():
    x = images(5)
    x_hat = np.clip(x + 0.2, 0, 1)
    fig = reconstruction_figure(x, x_hat, labels=list("abcde"), title="T")
    assert len(fig.axes) == 16  # 3 rows of 5 images and the colour bar
    assert sum(1 for ax in fig.axes if ax.images) == 15
    diff_img = fig.axes[10].images[0]
    np.testing.assert_allclose(diff_img.get_array(), (x_hat[0] - x[0]).reshape(28, 28), atol=1e-6)
    assert diff_img.get_clim() == (-1, 1)  # centred at 0
    assert diff_img.get_cmap().name == "RdBu_r"
    assert fig.axes[0].get_ylabel() == "original" and fig.axes[10].get_ylabel() == "difference"
    assert fig.axes[10].get_title() == "a"


def test_reconstruction_figure_rejects_mismatches():
    with pytest.raises(ValueError, match="3 originals but 2"):
        reconstruction_figure(images(3), images(2))
    with pytest.raises(ValueError, match="1 labels for 3"):
        reconstruction_figure(images(3), images(3), labels=["x"])


# --- image_rows -----------------------------------------------------------------------------------

def test_image_rows_labels_each_row():
    fig = image_rows({"original": images(4), "M = 2": images(4), "M = 8": images(4)}, title="t")
    assert len(fig.axes) == 12
    assert [fig.axes[i].get_ylabel() for i in (0, 4, 8)] == ["original", "M = 2", "M = 8"]


def test_image_rows_allows_ragged_rows_and_rejects_empty():
    fig = image_rows({"a": images(3), "b": images(4)})  # one image_rows for the whole book
    assert sum(len(ax.images) > 0 for ax in fig.axes) == 7
    with pytest.raises(ValueError, match="empty"):
        image_rows({})


# --- error_vs_latent ------------------------------------------------------------------------------

def test_error_vs_latent_plots_each_method_against_m():
    fig = error_vs_latent([2, 4, 8], {"PCA": [0.05, 0.04, 0.03], "AE": [0.04, 0.03, 0.035]})
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [l.get_label() for l in lines] == ["PCA", "AE"]
    assert list(lines[1].get_xdata()) == [2, 4, 8]
    assert list(lines[1].get_ydata()) == [0.04, 0.03, 0.035]
    assert ax.get_xscale() == "log"
    assert "M" in ax.get_xlabel()


@pytest.mark.parametrize("dims,errors,match", [
    ([2, 4], {"PCA": [1.0]}, "1 values for 2"),
    ([4, 2], {"PCA": [1.0, 2.0]}, "increasing"),
    ([2, 4], {}, "empty"),
])
def test_error_vs_latent_rejects_bad_input(dims, errors, match):
    with pytest.raises(ValueError, match=match):
        error_vs_latent(dims, errors)


# --- class_histograms -----------------------------------------------------------------------------

def test_class_histograms_normalises_counts_and_annotates():
    fig = class_histograms({"real": np.arange(10) + 1, "noise": np.eye(10)[8] * 7},
                           annotations={"noise": "entropy 0.00"})
    assert len(fig.axes) == 2
    heights = [p.get_height() for p in fig.axes[1].patches]
    assert heights[8] == 1.0 and sum(heights) == pytest.approx(1.0)
    assert fig.axes[0].patches[9].get_height() == pytest.approx(10 / 55)
    assert fig.axes[1].get_title() == "noise\nentropy 0.00"


@pytest.mark.parametrize("hist,match", [({}, "empty"), ({"a": np.ones(10), "b": np.ones(9)}, "10 non-negative"),
                                        ({"a": np.zeros(10)}, "not all zero")])
def test_class_histograms_rejects_bad_input(hist, match):
    with pytest.raises(ValueError, match=match):
        class_histograms(hist)


def test_image_rows_labels_each_row_and_allows_uneven_rows():
    fig = image_rows({"originals": np.zeros((4, 784), "float32"),
                      "reconstructed": np.ones((3, 28, 28), "float32")},
                     captions={"originals": list("abcd")}, title="t")
    axes = np.array(fig.axes).reshape(2, 4)
    assert axes[0, 0].get_ylabel() == "originals" and axes[1, 0].get_ylabel() == "reconstructed"
    assert axes[0, 2].get_title() == "c"
    assert len(axes[0, 0].images) == 1 and len(axes[1, 3].images) == 0  # the short row ends early
    with pytest.raises(ValueError, match="rows is empty"):
        image_rows({})
    with pytest.raises(ValueError, match="captions"):
        image_rows({"a": np.zeros((2, 784), "float32")}, captions={"a": ["x"]})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        image_rows({"a": np.full((2, 784), 2.0, "float32")})


def test_conditional_grid_rows_say_how_many_samples_obey():
    labels = np.repeat(np.arange(10), 4)
    judged = labels.copy()
    judged[:2] = 5  # two of the four zeros are read as fives
    fig = conditional_grid(images(40), labels, judged=judged)
    row_labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert len(row_labels) == 10 and len(fig.axes) == 40
    assert row_labels[0] == "digit 0\n2/4 read as 0"
    assert row_labels[9] == "digit 9\n4/4 read as 9"
    assert conditional_grid(images(4), [3, 3, 8, 8]).axes[2].get_ylabel() == "digit 8"
    with pytest.raises(ValueError, match="consecutive"):
        conditional_grid(images(4), [3, 8, 3, 8])
    with pytest.raises(ValueError, match="same number"):
        conditional_grid(images(3), [3, 3, 8])
    with pytest.raises(ValueError, match="labels"):
        conditional_grid(images(3), [3, 3])


def test_class_histograms_take_any_number_of_classes():
    """Issue #26: ten bins only before."""
    from ae_helpers.viz import class_histograms
    fig = class_histograms({"samples": [4, 6], "data": [5, 5]}, classes=[3, 7])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["3", "7"]
    assert fig.axes[0].lines[0].get_ydata()[0] == 0.5
    with pytest.raises(ValueError, match="need 2 non-negative counts"):
        class_histograms({"a": [1, 1], "b": [1, 1, 1]})
    plt.close("all")


def test_image_grid_takes_the_image_shape_its_error_suggests():
    """Issue #26: the error for flat colour rows suggested an image_shape= it did not take."""
    from ae_helpers.viz import image_grid
    rows = np.random.default_rng(0).random((2, 48)).astype("float32")
    fig = image_grid(rows, image_shape=(4, 4, 3))
    assert fig.axes[0].images[0].get_array().shape == (4, 4, 3)
    with pytest.raises(ValueError, match=r"image_shape=\(h, w, c\)"):
        image_grid(rows)
    plt.close("all")


def test_the_difference_of_colour_images_is_one_signed_value_per_pixel():
    """Issue #26: the signed difference of colour images was drawn as RGB, clipped to [0, 1]."""
    x = np.full((2, 4, 4, 3), 0.9, "float32")
    x_hat = np.full((2, 4, 4, 3), 0.1, "float32")
    fig = reconstruction_figure(x, x_hat)
    drawn = np.asarray(fig.axes[4].images[0].get_array())  # bottom row, first image
    assert drawn.shape == (4, 4)
    np.testing.assert_allclose(drawn, -0.8, atol=1e-6)  # lost ink: negative, not clipped to 0
    plt.close("all")
