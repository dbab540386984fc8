"""A model cache that can never serve a stale or half-written model.

Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``) for the judge, and used by every
chapter that trains: a model trained once with some settings is loaded, not retrained, by any later
chapter that asks for the same settings.

* The key is a SHA-256 of everything that changes the result: the caller's settings (architecture,
  training schedule, a fingerprint of the data), the versions of Keras, NumPy and ``ae_helpers``, and
  the Keras backend.
* Every file is written to a temporary name and renamed into place, so an interrupted run leaves no
  file that a later run would trust.
* A file that fails to load is reported with a warning, deleted and rebuilt. Loading uses Keras's
  safe mode (no arbitrary code).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__

CACHE_ENV = "AE_HELPERS_CACHE"


@dataclasses.dataclass
class Trained:
    """A model with how it came to be.

    Attributes
    ----------
    model : keras.Model
        The trained model.
    history : dict of str to list of float
        Per-epoch metrics of the training run (kept in the cache, so loaded models have them too).
    seconds : float
        Wall time of the training run that made the model.
    from_cache : bool
        Whether this call loaded the model instead of training it.
    path : pathlib.Path
        Where the model is stored.
    extras : dict of str to np.ndarray
        Arrays the training function returned beside the model (for example latent snapshots
        taken during training), stored with it.
    """

    model: Any
    history: dict[str, list[float]]
    seconds: float
    from_cache: bool
    path: Path
    extras: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)


def cache_dir() -> Path:
    """Return the cache folder: ``$AE_HELPERS_CACHE``, else ``~/.cache/ae_helpers``.

    Examples
    --------
    >>> cache_dir().name in {"ae_helpers"} or True
    True
    """
    root = os.environ.get(CACHE_ENV)
    if root:
        return Path(root).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ae_helpers"


def fingerprint(*arrays: np.ndarray) -> str:
    """Return a short SHA-256 of the arrays' shapes, dtypes and bytes.

    Examples
    --------
    >>> fingerprint(np.zeros(3)) == fingerprint(np.zeros(3))
    True
    >>> fingerprint(np.zeros(3)) == fingerprint(np.ones(3))
    False
    """
    digest = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        digest.update(f"{a.shape}|{a.dtype}|".encode())
        digest.update(memoryview(a).cast("B"))
    return digest.hexdigest()[:16]


def cache_key(name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return the full key of a cache entry: the settings plus the library versions.

    Examples
    --------
    >>> key = cache_key("demo", {"epochs": 3})
    >>> sorted(key)
    ['ae_helpers', 'backend', 'keras', 'name', 'numpy', 'settings']
    """
    import keras

    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValueError(f"cache name must be letters, digits, '-' or '_', got {name!r}")
    return {
        "name": name,
        "settings": json.loads(json.dumps(dict(settings), sort_keys=True, default=str)),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "numpy": np.__version__,
        "ae_helpers": __version__,
    }


def _digest(key: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_save_model(model: Any, path: Path) -> None:
    """Save a Keras model to ``path`` (``.keras``) through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.keras")
    try:
        model.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def entry_paths(name: str, settings: Mapping[str, Any]) -> tuple[Path, Path]:
    """Return the model file and its sidecar JSON for these settings."""
    key = cache_key(name, settings)
    stem = f"{name}-{_digest(key)}"
    return cache_dir() / f"{stem}.keras", cache_dir() / f"{stem}.json"


def _extras_path(model_path: Path) -> Path:
    return model_path.with_suffix(".extras.npz")


def atomic_save_arrays(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Save arrays to an ``.npz`` file through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **{k: np.asarray(v) for k, v in arrays.items()})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(model_path: Path, meta_path: Path, key: Mapping[str, Any]) -> Trained | None:
    import keras

    extras_path = _extras_path(model_path)
    if not model_path.exists() and not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text())
        if meta.get("key") != json.loads(json.dumps(key, sort_keys=True)):
            raise ValueError("its key does not match the settings asked for")
        extras: dict[str, np.ndarray] = {}
        if meta.get("extras"):
            with np.load(extras_path, allow_pickle=False) as npz:
                extras = {k: npz[k] for k in npz.files}
            if sorted(extras) != sorted(meta["extras"]):
                raise ValueError("its extra arrays do not match its record")
        model = keras.saving.load_model(model_path, safe_mode=True)
    except Exception as err:  # noqa: BLE001 - any failure means: do not trust this entry
        warnings.warn(
            f"ae_helpers cache: ignoring unusable entry {model_path.name} "
            f"({type(err).__name__}: {err}); training again.",
            RuntimeWarning,
            stacklevel=3,
        )
        for path in (model_path, meta_path, extras_path):
            path.unlink(missing_ok=True)
        return None
    return Trained(model, meta.get("history", {}), float(meta.get("seconds", 0.0)), True,
                   model_path, extras)


def load_or_train(
    name: str,
    settings: Mapping[str, Any],
    train: Callable[[], Any],
) -> Trained:
    """Load the model trained with ``settings`` from the cache, or train and cache it.

    Parameters
    ----------
    name : str
        A short name for the kind of model (``"judge"``, ``"dense_ae"``).
    settings : mapping
        Everything that changes the trained model: architecture, schedule, seed, a
        :func:`fingerprint` of the data. JSON-serialisable values.
    train : callable
        Builds, trains and returns the model, or ``(model, extras)`` with a dict of NumPy arrays to
        keep beside it. If it ran ``fit``, its history is kept.

    Returns
    -------
    Trained
        The model, its training history, the training time and whether it came from the cache.

    Examples
    --------
    >>> import keras
    >>> def train():
    ...     model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    ...     return model
    >>> first = load_or_train("doctest", {"units": 1}, train)
    >>> again = load_or_train("doctest", {"units": 1}, train)
    >>> again.from_cache
    True
    """
    key = cache_key(name, settings)
    model_path, meta_path = entry_paths(name, settings)
    cached = _load(model_path, meta_path, key)
    if cached is not None:
        return cached
    start = time.perf_counter()
    result = train()
    seconds = time.perf_counter() - start
    model, extras = result if isinstance(result, tuple) else (result, {})
    extras = {k: np.asarray(v) for k, v in dict(extras).items()}
    history_cb = getattr(model, "history", None)
    history = {
        k: [float(v) for v in vals] for k, vals in getattr(history_cb, "history", {}).items()
    }
    # The model and its extras land first and the sidecar last: an entry without its sidecar is
    # never used.
    meta_path.unlink(missing_ok=True)
    atomic_save_model(model, model_path)
    if extras:
        atomic_save_arrays(_extras_path(model_path), extras)
    record = {"key": key, "history": history, "seconds": seconds, "extras": sorted(extras)}
    atomic_write_text(meta_path, json.dumps(record, sort_keys=True, indent=1))
    return Trained(model, history, seconds, False, model_path, extras)
