"""The generation numbers every chapter compares: one report per decoder, one table for several.

Introduced in chapter 2 (``book/02_detached_decoder.ipynb``); chapter 3 (``book/03_latent_holes.ipynb``)
reads the holes, the per-digit area and the neighbourhood numbers from the same report, and chapter 4
(the VAE) calls :func:`generation_report` on the VAE's decoder with the same arguments, so the
autoencoder and the VAE are compared with identical numbers.

What :func:`generation_report` measures, for any decoder (``(n, d)`` codes → images in [0, 1]):

* **Ways of picking latent points** (``report.picks``, each a :class:`~ae_helpers.measure.JudgeReport`):
  ``"box"`` uniform over the bounding box of the reference codes, ``"normal"`` from N(0, I),
  ``"near"`` small Gaussian steps from real codes; and two references: ``"recon"`` the reference
  codes themselves, decoded (reconstructions, when the codes are encoded real images: the
  decoder's own ceiling), and ``"real"`` the real images when given (the judge's ceiling). Each has the share the judge recognises and the normalised entropy of
  its digit histogram (1 = all ten digits equally often).
* **Holes** (2-D latent spaces only): the share of an evenly spaced grid over the bounding box whose
  decoded images the judge does not recognise, and how the recognised area is shared among digits.
* **Neighbourhoods**: around real codes (anchors), points at growing distances — measured in units of
  the code cloud's radius (:func:`ae_helpers.latent.code_scale`), so an AE and a VAE are
  compared at equal relative steps — and how often the judge's label differs from the anchor's, and how far the
  image moves (root-mean-square pixel difference).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._checks import (
    as_images,
    check_codes,
    check_int,
    check_number,
    check_numbers,
    check_seed,
)
from ..latent import (
    Box,
    bounding_box,
    code_scale,
    decode,
    grid_points,
    neighbourhood,
    sample_box,
    sample_near,
    sample_normal,
)
from ..models import latent_dim_of
from ._judge import DEFAULT_THRESHOLD, JudgeReport, classes_of, normalised_entropy

PICKS = ("real", "recon", "box", "normal", "near")
"""The ways of picking latent points, in table order (``"real"`` only when real images are given)."""

DEFAULT_RADII = (0.01, 0.02, 0.05, 0.1, 0.2, 0.4)
"""Neighbourhood radii, as fractions of the code cloud's radius (:func:`~ae_helpers.latent.code_scale`)."""


@dataclasses.dataclass(frozen=True)
class NeighbourhoodProfile:
    """How decoded images change around anchor points, radius by radius.

    Attributes
    ----------
    radii : np.ndarray
        Distances from the anchor in latent units, shape ``(R,)``.
    anchors : np.ndarray
        The anchor codes, shape ``(k, d)``.
    anchor_labels : np.ndarray
        The judge's digit for each anchor's decoded image, shape ``(k,)``.
    label_change : np.ndarray
        Share of the points at each radius whose judged digit differs from the anchor's, ``(k, R)``.
    pixel_change : np.ndarray
        Mean root-mean-square pixel difference (in [0, 1]) to the anchor's image, ``(k, R)``.
    recognised : np.ndarray
        Share of the points at each radius that the judge recognises, ``(k, R)``.
    """

    radii: np.ndarray
    anchors: np.ndarray
    anchor_labels: np.ndarray
    label_change: np.ndarray
    pixel_change: np.ndarray
    recognised: np.ndarray

    @property
    def mean_label_change(self) -> np.ndarray:
        """Label-change rate at each radius, averaged over the anchors, ``(R,)``."""
        return self.label_change.mean(axis=0)

    @property
    def mean_pixel_change(self) -> np.ndarray:
        """Pixel change at each radius, averaged over the anchors, ``(R,)``."""
        return self.pixel_change.mean(axis=0)


