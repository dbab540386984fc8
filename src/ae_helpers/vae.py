"""The variational autoencoder: a sampling layer, the model with its loss, builders and a cached trainer.

Introduced in chapter 4 (``book/04_vae.ipynb``).

The encoder maps an image to the mean and log-variance of a normal distribution over the latent space;
:class:`Sampling` draws ``z = mean + exp(log_var / 2) * eps`` from it (the reparameterisation trick);
the decoder maps ``z`` back to an image. :class:`VAE` keeps its loss in ``compute_loss`` (reconstruction
+ ``beta`` × KL, see :mod:`ae_helpers.losses`), so ``fit`` works unchanged on the TensorFlow, JAX and
PyTorch backends: no backend-specific training step, no backend code. Models save to and load from ``.keras`` files in
Keras's safe mode, so :func:`ae_helpers.cache.load_or_train` can keep them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import keras
import numpy as np
from keras import ops

from .cache import Trained, fingerprint, load_or_train
from .config import quick_mode
from .data import load_mnist
from .images import as_images
from .latent import sample_normal
from .losses import RECONSTRUCTIONS, kl_divergence, reconstruction_loss
from .models import _check_latent, dense_decoder
from .training import run_model, steps_per_epoch, train

#: Training images used by :func:`trained_vae` in quick mode when no ``train_size`` is given.
QUICK_TRAIN_SIZE = 6000
FRAMES = 20  # snapshots of the followed codes during a training (plus one before it)


@keras.saving.register_keras_serializable(package="ae_helpers")
class Sampling(keras.layers.Layer):
    """Draw ``z = mean + exp(log_var / 2) * eps`` with ``eps ~ N(0, I)``: the reparameterisation trick.

    The randomness enters through ``eps`` only, so ``z`` is a differentiable function of ``mean`` and
    ``log_var`` and the gradient of the loss flows back into the encoder. The layer owns its
    :class:`keras.random.SeedGenerator`, so two layers built with the same seed draw the same noise.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    seed : int, optional
        Seed of the noise; ``None`` draws a fresh seed.

    Examples
    --------
    >>> layer = Sampling(seed=0)
    >>> z = layer([np.zeros((3, 2), "float32"), np.zeros((3, 2), "float32")])
    >>> tuple(z.shape)
    (3, 2)
    """

    def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an int or None, got {type(seed).__name__}")
        self.seed = None if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, inputs: Sequence[Any]) -> Any:
        mean, log_var = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps

    def compute_output_shape(self, input_shape: Sequence[Any]) -> Any:
        return input_shape[0]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="ae_helpers")
class VAE(keras.Model):
    """A variational autoencoder whose loss lives in ``compute_loss`` (backend-agnostic).

    ``vae(x)`` returns ``(reconstruction, mean, log_var)``, with the reconstruction decoded from one
    sampled ``z``. Training minimises, averaged over the batch,

        reconstruction(x, x_hat) + beta * KL(N(mean, exp(log_var)) || N(0, I)),

    both terms summed over their axes (see :mod:`ae_helpers.losses`). ``fit`` reports ``loss``,
    ``reconstruction`` and ``kl`` (and ``val_*`` with validation data).

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    encoder : keras.Model
        Maps images to two tensors ``[mean, log_var]`` of shape ``(batch, latent_dim)``.
    decoder : keras.Model
        Maps ``(batch, latent_dim)`` to images of the encoder's input shape, values in [0, 1].
    beta : float
        Weight of the KL term (1 = the plain VAE; > 1 as in beta-VAE).
    reconstruction : {"bce", "mse"}
        ``"bce"``: Bernoulli per pixel, binary cross-entropy summed over pixels (nats).
        ``"mse"``: squared error summed over pixels (a Gaussian decoder with ``sigma**2 = 1/2``).
    seed : int, optional
        Seed of the sampling layer.

    Examples
    --------
    >>> vae = VAE(dense_vae_encoder(2, hidden=(16,)), dense_decoder(2, hidden=(16,)), seed=0)
    >>> x_hat, mean, log_var = vae(np.zeros((4, 784), "float32"))
    >>> tuple(x_hat.shape), tuple(mean.shape)
    ((4, 784), (4, 2))
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        *,
        beta: float = 1.0,
        reconstruction: str = "bce",
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if reconstruction not in RECONSTRUCTIONS:
            raise ValueError(f"reconstruction must be one of {RECONSTRUCTIONS}, got {reconstruction!r}")
        if isinstance(beta, bool) or not np.isfinite(beta) or beta < 0:
            raise ValueError(f"beta must be a finite number >= 0, got {beta!r}")
        self._check_halves(encoder, decoder)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.reconstruction = reconstruction
        self.seed = None if seed is None else int(seed)
        self.sampling = Sampling(seed=self.seed, name="sampling")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")
        # Built from the start: the encoder and decoder hold every weight and are built models, so
        # the training helpers can create the optimizer's state before the first step.
        self.built = True

    @staticmethod
    def _check_halves(encoder: keras.Model, decoder: keras.Model) -> None:
        """Raise ``ValueError`` unless the encoder and decoder fit together."""
        outputs = encoder.output if isinstance(encoder.output, (list, tuple)) else [encoder.output]
        if len(outputs) != 2:
            raise ValueError(
                f"the encoder must output [mean, log_var]; it has {len(outputs)} output(s)"
            )
        if tuple(outputs[0].shape) != tuple(outputs[1].shape):
            raise ValueError(
                f"mean and log_var outputs differ in shape: {outputs[0].shape} vs {outputs[1].shape}"
            )
        latent_dim = int(outputs[0].shape[-1])
        if int(decoder.input_shape[-1]) != latent_dim:
            raise ValueError(
                f"the encoder makes {latent_dim}-D codes but the decoder takes "
                f"{decoder.input_shape[-1]}-D codes"
            )
        if tuple(decoder.output_shape[1:]) != tuple(encoder.input_shape[1:]):
            raise ValueError(
                f"the decoder makes images of shape {decoder.output_shape[1:]} but the encoder "
                f"reads {encoder.input_shape[1:]}"
            )

    def _images(self, x: Any, y: Any) -> Any:
        """The images the reconstruction is compared with."""
        return x if y is None else y

    @property
    def latent_dim(self) -> int:
        """Size of the latent space."""
        return int(self.decoder.input_shape[-1])

    def build(self, input_shape: Any = None) -> None:
        # The encoder and decoder are built models already; nothing else holds weights.
        self.built = True

    def call(self, x: Any, training: bool = False) -> tuple[Any, Any, Any]:
        mean, log_var = self.encoder(x, training=training)
        z = self.sampling([mean, log_var])
        return self.decoder(z, training=training), mean, log_var

    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> Any:
        x_hat, mean, log_var = y_pred
        reconstruction = reconstruction_loss(self._images(x, y), x_hat, self.reconstruction)
        kl = kl_divergence(mean, log_var)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return ops.mean(reconstruction + self.beta * kl)

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "reconstruction": self.reconstruction,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> VAE:
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


