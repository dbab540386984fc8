"""Figures of rate and distortion: the rate–distortion curve, β strips, KL per latent dimension.

Introduced in chapter 5 (``book/05_beyond.ipynb``). Every function returns the Matplotlib figure it
made, so that tests can check it and the chapter can ``plt.show()`` it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .._checks import as_images, check_number, check_numbers
from ._images import image_rows


def rate_distortion_curve(
    rates: Sequence[float],
    distortions: Sequence[float],
    labels: Sequence[str],
    *,
    title: str = "Rate against distortion",
) -> plt.Figure:
    """Plot distortion (reconstruction, nats) against rate (KL, nats), one labelled point per model.

    Dashed grey lines join points of equal negative ELBO (rate + distortion): moving along one
    trades reconstruction for KL at no cost to the bound; moving towards the origin improves it.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    rates, distortions : sequence of float
        Held-out KL and reconstruction term of each model, in nats per image.
    labels : sequence of str
        One label per point (for example ``"β = 0.5"``).
    title : str
        Figure title.

    Raises
    ------
    ValueError
        If the three sequences differ in length or hold non-finite numbers.

    Examples
    --------
    >>> fig = rate_distortion_curve([20, 6, 2], [110, 140, 170], ["a", "b", "c"])
    >>> fig.axes[0].get_xlabel()
    'rate: KL term (nats per image)'
    """
    r = check_numbers(rates, "rates")
    d = check_numbers(distortions, "distortions")
    if not len(r) == len(d) == len(labels):
        raise ValueError(f"got {len(r)} rates, {len(d)} distortions and {len(labels)} labels")
    fig, ax = plt.subplots(figsize=(6, 4.2))
    order = np.argsort(r)
    ax.plot(r[order], d[order], "-", color="0.6", zorder=1)
    ax.scatter(r, d, c=np.arange(len(r)), cmap="viridis", s=60, zorder=2, edgecolors="black")
    # Labels alternate above and below along the curve, so that close neighbours do not overlap.
    rank = np.empty(len(r), dtype=int)
    rank[order] = np.arange(len(r))
    for x, y, text, k in zip(r, d, labels, rank):
        ax.annotate(str(text), (x, y), textcoords="offset points", fontsize=9,
                    xytext=(7, 6) if k % 2 else (7, -13))
    # Lines of constant negative ELBO, through each point.
    lo, hi = 0.0, float(r.max()) * 1.15 + 1.0
    for total in sorted(set(np.round(r + d, 6))):
        xs = np.array([lo, hi])
        ax.plot(xs, total - xs, "--", color="0.8", linewidth=0.8, zorder=0)
    pad = 0.1 * (float(d.max() - d.min()) or 10.0)
    ax.set_xlim(lo, hi)
    ax.set_ylim(float(d.min()) - pad, float(d.max()) + pad)
    ax.set_xlabel("rate: KL term (nats per image)")
    ax.set_ylabel("distortion: reconstruction term (nats per image)")
    ax.set_title(title)
    ax.text(0.98, 0.97, "dashed: equal negative ELBO", transform=ax.transAxes, ha="right",
            va="top", fontsize=8, color="0.4")
    fig.tight_layout()
    return fig


def beta_strip(
    originals: Any,
    reconstructions: Mapping[Any, Any],
    samples: Mapping[Any, Any],
    *,
    size: float = 0.7,
    title: str | None = "Reconstructions and samples at each β",
) -> plt.Figure:
    """Real digits on top, then for each β a row of their reconstructions and a row of samples.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    originals : array-like
        ``k`` real images.
    reconstructions : mapping of β to images
        For each β, the ``k`` originals reconstructed by that model.
    samples : mapping of β to images
        For each β, ``k`` images decoded from prior samples (same keys as ``reconstructions``).
    title : str, optional
        Figure title.
    size : float
        Inches per image.

    Examples
    --------
    >>> x = np.random.rand(6, 784).astype("float32")
    >>> fig = beta_strip(x, {0.5: x, 4: x}, {0.5: x, 4: x})
    >>> len(fig.axes), fig.axes[6].get_ylabel()
    (30, 'β=0.5 recon.')
    """
    if not reconstructions or set(reconstructions) != set(samples):
        raise ValueError("reconstructions and samples need the same, non-empty set of β keys")
    rows: dict[str, Any] = {"real": as_images(originals, name="originals")}
    for beta in reconstructions:
        rows[f"β={beta:g} recon."] = reconstructions[beta]
        rows[f"β={beta:g} samples"] = samples[beta]
    return image_rows(rows, title=title, size=size)


def kl_per_dimension_plot(
    kl: Mapping[str, Any], *, threshold: float | None = 0.05,
    title: str = "KL per latent dimension (sorted)",
) -> plt.Figure:
    """Bars of each model's per-dimension KL (largest first), one panel per model.

    Parameters
    ----------
    kl : mapping of str to array-like
        Model name → per-dimension KL in nats (see :func:`ae_helpers.measure.kl_per_dimension`).
    threshold : float, optional
        Draw a dashed line here: dimensions below it count as unused.
    title : str
        Figure title.

    Notes
    -----
    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> fig = kl_per_dimension_plot({"2-D": [3.0, 2.5], "16-D": np.linspace(4, 0, 16)})
    >>> len(fig.axes), fig.axes[1].get_title()
    (2, '16-D')
    """
    if threshold is not None:
        threshold = check_number(threshold, "threshold", minimum=0.0)
    if not kl:
        raise ValueError("kl is empty: nothing to plot")
    values = {name: np.sort(check_numbers(v, f"kl[{name!r}]"))[::-1] for name, v in kl.items()}
    widths = [max(len(v), 2) for v in values.values()]
    fig, axes = plt.subplots(1, len(values), figsize=(2.0 + 0.35 * sum(widths), 3.2), sharey=True,
                             gridspec_kw={"width_ratios": widths}, squeeze=False)
    for ax, (name, v) in zip(axes[0], values.items()):
        ax.bar(np.arange(1, len(v) + 1), v, color=plt.get_cmap("viridis")(0.35))
        if threshold is not None:
            ax.axhline(threshold, color="0.3", linestyle="--", linewidth=0.8)
        ax.set_xticks(np.arange(1, len(v) + 1))
        ax.tick_params(axis="x", labelsize=7)
        ax.set_xlabel("dimension, by rank")
        ax.set_title(name)
    axes[0, 0].set_ylabel("mean KL (nats)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
