"""Figures of rate and distortion: each one is drawn from small inputs, labelled, and refuses bad input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ae_helpers.viz import beta_strip, kl_per_dimension_plot, rate_distortion_curve


def images(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 784)).astype("float32")


def test_rate_distortion_curve_labels_every_point_and_draws_equal_elbo_lines():
    fig = rate_distortion_curve([20.0, 6.0, 2.0], [110.0, 140.0, 170.0], ["β=0.1", "β=1", "β=4"])
    ax = fig.axes[0]
    assert ax.get_ylabel().startswith("distortion")
    assert [t.get_text() for t in ax.texts][:3] == ["β=0.1", "β=1", "β=4"]
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 3  # one line of equal negative ELBO through each point
    with pytest.raises(ValueError, match="labels"):
        rate_distortion_curve([1.0, 2.0], [3.0, 4.0], ["a"])
    with pytest.raises(ValueError, match="finite"):
        rate_distortion_curve([1.0, np.nan], [3.0, 4.0], ["a", "b"])


def test_beta_strip_has_a_real_row_then_two_rows_per_beta():
    x = images(5)
    fig = beta_strip(x, {0.1: x, 1: x, 4: x}, {0.1: x, 1: x, 4: x})
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert labels == ["real", "β=0.1 recon.", "β=0.1 samples", "β=1 recon.", "β=1 samples",
                      "β=4 recon.", "β=4 samples"]
    assert len(fig.axes) == 35
    with pytest.raises(ValueError, match="same"):
        beta_strip(x, {0.1: x}, {1: x})


def test_kl_per_dimension_plot_sorts_each_model_largest_first():
    fig = kl_per_dimension_plot({"2-D": [1.0, 3.0], "16-D": np.r_[np.zeros(12), [4, 3, 2, 1]]})
    assert [ax.get_title() for ax in fig.axes] == ["2-D", "16-D"]
    heights = [p.get_height() for p in fig.axes[1].patches]
    assert heights == sorted(heights, reverse=True) and len(heights) == 16
    with pytest.raises(ValueError):
        kl_per_dimension_plot({})
