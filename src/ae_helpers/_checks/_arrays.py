"""Checks of arrays that are not images: latent codes, points, labels, targets, batches; NumPy at the door."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._convert import to_numpy
from ._door import at_the_door
from ._images import as_images, check_image_values


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
    if not at_the_door():
        return arr
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