def dense_vae_encoder(
    latent_dim: int,
    *,
    input_shape: tuple[int, ...] = (784,),
    hidden: Sequence[int] = (512, 256),
    name: str = "encoder",
) -> keras.Model:
    """Build a dense VAE encoder: images → ``[mean, log_var]``, each of size ``latent_dim``.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> [tuple(t.shape) for t in dense_vae_encoder(2).outputs]
    [(None, 2), (None, 2)]
    """
    _check_latent(latent_dim)
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    h = keras.layers.Flatten()(inputs) if len(input_shape) > 1 else inputs
    for units in hidden:
        h = keras.layers.Dense(units, activation="relu")(h)
    mean = keras.layers.Dense(latent_dim, name="mean")(h)
    log_var = keras.layers.Dense(latent_dim, name="log_var")(h)
    return keras.Model(inputs, [mean, log_var], name=name)


def conv_vae_encoder(latent_dim: int, *, filters: Sequence[int] = (32, 64), dense: int = 128,
                     name: str = "encoder") -> keras.Model:
    """Build a convolutional VAE encoder: ``(28, 28, 1)`` images → ``[mean, log_var]``.

    Two stride-2 convolutions (28 → 14 → 7), a dense layer, then the two heads.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> [tuple(t.shape) for t in conv_vae_encoder(2, filters=(4, 8), dense=8).outputs]
    [(None, 2), (None, 2)]
    """
    _check_latent(latent_dim)
    if len(filters) != 2:
        raise ValueError(f"filters must give two conv layers (28→14→7), got {tuple(filters)}")
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    h = inputs
    for f in filters:
        h = keras.layers.Conv2D(f, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Dense(dense, activation="relu")(keras.layers.Flatten()(h))
    mean = keras.layers.Dense(latent_dim, name="mean")(h)
    log_var = keras.layers.Dense(latent_dim, name="log_var")(h)
    return keras.Model(inputs, [mean, log_var], name=name)


def conv_vae_decoder(latent_dim: int, *, filters: Sequence[int] = (64, 32), dense: int = 128,
                     name: str = "decoder") -> keras.Model:
    """Build a convolutional decoder: codes → ``(28, 28, 1)`` images in [0, 1] (mirrors the encoder).

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> conv_vae_decoder(2, filters=(8, 4), dense=8).output_shape
    (None, 28, 28, 1)
    """
    _check_latent(latent_dim)
    if len(filters) != 2:
        raise ValueError(f"filters must give two conv layers (7→14→28), got {tuple(filters)}")
    inputs = keras.Input(shape=(latent_dim,), name="code")
    h = keras.layers.Dense(dense, activation="relu")(inputs)
    h = keras.layers.Dense(7 * 7 * filters[0], activation="relu")(h)
    h = keras.layers.Reshape((7, 7, filters[0]))(h)
    for f in filters:
        h = keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu")(h)
    out = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="pixels")(h)
    return keras.Model(inputs, out, name=name)


