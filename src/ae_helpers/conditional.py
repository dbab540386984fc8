"""A conditional VAE: encoder and decoder both read the digit's label, so any digit can be asked for.

Introduced in chapter 5 (``book/05_beyond.ipynb``).

A plain VAE learns ``p(x)``: sampling the prior gives *some* digit, in whatever proportions the
latent space happens to give each. A conditional VAE (Sohn et al., 2015) learns ``p(x | y)``: the
encoder sees the image *and* its one-hot label, the decoder sees the code *and* the label. Since the
decoder is told which digit to draw, the code is free to hold only the *style* (slant, width,
thickness), and at generation time we choose the digit and draw the style from the prior.

The model reuses the VAE's pieces from chapter 4: the :class:`~ae_helpers.vae.Sampling` layer and the
loss terms of :mod:`ae_helpers.losses`; its loss lives in ``compute_loss``, so ``fit`` runs on every
Keras backend. It is registered for saving, so :func:`ae_helpers.cache.load_or_train` can keep it.
It takes its inputs as a pair ``(images, labels)`` with integer labels; :class:`LabelledBatches`
feeds such pairs to ``fit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

from .cache import Trained, fingerprint, load_or_train
from .config import quick_mode
from .data import load_mnist
from .images import as_images
from .latent import sample_normal
from .losses import RECONSTRUCTIONS
from .models import _check_latent
from .training import ArrayBatches, run_model, steps_per_epoch, train
from .vae import QUICK_TRAIN_SIZE, VAE

N_CLASSES = 10
"""Number of digit classes the label is one-hot encoded into."""


def _labels(labels: Any, n: int | None = None, *, n_classes: int = N_CLASSES) -> np.ndarray:
    """Check integer class labels in ``[0, n_classes)``; return them as int32 of shape ``(n,)``."""
    arr = np.asarray(labels)
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError(f"labels must be a non-empty 1-D array of digits, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool:
        raise TypeError(f"labels must be integers (digits 0-{n_classes - 1}), got dtype {arr.dtype}")
    if arr.min() < 0 or arr.max() >= n_classes:
        raise ValueError(f"labels must lie in 0-{n_classes - 1}, got {arr.min()} to {arr.max()}")
    if n is not None and len(arr) != n:
        raise ValueError(f"got {len(arr)} labels for {n} images")
    return arr.astype(np.int32)


def conditional_encoder(
    latent_dim: int,
    *,
    hidden: Sequence[int] = (512, 256),
    n_classes: int = N_CLASSES,
    name: str = "encoder",
) -> keras.Model:
    """Build a dense conditional encoder: ``[image (784,), one-hot label]`` → ``[mean, log_var]``.

    The label is concatenated to the flat image before the first hidden layer.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> enc = conditional_encoder(2, hidden=(16,))
    >>> [tuple(t.shape) for t in enc.inputs], [tuple(t.shape) for t in enc.outputs]
    ([(None, 784), (None, 10)], [(None, 2), (None, 2)])
    """
    _check_latent(latent_dim)
    image = keras.Input(shape=(784,), name="image")
    label = keras.Input(shape=(int(n_classes),), name="label")
    h = keras.layers.Concatenate()([image, label])
    for units in hidden:
        h = keras.layers.Dense(units, activation="relu")(h)
    mean = keras.layers.Dense(latent_dim, name="mean")(h)
    log_var = keras.layers.Dense(latent_dim, name="log_var")(h)
    return keras.Model([image, label], [mean, log_var], name=name)


def conditional_decoder(
    latent_dim: int,
    *,
    hidden: Sequence[int] = (256, 512),
    n_classes: int = N_CLASSES,
    name: str = "decoder",
) -> keras.Model:
    """Build a dense conditional decoder: ``[code, one-hot label]`` → flat images ``(784,)`` in [0, 1].

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> conditional_decoder(2, hidden=(16,)).output_shape
    (None, 784)
    """
    _check_latent(latent_dim)
    code = keras.Input(shape=(latent_dim,), name="code")
    label = keras.Input(shape=(int(n_classes),), name="label")
    h = keras.layers.Concatenate()([code, label])
    for units in hidden:
        h = keras.layers.Dense(units, activation="relu")(h)
    pixels = keras.layers.Dense(784, activation="sigmoid", name="pixels")(h)
    return keras.Model([code, label], pixels, name=name)


@keras.saving.register_keras_serializable(package="ae_helpers")
class ConditionalVAE(VAE):
    """A VAE whose encoder and decoder both read the one-hot label; loss in ``compute_loss``.

    ``cvae((images, labels))`` returns ``(reconstruction, mean, log_var)``, with ``images`` flat
    ``(n, 784)`` in [0, 1] and ``labels`` integer digits ``(n,)`` (one-hot encoded inside the model).
    Training minimises, averaged over the batch,

        reconstruction(x, x_hat) + beta * KL(q(z | x, y) || N(0, I)),

    the same two terms as :class:`ae_helpers.vae.VAE`, each summed over its axes (the loss, the
    metric trackers and saving are inherited from it). ``fit`` reports ``loss``, ``reconstruction``
    and ``kl``.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    encoder : keras.Model
        ``[images (n, 784), one-hot (n, n_classes)]`` → ``[mean, log_var]``; see
        :func:`conditional_encoder`.
    decoder : keras.Model
        ``[codes (n, latent_dim), one-hot (n, n_classes)]`` → images ``(n, 784)``; see
        :func:`conditional_decoder`.
    beta : float
        Weight of the KL term.
    reconstruction : {"bce", "mse"}
        As in :class:`ae_helpers.vae.VAE`.
    seed : int, optional
        Seed of the sampling layer.

    Examples
    --------
    >>> cvae = ConditionalVAE(conditional_encoder(2, hidden=(8,)), conditional_decoder(2, hidden=(8,)))
    >>> x_hat, mean, log_var = cvae((np.zeros((3, 784), "float32"), np.array([0, 5, 9])))
    >>> tuple(x_hat.shape), tuple(mean.shape)
    ((3, 784), (3, 2))
    """

    @staticmethod
    def _check_halves(encoder: keras.Model, decoder: keras.Model) -> None:
        if len(encoder.inputs) != 2 or len(encoder.outputs) != 2:
            raise ValueError("the encoder must take [images, one-hot labels] and output [mean, log_var]")
        if len(decoder.inputs) != 2:
            raise ValueError("the decoder must take [codes, one-hot labels]")
        latent_dim = int(encoder.outputs[0].shape[-1])
        n_classes = int(encoder.inputs[1].shape[-1])
        if int(decoder.inputs[0].shape[-1]) != latent_dim:
            raise ValueError(
                f"the encoder makes {latent_dim}-D codes but the decoder takes "
                f"{decoder.inputs[0].shape[-1]}-D codes"
            )
        if int(decoder.inputs[1].shape[-1]) != n_classes:
            raise ValueError(
                f"the encoder reads {n_classes} classes but the decoder "
                f"{decoder.inputs[1].shape[-1]}"
            )

    def _images(self, x: Any, y: Any) -> Any:
        return x[0] if y is None else y

    @property
    def latent_dim(self) -> int:
        """Size of the latent space."""
        return int(self.decoder.inputs[0].shape[-1])

    @property
    def n_classes(self) -> int:
        """Number of label classes."""
        return int(self.decoder.inputs[1].shape[-1])

    def _one_hot(self, labels: Any) -> Any:
        return ops.one_hot(ops.cast(ops.reshape(labels, (-1,)), "int32"), self.n_classes)

    def call(self, inputs: Sequence[Any], training: bool = False) -> tuple[Any, Any, Any]:
        images, labels = inputs
        one_hot = self._one_hot(labels)
        mean, log_var = self.encoder([images, one_hot], training=training)
        z = self.sampling([mean, log_var])
        return self.decoder([z, one_hot], training=training), mean, log_var


def dense_cvae(
    latent_dim: int,
    *,
    hidden: Sequence[int] = (512, 256),
    beta: float = 1.0,
    reconstruction: str = "bce",
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    seed: int | None = 0,
) -> ConditionalVAE:
    """Build and compile a dense conditional VAE (Adam); the decoder mirrors the encoder.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> cvae = dense_cvae(2, hidden=(32,))
    >>> cvae.latent_dim, cvae.n_classes, cvae.beta
    (2, 10, 1.0)
    """
    encoder = conditional_encoder(latent_dim, hidden=hidden)
    decoder = conditional_decoder(latent_dim, hidden=tuple(reversed(hidden)))
    cvae = ConditionalVAE(encoder, decoder, beta=beta, reconstruction=reconstruction, seed=seed)
    cvae.compile(optimizer=keras.optimizers.Adam(learning_rate))
    return cvae


class LabelledBatches(ArrayBatches):
    """Batches ``((images, labels),)`` for a model that reads both as its input (no targets).

    :class:`~ae_helpers.training.ArrayBatches` with the labels passed as part of ``x``: Keras
    reads a one-element tuple as "inputs only", so the model's ``call`` gets the pair and
    ``compute_loss`` gets no ``y``.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> batches = LabelledBatches(np.zeros((10, 784), "float32"), np.arange(10), batch_size=4)
    >>> (images, labels), = batches[0]
    >>> images.shape, labels.shape
    ((4, 784), (4,))
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray, **kwargs: Any) -> None:
        super().__init__(x, _labels(labels, len(x)), **kwargs)

    def __getitem__(self, index: int) -> Any:
        images, labels = super().__getitem__(index)
        return ((images, labels),)


