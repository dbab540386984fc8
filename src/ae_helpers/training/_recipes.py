"""Recipes for trained models: one settings object per kind of model, one function that trains or loads any.

Introduced in chapter 1 (``book/01_compression.ipynb``) for the autoencoder and used by every chapter
that trains. A *recipe* is a frozen dataclass whose fields are everything that changes the trained
model (architecture, schedule, data size, seed); :func:`trained` loads the model that recipe made from
the model cache, or trains and caches it. Two chapters that ask for the same recipe get the same model,
trained once.

* :class:`AutoencoderRecipe` — the dense autoencoder of chapters 1-3 (and 5).
* :class:`VAERecipe` — the dense VAE of chapters 4-5, optionally filmed while it trains.
* :class:`CVAERecipe` — the conditional VAE of chapter 5.
* :class:`JudgeRecipe` — the digit classifier that scores generated images in every chapter.
* :class:`FittedJudgeRecipe` — the same kind of classifier fitted to your own labelled images (appendix).
* :class:`BurdaRecipe` — Burda et al.'s one-layer model on dynamically binarised MNIST, trained with
  the VAE or the IWAE objective (chapter 6).

**Quick mode is applied here and nowhere else**: in quick mode (:func:`ae_helpers.quick_mode`) every
recipe is capped by ``Recipe.quick()`` at ``QUICK_TRAIN_SIZE`` training images and
``QUICK_EPOCHS`` epochs, whatever kind of model it is. A chapter that wants other quick settings
chooses them in its parameters cell (they then lie within the caps).

**Named presets** (``PRESETS``, :func:`preset`) are the models several chapters share: chapter 4
asks for ``preset("chapter2-autoencoder")`` instead of repeating chapter 2's numbers, so the two can
never drift apart. Each preset has a full-mode and a quick-mode recipe.
"""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
import time
from collections.abc import Sequence
from typing import Any, ClassVar

import keras
import numpy as np

from .._checks import (
    as_images,
    check_choice,
    check_int,
    check_latent_dim,
    check_number,
    check_optional_int,
    check_seed,
    checked_already,
)
from ..config import quick_mode
from ..data import load_mnist_test, load_mnist_training, stratified_indices
from ..latent import posterior
from ..measure import Judge, accuracy_on, judge_network
from ..models import (
    RECONSTRUCTIONS,
    burda_model,
    dense_autoencoder,
    dense_cvae,
    dense_vae,
    mean_image_logits,
)
from ._batches import BinarisedBatches, LabelledBatches, steps_per_epoch
from ._cache import Trained, fingerprint, load_or_train
from ._fit import train, warmup_cosine
from ._snapshots import LatentSnapshots

QUICK_TRAIN_SIZE = 6000
"""In quick mode every recipe trains on at most this many images."""

QUICK_EPOCHS = 5
"""In quick mode every recipe trains for at most this many epochs."""

STEPS_PER_CALL = 50
"""Training steps of Burda's model per call of the compiled step (TensorFlow and JAX): one step per
call spent a third of chapter 6's VAE epoch outside the step on TensorFlow (5.2 s against 3.5 s)."""

FRAMES = 20
"""Snapshots of the followed codes during a filmed training (plus one before it)."""


def _widths(hidden: Any) -> tuple[int, ...]:
    try:
        widths = tuple(hidden)
    except TypeError:
        raise TypeError(f"hidden must be a sequence of layer widths, got {hidden!r}") from None
    return tuple(check_int(w, f"hidden[{i}]") for i, w in enumerate(widths))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Recipe:
    """What every recipe has: a schedule, a data size and a seed. Use a subclass.

    Attributes
    ----------
    epochs : int
        Passes over the training images.
    train_size : int, optional
        Train on a stratified subset of this many images; ``None``: all 60,000.
    seed : int
        Seeds the weights, the subset, the batch order (and a VAE's sampling noise).
    batch_size : int
        Images per gradient step.
    learning_rate : float
        Adam's (peak) step size.
    """

    name: ClassVar[str] = ""

    epochs: int
    train_size: int | None = None
    seed: int = 0
    batch_size: int = 128
    learning_rate: float = 1e-3

    def __post_init__(self) -> None:
        check_int(self.epochs, "epochs")
        check_optional_int(self.train_size, "train_size", maximum=60_000)
        check_seed(self.seed)
        check_int(self.batch_size, "batch_size")
        check_number(self.learning_rate, "learning_rate", positive=True)

    def quick(self) -> Recipe:
        """This recipe capped for quick mode (``QUICK_TRAIN_SIZE``, ``QUICK_EPOCHS``).

        Examples
        --------
        >>> r = AutoencoderRecipe(latent_dim=2, epochs=20).quick()
        >>> r.epochs, r.train_size
        (5, 6000)
        """
        size = QUICK_TRAIN_SIZE if self.train_size is None else min(self.train_size, QUICK_TRAIN_SIZE)
        return dataclasses.replace(self, epochs=min(self.epochs, QUICK_EPOCHS), train_size=size)

    def replace(self, **changes: Any) -> Recipe:
        """A copy with some fields changed (a recipe is frozen: it never changes in place).

        Examples
        --------
        >>> AutoencoderRecipe(latent_dim=2, epochs=6).replace(latent_dim=16).latent_dim
        16
        """
        return dataclasses.replace(self, **changes)

    def cache_name(self) -> str:
        """The name of this recipe's entries in the model cache (the kind of model)."""
        return self.name

    def settings(self) -> dict[str, Any]:
        """The cache key's settings (the data's fingerprint is added when the data is loaded)."""
        raise NotImplementedError

    def data(self) -> dict[str, Any]:
        """The arrays this recipe trains on (:func:`ae_helpers.data.load_mnist`'s images).

        The training images come as :class:`~ae_helpers.data.ByteImages`: their bytes, read as the
        same float32 values a batch at a time, so that training on all 60,000 images holds 47 MB of
        them instead of 188 MB.
        """
        x_train, y_train = load_mnist_training(layout="flat", train_size=self.train_size,
                                               seed=self.seed, as_bytes=True)
        return {"x_train": x_train, "y_train": y_train}

    def fingerprint(self, data: dict[str, np.ndarray]) -> str:
        """A hash of the data that the trained model depends on."""
        return fingerprint(data["x_train"])

    def fit(self, data: dict[str, np.ndarray], *, log_every: int | None = 0) -> Any:
        """Build and train the model; return it, or ``(model, extras)``."""
        raise NotImplementedError

    def fit_code(self) -> str:
        """The source of this recipe's :meth:`fit`: the code :func:`trained` runs on a cache miss.

        A chapter prints it so that the reader sees how the model it loads is built and trained,
        with no second copy of that code to drift from the one that runs.
        Introduced in chapter 4 (``book/04_vae.ipynb``).

        Examples
        --------
        >>> code = VAERecipe(latent_dim=2, epochs=3).fit_code()
        >>> "dense_vae(" in code and "train(vae" in code
        True
        """
        return textwrap.dedent(inspect.getsource(type(self).fit))


@dataclasses.dataclass(frozen=True, kw_only=True)
class AutoencoderRecipe(Recipe):
    """The dense autoencoder 784 → hidden → M → reversed(hidden) → 784, trained to reconstruct MNIST.

    Introduced in chapter 1 (``book/01_compression.ipynb``). The model is
    :func:`ae_helpers.models.dense_autoencoder`, trained with Adam on flat images.

    Attributes
    ----------
    latent_dim : int
        M, the size of the code.
    hidden : tuple of int
        Widths of the encoder's hidden layers (the decoder mirrors them).
    loss : {"binary_crossentropy", "mse"}
        The training loss (Keras averages it over the pixels).

    Examples
    --------
    >>> AutoencoderRecipe(latent_dim=2, epochs=6, train_size=20_000).settings()["train_size"]
    20000
    """

    name: ClassVar[str] = "dense_ae"

    latent_dim: int
    batch_size: int = 256
    hidden: tuple[int, ...] = (512, 256)
    loss: str = "binary_crossentropy"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_latent_dim(self.latent_dim)
        object.__setattr__(self, "hidden", _widths(self.hidden))
        check_choice(self.loss, "loss", ("binary_crossentropy", "mse"))

    def settings(self) -> dict[str, Any]:
        return {
            "latent_dim": int(self.latent_dim),
            "epochs": int(self.epochs),
            "train_size": self.train_size,
            "seed": int(self.seed),
            "batch_size": int(self.batch_size),
            "hidden": list(self.hidden),
            "loss": self.loss,
            "learning_rate": float(self.learning_rate),
        }

    def fit(self, data: dict[str, np.ndarray], *, log_every: int | None = 0) -> keras.Model:
        keras.utils.set_random_seed(self.seed)
        model = dense_autoencoder(self.latent_dim, hidden=self.hidden, loss=self.loss,
                                  learning_rate=self.learning_rate)
        train(model, data["x_train"], epochs=self.epochs, batch_size=self.batch_size,
              seed=self.seed, log_every=log_every)
        return model


