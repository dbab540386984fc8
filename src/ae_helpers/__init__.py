"""ae_helpers: the helper package of the book *Autoencoders and VAEs for Data Generation*.

Each chapter teaches an idea inline once and then imports it from here. The package uses Keras
ops only, so it runs on the TensorFlow, JAX and PyTorch backends; it never picks the backend.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .cache import Trained, load_or_train
from .config import quick_mode, set_seed
from .data import MnistUnavailableError, load_mnist

__all__ = [
    "MnistUnavailableError",
    "Trained",
    "load_mnist",
    "load_or_train",
    "quick_mode",
    "set_seed",
]
