"""NumPy at the door: a backend tensor (TensorFlow, JAX, PyTorch, any device) becomes an array."""

from __future__ import annotations

from typing import Any

import numpy as np


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
