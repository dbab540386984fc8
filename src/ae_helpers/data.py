"""Loading MNIST as float32 images in [0, 1], from a local file or from Keras.

Introduced in the prelude (``book/00_why_pixels_fail.ipynb``).

Where the data comes from, in order:

1. an explicit ``path=`` to an ``.npz`` file in Keras's layout
   (keys ``x_train``, ``y_train``, ``x_test``, ``y_test``);
2. the environment variable ``AE_HELPERS_MNIST`` naming such a file;
3. :func:`keras.datasets.mnist.load_data`, which downloads (11 MB) on first use.

Within one Python process the file is read once, and a call that asks for images another call still
holds gets the same (read-only) array: the helpers call :func:`load_mnist` too, and without this
every trained model would hold its own 188 MB copy of the training images while it trains.
"""

from __future__ import annotations

import hashlib
import os
import weakref
import zipfile
from pathlib import Path
from typing import Any
from typing import Literal

import numpy as np

MNIST_ENV = "AE_HELPERS_MNIST"
Layout = Literal["flat", "image", "channels"]
_KEYS = ("x_train", "y_train", "x_test", "y_test")
_SHAPES = {"flat": (784,), "image": (28, 28), "channels": (28, 28, 1)}

Split = tuple[np.ndarray, np.ndarray]

# The raw uint8 arrays of the last file read (about 55 MB), keyed by its path and the SHA-256 of
# its bytes (a file rewritten with the same size and mtime is read again); and
# the float images handed out, kept only while somebody holds them.
_RAW: dict[tuple, tuple[Split, Split]] = {}
_IMAGES: weakref.WeakValueDictionary[tuple, np.ndarray] = weakref.WeakValueDictionary()


class MnistUnavailableError(OSError):
    """MNIST could not be loaded; the message says why and what to do."""


def _fail(reason: str) -> MnistUnavailableError:
    return MnistUnavailableError(
        f"MNIST could not be loaded: {reason}\n"
        f"What to do: set the environment variable {MNIST_ENV} to a Keras-layout mnist.npz "
        "(keys x_train, y_train, x_test, y_test), pass load_mnist(path=...), "
        "or connect to the internet so that keras.datasets.mnist.load_data() can download it."
    )


def _read_npz(path: Path) -> tuple[Split, Split]:
    if not path.is_file():
        raise _fail(f"no file at {str(path)!r}.")
    try:
        with open(path, "rb") as f:
            magic = f.read(2)
    except OSError as err:
        raise _fail(f"{str(path)!r} cannot be read ({type(err).__name__}: {err}).") from err
    if magic == b"\x1f\x8b":  # numpy would suggest allow_pickle=True, which is never the fix
        raise _fail(f"{str(path)!r} is gzip-compressed; decompress it first (gunzip "
                    f"{path.name}, or gzip.open in Python) and load the .npz inside.")
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise _fail(
                f"{str(path)!r} holds a single array of shape {getattr(loaded, 'shape', None)} (a .npy "
                "file), not an .npz archive with the keys x_train, y_train, x_test, y_test."
            )
        with loaded as npz:
            missing = [k for k in _KEYS if k not in npz.files]
            if missing:
                raise _fail(f"{str(path)!r} lacks the keys {missing} (it has {sorted(npz.files)}).")
            arrays = {k: npz[k] for k in _KEYS}
    except MnistUnavailableError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as err:
        raise _fail(f"{str(path)!r} is not a readable .npz file ({type(err).__name__}: {err}).") from err
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _download() -> tuple[Split, Split]:
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as err:  # noqa: BLE001 - any failure of the download is the same for a reader
        raise _fail(
            f"{MNIST_ENV} is not set and the Keras download failed ({type(err).__name__}: {err})."
        ) from err


def _check(split: Split, name: str) -> None:
    x, y = split
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise _fail(f"{name} images have shape {x.shape}; expected (n, 28, 28).")
    if x.dtype != np.uint8:
        raise _fail(f"{name} images have dtype {x.dtype}; expected uint8 (0-255).")
    if len(x) == 0:
        raise _fail(f"the {name} split is empty (shape {x.shape}); expected images.")
    if y.ndim != 1 or len(y) != len(x):
        raise _fail(f"{name} labels have shape {y.shape}; expected ({len(x)},).")
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise _fail(f"{name} labels have dtype {y.dtype}; expected integers 0-9 (a float label "
                    "would be truncated, a NaN label would become a huge negative number).")
    if y.min() < 0 or y.max() > 9:
        raise _fail(f"{name} labels run from {y.min()} to {y.max()}; expected 0-9.")


