"""Trained models that several chapters share, each trained once and then loaded from the cache.

Introduced in chapter 1 (``book/01_compression.ipynb``), where the dense autoencoder is first built
inline and then taken from here; chapters 2 and 3 reuse :func:`trained_autoencoder` with
``latent_dim=2``.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from .cache import Trained, fingerprint, load_or_train
from .config import quick_mode
from .data import load_mnist
from .models import dense_autoencoder
from .training import train

QUICK_TRAIN_SIZE = 2000
"""In quick mode at most this many training images are used."""

QUICK_EPOCHS = 2
"""In quick mode at most this many epochs are run."""


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def autoencoder_settings(
    latent_dim: int,
    *,
    epochs: int,
    train_size: int | None = None,
    seed: int = 0,
    quick: bool | None = None,
    batch_size: int = 256,
    hidden: Sequence[int] = (512, 256),
    loss: str = "binary_crossentropy",
    learning_rate: float = 1e-3,
) -> dict:
    """Return the settings :func:`trained_autoencoder` trains with (quick-mode caps applied).

    Parameters are those of :func:`trained_autoencoder`. The returned dict is what the model cache
    keys on (the data fingerprint is added when the data is loaded).

    Examples
    --------
    >>> s = autoencoder_settings(2, epochs=20, quick=True)
    >>> s["epochs"], s["train_size"]
    (2, 2000)
    >>> autoencoder_settings(2, epochs=20, train_size=5000, quick=False)["train_size"]
    5000
    """
    _positive_int(latent_dim, "latent_dim")
    _positive_int(epochs, "epochs")
    _positive_int(batch_size, "batch_size")
    if train_size is not None:
        _positive_int(train_size, "train_size")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    quick = quick_mode() if quick is None else bool(quick)
    if quick:
        epochs = min(epochs, QUICK_EPOCHS)
        train_size = QUICK_TRAIN_SIZE if train_size is None else min(train_size, QUICK_TRAIN_SIZE)
    return {
        "latent_dim": int(latent_dim),
        "epochs": int(epochs),
        "train_size": train_size,
        "seed": int(seed),
        "batch_size": int(batch_size),
        "hidden": [int(h) for h in hidden],
        "loss": loss,
        "learning_rate": float(learning_rate),
    }


def trained_autoencoder(
    latent_dim: int,
    *,
    epochs: int,
    train_size: int | None = None,
    seed: int = 0,
    quick: bool | None = None,
    batch_size: int = 256,
    hidden: Sequence[int] = (512, 256),
    loss: str = "binary_crossentropy",
    learning_rate: float = 1e-3,
) -> Trained:
    """Return the chapter-1 dense autoencoder with a code of ``latent_dim`` numbers, trained on MNIST.

    Introduced in chapter 1 (``book/01_compression.ipynb``); chapters 2 and 3 reuse it.

    The model is :func:`ae_helpers.models.dense_autoencoder` (784 → 512 → 256 → M → 256 → 512 → 784,
    sigmoid output), trained with Adam on flat MNIST training images (a stratified subset of
    ``train_size`` images, chosen with ``seed``) to reconstruct its input. It goes through
    :func:`ae_helpers.cache.load_or_train`, so the same arguments load the same model in every
    chapter instead of training it again.

    Parameters
    ----------
    latent_dim : int
        M, the size of the code.
    epochs : int
        Passes over the training images.
    train_size : int, optional
        Train on a stratified subset of this many images; ``None`` uses all 60,000.
    seed : int
        Seeds the weights, the subset choice and the batch order.
    quick : bool, optional
        Quick mode (default: :func:`ae_helpers.quick_mode`) caps the run at
        ``QUICK_EPOCHS = 2`` epochs on at most ``QUICK_TRAIN_SIZE = 2000`` images, whatever is asked.
    batch_size : int
        Images per gradient step.
    hidden : sequence of int
        Widths of the encoder's hidden layers (the decoder mirrors them).
    loss : {"binary_crossentropy", "mse"}
        The training loss (Keras averages it over the pixels).
    learning_rate : float
        Adam's step size.

    Returns
    -------
    Trained
        ``.model`` is the autoencoder (``model.get_layer("encoder")`` / ``"decoder"`` are its
        halves), ``.history`` its per-epoch loss, ``.seconds`` the training time and
        ``.from_cache`` whether it was loaded.

    Raises
    ------
    TypeError, ValueError
        If a size or count is not a positive int.

    Examples
    --------
    >>> trained = trained_autoencoder(2, epochs=1, train_size=500, quick=True)  # doctest: +SKIP
    >>> trained.model.get_layer("decoder").input_shape  # doctest: +SKIP
    (None, 2)
    """
    settings = autoencoder_settings(
        latent_dim, epochs=epochs, train_size=train_size, seed=seed, quick=quick,
        batch_size=batch_size, hidden=hidden, loss=loss, learning_rate=learning_rate,
    )
    (x_train, _), _ = load_mnist(layout="flat", train_size=settings["train_size"], seed=seed)
    settings["data"] = fingerprint(x_train)

    def fit() -> keras.Model:
        keras.utils.set_random_seed(settings["seed"])
        model = dense_autoencoder(
            settings["latent_dim"], hidden=tuple(settings["hidden"]), loss=settings["loss"],
            learning_rate=settings["learning_rate"],
        )
        train(model, x_train, epochs=settings["epochs"], batch_size=settings["batch_size"],
              seed=settings["seed"], log_every=0)
        return model

    return load_or_train("dense_ae", settings, fit)
