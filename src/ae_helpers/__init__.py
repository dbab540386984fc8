"""ae_helpers: the helper package of the book *Autoencoders and VAEs for Data Generation*.

Each chapter teaches an idea inline once and then imports it from here. The package is organised by
role, the way the book's pipeline runs:

========================  ===========================================================================
:mod:`ae_helpers.data`    loading data sets (MNIST, from Keras or a local file)
:mod:`ae_helpers.models`  building models: autoencoders, the VAE and conditional VAE, losses, baselines
:mod:`ae_helpers.training` fitting, the model cache, recipes and presets for trained models
:mod:`ae_helpers.latent`  using a trained model's latent space: encode, decode, sample, walk
:mod:`ae_helpers.measure` the numbers: the judge, generation reports, errors, ELBO, sharpness, rate
:mod:`ae_helpers.viz`     every figure and animation, and the latent explorer
:mod:`ae_helpers.config`  quick mode and seeding
:mod:`ae_helpers.book`    what the chapters need as pages: ``glue`` hands numbers to the prose
========================  ===========================================================================

(``ae_helpers._checks`` holds the argument checks every public helper uses.) The package uses Keras
ops only, so it runs on the TensorFlow, JAX and PyTorch backends; it never picks the backend (set
``KERAS_BACKEND`` before importing it). Importing it registers the book's serialisable Keras classes
(:class:`~ae_helpers.models.VAE`, :class:`~ae_helpers.models.Sampling`,
:class:`~ae_helpers.models.ConditionalVAE`), so saved models load with
``keras.saving.load_model(path)`` once ``import ae_helpers`` has run.

The most used names are importable from the package itself.
"""

from __future__ import annotations

from ._quiet import import_keras_quietly

import_keras_quietly()  # before any module below imports Keras: no C++ start-up notices

from ._version import __version__
from .config import quick_mode, set_seed
from .data import MnistUnavailableError, load_mnist
from .latent import decode, encode, interpolate, latent_grid
from .measure import generation_report, negative_elbo
from .models import (
    VAE,
    ConditionalVAE,
    Sampling,
    conv_vae,
    conv_vae_decoder,
    conv_vae_encoder,
    decoder_of,
    dense_autoencoder,
    dense_vae,
    encoder_of,
)
from .training import (
    Trained,
    load_judge,
    load_or_train,
    preset,
    train,
    trained,
    trained_autoencoder,
    trained_cvae,
    trained_vae,
)
from .viz import image_grid

__all__ = [
    "VAE",
    "ConditionalVAE",
    "MnistUnavailableError",
    "Sampling",
    "Trained",
    "__version__",
    "conv_vae",
    "conv_vae_decoder",
    "conv_vae_encoder",
    "decode",
    "decoder_of",
    "dense_autoencoder",
    "dense_vae",
    "encode",
    "encoder_of",
    "generation_report",
    "image_grid",
    "interpolate",
    "latent_grid",
    "load_judge",
    "load_mnist",
    "load_or_train",
    "negative_elbo",
    "preset",
    "quick_mode",
    "set_seed",
    "train",
    "trained",
    "trained_autoencoder",
    "trained_cvae",
    "trained_vae",
]
