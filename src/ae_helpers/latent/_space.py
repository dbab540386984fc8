"""Working in a latent space: encode, decode, boxes, grids, sampling, neighbourhoods, interpolation.

Introduced in chapter 2 (``book/02_detached_decoder.ipynb``), where the decoder is detached and fed
latent points of our own, and used by chapters 3 (``book/03_latent_holes.ipynb``) and 4 (the VAE).

Every function works for any latent size ``d`` where that makes sense (sampling, neighbourhoods,
interpolation) and raises a clear :class:`ValueError` where it does not (a 2-D grid of a 16-D space).
Encoders and decoders are any Keras models: a decoder maps ``(n, d)`` codes to images in [0, 1]; an
encoder maps images to ``(n, d)`` codes, or to a list whose first entry is the code (a VAE encoder's
``[mean, log_var]``: the mean is used).

Latent points are NumPy ``float32`` arrays of shape ``(n, d)``; randomness comes from
``np.random.default_rng(check_seed(seed))``, so the same seed gives the same points on every backend.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from .._checks import (
    check_codes,
    check_encoder,
    check_int,
    check_memory,
    check_number,
    check_point,
    check_seed,
)
from ..models import latent_dim_of, model_input, model_output, run_model

Spacing = Literal["box", "gaussian"]


# --------------------------------------------------------------------------- encode / decode


def _run(model: Any, x: np.ndarray, batch_size: int) -> np.ndarray:
    """The model's (first) output on ``x``, by plain batched calls (see :func:`ae_helpers.models.run_model`)."""
    return run_model(model, x, batch_size=check_int(batch_size, "batch_size"))[0]


def encode(encoder: Any, images: Any, *, batch_size: int = 1000) -> np.ndarray:
    """Encode images into latent codes, shape ``(n, d)`` float32.

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``).

    Parameters
    ----------
    encoder : keras.Model
        Maps images to codes. Images are reshaped to the encoder's input shape (flat ``(784,)`` or
        ``(28, 28, 1)`` and so on). If it returns a list or tuple (a VAE encoder's
        ``[mean, log_var]``), the first entry is the code.
    images : array-like
        ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)`` floats in [0, 1].
    batch_size : int
        Images per forward pass.

    Raises
    ------
    TypeError
        If ``encoder`` is a whole autoencoder or VAE (pass ``encoder_of(model)`` or
        ``vae.encoder``): its outputs are images, not codes.

    Examples
    --------
    >>> from ae_helpers.models import dense_encoder
    >>> encode(dense_encoder(2, hidden=(8,)), np.zeros((5, 28, 28), "float32")).shape
    (5, 2)
    """
    check_encoder(encoder)
    x = model_input(encoder, images)
    out = _run(encoder, x, batch_size)
    return check_codes(out, "the encoder's output")


def decode(decoder: Any, codes: Any, *, batch_size: int = 1000) -> np.ndarray:
    """Decode latent points into images ``(n, 28, 28)`` in [0, 1] (clipped).

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``).

    Raises
    ------
    ValueError
        If ``codes`` is not ``(n, d)`` with ``d`` the decoder's latent size, or not finite.

    Examples
    --------
    >>> from ae_helpers.models import dense_decoder
    >>> decode(dense_decoder(2, hidden=(8,)), np.zeros((3, 2))).shape
    (3, 28, 28)
    """
    z = check_codes(codes, dim=latent_dim_of(decoder))
    out = _run(decoder, z, batch_size)
    return model_output(decoder, out)


# --------------------------------------------------------------------------- boxes


@dataclasses.dataclass(frozen=True)
class Box:
    """An axis-aligned box in latent space: ``low[i] <= z[i] <= high[i]``.

    Attributes
    ----------
    low, high : np.ndarray
        Corners, shape ``(d,)``, ``low < high`` in every dimension.
    """

    low: np.ndarray
    high: np.ndarray

    def __post_init__(self) -> None:
        low, high = check_point(self.low, "low"), check_point(self.high, "high")
        if low.shape != high.shape:
            raise ValueError(f"low and high differ in size: {low.shape} vs {high.shape}")
        if not (low < high).all():
            raise ValueError(f"the box needs low < high in every dimension, got {low} and {high}")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    @property
    def dim(self) -> int:
        """The latent size ``d``."""
        return len(self.low)

    @property
    def volume(self) -> float:
        """Area (2-D) or volume of the box."""
        return float(np.prod(self.high.astype(np.float64) - self.low))

    def contains(self, codes: Any) -> np.ndarray:
        """Boolean mask, shape ``(n,)``: which points lie inside the box."""
        z = check_codes(codes, dim=self.dim)
        return ((z >= self.low) & (z <= self.high)).all(axis=1)


