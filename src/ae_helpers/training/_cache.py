"""A model cache that can never serve a stale or half-written model.

Introduced in chapter 0 (``book/00_why_pixels_fail.ipynb``) for the judge, and used by every
chapter that trains: a model trained once with some settings is loaded, not retrained, by any later
chapter that asks for the same settings.

* The key is a SHA-256 of everything that changes the result: the caller's settings (architecture,
  training schedule, a fingerprint of the data), the versions of Keras, NumPy and ``ae_helpers``, and
  the Keras backend.
  Settings that are not plain JSON are hashed by content (NumPy arrays by dtype, shape and bytes)
  or refused with a :class:`TypeError` naming the key: a key is never made of ``str(value)``.
* Every file is written to a temporary name and renamed into place, so an interrupted run leaves no
  file that a later run would trust; temporary files left by a killed writer are removed the next
  time the entry is used.
* One process at a time works on an entry (a lock file beside it, released by the system when its
  holder dies): a second process that asks for a model being trained waits and then loads it, and no
  reader can delete an entry that a writer is still committing.
* A model is reloaded (safe mode) before it is committed: one that Keras's safe mode would refuse
  (a ``Lambda`` layer, an unregistered custom class) raises :class:`UncacheableModelError` naming
  what blocks it, instead of being saved, rejected, deleted and retrained on every call.
* A cache that cannot be written (read-only, full, not a folder) costs the cache, never the model:
  the trained model is returned with one warning saying where, why and what to do.
* An entry that fails to load is reported with a warning that says what failed, deleted and rebuilt.
  Loading uses Keras's safe mode (no arbitrary code).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import secrets
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__

CACHE_ENV = "AE_HELPERS_CACHE"
STALE_SECONDS = 24 * 3600
"""A temporary file of another entry older than this is a dead writer's leftover."""


class UncacheableModelError(ValueError):
    """A trained model (or its extras) that the cache could not reload safely; nothing was stored.

    The trained model is not lost: it is the exception's ``model`` attribute (and its extras are
    ``extras``).
    """

    def __init__(self, message: str, model: Any = None, extras: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.model = model
        self.extras = dict(extras or {})


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
        Where the model is stored (or would be, when the cache could not be written: a warning
        said so).
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
        "settings": json.loads(json.dumps(_by_content(dict(settings), ""), sort_keys=True)),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "numpy": np.__version__,
        "ae_helpers": __version__,
    }


def _by_content(value: Any, where: str) -> Any:
    """``value`` as plain JSON: JSON values as they are (so their keys never change), NumPy arrays
    and scalars by content; anything else is refused, naming where it is in the settings."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"settings{where} must be a finite number, got {value!r}")
        return value
    if isinstance(value, Mapping):
        return {k: _by_content(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_by_content(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.ndarray) and value.dtype != object:
        a = np.ascontiguousarray(value)
        digest = hashlib.sha256(memoryview(a).cast("B") if a.size else b"").hexdigest()
        return {"ndarray": {"dtype": a.dtype.str, "shape": list(a.shape), "sha256": digest}}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        return _by_content(value.item(), where)
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    raise TypeError(
        f"settings{where} is a {type(value).__name__} ({text}), which the cache key cannot encode by "
        "content; use numbers, strings, lists, dicts or NumPy arrays (or a fingerprint() of the data)"
    )


def _digest(key: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]


def _tmp_path(path: Path, suffix: str = ".tmp") -> Path:
    """A temporary name beside ``path``: hidden, unique, and starting with ``.{entry}.``."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{suffix}")


