"""How good is a VAE in nats: the importance-sampled estimate of log p(x), and how it tightens with k.

Introduced in chapter 6 (``book/06_likelihood.ipynb``).

:func:`log_likelihood` evaluates the k-sample bound ``log (1/k) sum_i p(x, z_i) / q(z_i|x)`` of a
trained model (a :class:`~ae_helpers.models.VAE` or :class:`~ae_helpers.models.IWAE`) with a large
``k`` (5,000 in the literature), batched, with a log-sum-exp so that weights of ``exp(-90)`` do not
underflow; :func:`bound_curve` shows how the estimate tightens as ``k`` grows. ``BURDA_TABLE`` holds
the published numbers the book compares with.
"""

from __future__ import annotations

import math
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

from .._checks import check_batch, check_int, check_observation, check_seed, checked_already
from ..models import log_weights_from

#: Burda et al. (2015), Table 1: test log-likelihood (nats) of the one-stochastic-layer models on
#: dynamically binarised MNIST, estimated with k = 5,000 after 3,280 epochs.
BURDA_TABLE = {"VAE (k = 1)": -86.76, "IWAE (k = 5)": -85.54, "IWAE (k = 50)": -84.78}
BURDA_EPOCHS = 3280


EVAL_ROWS = 5000
"""Codes decoded in one call, whatever ``max_rows`` (which sets how the draws are made): a call on
``max_rows = 20,000`` codes of 784 pixels grew TensorFlow's memory pools by about 330 MB for the
rest of the session, one on 5,000 by about 100 MB."""


def _halves(model: Any) -> tuple[Any, Any]:
    encoder, decoder = getattr(model, "encoder", None), getattr(model, "decoder", None)
    if not callable(encoder) or not callable(decoder):
        raise TypeError(
            "model must have callable .encoder (images -> [mean, log_var]) and .decoder "
            f"(codes -> images) attributes, got {type(model).__name__}"
        )
    return encoder, decoder


def _encode(encoder: Any, x: np.ndarray) -> tuple[Any, Any]:
    shape = getattr(encoder, "input_shape", None)
    if isinstance(shape, tuple) and len(shape) > 1 and None not in shape[1:]:
        x = x.reshape((len(x),) + tuple(shape[1:]))
    out = encoder(x, training=False) if isinstance(encoder, keras.Model) else encoder(x)
    mean, log_var = out
    return mean, log_var


class _LogWeights(keras.Model):
    """``log_weights_from`` for one Keras decoder, as one compiled function of
    ``[x, mean, log_var, eps]`` (called with ``predict_on_batch``).

    Called op by op, the estimate writes half a dozen ``(rows, pixels)`` arrays per chunk (the
    probabilities, their clipped copy, the logarithms, ...) and reads them back; compiled, it is
    about twice as fast on two CPU cores: XLA on JAX (the pixel-wise terms fused after the decoder's
    last product), a TensorFlow graph (XLA too, unless TensorFlow's op determinism is on, as after
    :func:`ae_helpers.set_seed`). PyTorch runs it eagerly, without gradients.
    """

    def __init__(self, decoder: keras.Model, observation: str, sigma: float, binary: bool) -> None:
        super().__init__(name="log_weights")
        self.decoder_model = decoder
        self.options = {"observation": observation, "sigma": sigma, "binary": binary}
        with warnings.catch_warnings():
            # Keras declines XLA (and says so in a warning that would land on the chapter's page)
            # when TensorFlow's op determinism is on, as set_seed switches it on; the estimate then
            # runs as a plain compiled graph, about 5 % slower on two CPU cores.
            warnings.filterwarnings("ignore", message=".*jit_compile.*")
            self.jit_compile = keras.backend.backend() in ("tensorflow", "jax")

    def call(self, inputs: Sequence[Any]) -> Any:
        x, mean, log_var, eps = inputs
        with checked_already():  # the observation model was checked once, at the door
            return log_weights_from(x, mean, log_var, eps,
                                    lambda z: self.decoder_model(z, training=False), **self.options)


_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _log_weights_fn(decoder: Any, observation: str, sigma: float,
                    binary: bool) -> Callable[[np.ndarray, Any, Any, np.ndarray], np.ndarray]:
    """``(x, mean, log_var, eps) -> (k, b)`` log weights as NumPy: compiled for a Keras decoder (and
    kept while the decoder lives, so a second estimate does not trace again), eager otherwise."""
    if isinstance(decoder, keras.Model):
        nets = _COMPILED.setdefault(decoder, {})
        key = (observation, float(sigma), bool(binary))
        if key not in nets:
            nets[key] = _LogWeights(decoder, observation, sigma, binary)
        net = nets[key]
        return lambda x, mean, log_var, eps: ops.convert_to_numpy(
            net.predict_on_batch([x, ops.convert_to_numpy(mean), ops.convert_to_numpy(log_var), eps]))

    def eager(x: np.ndarray, mean: Any, log_var: Any, eps: np.ndarray) -> np.ndarray:
        with checked_already():  # the observation model was checked once, not per chunk
            return ops.convert_to_numpy(log_weights_from(x, mean, log_var, eps, decoder,
                                                         observation=observation, sigma=sigma,
                                                         binary=binary))
    return eager


