"""The variational autoencoder: a sampling layer, the model with its loss, and builders.

Introduced in chapter 4 (``book/04_vae.ipynb``).

The encoder maps an image to the mean and log-variance of a normal distribution over the latent space;
:class:`Sampling` draws ``z = mean + exp(log_var / 2) * eps`` from it (the reparameterisation trick);
the decoder maps ``z`` back to an image. :class:`VAE` keeps its loss in ``compute_loss`` (reconstruction
+ ``beta`` × KL, see :mod:`ae_helpers.models` (the loss functions)), so ``fit`` works unchanged on the TensorFlow, JAX and
PyTorch backends: no backend-specific training step, no backend code. Models save to and load from ``.keras`` files in
Keras's safe mode, so the model cache (:func:`ae_helpers.training.load_or_train`) can keep them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np  # noqa: F401 - the examples use it
from keras import ops

from .._checks import (
    as_image_shape,
    check_choice,
    check_int,
    check_latent_dim,
    check_learning_rate,
    check_number,
    check_optional_int,
)
from ._autoencoder import dense_decoder, dense_trunk, hidden_widths
from ._losses import RECONSTRUCTIONS, kl_divergence, reconstruction_loss


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
        self.seed = check_optional_int(seed, "seed", minimum=0)
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

    both terms summed over their axes (see :mod:`ae_helpers.models` (the loss functions)). ``fit`` reports ``loss``,
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
        for half, value in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(value, keras.Model):
                raise TypeError(
                    f"{half} must be a keras.Model, got {type(value).__name__} ({value!r:.40}); "
                    f"build one with dense_vae_encoder/dense_decoder (or conv_vae_encoder/"
                    f"conv_decoder), or use dense_vae(latent_dim) for both halves")
        check_choice(reconstruction, "reconstruction", RECONSTRUCTIONS)
        beta = check_number(beta, "beta", minimum=0)
        self._check_halves(encoder, decoder)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.reconstruction = reconstruction
        self.seed = check_optional_int(seed, "seed", minimum=0)
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

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, *args: Any,
                **kwargs: Any) -> None:
        """Compile with an optimizer; the loss is the model's own and cannot be replaced.

        ``compile(loss=...)`` used to be accepted and ignored (a VAE compiled with ``loss="mse"``
        trained on its cross-entropy); it is refused now, naming the way to get that loss.

        Raises
        ------
        ValueError
            If ``loss`` is given.
        """
        if loss is not None:
            raise ValueError(
                f"loss={loss!r}: a {type(self).__name__} trains on its own loss, "
                f"reconstruction ({self.reconstruction!r}) + beta × KL, which compile cannot "
                "replace; leave loss out, and for the squared error build the model with "
                "reconstruction='mse' (e.g. dense_vae(2, reconstruction='mse'))")
        super().compile(optimizer, None, *args, **kwargs)

    def compile_from_config(self, config: dict[str, Any]) -> None:
        # Keras skips this for a model whose compile() is its own: do what it would do.
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if hasattr(self, "optimizer") and self.built:
            self.optimizer.build(self.trainable_variables)

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
    hidden: Sequence[int] | None = None,
    name: str = "encoder",
) -> keras.Model:
    """Build a dense VAE encoder: images → ``[mean, log_var]``, each of size ``latent_dim``.

    ``hidden`` defaults to widths scaled to the input size (``(512, 256)`` for 784 pixels; see
    :func:`ae_helpers.models.default_hidden`).

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> [tuple(t.shape) for t in dense_vae_encoder(2).outputs]
    [(None, 2), (None, 2)]
    """
    latent_dim = check_latent_dim(latent_dim)
    inputs, h = dense_trunk(input_shape, hidden)
    mean = keras.layers.Dense(latent_dim, name="mean")(h)
    log_var = keras.layers.Dense(latent_dim, name="log_var")(h)
    return keras.Model(inputs, [mean, log_var], name=name)


def _conv_grid(image_shape: Any, filters: Sequence[int]) -> tuple[tuple[int, int, int], int, int]:
    """Check a convolutional VAE's image shape against its stride-2 layers; return (h, w, c), h', w'."""
    shape = as_image_shape(image_shape)
    if len(shape) != 3:
        raise ValueError(f"image_shape must be (h, w) or (h, w, c) for a convolutional VAE, "
                         f"got {tuple(image_shape)}")
    widths = tuple(check_int(f, "filters") for f in filters)
    if not widths:
        raise ValueError("filters must give at least one convolutional layer, got ()")
    step = 2 ** len(widths)
    h, w, _ = shape
    if h % step or w % step:
        raise ValueError(
            f"image_shape {tuple(image_shape)}: height and width must be divisible by {step} "
            f"(one halving per entry of filters={widths}); pad or crop the images, or use fewer filters"
        )
    return shape, h // step, w // step


