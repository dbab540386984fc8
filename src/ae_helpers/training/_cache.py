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
* An entry is deleted and rebuilt (with a warning that says what failed) only when the entry itself
  is proven bad: no record, a record that is not valid JSON or is malformed (``"seconds": null``), a
  key that does not match, a model or extras file that is not a complete archive or whose SHA-256
  no longer matches the one its record holds. A failure of the environment while reading it (out of
  file descriptors, an I/O error, permission denied) raises :class:`CacheEnvironmentError` and
  leaves the entry in place. Loading uses Keras's safe mode (no arbitrary code).
* A model whose training ended with a non-finite loss or non-finite weights is never cached:
  :class:`NonFiniteModelError` carries it to the caller.
* A process that waits for another's lock says on stderr whom it waits for, and gives up after
  ``lock_timeout`` seconds (``$AE_HELPERS_LOCK_TIMEOUT``, one hour by default) with a
  :class:`CacheLockTimeout` naming the holder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import io
import json
import math
import os
import secrets
import socket
import sys
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..data import ByteImages

CACHE_ENV = "AE_HELPERS_CACHE"
LOCK_TIMEOUT_ENV = "AE_HELPERS_LOCK_TIMEOUT"
LOCK_TIMEOUT = 3600.0
"""Seconds a process waits for another's lock on an entry before it gives up (default)."""
STALE_SECONDS = 24 * 3600
"""A temporary file of another entry older than this is a dead writer's leftover."""
RECORD_FORMAT = 2
"""Version of the record's layout; 2 added the SHA-256 of the model and extras files."""


class UncacheableModelError(ValueError):
    """A trained model (or its extras) that the cache could not store; nothing was stored.

    The trained model is not lost: it is the exception's ``model`` attribute (and what the
    training function returned beside it is ``extras``: a dict, or the value as returned when it
    was not a mapping).
    """

    def __init__(self, message: str, model: Any = None, extras: Any = None):
        super().__init__(message)
        self.model = model
        self.extras = dict(extras) if isinstance(extras, Mapping) else ({} if extras is None else extras)


class NonFiniteModelError(UncacheableModelError):
    """Training ended with a non-finite loss or non-finite weights: the model was not cached.

    The model is the exception's ``model`` (its history is ``history``), to inspect, never to be
    served from the cache to a later call.
    """

    def __init__(self, message: str, model: Any = None, extras: Any = None,
                 history: Mapping[str, list[float]] | None = None):
        super().__init__(message, model, extras)
        self.history = dict(history or {})


class CacheEnvironmentError(OSError):
    """Reading a cache entry failed for a reason outside the entry (out of file descriptors, an
    I/O error, permission denied). The entry was left in place; ``errno`` is the system's code."""


