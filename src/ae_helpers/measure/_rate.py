"""Where a VAE spends its KL budget: the rate of each latent dimension, and how many are in use.

Introduced in chapter 5 (``book/05_beyond.ipynb``).

The KL term of a VAE's loss is the *rate*: how many nats of information about the image the code
carries (Alemi et al., 2018). It is a sum over the latent dimensions, so it can be split: a dimension
whose KL is near 0 has ``q(z_i | x) ≈ N(0, 1)`` for every image, carries no information, and the
decoder ignores it (an *inactive* or *collapsed* dimension). Giving a VAE more latent dimensions
does not mean it uses them.

:func:`posterior_average` explains why VAE samples blur: for a code ``z``, the decoder that best
fits the data (under the per-pixel loss) outputs the average of the training images that could
have produced ``z``, each weighted by how likely its encoder distribution makes ``z``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import as_images, check_number
from ..latent import posterior


def kl_per_dimension(vae: Any, x: Any, *, batch_size: int = 1000) -> np.ndarray:
    """Mean KL divergence of each latent dimension over images ``x``, in nats, shape ``(latent_dim,)``.

    ``-0.5 * (1 + log_var - mean**2 - exp(log_var))`` per dimension, averaged over the images; the
    entries add up to the VAE's KL term (the rate).

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    vae : ae_helpers.models.VAE
        A (trained) VAE.
    x : array-like
        Images in [0, 1], any MNIST layout.
    batch_size : int
        Images per forward pass.

    Examples
    --------
    >>> from ae_helpers.models import dense_vae
    >>> kl_per_dimension(dense_vae(3, hidden=(8,)), np.zeros((4, 784), "float32")).shape
    (3,)
    """
    mean, log_var = posterior(vae, x, batch_size=batch_size)
    mean, log_var = mean.astype(np.float64), log_var.astype(np.float64)
    return (-0.5 * (1.0 + log_var - mean**2 - np.exp(log_var))).mean(axis=0)


def active_dimensions(kl: Any, *, threshold: float = 0.05) -> int:
    """How many latent dimensions carry information: those whose mean KL exceeds ``threshold`` nats.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    kl : array-like
        Per-dimension KL, shape ``(latent_dim,)`` (see :func:`kl_per_dimension`).
    threshold : float
        Nats below which a dimension counts as unused (default 0.05: a tiny fraction of a bit).

    Examples
    --------
    >>> active_dimensions([3.1, 0.001, 2.4, 0.0])
    2
    """
    arr = np.asarray(kl, dtype=np.float64)
    if arr.ndim != 1 or len(arr) == 0 or not np.isfinite(arr).all() or (arr < -1e-9).any():
        raise ValueError(f"kl must be a non-empty 1-D array of non-negative numbers, got {kl!r}")
    threshold = check_number(threshold, "threshold", minimum=0.0)
    return int((arr > threshold).sum())


BLOCK = 2000
"""Images :func:`posterior_average` converts to float64 at a time."""


def posterior_average(mean: Any, log_var: Any, images: Any, codes: Any) -> np.ndarray:
    """For each code ``z``, the average of ``images`` weighted by ``q(z | x_i)``, shape ``(n_codes, 784)``.

    Image ``x_i`` has the encoder distribution ``N(mean_i, exp(log_var_i))``; during training the
    decoder sees ``z`` drawn from it and must reconstruct ``x_i``. For a given ``z``, the pixel
    values that minimise the expected loss (binary cross-entropy or squared error) are the average
    of the images that send codes to ``z``, each weighted by ``q(z | x_i)``: the mean of the
    pixel distribution, not any single image. Where several different digits could have produced
    ``z``, that average is grey. The weights are computed in log space, so far-away codes do not
    underflow to a division by zero.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    mean, log_var : array-like
        The encoder's outputs for ``images``, shape ``(n, latent_dim)``.
    images : array-like
        The ``n`` images in [0, 1], any MNIST layout.
    codes : array-like
        Latent points ``(m, latent_dim)`` to average at.

    Returns
    -------
    np.ndarray
        ``(m, 784)`` flat images in [0, 1].

    Examples
    --------
    >>> x = np.stack([np.zeros(784), np.ones(784)]).astype("float32")
    >>> mean = np.array([[-1.0], [1.0]]); log_var = np.zeros((2, 1))
    >>> avg = posterior_average(mean, log_var, x, [[-1.0], [0.0], [5.0]])
    >>> avg[:, 0].round(3).tolist()  # near the first image, half-way, near the second
    [0.119, 0.5, 1.0]
    """
    m = np.asarray(mean, dtype=np.float64)
    lv = np.asarray(log_var, dtype=np.float64)
    x = as_images(images, layout="flat")  # float64 a block at a time, below
    z = np.asarray(codes, dtype=np.float64)
    if m.ndim != 2 or m.shape != lv.shape or len(m) != len(x):
        raise ValueError(
            f"mean and log_var must both be (n, latent_dim) with n = {len(x)} images; got "
            f"{m.shape} and {lv.shape}"
        )
    if z.ndim != 2 or z.shape[1] != m.shape[1] or len(z) == 0 or not np.isfinite(z).all():
        raise ValueError(f"codes must be finite with shape (m, {m.shape[1]}), got {z.shape}")
    var = np.exp(lv)
    # log N(z_j; m_i, var_i) up to a constant, for every pair (j, i): shape (m, n).
    sq = ((z[:, None, :] - m[None, :, :]) ** 2 / var[None, :, :]).sum(axis=-1)
    log_w = -0.5 * (sq + lv.sum(axis=1)[None, :])
    log_w -= log_w.max(axis=1, keepdims=True)
    w = np.exp(log_w)
    w /= w.sum(axis=1, keepdims=True)
    # w @ x over blocks of images: NumPy would otherwise make a float64 copy of all the images
    # (chapter 5's 10,000: 63 MB); the sum is the same up to float64 rounding.
    out = np.zeros((len(z), x.shape[1]))
    for i in range(0, len(x), BLOCK):
        out += w[:, i : i + BLOCK] @ x[i : i + BLOCK].astype(np.float64)
    return np.clip(out, 0.0, 1.0)
