"""How good is a VAE in nats: the importance-sampled log-likelihood, the IWAE, dynamic binarisation.

Introduced in chapter 6 (``book/06_likelihood.ipynb``).

The ELBO is only a lower bound on ``log p(x)``. Drawing ``k`` codes ``z_i ~ q(z|x)`` and averaging the
*importance weights* ``w_i = p(x, z_i) / q(z_i|x)`` gives

    ``log p(x) >= E[log (1/k) sum_i w_i]`` (the k-sample bound of Burda, Grosse and Salakhutdinov 2015),

which equals the ELBO for ``k = 1``, never decreases as ``k`` grows and tends to ``log p(x)``.
:func:`log_likelihood` evaluates it for a trained model with a large ``k`` (5,000 in the literature),
in Keras ops, batched, with a log-sum-exp so that weights of ``exp(-90)`` do not underflow.
:class:`IWAE` trains with the same bound (``k`` codes per image) instead of the ELBO.

Burda et al.'s comparisons use *dynamically binarised* MNIST: every training image is redrawn as
black-and-white pixels, ``x_b ~ Bernoulli(x)``, at every epoch (:class:`BinarisedBatches`), and the
test set is binarised once with a fixed seed (:func:`binarise`). Their one-stochastic-layer network
is 784-200-200-50 with tanh units (:func:`burda_encoder`, :func:`burda_decoder`).

Everything here uses Keras ops and NumPy only, so it runs on every Keras backend.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

LOG_2PI = math.log(2.0 * math.pi)
_EPSILON = 1e-7  # clipping of Bernoulli probabilities, as in Keras's binary cross-entropy
OBSERVATIONS = ("bernoulli", "gaussian")
#: Burda et al. (2015), Table 1: test log-likelihood (nats) of the one-stochastic-layer models on
#: dynamically binarised MNIST, estimated with k = 5,000 after 3,280 epochs.
BURDA_TABLE = {"VAE (k = 1)": -86.76, "IWAE (k = 5)": -85.54, "IWAE (k = 50)": -84.78}
BURDA_EPOCHS = 3280


# --------------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------------
def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r})")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _images(x: Any, name: str = "x") -> np.ndarray:
    """``x`` as a float32 array ``(n, pixels)`` with values in [0, 1]."""
    arr = np.asarray(keras.ops.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x)
    if arr.ndim < 2 or len(arr) == 0:
        raise ValueError(f"{name} must be a non-empty batch of images (n, ...), got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    arr = arr.reshape(len(arr), -1).astype(np.float32, copy=False)
    return arr


def _halves(model: Any) -> tuple[Any, Any]:
    encoder, decoder = getattr(model, "encoder", None), getattr(model, "decoder", None)
    if not callable(encoder) or not callable(decoder):
        raise TypeError(
            "model must have callable .encoder (images -> [mean, log_var]) and .decoder "
            f"(codes -> images) attributes, got {type(model).__name__}"
        )
    return encoder, decoder


def _check_observation(observation: str, sigma: float) -> float:
    if observation not in OBSERVATIONS:
        raise ValueError(f"observation must be one of {OBSERVATIONS}, got {observation!r}")
    if isinstance(sigma, bool) or not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"sigma must be a positive number, got {sigma!r}")
    return float(sigma)


# --------------------------------------------------------------------------------------------
# data: dynamic binarisation
# --------------------------------------------------------------------------------------------
def binarise(x: Any, *, seed: int = 0) -> np.ndarray:
    """Draw black-and-white images: each pixel is 1 with probability equal to its grey level.

    Used once, with a fixed seed, on the test set; the training set is redrawn every epoch by
    :class:`BinarisedBatches`.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    x : array-like
        Images with values in [0, 1], any shape.
    seed : int
        Seed of the draws: the same seed gives the same binary images.

    Returns
    -------
    np.ndarray
        float32 array of 0s and 1s, the shape of ``x``.

    Raises
    ------
    ValueError
        If a value of ``x`` lies outside [0, 1].

    Examples
    --------
    >>> binarise(np.array([[0.0, 1.0, 0.0, 1.0]]), seed=0).tolist()
    [[0.0, 1.0, 0.0, 1.0]]
    >>> round(float(binarise(np.full((100, 100), 0.3), seed=1).mean()), 2)
    0.3
    """
    arr = np.asarray(x, dtype=np.float32)
    if arr.size and (arr.min() < 0 or arr.max() > 1 or not np.isfinite(arr).all()):
        raise ValueError(f"x must hold grey levels in [0, 1], got values from {arr.min()} to {arr.max()}")
    return (np.random.default_rng(seed).random(arr.shape, dtype=np.float32) < arr).astype(np.float32)


class BinarisedBatches(keras.utils.PyDataset):
    """Training batches redrawn as binary images at every epoch (dynamic binarisation).

    Each pixel of each batch is 1 with probability equal to its grey level, with fresh draws for every
    epoch, so the model never sees the same binary image twice; the draws depend only on ``seed``, the
    epoch and the batch, so a run is repeatable whatever the order in which worker threads fetch
    batches. The signature matches :func:`ae_helpers.training.train`'s ``batches=`` argument.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    x : np.ndarray
        Grey images in [0, 1], first axis = examples.
    y : None
        Unused (a model with its own loss); must be ``None``.
    batch_size : int
        Images per batch.
    seed : int
        Seed of the shuffling and of the binarisation.
    targets : bool
        Yield ``(x, x)`` if True, else ``x`` alone (a model with its own loss, such as the VAE).
    drop_last : bool
        Leave out a last, smaller batch.
    shuffle : bool
        Reshuffle the order at the start of every epoch.
    workers : int
        Threads that prepare batches.

    Examples
    --------
    >>> batches = BinarisedBatches(np.full((10, 4), 0.5, "float32"), batch_size=4, targets=False)
    >>> first = batches[0]
    >>> len(batches), first.shape, sorted(set(first.ravel().tolist())) <= [0.0, 1.0]
    (3, (4, 4), True)
    """

    def __init__(
        self,
        x: np.ndarray,
        y: None = None,
        *,
        batch_size: int = 100,
        seed: int = 0,
        targets: bool = False,
        drop_last: bool = False,
        shuffle: bool = True,
        workers: int = 2,
    ) -> None:
        super().__init__(workers=_positive_int(workers, "workers"))
        if not isinstance(x, np.ndarray) or x.ndim < 2 or len(x) == 0:
            raise ValueError(
                f"x must be a non-empty NumPy array of images, got {type(x).__name__} "
                f"with shape {getattr(x, 'shape', None)}"
            )
        if y is not None:
            raise ValueError("y must be None: binarised batches train a model on its own inputs")
        self.x, self.batch_size = x, _positive_int(batch_size, "batch_size")
        self.seed, self.targets, self.drop_last, self.shuffle = int(seed), targets, drop_last, shuffle
        self.epoch = 0
        self._order = self._permutation()

    def _permutation(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(len(self.x))
        return np.random.default_rng([self.seed, self.epoch, 0]).permutation(len(self.x))

    def __len__(self) -> int:
        if self.drop_last and len(self.x) >= self.batch_size:
            return len(self.x) // self.batch_size
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index: int) -> Any:
        idx = np.sort(self._order[index * self.batch_size : (index + 1) * self.batch_size])
        grey = self.x[idx]
        rng = np.random.default_rng([self.seed, self.epoch, 1, index])
        xb = (rng.random(grey.shape, dtype=np.float32) < grey).astype(np.float32)
        return (xb, xb) if self.targets else xb

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._order = self._permutation()


# --------------------------------------------------------------------------------------------
# Burda et al.'s networks
# --------------------------------------------------------------------------------------------
def burda_encoder(
    latent_dim: int = 50, *, hidden: Sequence[int] = (200, 200), input_dim: int = 784,
    name: str = "encoder",
) -> keras.Model:
    """Burda et al.'s one-layer encoder: 784-200-200 (tanh), then the mean and log-variance of ``z``.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    latent_dim : int
        Size of the latent space (50 in the paper).
    hidden : sequence of int
        Widths of the tanh layers (200, 200 in the paper).
    input_dim : int
        Pixels per (flat) image.
    name : str
        The model's name.

    Examples
    --------
    >>> [tuple(t.shape) for t in burda_encoder().outputs]
    [(None, 50), (None, 50)]
    """
    latent_dim = _positive_int(latent_dim, "latent_dim")
    inputs = keras.Input((_positive_int(input_dim, "input_dim"),), name="image")
    h = inputs
    for units in hidden:
        h = keras.layers.Dense(_positive_int(units, "hidden units"), activation="tanh")(h)
    mean = keras.layers.Dense(latent_dim, name="mean")(h)
    log_var = keras.layers.Dense(latent_dim, name="log_var")(h)
    return keras.Model(inputs, [mean, log_var], name=name)


def burda_decoder(
    latent_dim: int = 50, *, hidden: Sequence[int] = (200, 200), output_dim: int = 784,
    output_bias: np.ndarray | None = None, name: str = "decoder",
) -> keras.Model:
    """Burda et al.'s one-layer decoder: 50-200-200 (tanh), then 784 Bernoulli probabilities.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    latent_dim : int
        Size of the latent space.
    hidden : sequence of int
        Widths of the tanh layers.
    output_dim : int
        Pixels per (flat) image.
    output_bias : np.ndarray, optional
        Initial biases of the output layer, shape ``(output_dim,)``: the log-odds of the mean
        training image make an untrained decoder draw that mean, which shortens the start of training.
    name : str
        The model's name.

    Examples
    --------
    >>> burda_decoder().output_shape
    (None, 784)
    >>> decoder = burda_decoder(2, hidden=(4,), output_dim=3, output_bias=np.zeros(3))
    >>> np.round(np.asarray(decoder(np.zeros((1, 2), "float32"))), 2).tolist()
    [[0.5, 0.5, 0.5]]
    """
    latent_dim = _positive_int(latent_dim, "latent_dim")
    output_dim = _positive_int(output_dim, "output_dim")
    bias = "zeros"
    if output_bias is not None:
        output_bias = np.asarray(output_bias, dtype="float32")
        if output_bias.shape != (output_dim,):
            raise ValueError(f"output_bias must have shape ({output_dim},), got {output_bias.shape}")
        bias = keras.initializers.Constant(output_bias.tolist())
    inputs = keras.Input((latent_dim,), name="code")
    h = inputs
    for units in hidden:
        h = keras.layers.Dense(_positive_int(units, "hidden units"), activation="tanh")(h)
    out = keras.layers.Dense(output_dim, activation="sigmoid", bias_initializer=bias,
                             name="pixels")(h)
    return keras.Model(inputs, out, name=name)


def mean_image_logits(x: Any) -> np.ndarray:
    """Log-odds of the mean image, clipped to probabilities in [0.001, 0.999]: an output bias.

    Examples
    --------
    >>> mean_image_logits(np.array([[0.0, 0.5], [1.0, 0.5]])).round(3).tolist()
    [0.0, 0.0]
    """
    p = np.clip(_images(x).mean(axis=0), 1e-3, 1 - 1e-3).astype(np.float64)
    return np.log(p / (1 - p)).astype(np.float32)


# --------------------------------------------------------------------------------------------
# the importance weights, in Keras ops
# --------------------------------------------------------------------------------------------
def log_weights_from(
    x: Any, mean: Any, log_var: Any, eps: Any, decoder: Callable[[Any], Any], *,
    observation: str = "bernoulli", sigma: float = 1.0, binary: bool = False,
) -> Any:
    """``log w = log p(x|z) + log p(z) - log q(z|x)`` for ``z = mean + exp(log_var / 2) * eps``.

    The building block of :func:`log_likelihood` and of :class:`IWAE`'s loss, in Keras ops (so it
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
    sigma = _check_observation(observation, sigma)
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


