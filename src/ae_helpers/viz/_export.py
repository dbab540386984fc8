"""Export a dense decoder's weights compactly, for the latent explorer's in-page forward pass.

Introduced in chapter 3 (``book/03_latent_holes.ipynb``), with the live latent explorer.

The static book has no kernel, so the explorer decodes latent points in the reader's browser with
the chapter's own decoder. Its weights must fit in the page: a 2→256→512→784 decoder has ~535k
weights (2.1 MB as float32). Each Dense kernel is stored as 8-bit integers with one scale per output
unit, compressed with deflate (the browser inflates it with its native ``DecompressionStream``);
layers that need finer steps get more (up to 16-bit, stored as a plane of low bytes and one of high
bytes, which deflate well).

Plain rounding to 8 bits moves decoded pixels by up to ~4/255 (measured on chapter 4's VAE). The
export rounds instead the way GPTQ does (Frantar et al., 2023): one input row at a time, pushing each
row's rounding error onto the rows not yet rounded, weighted by how the layer's inputs co-vary over
the map's box. A 2-D latent space makes those inputs nearly low-rank, so the compensation is very
effective. Layers differ in how much their rounding costs: the first layer (two inputs, nothing to
compensate with) and the pixel layer of a well-trained VAE need far finer steps than the middle ones.
So each layer's step is chosen from its own measured cost (the error when only it is rounded), giving
each layer an error share in proportion to its size (few bits spent where there are many weights).
The export then *measures* the worst pixel error against Keras on fresh random points of the box and
refines the steps until it is within the tolerance, so what the page shows is never silently off.
Measured on the book's models, chapter 4's explorer (both decoders, maps and script) adds 0.88 MB to
its page in quick mode and 0.98 MB in full mode (uniform 8-bit steps missed the tolerance in full
mode by up to 5/255, and uniform 16-bit steps made the page 1.6 MB).

:meth:`ExportedDecoder.forward` is a NumPy copy of the page's JavaScript forward pass (same weights,
same order of operations), used for that measurement and by the tests.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from ..models import run_model

SUPPORTED_ACTIVATIONS: tuple[str, ...] = (
    "linear", "relu", "sigmoid", "tanh", "softplus", "softsign", "elu", "selu", "silu",
    "leaky_relu", "relu6", "exponential",
)
"""Activations the in-page forward pass implements (Keras's names; ``swish`` is ``silu``)."""

SUPPORTED_LAYERS = (
    "Dense (activations: " + ", ".join(SUPPORTED_ACTIVATIONS) + "), Activation (after a linear "
    "Dense), Dropout, a Concatenate of the [code, one-hot label] inputs, and a final Reshape or Flatten"
)
"""What :func:`export_decoder` can export, in words (its error messages quote this)."""

TOLERANCE = 1.25 / 255
"""Largest pixel error (in [0, 1] units) the export accepts against Keras, measured on fresh points.
The page then rounds to whole grey levels, adding at most 0.5/255: under 2/255 in all."""

_MAX_LEVELS = 32767  # 16-bit weights at most
BLOCK = 2048  # points per block in the export's passes: bounded memory whatever their number


def _act(name: str, x: np.ndarray) -> np.ndarray:
    """The activations of :data:`SUPPORTED_ACTIVATIONS`, as Keras defines them (float64)."""
    if name == "linear":
        return x
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if name == "tanh":
        return np.tanh(x)
    if name == "softplus":
        return np.logaddexp(0.0, x)
    if name == "softsign":
        return x / (1.0 + np.abs(x))
    if name == "elu":
        return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))
    if name == "selu":
        return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(np.minimum(x, 0.0)))
    if name == "silu":
        return x / (1.0 + np.exp(-x))
    if name == "leaky_relu":
        return np.where(x > 0, x, 0.2 * x)
    if name == "relu6":
        return np.clip(x, 0.0, 6.0)
    if name == "exponential":
        return np.exp(x)
    raise ValueError(f"unsupported activation {name!r}")  # pragma: no cover - checked at export


def _activation_name(fn: Any, layer: Any) -> str:
    name = getattr(fn, "__name__", None)
    name = "silu" if name == "swish" else name
    if name not in SUPPORTED_ACTIVATIONS:
        raise ValueError(
            f"the latent explorer cannot export layer {layer.name!r} ({type(layer).__name__} with "
            f"activation {name or fn!r}); supported: {SUPPORTED_LAYERS}"
        )
    return name


def dense_chain(decoder: keras.Model) -> tuple[list[tuple[np.ndarray, np.ndarray, str]], int]:
    """The decoder as a chain of Dense layers ``[(kernel, bias, activation), ...]`` and its class count.

    Raises
    ------
    ValueError
        Naming the first layer that is not supported (and listing what is).
    """
    inputs = list(decoder.inputs)
    if len(inputs) not in (1, 2):
        raise ValueError(f"the latent explorer exports decoders with one input (the code) or two "
                         f"(code, one-hot label); {decoder.name!r} has {len(inputs)}")
    n_classes = int(inputs[1].shape[-1]) if len(inputs) == 2 else 0
    chain: list[tuple[np.ndarray, np.ndarray, str]] = []
    joined = len(inputs) == 1
    layers = [la for la in decoder.layers if not isinstance(la, keras.layers.InputLayer)]
    for k, layer in enumerate(layers):
        last = k == len(layers) - 1
        if isinstance(layer, keras.layers.Concatenate) and not joined and not chain:
            joined = True
        elif isinstance(layer, keras.layers.Dense) and joined:
            kernel = keras.ops.convert_to_numpy(layer.kernel).astype(np.float64)
            bias = (keras.ops.convert_to_numpy(layer.bias).astype(np.float64) if layer.use_bias
                    else np.zeros(kernel.shape[1]))
            chain.append((kernel, bias, _activation_name(layer.activation, layer)))
        elif isinstance(layer, keras.layers.Activation) and chain and chain[-1][2] == "linear":
            chain[-1] = (*chain[-1][:2], _activation_name(layer.activation, layer))
        elif isinstance(layer, keras.layers.Dropout) or (
                last and isinstance(layer, (keras.layers.Reshape, keras.layers.Flatten))):
            pass
        else:
            raise ValueError(
                f"the latent explorer cannot export layer {layer.name!r} ({type(layer).__name__}) "
                f"of {decoder.name!r}; supported: {SUPPORTED_LAYERS}"
            )
    if not chain:
        raise ValueError(f"{decoder.name!r} has no Dense layer to export; supported: {SUPPORTED_LAYERS}")
    return chain, n_classes


