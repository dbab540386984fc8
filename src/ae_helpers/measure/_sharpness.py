"""How sharp images are: edge strength, grey ink, and the judge's confidence.

Introduced in chapter 5 (``book/05_beyond.ipynb``), where real digits, autoencoder reconstructions
and VAE samples are compared.

A decoder trained with a per-pixel likelihood (Bernoulli or Gaussian) outputs the *mean* of each
pixel's distribution. Where the model is unsure whether a stroke passes through a pixel, the mean is
grey rather than black or white: uncertainty becomes blur. Three numbers measure it:

* :func:`rms_gradient`: the root-mean-square size of the intensity step between neighbouring
  pixels. A sharp stroke edge goes from 0 to 1 in one pixel; a blurred one spreads the rise over
  several smaller steps, whose squares add up to less.
* :func:`grey_share`: of the pixels that carry any ink, the share that is neither near-white nor
  near-black ink.
* :func:`confidence`: the judge's top class probability; blurred, ambiguous strokes lower it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import as_images, check_number


BLOCK = 1000
"""Images whose gradients :func:`rms_gradient` computes at a time."""


def gradient_magnitude(images: Any) -> np.ndarray:
    """Per-pixel size of the intensity gradient, ``sqrt(dx**2 + dy**2)``, shape ``(n, 27, 27)``.

    ``dx`` and ``dy`` are forward differences between horizontal and vertical neighbours (taken
    on the 27 × 27 pixels that have both a right and a lower neighbour).

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    images : array-like
        ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)`` floats in [0, 1].

    Examples
    --------
    >>> x = np.zeros((1, 28, 28), "float32"); x[0, :, 14:] = 1.0   # one vertical edge
    >>> g = gradient_magnitude(x)
    >>> g.shape, float(g.max()), int((g > 0).sum())
    ((1, 27, 27), 1.0, 27)
    """
    x = as_images(images, layout="image").astype(np.float64)
    dx = x[:, :-1, 1:] - x[:, :-1, :-1]
    dy = x[:, 1:, :-1] - x[:, :-1, :-1]
    return np.sqrt(dx**2 + dy**2)


def rms_gradient(images: Any) -> np.ndarray:
    """Sharpness of each image: the root-mean-square of its gradient magnitude, shape ``(n,)``.

    A sharp stroke edge goes from white to black in one step of size 1; blurred, the same rise
    is spread over several smaller steps. The *plain* mean of the step sizes would hardly notice
    (0 → 0.5 → 1 adds up to the same 1 as 0 → 1), but the mean of their *squares* does
    (0.25 + 0.25 < 1): squaring rewards one big step over several small ones. A blank image
    scores 0.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> sharp = np.zeros((1, 28, 28), "float32"); sharp[0, 10:18, 10:18] = 1.0
    >>> soft = sharp.copy(); soft[0, 9, 10:18] = soft[0, 18, 10:18] = 0.5
    >>> soft[0, 10:18, 9] = soft[0, 10:18, 18] = 0.5
    >>> float(rms_gradient(sharp)[0]) > float(rms_gradient(soft)[0])
    True
    >>> round(float(rms_gradient(sharp)[0]), 3), round(float(rms_gradient(soft)[0]), 3)
    (0.21, 0.157)
    """
    x = as_images(images, layout="image")
    # A block of images at a time: gradient_magnitude works in float64, and all 10,000 training
    # images of chapter 5 at once took about 0.3 GB. Each image's value is the same in any block.
    return np.concatenate([np.sqrt((gradient_magnitude(x[i : i + BLOCK]) ** 2).mean(axis=(1, 2)))
                           for i in range(0, len(x), BLOCK)])


def grey_share(images: Any, *, ink: float = 0.1, solid: float = 0.9) -> np.ndarray:
    """Of each image's inked pixels (above ``ink``), the share that is not solid (below ``solid``).

    0 means every stroke pixel is solid ink; near 1 means the strokes are a grey haze. An image
    without any inked pixel gets ``nan``.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    images : array-like
        MNIST-size images in [0, 1].
    ink : float
        A pixel above this carries ink.
    solid : float
        An inked pixel at or above this is solid.

    Raises
    ------
    ValueError
        If the thresholds are not ``0 <= ink < solid <= 1``.

    Examples
    --------
    >>> x = np.zeros((1, 28, 28), "float32"); x[0, 5, :4] = [1.0, 1.0, 0.5, 0.2]
    >>> grey_share(x).tolist()
    [0.5]
    """
    ink = check_number(ink, "ink", minimum=0.0, maximum=1.0)
    solid = check_number(solid, "solid", minimum=0.0, maximum=1.0)
    if not ink < solid:
        raise ValueError(f"need ink < solid, got ink={ink}, solid={solid}")
    x = as_images(images, layout="flat")
    inked = x > ink
    count = inked.sum(axis=1)
    grey = (inked & (x < solid)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, grey / np.maximum(count, 1), np.nan)


def confidence(judge: Any, images: Any) -> np.ndarray:
    """The judge's top class probability for each image, shape ``(n,)``.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    judge, images
        The :class:`Judge` (or anything with ``probabilities(images) -> (n, 10)``) and
        MNIST-size images in [0, 1].

    Examples
    --------
    >>> class Sure:
    ...     def probabilities(self, images):
    ...         return np.eye(10)[np.zeros(len(images), int)]
    >>> confidence(Sure(), np.zeros((2, 784), "float32")).tolist()
    [1.0, 1.0]
    """
    x = as_images(images)
    probs = np.asarray(judge.probabilities(x), dtype=np.float64)
    if probs.shape != (len(x), 10):
        raise ValueError(f"the judge must return (n, 10) probabilities, got {probs.shape}")
    return probs.max(axis=1)


@dataclasses.dataclass(frozen=True)
class Sharpness:
    """Sharpness numbers of one batch of images (means over the batch).

    Attributes
    ----------
    name : str
        What the images are ("real", "AE reconstructions", ...).
    n : int
        Number of images.
    rms_gradient : float
        Mean of :func:`rms_gradient` over the images.
    grey_share : float
        Mean of :func:`grey_share` over the images that have ink.
    confidence : float or None
        Mean of :func:`confidence` (``None`` without a judge).
    per_image_gradient : np.ndarray
        :func:`rms_gradient` of each image, for plots.
    """

    name: str
    n: int
    rms_gradient: float
    grey_share: float
    confidence: float | None
    per_image_gradient: np.ndarray

    def row(self) -> dict[str, Any]:
        """One table row (for :func:`ae_helpers.measure.format_table`)."""
        return {"images": self.name, "n": self.n, "rms_gradient": self.rms_gradient,
                "grey_share": self.grey_share, "judge_confidence": self.confidence}


def sharpness(images: Any, *, name: str = "images", judge: Any | None = None) -> Sharpness:
    """Measure one batch: RMS gradient, grey share and (with a judge) mean confidence.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> x = np.zeros((2, 28, 28), "float32"); x[:, 10:18, 10:18] = 1.0
    >>> s = sharpness(x, name="squares")
    >>> s.n, round(s.rms_gradient, 3), s.grey_share, s.confidence
    (2, 0.21, 0.0, None)
    """
    x = as_images(images, name=name)
    gradient = rms_gradient(x)
    grey = grey_share(x)
    return Sharpness(
        name=str(name),
        n=len(x),
        rms_gradient=float(gradient.mean()),
        grey_share=float(np.nanmean(grey)) if np.isfinite(grey).any() else float("nan"),
        confidence=None if judge is None else float(confidence(judge, x).mean()),
        per_image_gradient=gradient,
    )


def sharpness_table(groups: Mapping[str, Any], *, judge: Any | None = None) -> list[Sharpness]:
    """Measure several named batches of images, in the order given.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> x = np.zeros((2, 784), "float32"); x[:, 300:310] = 1.0
    >>> [s.name for s in sharpness_table({"a": x, "b": x * 0.5})]
    ['a', 'b']
    """
    if not groups:
        raise ValueError("no image batches to measure")
    return [sharpness(images, name=name, judge=judge) for name, images in groups.items()]