def dense_vae(
    latent_dim: int,
    *,
    image_shape: tuple[int, ...] = (784,),
    hidden: Sequence[int] = (512, 256),
    beta: float = 1.0,
    reconstruction: str = "bce",
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    seed: int | None = 0,
) -> VAE:
    """Build and compile a dense VAE (Adam); the decoder mirrors the encoder's hidden layers.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    latent_dim : int
        Size of the latent space.
    image_shape : tuple of int
        ``(784,)`` (flat) or ``(28, 28)``.
    hidden : sequence of int
        Widths of the encoder's hidden layers.
    beta, reconstruction, seed
        As in :class:`VAE`.
    learning_rate : float or schedule
        Adam's step size.

    Examples
    --------
    >>> vae = dense_vae(2, hidden=(32,))
    >>> vae.latent_dim, vae.beta, vae.reconstruction
    (2, 1.0, 'bce')
    """
    encoder = dense_vae_encoder(latent_dim, input_shape=image_shape, hidden=hidden)
    decoder = dense_decoder(latent_dim, output_shape=image_shape, hidden=tuple(reversed(hidden)))
    vae = VAE(encoder, decoder, beta=beta, reconstruction=reconstruction, seed=seed)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate))
    return vae


def vae_settings(
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
    follow: int = 0,
) -> dict[str, Any]:
    """The cache settings of :func:`trained_vae` (everything that changes what it returns).

    Examples
    --------
    >>> vae_settings(2, epochs=3, quick=True)["train_size"]
    6000
    """
    quick = quick_mode() if quick is None else bool(quick)
    _check_latent(latent_dim)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if reconstruction not in RECONSTRUCTIONS:
        raise ValueError(f"reconstruction must be one of {RECONSTRUCTIONS}, got {reconstruction!r}")
    if train_size is None and quick:
        train_size = QUICK_TRAIN_SIZE
    if isinstance(follow, bool) or not isinstance(follow, int) or not 0 <= follow <= 10_000:
        raise ValueError(f"follow must be an int from 0 to 10,000 (test images), got {follow!r}")
    return {
        "model": "dense_vae",
        "latent_dim": int(latent_dim),
        "hidden": [int(h) for h in hidden],
        "beta": float(beta),
        "reconstruction": reconstruction,
        "epochs": epochs,
        "batch_size": int(batch_size),
        "learning_rate": float(learning_rate),
        "schedule": "linear warm-up over 1 epoch (at most a quarter of the steps), cosine to 5%",
        "seed": int(seed),
        "train_size": train_size,
        "follow": follow,
        "frames": FRAMES if follow else 0,
    }


def warmup_cosine(
    learning_rate: float, steps: int, *, warmup: int
) -> keras.optimizers.schedules.LearningRateSchedule:
    """A step-size schedule: linear warm-up from 0, then a cosine decay to 5 % of ``learning_rate``.

    The warm-up lasts ``warmup`` steps, but at most a quarter of ``steps``. A large step size from
    the first step can throw a freshly initialised VAE far off (its loss jumps to several hundred nats
    before it recovers); rising to it over an epoch avoids that and lets a larger peak step size be
    used.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> schedule = warmup_cosine(1e-3, 100, warmup=10)
    >>> [round(float(schedule(s)), 6) for s in (0, 5, 10, 100)]
    [0.0, 0.0005, 0.001, 5e-05]
    """
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    warm = max(0, min(int(warmup), int(steps) // 4))
    if warm == 0:
        return keras.optimizers.schedules.CosineDecay(learning_rate, int(steps), alpha=0.05)
    return keras.optimizers.schedules.CosineDecay(
        0.0, int(steps) - warm, alpha=0.05, warmup_target=learning_rate, warmup_steps=warm
    )


def trained_vae(
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
    follow: int = 0,
) -> Trained:
    """Load a dense VAE trained on MNIST from the cache, or train (and cache) it.

    Adam whose step size rises linearly to ``learning_rate`` over the first epoch and then decays
    along a cosine to 5 % of it (:func:`warmup_cosine`); flat images.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    latent_dim : int
        Size of the latent space.
    epochs : int
        Passes over the training images.
    beta, reconstruction
        As in :class:`VAE`.
    train_size : int, optional
        Train on a stratified subset of this many images; ``None``: all 60,000 (in quick mode
        :data:`QUICK_TRAIN_SIZE`).
    seed : int
        Seed of the weights, the sampling noise, the shuffling and the subset.
    hidden, batch_size, learning_rate
        Architecture and schedule.
    quick : bool, optional
        Defaults to :func:`~ae_helpers.quick_mode`; only changes the default ``train_size``.
    log_every : int, optional
        Print a line every this many epochs while training (0: silent).
    follow : int
        Film the training: record the codes (means) of this many test images (a stratified subset)
        before training and then every ``ceil(steps / FRAMES)`` steps and after the last (at most
        ``FRAMES`` (20) more frames). They are kept in
        the cache with the model, in ``extras``: ``"snapshots"`` (frames, follow, latent_dim),
        ``"labels"`` (follow,) and ``"epochs"`` (frames,), the training done before each frame.
        Costs well under a second; 0 (default) records nothing.

    Returns
    -------
    Trained
        ``model`` is the :class:`VAE`; ``history`` has ``loss``, ``reconstruction`` and ``kl``.

    Examples
    --------
    >>> trained = trained_vae(2, epochs=1, train_size=500)  # doctest: +SKIP
    >>> trained.model.latent_dim  # doctest: +SKIP
    2
    """
    settings = vae_settings(
        latent_dim, epochs=epochs, beta=beta, reconstruction=reconstruction, train_size=train_size,
        seed=seed, hidden=hidden, batch_size=batch_size, learning_rate=learning_rate, quick=quick,
        follow=follow,
    )
    (x_train, _), (x_test, y_test) = load_mnist(
        layout="flat", train_size=settings["train_size"], test_size=follow or None, seed=seed
    )
    settings["data"] = fingerprint(x_train, x_test) if follow else fingerprint(x_train)

    def fit_vae() -> VAE | tuple[VAE, dict[str, np.ndarray]]:
        keras.utils.set_random_seed(seed)
        per_epoch = steps_per_epoch(len(x_train), batch_size)
        schedule = warmup_cosine(learning_rate, epochs * per_epoch, warmup=per_epoch)
        vae = dense_vae(latent_dim, hidden=hidden, beta=beta, reconstruction=reconstruction,
                        learning_rate=schedule, seed=seed)
        film = None
        if follow:
            from .animations import LatentSnapshots

            film = LatentSnapshots(lambda x: posterior(vae, x)[0], x_test,
                                   every=max(1, -(-epochs * per_epoch // FRAMES)))
        train(vae, x_train, epochs=epochs, batch_size=batch_size, targets=False,
              log_every=log_every, seed=seed, callbacks=[film] if film else None)
        if film is None:
            return vae
        return vae, {"snapshots": film.snapshots, "labels": y_test,
                     "epochs": film.steps / per_epoch}

    return load_or_train("vae", settings, fit_vae)


class ElboTerms(NamedTuple):
    """Held-out loss terms of a VAE, averaged over images, in nats (squared error: summed over pixels)."""

    reconstruction: float
    kl: float
    squared_error: float

    @property
    def negative_elbo(self) -> float:
        """The negative evidence lower bound, in nats (summed BCE plus KL)."""
        return self.reconstruction + self.kl


def _vae_input(vae: VAE, x: Any) -> np.ndarray:
    images = as_images(x, name="x", layout="flat")
    return images.reshape((len(images),) + tuple(vae.encoder.input_shape[1:]))


def posterior(vae: VAE, x: Any, *, batch_size: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's ``(mean, log_var)`` of ``q(z|x)`` for images ``x``: NumPy, ``(n, latent_dim)`` each.

    (:func:`ae_helpers.latent.encode` gives the means alone.)

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> mean, log_var = posterior(dense_vae(2, hidden=(8,)), np.zeros((3, 784), "float32"))
    >>> mean.shape, log_var.shape
    ((3, 2), (3, 2))
    """
    mean, log_var = run_model(vae.encoder, _vae_input(vae, x), batch_size=batch_size)
    return mean, log_var


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
    >>> terms = elbo_terms(dense_vae(2, hidden=(8,)), np.full((5, 784), 0.5, "float32"))
    >>> round(terms.negative_elbo - terms.reconstruction - terms.kl, 6)
    0.0
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}")
    images = _vae_input(vae, x)
    mean, log_var = posterior(vae, images, batch_size=batch_size)
    flat = images.reshape(len(images), -1).astype(np.float64)
    rng = np.random.default_rng(seed)
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
    >>> round(negative_elbo(dense_vae(2, hidden=(8,)), np.full((5, 784), 0.5, "float32")) / 784, 1)
    0.7
    """
    return elbo_terms(vae, x, n_samples=n_samples, seed=seed).negative_elbo


def reconstruct(vae: VAE, x: Any, *, batch_size: int = 1000) -> np.ndarray:
    """Decode the mean code of each image: the VAE's reconstructions, ``(n, 28, 28)`` in [0, 1].

    The mean ``mu(x)`` rather than a sampled ``z``: the reconstruction the model considers most
    typical, without the sampling noise.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> reconstruct(dense_vae(2, hidden=(8,)), np.zeros((3, 784), "float32")).shape
    (3, 28, 28)
    """
    mean, _ = posterior(vae, x, batch_size=batch_size)
    (images,) = run_model(vae.decoder, mean, batch_size=batch_size)
    return as_images(np.clip(images, 0.0, 1.0), name="reconstructions", layout="image")


def generate(vae: VAE, n: int, *, seed: int = 0, batch_size: int = 1000) -> np.ndarray:
    """Draw ``n`` codes from the prior ``N(0, I)`` and decode them: new images ``(n, 28, 28)``.

    The codes are those of :func:`ae_helpers.latent.sample_normal` with the same ``seed``, so
    ``generate(vae, n, seed=s)`` equals ``decode(vae.decoder, sample_normal(n, d, seed=s))``.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> generate(dense_vae(2, hidden=(8,)), 4).shape
    (4, 28, 28)
    """
    codes = sample_normal(n, vae.latent_dim, seed=seed)
    (images,) = run_model(vae.decoder, codes, batch_size=batch_size)
    return as_images(np.clip(images, 0.0, 1.0), name="generated images", layout="image")
