"""Autoencoder builders: an encoder N→M, a decoder M→N, and the two chained.

Introduced in chapter 1 (``book/01_compression.ipynb``), where the same model is first built inline.
The encoder and decoder are separate Keras models inside the autoencoder, so a chapter can detach the
decoder (``model.get_layer("decoder")``) and feed it latent points of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from typing import Any

import keras
import numpy as np

from .._checks import check_choice, check_int, check_latent_dim, check_number

MNIST_HIDDEN = (512, 256)
"""The default hidden widths for MNIST's 784 pixels; other input sizes scale them."""


def default_hidden(n_values: int) -> tuple[int, int]:
    """Hidden widths for ``n_values`` inputs: MNIST's ``(512, 256)`` scaled by ``n_values / 784``,
    rounded to multiples of 8, at least 16 and never wider than MNIST's (more memory and time,
    for inputs larger than MNIST, without a measured gain here).

    Examples
    --------
    >>> default_hidden(784), default_hidden(64), default_hidden(3072)
    ((512, 256), (40, 24), (512, 256))
    """
    scale = int(n_values) / 784
    return tuple(min(w, max(16, 8 * round(w * scale / 8))) for w in MNIST_HIDDEN)


def hidden_widths(hidden: Any, n_values: int, *, mirror: bool = False) -> tuple[int, ...]:
    """``hidden`` as a tuple of Python ints (NumPy integers are taken), or the scaled default
    (:func:`default_hidden`, reversed for a decoder when ``mirror``) when it is ``None``.

    Examples
    --------
    >>> hidden_widths((np.int64(8),), 784), hidden_widths(None, 64, mirror=True)
    ((8,), (24, 40))
    """
    if hidden is None:
        widths = default_hidden(n_values)
        return tuple(reversed(widths)) if mirror else widths
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be a sequence of layer widths such as (512, 256), got "
                        f"{hidden!r}")
    return tuple(check_int(w, f"hidden[{i}]") for i, w in enumerate(hidden))

IMAGE_SHAPE = (28, 28)


def dense_encoder(
    latent_dim: int,
    *,
    input_shape: tuple[int, ...] = (784,),
    hidden: Sequence[int] | None = None,
    name: str = "encoder",
) -> keras.Model:
    """Build a dense encoder: images of ``input_shape`` → codes of ``latent_dim`` numbers.

    ``hidden`` defaults to widths scaled to the input size (:func:`default_hidden`: ``(512, 256)``
    for MNIST's 784 pixels, ``(40, 24)`` for 8×8 images).

    Examples
    --------
    >>> dense_encoder(2).output_shape
    (None, 2)
    """
    latent_dim = check_latent_dim(latent_dim)
    inputs, h = dense_trunk(input_shape, hidden)
    code = keras.layers.Dense(latent_dim, name="code")(h)
    return keras.Model(inputs, code, name=name)


def dense_trunk(input_shape: tuple[int, ...], hidden: Sequence[int] | None) -> tuple[Any, Any]:
    """The image input and the ReLU layers a dense encoder builds its outputs on.

    Shared by :func:`dense_encoder` (one output, the code) and the VAE's encoder (two: the mean
    and the log-variance). ``hidden`` as in :func:`dense_encoder`.

    Returns
    -------
    tuple
        ``(inputs, h)``: the Keras input of ``input_shape`` (flattened if it has more than one
        axis) and the output of the last hidden layer.

    Examples
    --------
    >>> inputs, h = dense_trunk((28, 28), hidden=(16,))
    >>> tuple(inputs.shape), tuple(h.shape)
    ((None, 28, 28), (None, 16))
    """
    hidden = hidden_widths(hidden, int(np.prod(input_shape)))
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    h = keras.layers.Flatten()(inputs) if len(input_shape) > 1 else inputs
    for units in hidden:
        h = keras.layers.Dense(units, activation="relu")(h)
    return inputs, h


