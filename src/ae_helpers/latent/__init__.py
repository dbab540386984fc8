"""The latent space: encoding, decoding, and picking points in it — boxes, grids, samples, walks.

Everything here takes a model that is already trained and works on its codes.

* ``_space`` — :func:`encode`, :func:`decode`, bounding boxes, grids (:func:`latent_grid`),
  sampling (:func:`sample_box`, :func:`sample_normal`, :func:`sample_near`), neighbourhoods and
  interpolation, for any autoencoder or VAE (chapters 2-4).
* ``_vae`` — a VAE's encoder distribution (:func:`posterior`), reconstructions from the mean,
  samples from the prior (:func:`generate`) and the prior's mass within a radius
  (:func:`prior_mass_within`) (chapter 4).
* ``_conditional`` — a conditional VAE asked for given digits (chapter 5).
"""

from ._conditional import conditional_reconstruct, conditioned_samples, requested_labels
from ._space import (
    Box,
    LatentGrid,
    Spacing,
    bounding_box,
    code_scale,
    decode,
    encode,
    grid_points,
    interpolate,
    latent_grid,
    neighbourhood,
    sample_box,
    sample_near,
    sample_normal,
)
from ._vae import generate, posterior, prior_mass_within, reconstruct

__all__ = [
    "Box",
    "LatentGrid",
    "Spacing",
    "bounding_box",
    "code_scale",
    "conditional_reconstruct",
    "conditioned_samples",
    "decode",
    "encode",
    "generate",
    "grid_points",
    "interpolate",
    "latent_grid",
    "neighbourhood",
    "posterior",
    "prior_mass_within",
    "reconstruct",
    "requested_labels",
    "sample_box",
    "sample_near",
    "sample_normal",
]