def stratified_indices(labels: np.ndarray, size: int, *, seed: int = 0) -> np.ndarray:
    """Pick ``size`` indices whose labels keep the class proportions of ``labels``.

    Parameters
    ----------
    labels : np.ndarray
        Integer class labels, shape ``(n,)``.
    size : int
        How many indices to return, ``1 <= size <= n``.
    seed : int
        Seed of the random choice within each class.

    Returns
    -------
    np.ndarray
        Sorted indices, shape ``(size,)``.

    Examples
    --------
    >>> y = np.array([0] * 80 + [1] * 20)
    >>> idx = stratified_indices(y, 10)
    >>> np.bincount(y[idx]).tolist()
    [8, 2]
    """
    labels = np.asarray(labels)
    n = len(labels)
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"subset size must be an int, got {type(size).__name__}")
    if not 1 <= size <= n:
        raise ValueError(f"subset size must be between 1 and {n}, got {size}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {seed!r} ({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed}")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * size / n
    take = np.floor(exact).astype(int)
    # Hand the remaining places to the classes with the largest remainders.
    for i in np.argsort(-(exact - take), kind="stable")[: size - take.sum()]:
        take[i] += 1
    chosen = [
        rng.choice(np.flatnonzero(labels == c), size=k, replace=False)
        for c, k in zip(classes, take)
    ]
    return np.sort(np.concatenate(chosen))


def _read(path: Path | None) -> tuple[tuple | None, tuple[Split, Split]]:
    """The raw arrays, read once per file (a changed file is read again), and a key naming them.

    Keras downloads are not kept here (Keras keeps the file); their key is ``None``.
    """
    key = None
    if path is not None:
        try:
            with open(path, "rb") as f:  # size and mtime can stay the same after a rewrite
                key = (str(path.resolve()), hashlib.file_digest(f, "sha256").hexdigest())
        except OSError:
            pass  # _read_npz says what is wrong
    if key is None or key not in _RAW:
        splits = _read_npz(path) if path is not None else _download()
        _check(splits[0], "training")
        _check(splits[1], "test")
        for array in (*splits[0], *splits[1]):
            array.flags.writeable = False
        if key is None:
            return None, splits
        _RAW.clear()
        _RAW[key] = splits
    return key, _RAW[key]


def _subset(labels: np.ndarray, size: Any, seed: int, name: str) -> np.ndarray | None:
    """The stratified indices of a ``size``-image subset (checked), or ``None`` for all."""
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"{name} must be an int or None, got {size!r} ({type(size).__name__})")
    if not 1 <= size <= len(labels):
        raise ValueError(f"{name} must be an int from 1 to {len(labels)}, got {size}")
    return stratified_indices(labels, size, seed=seed)


def _prepare(source: tuple | None, split: Split, size: int | None, layout: Layout, seed: int,
             name: str = "size") -> Split:
    x, y = split
    idx = _subset(y, size, seed, name)
    key = None if source is None else (source, len(x), size, seed if size is not None else None)
    images = None if key is None else _IMAGES.get(key)
    if images is None:
        # astype then divide in place: float32 all the way (uint8 / 255.0 would make float64).
        # (The array that owns the memory is kept: views handed out point at it, not at each other.)
        images = (x if idx is None else x[idx]).astype(np.float32)
        images /= 255.0
        images.flags.writeable = False
        if key is not None:
            _IMAGES[key] = images
    labels = (y if idx is None else y[idx]).astype(np.int64)
    return images.reshape((len(images),) + _SHAPES[layout]), labels


