"""Batch sources: in-memory arrays handed to Keras one batch at a time, plain, labelled or binarised.

Introduced in chapter 1 (``book/01_compression.ipynb``).

``fit(numpy_x, numpy_x)`` on the 60,000 × 784 training set peaks near 1.6 GB of memory; a small
:class:`ArrayBatches` data set that slices one batch at a time peaks near 1.0 GB and is faster. It is
plain Keras, so it works on every backend. :class:`LabelledBatches` feeds images and labels as one
input (chapter 5); :class:`BinarisedBatches` redraws the images as black and white pixels at every
epoch (chapter 6). :func:`ae_helpers.training.train` takes any of them as ``batches=``.
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from .._checks import check_int, check_labels, check_seed
from ..data import ByteImages


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
    x : np.ndarray or ae_helpers.data.ByteImages
        Inputs, first axis = examples (images kept as bytes are converted one batch at a time).
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
        least one full batch); see :func:`steps_per_epoch`.
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
        workers = check_int(workers, "workers")
        super().__init__(workers=workers)
        if not isinstance(x, (np.ndarray, ByteImages)) or x.ndim < 2 or len(x) == 0:
            raise ValueError(
                f"x must be a non-empty NumPy array of examples, got {type(x).__name__} "
                f"with shape {getattr(x, 'shape', None)}"
            )
        if y is not None and len(y) != len(x):
            raise ValueError(f"x has {len(x)} examples but y has {len(y)}")
        batch_size = check_int(batch_size, "batch_size")
        seed = check_seed(seed)
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


class LabelledBatches(ArrayBatches):
    """Batches ``((images, labels),)`` for a model that reads both as its input (no targets).

    :class:`ArrayBatches` with the labels passed as part of ``x``: Keras
    reads a one-element tuple as "inputs only", so the model's ``call`` gets the pair and
    ``compute_loss`` gets no ``y``.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> batches = LabelledBatches(np.zeros((10, 784), "float32"), np.arange(10), batch_size=4)
    >>> (images, labels), = batches[0]
    >>> images.shape, labels.shape
    ((4, 784), (4,))
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray, **kwargs: Any) -> None:
        super().__init__(x, check_labels(labels, len(x)), **kwargs)

    def __getitem__(self, index: int) -> Any:
        images, labels = super().__getitem__(index)
        return ((images, labels),)


class BinarisedBatches(keras.utils.PyDataset):
    """Training batches redrawn as binary images at every epoch (dynamic binarisation).

    Each pixel of each batch is 1 with probability equal to its grey level, with fresh draws for every
    epoch, so the model never sees the same binary image twice; the draws depend only on ``seed``, the
    epoch and the batch, so a run is repeatable whatever the order in which worker threads fetch
    batches. The signature matches :func:`ae_helpers.training.train`'s ``batches=`` argument.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    x : np.ndarray
        Grey images in [0, 1], first axis = examples.
    y : None
        Unused (a model with its own loss); must be ``None``.
    batch_size : int
        Images per batch.
    seed : int
        Seed of the shuffling and of the binarisation.
    targets : bool
        Yield ``(x, x)`` if True, else ``x`` alone (a model with its own loss, such as the VAE).
    drop_last : bool
        Leave out a last, smaller batch.
    shuffle : bool
        Reshuffle the order at the start of every epoch.
    workers : int
        Threads that prepare batches. One (the training loop's own thread) is the fastest on two
        cores: a second thread took 15 % longer per epoch of chapter 6's VAE, competing with the
        training step for the cores.

    Examples
    --------
    >>> batches = BinarisedBatches(np.full((10, 4), 0.5, "float32"), batch_size=4, targets=False)
    >>> first = batches[0]
    >>> len(batches), first.shape, sorted(set(first.ravel().tolist())) <= [0.0, 1.0]
    (3, (4, 4), True)
    """

    def __init__(
        self,
        x: np.ndarray,
        y: None = None,
        *,
        batch_size: int = 100,
        seed: int = 0,
        targets: bool = False,
        drop_last: bool = False,
        shuffle: bool = True,
        workers: int = 1,
    ) -> None:
        super().__init__(workers=check_int(workers, "workers"))
        if not isinstance(x, (np.ndarray, ByteImages)) or x.ndim < 2 or len(x) == 0:
            raise ValueError(
                f"x must be a non-empty NumPy array of images, got {type(x).__name__} "
                f"with shape {getattr(x, 'shape', None)}"
            )
        if y is not None:
            raise ValueError("y must be None: binarised batches train a model on its own inputs")
        self.x, self.batch_size = x, check_int(batch_size, "batch_size")
        self.seed, self.targets, self.drop_last, self.shuffle = int(seed), targets, drop_last, shuffle
        self.epoch = 0
        self._order = self._permutation()

    def _permutation(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(len(self.x))
        return np.random.default_rng([self.seed, self.epoch, 0]).permutation(len(self.x))

    def __len__(self) -> int:
        if self.drop_last and len(self.x) >= self.batch_size:
            return len(self.x) // self.batch_size
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index: int) -> Any:
        idx = np.sort(self._order[index * self.batch_size : (index + 1) * self.batch_size])
        grey = self.x[idx]
        rng = np.random.default_rng([self.seed, self.epoch, 1, index])
        xb = (rng.random(grey.shape, dtype=np.float32) < grey).astype(np.float32)
        return (xb, xb) if self.targets else xb

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._order = self._permutation()


def is_batch_source(data: Any) -> bool:
    """Whether ``data`` is a source of batches that :func:`train` hands to ``fit`` as it is.

    A :class:`keras.utils.PyDataset` (such as :class:`ArrayBatches`) on any backend, or a
    ``tf.data.Dataset`` on TensorFlow (recognised by its ``element_spec``, without importing
    TensorFlow).

    Examples
    --------
    >>> is_batch_source(ArrayBatches(np.zeros((4, 2), "float32"))), is_batch_source(np.zeros((4, 2)))
    (True, False)
    """
    if isinstance(data, keras.utils.PyDataset):
        return True
    return hasattr(data, "element_spec") and hasattr(data, "take") and not isinstance(data, np.ndarray)
