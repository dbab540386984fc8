"""A live latent explorer: point at a 2-D latent map and see the decoder's digit at once.

Introduced in chapter 3 (``book/03_latent_holes.ipynb``); chapter 4 sets the VAE's plane beside the
autoencoder's, and chapter 5 drives a conditional VAE (choose the digit, move the style point).

The explorer's output is a small web page of its own (``text/html``): a map of the latent space (the
test codes, coloured by digit) with a pointer, and the digit decoded at the pointer. The decoding runs
in the reader's browser, with no kernel and no network: the chapter's own decoder is exported when
the chapter runs (:func:`ae_helpers.viz.export_decoder`: 8-bit weights, deflated, checked against
Keras) and a short script (``_explorer.js``) runs its Dense layers. It works the same in a running
notebook and in the static book. The output also carries a still picture (a decoded grid) for
front ends that show no HTML.
"""

from __future__ import annotations

import base64
import io
import json
from importlib import resources
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex
import numpy as np

from .._checks import check_int, check_number
from ..models import model_output
from ._export import ExportedDecoder, decoded_by_keras, dense_chain, export_decoder
from ._latent import DIGIT_COLOURS
from ._images import mosaic, show_image

_CSS = """
#{id}{{--aex-fg:var(--pst-color-text-base,#222);--aex-bg:var(--pst-color-background,#fff);
  --aex-muted:#888;color:var(--aex-fg);background:var(--aex-bg);margin:0.5em 0;padding:0.5em;
  border-radius:6px}}
html[data-theme="dark"] #{id}{{--aex-fg:var(--pst-color-text-base,#ddd);
  --aex-bg:var(--pst-color-background,#14181e);--aex-muted:#999}}
#{id} .aex-panels{{display:flex;flex-wrap:wrap;gap:1em}}
#{id} .aex-panel{{margin:0;width:312px}}
#{id} .aex-panel figcaption{{font-weight:600;margin-bottom:0.3em}}
#{id} .aex-row{{display:flex;gap:0.6em;align-items:center}}
#{id} .aex-map{{width:216px;height:216px;touch-action:none;cursor:crosshair;border-radius:4px}}
#{id} .aex-map:focus-visible{{outline:3px solid #1a73e8;outline-offset:2px}}
#{id} .aex-digit{{width:84px;height:84px;image-rendering:pixelated;border:1px solid var(--aex-muted)}}
#{id} .aex-status{{font-size:0.85em;margin:0.3em 0 0 0;min-height:2.6em}}
#{id} .aex-legend{{font-size:0.85em;margin:0.2em 0}}
#{id} .aex-legend span{{display:inline-block;margin-right:0.5em}}
#{id} .aex-legend i{{display:inline-block;width:0.8em;height:0.8em;border-radius:50%;margin-right:0.2em}}
#{id} .aex-label{{min-width:1.8em;margin:1px;padding:0.1em 0.2em;font-size:0.85em;color:var(--aex-fg);
  background:var(--aex-bg);border:1px solid var(--aex-muted);border-radius:3px;cursor:pointer}}
#{id} .aex-label[aria-pressed="true"]{{background:#1a73e8;color:#fff;border-color:#1a73e8}}
"""
_PALETTE = tuple(to_hex(c) for c in DIGIT_COLOURS)  # the book's digit colours (legend and map)
_counter = [0]


def _inputs(decoder: Any) -> tuple[int, int]:
    """The decoder's latent size and the length of the one-hot label it also reads (0: none)."""
    inputs = list(getattr(decoder, "inputs", None) or [])
    if len(inputs) == 2:  # a conditional decoder: [code, one-hot label]
        return int(inputs[0].shape[-1]), int(inputs[1].shape[-1])
    from ..models import latent_dim_of

    return latent_dim_of(decoder), 0


def _decode(decoder: Any, codes: np.ndarray, label: int | None = None, n_classes: int = 0) -> np.ndarray:
    return model_output(decoder, decoded_by_keras(decoder, codes, label, n_classes))


