"""Figures of what a generative model does: its codes against the prior it samples from, and the
generation measurements of several models side by side.

Introduced in chapter 4 (``book/04_vae.ipynb``). Every function returns the Matplotlib figure it made.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .._checks import check_int
from ..latent import prior_mass_within
from ..measure import area_entropy
from ._latent import latent_scatter


def prior_fit(
    codes: Any,
    labels: Any,
    *,
    title: str = "Test-set codes against the prior N(0, I)",
    max_points: int = 5000,
) -> plt.Figure:
    """Scatter 2-D codes by digit over the circles of N(0, I), and their marginals over the N(0, 1) density.

    Left: the codes (one colour per digit, as in :func:`~ae_helpers.viz.latent_scatter`, the legend
    in one row below) with circles of radius 1, 2 and 3, which hold 39 %, 86 % and 99 % of the
    prior's mass. Right: histograms of ``z1`` and ``z2`` with the standard
    normal density drawn over them.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    codes : array-like
        ``(n, 2)`` latent points (a VAE's means).
    labels : array-like
        ``(n,)`` digits 0-9.
    title : str
        Figure title.
    max_points : int
        Scatter at most this many points (all go into the histograms).

    Examples
    --------
    >>> z = np.random.default_rng(0).standard_normal((300, 2))
    >>> fig = prior_fit(z, np.arange(300) % 10)
    >>> len(fig.axes)
    2
    """
    max_points = check_int(max_points, "max_points")
    z = np.asarray(codes, dtype=np.float64)
    y = np.asarray(labels)
    if z.ndim != 2 or z.shape[1] != 2 or len(z) == 0:
        raise ValueError(f"codes must have shape (n, 2), got {z.shape}")
    if y.shape != (len(z),):
        raise ValueError(f"labels must have shape ({len(z)},), got {y.shape}")
    if not np.isfinite(z).all():
        raise ValueError("codes contain NaN or infinite values")
    fig, (ax, hx) = plt.subplots(1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": [1.15, 1]})
    show = np.random.default_rng(0).permutation(len(z))[:max_points]
    latent_scatter(z[show], y[show], ax=ax, title="codes by digit; circles: share of the prior inside")
    legend = ax.get_legend()  # one row below the scatter, not over its points
    if legend is not None:
        ax.legend(legend.legend_handles, [t.get_text() for t in legend.get_texts()], title="digit",
                  ncol=10, loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8,
                  columnspacing=0.6, handletextpad=0.1)
    theta = np.linspace(0, 2 * np.pi, 200)
    for r in (1, 2, 3):
        ax.plot(r * np.cos(theta), r * np.sin(theta), "k--", lw=0.8)
        ax.annotate(f"{prior_mass_within(r):.0%}", (r * 0.71, -r * 0.71), fontsize=8,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8,
                          "linewidth": 0})
    lim = max(3.5, float(np.quantile(np.abs(z), 0.995)) * 1.1)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    grid = np.linspace(-lim, lim, 200)
    bins = np.linspace(-lim, lim, 50)
    for dim, style in ((0, "tab:blue"), (1, "tab:orange")):
        hx.hist(z[:, dim], bins=bins, density=True, alpha=0.45, color=style, label=f"$z_{dim + 1}$")
    hx.plot(grid, np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi), "k-", lw=1.5, label="N(0, 1)")
    hx.set_xlabel("code coordinate ($z_1$ or $z_2$)")
    hx.set_ylabel("density")
    hx.set_title("marginals against the prior")
    hx.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def generation_comparison(
    reports: Sequence[Any], *, title: str = "The same measurements on each model"
) -> plt.Figure:
    """Every generation number of several models in one figure (four panels, one colour per model).

    Top: the share of decoded images the judge recognises, and the class entropy of its verdicts, for
    each way of picking latent points. Bottom left: the share of the latent grid that decodes to no
    recognisable digit (holes) and how evenly the recognised area is shared among the digits (1 =
    evenly). Bottom right: how often the judged digit changes at growing distance from real codes,
    the distance measured in units of each model's code spread.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    reports : sequence of ae_helpers.measure.GenerationReport
        From :func:`ae_helpers.measure.generation_report`, one per model, same arguments.

    Examples
    --------
    >>> fig = generation_comparison([ae_report, vae_report])  # doctest: +SKIP
    >>> len(fig.axes)  # doctest: +SKIP
    4
    """
    if not reports:
        raise ValueError("no reports to compare")
    picks = list(dict.fromkeys(p for r in reports for p in r.picks))
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    (a_rec, a_ent), (a_hole, a_nb) = axes
    palette = plt.get_cmap("tab10")
    width = 0.8 / len(reports)
    for i, rep in enumerate(reports):
        colour = palette(i % 10)
        offset = (i - (len(reports) - 1) / 2) * width
        x = np.arange(len(picks)) + offset
        for ax, attr in ((a_rec, "recognised"), (a_ent, "entropy")):
            values = [getattr(rep.picks[p], attr) if p in rep.picks else np.nan for p in picks]
            ax.bar(x, values, width, color=colour, edgecolor="black", linewidth=0.4, label=rep.name)
        area = area_entropy(rep)
        holes = [np.nan if rep.hole_share is None else rep.hole_share, np.nan if area is None else area]
        a_hole.bar(np.arange(2) + offset, holes, width, color=colour, edgecolor="black",
                   linewidth=0.4, label=rep.name)
        profile = rep.neighbourhood
        a_nb.plot(rep.relative_radii, profile.mean_label_change, "o-", color=colour, label=rep.name)
    for ax, label in ((a_rec, "recognised (share)"), (a_ent, "class entropy (1 = all digits equally)")):
        ax.set_xticks(range(len(picks)), picks)
        ax.set_xlabel("how the latent points were picked")
        ax.set_ylabel(label)
        ax.set_ylim(0, 1.05)
    a_hole.set_xticks(range(2), ["holes (share of the grid)", "area entropy"])
    a_hole.set_ylim(0, 1.05)
    a_hole.set_ylabel("share / entropy")
    a_hole.set_title("2-D latent grid over the codes' box")
    a_nb.set_xscale("log")
    radii = sorted({float(r) for rep in reports for r in rep.relative_radii})
    a_nb.set_xticks(radii, [f"{r:g}" for r in radii])
    a_nb.minorticks_off()
    a_nb.set_ylim(-0.02, 1.02)
    a_nb.set_xlabel("distance from a real code / code spread")
    a_nb.set_ylabel("judged digit changed (share)")
    a_nb.set_title("neighbourhoods")
    a_nb.grid(alpha=0.3)
    a_rec.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
