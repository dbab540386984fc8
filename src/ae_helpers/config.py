"""Run-time switches shared by every chapter: quick mode and seeding.

Introduced in the prelude (``book/00_why_pixels_fail.ipynb``).
"""

from __future__ import annotations

import importlib
import os

from ._checks import check_seed

QUICK_ENV = "AE_HELPERS_QUICK"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def quick_mode() -> bool:
    """Return ``True`` when the environment asks for the small, fast version of the book.

    Quick mode is switched on with ``AE_HELPERS_QUICK=1``. The test suite and CI use it so that
    every notebook runs in seconds; readers get full mode, the default. We deliberately do not
    read ``CI``, which publishing jobs also set.

    Returns
    -------
    bool
        Whether quick mode is on.

    Raises
    ------
    ValueError
        If the variable holds something other than a yes/no word.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"AE_HELPERS_QUICK": "1"}):
    ...     quick_mode()
    True
    >>> with mock.patch.dict(os.environ, {"AE_HELPERS_QUICK": "no"}):
    ...     quick_mode()
    False
    """
    value = os.environ.get(QUICK_ENV, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(
        f"{QUICK_ENV} must be 1/0 (or true/false, yes/no, on/off); got {os.environ[QUICK_ENV]!r}"
    )


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and the Keras backend, and ask for deterministic kernels.

    Calls :func:`keras.utils.set_random_seed`. On the TensorFlow backend it also switches on
    TensorFlow's op determinism, so that two runs of a chapter on the same machine print the
    same numbers, and keeps TensorFlow's Python warnings (such as "retracing" notices, which
    Jupyter shows in the page) out of the chapters. (Other backends are deterministic on the CPU
    once seeded.)

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer.
    ValueError
        If ``seed`` is negative.

    Examples
    --------
    >>> import numpy as np
    >>> set_seed(1); a = np.random.rand()
    >>> set_seed(1); b = np.random.rand()
    >>> a == b
    True
    """
    import keras

    seed = check_seed(seed)
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        # Looked up by name so that the package never imports a backend for itself.
        tf = importlib.import_module("tensorflow")
        try:
            tf.config.experimental.enable_op_determinism()
        except (AttributeError, RuntimeError):  # pragma: no cover - very old TensorFlow
            pass
        tf.get_logger().setLevel("ERROR")
