"""Figures of what a generative model does: codes against the prior, several models compared."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ae_helpers.latent import Box
from ae_helpers.measure import GenerationReport, JudgeReport, NeighbourhoodProfile
from ae_helpers.viz import generation_comparison, prior_fit


def test_prior_fit_draws_the_circles_and_the_density():
    z = np.random.default_rng(0).standard_normal((500, 2))
    fig = prior_fit(z, np.arange(500) % 10)
    scatter_ax, hist_ax = fig.axes[:2]
    assert len(scatter_ax.lines) == 3  # the three prior circles
    labels = [t.get_text() for t in hist_ax.get_legend().get_texts()]
    assert "N(0, 1)" in labels
    density = hist_ax.lines[0].get_ydata()
    assert density.max() == pytest.approx(1 / np.sqrt(2 * np.pi), rel=1e-3)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        prior_fit(np.zeros((5, 3)), np.zeros(5, int))
    with pytest.raises(ValueError, match="labels"):
        prior_fit(np.zeros((5, 2)), np.zeros(4, int))


def fake_report(name: str, recognised: float, hole_share: float) -> GenerationReport:
    hist = np.full(10, 10)
    picks = {p: JudgeReport(100, recognised, hist, 1.0, 0.9) for p in ("box", "normal", "near")}
    profile = NeighbourhoodProfile(np.array([0.1, 1.0]), np.zeros((1, 2)), np.zeros(1, int),
                                   np.array([[0.0, 0.6]]), np.array([[0.1, 0.3]]), np.ones((1, 2)))
    return GenerationReport(
        name=name, latent_dim=2, n=100, threshold=0.9, box=Box(np.zeros(2), np.ones(2)), scale=1.0,
        picks=picks, near_sigma=0.1, hole_share=hole_share, area_share=np.full(10, 0.1), grid_n=10,
        relative_radii=np.array([0.1, 1.0]), neighbourhood=profile,
    )


def test_generation_comparison_shows_every_model_in_every_panel():
    fig = generation_comparison([fake_report("AE", 0.4, 0.5), fake_report("VAE", 0.8, 0.1)])
    a_rec, a_ent, a_hole, a_nb = fig.axes
    heights = [p.get_height() for p in a_rec.patches]
    assert heights == pytest.approx([0.4] * 3 + [0.8] * 3)
    assert [p.get_height() for p in a_hole.patches][::2] == pytest.approx([0.5, 0.1])
    assert [line.get_label() for line in a_nb.lines] == ["AE", "VAE"]
    assert [t.get_text() for t in a_rec.get_legend().get_texts()] == ["AE", "VAE"]
    with pytest.raises(ValueError, match="no reports"):
        generation_comparison([])
