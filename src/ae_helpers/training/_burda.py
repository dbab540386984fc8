"""Dynamically binarised training batches, for Burda et al.'s model (see ``BurdaRecipe``).

Introduced in chapter 6 (``book/06_likelihood.ipynb``). :class:`BinarisedBatches` redraws every
training image as black-and-white pixels at every epoch (dynamic binarisation).
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from .._checks import check_int


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
        Threads that prepare batches.

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
        workers: int = 2,
    ) -> None:
        super().__init__(workers=check_int(workers, "workers"))
        if not isinstance(x, np.ndarray) or x.ndim < 2 or len(x) == 0:
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