def neighbourhood_profile(
    decoder: Any,
    judge: Any,
    anchors: Any,
    radii: Sequence[float],
    *,
    n: int = 16,
    seed: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
) -> NeighbourhoodProfile:
    """Decode points at the given distances around each anchor and measure how the image changes.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Parameters
    ----------
    decoder : keras.Model
        ``(n, d)`` codes → images in [0, 1].
    judge : ae_helpers.measure.Judge
        Anything with ``probabilities(images) -> (n, n_classes)`` (and, optionally, ``classes``:
        the label of each output).
    anchors : array-like
        One code ``(d,)`` or several ``(k, d)``.
    radii : sequence of float
        Distances in latent units (not relative).
    n : int
        Points per radius and anchor.
    seed : int
        Seed of the directions.
    threshold : float
        Judge confidence for "recognised".

    Examples
    --------
    >>> profile = neighbourhood_profile(decoder, judge, z_six, [0.1, 1.0])  # doctest: +SKIP
    >>> profile.mean_label_change  # doctest: +SKIP
    array([0.  , 0.25])
    """
    d = latent_dim_of(decoder)
    a = check_codes(np.atleast_2d(np.asarray(anchors, dtype=np.float32)), "anchors", dim=d)
    r = np.asarray(radii, dtype=np.float64).ravel()
    n = check_int(n, "n")
    seed = check_seed(seed)
    threshold = check_number(threshold, "threshold", minimum=1e-9, maximum=1.0)
    points = np.concatenate(
        [neighbourhood(anchor, r, n=n, seed=seed + i) for i, anchor in enumerate(a)]
    )  # (k * R, n, d)
    centre_images = decode(decoder, a)
    images = decode(decoder, points.reshape(-1, d))
    probs = judge.probabilities(np.concatenate([centre_images, images]))
    anchor_labels = probs[: len(a)].argmax(axis=1)
    rest = probs[len(a):].reshape(len(a), len(r), n, probs.shape[-1])  # any number of classes
    labels = rest.argmax(axis=-1)
    diff = images.reshape(len(a), len(r), n, -1) - centre_images.reshape(len(a), 1, 1, -1)
    return NeighbourhoodProfile(
        radii=r,
        anchors=a,
        anchor_labels=anchor_labels,
        label_change=(labels != anchor_labels[:, None, None]).mean(axis=-1),
        pixel_change=np.sqrt((diff.astype(np.float64) ** 2).mean(axis=-1)).mean(axis=-1),
        recognised=(rest.max(axis=-1) >= threshold).mean(axis=-1),
    )


def _score(judge: Any, images: np.ndarray, threshold: float) -> JudgeReport:
    return judge.score(images, threshold=threshold)


