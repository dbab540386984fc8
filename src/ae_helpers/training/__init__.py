"""Training: fitting a model on in-memory arrays, the model cache, and the recipes for trained models.

* ``_fit`` — :func:`train` (a short log, no progress bars) and the :func:`warmup_cosine` schedule
  (chapters 1 and 4).
* ``_batches`` — the batch sources :func:`train` feeds Keras with: :class:`ArrayBatches`,
  :class:`LabelledBatches` (chapter 5), :class:`BinarisedBatches` (dynamic binarisation, chapter 6).
* ``_cache`` — :func:`load_or_train`: a model trained once with some settings is loaded, never
  retrained, by any later chapter that asks for the same settings (chapter 0).
* ``_recipes`` — one frozen settings object per kind of model (:class:`AutoencoderRecipe`,
  :class:`VAERecipe`, :class:`CVAERecipe`, :class:`JudgeRecipe`, :class:`FittedJudgeRecipe`,
  :class:`BurdaRecipe`), :func:`trained` to train or load any of them, quick mode's caps, and the
  named ``PRESETS`` that chapters share. Only it and ``_cache`` call :func:`load_or_train`.
* ``_snapshots`` — :class:`LatentSnapshots`, filming the latent codes while a model trains.
"""

from ._batches import (
    ArrayBatches,
    BinarisedBatches,
    LabelledBatches,
    is_batch_source,
    steps_per_epoch,
)
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
from ._fit import ShortLog, train, warmup_cosine
from ._recipes import (
    FRAMES,
    PRESETS,
    QUICK_EPOCHS,
    QUICK_TRAIN_SIZE,
    AutoencoderRecipe,
    BurdaRecipe,
    CVAERecipe,
    FittedJudgeRecipe,
    JudgeRecipe,
    Recipe,
    VAERecipe,
    fit_burda,
    fit_judge,
    load_judge,
    preset,
    trained,
    trained_autoencoder,
    trained_burda,
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
    "BurdaRecipe",
    "CacheEnvironmentError",
    "CacheLockTimeout",
    "CVAERecipe",
    "FittedJudgeRecipe",
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
