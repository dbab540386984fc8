"""Figures of likelihood: the k-sample bound against k, and likelihood against sample quality.

Introduced in chapter 6 (``book/06_likelihood.ipynb``). Every function returns the Matplotlib
figure it made, so that tests can check it and the chapter can ``plt.show()`` it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.transforms import Bbox

from .._checks import check_numbers

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _named_curves(curves: Mapping[str, Any], n: int) -> dict[str, np.ndarray]:
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError(f"curves must be a non-empty mapping of name to values, got {curves!r}")
    out = {}
    for name, values in curves.items():
        arr = check_numbers(values, f"curves[{name!r}]")
        if len(arr) != n:
            raise ValueError(f"curves[{name!r}] must have one value per k ({n}), got {len(arr)}")
        out[str(name)] = arr
    return out


def bound_against_k(
    ks: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    *,
    published: Mapping[str, float] | None = None,
    title: str = "Test bound against k",
) -> plt.Figure:
    """Plot −(k-sample bound) in nats against the number of importance samples k, one line per model.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    ks : sequence of int
        The numbers of importance samples, increasing and positive (drawn on a log axis).
    curves : mapping of str to sequence of float
        Per model, −(k-sample bound) at each ``k`` in nats (lower is better).
    published : mapping of str to float, optional
        Published values of −log p(x) in nats, drawn as dashed horizontal lines.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        One axis: a line per model against k (log axis), published values as grey lines, each
        with its own dash pattern.

    Raises
    ------
    ValueError
        If ``ks`` is not increasing and positive, or a curve has not one value per ``k``.

    Examples
    --------
    >>> fig = bound_against_k([1, 10, 100], {"VAE": [110.0, 105.0, 103.0]},
    ...                       published={"Burda et al.: VAE": 86.76})
    >>> fig.axes[0].get_xscale()
    'log'
    """
    k = check_numbers(ks, "ks")
    if np.any(k <= 0) or np.any(np.diff(k) <= 0):
        raise ValueError(f"ks must be positive and increasing, got {list(ks)!r}")
    named = _named_curves(curves, len(k))
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for (name, values), marker in zip(named.items(), _MARKERS * len(named)):
        ax.plot(k, values, marker=marker, linestyle="-", label=f"ours: {name}")
    # Published values: grey, each with its own dash pattern, so the legend tells them apart.
    for (label, value), grey, dashes in zip((published or {}).items(), np.linspace(0.0, 0.55, 8),
                                            ["--", "-.", ":"] * 3):
        ax.axhline(float(value), ls=dashes, color=str(round(float(grey), 2)), lw=1.2,
                   label=f"published: {label}")
    ax.set(xscale="log", xlabel="importance samples k",
           ylabel="−(k-sample bound), nats (lower is better)", title=title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _overlap(a: Any, b: Any) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def likelihood_against_quality(
    nll: Mapping[str, float],
    frechet: Mapping[str, float],
    *,
    k: int | None = None,
    title: str = "Likelihood against sample quality",
) -> plt.Figure:
    """Scatter test −log p(x) against the Fréchet distance of samples, one labelled point per model.

    Each label is placed beside its point where it overlaps neither another label nor another
    point (tried in turn: right, left, above, below, and further out), so that close models stay
    readable.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    nll : mapping of str to float
        Per model, test −log p(x) in nats.
    frechet : mapping of str to float
        Per model (the same names), the Fréchet distance of its samples to test images.
    k : int, optional
        The importance samples behind ``nll``, named in the x label.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        One scatter, a labelled point per model: −log p(x) across, the Fréchet distance up.

    Raises
    ------
    ValueError
        If the two mappings do not name the same models, or hold non-finite numbers.

    Examples
    --------
    >>> fig = likelihood_against_quality({"A": 101.0, "B": 103.0}, {"A": 71.0, "B": 78.0}, k=500)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['A', 'B']
    """
    if not isinstance(nll, Mapping) or not isinstance(frechet, Mapping) or not nll:
        raise ValueError("nll and frechet must be non-empty mappings of model name to number")
    if set(nll) != set(frechet):
        raise ValueError(f"nll and frechet must name the same models, got {sorted(nll)} and "
                         f"{sorted(frechet)}")
    names = list(nll)
    x = check_numbers([nll[n] for n in names], "nll")
    y = check_numbers([frechet[n] for n in names], "frechet")
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for xi, yi, marker in zip(x, y, _MARKERS * len(names)):
        ax.scatter(xi, yi, s=45, marker=marker, zorder=3)
    ax.margins(x=0.25, y=0.15)
    ax.set(xlabel="test −log p(x)" + (f", k = {k}" if k else "") + " (nats; lower is better)",
           ylabel="Fréchet distance to test digits\n(lower is better)", title=title)
    fig.tight_layout()
    renderer = fig.canvas.get_renderer()
    points = [ax.transData.transform((xi, yi)) for xi, yi in zip(x, y)]
    pad = 6.0  # display pixels around a point that a label must keep clear of
    taken = [Bbox([[px - pad, py - pad], [px + pad, py + pad]])
             for px, py in points]
    tries = [(8, -4, "left"), (-8, -4, "right"), (0, 9, "center"), (0, -16, "center"),
             (8, 10, "left"), (-8, 10, "right"), (8, -18, "left"), (-8, -18, "right"),
             (0, 22, "center"), (0, -30, "center")]
    for name, xi, yi in zip(names, x, y):
        for dx, dy, ha in tries:
            text = ax.annotate(name, (xi, yi), textcoords="offset points", xytext=(dx, dy),
                               ha=ha, fontsize=8)
            box = text.get_window_extent(renderer)
            if not any(_overlap(box, other) for other in taken):
                break
            text.remove()
        else:  # no free place: keep the first one
            text = ax.annotate(name, (xi, yi), textcoords="offset points", xytext=tries[0][:2],
                               ha=tries[0][2], fontsize=8)
            box = text.get_window_extent(renderer)
        taken.append(box)
    return fig
