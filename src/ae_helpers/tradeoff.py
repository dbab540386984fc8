"""Where a VAE spends its KL budget: the rate of each latent dimension, and how many are in use.

Introduced in chapter 5 (``book/05_beyond.ipynb``).

The KL term of a VAE's loss is the *rate*: how many nats of information about the image the code
carries (Alemi et al., 2018). It is a sum over the latent dimensions, so it can be split: a dimension
whose KL is near 0 has ``q(z_i | x) ≈ N(0, 1)`` for every image, carries no information, and the
decoder ignores it (an *inactive* or *collapsed* dimension). Giving a VAE more latent dimensions
does not mean it uses them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .vae import posterior


def kl_per_dimension(vae: Any, x: Any, *, batch_size: int = 1000) -> np.ndarray:
    """Mean KL divergence of each latent dimension over images ``x``, in nats, shape ``(latent_dim,)``.

    ``-0.5 * (1 + log_var - mean**2 - exp(log_var))`` per dimension, averaged over the images; the
    entries add up to the VAE's KL term (the rate).

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    vae : ae_helpers.vae.VAE
        A (trained) VAE.
    x : array-like
        Images in [0, 1], any MNIST layout.
    batch_size : int
        Images per forward pass.

    Examples
    --------
    >>> from ae_helpers.vae import dense_vae
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
    if not (np.isfinite(threshold) and threshold >= 0):
        raise ValueError(f"threshold must be a non-negative number, got {threshold!r}")
    return int((arr > threshold).sum())


__all__ = ["active_dimensions", "kl_per_dimension"]
