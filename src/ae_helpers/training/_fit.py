"""Training a compiled model on in-memory arrays with a short, readable log, and its step-size schedule.

Introduced in chapter 1 (``book/01_compression.ipynb``). :func:`train` checks the images once, hands
them to Keras one batch at a time (:mod:`._batches`) and prints a line every few epochs
(:class:`ShortLog`); :func:`warmup_cosine` is the schedule of chapter 4's VAE.
"""

from __future__ import annotations

import collections.abc
import time
from typing import Any

import keras
import numpy as np

from .._checks import (
    check_fits_model,
    check_image_values,
    check_int,
    check_number,
    check_targets,
    range_message,
)
from ._batches import ArrayBatches, LabelledBatches, is_batch_source


class ShortLog(keras.callbacks.Callback):
    """Print one line every ``every`` epochs (and after the last): the metrics and the time.

    Examples
    --------
    >>> ShortLog(every=5).every
    5
    """

    def __init__(self, every: int = 5) -> None:
        super().__init__()
        self.every = check_int(every, "every")

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
    x: np.ndarray | keras.utils.PyDataset | Any,
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
    channels_first: bool = False,
) -> keras.callbacks.History:
    """Train a compiled model on in-memory arrays with a short log (no progress bars).

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    x, y : np.ndarray
        Inputs and targets; ``y=None`` trains to reconstruct ``x`` (or, with ``targets=False``,
        passes ``x`` alone to a model that computes its own loss). ``x`` may also be a batch source
        (a :class:`keras.utils.PyDataset`, e.g. :class:`ArrayBatches`, or a ``tf.data.Dataset`` on
        TensorFlow; see :func:`is_batch_source`), with ``y=None``.
        Images are checked as every helper checks them: floating point, finite, in [0, 1], as
        many values per example as the model's input (they are reshaped to it); floating-point
        targets are images too, integer targets class labels. A batch source is checked on its
        first batch, and a :class:`keras.utils.PyDataset`'s every later batch is checked as it is
        made (its minimum and maximum: two passes over the batch, far less than a training step).
        A :class:`~ae_helpers.models.ConditionalVAE` takes :class:`LabelledBatches`.
    epochs : int
        Number of passes over ``x``.
    batch_size : int
        Examples per gradient step.
    validation : optional
        Held-out data: an array, an ``(array, array)`` pair or a batch source, the same convention
        (and checks) as ``x, y``.
    log_every : int, optional
        Print a line every this many epochs; default about five lines per run; 0 prints nothing.
    seed : int
        Seed of the shuffling.
    callbacks : list of keras.callbacks.Callback, optional
        More callbacks for ``fit`` (e.g. :class:`ae_helpers.training.LatentSnapshots`).
    batches : type
        :class:`ArrayBatches` or a subclass that packs ``x`` and ``y`` differently (e.g.
        :class:`LabelledBatches`, images and labels as one input).
    channels_first : bool
        ``x`` (and array validation images) are colour images ``(n, c, h, w)``: move the channels
        last, as the model reads them. Without it such images are refused, never reshaped.

    Returns
    -------
    keras.callbacks.History
        ``history.history`` maps metric names to per-epoch values.

    Raises
    ------
    TypeError
        If images are not floating point (uint8 0-255 must be scaled), or not numeric, or ``x`` is
        a generator or iterator (wrap it in a :class:`keras.utils.PyDataset`).
    ValueError
        If images are empty, hold NaN/inf or values outside [0, 1] (in any batch of a
        PyDataset), do not fit the model, or come channels first without ``channels_first``; if
        a conditional VAE is given arrays instead of :class:`LabelledBatches`.

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
    epochs = check_int(epochs, "epochs")
    if log_every is not None:
        check_int(log_every, "log_every", minimum=0)
    if not isinstance(channels_first, bool):
        raise TypeError(f"channels_first must be True or False, got {channels_first!r}")
    _refuse_unbatched(model, x, batches)
    if is_batch_source(x):
        if y is not None:
            raise ValueError("y must be None when x is a batch source (its batches hold the targets)")
        _check_batch_source(x, model, "x")
        data = _every_batch_checked(x, model, "x")
    else:
        x, y = _checked_arrays(x, y, model, "x", "y", channels_first)
        data = _LentBatches(
            batches(x, y, batch_size=batch_size, seed=seed, targets=targets, drop_last=True))
    val = None
    if is_batch_source(validation):
        _check_batch_source(validation, model, "validation")
        val = _every_batch_checked(validation, model, "validation")
    elif validation is not None:
        vx, vy = validation if isinstance(validation, tuple) else (validation, None)
        vx, vy = _checked_arrays(vx, vy, model, "validation", "validation targets", channels_first)
        val = _LentBatches(
            ArrayBatches(vx, vy, batch_size=max(batch_size, 512), shuffle=False, targets=targets))
    every = max(1, epochs // 5) if log_every is None else log_every
    _build_optimizer(model)
    extra = list(callbacks or [])
    if every:
        extra.append(ShortLog(every))
    try:
        return model.fit(data, epochs=epochs, validation_data=val, verbose=0, callbacks=extra)
    finally:
        for lent in (data, val):
            if isinstance(lent, _LentBatches):
                lent.release()


def _refuse_unbatched(model: keras.Model, x: Any, batches: type) -> None:
    """Clear errors for what Keras would reject obscurely: generators, and a conditional VAE
    given images without their labels."""
    if (isinstance(x, (collections.abc.Iterator, collections.abc.Generator))
            and not is_batch_source(x) and not isinstance(x, np.ndarray)):
        raise TypeError(
            f"x is a {type(x).__name__}; train takes NumPy arrays or a batch source: wrap "
            "batches in a keras.utils.PyDataset (a class with __len__ and __getitem__), or pass "
            "the arrays with ArrayBatches(x)")
    from ..models import ConditionalVAE

    if isinstance(model, ConditionalVAE) and not is_batch_source(x) and not (
            isinstance(batches, type) and issubclass(batches, LabelledBatches)):
        raise ValueError(
            f"model is a ConditionalVAE, which reads images and labels together; x is "
            f"{type(x).__name__} {tuple(np.shape(x)) if hasattr(x, 'shape') else ''}. Train it "
            "with train(cvae, LabelledBatches(images, labels), epochs=...) or "
            "train(cvae, images, labels, batches=LabelledBatches, epochs=...)")


def _checked_arrays(x: Any, y: Any, model: keras.Model, name: str, y_name: str,
                    channels_first: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Images (and targets) checked like every helper's, shaped as the model's input (and output).

    The one place where :func:`train` checks examples: arrays, and a batch source's first batch.
    """
    x = check_fits_model(check_image_values(x, name), model, name, channels_first=channels_first)
    if y is not None:
        y = check_targets(y, len(x), y_name)
        if y.ndim >= 2:  # images to reconstruct: as many values as the model outputs
            y = check_fits_model(y, model, y_name, side="output")
    return x, y


