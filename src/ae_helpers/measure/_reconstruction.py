"""How far a reconstruction is from its original, and how much neighbouring pixels agree.

Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``) for the neighbour correlation, and in
chapter 1 (``book/01_compression.ipynb``) for reconstruction errors.

Three errors per image, each averaged over a batch by :func:`mean_error`:

* ``"mse"``: mean over the 784 pixels of the squared difference (0 = identical, 1 = black vs white
  everywhere);
* ``"rmse"``: its square root, in pixel-intensity units;
* ``"bce"``: binary cross-entropy *summed* over the pixels, in nats: the negative log-likelihood of
  the original when each reconstructed pixel is read as the probability of ink.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import numpy as np

from .._checks import as_images, check_int, check_number

ErrorKind = Literal["mse", "rmse", "bce"]
KINDS: tuple[str, ...] = ("mse", "rmse", "bce")
BCE_EPSILON = 1e-7
"""Reconstructed pixels are clipped to [ε, 1 - ε] before taking logs (the value Keras uses)."""


BLOCK = 1000
"""Images compared at a time: each block is converted to float64 on its own (the float64 copies of
5,000 test images, their reconstructions and the terms between them once took a quarter of a GB)."""


def _pair(originals: np.ndarray, reconstructions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both batches checked, as flat rows in their own float type (float64 only a block at a time,
    in :func:`_blocks`)."""
    x = as_images(originals, name="originals", layout="flat")
    x_hat = as_images(reconstructions, name="reconstructions", layout="flat")
    if len(x) != len(x_hat):
        raise ValueError(
            f"originals and reconstructions must hold the same number of images; got {len(x)} "
            f"and {len(x_hat)} (shapes {np.shape(originals)} and {np.shape(reconstructions)})"
        )
    shape_a, shape_b = np.shape(originals), np.shape(reconstructions)
    if shape_a != shape_b:
        raise ValueError(f"originals have shape {shape_a} but reconstructions {shape_b}")
    return x, x_hat


def _blocks(x: np.ndarray, x_hat: np.ndarray,
            block: int = BLOCK) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(x, x_hat)`` as float64, ``block`` images at a time."""
    for start in range(0, len(x), block):
        yield (x[start : start + block].astype(np.float64),
               x_hat[start : start + block].astype(np.float64))


def _errors(x: np.ndarray, x_hat: np.ndarray, kind: str) -> np.ndarray:
    """Each image's error of one kind, in float64 (``x`` and ``x_hat`` float64 rows)."""
    if kind == "bce":
        p = np.clip(x_hat, BCE_EPSILON, 1.0 - BCE_EPSILON)
        return -(x * np.log(p) + (1.0 - x) * np.log1p(-p)).sum(axis=1)
    mse = ((x - x_hat) ** 2).mean(axis=1)
    return np.sqrt(mse) if kind == "rmse" else mse


def _per_image(x: np.ndarray, x_hat: np.ndarray, kinds: tuple[str, ...],
               block: int = BLOCK) -> dict[str, np.ndarray]:
    """Each image's error of every kind in ``kinds``, ``(n,)`` float64 each, a block at a time.

    An image's error does not depend on the block it is in.

    Examples
    --------
    >>> x = np.zeros((3, 4), "float32"); x_hat = np.full((3, 4), 0.5, "float32")
    >>> _per_image(x, x_hat, ("mse", "rmse"), block=2)["rmse"].tolist()
    [0.5, 0.5, 0.5]
    """
    parts: dict[str, list[np.ndarray]] = {k: [] for k in kinds}
    for xb, hb in _blocks(x, x_hat, block):
        for k in kinds:
            parts[k].append(_errors(xb, hb, k))
    return {k: np.concatenate(v) for k, v in parts.items()}