def load_mnist(
    path: str | os.PathLike[str] | None = None,
    *,
    layout: Layout = "flat",
    train_size: int | None = None,
    test_size: int | None = None,
    seed: int = 0,
) -> tuple[Split, Split]:
    """Load MNIST as float32 images in [0, 1] with integer labels.

    Introduced in the prelude (``book/00_why_pixels_fail.ipynb``).

    Parameters
    ----------
    path : str or path-like, optional
        A Keras-layout ``mnist.npz``. If omitted, ``$AE_HELPERS_MNIST``, then Keras's download.
    layout : {"flat", "image", "channels"}
        Image shape: ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)``.
    train_size, test_size : int, optional
        Take a stratified subset of this many images (class proportions kept).
    seed : int
        Seed of the subset choice.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        Images as float32 in [0, 1], labels as int64 in 0-9. The images are read-only and may be
        shared with other calls (every layout is a view of the same array): ``x.copy()`` gives
        an array of your own to change.

    Raises
    ------
    MnistUnavailableError
        If the file is missing, unreadable or malformed, or the download fails.
    ValueError
        If ``layout`` or a subset size is invalid.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist(train_size=1000, test_size=100)
    >>> x_train.shape, x_train.dtype, float(x_train.max()) <= 1.0
    ((1000, 784), dtype('float32'), True)
    """
    source, (train, test) = _source(path, layout, seed)
    return (_prepare(source and source + ("train",), train, train_size, layout, seed, "train_size"),
            _prepare(source and source + ("test",), test, test_size, layout, seed, "test_size"))


def _source(path: str | os.PathLike[str] | None, layout: Layout,
            seed: int) -> tuple[tuple | None, tuple[Split, Split]]:
    """Check :func:`load_mnist`'s ``layout`` and ``seed``; return the raw splits and their key."""
    if layout not in _SHAPES:
        raise ValueError(f"layout must be one of {sorted(_SHAPES)}, got {layout!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {seed!r} ({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed}")
    if path is None and os.environ.get(MNIST_ENV):
        path = os.environ[MNIST_ENV]
    return _read(Path(path).expanduser() if path is not None else None)


class ByteImages:
    """Images kept as their 0-255 bytes and read as float32 in [0, 1], a batch at a time.

    MNIST's 60,000 training images take 47 MB as bytes and 188 MB as float32. A model trains on one
    batch at a time, so the recipes of :mod:`ae_helpers.training` hand :func:`~ae_helpers.training.train`
    the bytes (:func:`load_mnist_training` with ``as_bytes=True``) and each batch is converted as
    it is drawn, to the same float32 values ``load_mnist`` gives. Indexing the first axis gives a
    float32 NumPy array; ``np.asarray(images)`` converts them all. Its values lie in [0, 1] by
    construction, so the helpers' checks need not scan them.

    Parameters
    ----------
    raw : np.ndarray
        uint8 pixels, first axis = images.
    shape : tuple of int, optional
        The shape of one image as it is read (same number of values); default ``raw``'s.

    Examples
    --------
    >>> images = ByteImages(np.array([[0, 51, 255], [255, 0, 102]], dtype=np.uint8))
    >>> images[1].tolist(), images[[0]].dtype.name, len(images), images.shape
    ([1.0, 0.0, 0.4000000059604645], 'float32', 2, (2, 3))
    >>> np.asarray(images.reshape((2, 3, 1))).shape
    (2, 3, 1)
    """

    dtype = np.dtype(np.float32)
    pixels_in_unit_interval = True  # read by the helpers' checks: nothing to scan

    def __init__(self, raw: np.ndarray, shape: tuple[int, ...] | None = None) -> None:
        if not isinstance(raw, np.ndarray) or raw.dtype != np.uint8 or raw.ndim < 2:
            raise TypeError(f"raw must be a uint8 NumPy array of images (n, ...), got "
                            f"{type(raw).__name__} {getattr(raw, 'dtype', '')} "
                            f"{getattr(raw, 'shape', '')}")
        shape = tuple(int(d) for d in (raw.shape[1:] if shape is None else shape))
        if int(np.prod(shape)) != int(np.prod(raw.shape[1:])):
            raise ValueError(f"shape {shape} does not hold the {int(np.prod(raw.shape[1:]))} "
                             "values of one image")
        self._raw, self.shape = raw, (len(raw),) + shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return f"ByteImages(shape={self.shape}, 0-255 bytes read as float32 in [0, 1])"

    def _floats(self, rows: np.ndarray) -> np.ndarray:
        out = rows.astype(np.float32)
        out /= np.float32(255.0)  # the same float32 values as load_mnist's
        return out

    def __getitem__(self, index: Any) -> np.ndarray:
        """Images of the first axis, as float32 in [0, 1] (any other index: of the converted array)."""
        if isinstance(index, tuple):
            return np.asarray(self)[index]
        rows = self._raw[index]
        if rows.ndim == self._raw.ndim - 1:  # one image
            return self._floats(rows).reshape(self.shape[1:])
        return self._floats(rows).reshape((len(rows),) + self.shape[1:])

    def reshape(self, *shape: Any) -> ByteImages:
        """The same images read in another shape ``(n, ...)`` (the bytes are shared)."""
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], tuple) else shape
        if len(shape) < 2 or shape[0] not in (len(self), -1):
            raise ValueError(f"reshape keeps the images: want ({len(self)}, ...), got {shape}")
        return ByteImages(self._raw, tuple(shape[1:]))

    def blocks(self, rows: int = 5000) -> Any:
        """The float32 images, ``rows`` at a time (for a pass over all without a full copy)."""
        for start in range(0, len(self), rows):
            yield self[start : start + rows]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = np.empty(self.shape, np.float32)
        for start, block in zip(range(0, len(self), 5000), self.blocks(5000)):
            out[start : start + len(block)] = block
        return out if dtype is None else out.astype(dtype)


