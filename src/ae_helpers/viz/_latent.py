"""Figures of latent spaces: codes by digit, decoded grids, neighbourhoods, interpolations, area shares.

Introduced in chapter 2 (``book/02_detached_decoder.ipynb``) and chapter 3
(``book/03_latent_holes.ipynb``); chapter 4 draws the VAE with the same functions. Every function
returns the Matplotlib figure it made (tests check it; notebooks ``plt.show()`` it). Digits are
coloured with ``tab10``, whose ten colours stay distinguishable for the common colour-vision
deficiencies when paired with a legend, as here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .._checks import as_images, check_codes, check_int, check_number
from ..latent import LatentGrid
from ._images import mosaic, show_image

DIGIT_COLOURS = plt.get_cmap("tab10").colors
"""One colour per digit 0-9 (Matplotlib's ``tab10``)."""


def class_colours(classes: Any) -> list:
    """One colour per class: digits 0-9 keep their ``tab10`` colour; other label sets get
    ``tab10`` (up to 10 classes) or ``tab20`` (up to 20), then evenly spaced ``viridis`` colours.

    Examples
    --------
    >>> class_colours([3, 7])[1] == DIGIT_COLOURS[7]
    True
    >>> len(class_colours([f"c{i}" for i in range(25)]))
    25
    """
    labels = np.asarray(classes).ravel()
    if labels.dtype.kind in "iu" and len(labels) and labels.min() >= 0 and labels.max() <= 9:
        return [DIGIT_COLOURS[int(d)] for d in labels]
    if len(labels) <= 10:
        return list(DIGIT_COLOURS[: len(labels)])
    if len(labels) <= 20:
        return list(plt.get_cmap("tab20").colors[: len(labels)])
    return [plt.get_cmap("viridis")(t) for t in np.linspace(0, 1, len(labels))]


def _is_digits(classes: np.ndarray) -> bool:
    return (classes.dtype.kind in "iu" and len(classes) > 0 and classes.min() >= 0
            and classes.max() <= 9)


def _axes(ax: plt.Axes | None, figsize: tuple[float, float]) -> tuple[plt.Figure, plt.Axes]:
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def latent_scatter(
    codes: Any,
    labels: Any,
    *,
    ax: plt.Axes | None = None,
    title: str = "Test digits in latent space",
    size: float = 3.0,
    alpha: float = 0.6,
    classes: Any | None = None,
) -> plt.Figure:
    """Scatter 2-D codes coloured by class, with a legend.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Parameters
    ----------
    codes : array-like
        ``(n, 2)`` latent codes.
    labels : array-like
        ``(n,)`` class labels: digits 0-9, or any labels (``{3, 7}``, strings); digits keep their
        ``tab10`` colour.
    ax : matplotlib Axes, optional
        Draw into this axes (for side-by-side figures); a new figure otherwise.
    classes : array-like, optional
        The classes in legend order (for example ``judge.classes``); default the sorted distinct
        labels.

    Raises
    ------
    ValueError
        If the codes are not 2-D, the labels do not match them, or a label is not in ``classes``.

    Examples
    --------
    >>> fig = latent_scatter(np.random.rand(50, 2), np.arange(50) % 10)
    >>> fig.axes[0].get_xlabel(), len(fig.axes[0].get_legend().get_texts())
    ('$z_1$', 10)
    >>> fig = latent_scatter(np.random.rand(6, 2), ["cat", "dog", "cat", "owl", "dog", "cat"])
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['cat', 'dog', 'owl']
    """
    size = check_number(size, "size", positive=True)
    alpha = check_number(alpha, "alpha", minimum=0.0, maximum=1.0)
    z = check_codes(codes)
    if z.shape[1] != 2:
        raise ValueError(f"a scatter needs 2-D codes, got {z.shape[1]}-D (encode with a 2-D AE)")
    y = np.asarray(labels).ravel()
    if len(y) != len(z):
        raise ValueError(f"got {len(y)} labels for {len(z)} codes")
    if y.dtype.kind not in "iuUS" or y.dtype == bool:
        raise TypeError(f"labels must be integer or string class labels, got dtype {y.dtype}")
    known = np.unique(y) if classes is None else np.asarray(classes).ravel()
    unknown = np.setdiff1d(y, known)
    if len(unknown):
        raise ValueError(f"labels hold {unknown[:5].tolist()!r}, not in classes "
                         f"{known.tolist()!r}; pass classes= with every label")
    fig, ax = _axes(ax, (6, 5.5))
    for d, colour in zip(known, class_colours(known)):
        mask = y == d
        if mask.any():
            ax.scatter(z[mask, 0], z[mask, 1], s=size, alpha=alpha, color=colour,
                       label=str(d), rasterized=True)
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title)
    ax.legend(title="digit" if _is_digits(known) else "class", markerscale=4, fontsize=8,
              loc="best", ncols=2 if len(known) > 5 else 1)
    return fig


