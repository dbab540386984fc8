"""Figures shared by every chapter: image grids and loss curves.

Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``). Every function returns the Matplotlib
figure it made, so that tests can check it and notebooks can ``plt.show()`` it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from .images import as_images


def mosaic(images: np.ndarray, *, cols: int = 10, pad: int = 1) -> np.ndarray:
    """Tile a batch of 28×28 images into one 2-D array (rows of ``cols`` images).

    Examples
    --------
    >>> mosaic(np.zeros((12, 784), dtype="float32"), cols=6, pad=0).shape
    (56, 168)
    """
    x = as_images(images, layout="image")
    if isinstance(cols, bool) or not isinstance(cols, (int, np.integer)) or cols < 1:
        raise ValueError(f"cols must be a positive int, got {cols!r}")
    cols = min(int(cols), len(x))
    rows = -(-len(x) // cols)
    cell = 28 + pad
    out = np.ones((rows * cell - pad, cols * cell - pad), dtype=np.float32)
    for i, img in enumerate(x):
        r, c = divmod(i, cols)
        out[r * cell : r * cell + 28, c * cell : c * cell + 28] = img
    return out


def image_grid(
    images: np.ndarray,
    *,
    cols: int = 10,
    title: str | None = None,
    labels: Sequence[str] | None = None,
    size: float = 0.9,
) -> plt.Figure:
    """Show a batch of images as a grid (white background, dark ink).

    Parameters
    ----------
    images : np.ndarray
        ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)`` in [0, 1].
    cols : int
        Images per row.
    title : str, optional
        Figure title.
    labels : sequence of str, optional
        One caption per image (for example the judge's verdict).
    size : float
        Inches per image.

    Examples
    --------
    >>> fig = image_grid(np.random.rand(20, 784).astype("float32"), cols=10, title="noise")
    >>> len(fig.axes)
    20
    """
    x = as_images(images, layout="image")
    if labels is not None and len(labels) != len(x):
        raise ValueError(f"got {len(labels)} labels for {len(x)} images")
    cols = min(cols, len(x))
    rows = -(-len(x) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size * (1.25 if labels else 1)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i < len(x):
            ax.imshow(x[i], cmap="gray_r", vmin=0, vmax=1)
            if labels is not None:
                ax.set_title(labels[i], fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def loss_curves(history: Mapping[str, Sequence[float]], *, title: str = "Training") -> plt.Figure:
    """Plot every metric of a Keras history against the epoch (train solid, validation dashed).

    Examples
    --------
    >>> fig = loss_curves({"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 1.5]})
    >>> fig.axes[0].get_xlabel()
    'epoch'
    """
    if not history:
        raise ValueError("history is empty: nothing to plot")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    palette = plt.get_cmap("tab10")
    bases = sorted({k.removeprefix("val_") for k in history})
    for i, base in enumerate(bases):
        for key, style in ((base, "-"), (f"val_{base}", "--")):
            if key in history:
                values = list(history[key])
                ax.plot(range(1, len(values) + 1), values, style, color=palette(i), label=key)
    ax.set_xlabel("epoch")
    ax.set_ylabel("value")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig
