"""The judge: a small convolutional digit classifier that scores generated images.

Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``) and used by chapters 0-5. A generated
image is *recognised* when the judge gives one digit a probability of at least ``threshold``. For a
batch we report the share recognised, the histogram of predicted digits and its normalised entropy
(1.0 = all ten digits equally often, 0.0 = a single digit).

A judge fitted to other images (:func:`ae_helpers.training.fit_judge`) has its own classes: any
number of them, with the label names it was fitted on (``judge.classes``, for example
``[3, 7]``); histograms, shares and entropies count those classes, not ten digits.

The judge is trained once per machine and settings and then loaded from the model cache
(:func:`ae_helpers.training.load_judge`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import keras
import numpy as np

from .._checks import as_image_shape, check_int, check_number
from ..models import model_input, run_model

DEFAULT_THRESHOLD = 0.9


@dataclasses.dataclass(frozen=True)
class JudgeReport:
    """What the judge says about a batch of images.

    Attributes
    ----------
    n : int
        Number of images judged.
    recognised : float
        Share of images whose top class probability is at least ``threshold``.
    histogram : np.ndarray
        Counts of the predicted class, shape ``(n_classes,)`` (``(10,)`` for MNIST's digits), in
        the order of ``classes``.
    entropy : float
        Normalised entropy of ``histogram`` in [0, 1] (divided by ``log(n_classes)``).
    threshold : float
        The confidence threshold used.
    classes : np.ndarray or None
        The label of each bin (``None``: ``0 … n_classes - 1``).
    """

    n: int
    recognised: float
    histogram: np.ndarray
    entropy: float
    threshold: float
    classes: np.ndarray | None = None

    @property
    def labels(self) -> np.ndarray:
        """The label of each histogram bin."""
        return np.arange(len(self.histogram)) if self.classes is None else np.asarray(self.classes)

    def as_row(self) -> dict[str, float]:
        """Return the scores as a flat dict (for a table row): ``share_<label>`` per class."""
        return {
            "recognised": self.recognised,
            "class_entropy": self.entropy,
            **{f"share_{d}": c / self.n for d, c in zip(self.labels.tolist(), self.histogram)},
        }


def normalised_entropy(counts: np.ndarray) -> float:
    """Entropy of a histogram divided by ``log(len(counts))``: 1 = uniform, 0 = one bin.

    Examples
    --------
    >>> normalised_entropy(np.ones(10))
    1.0
    >>> normalised_entropy(np.array([5, 0, 0]))
    0.0
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or len(counts) < 2:
        raise ValueError(f"counts must be a 1-D histogram with at least 2 bins, got {counts.shape}")
    if (counts < 0).any() or not np.isfinite(counts).all() or counts.sum() <= 0:
        raise ValueError("counts must be finite, non-negative and not all zero")
    p = counts / counts.sum()
    nz = p[p > 0]
    h = -(nz * np.log(nz)).sum() / np.log(len(counts))
    return float(min(1.0, max(0.0, round(h, 12))))  # no 0.9999999999999998 for a uniform histogram


def judge_network(image_shape: Any = (28, 28, 1), n_classes: int = 10) -> keras.Model:
    """Build the judge's architecture (untrained): two conv blocks, a hidden layer, a softmax.

    For MNIST's 28×28 (the default) the convolutions are 5×5 without padding; for smaller images
    (at least 4×4, such as scikit-learn's 8×8 digits) they are 3×3 with padding. The layer before
    the softmax is named ``"hidden"`` (its activations are the judge's features).

    Examples
    --------
    >>> judge_network().output_shape
    (None, 10)
    >>> judge_network((8, 8), n_classes=3).output_shape
    (None, 3)
    """
    shape = as_image_shape(image_shape)
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    if len(shape) != 3 or min(shape[:2]) < 4:
        raise ValueError(f"image_shape must be (h, w) or (h, w, c) with h, w >= 4, got {image_shape!r}")
    small = min(shape[:2]) < 20
    kernel, padding, hidden = (3, "same", 64) if small else (5, "valid", 128)
    return keras.Sequential(
        [
            keras.Input(shape, name="image"),
            keras.layers.Conv2D(16, kernel, padding=padding, activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(name="pool1"),
            keras.layers.Conv2D(32, kernel, padding=padding, activation="relu", name="conv2"),
            keras.layers.MaxPooling2D(name="pool2"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(hidden, activation="relu", name="hidden"),
            keras.layers.Dropout(0.4, name="dropout"),
            keras.layers.Dense(n_classes, activation="softmax", name="digit"),
        ],
        name="judge",
    )


class Judge:
    """A trained image classifier with scoring helpers: for the book, MNIST's digit judge.

    Use :func:`ae_helpers.training.load_judge` for MNIST's, or
    :func:`ae_helpers.training.fit_judge` to fit one to any labelled image set.

    Parameters
    ----------
    model : keras.Model
        Images → class probabilities ``(n, n_classes)``.
    test_accuracy : float
        Its accuracy on held-out images.
    from_cache : bool
        Whether it was loaded from the model cache.
    classes : array-like, optional
        The label of each output, in order (default ``0 … n_classes - 1``): a judge fitted on
        labels ``{3, 7}`` has two outputs and ``classes == [3, 7]``.

    Examples
    --------
    >>> judge = Judge(judge_network((8, 8), n_classes=2), 1.0, False, classes=[3, 7])
    >>> judge.n_classes, judge.classes.tolist()
    (2, [3, 7])
    """

    def __init__(self, model: keras.Model, test_accuracy: float, from_cache: bool,
                 classes: Any = None) -> None:
        self.model = model
        self.test_accuracy = test_accuracy
        self.from_cache = from_cache
        n = int(model.output_shape[-1])
        if classes is None:
            self.classes = np.arange(n)
        else:
            self.classes = np.asarray(classes)
            if self.classes.shape != (n,) or len(np.unique(self.classes)) != n:
                raise ValueError(f"classes must be {n} distinct labels, one per output of the "
                                 f"model, got {self.classes.tolist()!r}")

    @property
    def n_classes(self) -> int:
        """Number of classes (10 for MNIST's digits)."""
        return int(self.model.output_shape[-1])

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities, shape ``(n, n_classes)`` in the order of ``classes``, for images in
        [0, 1] of the judge's shape."""
        return run_model(self.model, model_input(self.model, images), batch_size=1024)[0]

    def predict(self, images: np.ndarray) -> np.ndarray:
        """The predicted class of each image, shape ``(n,)``, as a label of ``classes``."""
        return self.classes[self.probabilities(images).argmax(axis=1)]

    def score(self, images: np.ndarray, *, threshold: float = DEFAULT_THRESHOLD) -> JudgeReport:
        """Judge a batch: share recognised, histogram of predictions, normalised entropy.

        Parameters
        ----------
        images : np.ndarray
            Images in [0, 1] of the judge's shape (``(n, 28, 28)``, flat or with a channel axis).
        threshold : float
            Confidence needed to count an image as recognised, in (0, 1].

        Examples
        --------
        >>> judge = load_judge()  # doctest: +SKIP
        >>> judge.score(x_test[:100]).recognised > 0.9  # doctest: +SKIP
        True
        """
        threshold = check_number(threshold, "threshold", minimum=1e-9, maximum=1.0)
        probs = self.probabilities(images)
        hist = np.bincount(probs.argmax(axis=1), minlength=self.n_classes)
        return JudgeReport(
            n=len(probs),
            recognised=float((probs.max(axis=1) >= threshold).mean()),
            histogram=hist,
            entropy=normalised_entropy(hist),
            threshold=float(threshold),
            classes=self.classes,
        )


def classes_of(judge: Any, n_outputs: int) -> np.ndarray:
    """The labels of a judge's outputs: its ``classes``, else ``0 … n_outputs - 1``.

    Examples
    --------
    >>> classes_of(object(), 3).tolist()
    [0, 1, 2]
    """
    classes = getattr(judge, "classes", None)
    if classes is None:
        return np.arange(n_outputs)
    classes = np.asarray(classes)
    if classes.shape != (n_outputs,):
        raise ValueError(f"the judge's classes {classes.tolist()!r} do not match its "
                         f"{n_outputs} outputs")
    return classes


def accuracy_on(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> float:
    """The share of ``images`` whose most probable class under ``model`` is their label (labels
    as output positions ``0 … n_classes - 1``).

    Examples
    --------
    >>> accuracy_on(judge_network(), np.zeros((4, 28, 28, 1), "float32"), np.zeros(4, int)) in (0.0, 1.0)
    True
    """
    probabilities = run_model(model, model_input(model, images), batch_size=500)[0]
    return float((probabilities.argmax(axis=1) == np.asarray(labels)).mean())