@dataclasses.dataclass(frozen=True)
class GenerationReport:
    """The generation numbers of one decoder (see the module docstring for what each means).

    Attributes
    ----------
    name : str
        The model's name in tables.
    latent_dim : int
        ``d``.
    n : int
        Latent points per way of picking.
    threshold : float
        Judge confidence for "recognised".
    box : Box
        Bounding box of the reference codes (where ``"box"`` points and the hole grid come from).
    scale : float
        The code cloud's radius (:func:`~ae_helpers.latent.code_scale`); neighbourhood radii are
        ``relative_radii * scale``.
    picks : dict of str to JudgeReport
        ``"real"`` (if real images were given), ``"recon"``, ``"box"``, ``"normal"``, ``"near"``.
    near_sigma : float
        The step size of ``"near"`` points, relative to the codes' spread per dimension.
    hole_share : float or None
        Share of the ``grid_n × grid_n`` grid over the box that the judge does not recognise
        (``None`` unless ``d == 2``).
    area_share : np.ndarray or None
        Shape ``(n_classes,)`` (``(10,)`` for MNIST's judge): of the recognised grid cells, the
        share each class gets, in the order of ``classes`` (sums to 1, or all zeros if no cell is
        recognised); ``None`` unless ``d == 2``.
    grid_n : int
        Grid points per side.
    relative_radii : np.ndarray
        Neighbourhood radii as fractions of ``scale``.
    neighbourhood : NeighbourhoodProfile
        Around ``n_anchors`` randomly chosen reference codes.
    classes : np.ndarray or None
        The judge's class labels (``None``: ``0 … n_classes - 1``).
    """

    name: str
    latent_dim: int
    n: int
    threshold: float
    box: Box
    scale: float
    picks: dict[str, JudgeReport]
    near_sigma: float
    hole_share: float | None
    area_share: np.ndarray | None
    grid_n: int
    relative_radii: np.ndarray
    neighbourhood: NeighbourhoodProfile
    classes: np.ndarray | None = None

    def rows(self) -> list[dict[str, Any]]:
        """One table row per way of picking: model, pick, recognised, class entropy, top class
        (``top_digit``: the judge's label of the most frequent class)."""
        out = []
        for pick, rep in self.picks.items():
            share = rep.histogram / rep.n
            out.append({
                "model": self.name,
                "pick": pick,
                "recognised": rep.recognised,
                "class_entropy": rep.entropy,
                "top_digit": rep.labels[int(share.argmax())].item(),
                "top_share": float(share.max()),
            })
        return out

    def summary(self) -> dict[str, Any]:
        """One flat row of every headline number (for :func:`compare`)."""
        row: dict[str, Any] = {"model": self.name, "latent_dim": self.latent_dim}
        for pick, rep in self.picks.items():
            row[f"{pick}_recognised"] = rep.recognised
            row[f"{pick}_entropy"] = rep.entropy
        row["hole_share"] = self.hole_share
        if self.area_share is not None:
            row["area_max"] = float(self.area_share.max())
            row["area_min"] = float(self.area_share.min())
        for rel, rate in zip(self.relative_radii, self.neighbourhood.mean_label_change):
            row[f"label_change@{rel:g}"] = float(rate)
        return row


