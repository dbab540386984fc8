"""Animations that play in the static book: a latent walk, and a latent space filling in.

Introduced in chapter 4 (``book/04_vae.ipynb``). Each animation is a Matplotlib ``FuncAnimation``;
:func:`to_html` turns it into self-contained JavaScript HTML (frames as embedded PNGs) that plays in
the rendered page with no kernel. Frames are small (low dpi, few frames) so a page stays light.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from .._checks import check_number
from ..models import model_output, run_model
from ._images import show_image


def latent_filling_animation(
    snapshots: np.ndarray,
    labels: np.ndarray,
    *,
    limit: float = 4.0,
    title: str = "Latent codes of test digits during training",
    epochs: np.ndarray | None = None,
) -> FuncAnimation:
    """Animate 2-D codes frame by frame, coloured by digit, with the N(0, 1) 1σ and 2σ circles.

    Parameters
    ----------
    snapshots : np.ndarray
        Shape ``(frames, n, 2)``, e.g. :attr:`ae_helpers.training.LatentSnapshots.snapshots`.
    labels : np.ndarray
        Digit of each of the ``n`` points.
    limit : float
        Axes run from ``-limit`` to ``limit``.
    epochs : np.ndarray, optional
        Training done before each frame, in epochs (may be fractional), shape ``(frames,)``;
        default: frame ``k`` comes after ``k`` epochs.

    Examples
    --------
    >>> anim = latent_filling_animation(np.zeros((3, 4, 2)), np.arange(4))
    >>> anim._save_count if hasattr(anim, "_save_count") else 3  # doctest: +SKIP
    3
    """
    limit = check_number(limit, "limit", positive=True)
    snapshots = np.asarray(snapshots, dtype=np.float32)
    labels = np.asarray(labels)
    if snapshots.ndim != 3 or snapshots.shape[2] != 2:
        raise ValueError(f"snapshots must have shape (frames, n, 2), got {snapshots.shape}")
    if len(labels) != snapshots.shape[1]:
        raise ValueError(f"got {len(labels)} labels for {snapshots.shape[1]} points")
    epochs = np.arange(len(snapshots), dtype=float) if epochs is None else np.asarray(epochs, float)
    if epochs.shape != (len(snapshots),):
        raise ValueError(f"epochs must give one number per frame ({len(snapshots)}), got {epochs.shape}")
    fig, ax = plt.subplots(figsize=(4.2, 4.2), dpi=72)
    colours = plt.get_cmap("tab10")(labels % 10)
    scatter = ax.scatter(snapshots[0, :, 0], snapshots[0, :, 1], c=colours, s=6)
    for r in (1, 2):
        ax.add_patch(plt.Circle((0, 0), r, fill=False, ls="--", color="0.4", lw=0.8))
    ax.set(xlim=(-limit, limit), ylim=(-limit, limit), xlabel="$z_1$", ylabel="$z_2$", aspect="equal")
    heading = ax.set_title(f"{title}\nbefore training", fontsize=9)  # two lines, as every frame
    fig.tight_layout()

    def draw(frame: int):
        scatter.set_offsets(snapshots[frame])
        done = epochs[frame]
        heading.set_text(f"{title}\nafter {done:.3g} epoch{'' if done == 1 else 's'}" if done
                         else f"{title}\nbefore training")
        return (scatter, heading)

    anim = FuncAnimation(fig, draw, frames=len(snapshots), interval=500, blit=False)
    plt.close(fig)
    return anim


def latent_walk_animation(
    decoders: Mapping[str, Any],
    paths: Mapping[str, np.ndarray],
    *,
    title: str = "Walking through latent space",
) -> FuncAnimation:
    """Animate several decoders side by side, each decoding its own path of latent points.

    Parameters
    ----------
    decoders : mapping of str to keras.Model
        Name → decoder (e.g. ``{"autoencoder": ..., "VAE": ...}``).
    paths : mapping of str to np.ndarray
        Name → latent points, shape ``(frames, d)``; every path has the same number of frames.

    Examples
    --------
    >>> from ae_helpers.models import dense_decoder
    >>> anim = latent_walk_animation({"a": dense_decoder(2)}, {"a": np.zeros((4, 2))})
    """
    if set(decoders) != set(paths) or not decoders:
        raise ValueError(f"decoders {sorted(decoders)} and paths {sorted(paths)} must name the same models")
    frames = {len(np.asarray(p)) for p in paths.values()}
    if len(frames) != 1:
        raise ValueError(f"every path needs the same number of frames, got {sorted(frames)}")
    names = list(decoders)
    decoded = {
        name: model_output(decoders[name],
                           run_model(decoders[name], np.asarray(paths[name], "float32"))[0],
                           name=f"{name} decodings")
        for name in names
    }
    fig, axes = plt.subplots(1, len(names), figsize=(2.2 * len(names), 2.6), dpi=72, squeeze=False)
    shown = []
    for ax, name in zip(axes[0], names):
        shown.append(show_image(ax, decoded[name][0]))
        ax.set_title(name, fontsize=9)
        ax.set_axis_off()
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()

    def draw(frame: int):
        for image, name in zip(shown, names):
            image.set_data(decoded[name][frame])
        return shown

    anim = FuncAnimation(fig, draw, frames=frames.pop(), interval=120, blit=False)
    plt.close(fig)
    return anim


# Matplotlib's player links Font Awesome 4 from a CDN for its button icons: a request off the page
# (issue #23: a built page loads nothing from the network). The link goes, and this style draws the
# icons it uses (matplotlib/_animation_data.py's DISPLAY_TEMPLATE) with Unicode characters that
# common system fonts have (geometric shapes, not the media-control block, which DejaVu lacks).
# U+FE0E asks for the text, not the emoji, form of the triangles. Scoped to the player's buttons.
_FONT_AWESOME_LINK = re.compile(r"<link\b[^>]*font-awesome[^>]*>\s*", re.IGNORECASE)
PLAYER_ICONS = {
    "fa-minus": "\u2212",                                 # −    decrease speed
    "fa-fast-backward": "|\u25c0\ufe0e\u25c0\ufe0e",     # |◀◀  first frame
    "fa-step-backward": "|\u25c0\ufe0e",                 # |◀   previous frame
    "fa-play": "\u25b6\ufe0e",                           # ▶    play (mirrored by fa-flip-horizontal: backwards)
    "fa-pause": "\u275a\u275a",                          # ❚❚   pause
    "fa-step-forward": "\u25b6\ufe0e|",                  # ▶|   next frame
    "fa-fast-forward": "\u25b6\ufe0e\u25b6\ufe0e|",      # ▶▶|  last frame
    "fa-plus": "+",                                       # +    increase speed
}


def _css_string(text: str) -> str:
    """A CSS string literal: ASCII as is, anything else as a six-digit escape (needs no separator)."""
    return '"' + "".join(ch if ch.isascii() and ch not in '"\\' else f"\\{ord(ch):06x}" for ch in text) + '"'


PLAYER_ICON_STYLE = (
    "<style>\n"
    ".anim-buttons .fa { display: inline-block; font-style: normal; font-weight: normal;"
    " font-family: 'DejaVu Sans', 'Segoe UI Symbol', 'Apple Symbols', sans-serif; line-height: 1;"
    " letter-spacing: -0.1em; }\n"
    ".anim-buttons .fa-flip-horizontal { transform: scaleX(-1); }\n"
    + "".join(f".anim-buttons .{cls}::before {{ content: {_css_string(glyph)}; }}\n"
              for cls, glyph in PLAYER_ICONS.items())
    + "</style>\n"
)


def to_html(anim: FuncAnimation, *, fps: float | None = None, alt: str | None = None) -> str:
    """Render an animation as self-contained JavaScript HTML that loops in a static page.

    ``alt`` describes the animation for readers who cannot see it; it becomes the ``alt`` text of
    the frame image (the page's figures take theirs from the cell's metadata, which does not reach
    an animation's HTML).

    The HTML loads nothing from the network: Matplotlib's link to Font Awesome on a CDN (its
    buttons' icons) is replaced by a small inline style that draws those icons with Unicode
    characters (``PLAYER_ICONS``).

    Examples
    --------
    >>> html = to_html(latent_filling_animation(np.zeros((2, 3, 2)), np.arange(3)), alt="codes")
    >>> '<img alt="codes"' in html
    True
    >>> "http" in html
    False
    """
    html = anim.to_jshtml(fps=fps, default_mode="loop")
    html = PLAYER_ICON_STYLE + _FONT_AWESOME_LINK.sub("", html)
    if alt is not None:
        html = html.replace("<img id=", f'<img alt="{escape(alt, quote=True)}" id=', 1)
    return html