def _png(image: np.ndarray, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    if image.ndim == 2:  # dark ink on white, enlarged
        plt.imsave(buffer, np.kron(1.0 - image, np.ones((scale, scale))), cmap="gray", vmin=0,
                   vmax=1, format="png")
    else:  # colour, enlarged
        plt.imsave(buffer, np.kron(np.clip(image, 0, 1), np.ones((scale, scale, 1))), format="png")
    return buffer.getvalue()


def runtime_js() -> str:
    """The explorer's page script (``_explorer.js``): inflates the weights, runs the Dense layers,
    draws the map and the digit. Defines ``AEExplorer`` with ``loadModel``, ``forward`` and ``mount``."""
    return resources.files(__package__).joinpath("_explorer.js").read_text(encoding="utf-8")


class LatentExplorer:
    """A latent map with a pointer and the digit decoded there, live in the page; a still grid besides.

    Use :func:`latent_explorer` to make one. ``explorer.image_at(z1, z2)`` decodes one point with
    Keras, ``explorer.still()`` draws the static fallback, ``explorer.html()`` is the live view, and
    ``explorer.exported`` the decoder as the page stores it (:class:`ExportedDecoder`).
    """

    def __init__(self, decoder: Any, *, span: float, n: int, center: tuple[float, float],
                 codes: np.ndarray | None = None, labels: np.ndarray | None = None,
                 name: str = "decoder", label: int | None = None,
                 compare: LatentExplorer | None = None, n_classes: int = 0) -> None:
        self.decoder, self.span, self.n, self.center = decoder, span, n, center
        self.codes, self.labels, self.name, self.label = codes, labels, name, label
        self.compare, self.n_classes = compare, n_classes
        self._widget = None
        self._exported: ExportedDecoder | None = None

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The map's range ``(z1 low, z1 high, z2 low, z2 high)``; the pointer stays inside it."""
        c1, c2 = self.center
        return (c1 - self.span, c1 + self.span, c2 - self.span, c2 + self.span)

    @property
    def exported(self) -> ExportedDecoder:
        """The decoder exported for the page (made once, on first use)."""
        if self._exported is None:
            b = self.box
            self._exported = export_decoder(self.decoder, low=(b[0], b[2]), high=(b[1], b[3]))
        return self._exported

    def image_at(self, z1: float, z2: float, label: int | None = None) -> np.ndarray:
        """Decode the latent point ``(z1, z2)`` (with ``label`` for a conditional decoder) with Keras."""
        chosen = self.label if label is None else label
        return _decode(self.decoder, np.array([[z1, z2]]), chosen, self.n_classes)[0]

    def still(self) -> plt.Figure:
        """The static fallback: an n×n decoded grid over the map's range (one per panel)."""
        panels = [self] + ([self.compare] if self.compare is not None else [])
        side = max(5.5, 0.9 * self.n)  # inches: at least 0.9 in (90 px in the page) per decoded digit
        fig, axes = plt.subplots(1, len(panels), figsize=(side * len(panels), side), squeeze=False)
        for ax, p in zip(axes[0], panels):
            c1, c2 = p.center
            a = np.linspace(c1 - p.span, c1 + p.span, p.n)
            b = np.linspace(c2 + p.span, c2 - p.span, p.n)  # top row = largest z2
            codes = np.array([[x, y] for y in b for x in a])
            show_image(ax, mosaic(_decode(p.decoder, codes, p.label, p.n_classes), cols=p.n, pad=0),
                       extent=(a[0], a[-1], b[-1], b[0]))
            ax.set_xlabel("$z_1$")
            ax.set_ylabel("$z_2$")
            ax.set_title(f"{p.name}: decoded grid (the live explorer needs HTML)")
        fig.tight_layout()
        return fig

    def widget(self) -> Any:
        """Two ``FloatSlider`` and an ``Image`` decoded by the kernel (needs ipywidgets)."""
        if self._widget is None:
            import ipywidgets as w

            c1, c2 = self.center
            step = self.span / 50
            s1 = w.FloatSlider(value=c1, min=c1 - self.span, max=c1 + self.span, step=step,
                               description="z1", continuous_update=True)
            s2 = w.FloatSlider(value=c2, min=c2 - self.span, max=c2 + self.span, step=step,
                               description="z2", continuous_update=True)
            image = w.Image(value=_png(self.image_at(c1, c2)), format="png", width=168, height=168)

            def update(_change: Any) -> None:
                image.value = _png(self.image_at(s1.value, s2.value))

            s1.observe(update, names="value")
            s2.observe(update, names="value")
            self._widget = w.HBox([w.VBox([s1, s2]), image])
        return self._widget

    def _panel_data(self, seed: int = 0) -> dict[str, Any]:
        codes = np.zeros((0, 2)) if self.codes is None else np.asarray(self.codes, dtype=float)
        labels = None if self.labels is None else self.labels
        low = np.array(self.box[::2])
        inside = np.all((codes >= low) & (codes <= low + 2 * self.span), axis=1)  # on the map
        codes, labels = codes[inside], (None if labels is None else labels[inside])
        if len(codes) > MAX_POINTS:  # a seeded subset keeps the page light
            keep = np.sort(np.random.default_rng(seed).choice(len(codes), MAX_POINTS, replace=False))
            codes, labels = codes[keep], (None if labels is None else labels[keep])
        # each code as 1/255ths of the map's width and height (finer than its pixels), one byte each
        where = np.rint((codes - low) / (2 * self.span) * 255).astype(np.uint8)
        return {
            "name": self.name, "box": [round(v, 6) for v in self.box],
            "start": [float(self.center[0]), float(self.center[1])],
            "codes": base64.b64encode(where.tobytes()).decode("ascii"),
            "labels": None if labels is None else base64.b64encode(
                np.asarray(labels, dtype=np.uint8).tobytes()).decode("ascii"),
            "label": self.label if self.n_classes else None,
            "palette": list(_PALETTE),  # the colours of the digits, as in the legend and the figures
            "model": self.exported.to_json(),
        }

    def _panel_html(self, index: int) -> str:
        legend = ""
        if self.labels is not None and self.codes is not None:
            present = sorted({int(v) for v in self.labels})
            legend = ('<div class="aex-legend" aria-hidden="true">' + "".join(
                f'<span><i style="background:{_PALETTE[d % 10]}"></i>{d}</span>' for d in present)
                + "</div>")
        choose = ""
        if self.n_classes:
            choose = ('<div role="group" aria-label="Digit the decoder draws">' + "".join(
                f'<button type="button" class="aex-label" data-label="{d}" '
                f'aria-pressed="{str(d == self.label).lower()}">{d}</button>'
                for d in range(self.n_classes)) + "</div>")
        what = "codes of test digits, coloured by digit" if self.codes is not None else "the latent plane"
        keys = "Arrow keys move the point (Shift: faster), Home goes back to the middle"
        keys += ", digit keys choose the digit." if self.n_classes else "."
        return (
            f'<figure class="aex-panel" data-panel="{index}"><figcaption>{self.name}</figcaption>'
            f'<div class="aex-row"><canvas class="aex-map" tabindex="0" role="application" '
            f'aria-roledescription="2-D latent map" aria-label="Latent map of the {self.name}: {what}. '
            f'Click or drag to choose a point. {keys}"></canvas>'
            f'<canvas class="aex-digit" width="{self.exported.image_shape[1]}" '
            f'height="{self.exported.image_shape[0]}" role="img" aria-label="decoded digit"></canvas>'
            f'</div>{legend}{choose}<p class="aex-status" aria-live="polite"></p></figure>'
        )

    def html(self) -> str:
        """The live view: one ``<div>`` with its style, the map(s), the digit(s) and the script."""
        _counter[0] += 1
        uid = f"aex-{_counter[0]}-{np.random.default_rng().integers(1 << 30):x}"
        panels = [self] + ([self.compare] if self.compare is not None else [])
        data = {"panels": [p._panel_data() for p in panels]}
        return (
            f'<div class="ae-explorer" id="{uid}"><style>{_CSS.format(id=uid)}</style>'
            f'<div class="aex-panels">{"".join(p._panel_html(i) for i, p in enumerate(panels))}</div>'
            f"<script>{runtime_js()}\nAEExplorer.mount({json.dumps(uid)}, "
            f"{json.dumps(data, separators=(',', ':'))});</script></div>"
        )

    def _repr_html_(self) -> str:
        return self.html()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        fig = self.still()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        plt.close(fig)
        return {
            "text/html": self.html(),
            "image/png": base64.b64encode(buffer.getvalue()).decode(),
            "text/plain": f"LatentExplorer: a live map of the {self.name}'s 2-D latent space",
        }


MAX_POINTS = 2000
"""Most codes the map shows (a seeded random subset of more)."""


def latent_explorer(
    decoder: Any,
    *,
    codes: Any = None,
    labels: Any = None,
    span: float | None = None,
    n: int = 12,
    center: tuple[float, float] | None = None,
    name: str = "decoder",
    label: int = 0,
    compare: LatentExplorer | None = None,
) -> LatentExplorer:
    """Make a live explorer of a decoder's 2-D latent space: a map to point at, the digit decoded there.

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    The output runs in the page (no kernel, no network): see the module's note.

    Parameters
    ----------
    decoder : keras.Model
        Dense layers (see ``ae_helpers.viz.SUPPORTED_LAYERS``); maps ``(batch, 2)`` latent
        points to images in [0, 1], or ``[codes, one-hot labels]`` for a conditional decoder.
    codes : array-like, optional
        ``(n, 2)`` codes to draw on the map (e.g. the test digits'); at most 2,000 are shown.
    labels : array-like, optional
        ``(n,)`` integer class of each code: its colour on the map.
    span : float, optional
        The map runs from ``center - span`` to ``center + span`` on each axis. Default: half the
        larger side of the codes' box, or 3.0 without codes.
    n : int
        Images per side of the still grid (the fallback picture).
    center : pair of float, optional
        The middle of the map. Default: the middle of the codes' box, or the origin.
    name : str
        What the panel is called on the page ("VAE", "autoencoder").
    label : int
        For a conditional decoder: the digit drawn first.
    compare : LatentExplorer, optional
        A second explorer shown beside this one (e.g. another model's plane).

    Raises
    ------
    ValueError
        If the latent space is not 2-D, an argument is out of range, or a layer cannot be run by
        the page (the message names the layer and lists what is supported).

    Examples
    --------
    >>> from ae_helpers.models import dense_decoder
    >>> explorer = latent_explorer(dense_decoder(2, hidden=(16,)), span=2.0)
    >>> explorer.image_at(0.0, 0.0).shape
    (28, 28)
    >>> "AEExplorer.mount" in explorer.html(), explorer.exported.max_error < 2 / 255
    (True, True)
    """
    dim, n_classes = _inputs(decoder)
    if dim != 2:
        raise ValueError(f"the latent explorer needs a 2-D latent space; this decoder takes {dim}-D codes")
    dense_chain(decoder)  # a layer the page cannot run: say which, now rather than at display
    n = check_int(n, "n", minimum=2)
    if codes is not None:
        codes = np.asarray(codes, dtype=float)
        if codes.ndim != 2 or codes.shape[1] != 2 or not np.all(np.isfinite(codes)):
            raise ValueError(f"codes must be finite (n, 2) latent points, got shape {codes.shape}")
    if labels is not None:
        labels = np.asarray(labels).astype(int).ravel()
        if codes is None or len(labels) != len(codes):
            raise ValueError("labels need codes of the same length")
    if center is None:
        center = (0.0, 0.0) if codes is None else tuple((codes.min(axis=0) + codes.max(axis=0)) / 2)
    if len(center) != 2 or not np.all(np.isfinite(center)):
        raise ValueError(f"center must be two finite numbers, got {center!r}")
    if span is None:
        span = 3.0 if codes is None else float((codes.max(axis=0) - codes.min(axis=0)).max() / 2)
    span = check_number(span, "span", positive=True)
    if n_classes:
        label = check_int(label, "label", minimum=0)
        if label >= n_classes:
            raise ValueError(f"label must be below {n_classes}, got {label}")
    return LatentExplorer(decoder, span=float(span), n=int(n),
                          center=(float(center[0]), float(center[1])), codes=codes, labels=labels,
                          name=str(name), label=int(label) if n_classes else None, compare=compare,
                          n_classes=n_classes)
