"""Checks of single values: whole numbers, real numbers, choices, seeds, latent sizes, learning rates."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._door import at_the_door


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
    if not at_the_door():
        return value
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
    if not at_the_door():
        return value
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
    if not at_the_door():
        return value
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


def _range(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"from {minimum} to {maximum}"
    if minimum is not None:
        return f">= {minimum}"
    if maximum is not None:
        return f"<= {maximum}"
    return ""


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