def _gptq(kernel: np.ndarray, inputs: np.ndarray | list[np.ndarray],
          levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Round ``kernel`` (in, out) to integers in [-levels, levels] times one scale per output unit,
    compensating each input row's rounding error on the later rows (GPTQ), for these ``inputs``
    (an array of points, or a list of blocks of them)."""
    w = kernel.copy()
    blocks = inputs if isinstance(inputs, list) else [inputs]
    h = np.zeros((blocks[0].shape[1],) * 2)
    for block in blocks:  # in float64, a block of points at a time
        for start in range(0, len(block), BLOCK):
            part = block[start : start + BLOCK].astype(np.float64)
            h += part.T @ part
    h /= sum(len(block) for block in blocks)
    dead = np.diag(h) == 0  # an input that is zero all over the box: its weights never count
    h[dead, dead] = 1.0
    w[dead] = 0.0
    h += 0.01 * np.mean(np.diag(h)) * np.eye(len(h))
    upper = np.linalg.cholesky(np.linalg.inv(h)).T
    scale = np.abs(kernel).max(axis=0) / levels
    scale[scale == 0] = 1.0
    q = np.zeros(w.shape, dtype=np.int32)
    for i in range(len(w)):
        q[i] = np.clip(np.round(w[i] / scale), -levels, levels)
        err = (w[i] - q[i] * scale) / upper[i, i]
        w[i + 1:] -= np.outer(upper[i, i + 1:], err)
    return q, scale.astype(np.float32)


# 85 printable ASCII characters that need no escaping in a JSON string inside an HTML <script>
# (no quote, apostrophe, backslash, <, > or &): base85 is 5 characters per 4 bytes, base64 6 per 4.
B85_ALPHABET = "".join(c for c in map(chr, range(33, 127)) if c not in "\"'\\<>&")[:85]


def b85(data: bytes) -> str:
    """Encode bytes with :data:`B85_ALPHABET` (big-endian groups of 4 bytes, zero-padded).

    Examples
    --------
    >>> b85(bytes([0, 0, 0, 1]))
    '!!!!#'
    """
    padded = np.frombuffer(data + b"\0" * (-len(data) % 4), dtype=">u4").astype(np.int64)
    digits = np.empty((len(padded), 5), dtype=np.int64)
    for k in range(4, -1, -1):
        padded, digits[:, k] = np.divmod(padded, 85)
    return np.frombuffer(B85_ALPHABET.encode("ascii"), dtype=np.uint8)[digits].tobytes().decode("ascii")


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


@dataclass(frozen=True)
class ExportedDecoder:
    """A decoder's weights as the page stores them, with the error measured against Keras.

    Attributes
    ----------
    activations : list of str
        One per Dense layer.
    shapes : list of (int, int)
        Each layer's ``(inputs, outputs)``.
    weights : list of np.ndarray
        Each kernel as integers in ``[-levels[k], levels[k]]`` (int8 or int16), ``(inputs, outputs)``.
    scales, biases : list of np.ndarray
        float32, one per output unit; a weight is ``weights[k][i, j] * scales[k][j]``.
    levels : tuple of int
        Each layer's largest integer: 127 (8-bit weights) up to 32767 (16-bit).
    n_classes : int
        Length of the one-hot label the decoder reads besides the code (0: none).
    image_shape : tuple of int
        ``(height, width)`` of a decoded image.
    max_error : float
        Largest absolute difference between a pixel the page draws and Keras's, over the check
        points, in [0, 1] units.
    """

    activations: list[str]
    shapes: list[tuple[int, int]]
    weights: list[np.ndarray]
    scales: list[np.ndarray]
    biases: list[np.ndarray]
    levels: tuple[int, ...]
    n_classes: int
    image_shape: tuple[int, int]
    max_error: float

    def forward(self, codes: np.ndarray, labels: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """Decode ``codes`` (n, 2) (and integer ``labels``) as the page does: ``(n, h, w)`` in [0, 1]."""
        h = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)
        if self.n_classes:
            onehot = np.eye(self.n_classes)[np.asarray(labels, dtype=int)]
            h = np.concatenate([h, onehot], axis=1)
        for q, s, b, act in zip(self.weights, self.scales, self.biases, self.activations):
            h = _act(act, (h @ q.astype(np.float64)) * s.astype(np.float64) + b.astype(np.float64))
        return np.clip(h, 0.0, 1.0).reshape(len(h), *self.image_shape)

    def to_json(self) -> dict[str, Any]:
        """The page's copy: layer shapes, activations, base64 float32 scales and biases, and every
        kernel's integers concatenated, deflated and base85-encoded (``"weights"``, see ``b85``)."""
        packed = zlib.compress(b"".join(_layer_bytes(q, levels)
                                        for q, levels in zip(self.weights, self.levels)), 9)
        return {
            "layers": [{"n_in": int(i), "n_out": int(o), "act": a, "scale": _b64(s.astype("<f4")),
                        "bias": _b64(b.astype("<f4")), "bits": 8 if levels <= 127 else 16}
                       for (i, o), a, s, b, levels in zip(self.shapes, self.activations, self.scales,
                                                          self.biases, self.levels)],
            "weights": b85(packed), "weights_bytes": len(packed),
            "n_classes": self.n_classes,
            "shape": list(self.image_shape),
            "max_error": self.max_error,
        }


def _layer_bytes(q: np.ndarray, levels: int) -> bytes:
    """A kernel's integers as the page reads them: int8, or int16 as all low bytes then all high
    bytes (the high bytes are nearly all 0 or 255: deflate shrinks them to little)."""
    if levels <= 127:
        return np.ascontiguousarray(q.astype(np.int8)).tobytes()
    pairs = np.ascontiguousarray(q.astype("<i2")).view(np.uint8).reshape(-1, 2)
    return pairs[:, 0].tobytes() + pairs[:, 1].tobytes()


def _image_shape(decoder: keras.Model, n_pixels: int) -> tuple[int, int]:
    shape = tuple(decoder.output_shape[1:])
    if len(shape) == 2 and shape[0] * shape[1] == n_pixels:
        return int(shape[0]), int(shape[1])
    side = int(round(np.sqrt(n_pixels)))
    if side * side != n_pixels:
        raise ValueError(f"the latent explorer draws square greyscale images; {decoder.name!r} "
                         f"outputs {decoder.output_shape}")
    return side, side


def _points(low: np.ndarray, high: np.ndarray, n_classes: int, n_grid: int, n_random: int,
            seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a, b = np.meshgrid(np.linspace(low[0], high[0], n_grid), np.linspace(low[1], high[1], n_grid))
    codes = np.concatenate([np.stack([a.ravel(), b.ravel()], axis=1),
                            low + (high - low) * rng.uniform(size=(n_random, 2))])
    labels = np.zeros(len(codes), dtype=int)
    if n_classes:
        labels = np.repeat(np.arange(n_classes), len(codes))
        codes = np.tile(codes, (n_classes, 1))
    return codes.astype(np.float32), labels


def decoded_by_keras(decoder: keras.Model, codes: np.ndarray, labels: Any = None,
                     n_classes: int = 0) -> np.ndarray:
    """The decoder's raw output for ``codes`` (with one-hot ``labels`` for a conditional decoder)."""
    codes = np.asarray(codes, dtype="float32")
    inputs: Any = codes
    if n_classes:
        labels = np.broadcast_to(np.asarray(0 if labels is None else labels, dtype=int), len(codes))
        inputs = [codes, np.eye(n_classes, dtype="float32")[labels]]
    return run_model(decoder, inputs)[0]


def _keras(decoder: keras.Model, codes: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    return np.asarray(decoded_by_keras(decoder, codes, labels, n_classes),
                      dtype=np.float64).reshape(len(codes), -1)


def export_decoder(
    decoder: keras.Model,
    *,
    low: Sequence[float],
    high: Sequence[float],
    tolerance: float = TOLERANCE,
    seed: int = 0,
) -> ExportedDecoder:
    """Export a dense decoder for the in-page forward pass, checked against Keras over a box.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``), with the live latent explorer.

    Parameters
    ----------
    decoder : keras.Model
        Dense layers only (see ``ae_helpers.viz.SUPPORTED_LAYERS``); input ``(n, 2)`` codes, or ``[codes,
        one-hot labels]`` for a conditional decoder; output ``(n, h*w)`` or ``(n, h, w)`` in [0, 1].
    low, high : pair of float
        The box of latent points the page may decode (the explorer's map); the weights are rounded
        for it and the error is measured in it.
    tolerance : float
        Largest accepted pixel error against Keras; each layer's steps are made as coarse as this
        allows (8-bit at the coarsest, 16-bit at the finest).
    seed : int
        Seed of the random points used to round and to check.

    Returns
    -------
    ExportedDecoder
        The weights, and ``max_error`` measured on random points of the box not used to round.

    Raises
    ------
    ValueError
        If a layer is not supported (the message names it and lists what is), or if even the
        finest steps miss the tolerance (a graph that is not a plain chain of the supported layers).

    Examples
    --------
    >>> from ae_helpers.models import dense_decoder
    >>> exported = export_decoder(dense_decoder(2, hidden=(16,)), low=(-2, -2), high=(2, 2))
    >>> exported.image_shape, len(exported.levels), exported.max_error < 1.25 / 255
    ((28, 28), 2, True)
    """
    chain, n_classes = dense_chain(decoder)
    low_a, high_a = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    fit_codes, fit_labels = _points(low_a, high_a, n_classes, 50 if n_classes else 80,
                                    300 if n_classes else 2000, seed)
    check_codes, check_labels = _points(low_a, high_a, n_classes, 2, 200 if n_classes else 2000,
                                        seed + 1)
    expected = np.clip(_keras(decoder, check_codes, check_labels, n_classes), 0.0, 1.0)
    shape = _image_shape(decoder, chain[-1][0].shape[1])
    shapes = [(int(w.shape[0]), int(w.shape[1])) for w, _, _ in chain]
    # The fit points' activations in float32, as Keras computes them, and in blocks of points: the
    # conditional VAE's 28,000 points through 784 pixels took 0.4 GB of kernel memory in float64.
    inputs = fit_codes.astype(np.float32)
    if n_classes:
        inputs = np.concatenate([inputs, np.eye(n_classes, dtype=np.float32)[fit_labels]], axis=1)
    chain32 = [(kernel.astype(np.float32), bias.astype(np.float32), act) for kernel, bias, act in chain]
    first = [inputs[i : i + BLOCK] for i in range(0, len(inputs), BLOCK)]

    def layer(h: np.ndarray, k: int, q: np.ndarray | None = None, sc: np.ndarray | None = None
              ) -> np.ndarray:  # layer k, with its float weights or with rounded ones
        kernel, bias, act = chain32[k]
        return _act(act, h @ kernel + bias if q is None else (h @ q.astype(np.float32)) * sc + bias)

    def onward(h: np.ndarray, start: int) -> np.ndarray:  # the float layers from ``start`` on
        for k in range(start, len(chain32)):
            h = layer(h, k)
        return h

    def quantise(levels: Sequence[int]) -> ExportedDecoder:
        blocks, weights, scales = first, [], []
        for k, ((kernel, _, _), lv) in enumerate(zip(chain, levels)):
            q, sc = _gptq(kernel, blocks, int(lv))
            weights.append(q.astype(np.int8 if lv <= 127 else np.int16))
            scales.append(sc)
            if k + 1 < len(chain):  # the next layer's inputs, through the rounded weights
                blocks = [layer(b, k, q, sc) for b in blocks]
        return ExportedDecoder(
            activations=[a for _, _, a in chain], shapes=shapes, weights=weights, scales=scales,
            biases=[b.astype(np.float32) for _, b, _ in chain], levels=tuple(int(v) for v in levels),
            n_classes=n_classes, image_shape=shape, max_error=0.0)

    # Each layer's cost: the largest pixel change when only it is rounded to 8 bits (on the fit
    # points, against the float chain). Give layer k the error share n_k / n of the tolerance.
    solo, blocks = [], first
    for k, (kernel, _, _) in enumerate(chain):
        q, sc = _gptq(kernel, blocks, 127)
        solo.append(max(float(np.abs(np.clip(onward(layer(b, k, q, sc), k + 1), 0, 1)
                                     - np.clip(onward(b, k), 0, 1)).max()) for b in blocks))
        if k + 1 < len(chain):
            blocks = [layer(b, k) for b in blocks]  # the next layer's float inputs
    del blocks
    sizes = np.array([w.size for w, _, _ in chain], dtype=np.float64)
    wanted = 127 * np.array(solo) * sizes.sum() / (sizes * 0.8 * tolerance)
    levels = np.clip(2 ** np.ceil(np.log2(wanted + 1)) - 1, 127, _MAX_LEVELS).astype(int)
    while True:
        exported = quantise(levels)
        got = exported.forward(check_codes, check_labels).reshape(len(check_codes), -1)
        error = float(np.abs(got - expected).max())
        if error <= tolerance:
            return ExportedDecoder(**{**exported.__dict__, "max_error": error})
        if np.all(levels >= _MAX_LEVELS):
            break
        levels = np.minimum(2 * levels + 1, _MAX_LEVELS)  # one bit finer everywhere
    raise ValueError(
        f"the exported {decoder.name!r} decodes up to {error * 255:.1f}/255 away from Keras even "
        f"with 16-bit weights: is it a plain chain of {SUPPORTED_LAYERS}?"
    )
