"""Baselines that are not autoencoders: a pixel-independent model, random pixels, and PCA.

Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``), where the pixel model and random pixels
show why generating images pixel by pixel fails, and used in chapter 1 (``book/01_compression.ipynb``),
where PCA is the linear rival of the autoencoder's code.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np

from .._checks import as_images, check_int, check_number, check_seed

Kind = Literal["bernoulli", "gaussian"]


@dataclasses.dataclass(frozen=True)
class PixelModel:
    """A naive-Bayes image model: a class prior and, per class, independent pixel distributions.

    Make one with :func:`fit_pixel_model`.

    Attributes
    ----------
    kind : {"bernoulli", "gaussian"}
        ``"bernoulli"``: each pixel is ink (1) with probability ``means[c, i]``, else paper (0).
        ``"gaussian"``: each pixel is drawn from a normal distribution with mean ``means[c, i]``
        and standard deviation ``stds[c, i]``, clipped to
        [0, 1].
    classes : np.ndarray
        The class labels, shape ``(k,)``.
    priors : np.ndarray
        Share of each class in the training data, shape ``(k,)``.
    means : np.ndarray
        Per-class pixel means (ink probabilities for Bernoulli), shape ``(k, 784)``.
    stds : np.ndarray
        Per-class pixel standard deviations, shape ``(k, 784)`` (zeros for Bernoulli).
    """

    kind: Kind
    classes: np.ndarray
    priors: np.ndarray
    means: np.ndarray
    stds: np.ndarray

    def sample(
        self, n: int, *, digit: int | None = None, seed: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` images, every pixel on its own given the class.

        Parameters
        ----------
        n : int
            Number of images.
        digit : int, optional
            Draw every image from this class; by default each image's class is drawn from the prior.
        seed : int
            Seed of the draw.

        Returns
        -------
        (images, labels)
            ``images`` float32 in [0, 1], shape ``(n, 784)``; ``labels`` the class of each, ``(n,)``.

        Raises
        ------
        ValueError
            If ``n < 1`` or ``digit`` is not one of the fitted classes.

        Examples
        --------
        >>> x = np.zeros((4, 784), "float32"); x[2:, :392] = 1.0
        >>> model = fit_pixel_model(x, np.array([0, 0, 1, 1]), smoothing=0.0)
        >>> images, labels = model.sample(3, digit=1)
        >>> labels.tolist(), float(images[:, :392].mean()), float(images[:, 392:].mean())
        ([1, 1, 1], 1.0, 0.0)
        """
        n = check_int(n, "n")
        rng = np.random.default_rng(check_seed(seed))
        if digit is None:
            rows = rng.choice(len(self.classes), size=n, p=self.priors)
        else:
            matches = np.flatnonzero(self.classes == digit)
            if len(matches) != 1:
                raise ValueError(f"digit must be one of {self.classes.tolist()}, got {digit!r}")
            rows = np.full(n, matches[0])
        means = self.means[rows]
        if self.kind == "bernoulli":
            images = (rng.random(means.shape) < means).astype(np.float32)
        else:
            images = np.clip(means + self.stds[rows] * rng.standard_normal(means.shape), 0.0, 1.0)
        return images.astype(np.float32), self.classes[rows]


def fit_pixel_model(
    images: np.ndarray,
    labels: np.ndarray,
    *,
    kind: Kind = "bernoulli",
    threshold: float = 0.5,
    smoothing: float = 1.0,
) -> PixelModel:
    """Fit a naive-Bayes pixel model: per class, each pixel's own distribution, nothing shared.

    Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``).

    Parameters
    ----------
    images : np.ndarray
        Training images in [0, 1], ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)``.
    labels : np.ndarray
        Integer class of each image, shape ``(n,)``.
    kind : {"bernoulli", "gaussian"}
        ``"bernoulli"`` binarises the pixels at ``threshold`` and fits ink probabilities;
        ``"gaussian"`` fits a mean and a standard deviation per pixel.
    threshold : float
        Binarisation threshold for ``"bernoulli"``.
    smoothing : float
        Laplace smoothing for ``"bernoulli"``: ``(ink + s) / (count + 2 s)``, so that no pixel is
        certain. 0 turns it off.

    Returns
    -------
    PixelModel

    Raises
    ------
    ValueError
        If labels and images disagree in number, ``kind`` is unknown or ``smoothing < 0``.

    Examples
    --------
    >>> x = np.random.default_rng(0).random((20, 784)).astype("float32")
    >>> model = fit_pixel_model(x, np.arange(20) % 2)
    >>> model.means.shape, model.priors.tolist()
    ((2, 784), [0.5, 0.5])
    """
    x = as_images(images, layout="flat")
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(f"labels must have shape ({len(x)},), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {y.dtype}")
    if kind not in ("bernoulli", "gaussian"):
        raise ValueError(f"kind must be 'bernoulli' or 'gaussian', got {kind!r}")
    threshold = check_number(threshold, "threshold", minimum=0.0, maximum=1.0)
    smoothing = check_number(smoothing, "smoothing", minimum=0.0)
    classes, counts = np.unique(y, return_counts=True)
    means = np.empty((len(classes), x.shape[1]), dtype=np.float64)
    stds = np.zeros_like(means)
    for i, c in enumerate(classes):
        xc = x[y == c]
        if kind == "bernoulli":
            ink = (xc > threshold).sum(axis=0)
            means[i] = (ink + smoothing) / (len(xc) + 2 * smoothing)
        else:
            means[i] = xc.mean(axis=0)
            stds[i] = xc.std(axis=0)
    return PixelModel(kind, classes, counts / counts.sum(), means, stds)


def uniform_pixels(n: int, *, seed: int = 0) -> np.ndarray:
    """Return ``n`` images whose pixels are independent and uniform on [0, 1]: random points of pixel space.

    Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``).

    Examples
    --------
    >>> x = uniform_pixels(100)
    >>> x.shape, x.dtype, 0.45 < float(x.mean()) < 0.55
    ((100, 784), dtype('float32'), True)
    """
    n = check_int(n, "n")
    return np.random.default_rng(check_seed(seed)).random((n, 784), dtype=np.float32)


class PCABaseline:
    """PCA as a linear encoder/decoder pair: 784 pixels → M coefficients → 784 pixels.

    Introduced in chapter 1 (``book/01_compression.ipynb``). Make one with :func:`fit_pca`.

    Attributes
    ----------
    n_components : int
        M, the size of the code.
    pca : sklearn.decomposition.PCA
        The fitted scikit-learn model.
    """

    def __init__(self, pca: object) -> None:
        self.pca = pca
        self.n_components = int(pca.n_components_)

    def encode(self, images: np.ndarray) -> np.ndarray:
        """The M coefficients of each image, shape ``(n, M)``."""
        return self.pca.transform(as_images(images, layout="flat")).astype(np.float32)

    def decode(self, codes: np.ndarray, *, clip: bool = True) -> np.ndarray:
        """Images ``(n, 784)`` from codes ``(n, M)``; clipped to [0, 1] unless ``clip=False``.

        Clipping can only bring a reconstruction closer to an image in [0, 1], so it is fair to
        PCA when its error is compared with an autoencoder's sigmoid output.
        """
        codes = np.asarray(codes, dtype=np.float64)
        if codes.ndim != 2 or codes.shape[1] != self.n_components:
            raise ValueError(f"codes must have shape (n, {self.n_components}), got {codes.shape}")
        out = self.pca.inverse_transform(codes)
        return (np.clip(out, 0.0, 1.0) if clip else out).astype(np.float32)

    def reconstruct(self, images: np.ndarray, *, clip: bool = True) -> np.ndarray:
        """Encode then decode: the best M-dimensional linear reconstruction, ``(n, 784)``."""
        return self.decode(self.encode(images), clip=clip)


def fit_pca(images: np.ndarray, n_components: int, *, seed: int = 0) -> PCABaseline:
    """Fit PCA with ``n_components`` components on training images.

    Introduced in chapter 1 (``book/01_compression.ipynb``).

    Parameters
    ----------
    images : np.ndarray
        Training images in [0, 1], any of the three MNIST layouts.
    n_components : int
        M, between 1 and min(n images, 784).
    seed : int
        Seed of scikit-learn's randomised solver (used only by scikit-learn < 1.5).

    Returns
    -------
    PCABaseline

    Raises
    ------
    ValueError
        If ``n_components`` is out of range.

    Examples
    --------
    >>> x = np.random.default_rng(0).random((50, 784)).astype("float32")
    >>> pca = fit_pca(x, 4)
    >>> pca.encode(x).shape, pca.reconstruct(x).shape
    ((50, 4), (50, 784))
    """
    from sklearn.decomposition import PCA

    seed = check_seed(seed)
    x = as_images(images, layout="flat")
    m = check_int(n_components, "n_components")
    if m > min(x.shape):
        raise ValueError(f"n_components must be <= {min(x.shape)} for {len(x)} images, got {m}")
    try:  # eigenvectors of the 784 x 784 covariance: fast when images outnumber pixels
        pca = PCA(n_components=m, svd_solver="covariance_eigh", random_state=seed).fit(x)
    except ValueError:  # scikit-learn < 1.5 has no such solver
        pca = PCA(n_components=m, random_state=seed).fit(x)
    return PCABaseline(pca)
