"""Chapter 6 figures (viz/_likelihood.py): drawn from small inputs, labelled, readable, refuse bad input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from ae_helpers.viz import bound_against_k, likelihood_against_quality  # noqa: E402


def test_bound_against_k_draws_one_line_per_model_and_each_published_value():
    fig = bound_against_k([1, 10, 100, 1000], {"VAE": [110, 105, 103, 102.5],
                                                "IWAE": [111, 104, 101, 100.5]},
                          published={"VAE": 86.76, "IWAE (k = 5)": 85.54})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "k" in ax.get_xlabel()
    assert len(ax.lines) == 4  # two curves, two dashed published values
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["ours: VAE", "ours: IWAE", "published: VAE", "published: IWAE (k = 5)"]
    assert list(ax.lines[0].get_ydata()) == [110, 105, 103, 102.5]


@pytest.mark.parametrize("ks, curves, match", [
    ([1, 10], {"VAE": [1.0]}, "one value per k"),
    ([10, 1], {"VAE": [1.0, 2.0]}, "increasing"),
    ([0, 1], {"VAE": [1.0, 2.0]}, "positive"),
    ([1, 10], {}, "non-empty mapping"),
])
def test_bound_against_k_refuses_bad_input(ks, curves, match):
    with pytest.raises(ValueError, match=match):
        bound_against_k(ks, curves)


def test_likelihood_against_quality_labels_close_points_without_overlap():
    # chapter 6's numbers: three models close together, one far away
    nll = {"VAE": 103.0, "IWAE (k = 5)": 101.3, "ch. 5 VAE, 2-D": 155.9, "ch. 5 VAE, 16-D": 112.8}
    fd = {"VAE": 77.7, "IWAE (k = 5)": 71.1, "ch. 5 VAE, 2-D": 168.6, "ch. 5 VAE, 16-D": 82.6}
    fig = likelihood_against_quality(nll, fd, k=500)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == list(nll)
    assert "k = 500" in ax.get_xlabel() and "Fréchet" in ax.get_ylabel()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def test_likelihood_against_quality_refuses_mismatched_models():
    with pytest.raises(ValueError, match="same models"):
        likelihood_against_quality({"A": 1.0}, {"B": 2.0})
    with pytest.raises(ValueError, match="finite"):
        likelihood_against_quality({"A": float("nan")}, {"A": 2.0})