def _check_batch_source(source: keras.utils.PyDataset, model: keras.Model, name: str = "x") -> None:
    """Check a batch source's first batch as :func:`train` checks arrays (same messages).

    A batch is ``inputs``, ``(inputs,)`` or ``(inputs, targets)``; ``inputs`` may be a tuple whose
    first entry is the images (a conditional VAE's ``(images, labels)``).

    Examples
    --------
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    >>> _check_batch_source(ArrayBatches(np.full((8, 4), 200.0, "float32"), batch_size=4), model)
    Traceback (most recent call last):
    ...
    ValueError: x (first batch) must lie in [0, 1]; got values from 200 to 200 (0-255 pixels? divide by 255)
    """
    label = f"{name} (first batch)"
    try:
        empty = len(source) == 0
    except TypeError:
        empty = False
    if empty:
        raise ValueError(f"{name} is empty: it yields no batches")
    if isinstance(source, keras.utils.PyDataset):
        batch = source[0]
    else:  # a tf.data.Dataset: its first element, without consuming the training run's iterator
        batch = next(iter(source), None)
        if batch is None:
            raise ValueError(f"{name} is empty: it yields no batches")
    inputs, targets = batch, None
    if isinstance(batch, tuple):
        inputs = batch[0]
        targets = batch[1] if len(batch) > 1 else None
    images = inputs[0] if isinstance(inputs, (tuple, list)) else inputs
    _checked_arrays(images, targets, model, label, f"{name} targets (first batch)")