def bounding_box(codes: Any, *, margin: float = 0.0, quantile: float = 0.0) -> Box:
    """The smallest axis-aligned box around a set of codes (optionally trimmed or padded).

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``).

    Parameters
    ----------
    codes : array-like
        Latent codes ``(n, d)``, for example the encoded training set.
    margin : float
        Pad each side by this fraction of the box's width (0.1 = 10 %).
    quantile : float
        Use the ``quantile`` and ``1 - quantile`` quantiles instead of min and max, so that a few
        outlying codes do not stretch the box (0.01 drops 1 % on each side), in [0, 0.5).

    Examples
    --------
    >>> box = bounding_box([[0.0, 1.0], [2.0, 3.0], [1.0, 2.0]])
    >>> box.low.tolist(), box.high.tolist(), box.volume
    ([0.0, 1.0], [2.0, 3.0], 4.0)
    """
    z = check_codes(codes)
    quantile = check_number(quantile, "quantile", minimum=0.0, maximum=0.4999)
    margin = check_number(margin, "margin", minimum=0.0)
    low = np.quantile(z, quantile, axis=0) if quantile else z.min(axis=0)
    high = np.quantile(z, 1 - quantile, axis=0) if quantile else z.max(axis=0)
    pad = (high - low) * margin
    if (high - low <= 0).any():
        raise ValueError("the codes do not spread in every dimension: the box would be flat")
    return Box(low - pad, high + pad)


# --------------------------------------------------------------------------- grids


@dataclasses.dataclass(frozen=True)
class LatentGrid:
    """An ``n × n`` grid of 2-D latent points and their decoded images.

    Attributes
    ----------
    z1, z2 : np.ndarray
        The grid's coordinates, shape ``(n,)``; ``z1`` left to right, ``z2`` top (largest) to bottom.
    codes : np.ndarray
        The points in row-major order (top row first), shape ``(n * n, 2)``.
    images : np.ndarray
        Decoded images, shape ``(n * n, 28, 28)``, same order.
    spacing : str
        ``"box"`` (even steps) or ``"gaussian"`` (even steps of N(0, 1) probability).
    """

    z1: np.ndarray
    z2: np.ndarray
    codes: np.ndarray
    images: np.ndarray
    spacing: str

    @property
    def n(self) -> int:
        """Points per side."""
        return len(self.z1)


