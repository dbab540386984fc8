"""Filming a training run: the latent codes of a few images, recorded as the model learns.

Introduced in chapter 4 (``book/04_vae.ipynb``), where the VAE's latent space is shown filling in
(the frames become an animation in :mod:`ae_helpers.viz`).
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

from .._checks import check_optional_int


class LatentSnapshots(keras.callbacks.Callback):
    """Record the latent codes of a fixed set of images before training and as training goes on.

    Parameters
    ----------
    encode : callable
        Maps images to codes of shape ``(n, d)`` (for a VAE: the mean).
    images : np.ndarray
        The images to follow (a few hundred is plenty).
    every : int, optional
        Take a snapshot after every ``every`` training steps (batches), and after the last one;
        ``None`` (default): after every epoch.

    Examples
    --------
    >>> cb = LatentSnapshots(lambda x: x[:, :2], np.zeros((5, 784), "float32"))
    >>> cb.on_train_begin(); cb.on_epoch_end(0); cb.snapshots.shape
    (2, 5, 2)
    """

    def __init__(
        self, encode: Callable[[np.ndarray], np.ndarray], images: np.ndarray, *, every: int | None = None
    ) -> None:
        super().__init__()
        every = check_optional_int(every, "every")
        self.encode, self.images, self.every = encode, images, every
        self._frames: list[np.ndarray] = []
        self._steps: list[int] = []
        self._step = 0

    def _take(self) -> None:
        # On JAX, Keras's trainer holds the weights apart from the model during an epoch, and the
        # encoder would find its variables empty. Reading ``self.model`` makes Keras write them back
        # (Callback.model syncs the state); on the other backends it is a plain attribute.
        _ = self.model
        self._frames.append(np.asarray(self.encode(self.images), dtype=np.float32))
        self._steps.append(self._step)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._frames, self._steps, self._step = [], [], 0
        self._take()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._step += 1
        if self.every is not None and self._step % self.every == 0:
            self._take()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.every is None:
            self._take()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.every is not None and self._steps[-1] != self._step:
            self._take()

    @property
    def snapshots(self) -> np.ndarray:
        """Codes per frame, shape ``(frames, n, d)``; frame 0 is before training."""
        return np.stack(self._frames)

    @property
    def steps(self) -> np.ndarray:
        """The number of training steps taken before each frame, shape ``(frames,)``."""
        return np.asarray(self._steps, dtype=np.int64)