class CacheLockTimeout(TimeoutError):
    """Another process held a cache entry's lock for longer than the wait allowed."""


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

    Images kept as bytes have the fingerprint of the float32 images they read as:

    >>> from ae_helpers.data import ByteImages
    >>> raw = np.arange(12, dtype=np.uint8).reshape(3, 4)
    >>> fingerprint(ByteImages(raw)) == fingerprint(np.asarray(ByteImages(raw)))
    True
    """
    digest = hashlib.sha256()
    for a in arrays:
        if isinstance(a, ByteImages):  # the digest of the float32 images they read as, in blocks
            digest.update(f"{a.shape}|{a.dtype}|".encode())
            for block in a.blocks():
                digest.update(memoryview(np.ascontiguousarray(block)).cast("B"))
            continue
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


def lock_timeout_default() -> float:
    """The lock wait from ``$AE_HELPERS_LOCK_TIMEOUT`` (seconds), else :data:`LOCK_TIMEOUT`.

    Examples
    --------
    >>> lock_timeout_default() > 0
    True
    """
    text = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not text:
        return LOCK_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"${LOCK_TIMEOUT_ENV} must be a number of seconds >= 0, got {text!r}; "
                         "unset it for the default of one hour")
    return value


def _holder(path: Path) -> str:
    """Who holds the lock ``path``, as its holder wrote it when it took the lock."""
    try:
        info = json.loads(path.read_text() or "{}")
        since = time.strftime("%H:%M:%S", time.localtime(float(info["since"])))
        return f"process {int(info['pid'])} on {info['host']} (holding it since {since})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process (it did not say which)"


def _write_holder(fd: int) -> None:
    info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()})
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, info.encode(), 0)


@contextlib.contextmanager
def _entry_lock(path: Path, timeout: float) -> Iterator[bool]:
    """Hold the lock file ``path``; yield whether it is held.

    When another process holds it, say on stderr whom this one waits for, and raise
    :class:`CacheLockTimeout` naming the holder after ``timeout`` seconds. An unwritable cache
    cannot be locked: then ``False``, and the caller only reads. The system releases the lock of a
    process that dies, so a killed writer never blocks the next one.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        if err.errno in (errno.EMFILE, errno.ENFILE):
            raise _environment(err, path, "open the lock of") from err
        yield False
        return
    try:
        try:
            _lock(fd, path, timeout)
        except CacheLockTimeout:  # a TimeoutError, so an OSError: not a read-only cache
            raise
        except OSError:
            yield False
            return
        _write_holder(fd)
        yield True
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError as err:
            if err.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _lock(fd: int, path: Path, timeout: float) -> None:
    if _try_lock(fd):
        return
    entry = path.name[1:].removesuffix(".lock")
    holder = _holder(path)
    print(f"ae_helpers cache: waiting for {holder} to finish cache entry {entry} "
          f"(lock {path}); giving up after {timeout:g} s (set ${LOCK_TIMEOUT_ENV} to wait longer)",
          file=sys.stderr, flush=True)
    deadline = time.monotonic() + timeout
    delay = 0.05
    while not _try_lock(fd):
        left = deadline - time.monotonic()
        if left <= 0:
            raise CacheLockTimeout(
                f"ae_helpers cache: gave up after {timeout:g} s waiting for {_holder(path)}, which "
                f"holds the lock {path} of cache entry {entry} (it is training or storing that "
                f"model). What to do: wait for it to finish and run again, set "
                f"${LOCK_TIMEOUT_ENV} (or lock_timeout=) to wait longer, or stop that process if "
                "it is stuck (the system releases its lock when it ends)."
            )
        time.sleep(min(delay, left))
        delay = min(delay * 1.5, 1.0)


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


_HINTS = {
    errno.EMFILE: "this process has too many files open: close some (figures, other data sets) "
                  "or raise the limit (ulimit -n), then run again",
    errno.ENFILE: "the system has too many files open: close some programs, then run again",
    errno.EACCES: f"this user may not read the cache: fix the folder's permissions, or set "
                  f"${CACHE_ENV} to a folder of your own",
    errno.EPERM: f"this user may not read the cache: fix the folder's permissions, or set "
                 f"${CACHE_ENV} to a folder of your own",
    errno.EIO: "the disk or file system reported an I/O error: check it, then run again",
}


def _environment(err: OSError, path: Path, doing: str = "read") -> CacheEnvironmentError:
    hint = _HINTS.get(err.errno, "check the disk and the folder's permissions, then run again")
    return CacheEnvironmentError(
        err.errno,
        f"ae_helpers cache: could not {doing} {path} ({type(err).__name__}: {err.strerror or err}). "
        f"This is a failure of the environment, not of the entry, which was left in place; "
        f"{hint}.",
    )


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes, ``None`` when it does not exist; any other failure is the environment's."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise _environment(err, path) from err


def _env_cause(err: BaseException) -> OSError | None:
    """An OSError with a system error code in ``err``'s chain (not a missing file): the environment."""
    seen = 0
    while err is not None and seen < 20:
        if isinstance(err, OSError) and err.errno not in (None, errno.ENOENT):
            return err
        err = err.__cause__ or err.__context__
        seen += 1
    return None


def _record_problem(meta: Any, key: Mapping[str, Any]) -> str | None:
    """What makes a parsed record unusable (``None``: nothing)."""
    if not isinstance(meta, dict):
        return f"its record is a JSON {type(meta).__name__}, not an object"
    if meta.get("key") != json.loads(json.dumps(key, sort_keys=True)):
        return "its key does not match the settings asked for"

    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    seconds = meta.get("seconds")
    if not number(seconds) or not math.isfinite(seconds) or seconds < 0:
        return f"its record is malformed: 'seconds' is {seconds!r}, expected a number >= 0"
    history = meta.get("history")
    if not isinstance(history, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(number(x) for x in v)
            for k, v in history.items()):
        return "its record is malformed: 'history' is not a mapping of names to lists of numbers"
    extras = meta.get("extras")
    if not isinstance(extras, list) or not all(isinstance(k, str) for k in extras):
        return "its record is malformed: 'extras' is not a list of names"
    for field in ("sha256", "extras_sha256") if extras else ("sha256",):
        digest = meta.get(field)
        if not (isinstance(digest, str) and len(digest) == 64
                and all(c in "0123456789abcdef" for c in digest)):
            return (f"its record has no valid {field!r} (a digest of its files; records written "
                    "before ae_helpers recorded one have none)")
    return None


def _problem(model_path: Path, meta_path: Path, extras_path: Path,
             key: Mapping[str, Any]) -> tuple[str | None, dict | None, dict]:
    """What is wrong with the entry itself (``None``: nothing), its record and its extras.

    Raises :class:`CacheEnvironmentError` when a file cannot be read for a reason outside the entry.
    """
    raw = _read_bytes(meta_path)
    if raw is None:
        return (f"it has no record {meta_path.name} (its writer was interrupted before the last "
                "step)"), None, {}
    data = _read_bytes(model_path)
    if data is None:
        return f"its model file {model_path.name} is missing", None, {}
    try:
        meta = json.loads(raw.decode())
    except ValueError as err:  # JSONDecodeError, UnicodeDecodeError
        return f"its record {meta_path.name} is unreadable ({type(err).__name__}: {_short(err)})", None, {}
    problem = _record_problem(meta, key)
    if problem is not None:
        return problem, None, {}
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return (f"its model file is not a complete .keras archive ({len(data)} bytes: truncated or "
                "overwritten)"), None, {}
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        return ("its model file no longer matches its record (SHA-256 differs: the file was "
                "replaced or changed after it was cached)"), None, {}
    extras: dict[str, np.ndarray] = {}
    if meta["extras"]:
        blob = _read_bytes(extras_path)
        if blob is None:
            return f"its extra arrays {extras_path.name} are missing", None, {}
        if hashlib.sha256(blob).hexdigest() != meta["extras_sha256"]:
            return "its extra arrays no longer match its record (SHA-256 differs)", None, {}
        try:
            with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
                extras = {k: npz[k] for k in npz.files}
        except (ValueError, zipfile.BadZipFile, EOFError) as err:
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
        except Exception as err:  # noqa: BLE001 - sorted below: the environment's or the entry's
            cause = _env_cause(err)
            if cause is not None:
                raise _environment(cause, model_path, "load the model") from err
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
    return Trained(model, meta["history"], float(meta["seconds"]), True, model_path, extras)


def _split_result(result: Any) -> tuple[Any, dict[str, np.ndarray]]:
    """The model and the extras a training function returned; anything else is refused with an
    :class:`UncacheableModelError` that carries the model."""
    if not isinstance(result, tuple):
        return result, {}
    if len(result) != 2:
        raise UncacheableModelError(
            f"ae_helpers cache: the training function returned a tuple of {len(result)} items; "
            "expected the model, or (model, extras) with extras a dict of names to NumPy arrays. "
            "Nothing was cached; the first item is the exception's .model.",
            result[0] if result else None, result[1:],
        )
    model, extras = result
    if not isinstance(extras, Mapping):
        text = repr(extras)
        text = text if len(text) <= 60 else text[:57] + "..."
        raise UncacheableModelError(
            f"ae_helpers cache: the training function returned extras of type "
            f"{type(extras).__name__} ({text}); expected a dict of names to NumPy arrays, e.g. "
            "(model, {'codes': codes}). Nothing was cached; the trained model is the exception's "
            ".model and the extras its .extras.",
            model, extras,
        )
    out = {}
    for k, v in extras.items():
        if not isinstance(k, str) or not k.isidentifier():
            raise UncacheableModelError(
                f"ae_helpers cache: extras key {k!r} is not a name (letters, digits, '_'); the "
                "cache stores extras by name. Nothing was cached; the trained model is the "
                "exception's .model.", model, extras)
        try:
            out[k] = np.asarray(v)
        except (ValueError, TypeError) as err:
            raise UncacheableModelError(
                f"ae_helpers cache: extras[{k!r}] is not an array ({type(err).__name__}: "
                f"{_short(err)}); return NumPy arrays. Nothing was cached; the trained model is "
                "the exception's .model.", model, extras) from err
    return model, out


