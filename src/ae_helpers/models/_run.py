"""Calling a model on in-memory data, batch by batch, with NumPy arrays out.

Used by every helper that runs a model (encode, decode, the judge, figures); introduced in
chapter 1 (``book/01_compression.ipynb``).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from .._checks import as_images, check_int, refuse_channels_first, to_numpy


def run_model(model: keras.Model, inputs: Any, *, batch_size: int = 1000) -> list[np.ndarray]:
    """Call a model on in-memory inputs batch by batch; return every output as a NumPy array.

    Used instead of ``model.predict`` everywhere in the helpers: ``predict`` builds a data pipeline
    and a traced function per model (about 180 MB more memory for the 10,000 test images, and
    "retracing" warnings in a page that calls many models); a plain call does neither.

    Parameters
    ----------
    model : keras.Model
        Any model; one input or a list of inputs.
    inputs : np.ndarray or list of np.ndarray
        Examples along the first axis (several inputs: the same number of examples each).
    batch_size : int
        Examples per call.

    Returns
    -------
    list of np.ndarray
        One array per model output, in order.

    Examples
    --------
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> [out.shape for out in run_model(model, np.zeros((5, 3), "float32"), batch_size=2)]
    [(5, 2)]
    """
    batch_size = check_int(batch_size, "batch_size")
    several = isinstance(inputs, (list, tuple))
    arrays = [np.asarray(to_numpy(a)) for a in inputs] if several else [np.asarray(to_numpy(inputs))]
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"inputs hold different numbers of examples: {[len(a) for a in arrays]}")
    parts: list[list[np.ndarray]] = []
    for start in range(0, n, batch_size):
        # A read-only batch (a view of load_mnist's shared images) is copied: PyTorch warns on it.
        batch = [b if b.flags.writeable else b.copy()
                 for b in (a[start : start + batch_size] for a in arrays)]
        out = model(batch if several else batch[0], training=False)
        outs = out if isinstance(out, (list, tuple)) else [out]
        parts.append([to_numpy(o) for o in outs])
    return [np.concatenate(column) for column in zip(*parts)]


def model_input(model: Any, images: Any, *, name: str = "images") -> np.ndarray:
    """Check ``images`` and shape them as ``model``'s input: ``(n,) + model.input_shape[1:]``.

    Any image shape works if the model takes as many values per image: a dense model's flat
    ``(784,)`` input takes ``(n, 28, 28)`` images, a convolutional ``(32, 32, 3)`` one takes flat
    ``(n, 3072)`` rows.

    Examples
    --------
    >>> model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(2)])
    >>> model_input(model, np.zeros((3, 8, 8), "float32")).shape
    (3, 64)
    """
    shape = getattr(model, "input_shape", None)
    if not isinstance(shape, tuple) or len(shape) < 2:
        raise TypeError(f"expected a model with one image input, got {type(model).__name__} "
                        f"with input shape {shape}")
    shape = tuple(shape[1:])
    refuse_channels_first(getattr(images, "shape", np.shape(images)), shape, name)
    if any(d is None for d in shape):  # a convolutional model of any height and width
        return as_images(images, name=name, layout="channels")
    x = as_images(images, name=name, layout="flat", image_shape=shape)
    return x.reshape((len(x),) + shape)


def model_output(model: Any, outputs: Any, *, name: str = "decoded images") -> np.ndarray:
    """A decoder's outputs as images in [0, 1] (clipped): ``(n, h, w)``, or ``(n, h, w, c)`` in colour.

    The height and width come from the model's output shape (a flat 784 is MNIST's 28×28).

    Examples
    --------
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(64)])
    >>> model_output(model, np.full((3, 64), 2.0, "float32")).shape
    (3, 8, 8)
    """
    arr = np.clip(np.asarray(to_numpy(outputs), dtype=np.float32), 0.0, 1.0)
    shape = tuple(model.output_shape[1:]) if hasattr(model, "output_shape") else None
    if shape is not None and any(d is None for d in shape):
        shape = None
    return as_images(arr, name=name, layout="image", image_shape=shape)
