"""Feeding arrays to Keras without extra copies, and training with a short, readable log.

Introduced in chapter 1 (``book/01_compression.ipynb``).

``fit(numpy_x, numpy_x)`` on the 60,000 × 784 training set peaks near 1.6 GB of memory; a small
:class:`ArrayBatches` data set that slices one batch at a time peaks near 1.0 GB and is faster. It is
plain Keras, so it works on every backend.
"""

from __future__ import annotations

import math
import time
from typing import Any

import keras
import numpy as np


def steps_per_epoch(n: int, batch_size: int) -> int:
    """Gradient steps in one pass over ``n`` examples when a last, partial batch is dropped.

    Training drops it (a reshuffled epoch uses the skipped examples next time): a batch of another
    size makes TensorFlow trace the training step a second time, about a second per model.

    Examples
    --------
    >>> steps_per_epoch(60_000, 256), steps_per_epoch(100, 256)
    (234, 1)
    """
    return max(1, n // batch_size)


class ArrayBatches(keras.utils.PyDataset):
    """Batches of in-memory arrays, shuffled each epoch, one batch copied at a time.

    Parameters
    ----------
    x : np.ndarray
        Inputs, first axis = examples.
    y : np.ndarray, optional
        Targets. ``None`` means "the inputs are the targets" (an autoencoder), unless
        ``targets=False``.
    batch_size : int
        Examples per batch.
    shuffle : bool
        Reshuffle the order at the start of every epoch.
    seed : int
        Seed of the shuffling.
    targets : bool
        With ``y=None``: yield ``(x, x)`` if True, else ``x`` alone (a model with its own loss,
        such as the VAE).
    drop_last : bool
        Leave out the last batch when it would be smaller than ``batch_size`` (and ``x`` holds at
        least one full batch); see :func:`~ae_helpers.training.steps_per_epoch`.
    workers : int
        Threads that slice the next batches while the model trains on the current one. The default,
        2, hands the batches to Keras's own queue; with 1, Keras puts them into an auto-tuned
        ``tf.data`` pipeline on TensorFlow, and replacing that pipeline at the end of every epoch
        stalled training for up to a few seconds each time (measured on two CPU cores; on
        TensorFlow the batches and the trained weights are the same either way).

    Examples
    --------
    >>> x = np.zeros((10, 4), dtype="float32")
    >>> batches = ArrayBatches(x, batch_size=4)
    >>> len(batches), batches[0][0].shape
    (3, (4, 4))
    """

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray | None = None,
        *,
        batch_size: int = 128,
        shuffle: bool = True,
        seed: int = 0,
        targets: bool = True,
        drop_last: bool = False,
        workers: int = 2,
    ) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive int, got {workers!r}")
        super().__init__(workers=workers)
        if not isinstance(x, np.ndarray) or x.ndim < 2 or len(x) == 0:
            raise ValueError(
                f"x must be a non-empty NumPy array of examples, got {type(x).__name__} "
                f"with shape {getattr(x, 'shape', None)}"
            )
        if y is not None and len(y) != len(x):
            raise ValueError(f"x has {len(x)} examples but y has {len(y)}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        self.x, self.y, self.batch_size = x, y, batch_size
        self.shuffle, self.targets, self.drop_last = shuffle, targets, drop_last
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(len(x)) if shuffle else np.arange(len(x))

    def __len__(self) -> int:
        if self.drop_last:
            return steps_per_epoch(len(self.x), self.batch_size)
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index: int) -> Any:
        idx = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        if self.shuffle:
            idx = np.sort(idx)  # gathers from memory in order: a little faster, same batch
        xb = self.x[idx]
        if self.y is not None:
            return xb, self.y[idx]
        return (xb, xb) if self.targets else xb

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._order = self._rng.permutation(len(self.x))


class ShortLog(keras.callbacks.Callback):
    """Print one line every ``every`` epochs (and after the last): the metrics and the time.

    Examples
    --------
    >>> ShortLog(every=5).every
    5
    """

    def __init__(self, every: int = 5) -> None:
        super().__init__()
        self.every = max(1, int(every))

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        total = self.params.get("epochs", epoch + 1)
        if (epoch + 1) % self.every and epoch + 1 != total:
            return
        parts = ", ".join(f"{k} {v:.4g}" for k, v in (logs or {}).items())
        print(f"epoch {epoch + 1}/{total}: {parts} ({time.perf_counter() - self._start:.1f} s)")


def train(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray | None = None,
    *,
    epochs: int,
    batch_size: int = 128,
    validation: tuple[np.ndarray, np.ndarray | None] | np.ndarray | None = None,
    targets: bool = True,
    log_every: int | None = None,
    seed: int = 0,
    callbacks: list[keras.callbacks.Callback] | None = None,
    batches: type[ArrayBatches] = ArrayBatches,
) -> keras.callbacks.History:
    """Train a compiled model on in-memory arrays with a short log (no progress bars).

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    x, y : np.ndarray
        Inputs and targets; ``y=None`` trains to reconstruct ``x`` (or, with ``targets=False``,
        passes ``x`` alone to a model that computes its own loss).
    epochs : int
        Number of passes over ``x``.
    batch_size : int
        Examples per gradient step.
    validation : array or (array, array), optional
        Held-out data, same convention as ``x, y``.
    log_every : int, optional
        Print a line every this many epochs; default about five lines per run; 0 prints nothing.
    seed : int
        Seed of the shuffling.
    callbacks : list of keras.callbacks.Callback, optional
        More callbacks for ``fit`` (e.g. :class:`ae_helpers.animations.LatentSnapshots`).
    batches : type
        :class:`ArrayBatches` or a subclass that packs ``x`` and ``y`` differently (e.g.
        :class:`ae_helpers.conditional.LabelledBatches`, images and labels as one input).

    Returns
    -------
    keras.callbacks.History
        ``history.history`` maps metric names to per-epoch values.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> x = np.random.rand(64, 4).astype("float32")
    >>> history = train(model, x, epochs=2, log_every=0)
    >>> len(history.history["loss"])
    2
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    data = batches(x, y, batch_size=batch_size, seed=seed, targets=targets, drop_last=True)
    val = None
    if validation is not None:
        vx, vy = validation if isinstance(validation, tuple) else (validation, None)
        val = ArrayBatches(vx, vy, batch_size=max(batch_size, 512), shuffle=False, targets=targets)
    every = max(1, epochs // 5) if log_every is None else log_every
    _build_optimizer(model)
    extra = list(callbacks or [])
    if every:
        extra.append(ShortLog(every))
    return model.fit(data, epochs=epochs, validation_data=val, verbose=0, callbacks=extra)


def _build_optimizer(model: keras.Model) -> None:
    """Create the optimizer's state (Adam's moments) before ``fit``, if the model has its weights.

    TensorFlow otherwise creates it while tracing the training step, and a step that creates
    variables is traced twice: half a second to a second more for every model trained. The
    training is the same either way.
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built and model.built and model.trainable_variables:
        optimizer.build(model.trainable_variables)


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
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    several = isinstance(inputs, (list, tuple))
    arrays = [np.asarray(a) for a in inputs] if several else [np.asarray(inputs)]
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
        parts.append([np.asarray(keras.ops.convert_to_numpy(o)) for o in outs])
    return [np.concatenate(column) for column in zip(*parts)]