def generation_report(
    decoder: Any,
    judge: Any,
    *,
    codes: Any,
    near_codes: Any | None = None,
    real_images: Any | None = None,
    name: str = "model",
    n: int = 1000,
    seed: int = 0,
    near_sigma: float = 0.1,
    grid_n: int = 30,
    relative_radii: Sequence[float] = DEFAULT_RADII,
    n_anchors: int = 20,
    n_per_radius: int = 8,
    threshold: float = DEFAULT_THRESHOLD,
) -> GenerationReport:
    """Measure how well a detached decoder generates, for every way of picking latent points.

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``); chapters 3 and 4 use it too.

    Parameters
    ----------
    decoder : keras.Model
        Maps ``(n, d)`` codes to images in [0, 1] (an AE's or a VAE's decoder).
    judge : ae_helpers.measure.Judge
        From :func:`ae_helpers.training.load_judge`.
    codes : array-like
        Reference codes ``(m, d)``: the encoded training (or test) images. They define the box,
        the neighbourhood anchors and the unit of the radii, and (unless ``near_codes`` is given)
        the ``"recon"`` and ``"near"`` points.
    near_codes : array-like, optional
        Codes of real images ``(k, d)`` for the ``"recon"`` and ``"near"`` picks, for example the
        encoded *test* digits when ``codes`` are the training codes. Default: ``codes``.
    real_images : array-like, optional
        Real images to score as the ``"real"`` row (the judge's ceiling on real digits).
    name : str
        The model's name in tables.
    n : int
        Latent points per way of picking.
    seed : int
        Seeds every draw; the same seed gives the same points for every decoder of the same size.
    near_sigma : float
        Step of the ``"near"`` points, as a fraction of the codes' spread in each dimension.
    grid_n : int
        Grid points per side for the holes (2-D only).
    relative_radii : sequence of float
        Neighbourhood radii as fractions of the code cloud's radius (``code_scale(codes)``).
    n_anchors : int
        How many reference codes serve as neighbourhood anchors.
    n_per_radius : int
        Points per radius and anchor.
    threshold : float
        Judge confidence for "recognised".

    Returns
    -------
    GenerationReport

    Raises
    ------
    ValueError
        If ``codes`` does not match the decoder's latent size, or a count is not positive.

    Examples
    --------
    >>> report = generation_report(decoder, judge, codes=z_train, real_images=x_test[:1000])  # doctest: +SKIP
    >>> print(format_table(report.rows()))  # doctest: +SKIP
    model  pick    recognised  class_entropy  top_digit  top_share
    ...
    """
    d = latent_dim_of(decoder)
    z = check_codes(codes, dim=d)
    n = check_int(n, "n")
    seed = check_seed(seed)
    threshold = check_number(threshold, "threshold", minimum=1e-9, maximum=1.0)
    near_sigma = check_number(near_sigma, "near_sigma", minimum=0.0)
    n_per_radius = check_int(n_per_radius, "n_per_radius")
    relative_radii = check_numbers(relative_radii, "relative_radii")
    rng = np.random.default_rng(seed)
    draw = rng.integers(0, 2**31, size=5)
    box = bounding_box(z)
    scale = code_scale(z)
    real_z = z if near_codes is None else check_codes(near_codes, "near_codes", dim=d)

    picks: dict[str, JudgeReport] = {}
    if real_images is not None:
        picks["real"] = _score(judge, np.asarray(real_images), threshold)
    points = {
        "recon": real_z[np.random.default_rng(int(draw[4])).integers(0, len(real_z), n)],
        "box": sample_box(box, n, seed=int(draw[0])),
        "normal": sample_normal(n, d, seed=int(draw[1])),
        "near": sample_near(real_z, n, sigma=near_sigma, seed=int(draw[2])),
    }
    for pick, pts in points.items():
        picks[pick] = _score(judge, decode(decoder, pts), threshold)

    hole_share = area_share = classes = None
    if d == 2:
        grid_n = check_int(grid_n, "grid_n", minimum=2)
        _, _, grid = grid_points(n=grid_n, box=box)
        probs = judge.probabilities(decode(decoder, grid))
        ok = probs.max(axis=1) >= threshold
        hole_share = float(1.0 - ok.mean())
        classes = classes_of(judge, probs.shape[1])
        counts = np.bincount(probs.argmax(axis=1)[ok], minlength=probs.shape[1]).astype(np.float64)
        area_share = counts / counts.sum() if counts.sum() else counts

    rel = np.asarray(relative_radii, dtype=np.float64).ravel()
    anchors = z[np.random.default_rng(int(draw[3])).choice(len(z), min(check_int(n_anchors, "n_anchors"),
                                                                       len(z)), replace=False)]
    profile = neighbourhood_profile(decoder, judge, anchors, rel * scale, n=n_per_radius,
                                    seed=int(draw[3]), threshold=threshold)
    return GenerationReport(
        name=str(name), latent_dim=d, n=n, threshold=float(threshold), box=box, scale=scale,
        picks=picks, near_sigma=float(near_sigma), hole_share=hole_share, area_share=area_share,
        grid_n=int(grid_n), relative_radii=rel, neighbourhood=profile,
        classes=classes if classes is not None else next(
            (r.classes for r in picks.values() if r.classes is not None), None),
    )


def area_entropy(report: GenerationReport) -> float | None:
    """Normalised entropy of the per-class area share (1 = every class gets the same share, 10 %
    for ten digits), or ``None``."""
    if report.area_share is None or not report.area_share.any():
        return None
    return normalised_entropy(report.area_share)


def compare(reports: Sequence[GenerationReport]) -> list[dict[str, Any]]:
    """One summary row per report (see :meth:`GenerationReport.summary`), for :func:`format_table`.

    Examples
    --------
    >>> print(format_table(compare([ae_report, vae_report])))  # doctest: +SKIP
    """
    return [r.summary() for r in reports]


def _cell(value: Any, digits: int) -> str:
    if value is None:
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return "nan" if np.isnan(value) else f"{float(value):.{digits}f}"
    return str(value)