def cvae_settings(
    latent_dim: int = 2,
    *,
    epochs: int,
    beta: float = 1.0,
    reconstruction: str = "bce",
    train_size: int | None = None,
    seed: int = 0,
    hidden: Sequence[int] = (512, 256),
    batch_size: int = 128,
    learning_rate: float = 1e-3,
    quick: bool | None = None,
) -> dict[str, Any]:
    """The cache settings of :func:`trained_cvae` (everything that changes the trained model).

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> cvae_settings(2, epochs=3, quick=True)["train_size"]
    6000
    """
    quick = quick_mode() if quick is None else bool(quick)
    _check_latent(latent_dim)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if reconstruction not in RECONSTRUCTIONS:
        raise ValueError(f"reconstruction must be one of {RECONSTRUCTIONS}, got {reconstruction!r}")
    if isinstance(beta, bool) or not np.isfinite(beta) or beta < 0:
        raise ValueError(f"beta must be a finite number >= 0, got {beta!r}")
    if train_size is None and quick:
        train_size = QUICK_TRAIN_SIZE
    return {
        "model": "dense_cvae",
        "latent_dim": int(latent_dim),
        "hidden": [int(h) for h in hidden],
        "beta": float(beta),
        "reconstruction": reconstruction,
        "epochs": epochs,
        "batch_size": int(batch_size),
        "learning_rate": float(learning_rate),
        "schedule": "cosine to 5%",
        "seed": int(seed),
        "train_size": train_size,
    }