def conv_vae_encoder(latent_dim: int, *, image_shape: Sequence[int] = (28, 28, 1),
                     filters: Sequence[int] = (32, 64), dense: int = 128,
                     name: str = "encoder") -> keras.Model:
    """Build a convolutional VAE encoder: images ``image_shape`` → ``[mean, log_var]``.

    One stride-2 convolution per entry of ``filters`` (28 → 14 → 7 for MNIST's default), a dense
    layer, then the two heads. Any height and width that the strides divide, any number of
    channels (``(32, 32, 3)`` for colour images).

    Introduced in chapter 4 (``book/04_vae.ipynb``); on other data in the appendix
    (``book/07_your_own_data.ipynb``).

    Examples
    --------
    >>> [tuple(t.shape) for t in conv_vae_encoder(2, filters=(4, 8), dense=8).outputs]
    [(None, 2), (None, 2)]
    >>> conv_vae_encoder(2, image_shape=(32, 32, 3), filters=(4,), dense=8).input_shape
    (None, 32, 32, 3)
    """
    latent_dim = check_latent_dim(latent_dim)
    shape, _, _ = _conv_grid(image_shape, filters)
    inputs = keras.Input(shape=shape, name="image")
    h = inputs
    for f in filters:
        h = keras.layers.Conv2D(int(f), 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Dense(check_int(dense, "dense"), activation="relu")(keras.layers.Flatten()(h))
    mean = keras.layers.Dense(latent_dim, name="mean")(h)
    log_var = keras.layers.Dense(latent_dim, name="log_var")(h)
    return keras.Model(inputs, [mean, log_var], name=name)


def conv_vae_decoder(latent_dim: int, *, image_shape: Sequence[int] = (28, 28, 1),
                     filters: Sequence[int] = (64, 32), dense: int = 128,
                     name: str = "decoder") -> keras.Model:
    """Build a convolutional decoder: codes → images ``image_shape`` in [0, 1] (mirrors the encoder).

    A dense layer to a ``(h / 2^k, w / 2^k, filters[0])`` block, then one stride-2 transposed
    convolution per entry of ``filters`` and a sigmoid convolution to the image's channels.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> conv_vae_decoder(2, filters=(8, 4), dense=8).output_shape
    (None, 28, 28, 1)
    >>> conv_vae_decoder(2, image_shape=(32, 32, 3), filters=(8, 4), dense=8).output_shape
    (None, 32, 32, 3)
    """
    latent_dim = check_latent_dim(latent_dim)
    (_, _, channels), h0, w0 = _conv_grid(image_shape, filters)
    inputs = keras.Input(shape=(latent_dim,), name="code")
    h = keras.layers.Dense(check_int(dense, "dense"), activation="relu")(inputs)
    h = keras.layers.Dense(h0 * w0 * int(filters[0]), activation="relu")(h)
    h = keras.layers.Reshape((h0, w0, int(filters[0])))(h)
    for f in filters:
        h = keras.layers.Conv2DTranspose(int(f), 3, strides=2, padding="same", activation="relu")(h)
    out = keras.layers.Conv2D(channels, 3, padding="same", activation="sigmoid", name="pixels")(h)
    return keras.Model(inputs, out, name=name)


def conv_vae(
    latent_dim: int,
    *,
    image_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (32, 64),
    dense: int = 128,
    beta: float = 1.0,
    reconstruction: str = "bce",
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    seed: int | None = 0,
) -> VAE:
    """Build and compile a convolutional VAE (Adam) for images of ``image_shape``, greyscale or colour.

    The encoder is :func:`conv_vae_encoder`; the decoder :func:`conv_vae_decoder` with the filters
    reversed. ``beta``, ``reconstruction`` and ``seed`` as in :class:`VAE`.

    Introduced in the appendix (``book/07_your_own_data.ipynb``).

    Examples
    --------
    >>> vae = conv_vae(2, image_shape=(32, 32, 3), filters=(8, 16), dense=16)
    >>> vae.encoder.input_shape, vae.decoder.output_shape
    ((None, 32, 32, 3), (None, 32, 32, 3))
    """
    encoder = conv_vae_encoder(latent_dim, image_shape=image_shape, filters=filters, dense=dense)
    decoder = conv_vae_decoder(latent_dim, image_shape=image_shape,
                               filters=tuple(reversed(tuple(filters))), dense=dense)
    vae = VAE(encoder, decoder, beta=beta, reconstruction=reconstruction, seed=seed)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate))
    return vae


def dense_vae(
    latent_dim: int,
    *,
    image_shape: tuple[int, ...] = (784,),
    hidden: Sequence[int] | None = None,
    beta: float = 1.0,
    reconstruction: str = "bce",
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    seed: int | None = 0,
) -> VAE:
    """Build and compile a dense VAE (Adam); the decoder mirrors the encoder's hidden layers.

    Parameters
    ----------
    latent_dim : int
        Size of the latent space.
    image_shape : tuple of int
        One image's shape: ``(784,)`` (flat MNIST), ``(28, 28)``, ``(8, 8)``, ``(32, 32, 3)``...
    hidden : sequence of int, optional
        Widths of the encoder's hidden layers. Default: scaled to the image size
        (:func:`~ae_helpers.models.default_hidden`: ``(512, 256)`` for 784 pixels, ``(40, 24)``
        for 8×8 images).
    beta, reconstruction, seed
        As in :class:`VAE`.
    learning_rate : float or schedule
        Adam's step size.

    Notes
    -----
    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> vae = dense_vae(2, hidden=(32,))
    >>> vae.latent_dim, vae.beta, vae.reconstruction
    (2, 1.0, 'bce')
    """
    hidden = hidden_widths(hidden, int(np.prod(image_shape)))
    encoder = dense_vae_encoder(latent_dim, input_shape=image_shape, hidden=hidden)
    decoder = dense_decoder(latent_dim, output_shape=image_shape, hidden=tuple(reversed(hidden)))
    vae = VAE(encoder, decoder, beta=beta, reconstruction=reconstruction, seed=seed)
    vae.compile(optimizer=keras.optimizers.Adam(check_learning_rate(learning_rate)))
    return vae