def grid_points(
    *,
    n: int = 15,
    box: Box | None = None,
    span: float | None = None,
    center: Sequence[float] = (0.0, 0.0),
    spacing: Spacing = "box",
    low: float = 0.05,
    high: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The coordinates of an ``n × n`` grid in a 2-D latent space: ``(z1, z2, codes)``.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Parameters
    ----------
    n : int
        Points per side (>= 2).
    box : Box, optional
        ``spacing="box"``: the grid spans this 2-D box, corners included.
    span : float, optional
        ``spacing="box"`` without ``box``: the grid spans ``center ± span`` (default span 3).
    center : pair of float
        Middle of the grid (``span`` and ``"gaussian"`` spacing).
    spacing : {"box", "gaussian"}
        ``"box"``: evenly spaced. ``"gaussian"``: at the quantiles ``low … high`` of N(0, 1),
        shifted to ``center``, so that each cell holds the same standard-normal probability (the
        grid a VAE's prior asks for).
    low, high : float
        Probabilities of the first and last Gaussian quantile, ``0 < low < high < 1``.

    Returns
    -------
    z1 : np.ndarray
        ``(n,)`` left to right.
    z2 : np.ndarray
        ``(n,)`` top (largest) to bottom.
    codes : np.ndarray
        ``(n * n, 2)`` in row-major order, top row first.

    Examples
    --------
    >>> z1, z2, codes = grid_points(n=3, span=1.0)
    >>> z1.tolist(), z2.tolist(), codes[:2].tolist()
    ([-1.0, 0.0, 1.0], [1.0, 0.0, -1.0], [[-1.0, 1.0], [0.0, 1.0]])
    >>> [round(float(q), 3) for q in grid_points(n=3, spacing="gaussian", low=0.1, high=0.9)[0]]
    [-1.282, 0.0, 1.282]
    """
    n = check_int(n, "n", minimum=2)
    check_memory(n * n * 2 * 4, f"a grid of n={n} points per side")
    c = check_point(center, "center")
    if c.shape != (2,):
        raise ValueError(f"center must be two numbers, got {center!r}")
    if spacing == "box":
        if box is not None and span is not None:
            raise ValueError("give box or span, not both")
        if box is not None:
            if box.dim != 2:
                raise ValueError(f"a grid needs a 2-D box; this box has {box.dim} dimensions")
            lo, hi = box.low, box.high
        else:
            s = 3.0 if span is None else check_number(span, "span", positive=True)
            lo, hi = c - s, c + s
        z1 = np.linspace(lo[0], hi[0], n, dtype=np.float32)
        z2 = np.linspace(hi[1], lo[1], n, dtype=np.float32)
    elif spacing == "gaussian":
        if box is not None or span is not None:
            raise ValueError("spacing='gaussian' is set by low/high quantiles; do not give box or span")
        low, high = check_number(low, "low"), check_number(high, "high")
        if not 0.0 < low < high < 1.0:
            raise ValueError(f"need 0 < low < high < 1 (probabilities), got low={low}, high={high}")
        normal = statistics.NormalDist()
        q = np.array([normal.inv_cdf(p) for p in np.linspace(low, high, n)], dtype=np.float32)
        z1, z2 = q + c[0], q[::-1] + c[1]
    else:
        raise ValueError(f"spacing must be 'box' or 'gaussian', got {spacing!r}")
    codes = np.stack(np.meshgrid(z1, z2), axis=-1).reshape(-1, 2).astype(np.float32)
    return z1, z2, codes


def latent_grid(
    decoder: Any,
    *,
    n: int = 15,
    spacing: Spacing = "box",
    box: Box | None = None,
    span: float | None = None,
    center: Sequence[float] = (0.0, 0.0),
    low: float = 0.05,
    high: float = 0.95,
) -> LatentGrid:
    """Decode an ``n × n`` grid of points of a 2-D latent space.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``). Arguments as in :func:`grid_points`.

    Raises
    ------
    ValueError
        If the decoder's latent space is not 2-D (a grid of a 16-D space is not a picture; decode
        :func:`sample_box` points instead), or the grid arguments are invalid.

    Examples
    --------
    >>> from ae_helpers.models import dense_decoder
    >>> grid = latent_grid(dense_decoder(2, hidden=(8,)), n=4, span=2.0)
    >>> grid.images.shape, grid.codes.shape
    ((16, 28, 28), (16, 2))
    """
    d = latent_dim_of(decoder)
    if d != 2:
        raise ValueError(
            f"a latent grid needs a 2-D latent space; this decoder takes {d}-D codes "
            "(sample points with sample_box/sample_normal instead)"
        )
    n = check_int(n, "n", minimum=2)
    out = getattr(decoder, "output_shape", None)
    per_image = int(np.prod(out[1:])) if isinstance(out, tuple) and None not in out[1:] else 784
    check_memory(n * n * (2 + 2 * per_image) * 4, f"latent_grid(n={n}) ({n * n} decoded images)")
    z1, z2, codes = grid_points(n=n, box=box, span=span, center=center, spacing=spacing,
                                low=low, high=high)
    return LatentGrid(z1, z2, codes, decode(decoder, codes), spacing)


# --------------------------------------------------------------------------- sampling


def sample_box(box: Box, n: int, *, seed: int = 0) -> np.ndarray:
    """``n`` points drawn uniformly from a box, shape ``(n, d)``.

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``).

    Examples
    --------
    >>> z = sample_box(Box([0.0, 0.0], [1.0, 2.0]), 100)
    >>> z.shape, bool((z[:, 1] <= 2).all() and (z >= 0).all())
    ((100, 2), True)
    """
    if not isinstance(box, Box):
        raise TypeError(f"box must be a Box (see bounding_box), got {type(box).__name__}")
    rng = np.random.default_rng(check_seed(seed))
    n = check_int(n, "n")
    check_memory(n * box.dim * 12, f"sample_box(n={n})")
    u = rng.random((n, box.dim))
    return (box.low + u * (box.high - box.low)).astype(np.float32)


def sample_normal(n: int, latent_dim: int, *, seed: int = 0, scale: float = 1.0) -> np.ndarray:
    """``n`` points from ``N(0, scale² I)``, shape ``(n, latent_dim)`` — a VAE's prior for scale 1.

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``).

    Examples
    --------
    >>> sample_normal(4, 3).shape
    (4, 3)
    """
    scale = check_number(scale, "scale", positive=True)
    rng = np.random.default_rng(check_seed(seed))
    n, latent_dim = check_int(n, "n"), check_int(latent_dim, "latent_dim")
    check_memory(n * latent_dim * 12, f"sample_normal(n={n}, latent_dim={latent_dim})")
    z = rng.standard_normal((n, latent_dim)) * scale
    return z.astype(np.float32)


def sample_near(
    codes: Any, n: int, *, sigma: float = 0.1, relative: bool = True, seed: int = 0
) -> np.ndarray:
    """``n`` points near real codes: a randomly chosen code plus a small Gaussian step.

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``).

    Parameters
    ----------
    codes : array-like
        Real codes ``(m, d)``, for example encoded test digits.
    n : int
        How many points.
    sigma : float
        Standard deviation of the step. With ``relative=True`` (default) it is a fraction of the
        codes' spread in each dimension (``sigma * codes.std(axis=0)``), so that the same number
        means "equally near" in a latent space of any scale (an AE's or a VAE's).
    seed : int
        Seed of the choice and the steps.

    Examples
    --------
    >>> z = sample_near(np.zeros((3, 2)) + [[0], [1], [2]], 5, sigma=0.0)
    >>> z.shape, sorted(set(z[:, 0].tolist())) <= [0.0, 1.0, 2.0]
    ((5, 2), True)
    """
    z = check_codes(codes)
    sigma = check_number(sigma, "sigma", minimum=0.0)
    rng = np.random.default_rng(check_seed(seed))
    n = check_int(n, "n")
    check_memory(n * z.shape[1] * 12, f"sample_near(n={n})")
    base = z[rng.integers(0, len(z), n)]
    step = sigma * (z.std(axis=0) if relative else 1.0)
    return (base + rng.standard_normal(base.shape) * step).astype(np.float32)


def code_scale(codes: Any) -> float:
    """The size of a cloud of codes: the root-mean-square distance of the codes from their mean.

    Used to express distances in latent spaces of different scales and sizes in one unit: a step
    of ``0.1 * code_scale(codes)`` is "a tenth of the cloud's radius" for an AE's or a VAE's codes,
    in 2 or in 16 dimensions.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Examples
    --------
    >>> code_scale([[0.0, 0.0], [2.0, 0.0]])
    1.0
    """
    z = check_codes(codes).astype(np.float64)
    return float(np.sqrt(z.var(axis=0).sum()))


def neighbourhood(anchor: Any, radii: Sequence[float], *, n: int = 16, seed: int = 0) -> np.ndarray:
    """Points at exactly the given distances from an anchor, in random directions.

    For each radius ``r``, ``n`` points ``anchor + r * u`` with ``u`` uniform on the unit sphere
    (a circle in 2-D; evenly spaced around it there, starting at a random angle).

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Parameters
    ----------
    anchor : array-like
        A latent point, shape ``(d,)``.
    radii : sequence of float
        Non-negative distances.
    n : int
        Points per radius.

    Returns
    -------
    np.ndarray
        Shape ``(len(radii), n, d)``.

    Examples
    --------
    >>> pts = neighbourhood([1.0, 2.0], [0.5, 2.0], n=8)
    >>> pts.shape, np.linalg.norm(pts - [1.0, 2.0], axis=-1).mean(axis=1).round(4).tolist()
    ((2, 8, 2), [0.5, 2.0])
    """
    a = check_point(anchor, "anchor")
    r = np.asarray(radii, dtype=np.float64).ravel()
    if r.size == 0 or not np.isfinite(r).all() or (r < 0).any():
        raise ValueError(f"radii must be non-negative finite numbers, got {radii!r}")
    n = check_int(n, "n")
    check_memory(len(r) * n * len(a) * 16, f"neighbourhood(n={n}) of {len(r)} radii")
    rng = np.random.default_rng(check_seed(seed))
    if len(a) == 1:
        u = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)[:, None]
        dirs = np.broadcast_to(u, (len(r), n, 1))
    elif len(a) == 2:
        start = rng.random((len(r), 1)) * 2 * np.pi
        angles = start + np.arange(n) * 2 * np.pi / n
        dirs = np.stack([np.cos(angles), np.sin(angles)], axis=-1)
    else:
        g = rng.standard_normal((len(r), n, len(a)))
        dirs = g / np.linalg.norm(g, axis=-1, keepdims=True)
    return (a + r[:, None, None] * dirs).astype(np.float32)


def interpolate(start: Any, end: Any, steps: int = 10) -> np.ndarray:
    """Points on the straight line from ``start`` to ``end`` (both included), shape ``(steps, d)``.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Examples
    --------
    >>> interpolate([0.0, 0.0], [1.0, 2.0], 3).tolist()
    [[0.0, 0.0], [0.5, 1.0], [1.0, 2.0]]
    """
    a, b = check_point(start, "start"), check_point(end, "end")
    if a.shape != b.shape:
        raise ValueError(f"start and end differ in size: {a.shape} vs {b.shape}")
    steps = check_int(steps, "steps", minimum=2)
    check_memory(steps * len(a) * 8, f"interpolate(steps={steps})")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return ((1 - t) * a + t * b).astype(np.float32)