def _checked(model: Any, x: Any, k: Any, seed: Any, observation: Any, sigma: Any,
             max_rows: Any) -> tuple[Any, Any, np.ndarray, int, float, int]:
    """The arguments of :func:`log_weights` and :func:`log_likelihood`, checked once at their door."""
    encoder, decoder = _halves(model)
    images = check_batch(x, "x")
    k = check_int(k, "k")
    check_seed(seed)
    sigma = check_observation(observation, sigma)
    max_rows = check_int(max_rows, "max_rows")
    if observation == "bernoulli":
        lo, hi = float(images.min()), float(images.max())
        if lo < 0.0 or hi > 1.0:
            hint = " (0-255 pixels? divide by 255)" if hi > 1.0 else ""
            raise ValueError(f"x must hold pixels in [0, 1] for the Bernoulli observation model; got "
                             f"values from {lo:g} to {hi:g}{hint}")
    return encoder, decoder, images, k, sigma, max_rows


def _sweep(
    encoder: Any, decoder: Any, images: np.ndarray, k: int, seed: int, observation: str,
    sigma: float, max_rows: int, visit: Callable[[int, int, int, np.ndarray], None],
) -> None:
    """Draw ``k`` codes per image in chunks of at most ``max_rows`` decoder rows; hand each chunk's
    log weights ``(b, kc)`` to ``visit(start, end, first_sample, log_w)``. Trusts its arguments
    (checked by :func:`_checked`)."""
    rng = np.random.default_rng(seed)
    binary = bool(np.all((images == 0) | (images == 1)))
    weights_of = _log_weights_fn(decoder, observation, sigma, binary)
    b = max(1, min(len(images), max_rows // k))  # images per call
    kc = min(k, max(1, max_rows // b))             # codes per image per call
    for start in range(0, len(images), b):
        xb = images[start : start + b]
        mean, log_var = _encode(encoder, xb)
        step = max(1, EVAL_ROWS // len(xb))  # codes per image per decoder call
        for s in range(0, k, kc):
            eps = rng.standard_normal((min(kc, k - s), len(xb), ops.shape(mean)[-1]), dtype=np.float32)
            for e in range(0, len(eps), step):  # the same draws, decoded EVAL_ROWS rows at a time
                w = weights_of(xb, mean, log_var, eps[e : e + step])
                visit(start, start + len(xb), s + e, np.asarray(w, np.float64).T)


def log_weights(
    model: Any, x: Any, *, k: int, seed: int = 0, observation: str = "bernoulli",
    sigma: float = 1.0, max_rows: int = 20_000,
) -> np.ndarray:
    """All ``k`` importance log weights ``log p(x, z_i) - log q(z_i|x)`` of every image, ``(n, k)``.

    Keep them to evaluate the bound at every ``k`` up to this one from the same draws
    (:func:`bound_curve`); for one large ``k`` over many images, :func:`log_likelihood` needs less
    memory.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    model : object
        Has ``.encoder`` (images → ``[mean, log_var]``) and ``.decoder`` (codes → pixel probabilities,
        or Gaussian means): a :class:`~ae_helpers.models.VAE` or an :class:`ae_helpers.models.IWAE`.
    x : array-like
        Images ``(n, ...)``; for Bernoulli pixels, values in [0, 1], ideally binary images
        (:func:`ae_helpers.data.binarise`); for Gaussian observations, any real values.
    k : int
        Codes drawn per image.
    seed : int
        Seed of the draws.
    observation, sigma
        As in :func:`ae_helpers.models.log_weights_from`.
    max_rows : int
        Codes drawn at a time: it sets which draws go to which image, so the same ``max_rows``
        and ``seed`` give the same weights. They are decoded ``EVAL_ROWS`` at a time (memory).

    Returns
    -------
    np.ndarray
        float64, ``(n, k)``.

    Examples
    --------
    >>> from ae_helpers.models import IWAE, burda_decoder, burda_encoder
    >>> model = IWAE(burda_encoder(2, hidden=(8,)), burda_decoder(2, hidden=(8,)))
    >>> log_weights(model, np.zeros((3, 784), "float32"), k=5).shape
    (3, 5)
    """
    encoder, decoder, images, k, sigma, max_rows = _checked(model, x, k, seed, observation, sigma,
                                                            max_rows)
    out = np.empty((len(images), k), dtype=np.float64)

    def keep(start: int, end: int, s: int, w: np.ndarray) -> None:
        out[start:end, s : s + w.shape[1]] = w

    _sweep(encoder, decoder, images, k, seed, observation, sigma, max_rows, keep)
    return out


def log_likelihood(
    model: Any, x: Any, *, k: int = 5000, seed: int = 0, observation: str = "bernoulli",
    sigma: float = 1.0, max_rows: int = 20_000,
) -> np.ndarray:
    """The importance-sampled estimate of ``log p(x)`` of each image, in nats: ``log (1/k) Σ w_i``.

    With ``k = 1`` it is a one-sample estimate of the ELBO; its expectation rises with ``k`` towards
    ``log p(x)`` and never exceeds it (Burda et al. 2015, Theorem 1). Evaluated in Keras ops, in
    batches, with a running log-sum-exp over chunks of codes, so that neither memory nor underflow
    limits ``k``.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    model : object
        Has ``.encoder`` and ``.decoder`` (see :func:`log_weights`).
    x : array-like
        Images ``(n, ...)``.
    k : int
        Codes drawn per image (5,000 in the literature's tables).
    seed, observation, sigma, max_rows
        As in :func:`log_weights`.

    Returns
    -------
    np.ndarray
        float64, ``(n,)``; ``-mean`` of it is the test negative log-likelihood in nats.

    Raises
    ------
    TypeError
        If ``model`` lacks an encoder or decoder, or ``k`` is not an int.
    ValueError
        If ``k`` < 1, ``x`` is empty, ``observation`` is unknown, or, for Bernoulli pixels, ``x``
        holds values outside [0, 1] (0-255 pixels must be divided by 255).

    Examples
    --------
    A decoder that ignores the code and an encoder that returns the prior: every weight is
    ``p(x)``, here a fair coin per pixel.

    >>> from types import SimpleNamespace
    >>> prior = lambda x: (ops.zeros((len(x), 2)), ops.zeros((len(x), 2)))
    >>> coins = lambda z: ops.zeros((ops.shape(z)[0], 784)) + 0.5
    >>> ll = log_likelihood(SimpleNamespace(encoder=prior, decoder=coins), np.ones((2, 784)), k=10)
    >>> ll.round(2).tolist(), round(784 * float(np.log(0.5)), 2)
    ([-543.43, -543.43], -543.43)
    """
    encoder, decoder, images, k, sigma, max_rows = _checked(model, x, k, seed, observation, sigma,
                                                            max_rows)
    running = np.full(len(images), -np.inf)

    def accumulate(start: int, end: int, s: int, w: np.ndarray) -> None:
        running[start:end] = np.logaddexp(running[start:end], _logsumexp(w, axis=1))

    _sweep(encoder, decoder, images, k, seed, observation, sigma, max_rows, accumulate)
    return running - math.log(k)


def _logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    return np.squeeze(top, axis) + np.log(np.sum(np.exp(a - top), axis=axis))


def bound_curve(log_w: Any, ks: Sequence[int]) -> np.ndarray:
    """The k-sample bound at several ``k`` from one set of log weights, averaged over images.

    For each ``k``, the ``K`` weights of an image are split into ``K // k`` disjoint groups of ``k``;
    the bound is the mean over groups and images of ``log (1/k) Σ_group w``, an unbiased estimate of
    ``E[log (1/k) Σ w]`` that uses every draw.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    log_w : array-like
        ``(n, K)`` log weights from :func:`log_weights`.
    ks : sequence of int
        Each at most ``K``.

    Returns
    -------
    np.ndarray
        ``(len(ks),)`` mean bound in nats per image.

    Examples
    --------
    >>> w = np.log(np.array([[1.0, 3.0, 1.0, 3.0]]))
    >>> bound_curve(w, [1, 2, 4]).round(4).tolist()  # mean of log w, log 2, log 2
    [0.5493, 0.6931, 0.6931]
    """
    log_w = np.asarray(log_w, dtype=np.float64)
    if log_w.ndim != 2 or log_w.size == 0:
        raise ValueError(f"log_w must be a non-empty (n, K) array, got shape {log_w.shape}")
    out = []
    for k in ks:
        k = check_int(k, "each k")
        if k > log_w.shape[1]:
            raise ValueError(f"each k must be at most K = {log_w.shape[1]} (the weights given), got {k}")
        groups = log_w.shape[1] // k
        blocks = log_w[:, : groups * k].reshape(len(log_w), groups, k)
        out.append(float((_logsumexp(blocks, axis=2) - math.log(k)).mean()))
    return np.array(out)