def _check_finite(model: Any, history: Mapping[str, list[float]],
                  extras: Mapping[str, np.ndarray]) -> None:
    """Refuse a model whose training ended with a non-finite loss or that holds non-finite weights."""
    import keras

    what = None
    for name, values in history.items():
        if "loss" in name and values and not math.isfinite(values[-1]):
            what = f"its {name} in the last epoch ({len(values)}) is {values[-1]}"
            break
    if what is None:
        for weight in getattr(model, "weights", []):
            value = keras.ops.convert_to_numpy(weight)
            if np.issubdtype(value.dtype, np.floating) and not np.isfinite(value).all():
                what = f"its weight {weight.path if hasattr(weight, 'path') else weight.name!r} holds NaN or inf"
                break
    if what is not None:
        raise NonFiniteModelError(
            f"ae_helpers cache: training diverged: {what}, so the model was not cached (it would "
            "be served to every later call). What to do: lower the learning rate, check the data "
            "for NaN or values outside [0, 1], or change the seed. The model is the exception's "
            ".model and its history .history.",
            model, extras, history,
        )


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
    *,
    lock_timeout: float | None = None,
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
    lock_timeout : float, optional
        Seconds to wait while another process holds this entry's lock (it is training or storing
        the same model) before giving up; default ``$AE_HELPERS_LOCK_TIMEOUT``, else one hour.
        While it waits, one line on stderr says for whom.

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
        unregistered custom layer; the message names it), or the extras are not a mapping of
        names to numeric arrays. The trained model is the exception's ``model``.
    NonFiniteModelError
        If training ended with a non-finite loss or the model holds non-finite weights (a
        subclass of :class:`UncacheableModelError`: the model is its ``model``).
    CacheEnvironmentError
        If an entry could not be read for a reason outside it (out of file descriptors, an I/O
        error, permission denied); the entry is left in place.
    CacheLockTimeout
        If another process held the entry's lock for longer than ``lock_timeout``.

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
    if lock_timeout is None:
        lock_timeout = lock_timeout_default()
    elif (isinstance(lock_timeout, bool) or not isinstance(lock_timeout, (int, float))
          or not math.isfinite(lock_timeout) or lock_timeout < 0):
        raise ValueError(f"lock_timeout must be a number of seconds >= 0, got {lock_timeout!r}")
    key = cache_key(name, settings)
    model_path, meta_path = entry_paths(name, settings)
    stem = model_path.stem
    with _entry_lock(model_path.with_name(f".{stem}.lock"), float(lock_timeout)) as locked:
        if locked:
            _clean_leftovers(model_path.parent, stem)
        cached = _load(model_path, meta_path, key, may_delete=locked)
        if cached is not None:
            return cached
        start = time.perf_counter()
        result = train()
        seconds = time.perf_counter() - start
        model, extras = _split_result(result)
        _check_extras(extras, model)
        history_cb = getattr(model, "history", None)
        history = {
            k: [float(v) for v in vals] for k, vals in getattr(history_cb, "history", {}).items()
        }
        _check_finite(model, history, extras)
        record = {"format": RECORD_FORMAT, "key": key, "history": history, "seconds": seconds,
                  "extras": sorted(extras)}
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


def _file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _commit(model: Any, extras: Mapping[str, np.ndarray], record: Mapping[str, Any],
            model_path: Path, meta_path: Path) -> None:
    """Store an entry: the model and its extras first, the record last (an entry without its record
    is never used); on a failure, remove what was written."""
    extras_path = _extras_path(model_path)
    try:
        meta_path.unlink(missing_ok=True)
        atomic_save_model(model, model_path)
        record = {**record, "sha256": _file_sha256(model_path)}
        if extras:
            atomic_save_arrays(extras_path, extras)
            record["extras_sha256"] = _file_sha256(extras_path)
        atomic_write_text(meta_path, json.dumps(record, sort_keys=True, indent=1))
    except BaseException:
        for path in (meta_path, model_path, extras_path):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        raise
