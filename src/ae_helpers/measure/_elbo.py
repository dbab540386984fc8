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
    """Held-out loss terms of a VAE, averaged over images: the summed BCE in nats, the KL in nats
    and the summed squared error, whatever the model trained on; ``kind`` is the model's own
    reconstruction term (``"bce"`` or ``"mse"``), and only a ``"bce"`` model has a negative ELBO."""

    reconstruction: float
    kl: float
    squared_error: float
    kind: str = "bce"

    @property
    def negative_elbo(self) -> float:
        """The negative evidence lower bound, in nats (summed BCE plus KL); only for a VAE whose
        reconstruction term is the cross-entropy (``kind == "bce"``)."""
        if self.kind != "bce":
            raise ValueError(_NOT_NATS.format(kind=self.kind))
        return self.reconstruction + self.kl


_NOT_NATS = (
    "this VAE's reconstruction term is {kind!r} (summed squared error), which is not a "
    "log-likelihood, so its loss is no bound on -log p(x) in nats; compare such models by "
    "elbo_terms(vae, x).squared_error + .kl (their own training loss at beta 1), or train with "
    "reconstruction='bce' for a negative ELBO in nats")


def _check_vae(vae: Any) -> None:
    if not isinstance(vae, VAE):
        raise TypeError(
            f"vae must be a VAE (an encoder of mean and log-variance with a decoder), got "
            f"{type(vae).__name__} {getattr(vae, 'name', '')!r}; an autoencoder has no posterior "
            "and so no ELBO: measure it with measure.per_image_error, or build a VAE with "
            "dense_vae")


def elbo_terms(vae: VAE, x: Any, *, n_samples: int = 4, seed: int = 0,
               batch_size: int = 1000) -> ElboTerms:
    """Held-out reconstruction (summed BCE), KL and squared error of a VAE, averaged over images.

    Both reconstruction measures are given for any VAE (to compare models trained on either);
    ``kind`` records the model's own term, and ``.negative_elbo`` is refused for a VAE trained on
    the squared error (its loss is no bound in nats). The KL is the closed form; the
    reconstruction terms average ``n_samples`` draws of ``z ~ q(z|x)`` per image (an unbiased
    estimate of the expectation in the ELBO).

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
    _check_vae(vae)
    n_samples = check_int(n_samples, "n_samples")
    images = model_input(vae.encoder, x, name="x")
    batch_size = check_int(batch_size, "batch_size")
    mean, log_var = posterior(vae, images, batch_size=batch_size)
    flat = images.reshape(len(images), -1)
    rng = np.random.default_rng(check_seed(seed))
    bce, sq = 0.0, 0.0
    for _ in range(int(n_samples)):
        z = mean + np.exp(log_var / 2) * rng.standard_normal(mean.shape).astype(np.float32)
        per_bce, per_sq = _per_image_errors(vae.decoder, z, flat, batch_size)
        bce += float(per_bce.mean())
        sq += float(per_sq.mean())
    kl = -0.5 * (1 + log_var - mean**2 - np.exp(log_var)).astype(np.float64).sum(axis=1)
    return ElboTerms(bce / n_samples, float(kl.mean()), sq / n_samples, vae.reconstruction)


def _per_image_errors(decoder: Any, z: np.ndarray, flat: np.ndarray,
                      batch_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Summed BCE and summed squared error of each image's decoded code, ``(n,)`` float64 each.

    Decoded and compared ``batch_size`` images at a time, in float64 within a batch: the float64
    copies of 10,000 test images, their reconstructions and the terms between them once took
    about 0.3 GB at a time. Each image's sums are the same whatever the batch.

    Examples
    --------
    >>> from ae_helpers.models import dense_decoder
    >>> bce, sq = _per_image_errors(dense_decoder(2, hidden=(8,)), np.zeros((5, 2), "float32"),
    ...                             np.full((5, 784), 0.5, "float32"), 2)
    >>> bce.shape, sq.dtype
    ((5,), dtype('float64'))
    """
    bce, sq = [], []
    for start in range(0, len(flat), batch_size):
        x = flat[start : start + batch_size].astype(np.float64)
        (x_hat,) = run_model(decoder, z[start : start + batch_size], batch_size=batch_size)
        x_hat = np.clip(x_hat.reshape(len(x), -1).astype(np.float64), 1e-7, 1 - 1e-7)
        bce.append(-(x * np.log(x_hat) + (1 - x) * np.log1p(-x_hat)).sum(axis=1))
        sq.append(((x - x_hat) ** 2).sum(axis=1))
    return np.concatenate(bce), np.concatenate(sq)


def negative_elbo(vae: VAE, x: Any, *, n_samples: int = 4, seed: int = 0) -> float:
    """Held-out negative ELBO of a VAE in nats per image: summed BCE + KL, averaged over ``x``.

    Lower is better; it bounds ``-log p(x)`` from above. See :func:`elbo_terms` for the two parts.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Raises
    ------
    TypeError
        If ``vae`` is not a VAE (an autoencoder has no ELBO).
    ValueError
        If the VAE's reconstruction term is the squared error (``reconstruction="mse"``): its
        loss is not a bound in nats; :func:`elbo_terms` gives its own terms.

    Examples
    --------
    >>> from ae_helpers.models import dense_vae
    >>> round(negative_elbo(dense_vae(2, hidden=(8,)), np.full((5, 784), 0.5, "float32")) / 784, 1)
    0.7
    """
    _check_vae(vae)
    if vae.reconstruction != "bce":
        raise ValueError("negative_elbo(vae): " + _NOT_NATS.format(kind=vae.reconstruction))
    return elbo_terms(vae, x, n_samples=n_samples, seed=seed).negative_elbo
