"""Figures shared by every chapter: image grids and loss curves.

Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``). Every function returns the Matplotlib
figure it made, so that tests can check it and notebooks can ``plt.show()`` it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .._checks import as_images, check_int, check_number


def show_image(ax: plt.Axes, image: np.ndarray, **kwargs: Any) -> Any:
    """Draw one image on ``ax``: greyscale ``(h, w)`` as dark ink on white, colour ``(h, w, 3)`` as is.

    Every figure of the package draws its images through this, so greyscale and colour data sets
    look right everywhere.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> show_image(ax, np.zeros((8, 8), "float32")).get_cmap().name
    'gray_r'
    """
    image = np.asarray(image)
    if image.ndim == 2:
        return ax.imshow(image, cmap="gray_r", vmin=0, vmax=1, **kwargs)
    if image.ndim == 3 and image.shape[2] in (3, 4):
        return ax.imshow(np.clip(image, 0.0, 1.0), **kwargs)
    raise ValueError(f"an image to draw must be (h, w) or (h, w, 3/4), got shape {image.shape}")


def mosaic(images: np.ndarray, *, cols: int = 10, pad: int = 1) -> np.ndarray:
    """Tile a batch of images into one image (rows of ``cols`` images): ``(H, W)``, colour ``(H, W, c)``.

    Examples
    --------
    >>> mosaic(np.zeros((12, 784), dtype="float32"), cols=6, pad=0).shape
    (56, 168)
    >>> mosaic(np.zeros((4, 8, 8, 3), dtype="float32"), cols=2).shape
    (17, 17, 3)
    """
    x = as_images(images, layout="image")
    cols = min(check_int(cols, "cols"), len(x))
    pad = check_int(pad, "pad", minimum=0)
    rows = -(-len(x) // cols)
    h, w = x.shape[1:3]
    out = np.zeros((rows * (h + pad) - pad, cols * (w + pad) - pad) + x.shape[3:],
                   dtype=np.float32)  # 0 = paper
    for i, img in enumerate(x):
        r, c = divmod(i, cols)
        out[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = img
    return out


def image_grid(
    images: np.ndarray,
    *,
    cols: int = 10,
    title: str | None = None,
    labels: Sequence[str] | None = None,
    size: float = 0.9,
    image_shape: Any = None,
) -> plt.Figure:
    """Show a batch of images as a grid (white background, dark ink).

    Parameters
    ----------
    images : np.ndarray
        A batch in [0, 1]: ``(n, h, w)``, ``(n, h, w, c)`` or flat (see
        ``ae_helpers._checks.as_images``); greyscale or colour.
    cols : int
        Images per row.
    title : str, optional
        Figure title.
    labels : sequence of str, optional
        One caption per image (for example the judge's verdict).
    size : float
        Inches per image.
    image_shape : tuple of int, optional
        ``(h, w)`` or ``(h, w, c)`` of flat rows that are not square greyscale images (flat
        colour rows: ``(32, 32, 3)``).

    Examples
    --------
    >>> fig = image_grid(np.random.rand(20, 784).astype("float32"), cols=10, title="noise")
    >>> len(fig.axes)
    20
    >>> len(image_grid(np.random.rand(2, 48).astype("float32"), image_shape=(4, 4, 3)).axes)
    2
    """
    x = as_images(images, layout="image", image_shape=image_shape, image_shape_param=True)
    if labels is not None and len(labels) != len(x):
        raise ValueError(f"got {len(labels)} labels for {len(x)} images")
    cols = min(check_int(cols, "cols"), len(x))
    size = check_number(size, "size", positive=True)
    rows = -(-len(x) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size * (1.25 if labels else 1)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i < len(x):
            show_image(ax, x[i])
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


def reconstruction_figure(
    originals: np.ndarray,
    reconstructions: np.ndarray,
    *,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    size: float = 1.0,
) -> plt.Figure:
    """Originals (top row), reconstructions (middle) and their difference (bottom).

    Introduced in chapter 1 (``book/01_compression.ipynb``). The difference, reconstruction minus
    original, is drawn in a diverging colour-blind-safe map centred at 0: red where the
    reconstruction has ink the original lacks, blue where it lost ink, white where they agree.
    For colour images it is the difference averaged over the channels (one signed value per
    pixel: an RGB image of signed values would be clipped to [0, 1] by Matplotlib).

    Parameters
    ----------
    originals, reconstructions : np.ndarray
        The same number of images in [0, 1] (any MNIST layout).
    labels : sequence of str, optional
        One caption per column (for example the image's error).
    title : str, optional
        Figure title.
    size : float
        Inches per image.

    Raises
    ------
    ValueError
        If the two batches differ in size or the labels in number.

    Examples
    --------
    >>> x = np.random.rand(4, 784).astype("float32")
    >>> fig = reconstruction_figure(x, x * 0.5, labels=list("abcd"))
    >>> len(fig.axes)  # 12 images and one colour bar
    13
    """
    size = check_number(size, "size", positive=True)
    x = as_images(originals, name="originals", layout="image")
    x_hat = as_images(reconstructions, name="reconstructions", layout="image")
    if len(x) != len(x_hat):
        raise ValueError(f"got {len(x)} originals but {len(x_hat)} reconstructions")
    if labels is not None and len(labels) != len(x):
        raise ValueError(f"got {len(labels)} labels for {len(x)} images")
    n = len(x)
    fig, axes = plt.subplots(3, n, figsize=(n * size + 1.2, 3 * size * 1.15 + 0.4), squeeze=False)
    for j in range(n):
        show_image(axes[0, j], x[j])
        show_image(axes[1, j], x_hat[j])
        signed = x_hat[j] - x[j]
        if signed.ndim == 3:  # colour: one signed value per pixel, not a clipped RGB image
            signed = signed.mean(axis=-1)
        diff = axes[2, j].imshow(signed, cmap="RdBu_r", vmin=-1, vmax=1)
        if labels is not None:
            axes[2, j].set_title(labels[j], fontsize=8)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    for row, name in enumerate(("original", "reconstruction", "difference")):
        axes[row, 0].set_ylabel(name, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 0.92, 1))
    cax = fig.add_axes((0.93, 0.08, 0.015, 0.25))
    fig.colorbar(diff, cax=cax, ticks=[-1, 0, 1])
    return fig


def image_rows(
    rows: Mapping[str, Any],
    *,
    title: str | None = None,
    size: float = 0.8,
    captions: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Show several batches of images, one labelled row each (e.g. originals, then reconstructions).

    Introduced in chapter 1 (``book/01_compression.ipynb``) to show the same digits reconstructed
    from codes of several sizes; chapters 4 and 5 add captions (the judge's verdicts).

    Parameters
    ----------
    rows : mapping of str to images
        Row label → images in [0, 1], greyscale or colour, any one image shape; rows may
        differ in length.
    title : str, optional
        Figure title.
    size : float
        Inches per image.
    captions : mapping of str to sequence of str, optional
        Per row, one small caption per image (for example the judge's verdict).

    Examples
    --------
    >>> fig = image_rows({"a": np.zeros((3, 784), "float32"), "b": np.ones((2, 28, 28), "float32")})
    >>> len(fig.axes)
    6
    """
    size = check_number(size, "size", positive=True)
    if not rows:
        raise ValueError("rows is empty: nothing to show")
    batches = {str(k): as_images(v, name=f"row {k!r}", layout="image") for k, v in rows.items()}
    captions = dict(captions or {})
    for k, caps in captions.items():
        if k not in batches or len(caps) != len(batches[k]):
            raise ValueError(f"captions for row {k!r} must name a row and give one per image")
    cols = max(len(b) for b in batches.values())
    label_width = 1.6
    fig, axes = plt.subplots(
        len(batches), cols, squeeze=False,
        figsize=(label_width + cols * size, len(batches) * size * (1.3 if captions else 1.05)),
    )
    for r, (label, batch) in enumerate(batches.items()):
        for c in range(cols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if c < len(batch):
                show_image(ax, batch[c])
                if label in captions:
                    ax.set_title(str(captions[label][c]), fontsize=7)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def error_vs_latent(
    latent_dims: Sequence[int],
    errors: Mapping[str, Sequence[float]],
    *,
    ylabel: str = "mean squared error per pixel",
    title: str = "Reconstruction error against code size",
) -> plt.Figure:
    """Reconstruction error against the code size M, one line per method (log-scaled M axis).

    Introduced in chapter 1 (``book/01_compression.ipynb``) to compare the autoencoder with PCA.

    Parameters
    ----------
    latent_dims : sequence of int
        The code sizes M, increasing.
    errors : mapping of str to sequence of float
        Method name → its error at each M.
    ylabel, title : str
        Axis label and title.

    Raises
    ------
    ValueError
        If there are no methods or a method's values do not match ``latent_dims``.

    Examples
    --------
    >>> fig = error_vs_latent([2, 4, 8], {"PCA": [3, 2, 1], "AE": [2, 1.5, 1.2]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['PCA', 'AE']
    """
    dims = [int(m) for m in latent_dims]
    if not errors:
        raise ValueError("errors is empty: nothing to plot")
    if not dims or any(m < 1 for m in dims) or sorted(set(dims)) != dims:
        raise ValueError(f"latent_dims must be increasing positive ints, got {list(latent_dims)}")
    fig, ax = plt.subplots(figsize=(6, 3.8))
    palette = plt.get_cmap("tab10")
    markers = "osD^v"
    for i, (name, values) in enumerate(errors.items()):
        values = [float(v) for v in values]
        if len(values) != len(dims):
            raise ValueError(f"{name!r} has {len(values)} values for {len(dims)} code sizes")
        ax.plot(dims, values, marker=markers[i % len(markers)], color=palette(i), label=name)
    ax.set_xscale("log", base=2)
    ax.set_xticks(dims, [str(m) for m in dims])
    ax.set_xlabel("code size M (latent dimensions)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def class_histograms(
    histograms: Mapping[str, Sequence[float]],
    *,
    title: str | None = None,
    annotations: Mapping[str, str] | None = None,
    classes: Sequence[Any] | None = None,
) -> plt.Figure:
    """One bar chart of the classes' shares per source (for example the judge's verdicts).

    Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``).

    Parameters
    ----------
    histograms : mapping of str to sequence of float
        Source name → counts of each class (normalised to shares here): ten digits 0-9 for
        MNIST's judge, or one count per class of any judge (``report.histogram``).
    title : str, optional
        Figure title.
    annotations : mapping of str to str, optional
        Extra text per source, written in its panel's title (for example the entropy).
    classes : sequence, optional
        The label of each bin (for example ``judge.classes``); default ``0 … n_bins - 1``.

    Raises
    ------
    ValueError
        If there is no source, the histograms have different numbers of bins (or fewer than 2,
        or not one per class), or one sums to zero.

    Examples
    --------
    >>> fig = class_histograms({"real": np.ones(10), "noise": np.eye(10)[8]})
    >>> len(fig.axes), fig.axes[1].get_title()
    (2, 'noise')
    >>> fig = class_histograms({"samples": [5, 5]}, classes=[3, 7])
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['3', '7']
    """
    if not histograms:
        raise ValueError("histograms is empty: nothing to plot")
    arrays = {name: np.asarray(c, dtype=np.float64) for name, c in histograms.items()}
    k = len(np.ravel(classes)) if classes is not None else len(next(iter(arrays.values())))
    labels = np.arange(k) if classes is None else np.asarray(classes).ravel()
    fig, axes = plt.subplots(1, len(arrays), figsize=(max(2.6, 0.26 * k) * len(arrays), 2.6),
                             sharey=True, squeeze=False)
    colours = plt.get_cmap("tab10")(range(10)) if k <= 10 else plt.get_cmap("viridis")(
        np.linspace(0, 1, k))
    for ax, (name, counts) in zip(axes[0], arrays.items()):
        if counts.shape != (k,) or k < 2 or counts.sum() <= 0 or (counts < 0).any():
            raise ValueError(f"{name!r}: need {k} non-negative counts (one per class, at least 2), "
                             f"not all zero; got {counts}")
        ax.bar(range(k), counts / counts.sum(), color=colours[:k])
        ax.axhline(1.0 / k, color="black", lw=0.8, ls="--")
        ax.set_xticks(range(k), [str(c) for c in labels.tolist()])
        ax.set_xlabel("digit" if k == 10 and classes is None else "class")
        extra = (annotations or {}).get(name)
        ax.set_title(f"{name}\n{extra}" if extra else name, fontsize=9)
    axes[0, 0].set_ylabel("share of images")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def conditional_grid(
    images: Any,
    labels: Any,
    *,
    judged: Any | None = None,
    title: str | None = "Conditioned samples: one row per requested digit",
    size: float = 0.7,
) -> plt.Figure:
    """A grid of conditioned samples, one row per requested digit, the row's label at its left.

    With ``judged`` (the judge's digit for each image) each row label also says how many of its
    images the judge read as the requested digit.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    images : array-like
        ``(rows * cols, ...)`` images in row order, as made from
        :func:`ae_helpers.latent.requested_labels`.
    labels : array-like of int
        The requested digit of each image; equal digits must be consecutive, every digit the same
        number of times.
    judged : array-like of int, optional
        The judge's digit for each image.
    title, size
        Figure title (optional) and inches per image.

    Examples
    --------
    >>> x = np.random.rand(6, 784).astype("float32")
    >>> fig = conditional_grid(x, [0, 0, 0, 7, 7, 7], judged=[0, 0, 1, 7, 7, 7])
    >>> len(fig.axes), fig.axes[0].get_ylabel(), fig.axes[3].get_ylabel()
    (6, 'digit 0\\n2/3 read as 0', 'digit 7\\n3/3 read as 7')
    """
    size = check_number(size, "size", positive=True)
    x = as_images(images, layout="image")
    y = np.asarray(labels).ravel()
    if len(y) != len(x):
        raise ValueError(f"got {len(y)} labels for {len(x)} images")
    starts = np.flatnonzero(np.r_[True, y[1:] != y[:-1]])
    digits = y[starts]
    if len(set(digits.tolist())) != len(digits):
        raise ValueError("equal labels must be consecutive (one block per requested digit)")
    sizes = np.diff(np.r_[starts, len(y)])
    if len(set(sizes.tolist())) != 1:
        raise ValueError(f"every digit needs the same number of images, got {sorted(set(sizes))}")
    cols = int(sizes[0])
    j = None
    if judged is not None:
        j = np.asarray(judged).ravel()
        if len(j) != len(y):
            raise ValueError(f"got {len(j)} judged labels for {len(y)} images")
    rows: dict[str, np.ndarray] = {}
    for k, (start, digit) in enumerate(zip(starts, digits)):
        name = f"digit {digit}"
        if j is not None:
            hits = int((j[start:start + cols] == digit).sum())
            name += f"\n{hits}/{cols} read as {digit}"
        rows[name] = x[start:start + cols]
    return image_rows(rows, title=title, size=size)