def format_table(
    rows: Sequence[Mapping[str, Any]], *, columns: Sequence[str] | None = None, digits: int = 3
) -> str:
    """Format rows of a table (dicts) as aligned plain text: a header line, then one line per row.

    Numbers are right-aligned with ``digits`` decimals, text left-aligned, missing values ``-``.

    Introduced in chapter 2 (``book/02_detached_decoder.ipynb``).

    Parameters
    ----------
    rows : sequence of mapping
        The rows; columns are the union of their keys in first-seen order, unless given.
    columns : sequence of str, optional
        Which columns to show, in this order.
    digits : int
        Decimals of floating-point numbers.

    Examples
    --------
    >>> print(format_table([{"pick": "box", "recognised": 0.5}, {"pick": "near", "recognised": 0.96}]))
    pick  recognised
    box        0.500
    near       0.960
    """
    if not rows:
        raise ValueError("no rows to format")
    if columns is None:
        columns = list(dict.fromkeys(k for row in rows for k in row))
    digits = check_int(digits, "digits", minimum=0)
    cells = [[_cell(row.get(c), digits) for c in columns] for row in rows]
    numeric = [
        all(isinstance(row.get(c), (int, float, np.integer, np.floating)) or row.get(c) is None
            for row in rows) and not all(row.get(c) is None for row in rows)
        for c in columns
    ]
    widths = [max(len(str(c)), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)]
        return "  ".join(parts).rstrip()

    return "\n".join([line([str(c) for c in columns]), *(line(r) for r in cells)])


def conditional_scores(judge: Any, images: Any, labels: Any, *, threshold: float = 0.9) -> dict[str, float]:
    """How well conditioned samples obey: share recognised, share on the requested digit, and both.

    Introduced in chapter 5 (``book/05_beyond.ipynb``).

    Parameters
    ----------
    judge : ae_helpers.measure.Judge
        Anything with ``probabilities(images) -> (n, n_classes)`` (and, optionally, ``classes``:
        the label of each output).
    images : array-like
        Generated images, one per label.
    labels : array-like
        The class requested for each image, as one of the judge's ``classes`` (digits 0-9 for
        MNIST's judge).
    threshold : float
        Judge confidence needed to count an image as recognised.

    Returns
    -------
    dict
        ``recognised`` (top probability >= threshold), ``on_request`` (judged digit = requested
        class), ``recognised_on_request`` (both at once), and ``per_digit_on_request`` (a list of
        one share per class of the judge, ``nan`` for classes not requested).

    Examples
    --------
    >>> class Oracle:
    ...     def probabilities(self, images):
    ...         return np.eye(10)[[1, 2, 2]]
    >>> s = conditional_scores(Oracle(), np.zeros((3, 784), "float32"), [1, 2, 3])
    >>> round(s["on_request"], 3), s["recognised"]
    (0.667, 1.0)
    """
    x = as_images(images)
    threshold = check_number(threshold, "threshold", minimum=1e-9, maximum=1.0)
    probs = np.asarray(judge.probabilities(x))
    classes = classes_of(judge, probs.shape[1])
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(f"labels must be 1-D, one per image ({len(x)}), got shape {y.shape}")
    unknown = sorted(set(np.unique(y).tolist()) - set(classes.tolist()))
    if unknown:
        raise ValueError(f"labels hold {unknown[:5]!r}, which are not classes of the judge "
                         f"({classes.tolist()!r}); request one of those")
    judged = classes[probs.argmax(axis=1)]
    recognised = probs.max(axis=1) >= threshold
    hit = judged == y
    per_digit = [float(hit[y == d].mean()) if (y == d).any() else float("nan") for d in classes]
    return {
        "recognised": float(recognised.mean()),
        "on_request": float(hit.mean()),
        "recognised_on_request": float((recognised & hit).mean()),
        "per_digit_on_request": per_digit,
    }
