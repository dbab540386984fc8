"""Checks of images: any shape ((n, h, w), (n, h, w, c) or flat rows), values in [0, 1]."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._convert import to_numpy
from ._door import at_the_door
from ._scalars import check_choice, check_int


LAYOUTS = ("channels", "image", "flat")
"""What :func:`as_images` can return: ``(n, h, w, c)``, ``(n, h, w)`` (colour: ``(n, h, w, c)``) or ``(n, h*w*c)``."""


def as_image_shape(shape: Any, *, name: str = "image_shape") -> tuple[int, ...]:
    """Return one image's shape as ``(h, w, c)``; a flat ``(d,)`` shape as ``(d,)`` if it has no square.

    ``(h, w)`` is one channel (greyscale); ``(784,)`` is MNIST's 28×28; another flat size ``d``
    that is a perfect square is read as a ``√d × √d`` greyscale image (scikit-learn's 8×8 digits are
    ``(64,)``); any other flat size stays flat, and its images cannot be drawn.

    Examples
    --------
    >>> as_image_shape((784,)), as_image_shape((8, 8)), as_image_shape((32, 32, 3)), as_image_shape((10,))
    ((28, 28, 1), (8, 8, 1), (32, 32, 3), (10,))
    """
    try:
        dims = tuple(int(check_int(d, name)) for d in shape)
    except TypeError as err:
        raise TypeError(f"{name} must be a tuple of ints such as (28, 28) or (32, 32, 3), "
                        f"got {shape!r}") from err
    if len(dims) == 2:
        return dims + (1,)
    if len(dims) == 3:
        return dims
    if len(dims) == 1:
        side = int(round(dims[0] ** 0.5))
        return (side, side, 1) if side * side == dims[0] else dims
    raise ValueError(f"{name} must be (d,), (h, w) or (h, w, c), got {shape!r}")


def _number(value: float) -> str:
    """``value`` with as many digits as it takes to tell it from 0 and 1 (1.0000001 is not "1")."""
    short = f"{value:g}"
    return short if float(short) == value else f"{value:.9g}"


def range_message(name: str, lo: float, hi: float) -> str:
    """The error message for values outside [0, 1], with the fix that fits the values seen.

    Examples
    --------
    >>> print(range_message("x", 0.0, 1.0000001))
    x must lie in [0, 1]; got values from 0 to 1.0000001 (just above 1: rounding, e.g. of a resize or a sum; clip with np.clip(x, 0, 1))
    >>> print(range_message("x", 0.0, 16.0))
    x must lie in [0, 1]; got values from 0 to 16 (levels 0-16, like scikit-learn's digits? divide by 16)
    """
    seen = f"{name} must lie in [0, 1]; got values from {_number(lo)} to {_number(hi)}"
    if hi > 1.0:
        if hi <= 1.01:
            hint = f"just above 1: rounding, e.g. of a resize or a sum; clip with np.clip({name}, 0, 1)"
        elif hi <= 16.0 and float(hi).is_integer():
            level = int(hi)
            hint = (f"levels 0-{level}, like scikit-learn's digits? divide by {level}"
                    if level == 16 else f"levels 0-{level}? divide by the top level, {level}")
        elif hi <= 255.0:
            hint = "0-255 pixels? divide by 255"
        else:
            hint = f"divide by the largest value, {_number(hi)}, or rescale to [0, 1]"
    elif lo >= -1.0:
        hint = f"values in [-1, 1]? map them with ({name} + 1) / 2"
    else:
        hint = "rescale them to [0, 1]"
    return f"{seen} ({hint})"


def _floating_array(images: Any, name: str) -> np.ndarray:
    """``images`` (an array or a backend tensor on any device) as a floating-point NumPy array."""
    images = to_numpy(images)
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
    return arr


def as_images(images: Any, *, name: str = "images", layout: str = "channels",
              image_shape: Any = None, image_shape_param: bool = False) -> np.ndarray:
    """Return ``images`` as a float32 batch in [0, 1], in one of three layouts.

    A batch is ``(n, h, w)`` (greyscale), ``(n, h, w, c)`` (``c`` channels: 3 for colour), or flat
    ``(n, d)``. A flat batch is unflattened with ``image_shape`` if given, else as MNIST's 28×28 for
    ``d = 784`` and as a square greyscale image when ``d`` is a square (see :func:`as_image_shape`).

    Parameters
    ----------
    images : array-like or tensor
        A batch of images in [0, 1], floating point (a backend tensor is converted).
    name : str
        What to call the argument in error messages.
    layout : {"channels", "image", "flat"}
        ``(n, h, w, c)``; ``(n, h, w)`` for one channel and ``(n, h, w, c)`` for more (what
        Matplotlib's ``imshow`` draws); or ``(n, h * w * c)``.
    image_shape : tuple of int, optional
        The shape the images must have (for example a model's input shape without the batch
        axis): ``(d,)``, ``(h, w)`` or ``(h, w, c)``. The batch must have as many values per image.
    image_shape_param : bool
        Whether the caller takes an ``image_shape`` argument (the error for flat rows of unknown
        shape suggests it only then: ``image_grid`` does, most helpers do not).

    Raises
    ------
    TypeError
        If ``images`` is not numeric or not floating point (uint8 0-255 must be scaled first).
    ValueError
        If the batch is empty, has the wrong number of axes or of values per image, or holds NaN,
        infinite values or values outside [0, 1].

    Examples
    --------
    >>> as_images(np.zeros((2, 784), dtype="float32")).shape
    (2, 28, 28, 1)
    >>> as_images(np.zeros((2, 32, 32, 3)), layout="image").shape
    (2, 32, 32, 3)
    >>> as_images(np.zeros((2, 8, 8)), image_shape=(784,))
    Traceback (most recent call last):
    ...
    ValueError: images must hold 784 values per image (image shape (28, 28, 1)), got shape (2, 8, 8)
    """
    arr = _floating_array(images, name)
    check_choice(layout, "layout", LAYOUTS)
    if arr.ndim not in (2, 3, 4):
        raise ValueError(
            f"{name} must be a batch (n, h, w), (n, h, w, c) or flat (n, d); got shape {arr.shape}"
        )
    if len(arr) == 0 or arr.size == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}")
    own = tuple(int(d) for d in arr.shape[1:])
    if image_shape is None:
        shape = as_image_shape(own, name=name)
    else:
        shape = as_image_shape(image_shape)
        if int(np.prod(shape)) != int(np.prod(own)):
            raise ValueError(f"{name} must hold {int(np.prod(shape))} values per image (image "
                             f"shape {shape}), got shape {arr.shape}")
        if len(shape) == 1 and len(own) > 1:
            shape = as_image_shape(own, name=name)  # the batch knows its structure
    # min and max propagate NaN and show +-inf as themselves: no boolean copy of the whole batch
    # (60,000 MNIST images: 47 MB).
    lo, hi = float(arr.min()), float(arr.max())
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if lo < 0.0 or hi > 1.0:
        raise ValueError(range_message(name, lo, hi))
    arr = arr.astype(np.float32, copy=False)
    if layout == "flat":
        return arr.reshape(len(arr), -1)
    if len(shape) == 1:
        raise ValueError(
            f"{name} must be images of a known height and width: flat rows of {shape[0]} values "
            "are not a square; give the batch as (n, h, w) or (n, h, w, c), e.g. "
            f"{name}.reshape(-1, h, w, 3) for colour"
            + (", or pass image_shape=(h, w, c)" if image_shape_param else "")
        )
    if layout == "image" and shape[2] == 1:
        shape = shape[:2]
    return arr.reshape((len(arr),) + shape)


def check_image_values(images: Any, name: str = "images") -> np.ndarray:
    """Return a batch of images of *any* shape ``(n, ...)`` as an array, checking only its values.

    The checks of :func:`as_images` without its shapes (same messages): numeric and floating point,
    not empty, finite, in [0, 1]. The values are scanned a block of rows at a time, so a 60,000-image
    training set needs no second copy in memory. Used by :func:`ae_helpers.train` on the arrays and
    on the first batch of a batch source, whatever shape of image the model takes.

    Raises
    ------
    TypeError
        If ``images`` is not a numeric array, or not floating point (uint8 0-255 must be scaled).
    ValueError
        If it has no batch axis, is empty, holds NaN/inf or values outside [0, 1].

    Examples
    --------
    >>> check_image_values(np.zeros((2, 5, 5, 3), "float32")).shape
    (2, 5, 5, 3)
    >>> check_image_values(np.full((2, 4), 255.0))
    Traceback (most recent call last):
    ...
    ValueError: images must lie in [0, 1]; got values from 255 to 255 (0-255 pixels? divide by 255)
    """
    if getattr(images, "pixels_in_unit_interval", False) is True:
        # ae_helpers.data.ByteImages: bytes read as float32 in [0, 1], nothing to scan or convert
        if len(images) == 0:
            raise ValueError(f"{name} is empty: shape {tuple(images.shape)}")
        return images
    if not at_the_door():  # checked where they came in: no second scan of 60,000 images
        return np.asarray(to_numpy(images))
    arr = _floating_array(images, name)
    if arr.ndim < 2:
        raise ValueError(f"{name} must be a batch of examples (n, ...), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}")
    lo, hi = np.inf, -np.inf
    step = max(1, (1 << 22) // max(1, arr[0].size))  # about 4 M values per block
    for start in range(0, len(arr), step):
        block = arr[start : start + step]
        # min and max propagate NaN; +-inf show up as themselves: no boolean copy of the block.
        b_lo, b_hi = float(block.min()), float(block.max())
        if not (np.isfinite(b_lo) and np.isfinite(b_hi)):
            raise ValueError(f"{name} contains NaN or infinite values")
        lo, hi = min(lo, b_lo), max(hi, b_hi)
    if lo < 0.0 or hi > 1.0:
        raise ValueError(range_message(name, lo, hi))
    return arr
