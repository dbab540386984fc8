"""Using a trained conditional VAE: ask for a digit, get it in a style drawn from the prior.

Introduced in chapter 5 (``book/05_beyond.ipynb``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import as_images, check_codes, check_int, check_labels
from ..models import ConditionalVAE, run_model
from ._space import sample_normal


def requested_labels(digits: Sequence[int] | int = 10, n_per_digit: int = 10) -> np.ndarray:
    """The labels of a conditioned grid: each digit repeated ``n_per_digit`` times, in order.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    digits : int or sequence of int
        The digits to ask for (rows of the grid); an int ``k`` means ``0 … k-1``.
    n_per_digit : int
        Samples per digit (columns of the grid).

    Examples
    --------
    >>> requested_labels([3, 7], 2).tolist()
    [3, 3, 7, 7]
    """
    rows = list(range(digits)) if isinstance(digits, (int, np.integer)) else list(digits)
    n_per_digit = check_int(n_per_digit, "n_per_digit")
    return np.repeat(check_labels(np.asarray(rows, dtype=np.int64), name="digits"), n_per_digit)


def conditioned_samples(
    cvae: ConditionalVAE,
    labels: Any,
    *,
    seed: int = 0,
    codes: Any | None = None,
    batch_size: int = 1000,
) -> np.ndarray:
    """Generate one image per requested label: a style code from the prior, decoded with the label.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    cvae : ConditionalVAE
        A (trained) conditional VAE.
    labels : array-like of int
        The digit to draw for each image, shape ``(n,)`` (see :func:`requested_labels`).
    seed : int
        Seed of the style codes drawn from ``N(0, I)``.
    codes : array-like, optional
        Use these codes ``(n, latent_dim)`` instead of drawing them: the same code with different
        labels draws different digits in the same style.
    batch_size : int
        Codes per forward pass.

    Returns
    -------
    np.ndarray
        Images ``(n, 28, 28)`` in [0, 1], in the order of ``labels``.

    Examples
    --------
    >>> from ae_helpers.models import dense_cvae
    >>> cvae = dense_cvae(2, hidden=(8,))
    >>> conditioned_samples(cvae, requested_labels(10, 3)).shape
    (30, 28, 28)
    """
    if not isinstance(cvae, ConditionalVAE):
        raise TypeError(f"cvae must be a ConditionalVAE, got {type(cvae).__name__}")
    y = check_labels(labels, n_classes=cvae.n_classes)
    if codes is None:
        z = sample_normal(len(y), cvae.latent_dim, seed=seed)
    else:
        z = check_codes(codes, dim=cvae.latent_dim)
        if len(z) != len(y):
            raise ValueError(f"codes must hold one code per label ({len(y)}), got {len(z)}")
    one_hot = np.eye(cvae.n_classes, dtype=np.float32)[y]
    out = run_model(cvae.decoder, [z, one_hot], batch_size=batch_size)[0]
    return as_images(np.clip(out, 0.0, 1.0), name="generated images", layout="image")


def conditional_reconstruct(cvae: ConditionalVAE, images: Any, labels: Any) -> np.ndarray:
    """Reconstruct images through a conditional VAE from the encoder's mean (no sampling).

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> from ae_helpers.models import dense_cvae
    >>> conditional_reconstruct(dense_cvae(2, hidden=(8,)), np.zeros((2, 784), "float32"), [1, 2]).shape
    (2, 28, 28)
    """
    x = as_images(images, layout="flat")
    y = check_labels(labels, len(x), n_classes=cvae.n_classes)
    one_hot = np.eye(cvae.n_classes, dtype=np.float32)[y]
    mean, _ = run_model(cvae.encoder, [x, one_hot])
    out = run_model(cvae.decoder, [mean, one_hot])[0]
    return as_images(np.clip(out, 0.0, 1.0), name="reconstructions", layout="image")
