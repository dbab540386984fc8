"""Training Burda et al.'s one-layer model on dynamically binarised MNIST, with the VAE or IWAE objective.

Introduced in chapter 6 (``book/06_likelihood.ipynb``). :class:`BinarisedBatches` redraws every
training image as black-and-white pixels at every epoch (dynamic binarisation);
:func:`trained_burda` trains (or loads from the model cache) the model that chapter 6 and
``benchmarks/likelihood.py`` compare with Burda, Grosse and Salakhutdinov's Table 1.
"""

from __future__ import annotations

import math
import time
from typing import Any

import keras
import numpy as np

from .._checks import check_int
from ..models import burda_model, mean_image_logits
from ._cache import fingerprint, load_or_train
from ._fit import steps_per_epoch, train, warmup_cosine


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


def fit_burda(
    objective: str, x_train: np.ndarray, *, k: int = 5, epochs: int, batch_size: int = 100,
    learning_rate: float = 1e-3, seed: int = 0, log_every: int | None = 0,
    max_seconds: float | None = None, callbacks: list[keras.callbacks.Callback] | None = None,
) -> keras.Model:
    """Train Burda's one-layer model on dynamically binarised images (not cached; see
    :func:`trained_burda`).

    Adam, step size rising over the first epoch and decaying along a cosine to 5 %; the decoder's
    output biases start at the log-odds of the mean training image. ``max_seconds`` stops training
    after the epoch that passes it (the schedule is not shortened); ``callbacks`` go to ``fit``.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Examples
    --------
    >>> x = np.random.default_rng(0).random((64, 784)).astype("float32")
    >>> model = fit_burda("iwae", x, k=2, epochs=1, batch_size=32)
    >>> len(model.history.history["loss"])
    1
    """
    epochs = check_int(epochs, "epochs")
    batch_size = check_int(batch_size, "batch_size")
    per_epoch = steps_per_epoch(len(x_train), batch_size)
    schedule = warmup_cosine(learning_rate, epochs * per_epoch, warmup=per_epoch)
    model = burda_model(objective, k=k, output_bias=mean_image_logits(x_train),
                        learning_rate=schedule, seed=seed)
    callbacks = list(callbacks or []) + ([_TimeLimit(max_seconds)] if max_seconds else [])
    train(model, x_train, epochs=epochs, batch_size=batch_size, targets=False, seed=seed,
          log_every=log_every, batches=BinarisedBatches, callbacks=callbacks)
    return model


class _TimeLimit(keras.callbacks.Callback):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = float(seconds)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if time.perf_counter() - self._start > self.seconds:
            self.model.stop_training = True


def trained_burda(
    objective: str = "vae", *, k: int = 5, epochs: int, batch_size: int = 100,
    learning_rate: float = 1e-3, train_size: int | None = None, seed: int = 0,
    log_every: int | None = 0,
) -> Any:
    """Load Burda's one-layer model trained on dynamically binarised MNIST from the cache, or train it.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    objective : {"vae", "iwae"}
        The training objective.
    k : int
        Codes per image of the IWAE's bound.
    epochs, batch_size, learning_rate, seed
        The schedule (see :func:`fit_burda`).
    train_size : int, optional
        A stratified subset of the 60,000 training images; ``None``: all.
    log_every : int, optional
        Print a line every this many epochs while training (0: silent).

    Returns
    -------
    ae_helpers.Trained
        ``model`` is a :class:`~ae_helpers.models.VAE` or an :class:`ae_helpers.models.IWAE`; ``seconds`` the training time.

    Examples
    --------
    >>> trained = trained_burda("iwae", k=5, epochs=1, train_size=500)  # doctest: +SKIP
    >>> trained.model.k  # doctest: +SKIP
    5
    """
    from ..data import load_mnist

    if objective not in ("vae", "iwae"):
        raise ValueError(f"objective must be 'vae' or 'iwae', got {objective!r}")
    (x_train, _), _ = load_mnist(layout="flat", train_size=train_size, seed=seed)
    settings = {
        "model": "burda 784-200-200-50 tanh", "objective": objective,
        "k": int(k) if objective == "iwae" else 1, "epochs": check_int(epochs, "epochs"),
        "batch_size": check_int(batch_size, "batch_size"), "learning_rate": float(learning_rate),
        "schedule": "linear warm-up over 1 epoch, cosine to 5%; output bias = mean-image log-odds",
        "binarisation": "dynamic", "seed": int(seed), "train_size": train_size,
        "data": fingerprint(x_train),
    }
    return load_or_train(
        f"burda_{objective}", settings,
        lambda: fit_burda(objective, x_train, k=k, epochs=epochs, batch_size=batch_size,
                          learning_rate=learning_rate, seed=seed, log_every=log_every),
    )