def trained_cvae(
    latent_dim: int = 2,
    *,
    epochs: int,
    beta: float = 1.0,
    reconstruction: str = "bce",
    train_size: int | None = None,
    seed: int = 0,
    hidden: Sequence[int] = (512, 256),
    batch_size: int = 128,
    learning_rate: float = 1e-3,
    quick: bool | None = None,
    log_every: int | None = 0,
) -> Trained:
    """Load a dense conditional VAE trained on labelled MNIST from the cache, or train (and cache) it.

    The same recipe as :func:`ae_helpers.vae.trained_vae` (Adam, step size decaying along a cosine
    to 5 % of ``learning_rate``, flat images, a stratified subset), with the labels fed to both halves.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    latent_dim : int
        Size of the latent (style) space.
    epochs : int
        Passes over the training images.
    beta, reconstruction
        As in :class:`ConditionalVAE`.
    train_size : int, optional
        Train on a stratified subset of this many images; ``None``: all 60,000 (in quick mode
        :data:`ae_helpers.vae.QUICK_TRAIN_SIZE`).
    seed : int
        Seed of the weights, the sampling noise, the shuffling and the subset.
    hidden, batch_size, learning_rate
        Architecture and schedule.
    quick : bool, optional
        Defaults to :func:`~ae_helpers.quick_mode`; only changes the default ``train_size``.
    log_every : int, optional
        Print a line every this many epochs while training (0: silent).

    Returns
    -------
    Trained
        ``model`` is the :class:`ConditionalVAE`; ``history`` has ``loss``, ``reconstruction``
        and ``kl``.

    Examples
    --------
    >>> trained = trained_cvae(2, epochs=1, train_size=500)  # doctest: +SKIP
    >>> trained.model.n_classes  # doctest: +SKIP
    10
    """
    settings = cvae_settings(
        latent_dim, epochs=epochs, beta=beta, reconstruction=reconstruction, train_size=train_size,
        seed=seed, hidden=hidden, batch_size=batch_size, learning_rate=learning_rate, quick=quick,
    )
    (x_train, y_train), _ = load_mnist(layout="flat", train_size=settings["train_size"], seed=seed)
    settings["data"] = fingerprint(x_train, y_train)

    def fit_cvae() -> ConditionalVAE:
        keras.utils.set_random_seed(seed)
        steps = epochs * steps_per_epoch(len(x_train), batch_size)
        schedule = keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=0.05)
        cvae = dense_cvae(latent_dim, hidden=hidden, beta=beta, reconstruction=reconstruction,
                          learning_rate=schedule, seed=seed)
        train(cvae, x_train, y_train, epochs=epochs, batch_size=batch_size, log_every=log_every,
              seed=seed, batches=LabelledBatches)
        return cvae

    return load_or_train("cvae", settings, fit_cvae)


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
    if isinstance(n_per_digit, bool) or not isinstance(n_per_digit, (int, np.integer)) \
            or n_per_digit < 1:
        raise ValueError(f"n_per_digit must be a positive int, got {n_per_digit!r}")
    return np.repeat(_labels(np.asarray(rows, dtype=np.int64)), int(n_per_digit))


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
    >>> cvae = dense_cvae(2, hidden=(8,))
    >>> conditioned_samples(cvae, requested_labels(10, 3)).shape
    (30, 28, 28)
    """
    if not isinstance(cvae, ConditionalVAE):
        raise TypeError(f"cvae must be a ConditionalVAE, got {type(cvae).__name__}")
    y = _labels(labels, n_classes=cvae.n_classes)
    if codes is None:
        z = sample_normal(len(y), cvae.latent_dim, seed=seed)
    else:
        z = np.asarray(codes, dtype=np.float32)
        if z.shape != (len(y), cvae.latent_dim) or not np.isfinite(z).all():
            raise ValueError(
                f"codes must be finite with shape ({len(y)}, {cvae.latent_dim}), got {z.shape}"
            )
    one_hot = np.eye(cvae.n_classes, dtype=np.float32)[y]
    out = run_model(cvae.decoder, [z, one_hot], batch_size=batch_size)[0]
    return as_images(np.clip(out, 0.0, 1.0), name="generated images", layout="image")


def conditional_reconstruct(cvae: ConditionalVAE, images: Any, labels: Any) -> np.ndarray:
    """Reconstruct images through a conditional VAE from the encoder's mean (no sampling).

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> conditional_reconstruct(dense_cvae(2, hidden=(8,)), np.zeros((2, 784), "float32"), [1, 2]).shape
    (2, 28, 28)
    """
    x = as_images(images, layout="flat")
    y = _labels(labels, len(x), n_classes=cvae.n_classes)
    one_hot = np.eye(cvae.n_classes, dtype=np.float32)[y]
    mean, _ = run_model(cvae.encoder, [x, one_hot])
    out = run_model(cvae.decoder, [mean, one_hot])[0]
    return as_images(np.clip(out, 0.0, 1.0), name="reconstructions", layout="image")


def conditional_scores(judge: Any, images: Any, labels: Any, *, threshold: float = 0.9) -> dict[str, float]:
    """How well conditioned samples obey: share recognised, share on the requested digit, and both.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    judge : ae_helpers.judge.Judge
        Anything with ``probabilities(images) -> (n, 10)``.
    images : array-like
        Generated images, one per label.
    labels : array-like of int
        The digit requested for each image.
    threshold : float
        Judge confidence needed to count an image as recognised.

    Returns
    -------
    dict
        ``recognised`` (top probability >= threshold), ``on_request`` (judged digit = requested
        digit), ``recognised_on_request`` (both at once), and ``per_digit_on_request`` (a list of
        10 shares, ``nan`` for digits not requested).

    Examples
    --------
    >>> class Oracle:
    ...     def probabilities(self, images):
    ...         return np.eye(10)[[1, 2, 2]]
    >>> s = conditional_scores(Oracle(), np.zeros((3, 784), "float32"), [1, 2, 3])
    >>> round(s["on_request"], 3), s["recognised"]
    (0.667, 1.0)
    """
    x = as_images(images)
    y = _labels(labels, len(x))
    if not 0.0 < float(threshold) <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    probs = np.asarray(judge.probabilities(x))
    judged = probs.argmax(axis=1)
    recognised = probs.max(axis=1) >= threshold
    hit = judged == y
    per_digit = [float(hit[y == d].mean()) if (y == d).any() else float("nan") for d in range(10)]
    return {
        "recognised": float(recognised.mean()),
        "on_request": float(hit.mean()),
        "recognised_on_request": float((recognised & hit).mean()),
        "per_digit_on_request": per_digit,
    }


__all__ = [
    "N_CLASSES",
    "ConditionalVAE",
    "LabelledBatches",
    "conditional_decoder",
    "conditional_encoder",
    "conditional_reconstruct",
    "conditional_scores",
    "conditioned_samples",
    "cvae_settings",
    "dense_cvae",
    "requested_labels",
    "trained_cvae",
]
