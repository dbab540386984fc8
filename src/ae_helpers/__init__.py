"""ae_helpers: the helper package of the book *Autoencoders and VAEs for Data Generation*.

Each chapter teaches an idea inline once and then imports it from here. The package uses Keras
ops only, so it runs on the TensorFlow, JAX and PyTorch backends; it never picks the backend (set
``KERAS_BACKEND`` before importing it). Importing the package registers the book's serialisable
Keras classes (:class:`~ae_helpers.vae.VAE`, :class:`~ae_helpers.vae.Sampling`,
:class:`~ae_helpers.conditional.ConditionalVAE`), so saved models load with
``keras.saving.load_model(path)`` once ``import ae_helpers`` has run.

The most used names are importable from the package itself; everything else from its modules
(``ae_helpers.latent``, ``ae_helpers.measure``, ...).
"""

from __future__ import annotations

__version__ = "0.2.0"

from .cache import Trained, load_or_train
from .conditional import ConditionalVAE, trained_cvae
from .config import quick_mode, set_seed
from .data import MnistUnavailableError, load_mnist
from .judge import load_judge
from .latent import decode, encode, interpolate, latent_grid
from .measure import generation_report
from .models import decoder_of, dense_autoencoder, encoder_of
from .plots import image_grid
from .training import train
from .vae import VAE, Sampling, dense_vae, negative_elbo, trained_vae
from .zoo import trained_autoencoder

__all__ = [
    "VAE",
    "ConditionalVAE",
    "MnistUnavailableError",
    "Sampling",
    "Trained",
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
    "quick_mode",
    "set_seed",
    "train",
    "trained_autoencoder",
    "trained_cvae",
    "trained_vae",
]