def load_mnist_training(*, layout: Layout = "flat", train_size: int | None = None,
                        seed: int = 0, as_bytes: bool = False) -> tuple[Any, np.ndarray]:
    """The training split of :func:`load_mnist` alone: ``(x_train, y_train)``, the same arrays.

    For a model trained on MNIST that never looks at the test images (the recipes of
    :mod:`ae_helpers.training`): ``load_mnist`` would also make the float32 test images (31 MB)
    only to drop them. With ``as_bytes=True`` the images come as :class:`ByteImages` (47 MB for
    all 60,000 instead of 188 MB), read as the same float32 values a batch at a time.

    Examples
    --------
    >>> x, y = load_mnist_training(train_size=100)
    >>> x.shape, bool(np.shares_memory(x, load_mnist(train_size=100)[0][0]))
    ((100, 784), True)
    >>> b, _ = load_mnist_training(train_size=100, as_bytes=True)
    >>> b.shape, bool(np.array_equal(np.asarray(b), x))
    ((100, 784), True)
    """
    source, (train, _) = _source(None, layout, seed)
    if not as_bytes:
        return _prepare(source and source + ("train",), train, train_size, layout, seed,
                        "train_size")
    x, y = train
    idx = _subset(y, train_size, seed, "train_size")
    if idx is not None:
        x, y = x[idx], y[idx]
    return ByteImages(x, _SHAPES[layout]), y.astype(np.int64)


def load_mnist_test(*, layout: Layout = "flat", test_size: int | None = None,
                    seed: int = 0) -> Split:
    """The test split of :func:`load_mnist` alone: ``(x_test, y_test)``, the same arrays.

    For a recipe that measures on the test images and reads its training images as
    :class:`ByteImages` (:func:`load_mnist_training`): ``load_mnist`` would also make the float32
    training images (188 MB) only to drop them.

    Examples
    --------
    >>> x, y = load_mnist_test(test_size=50)
    >>> x.shape, bool(np.shares_memory(x, load_mnist(test_size=50)[1][0]))
    ((50, 784), True)
    """
    source, (_, test) = _source(None, layout, seed)
    return _prepare(source and source + ("test",), test, test_size, layout, seed, "test_size")


def binarise(x: Any, *, seed: int = 0) -> np.ndarray:
    """Draw black-and-white images: each pixel is 1 with probability equal to its grey level.

    Used once, with a fixed seed, on the test set; the training set is redrawn every epoch by
    :class:`ae_helpers.training.BinarisedBatches`.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    x : array-like
        Images with values in [0, 1], any shape.
    seed : int
        Seed of the draws: the same seed gives the same binary images.

    Returns
    -------
    np.ndarray
        float32 array of 0s and 1s, the shape of ``x``.

    Raises
    ------
    ValueError
        If a value of ``x`` lies outside [0, 1].

    Examples
    --------
    >>> binarise(np.array([[0.0, 1.0, 0.0, 1.0]]), seed=0).tolist()
    [[0.0, 1.0, 0.0, 1.0]]
    >>> round(float(binarise(np.full((100, 100), 0.3), seed=1).mean()), 2)
    0.3
    """
    arr = np.asarray(x, dtype=np.float32)
    if arr.size and (not np.isfinite(arr).all() or arr.min() < 0 or arr.max() > 1):
        raise ValueError(f"x must hold grey levels in [0, 1], got values from {arr.min()} to {arr.max()}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be an int >= 0, got {seed!r} ({type(seed).__name__})")
    return (np.random.default_rng(int(seed)).random(arr.shape, dtype=np.float32) < arr).astype(np.float32)