def dense_decoder(
    latent_dim: int,
    *,
    output_shape: tuple[int, ...] = (784,),
    hidden: Sequence[int] | None = None,
    name: str = "decoder",
) -> keras.Model:
    """Build a dense decoder: codes of ``latent_dim`` numbers → images in [0, 1] (sigmoid).

    ``hidden`` defaults to the encoder's default widths for the output size, reversed
    (``(256, 512)`` for MNIST).

    Examples
    --------
    >>> dense_decoder(2, output_shape=(28, 28)).output_shape
    (None, 28, 28)
    """
    latent_dim = check_latent_dim(latent_dim)
    hidden = hidden_widths(hidden, int(np.prod(output_shape)), mirror=True)
    inputs = keras.Input(shape=(latent_dim,), name="code")
    h = inputs
    for units in hidden:
        h = keras.layers.Dense(units, activation="relu")(h)
    h = keras.layers.Dense(int(np.prod(output_shape)), activation="sigmoid", name="pixels")(h)
    if len(output_shape) > 1:
        h = keras.layers.Reshape(tuple(output_shape))(h)
    return keras.Model(inputs, h, name=name)


def chain(encoder: keras.Model, decoder: keras.Model, *, name: str = "autoencoder") -> keras.Model:
    """Chain an encoder and a decoder into one autoencoder model.

    Raises
    ------
    ValueError
        If the encoder's code size differs from the decoder's input size.

    Examples
    --------
    >>> ae = chain(dense_encoder(8), dense_decoder(8))
    >>> ae.get_layer("decoder").input_shape if hasattr(ae.get_layer("decoder"), "input_shape") else None  # doctest: +SKIP
    """
    if encoder.output_shape[-1] != decoder.input_shape[-1]:
        raise ValueError(
            f"encoder makes codes of size {encoder.output_shape[-1]} but the decoder takes "
            f"{decoder.input_shape[-1]}"
        )
    inputs = keras.Input(shape=encoder.input_shape[1:], name="image")
    return keras.Model(inputs, decoder(encoder(inputs)), name=name)


def dense_autoencoder(
    latent_dim: int,
    *,
    image_shape: tuple[int, ...] = (784,),
    hidden: Sequence[int] | None = None,
    loss: str = "binary_crossentropy",
    learning_rate: float = 1e-3,
) -> keras.Model:
    """Build and compile a dense autoencoder with encoder and decoder as named sub-models.

    Introduced in chapter 1 (``book/01_compression.ipynb``).

    Parameters
    ----------
    latent_dim : int
        M, the size of the code.
    image_shape : tuple of int
        Shape of one image: ``(784,)`` (flat) or ``(28, 28)``.
    hidden : sequence of int, optional
        Widths of the encoder's hidden layers; the decoder mirrors them. Default: scaled to the
        image size (:func:`default_hidden`: ``(512, 256)`` for 784 pixels, ``(40, 24)`` for 64).
    loss : str
        ``"binary_crossentropy"`` (pixels as probabilities) or ``"mse"``.
    learning_rate : float
        Adam's step size.

    Returns
    -------
    keras.Model
        Maps images to reconstructions; ``get_layer("encoder")`` and ``get_layer("decoder")``
        are the two halves.

    Examples
    --------
    >>> ae = dense_autoencoder(2)
    >>> ae.get_layer("encoder").output_shape, ae.output_shape
    ((None, 2), (None, 784))
    """
    check_choice(loss, "loss", ("binary_crossentropy", "mse"))
    check_number(learning_rate, "learning_rate", positive=True)
    hidden = hidden_widths(hidden, int(np.prod(image_shape)))
    encoder = dense_encoder(latent_dim, input_shape=image_shape, hidden=hidden)
    decoder = dense_decoder(latent_dim, output_shape=image_shape, hidden=tuple(reversed(hidden)))
    model = chain(encoder, decoder)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss)
    return model


def encoder_of(model: keras.Model) -> keras.Model:
    """Return the encoder half of an autoencoder built here."""
    return model.get_layer("encoder")


def decoder_of(model: keras.Model) -> keras.Model:
    """Return the decoder half of an autoencoder built here: the detached generator."""
    return model.get_layer("decoder")


def latent_dim_of(model: Any) -> int:
    """Return the latent size ``d`` of a decoder (its input) or of a VAE.

    The one name for "how many numbers a code has" in the package.

    Raises
    ------
    TypeError
        If ``model`` is neither a VAE nor a model with a single ``(n, d)`` input.

    Examples
    --------
    >>> latent_dim_of(dense_decoder(3))
    3
    """
    if isinstance(getattr(model, "latent_dim", None), int):
        return model.latent_dim
    shape = getattr(model, "input_shape", None)
    if shape is None or isinstance(shape, list) or len(shape) != 2:
        raise TypeError(
            f"expected a decoder with a single (n, d) input, got {type(model).__name__} "
            f"with input shape {shape}"
        )
    return int(shape[-1])
