"""Measurements: the judge, the generation report, reconstruction errors, the ELBO, sharpness, rate.

Every number the book quotes comes from a function here; none of them trains a model.

* ``_judge`` — the :class:`Judge` (a small digit classifier) and what it says about a batch
  (:class:`JudgeReport`) (chapter 0; the trained judge comes from
  :func:`ae_helpers.training.load_judge`).
* ``_report`` — :func:`generation_report`: how often decoded latent points are recognised, the
  holes, neighbourhoods, per-digit room; tables comparing models; conditional scores (chapters 2-5).
* ``_reconstruction`` — reconstruction errors and the pixel statistics of chapters 0 and 1.
* ``_elbo`` — a VAE's held-out negative ELBO and its terms (chapter 4).
* ``_sharpness`` — how blurred images are (chapter 5).
* ``_likelihood`` — the importance-sampled estimate of log p(x) and Burda et al.'s table (chapter 6).
* ``_frechet`` — the Fréchet distance between samples and test images on the judge's features
  (chapter 6).
* ``_rate`` — the KL per latent dimension, active dimensions, the posterior average (chapter 5).
"""

from ._elbo import ElboTerms, elbo_terms, negative_elbo
from ._frechet import FEATURE_LAYER, frechet_distance, judge_features, judge_frechet
from ._judge import DEFAULT_THRESHOLD, Judge, JudgeReport, accuracy_on, judge_network, normalised_entropy
from ._likelihood import BURDA_EPOCHS, BURDA_TABLE, bound_curve, log_likelihood, log_weights
from ._rate import active_dimensions, kl_per_dimension, posterior_average
from ._reconstruction import (
    BCE_EPSILON,
    edge_error_share,
    error_table,
    isolated_ink_share,
    mean_error,
    nearest_neighbour_rmse,
    neighbour_correlation,
    per_image_error,
)
from ._report import (
    DEFAULT_RADII,
    PICKS,
    GenerationReport,
    NeighbourhoodProfile,
    area_entropy,
    compare,
    conditional_scores,
    format_table,
    generation_report,
    neighbourhood_profile,
)
from ._sharpness import (
    Sharpness,
    confidence,
    gradient_magnitude,
    grey_share,
    rms_gradient,
    sharpness,
    sharpness_table,
)

__all__ = [
    "BURDA_EPOCHS",
    "BURDA_TABLE",
    "FEATURE_LAYER",
    "bound_curve",
    "frechet_distance",
    "judge_features",
    "judge_frechet",
    "log_likelihood",
    "log_weights",
    "BCE_EPSILON",
    "DEFAULT_RADII",
    "DEFAULT_THRESHOLD",
    "PICKS",
    "ElboTerms",
    "GenerationReport",
    "Judge",
    "JudgeReport",
    "NeighbourhoodProfile",
    "Sharpness",
    "accuracy_on",
    "active_dimensions",
    "area_entropy",
    "compare",
    "conditional_scores",
    "confidence",
    "edge_error_share",
    "elbo_terms",
    "error_table",
    "format_table",
    "generation_report",
    "gradient_magnitude",
    "grey_share",
    "isolated_ink_share",
    "judge_network",
    "kl_per_dimension",
    "mean_error",
    "nearest_neighbour_rmse",
    "negative_elbo",
    "neighbour_correlation",
    "neighbourhood_profile",
    "normalised_entropy",
    "per_image_error",
    "posterior_average",
    "rms_gradient",
    "sharpness",
    "sharpness_table",
]
