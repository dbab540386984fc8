"""Figures: every picture and animation in the book, each made by one function here.

A figure never trains or loads a model: it takes images, codes, models already trained, or the
reports of :mod:`ae_helpers.measure`, and returns a Matplotlib figure (or an animation).

* ``_images`` — grids and labelled rows of images, reconstructions, loss curves, error against code
  size, class histograms, a conditional VAE's grid by digit (chapters 0-1 and 5; :func:`image_rows`
  everywhere).
* ``_latent`` — the latent space: scatter, decoded grid, neighbourhoods, holes, per-digit room,
  what the judge says (chapters 2-3).
* ``_generation`` — codes against the N(0, I) prior, the generation measurements of several models
  side by side (chapter 4).
* ``_likelihood`` — the k-sample bound against k, likelihood against sample quality (chapter 6).
* ``_rate`` — rate against distortion, β strips, KL per latent dimension (chapter 5).
* ``_sharpness`` — the RMS gradient of each batch of images (chapter 5).
* ``_animations`` — a latent walk and the latent space filling in, as HTML that plays without a
  kernel (chapter 4).
* ``_explorer`` — a live latent map whose decoder runs in the page (chapters 3-5); ``_export`` —
  the decoder's weights, compact and checked against Keras, for that page.
"""

from ._animations import latent_filling_animation, latent_walk_animation, to_html
from ._explorer import LatentExplorer, latent_explorer
from ._export import SUPPORTED_LAYERS, ExportedDecoder, export_decoder
from ._generation import generation_comparison, prior_fit
from ._images import (
    class_histograms,
    conditional_grid,
    error_vs_latent,
    image_grid,
    image_rows,
    loss_curves,
    mosaic,
    reconstruction_figure,
)
from ._likelihood import bound_against_k, likelihood_against_quality
from ._latent import (
    DIGIT_COLOURS,
    area_share_bars,
    decoded_grid,
    generation_bars,
    image_strip,
    latent_scatter,
    neighbourhood_curves,
    neighbourhood_rows,
    pick_mosaics,
)
from ._rate import beta_strip, kl_per_dimension_plot, rate_distortion_curve
from ._sharpness import sharpness_plot

__all__ = [
    "bound_against_k",
    "likelihood_against_quality",
    "DIGIT_COLOURS",
    "ExportedDecoder",
    "SUPPORTED_LAYERS",
    "LatentExplorer",
    "area_share_bars",
    "beta_strip",
    "class_histograms",
    "conditional_grid",
    "decoded_grid",
    "error_vs_latent",
    "export_decoder",
    "generation_bars",
    "generation_comparison",
    "image_grid",
    "image_rows",
    "image_strip",
    "kl_per_dimension_plot",
    "latent_explorer",
    "latent_filling_animation",
    "latent_scatter",
    "latent_walk_animation",
    "loss_curves",
    "mosaic",
    "neighbourhood_curves",
    "neighbourhood_rows",
    "pick_mosaics",
    "prior_fit",
    "rate_distortion_curve",
    "reconstruction_figure",
    "sharpness_plot",
    "to_html",
]
