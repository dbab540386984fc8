"""A live latent explorer: sliders over a 2-D latent space decode an image as you move them.

Introduced in chapter 3 (``book/03_latent_holes.ipynb``) and used again for the VAE in chapter 4.

In Jupyter, JupyterLab, Binder or Colab the explorer shows two sliders and the decoded digit. In the
static book there is no kernel to decode anything, so the same output also carries a still picture (a
decoded grid with the slider range marked); the book's configuration tells the page builder to prefer
that still over the widget. Both live in one output, so the notebook needs no "am I static?" test.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .._checks import check_int, check_number
from ..models import latent_dim_of, model_output, run_model
from ._images import mosaic, show_image


def _decode(decoder: Any, codes: np.ndarray) -> np.ndarray:
    return model_output(decoder, run_model(decoder, np.asarray(codes, dtype="float32"))[0])


def _png(image: np.ndarray, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    if image.ndim == 2:  # dark ink on white, enlarged
        plt.imsave(buffer, np.kron(1.0 - image, np.ones((scale, scale))), cmap="gray", vmin=0,
                   vmax=1, format="png")
    else:  # colour, enlarged
        plt.imsave(buffer, np.kron(np.clip(image, 0, 1), np.ones((scale, scale, 1))), format="png")
    return buffer.getvalue()


class LatentExplorer:
    """Two sliders and the image their latent point decodes to; a still grid where no kernel runs.

    Use :func:`latent_explorer` to make one. ``explorer.show(z1, z2)`` decodes one point (this is what
    moving the sliders calls), and ``explorer.still()`` makes the static fallback figure.
    """

    def __init__(self, decoder: Any, *, span: float, n: int, center: tuple[float, float]) -> None:
        self.decoder, self.span, self.n, self.center = decoder, span, n, center
        self._widget = None

    def image_at(self, z1: float, z2: float) -> np.ndarray:
        """Decode the latent point ``(z1, z2)`` into one image (in the decoder's image shape)."""
        return _decode(self.decoder, np.array([[z1, z2]]))[0]

    def still(self) -> plt.Figure:
        """The static fallback: an n×n decoded grid over the sliders' range."""
        c1, c2 = self.center
        a = np.linspace(c1 - self.span, c1 + self.span, self.n)
        b = np.linspace(c2 + self.span, c2 - self.span, self.n)  # top row = largest z2
        codes = np.array([[x, y] for y in b for x in a])
        side = max(5.5, 0.9 * self.n)  # inches: at least 0.9 in (90 px in the page) per decoded digit
        fig, ax = plt.subplots(figsize=(side, side))
        show_image(ax, mosaic(_decode(self.decoder, codes), cols=self.n, pad=0),
                   extent=(a[0], a[-1], b[-1], b[0]))
        ax.set_xlabel("$z_1$")
        ax.set_ylabel("$z_2$")
        ax.set_title("Latent explorer (still): run the notebook to move the sliders")
        fig.tight_layout()
        return fig

    def widget(self) -> Any:
        """The live widget: two ``FloatSlider`` and an ``Image`` (needs ipywidgets)."""
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

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        fig = self.still()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        plt.close(fig)
        bundle: dict[str, Any] = {
            "image/png": base64.b64encode(buffer.getvalue()).decode(),
            "text/plain": "LatentExplorer: sliders over the 2-D latent space (live in Jupyter)",
        }
        try:
            live = self.widget()._repr_mimebundle_()
        except ImportError:  # no ipywidgets: the still is all there is
            return bundle
        data = live[0] if isinstance(live, tuple) else live
        bundle.update({k: v for k, v in data.items() if k != "text/plain"})
        return bundle


def latent_explorer(
    decoder: Any, *, span: float = 3.0, n: int = 12, center: tuple[float, float] = (0.0, 0.0)
) -> LatentExplorer:
    """Make a live explorer of a decoder's 2-D latent space (with a still fallback).

    Introduced in chapter 3 (``book/03_latent_holes.ipynb``).

    Parameters
    ----------
    decoder : keras.Model
        Maps ``(batch, 2)`` latent points to images in [0, 1].
    span : float
        The sliders run from ``center - span`` to ``center + span`` on each axis.
    n : int
        Images per side of the still grid.
    center : tuple of float
        The middle of the sliders' range.

    Raises
    ------
    ValueError
        If the decoder's latent space is not 2-D, or ``span``/``n`` are not positive.

    Examples
    --------
    >>> from ae_helpers.models import dense_decoder
    >>> explorer = latent_explorer(dense_decoder(2), span=2.0)
    >>> explorer.image_at(0.0, 0.0).shape
    (28, 28)
    """
    dim = latent_dim_of(decoder)
    if dim != 2:
        raise ValueError(f"the latent explorer needs a 2-D latent space; this decoder takes {dim}-D codes")
    span = check_number(span, "span", positive=True)
    n = check_int(n, "n", minimum=2)
    if len(center) != 2 or not np.all(np.isfinite(center)):
        raise ValueError(f"center must be two finite numbers, got {center!r}")
    return LatentExplorer(decoder, span=float(span), n=int(n),
                          center=(float(center[0]), float(center[1])))