class _LentBatches(keras.utils.PyDataset):
    """The batch source :func:`train` hands to ``fit``: the source's batches, settings and epoch
    hooks, until :meth:`release` lets go of the source once training is over.

    On TensorFlow, ``fit`` turns a PyDataset into a ``tf.data`` generator pipeline whose Python
    functions TensorFlow keeps, registered with its global graph, for as long as the process lives:
    a source handed to ``fit`` itself stayed referenced after training, and with it the arrays it
    batches. Every trained model kept its training images in memory (the judge's 60,000: 188 MB,
    retained by every chapter that trains it). Only this small wrapper stays behind now.

    Examples
    --------
    >>> lent = _LentBatches(ArrayBatches(np.zeros((10, 4), "float32"), batch_size=4))
    >>> len(lent), lent[0][0].shape
    (3, (4, 4))
    >>> lent.release()
    >>> lent.source is None
    True
    """

    def __init__(self, source: keras.utils.PyDataset) -> None:
        super().__init__(workers=source.workers, use_multiprocessing=source.use_multiprocessing,
                         max_queue_size=source.max_queue_size)
        self.source: keras.utils.PyDataset | None = source

    def release(self) -> None:
        """Drop the reference to the source (and so to its arrays); training is over."""
        self.source = None

    def _lent(self) -> keras.utils.PyDataset:
        if self.source is None:
            raise RuntimeError("this batch source was released when its training ended")
        return self.source

    @property
    def num_batches(self) -> int | None:
        return self._lent().num_batches

    def __len__(self) -> int:
        return len(self._lent())

    def __getitem__(self, index: int) -> Any:
        return self._lent()[index]

    def on_epoch_begin(self) -> None:
        self._lent().on_epoch_begin()

    def on_epoch_end(self) -> None:
        self._lent().on_epoch_end()


class _CheckedBatches(_LentBatches):
    """A lent source whose every batch's images are checked as they are made (min and max only:
    two passes over the batch); the source's own settings and epoch hooks are kept."""

    def __init__(self, source: keras.utils.PyDataset, name: str) -> None:
        super().__init__(source)
        self.name = name

    def __getitem__(self, index: int) -> Any:
        batch = super().__getitem__(index)
        inputs = batch[0] if isinstance(batch, tuple) else batch
        images = inputs[0] if isinstance(inputs, (tuple, list)) else inputs
        arr = np.asarray(keras.ops.convert_to_numpy(images)) if not isinstance(
            images, np.ndarray) else images
        if arr.dtype.kind != "f" or arr.size == 0:
            check_image_values(arr, f"{self.name} (batch {index})")
        lo, hi = float(arr.min()), float(arr.max())
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(f"{self.name} (batch {index}) contains NaN or infinite values")
        if lo < 0.0 or hi > 1.0:
            raise ValueError(range_message(f"{self.name} (batch {index})", lo, hi))
        return batch


def _every_batch_checked(source: Any, model: keras.Model, name: str) -> Any:
    """A PyDataset wrapped so every batch is checked (and released after training); other batch
    sources as they are."""
    if isinstance(source, keras.utils.PyDataset):
        return _CheckedBatches(source, name)
    return source


def _build_optimizer(model: keras.Model) -> None:
    """Create the optimizer's state (Adam's moments) before ``fit``, if the model has its weights.

    TensorFlow otherwise creates it while tracing the training step, and a step that creates
    variables is traced twice: half a second to a second more for every model trained. The
    training is the same either way.
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built and model.built and model.trainable_variables:
        optimizer.build(model.trainable_variables)


def warmup_cosine(
    learning_rate: float, steps: int, *, warmup: int
) -> keras.optimizers.schedules.LearningRateSchedule:
    """A step-size schedule: linear warm-up from 0, then a cosine decay to 5 % of ``learning_rate``.

    The warm-up lasts ``warmup`` steps, but at most a quarter of ``steps``. A large step size from
    the first step can throw a freshly initialised VAE far off (its loss jumps to several hundred nats
    before it recovers); rising to it over an epoch avoids that and lets a larger peak step size be
    used.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Examples
    --------
    >>> schedule = warmup_cosine(1e-3, 100, warmup=10)
    >>> [round(float(schedule(s)), 6) for s in (0, 5, 10, 100)]
    [0.0, 0.0005, 0.001, 5e-05]
    """
    learning_rate = check_number(learning_rate, "learning_rate", positive=True)
    steps = check_int(steps, "steps")
    warm = min(check_int(warmup, "warmup", minimum=0), steps // 4)
    if warm == 0:
        return keras.optimizers.schedules.CosineDecay(learning_rate, int(steps), alpha=0.05)
    return keras.optimizers.schedules.CosineDecay(
        0.0, int(steps) - warm, alpha=0.05, warmup_target=learning_rate, warmup_steps=warm
    )
