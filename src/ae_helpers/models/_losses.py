"""The VAE's loss terms (reconstruction, KL divergence, negative ELBO) and importance log weights, in nats.

Introduced in chapter 4 (``book/04_vae.ipynb``).

The encoder of a VAE gives each image a normal distribution ``q(z|x) = N(mean, exp(log_var))`` over
the latent space (diagonal covariance). The loss of one image is

    reconstruction(x, decoder(z)) + beta * KL(q(z|x) || N(0, I)),    z ~ q(z|x)

With ``beta = 1`` and the Bernoulli (binary cross-entropy) reconstruction it is the *negative
evidence lower bound* (negative ELBO), an upper bound on ``-log p(x)`` in nats.

Both terms are **summed** over their axes (pixels, latent dimensions) for each image and only then
averaged over the batch. Averaging either one instead changes its weight against the other by a factor
784 (pixels) or by the latent size: a common, silent bug.

The functions taking tensors use Keras ops, so they run inside a model on every backend and also accept
NumPy arrays (convert results with ``np.asarray``). :func:`kl_divergence_mc` is NumPy only: it is a
check for the reader, not part of the model.

:func:`log_weights_from` gives the importance log weights ``log p(x, z) - log q(z|x)`` of ``k`` codes
per image, from which the IWAE's loss and the likelihood estimates of chapter 6 are made
(``book/06_likelihood.ipynb``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from keras import ops

from .._checks import check_int, check_observation, check_seed, range_message

RECONSTRUCTIONS = ("bce", "mse")
_EPSILON = 1e-7  # Keras's own clipping of probabilities in binary cross-entropy
LOG_2PI = math.log(2.0 * math.pi)


def _tensor_like(value: Any) -> Any:
    """Leave tensors and arrays alone; turn lists and scalars into float32 arrays."""
    return value if hasattr(value, "shape") else np.asarray(value, dtype=np.float32)


ROWS = 1000
"""Examples per call when a loss is given NumPy arrays (a whole test set) rather than a batch."""


def _by_rows(loss: Callable[[Any, Any], Any], x: Any, x_hat: Any) -> Any | None:
    """``loss`` of two NumPy arrays ``ROWS`` examples at a time, concatenated; ``None`` when the
    inputs are backend tensors (a training step) or hold at most ``ROWS`` examples.

    Backend ops on a whole image set at once grow the backend's memory pools to that size for the
    rest of the session (TensorFlow kept about 180 MB after one loss on the 10,000 test images);
    each example's loss is the same in any batch.

    Examples
    --------
    >>> x = np.full((2500, 3), 0.5, "float32")
    >>> tuple(_by_rows(squared_error, x, x).shape)
    (2500,)
    """
    if not (isinstance(x, np.ndarray) and isinstance(x_hat, np.ndarray)) or len(x) <= ROWS:
        return None
    return ops.concatenate([loss(x[i : i + ROWS], x_hat[i : i + ROWS])
                            for i in range(0, len(x), ROWS)])


def _per_example_sum(values: Any) -> Any:
    """Sum a ``(batch, ...)`` tensor over every axis but the first."""
    axes = tuple(range(1, len(values.shape)))
    return ops.sum(values, axis=axes) if axes else values


def kl_divergence(mean: Any, log_var: Any) -> Any:
    """KL divergence of ``N(mean, exp(log_var))`` from ``N(0, I)``, closed form, per example.

    ``-0.5 * sum(1 + log_var - mean**2 - exp(log_var))``, summed over the latent dimensions: the
    formula of the article the book follows (Gupta, 2021), derived in Kingma & Welling (2014),
    appendix B.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    mean, log_var : array-like or tensor
        Shape ``(batch, latent_dim)``: the encoder's means and log-variances.

    Returns
    -------
    tensor
        Shape ``(batch,)``, in nats, never negative; 0 exactly where ``mean = 0`` and ``log_var = 0``.

    Raises
    ------
    ValueError
        If the two shapes differ or are not ``(batch, latent_dim)``.

    Examples
    --------
    >>> m = np.array([[0.0, 0.0], [1.0, 0.0]], dtype="float32")
    >>> np.asarray(kl_divergence(m, np.zeros_like(m))).round(3).tolist()
    [0.0, 0.5]
    """
    mean, log_var = _tensor_like(mean), _tensor_like(log_var)
    if tuple(mean.shape) != tuple(log_var.shape) or len(mean.shape) != 2:
        raise ValueError(
            "mean and log_var must both have shape (batch, latent_dim); got "
            f"{tuple(mean.shape)} and {tuple(log_var.shape)}"
        )
    mean = ops.convert_to_tensor(mean, dtype="float32")
    log_var = ops.convert_to_tensor(log_var, dtype="float32")
    # Each term 1 + l - e^l <= 0 and -m^2 <= 0: the sum of per-dimension KLs is >= 0.
    per_dim = -0.5 * (1.0 + log_var - ops.square(mean) - ops.exp(log_var))
    return ops.sum(per_dim, axis=-1)


class Estimate(NamedTuple):
    """A Monte-Carlo estimate with its standard error (both per example)."""

    value: np.ndarray
    stderr: np.ndarray


def kl_divergence_mc(mean: Any, log_var: Any, n_samples: int = 10_000, seed: int = 0) -> Estimate:
    """Monte-Carlo estimate of the same KL divergence, with its standard error (NumPy).

    Draws ``z = mean + exp(log_var / 2) * eps`` with ``eps ~ N(0, I)`` and averages
    ``log q(z) - log N(z; 0, I)`` over ``n_samples`` draws. It needs no formula for the KL, so it
    checks the closed form of :func:`kl_divergence`.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    mean, log_var : array-like
        Shape ``(batch, latent_dim)``.
    n_samples : int
        Draws per example (at least 2, for the standard error).
    seed : int
        Seed of the draws.

    Returns
    -------
    Estimate
        ``value`` and ``stderr``, each of shape ``(batch,)``, in nats.

    Examples
    --------
    >>> est = kl_divergence_mc([[1.0, 0.0]], [[0.0, 0.0]], n_samples=20_000)
    >>> abs(float(est.value[0]) - 0.5) < 4 * float(est.stderr[0])
    True
    """
    mean = np.asarray(mean, dtype=np.float64)
    log_var = np.asarray(log_var, dtype=np.float64)
    if mean.shape != log_var.shape or mean.ndim != 2:
        raise ValueError(
            "mean and log_var must both have shape (batch, latent_dim); got "
            f"{mean.shape} and {log_var.shape}"
        )
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    eps = np.random.default_rng(check_seed(seed)).standard_normal((n_samples,) + mean.shape)
    z = mean + np.exp(log_var / 2) * eps
    # log N(z; m, s^2) - log N(z; 0, 1) per dimension; the log(2 pi) terms cancel.
    log_ratio = (-0.5 * log_var - 0.5 * eps**2 + 0.5 * z**2).sum(axis=-1)  # (n_samples, batch)
    return Estimate(log_ratio.mean(axis=0), log_ratio.std(axis=0, ddof=1) / np.sqrt(n_samples))


def bce_reconstruction(x: Any, x_hat: Any) -> Any:
    """Bernoulli reconstruction loss: binary cross-entropy summed over pixels, per example, in nats.

    ``-sum(x * log(x_hat) + (1 - x) * log(1 - x_hat))``, with ``x_hat`` clipped to
    ``[1e-7, 1 - 1e-7]`` as Keras does. For grey (non-binary) pixels it is the cross-entropy of each
    pixel's intensity read as a probability; its minimum is then above 0.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    x, x_hat : array-like or tensor
        Images and reconstructions in [0, 1], same shape ``(batch, ...)``. Images given as NumPy
        arrays are checked (NaN, or values outside [0, 1] such as 0-255 pixels, are refused); a
        backend tensor, as inside training, is taken as it is.

    Returns
    -------
    tensor
        Shape ``(batch,)``.

    Raises
    ------
    ValueError
        If ``x`` is a NumPy array holding NaN/inf or values outside [0, 1].

    Examples
    --------
    >>> x = np.array([[1.0, 0.0]], dtype="float32")
    >>> np.asarray(bce_reconstruction(x, np.array([[0.5, 0.5]], "float32")), float).round(4).tolist()
    [1.3863]
    """
    x, x_hat = _check_pair(x, x_hat)
    _check_pixels(x, "x")
    by_rows = _by_rows(bce_reconstruction, x, x_hat)
    if by_rows is not None:
        return by_rows
    x = ops.convert_to_tensor(x, dtype="float32")
    x_hat = ops.clip(ops.convert_to_tensor(x_hat, dtype="float32"), _EPSILON, 1.0 - _EPSILON)
    per_pixel = -(x * ops.log(x_hat) + (1.0 - x) * ops.log(1.0 - x_hat))
    return _per_example_sum(per_pixel)


def squared_error(x: Any, x_hat: Any) -> Any:
    """Squared error summed over pixels, per example: ``sum((x - x_hat)**2)``.

    As a loss it is the negative log-likelihood of a Gaussian decoder with pixel variance
    ``sigma**2 = 1/2``, up to a constant; multiplying the KL term by ``beta`` is then the same as a
    Gaussian decoder with ``sigma**2 = beta / 2``.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> x = np.array([[1.0, 0.0]], dtype="float32")
    >>> np.asarray(squared_error(x, np.array([[0.5, 0.5]], "float32"))).tolist()
    [0.5]
    """
    x, x_hat = _check_pair(x, x_hat)
    by_rows = _by_rows(squared_error, x, x_hat)
    if by_rows is not None:
        return by_rows
    x = ops.convert_to_tensor(x, dtype="float32")
    x_hat = ops.convert_to_tensor(x_hat, dtype="float32")
    return _per_example_sum(ops.square(x - x_hat))


def reconstruction_loss(x: Any, x_hat: Any, kind: str = "bce") -> Any:
    """Per-example reconstruction loss of the named kind: ``"bce"`` or ``"mse"``.

    ``"bce"`` is :func:`bce_reconstruction` (nats); ``"mse"`` is :func:`squared_error` (summed, not
    averaged, over pixels).

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Raises
    ------
    ValueError
        If ``kind`` is not one of the two.

    Examples
    --------
    >>> x = np.array([[1.0, 0.0]], dtype="float32")
    >>> np.asarray(reconstruction_loss(x, x, "mse")).tolist()
    [0.0]
    """
    if kind == "bce":
        return bce_reconstruction(x, x_hat)
    if kind == "mse":
        return squared_error(x, x_hat)
    raise ValueError(f"reconstruction must be one of {RECONSTRUCTIONS}, got {kind!r}")


def negative_elbo_per_example(x: Any, x_hat: Any, mean: Any, log_var: Any) -> Any:
    """Negative ELBO of each example for one draw of ``z``: summed BCE + closed-form KL, in nats.

    Returns a tensor of shape ``(batch,)``. Introduced in chapter 4 (``book/04_vae.ipynb``). For a
    trained model on a whole data set, use :func:`ae_helpers.measure.negative_elbo`.

    Parameters
    ----------
    x, x_hat : array-like or tensor
        Images and their reconstructions from one sampled ``z``, shape ``(batch, ...)``.
    mean, log_var : array-like or tensor
        The encoder's outputs for ``x``, shape ``(batch, latent_dim)``.

    Examples
    --------
    >>> x = np.full((1, 4), 0.5, "float32"); m = np.zeros((1, 2), "float32")
    >>> np.asarray(negative_elbo_per_example(x, x, m, m), float).round(4).tolist()  # 4 * log 2 + 0
    [2.7726]
    """
    return bce_reconstruction(x, x_hat) + kl_divergence(mean, log_var)


def _check_pixels(x: Any, name: str) -> None:
    """Refuse NumPy images with NaN or values outside [0, 1] (backend tensors pass unchecked:
    inside a training step their values cannot be read)."""
    if isinstance(x, np.ndarray) and x.size and np.issubdtype(x.dtype, np.number):
        lo, hi = float(np.min(x)), float(np.max(x))
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(f"{name} contains NaN or infinite values; the cross-entropy of such "
                             "pixels is undefined: drop or repair those images")
        if lo < 0.0 or hi > 1.0:
            raise ValueError(range_message(name, lo, hi))


def _check_pair(x: Any, x_hat: Any) -> tuple[Any, Any]:
    x, x_hat = _tensor_like(x), _tensor_like(x_hat)
    if tuple(x.shape) != tuple(x_hat.shape) or len(x.shape) < 2:
        raise ValueError(
            "images and reconstructions must have the same shape (batch, ...); got "
            f"{tuple(x.shape)} and {tuple(x_hat.shape)}"
        )
    return x, x_hat


def log_weights_from(
    x: Any, mean: Any, log_var: Any, eps: Any, decoder: Callable[[Any], Any], *,
    observation: str = "bernoulli", sigma: float = 1.0, binary: bool = False,
) -> Any:
    """``log w = log p(x|z) + log p(z) - log q(z|x)`` for ``z = mean + exp(log_var / 2) * eps``.

    The building block of :func:`ae_helpers.measure.log_likelihood` and of :class:`IWAE`'s loss, in Keras ops (so it
    can be differentiated on any backend).

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    x : tensor
        Images ``(b, pixels)``.
    mean, log_var : tensor
        ``q(z|x)`` for each image, ``(b, d)``.
    eps : tensor
        Standard normal draws ``(k, b, d)``: ``k`` codes per image.
    decoder : callable
        Maps codes ``(k * b, d)`` to Bernoulli probabilities (or Gaussian means) ``(k * b, ...)``.
    observation : {"bernoulli", "gaussian"}
        ``p(x|z)``: independent Bernoulli pixels (probabilities clipped to ``[1e-7, 1 - 1e-7]``), or
        independent Gaussians with standard deviation ``sigma``.
    sigma : float
        Standard deviation of the Gaussian observation model.
    binary : bool
        Promise that every pixel of ``x`` is 0 or 1: the Bernoulli term then takes one logarithm per
        pixel instead of two (the same value, about a third faster).

    Returns
    -------
    tensor
        ``(k, b)`` log weights, in nats.

    Examples
    --------
    >>> decoder = lambda z: ops.zeros((ops.shape(z)[0], 3)) + 0.5
    >>> w = log_weights_from(np.ones((2, 3), "float32"), np.zeros((2, 1), "float32"),
    ...                      np.zeros((2, 1), "float32"), np.zeros((4, 2, 1), "float32"), decoder)
    >>> np.asarray(w, float).round(4).tolist()[0]  # 3 log(1/2): p(z) = q(z|x) here
    [-2.0794, -2.0794]
    """
    sigma = check_observation(observation, sigma)
    x = ops.convert_to_tensor(x, dtype="float32")
    mean = ops.convert_to_tensor(mean, dtype="float32")
    log_var = ops.convert_to_tensor(log_var, dtype="float32")
    eps = ops.convert_to_tensor(eps, dtype="float32")
    k, b, d = ops.shape(eps)[0], ops.shape(eps)[1], ops.shape(eps)[2]
    z = mean[None] + ops.exp(0.5 * log_var)[None] * eps                  # (k, b, d)
    decoded = decoder(ops.reshape(z, (k * b, d)))
    decoded = ops.reshape(decoded, (k, b, -1))                            # (k, b, pixels)
    x = ops.reshape(x, (1, b, -1))
    if observation == "bernoulli" and binary:
        # For 0/1 pixels x log p + (1 - x) log(1 - p) = log(p if x else 1 - p): one log, not two.
        p = ops.clip(decoded, _EPSILON, 1.0 - _EPSILON)
        log_px = ops.sum(ops.log(ops.where(x > 0.5, p, 1.0 - p)), axis=-1)
    elif observation == "bernoulli":
        p = ops.clip(decoded, _EPSILON, 1.0 - _EPSILON)
        log_px = ops.sum(x * ops.log(p) + (1.0 - x) * ops.log(1.0 - p), axis=-1)
    else:
        pixels = ops.cast(ops.shape(decoded)[-1], "float32")
        log_px = (-0.5 * ops.sum(ops.square(x - decoded), axis=-1) / sigma**2
                  - pixels * (0.5 * LOG_2PI + math.log(sigma)))
    log_pz = -0.5 * ops.sum(ops.square(z) + LOG_2PI, axis=-1)
    log_qz = -0.5 * ops.sum(ops.square(eps) + LOG_2PI + log_var[None], axis=-1)
    return log_px + log_pz - log_qz