@dataclasses.dataclass(frozen=True, kw_only=True)
class VAERecipe(Recipe):
    """A dense VAE trained on flat MNIST images (loss: reconstruction + ``beta`` × KL).

    Adam whose step size rises linearly to ``learning_rate`` over the first ``warmup_epochs`` epochs
    and then decays along a cosine to 5 % of it (:func:`~ae_helpers.training.warmup_cosine`).

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Attributes
    ----------
    latent_dim : int
        Size of the latent space.
    hidden : tuple of int
        Widths of the encoder's hidden layers (the decoder mirrors them).
    beta : float
        Weight of the KL term.
    reconstruction : {"bce", "mse"}
        As in :class:`ae_helpers.models.VAE`.
    warmup_epochs : int
        Epochs of linear warm-up (at most a quarter of the steps); 0: none.
    follow : int
        Film the training: record the codes (means) of this many test images (a stratified subset)
        before training and then every ``ceil(steps / FRAMES)`` steps and after the last. They come
        back in the trained model's ``extras``: ``"snapshots"`` (frames, follow, latent_dim),
        ``"labels"`` (follow,) and ``"epochs"`` (frames,), the training done before each frame.
        0: nothing is recorded.

    Examples
    --------
    >>> VAERecipe(latent_dim=2, epochs=3).settings()["schedule"]
    'linear warm-up over 1 epoch (at most a quarter of the steps), cosine to 5%'
    """

    name: ClassVar[str] = "vae"
    model: ClassVar[str] = "dense_vae"

    latent_dim: int = 2
    hidden: tuple[int, ...] = (512, 256)
    beta: float = 1.0
    reconstruction: str = "bce"
    warmup_epochs: int = 1
    follow: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        check_latent_dim(self.latent_dim)
        object.__setattr__(self, "hidden", _widths(self.hidden))
        check_number(self.beta, "beta", minimum=0)
        check_choice(self.reconstruction, "reconstruction", RECONSTRUCTIONS)
        check_int(self.warmup_epochs, "warmup_epochs", minimum=0)
        check_int(self.follow, "follow", minimum=0, maximum=10_000)

    def _schedule_name(self) -> str:
        if not self.warmup_epochs:
            return "cosine to 5%"
        epochs = "1 epoch" if self.warmup_epochs == 1 else f"{self.warmup_epochs} epochs"
        return f"linear warm-up over {epochs} (at most a quarter of the steps), cosine to 5%"

    def settings(self) -> dict[str, Any]:
        settings = {
            "model": self.model,
            "latent_dim": int(self.latent_dim),
            "hidden": list(self.hidden),
            "beta": float(self.beta),
            "reconstruction": self.reconstruction,
            "epochs": int(self.epochs),
            "batch_size": int(self.batch_size),
            "learning_rate": float(self.learning_rate),
            "schedule": self._schedule_name(),
            "seed": int(self.seed),
            "train_size": self.train_size,
        }
        if self.model == "dense_vae":
            settings.update(follow=int(self.follow), frames=FRAMES if self.follow else 0)
        return settings

    def data(self) -> dict[str, np.ndarray]:
        if not self.follow:  # the test images are only filmed
            return super().data()
        x_test, y_test = load_mnist_test(layout="flat", test_size=self.follow, seed=self.seed)
        return {**super().data(), "x_test": x_test, "y_test": y_test}

    def fingerprint(self, data: dict[str, np.ndarray]) -> str:
        if self.follow:
            return fingerprint(data["x_train"], data["x_test"])
        return fingerprint(data["x_train"])

    def _schedule(self, n: int) -> keras.optimizers.schedules.LearningRateSchedule:
        per_epoch = steps_per_epoch(n, self.batch_size)
        return warmup_cosine(self.learning_rate, self.epochs * per_epoch,
                             warmup=self.warmup_epochs * per_epoch)

    def fit(self, data: dict[str, np.ndarray], *, log_every: int | None = 0) -> Any:
        keras.utils.set_random_seed(self.seed)
        x_train = data["x_train"]
        vae = dense_vae(self.latent_dim, hidden=self.hidden, beta=self.beta,
                        reconstruction=self.reconstruction,
                        learning_rate=self._schedule(len(x_train)), seed=self.seed)
        film = None
        per_epoch = steps_per_epoch(len(x_train), self.batch_size)
        if self.follow:
            film = LatentSnapshots(lambda x: posterior(vae, x)[0], data["x_test"],
                                   every=max(1, -(-self.epochs * per_epoch // FRAMES)))
        train(vae, x_train, epochs=self.epochs, batch_size=self.batch_size, targets=False,
              log_every=log_every, seed=self.seed, callbacks=[film] if film else None)
        if film is None:
            return vae
        return vae, {"snapshots": film.snapshots, "labels": data["y_test"],
                     "epochs": film.steps / per_epoch}


@dataclasses.dataclass(frozen=True, kw_only=True)
class CVAERecipe(VAERecipe):
    """A dense conditional VAE trained on labelled MNIST: the labels are fed to both halves.

    The same recipe as :class:`VAERecipe` with :func:`ae_helpers.models.dense_cvae` as the model,
    except the warm-up: **none by default, on purpose**. Chapter 5 trains it, like its β sweep, at
    Adam's 1e-3; the one-epoch warm-up exists for chapter 4's peak of 8e-3, which throws a fresh VAE
    off without it. Keeping 0 also keeps chapter 5's measured numbers. Pass ``warmup_epochs=1`` for the
    VAE's schedule. Filming (``follow``) is not offered.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> CVAERecipe(latent_dim=2, epochs=3).settings()["schedule"]
    'cosine to 5%'
    """

    name: ClassVar[str] = "cvae"
    model: ClassVar[str] = "dense_cvae"

    warmup_epochs: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.follow:
            raise ValueError(f"follow must be 0 for a conditional VAE (not filmed), got {self.follow}")

    def fingerprint(self, data: dict[str, np.ndarray]) -> str:
        return fingerprint(data["x_train"], data["y_train"])

    def fit(self, data: dict[str, np.ndarray], *, log_every: int | None = 0) -> keras.Model:
        keras.utils.set_random_seed(self.seed)
        x_train, y_train = data["x_train"], data["y_train"]
        cvae = dense_cvae(self.latent_dim, hidden=self.hidden, beta=self.beta,
                          reconstruction=self.reconstruction,
                          learning_rate=self._schedule(len(x_train)), seed=self.seed)
        train(cvae, x_train, y_train, epochs=self.epochs, batch_size=self.batch_size,
              log_every=log_every, seed=self.seed, batches=LabelledBatches)
        return cvae


@dataclasses.dataclass(frozen=True, kw_only=True)
class JudgeRecipe(Recipe):
    """The judge: :func:`ae_helpers.measure.judge_network` trained to classify MNIST digits.

    Adam with a cosine decay; its test accuracy on all 10,000 test digits is measured once, after
    training, and kept beside it in the cache. Chosen by measurement on two CPU cores: with 16 and 32
    filters, 4 epochs of batches of 256 reach 99.25 % test accuracy in about 16 s; twice the filters
    and 3 epochs of 128 reached 99.21 % in about 31 s. See ``PRESETS`` (``"judge"``).

    Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``).
    """

    name: ClassVar[str] = "judge"

    def settings(self) -> dict[str, Any]:
        return {
            "train_size": self.train_size,
            "epochs": int(self.epochs),
            "batch_size": int(self.batch_size),
            "learning_rate": float(self.learning_rate),
            "seed": int(self.seed),
            "architecture": judge_network().to_json(),
        }

    def data(self) -> dict[str, np.ndarray]:
        x_train, y_train = load_mnist_training(layout="channels", train_size=self.train_size,
                                               as_bytes=True)
        x_test, y_test = load_mnist_test(layout="channels")
        return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}

    def fingerprint(self, data: dict[str, np.ndarray]) -> str:
        return fingerprint(data["x_train"], data["y_train"])

    def fit(self, data: dict[str, np.ndarray], *, log_every: int | None = 0) -> Any:
        keras.utils.set_random_seed(self.seed)
        x_train, y_train = data["x_train"], data["y_train"]
        model = judge_network(x_train.shape[1:], self._n_classes())
        steps = self.epochs * steps_per_epoch(len(x_train), self.batch_size)
        model.compile(
            optimizer=keras.optimizers.Adam(
                keras.optimizers.schedules.CosineDecay(self.learning_rate, steps)),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        train(model, x_train, y_train, epochs=self.epochs, batch_size=self.batch_size,
              seed=self.seed, log_every=log_every)
        # Measured once and kept beside the model: loading it later costs no pass over the test set.
        return model, {"test_accuracy": np.array(accuracy_on(model, data["x_test"], data["y_test"]))}

    def _n_classes(self) -> int:
        return 10


@dataclasses.dataclass(frozen=True, kw_only=True)
class FittedJudgeRecipe(JudgeRecipe):
    """A judge fitted to your own labelled images: the classifier of :class:`JudgeRecipe`, any data.

    :func:`ae_helpers.measure.judge_network` for the images' shape and number of classes, trained
    with Adam and a cosine decay. The images and labels are checked when the recipe is made; the
    cache key holds their fingerprint, not the arrays. In quick mode ``train_size`` takes a
    stratified subset of the images (when there are more than ``QUICK_TRAIN_SIZE``) and ``epochs``
    is capped, as for every recipe. See :func:`fit_judge`.

    Introduced in the appendix (``book/07_your_own_data.ipynb``).

    Attributes
    ----------
    images, labels, validation
        The labelled images to fit and the held-out ones to measure on, as in :func:`fit_judge`.
    classes : np.ndarray
        The distinct labels, sorted (set from ``labels``); the judge's outputs, in this order.

    Examples
    --------
    >>> x = np.zeros((20, 8, 8), "float32")
    >>> recipe = FittedJudgeRecipe(images=x, labels=np.arange(20) % 4, epochs=2)
    >>> recipe.settings()["image_shape"], recipe.settings()["n_classes"]
    ([8, 8, 1], 4)
    """

    name: ClassVar[str] = "fitted_judge"

    images: Any = dataclasses.field(default=None, repr=False, compare=False)
    labels: Any = dataclasses.field(default=None, repr=False, compare=False)
    validation: tuple[Any, Any] | None = dataclasses.field(default=None, repr=False, compare=False)
    classes: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)
    epochs: int = 30
    batch_size: int = 64
    learning_rate: float = 3e-3

    def __post_init__(self) -> None:
        super().__post_init__()
        x = as_images(self.images, name="images")
        classes, y = _class_indices(self.labels, len(x), "labels")
        if self.validation is None:
            vx, vy = x, y
        else:
            vx = as_images(self.validation[0], name="validation images", image_shape=x.shape[1:])
            _, vy = _class_indices(self.validation[1], len(vx), "validation labels", classes)
        object.__setattr__(self, "classes", classes)
        object.__setattr__(self, "images", x)
        object.__setattr__(self, "labels", y)
        object.__setattr__(self, "validation", (vx, vy))

    def _n_classes(self) -> int:
        return len(self.classes)

    def settings(self) -> dict[str, Any]:
        return {"image_shape": list(self.images.shape[1:]), "n_classes": self._n_classes(),
                "classes": self.classes.tolist(),
                "epochs": int(self.epochs), "batch_size": int(self.batch_size),
                "learning_rate": float(self.learning_rate), "seed": int(self.seed)}

    def data(self) -> dict[str, np.ndarray]:
        x, y = self.images, self.labels
        if self.train_size is not None and self.train_size < len(x):
            idx = stratified_indices(y, self.train_size, seed=self.seed)
            x, y = x[idx], y[idx]
        vx, vy = self.validation
        return {"x_train": x, "y_train": y, "x_test": vx, "y_test": vy}

    def fingerprint(self, data: dict[str, np.ndarray]) -> str:
        return fingerprint(data["x_train"], data["y_train"], data["x_test"], data["y_test"])


@dataclasses.dataclass(frozen=True, kw_only=True)
class BurdaRecipe(Recipe):
    """Burda et al.'s one-layer model (784-200-200-50, tanh) on dynamically binarised MNIST.

    The model is :func:`ae_helpers.models.burda_model` with the VAE or the IWAE objective, trained
    on images redrawn as black and white at every epoch (:class:`BinarisedBatches`), with Adam whose
    step size rises over the first epoch and then decays along a cosine to 5 %; the decoder's output
    biases start at the log-odds of the mean training image.

    A recipe with a ``start`` continues the model another recipe trained (loaded from the cache,
    or trained first) instead of starting from random weights: Burda et al. (section 5.2) trained
    a VAE and then continued it with the IWAE objective. The continuation has its own optimizer and
    schedule over its own ``epochs``, and its own binarised draws (seed + 1).

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Attributes
    ----------
    objective : {"vae", "iwae"}
        The training objective.
    k : int
        Codes per image of the IWAE's bound (not used by the VAE).
    start : BurdaRecipe, optional
        The recipe whose trained model this one continues; it must train on the same images (the
        same ``train_size`` and ``seed``).

    Examples
    --------
    >>> recipe = BurdaRecipe(objective="iwae", k=5, epochs=3)
    >>> recipe.cache_name(), recipe.settings()["k"], recipe.batch_size
    ('burda_iwae', 5, 100)
    >>> then = BurdaRecipe(objective="iwae", epochs=4, start=BurdaRecipe(objective="vae", epochs=16))
    >>> then.settings()["start"]["epochs"], then.quick().start.epochs
    (16, 5)
    """

    name: ClassVar[str] = "burda"

    objective: str = "vae"
    k: int = 5
    batch_size: int = 100
    start: BurdaRecipe | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        check_choice(self.objective, "objective", ("vae", "iwae"))
        check_int(self.k, "k")
        if self.start is not None:
            if not isinstance(self.start, BurdaRecipe):
                raise TypeError(f"start must be a BurdaRecipe (the model to continue) or None, got "
                                f"{type(self.start).__name__}")
            if (self.start.train_size, self.start.seed) != (self.train_size, self.seed):
                raise ValueError(
                    f"start must train on the same images as the recipe that continues it: start has "
                    f"train_size={self.start.train_size}, seed={self.start.seed}; this recipe "
                    f"train_size={self.train_size}, seed={self.seed}")

    def quick(self) -> BurdaRecipe:
        """This recipe, and the one it continues, capped for quick mode."""
        if self.start is None:
            return super().quick()
        capped = dataclasses.replace(self, start=None).quick()
        return dataclasses.replace(capped, start=self.start.quick())

    def cache_name(self) -> str:
        return f"burda_{self.objective}"

    def settings(self) -> dict[str, Any]:
        return {
            "model": "burda 784-200-200-50 tanh", "objective": self.objective,
            "k": int(self.k) if self.objective == "iwae" else 1, "epochs": int(self.epochs),
            "batch_size": int(self.batch_size), "learning_rate": float(self.learning_rate),
            "schedule": "linear warm-up over 1 epoch, cosine to 5%; output bias = mean-image log-odds",
            "binarisation": "dynamic", "seed": int(self.seed), "train_size": self.train_size,
            **({"start": self.start.settings()} if self.start is not None else {}),
        }

    def fit(self, data: dict[str, np.ndarray], *, log_every: int | None = 0,
            callbacks: list[keras.callbacks.Callback] | None = None,
            begun: keras.Model | None = None) -> keras.Model:
        """Train; ``begun`` (a Burda model already trained) stands for ``start``'s model."""
        x_train = data["x_train"]
        per_epoch = steps_per_epoch(len(x_train), self.batch_size)
        schedule = warmup_cosine(self.learning_rate, self.epochs * per_epoch, warmup=per_epoch)
        if begun is None and self.start is not None:
            begun = trained(self.start, quick=False).model
        seed = self.seed if begun is None else self.seed + 1  # not the start's draws again
        model = burda_model(self.objective, k=self.k, output_bias=mean_image_logits(x_train),
                            learning_rate=schedule, seed=seed)
        if begun is not None:
            model.encoder.set_weights(begun.encoder.get_weights())
            model.decoder.set_weights(begun.decoder.get_weights())
        if keras.backend.backend() != "torch":  # PyTorch runs one step per call only
            model.steps_per_execution = STEPS_PER_CALL
        train(model, x_train, epochs=self.epochs, batch_size=self.batch_size, targets=False,
              seed=seed, log_every=log_every, batches=BinarisedBatches, callbacks=callbacks)
        return model


PRESETS: dict[str, tuple[Recipe, Recipe]] = {
    "chapter2-autoencoder": (
        AutoencoderRecipe(latent_dim=2, epochs=6, train_size=20_000, batch_size=256),
        AutoencoderRecipe(latent_dim=2, epochs=2, train_size=2000, batch_size=32),
    ),
    "chapter4-vae": (
        VAERecipe(latent_dim=2, hidden=(256, 128, 64, 32), epochs=8, train_size=None,
                  batch_size=256, learning_rate=8e-3, follow=500),
        VAERecipe(latent_dim=2, hidden=(256, 128, 64, 32), epochs=3, train_size=6000,
                  batch_size=64, learning_rate=4e-3, follow=500),
    ),
    "judge": (
        JudgeRecipe(epochs=4, batch_size=256, learning_rate=4e-3),
        JudgeRecipe(epochs=3, train_size=6000, batch_size=128, learning_rate=3e-3),
    ),
}
"""The models several chapters share, by name: ``(full-mode recipe, quick-mode recipe)``.

* ``"chapter2-autoencoder"`` — the 2-D dense autoencoder of chapter 2, reused by chapters 3 and 4.
* ``"chapter4-vae"`` — chapter 4's 2-D VAE (784-256-128-64-32-2, filmed on 500 test digits).
* ``"judge"`` — the digit classifier of every chapter.
"""


def preset(name: str, *, quick: bool | None = None) -> Recipe:
    """Return the recipe of a named model that several chapters share.

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``).

    Parameters
    ----------
    name : str
        One of ``PRESETS``.
    quick : bool, optional
        Quick mode's recipe instead of full mode's; default :func:`ae_helpers.quick_mode`.

    Examples
    --------
    >>> preset("chapter2-autoencoder", quick=False).train_size
    20000
    >>> preset("chapter2-autoencoder", quick=True).batch_size
    32
    """
    if name not in PRESETS:
        raise ValueError(f"name must be one of {tuple(PRESETS)}, got {name!r}")
    full, small = PRESETS[name]
    return small if (quick_mode() if quick is None else bool(quick)) else full


def trained(recipe: Recipe | str, *, quick: bool | None = None, log_every: int | None = 0) -> Trained:
    """Load the model a recipe (or a named preset) makes from the cache, or train and cache it.

    The one path from settings to a trained model: every ``trained_*`` helper calls it.

    Introduced in chapter 1 (``book/01_compression.ipynb``).

    Parameters
    ----------
    recipe : Recipe or str
        A recipe, or the name of a preset (:func:`preset`).
    quick : bool, optional
        Cap the recipe for quick mode (``Recipe.quick()``); default :func:`ae_helpers.quick_mode`.
    log_every : int, optional
        Print a line every this many epochs while training (0: silent).

    Returns
    -------
    Trained
        ``.model``, its ``.history``, the training ``.seconds``, ``.from_cache``, ``.extras``.

    Examples
    --------
    >>> t = trained(AutoencoderRecipe(latent_dim=2, epochs=1, train_size=500))  # doctest: +SKIP
    >>> t.model.get_layer("decoder").input_shape  # doctest: +SKIP
    (None, 2)
    """
    quick = quick_mode() if quick is None else bool(quick)
    if isinstance(recipe, str):
        recipe = preset(recipe, quick=quick)
    if not isinstance(recipe, Recipe) or type(recipe) is Recipe:
        raise TypeError(f"recipe must be a Recipe subclass or a preset name, got {recipe!r}")
    if log_every is not None:
        check_int(log_every, "log_every", minimum=0)
    if quick:
        recipe = recipe.quick()
    data = recipe.data()
    settings = {**recipe.settings(), "data": recipe.fingerprint(data)}

    def fit() -> Any:
        # The recipe's fields were checked when it was made: the builders and train() it calls
        # do not check them again.
        with checked_already():
            return recipe.fit(data, log_every=log_every)

    return load_or_train(recipe.cache_name(), settings, fit)


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
    """The dense autoencoder of :class:`AutoencoderRecipe`, trained on MNIST (or loaded).

    ``trained(AutoencoderRecipe(latent_dim=..., ...))`` in one call; the arguments are the recipe's
    fields. Introduced in chapter 1 (``book/01_compression.ipynb``).

    Returns
    -------
    Trained
        ``.model`` is the autoencoder (``encoder_of`` / ``decoder_of`` give its halves).

    Examples
    --------
    >>> t = trained_autoencoder(2, epochs=1, train_size=500, quick=True)  # doctest: +SKIP
    """
    return trained(AutoencoderRecipe(
        latent_dim=latent_dim, epochs=epochs, train_size=train_size, seed=seed,
        batch_size=batch_size, hidden=hidden, loss=loss, learning_rate=learning_rate,
    ), quick=quick)


def trained_vae(latent_dim: int = 2, *, quick: bool | None = None, log_every: int | None = 0,
                **fields: Any) -> Trained:
    """The dense VAE of :class:`VAERecipe`, trained on MNIST (or loaded).

    ``trained(VAERecipe(latent_dim=..., **fields))`` in one call: ``fields`` are the recipe's
    (``epochs`` is required; ``beta``, ``reconstruction``, ``train_size``, ``seed``, ``hidden``,
    ``batch_size``, ``learning_rate``, ``warmup_epochs``, ``follow``). Introduced in chapter 4
    (``book/04_vae.ipynb``).

    Returns
    -------
    Trained
        ``model`` is the :class:`~ae_helpers.models.VAE`; ``history`` has ``loss``,
        ``reconstruction`` and ``kl``.

    Examples
    --------
    >>> trained_vae(2, epochs=1, train_size=500).model.latent_dim  # doctest: +SKIP
    2
    """
    return trained(VAERecipe(latent_dim=latent_dim, **fields), quick=quick, log_every=log_every)


def trained_cvae(latent_dim: int = 2, *, quick: bool | None = None, log_every: int | None = 0,
                 **fields: Any) -> Trained:
    """The conditional VAE of :class:`CVAERecipe`, trained on labelled MNIST (or loaded).

    ``trained(CVAERecipe(latent_dim=..., **fields))`` in one call, with the fields of
    :func:`trained_vae` but ``follow``. Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Examples
    --------
    >>> trained_cvae(2, epochs=1, train_size=500).model.n_classes  # doctest: +SKIP
    10
    """
    return trained(CVAERecipe(latent_dim=latent_dim, **fields), quick=quick, log_every=log_every)


def load_judge(*, quick: bool | None = None) -> Judge:
    """Load the judge from the cache, or train it (about 16 s in full mode on two CPU cores).

    The ``"judge"`` preset through :func:`trained`. Introduced in chapter 0
    (``book/00_why_pixels_fail.ipynb``).

    Parameters
    ----------
    quick : bool, optional
        Quick mode's recipe (a few seconds of training); default :func:`ae_helpers.quick_mode`.

    Returns
    -------
    Judge
        With ``test_accuracy`` measured on the full MNIST test set.

    Examples
    --------
    >>> load_judge().test_accuracy > 0.99  # doctest: +SKIP
    True
    """
    result = trained("judge", quick=quick)
    return Judge(result.model, float(result.extras["test_accuracy"]), result.from_cache)


def fit_judge(
    images: Any,
    labels: Any,
    *,
    validation: tuple[Any, Any] | None = None,
    epochs: int = 30,
    batch_size: int = 64,
    learning_rate: float = 3e-3,
    seed: int = 0,
    quick: bool | None = None,
    log_every: int | None = 0,
) -> Judge:
    """Fit a judge to any labelled image set, so generated images of that kind can be scored.

    MNIST's judge (:func:`load_judge`) only knows 28×28 digits; this trains the same kind of
    classifier (:func:`ae_helpers.measure.judge_network` for the images' shape and the number of
    classes) on your own images, with Adam and a cosine decay: ``trained(FittedJudgeRecipe(...))``,
    so it goes through the model cache and quick mode's caps like every model. The result plugs into
    :func:`ae_helpers.measure.generation_report` and ``judge.score(...)`` like MNIST's.

    Introduced in the appendix (``book/07_your_own_data.ipynb``).

    Parameters
    ----------
    images : array-like
        Training images in [0, 1]: ``(n, h, w)``, ``(n, h, w, c)`` or flat square images.
    labels : array-like of int or str
        Class of each image: any set of at least two labels (``{3, 7}``, ``["cat", "dog"]``); the
        judge has one output per distinct label, in sorted order, and keeps the labels as
        ``judge.classes``.
    validation : tuple, optional
        ``(images, labels)`` (labels from the same set): held-out images to measure
        ``test_accuracy`` on; without them it is measured on the training images (an optimistic
        number).
    epochs, batch_size, learning_rate, seed
        The schedule.
    quick : bool, optional
        Cap the recipe for quick mode; default :func:`ae_helpers.quick_mode`.
    log_every : int, optional
        Print a line every this many epochs (0: silent).

    Returns
    -------
    Judge
        With ``test_accuracy``, ``n_classes`` and ``classes``.

    Raises
    ------
    ValueError
        If the labels are not 1-D, one per image, with at least two classes, or validation labels
        hold a class the training labels do not.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> digits = load_digits()
    >>> x, y = (digits.images / 16).astype("float32"), digits.target
    >>> judge = fit_judge(x[:1500], y[:1500], validation=(x[1500:], y[1500:]))  # doctest: +SKIP
    >>> judge.test_accuracy > 0.9  # doctest: +SKIP
    True
    """
    recipe = FittedJudgeRecipe(images=images, labels=labels, validation=validation, epochs=epochs,
                               batch_size=batch_size, learning_rate=learning_rate, seed=seed)
    result = trained(recipe, quick=quick, log_every=log_every)
    return Judge(result.model, float(result.extras["test_accuracy"]), result.from_cache,
                 classes=recipe.classes)


def fit_burda(
    objective: str, x_train: np.ndarray, *, k: int = 5, epochs: int, batch_size: int = 100,
    learning_rate: float = 1e-3, seed: int = 0, log_every: int | None = 0,
    max_seconds: float | None = None, callbacks: list[keras.callbacks.Callback] | None = None,
    start: keras.Model | None = None,
) -> keras.Model:
    """Train Burda's one-layer model on your images, not cached (see :func:`trained_burda`).

    ``BurdaRecipe(...).fit(data)`` on ``x_train``. ``max_seconds`` stops training after the epoch that
    passes it (the schedule is not shortened); ``callbacks`` go to ``fit``; ``start``, a Burda model
    trained before (a VAE or an IWAE), is continued instead of random weights, as a recipe's
    ``start`` is. For timing runs (``benchmarks/likelihood.py``); a chapter asks :func:`trained`
    instead.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Examples
    --------
    >>> x = np.random.default_rng(0).random((64, 784)).astype("float32")
    >>> model = fit_burda("iwae", x, k=2, epochs=1, batch_size=32)
    >>> len(model.history.history["loss"])
    1
    """
    recipe = BurdaRecipe(objective=objective, k=k, epochs=epochs, batch_size=batch_size,
                         learning_rate=learning_rate, seed=seed)
    x_train = as_images(x_train, name="x_train", layout="flat")
    if log_every is not None:
        check_int(log_every, "log_every", minimum=0)
    if max_seconds is not None:
        check_number(max_seconds, "max_seconds", positive=True)
        callbacks = list(callbacks or []) + [_TimeLimit(max_seconds)]
    if start is not None and not (hasattr(start, "encoder") and hasattr(start, "decoder")):
        raise TypeError(f"start must be a trained Burda model (with .encoder and .decoder) or None, "
                        f"got {type(start).__name__}")
    with checked_already():
        return recipe.fit({"x_train": x_train}, log_every=log_every, callbacks=callbacks,
                          begun=start)


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
    quick: bool | None = None, log_every: int | None = 0,
) -> Trained:
    """Burda's one-layer model of :class:`BurdaRecipe`, trained on binarised MNIST (or loaded).

    ``trained(BurdaRecipe(objective=..., ...))`` in one call; the arguments are the recipe's fields.
    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    objective : {"vae", "iwae"}
        The training objective.
    k : int
        Codes per image of the IWAE's bound.
    epochs, batch_size, learning_rate, seed
        The schedule.
    train_size : int, optional
        A stratified subset of the 60,000 training images; ``None``: all.
    quick : bool, optional
        Cap the recipe for quick mode; default :func:`ae_helpers.quick_mode`.
    log_every : int, optional
        Print a line every this many epochs while training (0: silent).

    Returns
    -------
    Trained
        ``model`` is a :class:`~ae_helpers.models.VAE` or an :class:`ae_helpers.models.IWAE`;
        ``seconds`` the training time.

    Examples
    --------
    >>> trained_burda("iwae", k=5, epochs=1, train_size=500).model.k  # doctest: +SKIP
    5
    """
    recipe = BurdaRecipe(objective=objective, k=k, epochs=epochs, batch_size=batch_size,
                         learning_rate=learning_rate, train_size=train_size, seed=seed)
    return trained(recipe, quick=quick, log_every=log_every)


def _class_indices(labels: Any, n: int, name: str,
                   classes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct labels and each label's position among them (``0 … n_classes - 1``)."""
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"{name} must be a 1-D array of one class label per image ({n}), got "
                         f"shape {y.shape}")
    if not (np.issubdtype(y.dtype, np.integer) or y.dtype.kind in "US") or y.dtype == bool:
        raise TypeError(f"{name} must be integer or string class labels, got dtype {y.dtype}; "
                        "convert them with np.asarray(labels).astype(int)")
    if classes is None:
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(f"{name} must hold at least 2 classes to judge between, got only "
                             f"{classes.tolist()!r}")
    unknown = np.setdiff1d(y, classes)
    if len(unknown):
        raise ValueError(f"{name} hold {unknown[:5].tolist()!r}, not among the training labels' "
                         f"classes {classes.tolist()!r}")
    return classes, np.searchsorted(classes, y).astype(np.int32)
