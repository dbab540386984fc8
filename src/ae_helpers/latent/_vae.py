"""Using a trained VAE: the encoder's distribution q(z|x), reconstructions, samples from the prior, and
how much of the prior N(0, I) lies within a radius.

Introduced in chapter 4 (``book/04_vae.ipynb``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_int, check_memory
from ..models import VAE, model_input, model_output, run_model
from ._space import sample_normal


def posterior(vae: VAE, x: Any, *, batch_size: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's ``(mean, log_var)`` of ``q(z|x)`` for images ``x``: NumPy, ``(n, latent_dim)`` each.

    (:func:`ae_helpers.latent.encode` gives the means alone.)

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> from ae_helpers.models import dense_vae
    >>> mean, log_var = posterior(dense_vae(2, hidden=(8,)), np.zeros((3, 784), "float32"))
    >>> mean.shape, log_var.shape
    ((3, 2), (3, 2))
    """
    mean, log_var = run_model(vae.encoder, model_input(vae.encoder, x, name="x"),
                              batch_size=batch_size)
    return mean, log_var


def reconstruct(vae: VAE, x: Any, *, batch_size: int = 1000) -> np.ndarray:
    """Decode the mean code of each image: the VAE's reconstructions in [0, 1], ``(n, h, w)``
    (colour: ``(n, h, w, c)``).

    The mean ``mu(x)`` rather than a sampled ``z``: the reconstruction the model considers most
    typical, without the sampling noise.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> from ae_helpers.models import dense_vae
    >>> reconstruct(dense_vae(2, hidden=(8,)), np.zeros((3, 784), "float32")).shape
    (3, 28, 28)
    """
    mean, _ = posterior(vae, x, batch_size=batch_size)
    (images,) = run_model(vae.decoder, mean, batch_size=batch_size)
    return model_output(vae.decoder, images, name="reconstructions")


def generate(vae: VAE, n: int, *, seed: int = 0, batch_size: int = 1000) -> np.ndarray:
    """Draw ``n`` codes from the prior ``N(0, I)`` and decode them: ``n`` new images in the
    decoder's image shape (``(n, 28, 28)`` for MNIST).

    The codes are those of :func:`ae_helpers.latent.sample_normal` with the same ``seed``, so
    ``generate(vae, n, seed=s)`` equals ``decode(vae.decoder, sample_normal(n, d, seed=s))``.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> from ae_helpers.models import dense_vae
    >>> generate(dense_vae(2, hidden=(8,)), 4).shape
    (4, 28, 28)
    """
    if not isinstance(vae, VAE):
        raise TypeError(f"vae must be a VAE (see dense_vae), got {type(vae).__name__}")
    from ..models import ConditionalVAE

    if isinstance(vae, ConditionalVAE):
        raise TypeError(
            f"vae is a ConditionalVAE {vae.name!r}, whose decoder needs the label of each image "
            "as well as its code; draw labelled samples with "
            "latent.conditioned_samples(cvae, latent.requested_labels(...)) instead")
    n = check_int(n, "n")
    check_memory(n * (vae.latent_dim + 2 * int(np.prod(vae.decoder.output_shape[1:]))) * 4,
                 f"generate(n={n}) ({n} decoded images)")
    codes = sample_normal(n, vae.latent_dim, seed=seed)
    (images,) = run_model(vae.decoder, codes, batch_size=batch_size)
    return model_output(vae.decoder, images, name="generated images")


def prior_mass_within(radius: float) -> float:
    """Probability that a 2-D standard normal point lies within ``radius`` of the origin.

    It is ``1 - exp(-radius**2 / 2)`` (the squared radius is chi-squared with 2 degrees of freedom).

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> round(prior_mass_within(2.0), 3)
    0.865
    """
    if not np.isfinite(radius) or radius < 0:
        raise ValueError(f"radius must be a non-negative number, got {radius}")
    return float(1.0 - np.exp(-float(radius) ** 2 / 2))