def decoded_grid(
    grid: LatentGrid,
    *,
    unrecognised: Any | None = None,
    ax: plt.Axes | None = None,
    title: str = "Decoded grid",
) -> plt.Figure:
    """Show a decoded latent grid with its axes in latent coordinates.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Parameters
    ----------
    grid : LatentGrid
        From :func:`ae_helpers.latent.latent_grid` (box spacing gives a true coordinate axis;
        Gaussian spacing is drawn cell by cell at its quantile positions' order).
    unrecognised : array-like of bool, optional
        ``(n * n,)`` in the grid's order: cells the judge does not recognise are shaded orange
        and outlined (the "holes").
    ax : matplotlib Axes, optional
        Draw into this axes.

    Examples
    --------
    >>> from ae_helpers.latent import grid_points, LatentGrid
    >>> z1, z2, codes = grid_points(n=3, span=1.0)
    >>> g = LatentGrid(z1, z2, codes, np.zeros((9, 28, 28), "float32"), "box")
    >>> decoded_grid(g).axes[0].get_ylabel()
    '$z_2$'
    """
    if not isinstance(grid, LatentGrid):
        raise TypeError(f"grid must be a LatentGrid (see latent_grid), got {type(grid).__name__}")
    n = grid.n
    fig, ax = _axes(ax, (6, 6))
    if grid.spacing == "box":
        dx = (grid.z1[-1] - grid.z1[0]) / (n - 1)
        dy = (grid.z2[0] - grid.z2[-1]) / (n - 1)
        extent = (grid.z1[0] - dx / 2, grid.z1[-1] + dx / 2, grid.z2[-1] - dy / 2, grid.z2[0] + dy / 2)
    else:  # cells of equal probability: an index axis labelled with the quantile values
        dx = dy = 1.0
        extent = (-0.5, n - 0.5, -0.5, n - 0.5)
    show_image(ax, mosaic(grid.images, cols=n, pad=0), extent=extent,
              aspect="auto", interpolation="nearest")
    if unrecognised is not None:
        mask = np.asarray(unrecognised, dtype=bool).ravel()
        if mask.shape != (n * n,):
            raise ValueError(f"unrecognised must have {n * n} entries (one per cell), got {mask.shape}")
        for i in np.flatnonzero(mask):
            row, col = divmod(int(i), n)
            x0 = extent[0] + col * (extent[1] - extent[0]) / n
            y0 = extent[3] - (row + 1) * (extent[3] - extent[2]) / n
            w, h = (extent[1] - extent[0]) / n, (extent[3] - extent[2]) / n
            ax.add_patch(Rectangle((x0, y0), w, h, facecolor=(0.9, 0.6, 0.0, 0.35),
                                   edgecolor=(0.9, 0.6, 0.0), linewidth=0.5))
    if grid.spacing != "box":
        ticks = np.arange(0, n, max(1, n // 5))
        ax.set_xticks(ticks, [f"{grid.z1[t]:.1f}" for t in ticks])
        ax.set_yticks(n - 1 - ticks, [f"{grid.z2[t]:.1f}" for t in ticks])
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title)
    return fig


def image_strip(
    images: Any,
    *,
    labels: Sequence[str] | None = None,
    title: str = "Interpolation",
    size: float = 1.0,
) -> plt.Figure:
    """One row of images (an interpolation or a walk), each with an optional caption.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Examples
    --------
    >>> fig = image_strip(np.zeros((5, 784), "float32"), labels=list("abcde"))
    >>> len(fig.axes), fig.axes[0].get_title()
    (5, 'a')
    """
    size = check_number(size, "size", positive=True)
    x = as_images(images, layout="image")
    if labels is not None and len(labels) != len(x):
        raise ValueError(f"got {len(labels)} labels for {len(x)} images")
    fig, axes = plt.subplots(1, len(x), figsize=(len(x) * size, size * 1.35), squeeze=False)
    for i, ax in enumerate(axes[0]):
        show_image(ax, x[i])
        ax.set_axis_off()
        if labels is not None:
            ax.set_title(labels[i], fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def neighbourhood_rows(
    images: Any,
    radii: Sequence[float],
    *,
    title: str = "Decoded points at growing distance from the anchor",
    size: float = 0.8,
) -> plt.Figure:
    """Decoded neighbours, one row per radius (as from :func:`ae_helpers.latent.neighbourhood`).

    Parameters
    ----------
    images : array-like
        ``(R, n, h, w)`` (or colour, or flat): row ``i`` holds the images at ``radii[i]``.
    radii : sequence of float
        The distance of each row, printed at its left.

    Notes
    -----
    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Examples
    --------
    >>> fig = neighbourhood_rows(np.zeros((3, 4, 784), "float32"), [0.1, 0.2, 0.4])
    >>> fig.axes[0].get_ylabel()
    'r = 0.1'
    """
    size = check_number(size, "size", positive=True)
    arr = np.asarray(images)
    if arr.ndim < 3:
        raise ValueError(f"images must be (R, n, h, w), (R, n, h, w, c) or (R, n, d), got {arr.shape}")
    r_count, n = arr.shape[:2]
    if len(radii) != r_count:
        raise ValueError(f"got {len(radii)} radii for {r_count} rows of images")
    x = as_images(arr.reshape((r_count * n,) + arr.shape[2:]), layout="image")
    fig, axes = plt.subplots(r_count, n, figsize=(n * size + 0.8, r_count * size), squeeze=False)
    for i in range(r_count):
        for j in range(n):
            ax = axes[i, j]
            show_image(ax, x[i * n + j])
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
        axes[i, 0].set_ylabel(f"r = {radii[i]:.3g}", rotation=0, ha="right", va="center", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def neighbourhood_curves(
    profiles: Mapping[str, Any],
    *,
    relative_to: float | Mapping[str, float] | None = None,
    title: str = "How fast the decoded image changes around an anchor",
) -> plt.Figure:
    """Label-change rate and pixel change against the radius, one line per anchor (or model).

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Parameters
    ----------
    profiles : mapping of str to NeighbourhoodProfile
        Name → profile (from :func:`ae_helpers.measure.neighbourhood_profile`); averaged over the
        profile's anchors.
    relative_to : float or mapping, optional
        Divide the radii by this scale (for example the code cloud's radius) so that latent spaces
        of different scales share an axis; a mapping gives one scale per name.

    Examples
    --------
    >>> from ae_helpers.measure import NeighbourhoodProfile
    >>> p = NeighbourhoodProfile(np.array([1.0, 2.0]), np.zeros((1, 2)), np.zeros(1, int),
    ...                          np.array([[0.0, 0.5]]), np.array([[0.1, 0.2]]), np.ones((1, 2)))
    >>> fig = neighbourhood_curves({"six": p})
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['label changed (share)', 'RMS pixel change']
    """
    if not profiles:
        raise ValueError("no profiles to plot")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    for i, (name, p) in enumerate(profiles.items()):
        scale = relative_to.get(name, 1.0) if isinstance(relative_to, Mapping) else (relative_to or 1.0)
        r = np.asarray(p.radii) / float(scale)
        colour = plt.get_cmap("tab10")(i % 10)
        ax1.plot(r, p.mean_label_change, "o-", color=colour, label=name)
        ax2.plot(r, p.mean_pixel_change, "o-", color=colour, label=name)
    xlabel = "distance from the anchor" + (" / cloud radius" if relative_to is not None else "")
    for ax in (ax1, ax2):
        ax.set_xlabel(xlabel)
        ax.grid(alpha=0.3)
    ax1.set_ylabel("label changed (share)")
    ax1.set_ylim(-0.02, 1.02)
    ax2.set_ylabel("RMS pixel change")
    ax1.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def area_share_bars(
    shares: Mapping[str, Any],
    *,
    expected: float | None = None,
    title: str = "Share of each digit",
    classes: Any | None = None,
) -> plt.Figure:
    """Grouped bars per class (for example latent area, random samples, the data) with a line at
    the share of each class in a balanced set (10 % for ten digits).

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Parameters
    ----------
    shares : mapping of str to array-like
        Name → ``(n_classes,)`` shares (each summing to about 1), e.g.
        ``{"latent area": ..., "data": ...}``; ``(10,)`` for MNIST's digits.
    expected : float, optional
        Where to draw the dashed reference line; default ``1 / n_classes``.
    classes : array-like, optional
        The label of each bar (for example ``judge.classes``); default ``0 … n_classes - 1``.

    Examples
    --------
    >>> fig = area_share_bars({"area": np.full(10, 0.1), "data": np.full(10, 0.1)})
    >>> fig.axes[0].get_xlabel()
    'digit'
    """
    if not shares:
        raise ValueError("no shares to plot")
    arrays = {k: np.asarray(v, dtype=float).ravel() for k, v in shares.items()}
    k_classes = len(next(iter(arrays.values()))) if classes is None else len(np.ravel(classes))
    labels = np.arange(k_classes) if classes is None else np.asarray(classes).ravel()
    expected = check_number(1.0 / max(k_classes, 1) if expected is None else expected, "expected",
                            minimum=0.0, maximum=1.0)
    for k, v in arrays.items():
        if v.shape != (k_classes,) or k_classes < 2 or not np.isfinite(v).all() or (v < 0).any():
            raise ValueError(f"{k!r} must be {k_classes} non-negative shares (one per class, at "
                             f"least 2), got shape {v.shape}")
    fig, ax = plt.subplots(figsize=(max(8, 0.6 * k_classes), 3.8))
    width = 0.8 / len(arrays)
    palette = plt.get_cmap("tab10")
    for i, (name, v) in enumerate(arrays.items()):
        ax.bar(np.arange(k_classes) + (i - (len(arrays) - 1) / 2) * width, v, width, label=name,
               color=palette(i % 10), edgecolor="black", linewidth=0.4)
    ax.axhline(expected, color="black", linestyle="--", linewidth=1, label=f"{expected:.0%} each")
    ax.set_xticks(range(k_classes), [str(c) for c in labels.tolist()])
    ax.set_xlabel("digit" if _is_digits(labels) and k_classes == 10 else "class")
    ax.set_ylabel("share")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def pick_mosaics(
    images: Mapping[str, Any],
    *,
    cols: int = 8,
    captions: Mapping[str, str] | None = None,
    title: str = "Decoded from latent points picked in different ways",
) -> plt.Figure:
    """One mosaic per way of picking latent points, side by side, each with a caption (chapter 2,
    ``book/02_detached_decoder.ipynb``).

    Parameters
    ----------
    images : mapping of str to array-like
        Name → batch of images in [0, 1] (the first ``cols * cols`` are shown).
    cols : int
        Images per row (and at most as many rows).
    captions : mapping of str to str, optional
        An extra line under each name (for example "recognised 42 %").

    Examples
    --------
    >>> fig = pick_mosaics({"box": np.zeros((16, 784), "float32"), "near": np.ones((16, 784), "float32")},
    ...                    cols=4)
    >>> [ax.get_title() for ax in fig.axes]
    ['box', 'near']
    """
    cols = check_int(cols, "cols")
    if not images:
        raise ValueError("no images to show")
    fig, axes = plt.subplots(1, len(images), figsize=(3.3 * len(images), 3.8), squeeze=False)
    for ax, (name, batch) in zip(axes[0], images.items()):
        x = as_images(batch, name=name, layout="image")[: cols * cols]
        tiles = mosaic(x, cols=cols)
        show_image(ax, tiles)
        ax.set_axis_off()
        ax.set_title(name)
        if captions and name in captions:
            ax.text(0.5, -0.04, captions[name], transform=ax.transAxes, ha="center", va="top",
                    fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def generation_bars(reports: Sequence[Any], *, title: str = "What the judge says") -> plt.Figure:
    """Recognised share and class entropy for each way of picking points, one bar group per model.

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``); chapter 4 adds the VAE.

    Parameters
    ----------
    reports : sequence of GenerationReport
        From :func:`ae_helpers.measure.generation_report`.

    Examples
    --------
    >>> fig = generation_bars([ae_report, vae_report])  # doctest: +SKIP
    """
    if not reports:
        raise ValueError("no reports to plot")
    picks = list(dict.fromkeys(p for r in reports for p in r.picks))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    width = 0.8 / len(reports)
    palette = plt.get_cmap("tab10")
    for i, rep in enumerate(reports):
        x = np.arange(len(picks)) + (i - (len(reports) - 1) / 2) * width
        rec = [rep.picks[p].recognised if p in rep.picks else np.nan for p in picks]
        ent = [rep.picks[p].entropy if p in rep.picks else np.nan for p in picks]
        ax1.bar(x, rec, width, label=rep.name, color=palette(i), edgecolor="black", linewidth=0.4)
        ax2.bar(x, ent, width, label=rep.name, color=palette(i), edgecolor="black", linewidth=0.4)
    for ax, label in ((ax1, "recognised (share)"), (ax2, "class entropy (1 = all digits equally)")):
        ax.set_xticks(range(len(picks)), picks)
        ax.set_ylim(0, 1.22)
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.set_ylabel(label)
        ax.set_xlabel("how the latent points were picked")
        ax.legend(fontsize=8, loc="upper center", ncols=len(reports), frameon=False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
