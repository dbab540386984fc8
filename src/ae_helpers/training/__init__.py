"""Training: fitting a model on in-memory arrays, the model cache, and the recipes for trained models.

* ``_fit`` — :func:`train` (a short log, no progress bars), the batch sources :class:`ArrayBatches`
  and :class:`LabelledBatches`, the :func:`warmup_cosine` schedule (chapters 1 and 4).
* ``_cache`` — :func:`load_or_train`: a model trained once with some settings is loaded, never
  retrained, by any later chapter that asks for the same settings (chapter 0).
* ``_recipes`` — one frozen settings object per kind of model (:class:`AutoencoderRecipe`,
  :class:`VAERecipe`, :class:`CVAERecipe`, :class:`JudgeRecipe`), :func:`trained` to train or load
  any of them, quick mode's caps, and the named ``PRESETS`` that chapters share.
* ``_burda`` — Burda et al.'s model on dynamically binarised MNIST, VAE or IWAE objective
  (chapter 6).
* ``_snapshots`` — :class:`LatentSnapshots`, filming the latent codes while a model trains.
"""

from ._burda import BinarisedBatches, fit_burda, trained_burda
from ._cache import (
    CacheEnvironmentError,
    CacheLockTimeout,
    NonFiniteModelError,
    Trained,
    UncacheableModelError,
    cache_dir,
    fingerprint,
    load_or_train,
)
from ._fit import (
    ArrayBatches,
    LabelledBatches,
    ShortLog,
    is_batch_source,
    steps_per_epoch,
    train,
    warmup_cosine,
)
from ._recipes import (
    FRAMES,
    PRESETS,
    QUICK_EPOCHS,
    QUICK_TRAIN_SIZE,
    AutoencoderRecipe,
    CVAERecipe,
    JudgeRecipe,
    Recipe,
    VAERecipe,
    fit_judge,
    load_judge,
    preset,
    trained,
    trained_autoencoder,
    trained_cvae,
    trained_vae,
)
from ._snapshots import LatentSnapshots

__all__ = [
    "BinarisedBatches",
    "fit_burda",
    "trained_burda",
    "FRAMES",
    "PRESETS",
    "QUICK_EPOCHS",
    "QUICK_TRAIN_SIZE",
    "ArrayBatches",
    "AutoencoderRecipe",
    "CacheEnvironmentError",
    "CacheLockTimeout",
    "CVAERecipe",
    "JudgeRecipe",
    "LabelledBatches",
    "LatentSnapshots",
    "NonFiniteModelError",
    "Recipe",
    "ShortLog",
    "Trained",
    "UncacheableModelError",
    "VAERecipe",
    "cache_dir",
    "fingerprint",
    "fit_judge",
    "is_batch_source",
    "load_judge",
    "load_or_train",
    "preset",
    "steps_per_epoch",
    "train",
    "trained",
    "trained_autoencoder",
    "trained_cvae",
    "trained_vae",
    "warmup_cosine",
]
