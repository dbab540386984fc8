"""A conditional VAE: encoder and decoder both read the digit's label, so any digit can be asked for.

Introduced in chapter 5 (``book/05_beyond.ipynb``).

A plain VAE learns ``p(x)``: sampling the prior gives *some* digit, in whatever proportions the
latent space happens to give each. A conditional VAE (Sohn et al., 2015) learns ``p(x | y)``: the
encoder sees the image *and* its one-hot label, the decoder sees the code *and* the label. Since the
decoder is told which digit to draw, the code is free to hold only the *style* (slant, width,
thickness), and at generation time we choose the digit and draw the style from the prior.

The model reuses the VAE's pieces from chapter 4: the :class:`~ae_helpers.models.Sampling` layer and
the loss terms; its loss lives in ``compute_loss``, so ``fit`` runs on every
Keras backend. It is registered for saving, so :func:`ae_helpers.training.load_or_train` can keep it.
It takes its inputs as a pair ``(images, labels)`` with integer labels;
:class:`ae_helpers.training.LabelledBatches` feeds such pairs to ``fit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np  # noqa: F401 - the examples use it
from keras import ops

from .._checks import check_latent_dim, check_learning_rate
from ._autoencoder import hidden_widths
from ._vae import VAE

N_CLASSES = 10
"""Number of digit classes the label is one-hot encoded into."""


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
    latent_dim = check_latent_dim(latent_dim)
    image = keras.Input(shape=(784,), name="image")
    label = keras.Input(shape=(int(n_classes),), name="label")
    h = keras.layers.Concatenate()([image, label])
    for units in hidden_widths(hidden, 784):
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
    latent_dim = check_latent_dim(latent_dim)
    code = keras.Input(shape=(latent_dim,), name="code")
    label = keras.Input(shape=(int(n_classes),), name="label")
    h = keras.layers.Concatenate()([code, label])
    for units in hidden_widths(hidden, 784):
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

    the same two terms as :class:`ae_helpers.models.VAE`, each summed over its axes (the loss, the
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
        As in :class:`ae_helpers.models.VAE`.
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
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    beta: float = 1.0,
    reconstruction: str = "bce",
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
    hidden = hidden_widths(hidden, 784)
    encoder = conditional_encoder(latent_dim, hidden=hidden)
    decoder = conditional_decoder(latent_dim, hidden=tuple(reversed(hidden)))
    cvae = ConditionalVAE(encoder, decoder, beta=beta, reconstruction=reconstruction, seed=seed)
    cvae.compile(optimizer=keras.optimizers.Adam(check_learning_rate(learning_rate)))
    return cvae