def per_image_error(
    originals: np.ndarray, reconstructions: np.ndarray, *, kind: ErrorKind = "mse"
) -> np.ndarray:
    """Return the reconstruction error of each image, shape ``(n,)``.

    Parameters
    ----------
    originals, reconstructions : np.ndarray
        Images in [0, 1] of the same shape: ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)``.
    kind : {"mse", "rmse", "bce"}
        Per-pixel mean squared error, its root, or binary cross-entropy summed over pixels (nats).

    Raises
    ------
    ValueError
        If the shapes differ, the values are not images in [0, 1], or ``kind`` is unknown.

    Examples
    --------
    >>> x = np.zeros((2, 784), "float32"); x_hat = x.copy(); x_hat[1] = 0.5
    >>> per_image_error(x, x_hat).tolist()
    [0.0, 0.25]
    >>> per_image_error(x, x_hat, kind="rmse").tolist()
    [0.0, 0.5]
    >>> np.round(per_image_error(x, x_hat, kind="bce") / 784, 4).tolist()  # log 2 per pixel
    [0.0, 0.6931]
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return _per_image(*_pair(originals, reconstructions), (kind,))[kind]


def mean_error(
    originals: np.ndarray, reconstructions: np.ndarray, *, kind: ErrorKind = "mse"
) -> float:
    """Return the reconstruction error averaged over the images (see :func:`per_image_error`).

    For ``"rmse"`` this is the mean of the per-image RMSEs, not the root of the mean MSE.

    Examples
    --------
    >>> x = np.zeros((2, 784), "float32"); x_hat = x.copy(); x_hat[1] = 0.5
    >>> mean_error(x, x_hat)
    0.125
    """
    return float(per_image_error(originals, reconstructions, kind=kind).mean())


def error_table(originals: np.ndarray, reconstructions: np.ndarray) -> dict[str, float]:
    """Return the mean of every error kind: ``{"mse": ..., "rmse": ..., "bce": ...}``.

    Examples
    --------
    >>> x = np.zeros((1, 784), "float32")
    >>> {k: round(v, 3) for k, v in error_table(x, x + 0.5).items()}
    {'mse': 0.25, 'rmse': 0.5, 'bce': 543.427}
    """
    errors = _per_image(*_pair(originals, reconstructions), KINDS)
    return {k: float(errors[k].mean()) for k in KINDS}


def neighbour_correlation(images: np.ndarray, labels: np.ndarray | None = None) -> float:
    """How much neighbouring pixels agree beyond what the average image already explains.

    Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``).

    Each pixel's value minus that pixel's mean over the batch (over its class, if ``labels`` are
    given) is a residual; the result is the Pearson correlation of the residuals of horizontally
    and vertically adjacent pixels, pooled over all pairs and images. In real digits a stroke that
    is a little off its average place moves its neighbours with it (strongly positive); in
    images whose pixels are drawn independently given the class it is about 0.

    Parameters
    ----------
    images : np.ndarray
        At least two images in [0, 1], any MNIST layout.
    labels : np.ndarray, optional
        Class of each image, shape ``(n,)``; residuals are then taken from the class means.

    Returns
    -------
    float
        In [-1, 1]; 0.0 if every residual is zero.

    Raises
    ------
    ValueError
        If fewer than two images are given or labels do not match the images.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> noise = rng.random((200, 784)).astype("float32")
    >>> abs(neighbour_correlation(noise)) < 0.02
    True
    >>> blurred = (noise.reshape(200, 28, 28) + np.roll(noise.reshape(200, 28, 28), 1, axis=2)) / 2
    >>> 0.2 < neighbour_correlation(blurred) < 0.3  # horizontal pairs 0.5, vertical 0
    True
    """
    x = as_images(images, layout="image").astype(np.float64)
    if len(x) < 2:
        raise ValueError(f"need at least two images, got {len(x)}")
    if labels is None:
        resid = x - x.mean(axis=0)
    else:
        y = np.asarray(labels)
        if y.shape != (len(x),):
            raise ValueError(f"labels must have shape ({len(x)},), got {y.shape}")
        resid = np.empty_like(x)
        for c in np.unique(y):
            resid[y == c] = x[y == c] - x[y == c].mean(axis=0)
    a = np.concatenate([resid[:, :, :-1].ravel(), resid[:, :-1, :].ravel()])
    b = np.concatenate([resid[:, :, 1:].ravel(), resid[:, 1:, :].ravel()])
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denom) if denom > 0 else 0.0


def _ink_neighbours(ink: np.ndarray) -> np.ndarray:
    """Number of inked 4-neighbours of each pixel, for boolean images ``(n, 28, 28)``."""
    padded = np.pad(ink, ((0, 0), (1, 1), (1, 1))).astype(np.int8)
    return (padded[:, :-2, 1:-1] + padded[:, 2:, 1:-1] + padded[:, 1:-1, :-2]
            + padded[:, 1:-1, 2:])


def isolated_ink_share(images: np.ndarray, *, threshold: float = 0.5) -> float:
    """Share of inked pixels (above ``threshold``) none of whose four neighbours is inked: specks.

    Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``). A pen stroke has almost none;
    pixels drawn independently of each other leave many.

    Raises
    ------
    ValueError
        If the images are not MNIST-size images in [0, 1] or no pixel is inked.

    Examples
    --------
    >>> x = np.zeros((1, 28, 28), "float32"); x[0, 5, 5:10] = 1.0; x[0, 20, 20] = 1.0
    >>> isolated_ink_share(x)  # one speck among six inked pixels
    0.16666666666666666
    """
    threshold = check_number(threshold, "threshold", minimum=0.0, maximum=1.0)
    ink = as_images(images, layout="image") > threshold
    total = int(ink.sum())
    if total == 0:
        raise ValueError(f"no pixel is above the threshold {threshold}: nothing is inked")
    return float((ink & (_ink_neighbours(ink) == 0)).sum() / total)


def edge_error_share(
    originals: np.ndarray, reconstructions: np.ndarray, *, threshold: float = 0.5
) -> tuple[float, float]:
    """Where the squared error of a reconstruction sits: on the edges of the strokes?

    Introduced in chapter 1 (``book/01_compression.ipynb``). An *edge* pixel of an original is one
    on one side of ``threshold`` with at least one of its four neighbours on the other side: the
    inner and outer border of a stroke.

    Returns
    -------
    (edge_pixel_share, edge_error_share)
        The share of all pixels that are edge pixels, and the share of the total squared error
        that falls on them. An error share far above the pixel share means the reconstruction
        gets the strokes' place and shape roughly right and misses their exact outline.

    Examples
    --------
    >>> x = np.zeros((1, 28, 28), "float32"); x[0, 10:18, 10:18] = 1.0
    >>> x_hat = x.copy(); x_hat[0, 10, 10:18] = 0.5   # the top row of the square is half lost
    >>> pixels, error = edge_error_share(x, x_hat)
    >>> round(pixels, 3), error
    (0.077, 1.0)
    """
    x, x_hat = _pair(originals, reconstructions)
    threshold = check_number(threshold, "threshold", minimum=0.0, maximum=1.0)
    n_edge, total, on_edge = 0, 0.0, 0.0
    for xb, hb in _blocks(x, x_hat):  # float64 a block at a time
        img = xb.reshape(-1, 28, 28) > threshold
        n_ink = _ink_neighbours(img)
        edge = (img & (n_ink < 4)) | (~img & (n_ink > 0))
        sq = ((xb - hb) ** 2).reshape(-1, 28, 28)
        n_edge += int(edge.sum())
        total += float(sq.sum())
        on_edge += float(sq[edge].sum())
    return n_edge / x.size, on_edge / total if total > 0 else 0.0


def nearest_neighbour_rmse(
    samples: np.ndarray, reference: np.ndarray, *, batch_size: int = 500
) -> np.ndarray:
    """For each sample, the root-mean-square pixel distance to its nearest image in ``reference``.

    Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``): 0 means the sample is a copy of
    a reference (training) image.

    Returns
    -------
    np.ndarray
        Shape ``(n_samples,)``, in pixel-intensity units.

    Examples
    --------
    >>> ref = np.random.default_rng(0).random((50, 784)).astype("float32")
    >>> nearest_neighbour_rmse(ref[:3], ref).tolist()
    [0.0, 0.0, 0.0]
    """
    s = as_images(samples, name="samples", layout="flat").astype(np.float64)
    r = as_images(reference, name="reference", layout="flat")
    batch_size = check_int(batch_size, "batch_size")
    s_sq = (s * s).sum(axis=1)
    best = np.full(len(s), np.inf)
    # Float64 (a copy must come out at exactly 0), a block of the reference at a time: the whole
    # training set in float64 with a (500, 60000) distance matrix beside it took over 1 GB.
    step = 5000
    for r_start in range(0, len(r), step):
        block = r[r_start:r_start + step].astype(np.float64)
        b_sq = (block * block).sum(axis=1)
        for start in range(0, len(s), batch_size):
            chunk = s[start:start + batch_size]
            d2 = chunk @ block.T
            d2 *= -2.0
            d2 += s_sq[start:start + batch_size, None]
            d2 += b_sq[None, :]
            np.minimum(best[start:start + batch_size], d2.min(axis=1),
                       out=best[start:start + batch_size])
    out = np.sqrt(np.maximum(best, 0.0) / s.shape[1])
    return np.where(out < 1e-6, 0.0, out)