def _write_new(path: Path, data: bytes) -> None:
    # os.open with 0o666 lets the umask decide, as for the model file (mkstemp would make it 0600).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_path(path)
    try:
        _write_new(tmp, data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    atomic_write_bytes(path, text.encode())


def atomic_save_model(model: Any, path: Path) -> None:
    """Save a Keras model to ``path`` (``.keras``) through a temporary file and a rename.

    The temporary file is loaded back in safe mode before the rename: a model that would not load
    raises :class:`UncacheableModelError` and nothing is stored.
    """
    import keras

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_path(path, ".tmp.keras")
    try:
        model.save(tmp)
        try:
            with warnings.catch_warnings():  # a check: Keras's notes on the reload are not news
                warnings.simplefilter("ignore")
                keras.saving.load_model(tmp, safe_mode=True)
        except Exception as err:  # any failure: the entry would never load
            blockers = _unsafe_layers(model)
            what = ("; it holds " + ", ".join(blockers)) if blockers else ""
            raise UncacheableModelError(
                f"ae_helpers cache: the trained model cannot be reloaded in Keras's safe mode, so it "
                f"was not cached{what} ({type(err).__name__}: {_short(err)}). Replace Lambda layers "
                "by registered layer classes (@keras.saving.register_keras_serializable with "
                "get_config); the trained model is the exception's .model.",
                model,
            ) from err
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _short(err: BaseException, limit: int = 300) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _unsafe_layers(model: Any) -> list[str]:
    """The layers (nested ones too) that Keras's safe mode would refuse to load, described."""
    import keras

    found: list[str] = []
    seen: set[int] = set()

    def visit(layer: Any) -> None:
        if id(layer) in seen:
            return
        seen.add(id(layer))
        cls = type(layer)
        if isinstance(layer, keras.layers.Lambda):
            found.append(f"layer {layer.name!r} (a Lambda layer: its Python function is code, which "
                         "safe mode does not load)")
        elif not cls.__module__.startswith("keras"):
            registered = keras.saving.get_registered_object(keras.saving.get_registered_name(cls))
            if registered is not cls:
                found.append(f"layer {layer.name!r} (class {cls.__name__}, not registered with "
                             "@keras.saving.register_keras_serializable)")
        for sub in getattr(layer, "layers", None) or []:
            visit(sub)

    visit(model)
    return found


def entry_paths(name: str, settings: Mapping[str, Any]) -> tuple[Path, Path]:
    """Return the model file and its sidecar JSON for these settings."""
    key = cache_key(name, settings)
    stem = f"{name}-{_digest(key)}"
    return cache_dir() / f"{stem}.keras", cache_dir() / f"{stem}.json"


def _extras_path(model_path: Path) -> Path:
    return model_path.with_suffix(".extras.npz")


def atomic_save_arrays(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Save arrays to an ``.npz`` file through a temporary file and a rename."""
    import io

    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.asarray(v) for k, v in arrays.items()})
    atomic_write_bytes(path, buffer.getvalue())


@contextlib.contextmanager
def _entry_lock(path: Path) -> Iterator[bool]:
    """Hold the lock file ``path`` (blocking); yield whether it is held.

    An unwritable cache cannot be locked: then ``False``, and the caller only reads. The system
    releases the lock of a process that dies, so a killed writer never blocks the next one.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        yield False
        return
    try:
        try:
            _lock(fd)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for 10 s, then raises
                return
            except OSError:
                continue
    fcntl.flock(fd, fcntl.LOCK_EX)


def _clean_leftovers(folder: Path, stem: str) -> None:
    """Remove this entry's temporary files (its lock is held: no live writer owns them) and other
    entries' temporary files older than ``STALE_SECONDS``."""
    now = time.time()
    try:
        names = [p for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name]
    except OSError:
        return
    for tmp in names:
        try:
            if tmp.name.startswith(f".{stem}.") or now - tmp.stat().st_mtime > STALE_SECONDS:
                tmp.unlink()
        except OSError:
            pass


def _problem(model_path: Path, meta_path: Path, extras_path: Path,
             key: Mapping[str, Any]) -> tuple[str | None, dict | None, dict]:
    """What is wrong with an entry (``None``: nothing), its record and its extras."""
    if not meta_path.exists():
        return (f"it has no record {meta_path.name} (its writer was interrupted before the last "
                "step)"), None, {}
    if not model_path.exists():
        return f"its model file {model_path.name} is missing", None, {}
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError) as err:
        return f"its record {meta_path.name} is unreadable ({type(err).__name__}: {_short(err)})", None, {}
    if not isinstance(meta, dict) or meta.get("key") != json.loads(json.dumps(key, sort_keys=True)):
        return "its key does not match the settings asked for", None, {}
    if not zipfile.is_zipfile(model_path):
        size = model_path.stat().st_size
        return (f"its model file is not a complete .keras archive ({size} bytes: truncated or "
                "overwritten)"), None, {}
    extras: dict[str, np.ndarray] = {}
    if meta.get("extras"):
        try:
            with np.load(extras_path, allow_pickle=False) as npz:
                extras = {k: npz[k] for k in npz.files}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
            return f"its extra arrays are unreadable ({type(err).__name__}: {_short(err)})", None, {}
        if sorted(extras) != sorted(meta["extras"]):
            return "its extra arrays do not match its record", None, {}
    return None, meta, extras


def _load(model_path: Path, meta_path: Path, key: Mapping[str, Any], *,
          may_delete: bool = True) -> Trained | None:
    import keras

    extras_path = _extras_path(model_path)
    if not model_path.exists() and not meta_path.exists():
        return None
    problem, meta, extras = _problem(model_path, meta_path, extras_path, key)
    model = None
    if problem is None:
        try:
            model = keras.saving.load_model(model_path, safe_mode=True)
        except Exception as err:  # noqa: BLE001 - any failure means: do not trust this entry
            problem = f"Keras could not load it ({type(err).__name__}: {_short(err)})"
    if problem is not None or meta is None:
        warnings.warn(
            f"ae_helpers cache: ignoring unusable entry {model_path.name}: {problem}; training again.",
            RuntimeWarning,
            stacklevel=3,
        )
        if may_delete:  # only under the entry's lock: never a file another process is writing
            for path in (model_path, meta_path, extras_path):
                path.unlink(missing_ok=True)
        return None
    return Trained(model, meta.get("history", {}), float(meta.get("seconds", 0.0)), True,
                   model_path, extras)


def _check_extras(extras: Mapping[str, np.ndarray], model: Any) -> None:
    for k, v in extras.items():
        if v.dtype == object:
            raise UncacheableModelError(
                f"ae_helpers cache: extras[{k!r}] holds Python objects (dtype object), which the cache "
                "cannot reload without pickle, so nothing was cached; return numeric arrays. The "
                "trained model is the exception's .model.",
                model, extras,
            )


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
        :func:`fingerprint` of the data. JSON values (numbers, strings, lists, dicts, None);
        NumPy arrays and scalars are hashed by content.
    train : callable
        Builds, trains and returns the model, or ``(model, extras)`` with a dict of NumPy arrays to
        keep beside it. If it ran ``fit``, its history is kept.

    Returns
    -------
    Trained
        The model, its training history, the training time and whether it came from the cache.
        When the cache cannot be written (read-only, full, not a folder) the trained model is
        still returned, with one :class:`RuntimeWarning` saying where, why and what to do.

    Raises
    ------
    TypeError
        If a setting is neither plain JSON nor a NumPy array (the message names its key).
    ValueError
        If a setting is a NaN or infinite number.
    UncacheableModelError
        If the trained model would not reload in Keras's safe mode (a ``Lambda`` layer, an
        unregistered custom layer; the message names it) or its extras hold Python objects. The
        trained model is the exception's ``model``.

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
    stem = model_path.stem
    with _entry_lock(model_path.with_name(f".{stem}.lock")) as locked:
        if locked:
            _clean_leftovers(model_path.parent, stem)
        cached = _load(model_path, meta_path, key, may_delete=locked)
        if cached is not None:
            return cached
        start = time.perf_counter()
        result = train()
        seconds = time.perf_counter() - start
        model, extras = result if isinstance(result, tuple) else (result, {})
        extras = {k: np.asarray(v) for k, v in dict(extras).items()}
        _check_extras(extras, model)
        history_cb = getattr(model, "history", None)
        history = {
            k: [float(v) for v in vals] for k, vals in getattr(history_cb, "history", {}).items()
        }
        record = {"key": key, "history": history, "seconds": seconds, "extras": sorted(extras)}
        try:
            _commit(model, extras, record, model_path, meta_path)
        except OSError as err:
            warnings.warn(
                f"ae_helpers cache: could not store the trained model at {model_path} "
                f"({type(err).__name__}: {err}); it is returned, but will be trained again next "
                f"time. What to do: free disk space, or set the environment variable {CACHE_ENV} "
                "to a writable folder.",
                RuntimeWarning,
                stacklevel=2,
            )
        return Trained(model, history, seconds, False, model_path, extras)


def _commit(model: Any, extras: Mapping[str, np.ndarray], record: Mapping[str, Any],
            model_path: Path, meta_path: Path) -> None:
    """Store an entry: the model and its extras first, the record last (an entry without its record
    is never used); on a failure, remove what was written."""
    extras_path = _extras_path(model_path)
    try:
        meta_path.unlink(missing_ok=True)
        atomic_save_model(model, model_path)
        if extras:
            atomic_save_arrays(extras_path, extras)
        atomic_write_text(meta_path, json.dumps(record, sort_keys=True, indent=1))
    except BaseException:
        for path in (meta_path, model_path, extras_path):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        raise
