"""Checks that look into Keras models: the input and output shapes they read and write, encoders."""

from __future__ import annotations

from typing import Any

import numpy as np


def model_input_shape(model: Any) -> tuple[int, ...] | None:
    """The shape of one example of the model's (first) input, or ``None`` where it is not known.

    A model with several inputs (a conditional VAE's images and labels) gives its first; a subclassed
    model with an ``encoder`` (:class:`ae_helpers.models.VAE`) gives its encoder's.

    Examples
    --------
    >>> import keras
    >>> model_input_shape(keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()]))
    (28, 28, 1)
    """
    for candidate in (model, getattr(model, "encoder", None)):
        try:
            shape = candidate.input_shape
        except (AttributeError, ValueError, TypeError):
            continue
        if isinstance(shape, list):
            shape = shape[0] if shape else None
        if isinstance(shape, tuple) and len(shape) >= 2 and all(isinstance(s, int) for s in shape[1:]):
            return tuple(shape[1:])
    return None


def model_output_shape(model: Any) -> tuple[int, ...] | None:
    """The shape of one example of the model's (first) output, or ``None`` where it is not known.

    Examples
    --------
    >>> import keras
    >>> model_output_shape(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))
    (2,)
    """
    shape = _attribute(model, "output_shape")
    if isinstance(shape, list):
        shape = shape[0] if shape else None
    if isinstance(shape, tuple) and len(shape) >= 2 and all(isinstance(s, int) for s in shape[1:]):
        return tuple(shape[1:])
    return None


def refuse_channels_first(batch_shape: Any, model_shape: Any, name: str = "images") -> None:
    """Refuse colour images given channels first, ``(n, c, h, w)``, for a model that reads
    ``(h, w, c)``: they hold the right number of values, and a reshape would scramble them.

    Examples
    --------
    >>> refuse_channels_first((5, 3, 32, 32), (32, 32, 3), "x")
    Traceback (most recent call last):
    ...
    ValueError: x have examples of shape (3, 32, 32), channels first; the model reads (32, 32, 3), channels last, and reshaping would scramble the colours. Convert them with np.moveaxis(x, 1, -1) (train takes channels_first=True)
    """
    batch = tuple(int(d) for d in batch_shape)
    shape = tuple(model_shape) if model_shape is not None else ()
    if (len(batch) == 4 and len(shape) == 3 and shape[2] is not None and shape[2] > 1
            and batch[1:] == (shape[2], shape[0], shape[1]) and batch[1:] != shape):
        raise ValueError(
            f"{name} have examples of shape {batch[1:]}, channels first; the model reads {shape}, "
            f"channels last, and reshaping would scramble the colours. Convert them with "
            f"np.moveaxis({name}, 1, -1) (train takes channels_first=True)")


def check_fits_model(images: np.ndarray, model: Any, name: str = "images", *,
                     side: str = "input", channels_first: bool = False) -> np.ndarray:
    """Return ``images`` shaped as the model's input: their per-example size must be the model's.

    Images whose examples hold as many values as the model's input (``(n, 784)`` for a model that
    reads ``(28, 28, 1)``) are reshaped to it (a view, no copy); a model whose input shape is not
    known takes them as they are.

    Colour images given channels first, ``(n, c, h, w)`` for a model that reads ``(h, w, c)``,
    hold the right number of values, but reshaping would scramble them: they are refused, or
    converted with ``channels_first=True``.

    Raises
    ------
    ValueError
        If the sizes differ (images of another data set, or of the wrong resolution), or colour
        images come channels first without ``channels_first=True``.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(2)])
    >>> check_fits_model(np.zeros((3, 28, 28)), model).shape
    (3, 784)
    >>> check_fits_model(np.zeros((3, 32, 32)), model)
    Traceback (most recent call last):
    ...
    ValueError: images have examples of shape (32, 32) (1024 values); the model reads (784,) (784 values)
    """
    shape = model_input_shape(model) if side == "input" else model_output_shape(model)
    if channels_first:
        if images.ndim != 4:
            raise ValueError(f"channels_first=True needs {name} of shape (n, c, h, w), got shape "
                             f"{tuple(images.shape)}")
        images = np.moveaxis(images, 1, -1)
    if shape is None:
        return images
    if not channels_first:
        refuse_channels_first(images.shape, shape, name)
    have, need = int(np.prod(images.shape[1:])), int(np.prod(shape))
    if have != need:
        verb = "reads" if side == "input" else "outputs"
        raise ValueError(
            f"{name} have examples of shape {tuple(images.shape[1:])} ({have} values); "
            f"the model {verb} {shape} ({need} values)"
        )
    return images.reshape((len(images),) + shape) if tuple(images.shape[1:]) != shape else images


def check_encoder(model: Any, name: str = "encoder") -> Any:
    """Return ``model`` if it can be an encoder: refuse a whole autoencoder or VAE.

    A whole autoencoder maps images to images; its "codes" would be reconstructions. It is
    recognised by a half called ``encoder`` inside it (a layer, or a VAE's attribute), or by an
    output of the same shape as its input.

    Raises
    ------
    TypeError
        If ``model`` is a whole autoencoder or VAE; the message names the encoder to pass instead.

    Examples
    --------
    >>> import keras
    >>> auto = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    >>> check_encoder(auto)
    Traceback (most recent call last):
    ...
    TypeError: encoder maps (4,) inputs to (4,) outputs, like a whole autoencoder, not to codes; pass its encoder (encoder_of(model), or vae.encoder for a VAE)
    """
    if getattr(model, "encoder", None) is not None and getattr(model, "decoder", None) is not None:
        raise TypeError(
            f"{name} is a whole VAE ({type(model).__name__}), not an encoder: pass vae.encoder"
        )
    layer_names = {getattr(layer, "name", None) for layer in getattr(model, "layers", [])}
    if getattr(model, "name", None) != "encoder" and "encoder" in layer_names:
        raise TypeError(
            f"{name} is a whole autoencoder ({getattr(model, 'name', type(model).__name__)!r} holds "
            "a layer called 'encoder'), not an encoder: pass encoder_of(model)"
        )
    inputs, outputs = _attribute(model, "input_shape"), _attribute(model, "output_shape")
    same = isinstance(inputs, tuple) and isinstance(outputs, tuple) and len(inputs) > 1
    if same and tuple(inputs[1:]) == tuple(outputs[1:]):
        raise TypeError(
            f"{name} maps {tuple(inputs[1:])} inputs to {tuple(outputs[1:])} outputs, like a "
            "whole autoencoder, not to codes; pass its encoder (encoder_of(model), or "
            "vae.encoder for a VAE)"
        )
    return model


def _attribute(obj: Any, attribute: str) -> Any:
    """``getattr(obj, attribute, None)``, also when the property raises (an unbuilt Keras model)."""
    try:
        return getattr(obj, attribute, None)
    except (AttributeError, ValueError, TypeError, RuntimeError):
        return None
