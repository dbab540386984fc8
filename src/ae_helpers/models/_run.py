"""Calling a model on in-memory data, batch by batch, with NumPy arrays out.

Used by every helper that runs a model (encode, decode, the judge, figures); introduced in
chapter 1 (``book/01_compression.ipynb``).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from .._checks import check_int, to_numpy


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
