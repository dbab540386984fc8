"""How well a VAE models held-out images: the negative ELBO and its two terms, in nats.

Introduced in chapter 4 (``book/04_vae.ipynb``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_int, check_seed
from ..latent import posterior
from ..models import VAE, model_input, run_model


class ElboTerms(NamedTuple):
    """Held-out loss terms of a VAE, averaged over images, in nats (squared error: summed over pixels)."""

    reconstruction: float
    kl: float
    squared_error: float

    @property
    def negative_elbo(self) -> float:
        """The negative evidence lower bound, in nats (summed BCE plus KL)."""
        return self.reconstruction + self.kl


def elbo_terms(vae: VAE, x: Any, *, n_samples: int = 4, seed: int = 0,
               batch_size: int = 1000) -> ElboTerms:
    """Held-out reconstruction (summed BCE), KL and squared error of a VAE, averaged over images.

    The KL is the closed form; the reconstruction terms average ``n_samples`` draws of
    ``z ~ q(z|x)`` per image (an unbiased estimate of the expectation in the ELBO).

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    vae : VAE
        A (trained) VAE.
    x : array-like
        Images in [0, 1], ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)``.
    n_samples : int
        Draws of ``z`` per image.
    seed : int
        Seed of the draws.

    Examples
    --------
    >>> from ae_helpers.models import dense_vae
    >>> terms = elbo_terms(dense_vae(2, hidden=(8,)), np.full((5, 784), 0.5, "float32"))
    >>> round(terms.negative_elbo - terms.reconstruction - terms.kl, 6)
    0.0
    """
    n_samples = check_int(n_samples, "n_samples")
    images = model_input(vae.encoder, x, name="x")
    mean, log_var = posterior(vae, images, batch_size=batch_size)
    flat = images.reshape(len(images), -1).astype(np.float64)
    rng = np.random.default_rng(check_seed(seed))
    bce, sq = 0.0, 0.0
    for _ in range(int(n_samples)):
        z = mean + np.exp(log_var / 2) * rng.standard_normal(mean.shape).astype(np.float32)
        (x_hat,) = run_model(vae.decoder, z, batch_size=batch_size)
        x_hat = np.clip(x_hat.reshape(len(images), -1).astype(np.float64), 1e-7, 1 - 1e-7)
        bce += float(-(flat * np.log(x_hat) + (1 - flat) * np.log1p(-x_hat)).sum(axis=1).mean())
        sq += float(((flat - x_hat) ** 2).sum(axis=1).mean())
    kl = -0.5 * (1 + log_var - mean**2 - np.exp(log_var)).astype(np.float64).sum(axis=1)
    return ElboTerms(bce / n_samples, float(kl.mean()), sq / n_samples)


def negative_elbo(vae: VAE, x: Any, *, n_samples: int = 4, seed: int = 0) -> float:
    """Held-out negative ELBO of a VAE in nats per image: summed BCE + KL, averaged over ``x``.

    Lower is better; it bounds ``-log p(x)`` from above. See :func:`elbo_terms` for the two parts.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> from ae_helpers.models import dense_vae
    >>> round(negative_elbo(dense_vae(2, hidden=(8,)), np.full((5, 784), 0.5, "float32")) / 784, 1)
    0.7
    """
    return elbo_terms(vae, x, n_samples=n_samples, seed=seed).negative_elbo
