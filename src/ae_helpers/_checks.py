"""Argument checks, in one place: every public helper validates its arguments through these.

The same mistake gets the same exception everywhere: a value of the wrong *type* (``epochs="3"``,
``seed=1.5``) is a :class:`TypeError`, a value of the right type but out of range (``epochs=0``,
images with values above 1) is a :class:`ValueError`. Each message names the argument, the value
and what is expected. This module imports nothing else of the package.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np


def check_int(value: Any, name: str, *, minimum: int | None = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer in ``[minimum, maximum]``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` and ``1.0`` are not).
    ValueError
        If it lies outside the range.

    Examples
    --------
    >>> check_int(3, "epochs")
    3
    >>> check_int("3", "epochs")
    Traceback (most recent call last):
    ...
    TypeError: epochs must be an int, got '3' (str)
    >>> check_int(0, "epochs")
    Traceback (most recent call last):
    ...
    ValueError: epochs must be an int >= 1, got 0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an int {_range(minimum, maximum)}, got {value}")
    return value


def check_optional_int(value: Any, name: str, *, minimum: int | None = 1,
                       maximum: int | None = None) -> int | None:
    """:func:`check_int`, but ``None`` passes through.

    Examples
    --------
    >>> check_optional_int(None, "train_size") is None
    True
    """
    return None if value is None else check_int(value, name, minimum=minimum, maximum=maximum)


def check_number(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    positive: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` in ``[minimum, maximum]`` (``> 0`` with ``positive``).

    Raises
    ------
    TypeError
        If ``value`` is not a real number (strings and ``bool`` are not).
    ValueError
        If it is NaN, infinite or outside the range.

    Examples
    --------
    >>> check_number(0.5, "beta", minimum=0)
    0.5
    >>> check_number(-1, "learning_rate", positive=True)
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be a finite number > 0, got -1
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    number = float(value)
    bad = not np.isfinite(number) or (positive and number <= 0)
    bad = bad or (minimum is not None and number < minimum) or (maximum is not None and number > maximum)
    if bad:
        expected = "> 0" if positive else _range(minimum, maximum)
        raise ValueError(f"{name} must be a finite number {expected}".rstrip() + f", got {value!r}")
    return number


def check_choice(value: Any, name: str, choices: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``.

    Examples
    --------
    >>> check_choice("mse", "reconstruction", ("bce", "mse"))
    'mse'
    >>> check_choice("l1", "reconstruction", ("bce", "mse"))
    Traceback (most recent call last):
    ...
    ValueError: reconstruction must be one of ('bce', 'mse'), got 'l1'
    """
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_seed(value: Any, name: str = "seed") -> int:
    """A seed: an int >= 0 (a float such as ``1.5`` is refused, not truncated).

    Examples
    --------
    >>> check_seed(0)
    0
    """
    return check_int(value, name, minimum=0)


def check_latent_dim(value: Any, name: str = "latent_dim") -> int:
    """The size of a latent space: an int >= 1.

    Examples
    --------
    >>> check_latent_dim(2)
    2
    """
    return check_int(value, name, minimum=1)


def to_numpy(value: Any) -> Any:
    """Turn a backend tensor (TensorFlow, JAX, PyTorch; on any device, with or without a gradient)
    into a NumPy array; leave anything else as it is.

    Examples
    --------
    >>> to_numpy([1, 2])
    [1, 2]
    """
    if isinstance(value, np.ndarray) or not hasattr(value, "shape") or not hasattr(value, "dtype"):
        return value
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value))


def check_codes(codes: Any, name: str = "codes", dim: int | None = None) -> np.ndarray:
    """Return latent points as a float32 array ``(n, d)`` with ``n, d >= 1`` and finite values.

    Examples
    --------
    >>> check_codes([[0.0, 1.0]]).shape
    (1, 2)
    """
    try:
        arr = np.asarray(to_numpy(codes), dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers (n, d), got {type(codes).__name__}") from err
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must have shape (n, d) with n, d >= 1; got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    if dim is not None and arr.shape[1] != dim:
        raise ValueError(f"{name} must have {dim} columns (the latent size), got {arr.shape[1]}")
    return arr


def check_point(point: Any, name: str) -> np.ndarray:
    """Return one latent point as a flat float32 vector of finite numbers.

    Examples
    --------
    >>> check_point([1, 2], "start")
    array([1., 2.], dtype=float32)
    """
    arr = np.asarray(to_numpy(point), dtype=np.float32).ravel()
    if arr.size == 0 or not np.isfinite(arr).all():
        raise ValueError(f"{name} must be a non-empty vector of finite numbers, got {point!r}")
    return arr


def check_numbers(values: Any, name: str) -> np.ndarray:
    """Return a non-empty 1-D sequence of finite numbers as float64.

    Examples
    --------
    >>> check_numbers([1, 2], "betas")
    array([1., 2.])
    """
    arr = np.asarray(to_numpy(values), dtype=np.float64)
    if arr.ndim != 1 or len(arr) == 0 or not np.isfinite(arr).all():
        raise ValueError(f"{name} must be a non-empty 1-D sequence of finite numbers, got {values!r}")
    return arr


def check_labels(labels: Any, n: int | None = None, *, n_classes: int = 10,
                 name: str = "labels") -> np.ndarray:
    """Return integer class labels in ``[0, n_classes)`` as int32 ``(n,)``.

    Examples
    --------
    >>> check_labels([0, 9])
    array([0, 9], dtype=int32)
    """
    arr = np.asarray(to_numpy(labels))
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of class labels, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool:
        raise TypeError(f"{name} must be integers (classes 0-{n_classes - 1}), got dtype {arr.dtype}")
    if arr.min() < 0 or arr.max() >= n_classes:
        raise ValueError(f"{name} must lie in 0-{n_classes - 1}, got {arr.min()} to {arr.max()}")
    if n is not None and len(arr) != n:
        raise ValueError(f"got {len(arr)} {name} for {n} images")
    return arr.astype(np.int32)


def _range(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"from {minimum} to {maximum}"
    if minimum is not None:
        return f">= {minimum}"
    if maximum is not None:
        return f"<= {maximum}"
    return ""


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


def as_images(images: Any, *, name: str = "images", layout: str = "channels",
              image_shape: Any = None) -> np.ndarray:
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
    images = to_numpy(images)  # a backend tensor, on any device
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
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0.0 or hi > 1.0:
        hint = " (0-255 pixels? divide by 255)" if hi > 1.0 else ""
        raise ValueError(f"{name} must lie in [0, 1]; got values from {lo:g} to {hi:g}{hint}")
    arr = arr.astype(np.float32, copy=False)
    if layout == "flat":
        return arr.reshape(len(arr), -1)
    if len(shape) == 1:
        raise ValueError(
            f"{name} must be images of a known height and width: flat rows of {shape[0]} values "
            "are not a square; pass image_shape=(h, w) or (h, w, c), or give the batch as "
            "(n, h, w) / (n, h, w, c)"
        )
    if layout == "image" and shape[2] == 1:
        shape = shape[:2]
    return arr.reshape((len(arr),) + shape)
