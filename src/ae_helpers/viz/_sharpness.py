"""Figures of sharpness: how much fine detail each batch of images keeps (RMS gradient per image).

Introduced in chapter 5 (``book/05_beyond.ipynb``). The figure takes the reports of
:func:`ae_helpers.measure.sharpness_table` and returns the Matplotlib figure it made.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from ..measure import Sharpness


_MPL_VERSION = tuple(int(p) for p in matplotlib.__version__.split(".")[:2] if p.isdigit())


def sharpness_plot(reports: Sequence[Sharpness], *,
                   title: str = "Sharpness: RMS gradient per image") -> plt.Figure:
    """Box plots of the per-image RMS gradient, one row per batch of images (sharpest is highest).

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    reports : sequence of Sharpness
        From :func:`ae_helpers.measure.sharpness_table`.
    title : str
        Figure title.

    Examples
    --------
    >>> from ae_helpers.measure import sharpness_table
    >>> x = np.zeros((3, 784), "float32"); x[:, 300:310] = 1.0
    >>> fig = sharpness_plot(sharpness_table({"sharp": x, "faint": x * 0.5}))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['faint', 'sharp']
    """
    if not reports:
        raise ValueError("no sharpness reports to plot")
    reports = list(reports)[::-1]  # the first report on top
    fig, ax = plt.subplots(figsize=(6.5, 0.55 * len(reports) + 1.2))
    # ``orientation`` replaced ``vert`` in Matplotlib 3.10.
    horizontal = ({"orientation": "horizontal"} if _MPL_VERSION >= (3, 10) else {"vert": False})
    ax.boxplot([r.per_image_gradient for r in reports], showfliers=False, widths=0.6,
               medianprops={"color": "black"}, **horizontal)
    ax.scatter([r.rms_gradient for r in reports], np.arange(1, len(reports) + 1), marker="D",
               color=plt.get_cmap("viridis")(0.6), zorder=3, label="mean")
    ax.set_yticks(np.arange(1, len(reports) + 1), [r.name for r in reports])
    ax.set_xlabel("RMS gradient (higher = sharper edges)")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig
