"""Checking that arrays really are batches of MNIST-sized images in [0, 1].

Every helper that takes images calls :func:`as_images` first, so that a 32×32 image, a 0-255 array
or a NaN gives a clear error instead of a silent wrong answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_LAYOUTS = {(784,): "flat", (28, 28): "image", (28, 28, 1): "channels"}


def as_images(images: Any, *, name: str = "images", layout: str = "channels") -> np.ndarray:
    """Return ``images`` as a float32 array of shape ``(n, 28, 28, 1)`` (or another layout).

    Parameters
    ----------
    images : array-like
        A batch of MNIST-sized images in [0, 1]: ``(n, 784)``, ``(n, 28, 28)`` or
        ``(n, 28, 28, 1)``, floating point.
    name : str
        What to call the argument in error messages.
    layout : {"channels", "image", "flat"}
        The layout to return.

    Raises
    ------
    TypeError
        If ``images`` is not numeric or not floating point (uint8 0-255 must be scaled first).
    ValueError
        If the shape is not one of the three layouts, the batch is empty, or values are NaN/inf
        or outside [0, 1].

    Examples
    --------
    >>> as_images(np.zeros((2, 784), dtype="float32")).shape
    (2, 28, 28, 1)
    >>> as_images(np.zeros((2, 32, 32)))
    Traceback (most recent call last):
    ...
    ValueError: images must have shape (n, 784), (n, 28, 28) or (n, 28, 28, 1); got (2, 32, 32)
    """
    if hasattr(images, "numpy") and not isinstance(images, np.ndarray):
        images = images.numpy()  # a backend tensor
    try:
        arr = np.asarray(images)
    except Exception as err:  # noqa: BLE001
        raise TypeError(f"{name} must be an array of images, got {type(images).__name__}") from err
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or arr.dtype == bool:
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(
            f"{name} must be floating point in [0, 1], got dtype {arr.dtype}; "
            "scale integer pixels first: images.astype('float32') / 255"
        )
    if arr.ndim < 2 or tuple(arr.shape[1:]) not in _LAYOUTS:
        raise ValueError(
            f"{name} must have shape (n, 784), (n, 28, 28) or (n, 28, 28, 1); got {arr.shape}"
        )
    if len(arr) == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0.0 or hi > 1.0:
        hint = " (0-255 pixels? divide by 255)" if hi > 1.0 else ""
        raise ValueError(f"{name} must lie in [0, 1]; got values from {lo:g} to {hi:g}{hint}")
    shapes = {"flat": (784,), "image": (28, 28), "channels": (28, 28, 1)}
    if layout not in shapes:
        raise ValueError(f"layout must be one of {sorted(shapes)}, got {layout!r}")
    return arr.astype(np.float32, copy=False).reshape((len(arr),) + shapes[layout])