def _encode(encoder: Any, x: np.ndarray) -> tuple[Any, Any]:
    shape = getattr(encoder, "input_shape", None)
    if isinstance(shape, tuple) and len(shape) > 1 and None not in shape[1:]:
        x = x.reshape((len(x),) + tuple(shape[1:]))
    out = encoder(x, training=False) if isinstance(encoder, keras.Model) else encoder(x)
    mean, log_var = out
    return mean, log_var


def _decoder_fn(decoder: Any) -> Callable[[Any], Any]:
    if isinstance(decoder, keras.Model):
        return lambda z: decoder(z, training=False)
    return decoder


def _sweep(
    model: Any, x: Any, k: int, seed: int, observation: str, sigma: float, max_rows: int,
    visit: Callable[[int, int, int, np.ndarray], None],
) -> None:
    """Draw ``k`` codes per image in chunks of at most ``max_rows`` decoder rows; hand each chunk's
    log weights ``(b, kc)`` to ``visit(start, end, first_sample, log_w)``."""
    encoder, decoder = _halves(model)
    images = _images(x)
    k = _positive_int(k, "k")
    max_rows = _positive_int(max_rows, "max_rows")
    _check_observation(observation, sigma)
    rng = np.random.default_rng(seed)
    decode = _decoder_fn(decoder)
    binary = bool(np.all((images == 0) | (images == 1)))
    b = max(1, min(len(images), max_rows // k))  # images per call
    kc = min(k, max(1, max_rows // b))             # codes per image per call
    for start in range(0, len(images), b):
        xb = images[start : start + b]
        mean, log_var = _encode(encoder, xb)
        for s in range(0, k, kc):
            eps = rng.standard_normal((min(kc, k - s), len(xb), ops.shape(mean)[-1])).astype(np.float32)
            w = log_weights_from(xb, mean, log_var, eps, decode, observation=observation,
                                 sigma=sigma, binary=binary)
            visit(start, start + len(xb), s, np.asarray(ops.convert_to_numpy(w), np.float64).T)


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
        or Gaussian means): a :class:`~ae_helpers.vae.VAE` or an :class:`IWAE`.
    x : array-like
        Images ``(n, ...)``; for Bernoulli pixels, binary images (:func:`binarise`).
    k : int
        Codes drawn per image.
    seed : int
        Seed of the draws.
    observation, sigma
        As in :func:`log_weights_from`.
    max_rows : int
        Codes decoded in one call (memory: ``max_rows × pixels`` floats a few times over).

    Returns
    -------
    np.ndarray
        float64, ``(n, k)``.

    Examples
    --------
    >>> model = IWAE(burda_encoder(2, hidden=(8,)), burda_decoder(2, hidden=(8,)))
    >>> log_weights(model, np.zeros((3, 784), "float32"), k=5).shape
    (3, 5)
    """
    images = _images(x)
    out = np.empty((len(images), _positive_int(k, "k")), dtype=np.float64)

    def keep(start: int, end: int, s: int, w: np.ndarray) -> None:
        out[start:end, s : s + w.shape[1]] = w

    _sweep(model, images, k, seed, observation, sigma, max_rows, keep)
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
        If ``k`` < 1, ``x`` is empty or ``observation`` is unknown.

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
    images = _images(x)
    k = _positive_int(k, "k")
    running = np.full(len(images), -np.inf)

    def accumulate(start: int, end: int, s: int, w: np.ndarray) -> None:
        running[start:end] = np.logaddexp(running[start:end], _logsumexp(w, axis=1))

    _sweep(model, images, k, seed, observation, sigma, max_rows, accumulate)
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
        k = _positive_int(k, "each k")
        if k > log_w.shape[1]:
            raise ValueError(f"each k must be at most K = {log_w.shape[1]} (the weights given), got {k}")
        groups = log_w.shape[1] // k
        blocks = log_w[:, : groups * k].reshape(len(log_w), groups, k)
        out.append(float((_logsumexp(blocks, axis=2) - math.log(k)).mean()))
    return np.array(out)


# --------------------------------------------------------------------------------------------
# the IWAE
# --------------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="ae_helpers")
class IWAE(keras.Model):
    """The importance-weighted autoencoder: trains on the ``k``-sample bound instead of the ELBO.

    Same encoder and decoder as a VAE; the loss, averaged over the batch, is
    ``-log (1/k) Σ_i p(x, z_i) / q(z_i|x)`` with ``k`` codes ``z_i`` drawn per image (reparameterised,
    so gradients flow into the encoder). ``k = 1`` is the VAE with a sampled instead of a closed-form
    KL. ``iwae(x)`` returns ``(reconstruction, mean, log_var)`` like :class:`~ae_helpers.vae.VAE`, so the
    book's VAE helpers (``posterior``, ``generate``) accept it. Bernoulli pixels: train on binary
    images (:class:`BinarisedBatches`).

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    encoder : keras.Model
        Images → ``[mean, log_var]``.
    decoder : keras.Model
        Codes → Bernoulli probabilities, the encoder's input shape.
    k : int
        Codes per image in the bound.
    seed : int, optional
        Seed of the codes drawn during training.

    Examples
    --------
    >>> iwae = IWAE(burda_encoder(2, hidden=(8,)), burda_decoder(2, hidden=(8,)), k=5, seed=0)
    >>> x_hat, mean, log_var = iwae(np.zeros((4, 784), "float32"))
    >>> tuple(x_hat.shape), iwae.k, iwae.latent_dim
    ((4, 784), 5, 2)
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, *, k: int = 5,
                 seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        outputs = encoder.output if isinstance(encoder.output, (list, tuple)) else [encoder.output]
        if len(outputs) != 2:
            raise ValueError(f"the encoder must output [mean, log_var]; it has {len(outputs)} output(s)")
        if int(decoder.input_shape[-1]) != int(outputs[0].shape[-1]):
            raise ValueError(
                f"the encoder makes {outputs[0].shape[-1]}-D codes but the decoder takes "
                f"{decoder.input_shape[-1]}-D codes"
            )
        self.encoder, self.decoder = encoder, decoder
        self.k = _positive_int(k, "k")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an int or None, got {type(seed).__name__}")
        self.seed = None if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.built = True

    @property
    def latent_dim(self) -> int:
        """Size of the latent space."""
        return int(self.decoder.input_shape[-1])

    def build(self, input_shape: Any = None) -> None:
        self.built = True

    def call(self, x: Any, training: bool = False) -> tuple[Any, Any, Any]:
        mean, log_var = self.encoder(x, training=training)
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        z = mean + ops.exp(0.5 * log_var) * eps
        return self.decoder(z, training=training), mean, log_var

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None,
                     sample_weight: Any = None, training: bool = True) -> Any:
        _, mean, log_var = y_pred
        eps = keras.random.normal((self.k,) + tuple(ops.shape(mean)), seed=self.seed_generator)
        w = log_weights_from(ops.reshape(x, (ops.shape(x)[0], -1)), mean, log_var, eps,
                             lambda z: self.decoder(z, training=training))
        bound = ops.logsumexp(w, axis=0) - math.log(self.k)
        return -ops.mean(bound)

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "k": self.k,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> IWAE:
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


# --------------------------------------------------------------------------------------------
# training Burda's one-layer model with either objective
# --------------------------------------------------------------------------------------------
def burda_model(objective: str = "vae", *, k: int = 5, latent_dim: int = 50,
                hidden: Sequence[int] = (200, 200), output_bias: np.ndarray | None = None,
                learning_rate: Any = 1e-3, seed: int = 0) -> keras.Model:
    """Build and compile Burda et al.'s one-layer model for the VAE or the IWAE objective (Adam).

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    objective : {"vae", "iwae"}
        ``"vae"``: :class:`~ae_helpers.vae.VAE` (ELBO with the closed-form KL); ``"iwae"``: :class:`IWAE`.
    k : int
        Codes per image of the IWAE (ignored for the VAE).
    latent_dim, hidden, output_bias
        As in :func:`burda_encoder` and :func:`burda_decoder`.
    learning_rate : float or schedule
        Adam's step size.
    seed : int
        Seed of the weights and of the sampling noise.

    Examples
    --------
    >>> type(burda_model("vae")).__name__, type(burda_model("iwae", k=5)).__name__
    ('VAE', 'IWAE')
    """
    from ae_helpers import VAE

    if objective not in ("vae", "iwae"):
        raise ValueError(f"objective must be 'vae' or 'iwae', got {objective!r}")
    keras.utils.set_random_seed(int(seed))
    encoder = burda_encoder(latent_dim, hidden=hidden)
    decoder = burda_decoder(latent_dim, hidden=tuple(reversed(tuple(hidden))), output_bias=output_bias)
    if objective == "vae":
        model = VAE(encoder, decoder, seed=seed)
    else:
        model = IWAE(encoder, decoder, k=k, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    return model


def warmup_cosine_schedule(learning_rate: float, steps: int, *, warmup: int) -> Any:
    """Linear warm-up over ``warmup`` steps (at most a quarter of ``steps``), then cosine to 5 %.

    Examples
    --------
    >>> s = warmup_cosine_schedule(1e-3, 100, warmup=10)
    >>> [round(float(s(i)), 6) for i in (0, 10, 100)]
    [0.0, 0.001, 5e-05]
    """
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    steps = _positive_int(steps, "steps")
    warm = max(0, min(int(warmup), steps // 4))
    if warm == 0:
        return keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=0.05)
    return keras.optimizers.schedules.CosineDecay(
        0.0, steps - warm, alpha=0.05, warmup_target=learning_rate, warmup_steps=warm)


def fit_burda(
    objective: str, x_train: np.ndarray, *, k: int = 5, epochs: int, batch_size: int = 100,
    learning_rate: float = 1e-3, seed: int = 0, log_every: int | None = 0,
    max_seconds: float | None = None, callbacks: list[keras.callbacks.Callback] | None = None,
) -> keras.Model:
    """Train Burda's one-layer model on dynamically binarised images (not cached; see
    :func:`trained_burda`).

    Adam, step size rising over the first epoch and decaying along a cosine to 5 %; the decoder's
    output biases start at the log-odds of the mean training image. ``max_seconds`` stops training
    after the epoch that passes it (the schedule is not shortened); ``callbacks`` go to ``fit``.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Examples
    --------
    >>> x = np.random.default_rng(0).random((64, 784)).astype("float32")
    >>> model = fit_burda("iwae", x, k=2, epochs=1, batch_size=32)
    >>> len(model.history.history["loss"])
    1
    """
    from ae_helpers import train

    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    per_epoch = max(1, len(x_train) // batch_size)
    schedule = warmup_cosine_schedule(learning_rate, epochs * per_epoch, warmup=per_epoch)
    model = burda_model(objective, k=k, output_bias=mean_image_logits(x_train),
                        learning_rate=schedule, seed=seed)
    callbacks = list(callbacks or []) + ([_TimeLimit(max_seconds)] if max_seconds else [])
    train(model, x_train, epochs=epochs, batch_size=batch_size, targets=False, seed=seed,
          log_every=log_every, batches=BinarisedBatches, callbacks=callbacks)
    return model


class _TimeLimit(keras.callbacks.Callback):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = float(seconds)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if time.perf_counter() - self._start > self.seconds:
            self.model.stop_training = True


def _fingerprint(*arrays: np.ndarray) -> str:
    digest = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        digest.update(f"{a.shape}|{a.dtype}|".encode())
        digest.update(memoryview(a).cast("B"))
    return digest.hexdigest()[:16]


def trained_burda(
    objective: str = "vae", *, k: int = 5, epochs: int, batch_size: int = 100,
    learning_rate: float = 1e-3, train_size: int | None = None, seed: int = 0,
    log_every: int | None = 0,
) -> Any:
    """Load Burda's one-layer model trained on dynamically binarised MNIST from the cache, or train it.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    objective : {"vae", "iwae"}
        The training objective.
    k : int
        Codes per image of the IWAE's bound.
    epochs, batch_size, learning_rate, seed
        The schedule (see :func:`fit_burda`).
    train_size : int, optional
        A stratified subset of the 60,000 training images; ``None``: all.
    log_every : int, optional
        Print a line every this many epochs while training (0: silent).

    Returns
    -------
    ae_helpers.Trained
        ``model`` is a :class:`~ae_helpers.vae.VAE` or an :class:`IWAE`; ``seconds`` the training time.

    Examples
    --------
    >>> trained = trained_burda("iwae", k=5, epochs=1, train_size=500)  # doctest: +SKIP
    >>> trained.model.k  # doctest: +SKIP
    5
    """
    from ae_helpers import load_mnist, load_or_train

    if objective not in ("vae", "iwae"):
        raise ValueError(f"objective must be 'vae' or 'iwae', got {objective!r}")
    (x_train, _), _ = load_mnist(layout="flat", train_size=train_size, seed=seed)
    settings = {
        "model": "burda 784-200-200-50 tanh", "objective": objective,
        "k": int(k) if objective == "iwae" else 1, "epochs": _positive_int(epochs, "epochs"),
        "batch_size": _positive_int(batch_size, "batch_size"), "learning_rate": float(learning_rate),
        "schedule": "linear warm-up over 1 epoch, cosine to 5%; output bias = mean-image log-odds",
        "binarisation": "dynamic", "seed": int(seed), "train_size": train_size,
        "data": _fingerprint(x_train),
    }
    return load_or_train(
        f"burda_{objective}", settings,
        lambda: fit_burda(objective, x_train, k=k, epochs=epochs, batch_size=batch_size,
                          learning_rate=learning_rate, seed=seed, log_every=log_every),
    )
