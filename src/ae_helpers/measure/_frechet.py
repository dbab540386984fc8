"""The Fréchet distance between two sets of images, measured in the judge's feature space.

Introduced in chapter 6 (``book/06_likelihood.ipynb``).

Each image is mapped to the judge's penultimate layer (the 128 ReLU units before its softmax). Each
set of features is summarised by its mean ``mu`` and covariance ``S``, and the two Gaussians with
those moments are compared with the Fréchet (2-Wasserstein) distance

    ``d^2 = |mu_1 - mu_2|^2 + Tr(S_1 + S_2 - 2 (S_1 S_2)^(1/2))``,

the recipe of the FID (Heusel et al. 2017) with our MNIST judge in place of the Inception network.
It is 0 for identical moments and grows both when samples look unlike the test images (the means
move) and when they vary too little or too much (the covariances differ). Only the sizes of
differences on one judge and one sample size can be compared: the value depends on both.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from .._checks import check_int
from ..models import model_input

#: The judge's layer whose outputs are the features.
FEATURE_LAYER = "hidden"


def judge_features(judge: Any, images: Any, *, batch_size: int = 1000) -> np.ndarray:
    """The judge's penultimate-layer activations for ``images``: ``(n, 128)`` float64.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    judge : ae_helpers.measure.Judge or keras.Model
        The judge (from :func:`ae_helpers.training.load_judge`) or its Keras model; the layers up to and
        including the one named ``"hidden"`` are applied.
    images : array-like
        Images in [0, 1] of the judge's shape (for MNIST's: ``(n, 28, 28)``, flat or with a channel).
    batch_size : int
        Images per call.

    Returns
    -------
    np.ndarray
        ``(n, units of the hidden layer)``.

    Raises
    ------
    TypeError
        If ``judge`` is neither a judge nor a Keras model.
    ValueError
        If the model has no layer named ``"hidden"`` or the images have the wrong size.

    Examples
    --------
    >>> from ae_helpers.measure import judge_network
    >>> judge_features(judge_network(), np.zeros((3, 784), "float32")).shape
    (3, 128)
    """
    model = getattr(judge, "model", judge)
    if not isinstance(model, keras.Model):
        raise TypeError(f"judge must be a Judge or a keras.Model, got {type(judge).__name__}")
    names = [layer.name for layer in model.layers]
    if FEATURE_LAYER not in names:
        raise ValueError(f"judge has no layer named {FEATURE_LAYER!r}; its layers are {names}")
    layers = model.layers[: names.index(FEATURE_LAYER) + 1]
    x = model_input(model, images)
    batch_size = check_int(batch_size, "batch_size")
    parts = []
    for start in range(0, len(x), batch_size):
        h = x[start : start + batch_size]
        for layer in layers:
            h = layer(h, training=False)
        parts.append(np.asarray(keras.ops.convert_to_numpy(h), dtype=np.float64))
    return np.concatenate(parts)


def _moments(features: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    f = np.asarray(features, dtype=np.float64)
    if f.ndim != 2 or len(f) < 2:
        raise ValueError(f"{name} must be a 2-D array of at least 2 feature vectors, got shape {f.shape}")
    if not np.isfinite(f).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return f.mean(axis=0), np.cov(f, rowvar=False)


def frechet_distance(features_a: Any, features_b: Any) -> float:
    """Squared Fréchet distance between Gaussians fitted to two sets of feature vectors.

    ``|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))``; the trace of the matrix square root is
    taken as the sum of the square roots of the eigenvalues of ``S_a^(1/2) S_b S_a^(1/2)`` (symmetric,
    so ``numpy.linalg.eigh`` suffices; tiny negative round-off eigenvalues count as 0).

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    features_a, features_b : array-like
        ``(n_a, f)`` and ``(n_b, f)``, at least 2 rows each.

    Returns
    -------
    float
        ``>= 0``; 0 when both sets have the same mean and covariance.

    Raises
    ------
    ValueError
        If the feature sizes differ, or a set has fewer than two rows or non-finite values.

    Examples
    --------
    Two Gaussians with identity covariance: the distance is the squared distance of the means.

    >>> rng = np.random.default_rng(0)
    >>> a = rng.standard_normal((20000, 2))
    >>> round(frechet_distance(a, a + [3.0, 0.0]), 3)
    9.0
    >>> round(frechet_distance(a, 2 * a), 1)  # same mean; standard deviation 1 against 2: 2 (2 - 1)^2
    2.0
    """
    mu_a, s_a = _moments(features_a, "features_a")
    mu_b, s_b = _moments(features_b, "features_b")
    if mu_a.shape != mu_b.shape:
        raise ValueError(
            f"features_a and features_b must have the same number of features, got "
            f"{mu_a.shape[0]} and {mu_b.shape[0]}"
        )
    s_a, s_b = np.atleast_2d(s_a), np.atleast_2d(s_b)
    vals, vecs = np.linalg.eigh(s_a)
    root_a = (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T
    middle = root_a @ s_b @ root_a
    cross = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0.0, None)).sum()
    d2 = float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2.0 * cross)
    return max(0.0, d2)


def judge_frechet(judge: Any, images_a: Any, images_b: Any) -> float:
    """Fréchet distance between two sets of images on the judge's penultimate-layer features.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    judge : ae_helpers.measure.Judge or keras.Model
        See :func:`judge_features`.
    images_a, images_b : array-like
        Two batches of images in [0, 1] (for example samples and test images).

    Returns
    -------
    float
        See :func:`frechet_distance`.

    Examples
    --------
    >>> from ae_helpers.measure import judge_network
    >>> x = np.random.default_rng(0).random((50, 784)).astype("float32")
    >>> round(judge_frechet(judge_network(), x, x), 6)
    0.0
    """
    return frechet_distance(judge_features(judge, images_a), judge_features(judge, images_b))
