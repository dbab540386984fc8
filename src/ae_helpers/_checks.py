"""Argument checks, in one place: every public helper validates its arguments through these.

The same mistake gets the same exception everywhere: a value of the wrong *type* (``epochs="3"``,
``seed=1.5``) is a :class:`TypeError`, a value of the right type but out of range (``epochs=0``,
images with values above 1) is a :class:`ValueError`. Each message names the argument, the value
and what is expected. This module imports nothing else of the package.
"""

from __future__ import annotations

import numbers
import os
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

    Raises
    ------
    ValueError
        If ``values`` is empty, not 1-D or holds NaN or infinite values.

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


# --------------------------------------------------------------------------- values of any image shape


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
        hint = " (0-255 pixels? divide by 255)" if hi > 1.0 else ""
        raise ValueError(f"{name} must lie in [0, 1]; got values from {lo:g} to {hi:g}{hint}")
    return arr


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


def check_fits_model(images: np.ndarray, model: Any, name: str = "images", *,
                     side: str = "input") -> np.ndarray:
    """Return ``images`` shaped as the model's input: their per-example size must be the model's.

    Images whose examples hold as many values as the model's input (``(n, 784)`` for a model that
    reads ``(28, 28, 1)``) are reshaped to it (a view, no copy); a model whose input shape is not
    known takes them as they are.

    Raises
    ------
    ValueError
        If the sizes differ (images of another data set, or of the wrong resolution).

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
    if shape is None:
        return images
    have, need = int(np.prod(images.shape[1:])), int(np.prod(shape))
    if have != need:
        verb = "reads" if side == "input" else "outputs"
        raise ValueError(
            f"{name} have examples of shape {tuple(images.shape[1:])} ({have} values); "
            f"the model {verb} {shape} ({need} values)"
        )
    return images.reshape((len(images),) + shape) if tuple(images.shape[1:]) != shape else images


def check_targets(targets: Any, n: int | None = None, name: str = "y") -> np.ndarray:
    """Return training targets: targets with several values per example are images (checked as
    such: integer pixels are refused), integers one per example are class labels; booleans,
    strings and objects are refused.

    Examples
    --------
    >>> check_targets(np.array([1, 2]), 2).dtype.kind
    'i'
    >>> check_targets(np.full((2, 4), np.nan))
    Traceback (most recent call last):
    ...
    ValueError: y contains NaN or infinite values
    """
    arr = np.asarray(to_numpy(targets))
    if arr.dtype != bool and np.issubdtype(arr.dtype, np.integer) and arr.ndim <= 1:
        if arr.ndim < 1 or len(arr) == 0:
            raise ValueError(f"{name} is empty: shape {arr.shape}")
    elif arr.ndim >= 2:
        check_image_values(arr, name)
    else:
        if arr.dtype == object or arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
            raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
        if arr.size == 0:
            raise ValueError(f"{name} is empty: shape {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} contains NaN or infinite values")
    if n is not None and len(arr) != n:
        raise ValueError(f"x has {n} examples but {name} has {len(arr)} (shape {arr.shape})")
    return arr


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


# --------------------------------------------------------------------------- memory


def memory_limit() -> int | None:
    """Bytes of memory this process may use: the machine's RAM, or a container's smaller limit.

    ``None`` where neither can be read (then nothing is refused for its size).

    Examples
    --------
    >>> limit = memory_limit()
    >>> limit is None or limit > 0
    True
    """
    limits = []
    try:
        limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = open(path).read().strip()  # noqa: SIM115
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < 1 << 60:
            limits.append(int(text))
    limits = [x for x in limits if x > 0]
    return min(limits) if limits else None


def check_memory(nbytes: float, what: str) -> None:
    """Refuse, before allocating, a request that needs more memory than the machine has.

    Raises
    ------
    ValueError
        If ``nbytes`` exceeds :func:`memory_limit`; the message gives both sizes and ``what`` was
        asked for.

    Examples
    --------
    >>> check_memory(1e3, "a small grid")
    >>> check_memory(1e20, "latent_grid(n=10**10)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: latent_grid(n=10**10) would need 100000000.0 TB of memory; ...
    """
    limit = memory_limit()
    if limit is not None and nbytes > limit:
        raise ValueError(
            f"{what} would need {_size(nbytes)} of memory; this machine has {_size(limit)}. "
            "Ask for fewer points."
        )


def _size(nbytes: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes:.0f} bytes"


def check_learning_rate(value: Any, name: str = "learning_rate") -> Any:
    """A step size: a finite number > 0, or a schedule (anything callable, e.g. a Keras
    ``LearningRateSchedule``), which passes as it is.

    Examples
    --------
    >>> check_learning_rate(1e-3)
    0.001
    >>> check_learning_rate(0)
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be a finite number > 0, got 0
    """
    return value if callable(value) else check_number(value, name, positive=True)


OBSERVATIONS = ("bernoulli", "gaussian")
"""Observation models p(x|z): independent Bernoulli pixels, or independent Gaussians."""


def check_observation(observation: str, sigma: float) -> float:
    """Check an observation model ``p(x|z)`` and its Gaussian standard deviation; return ``sigma``.

    Examples
    --------
    >>> check_observation("bernoulli", 1.0)
    1.0
    """
    check_choice(observation, "observation", OBSERVATIONS)
    return check_number(sigma, "sigma", positive=True)


def check_batch(values: Any, name: str = "x") -> np.ndarray:
    """Return a batch of examples of any kind (images, or real-valued observations) as float32 rows.

    Numbers only, finite, at least one example: ``(n, ...)`` becomes ``(n, d)``. For images in
    [0, 1] use :func:`as_images`, which also checks the range.

    Examples
    --------
    >>> check_batch(np.zeros((2, 3, 3))).shape
    (2, 9)
    """
    arr = np.asarray(to_numpy(values))
    if arr.dtype == object or arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.ndim < 2 or len(arr) == 0 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty batch of examples (n, ...), got shape {arr.shape}")
    arr = arr.reshape(len(arr), -1).astype(np.float32, copy=False)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr
