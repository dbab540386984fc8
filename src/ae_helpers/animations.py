"""Animations that play in the static book: a latent walk, and a latent space filling in.

Introduced in chapter 4 (``book/04_vae.ipynb``). Each animation is a Matplotlib ``FuncAnimation``;
:func:`to_html` turns it into self-contained JavaScript HTML (frames as embedded PNGs) that plays in
the rendered page with no kernel. Frames are small (low dpi, few frames) so a page stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from .cache import Trained, fingerprint, load_or_train
from .data import load_mnist
from .images import as_images
from .training import run_model, train


class LatentSnapshots(keras.callbacks.Callback):
    """Record the latent codes of a fixed set of images before training and after every epoch.

    Parameters
    ----------
    encode : callable
        Maps images to codes of shape ``(n, d)`` (for a VAE: the mean).
    images : np.ndarray
        The images to follow (a few hundred is plenty).

    Examples
    --------
    >>> cb = LatentSnapshots(lambda x: x[:, :2], np.zeros((5, 784), "float32"))
    >>> cb.on_train_begin(); cb.on_epoch_end(0); cb.snapshots.shape
    (2, 5, 2)
    """

    def __init__(self, encode: Callable[[np.ndarray], np.ndarray], images: np.ndarray) -> None:
        super().__init__()
        self.encode, self.images = encode, images
        self._frames: list[np.ndarray] = []

    def _take(self) -> None:
        self._frames.append(np.asarray(self.encode(self.images), dtype=np.float32))

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._frames = []
        self._take()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._take()

    @property
    def snapshots(self) -> np.ndarray:
        """Codes per frame, shape ``(epochs + 1, n, d)``; frame 0 is before training."""
        return np.stack(self._frames)


def latent_filling_animation(
    snapshots: np.ndarray,
    labels: np.ndarray,
    *,
    limit: float = 4.0,
    title: str = "Latent codes of test digits during training",
) -> FuncAnimation:
    """Animate 2-D codes frame by frame, coloured by digit, with the N(0, 1) 1σ and 2σ circles.

    Parameters
    ----------
    snapshots : np.ndarray
        Shape ``(frames, n, 2)``, e.g. :attr:`LatentSnapshots.snapshots`.
    labels : np.ndarray
        Digit of each of the ``n`` points.
    limit : float
        Axes run from ``-limit`` to ``limit``.

    Examples
    --------
    >>> anim = latent_filling_animation(np.zeros((3, 4, 2)), np.arange(4))
    >>> anim._save_count if hasattr(anim, "_save_count") else 3  # doctest: +SKIP
    3
    """
    snapshots = np.asarray(snapshots, dtype=np.float32)
    labels = np.asarray(labels)
    if snapshots.ndim != 3 or snapshots.shape[2] != 2:
        raise ValueError(f"snapshots must have shape (frames, n, 2), got {snapshots.shape}")
    if len(labels) != snapshots.shape[1]:
        raise ValueError(f"got {len(labels)} labels for {snapshots.shape[1]} points")
    fig, ax = plt.subplots(figsize=(4.2, 4.2), dpi=72)
    colours = plt.get_cmap("tab10")(labels % 10)
    scatter = ax.scatter(snapshots[0, :, 0], snapshots[0, :, 1], c=colours, s=6)
    for r in (1, 2):
        ax.add_patch(plt.Circle((0, 0), r, fill=False, ls="--", color="0.4", lw=0.8))
    ax.set(xlim=(-limit, limit), ylim=(-limit, limit), xlabel="$z_1$", ylabel="$z_2$", aspect="equal")
    heading = ax.set_title(title, fontsize=9)
    fig.tight_layout()

    def draw(frame: int):
        scatter.set_offsets(snapshots[frame])
        heading.set_text(f"{title}\nepoch {frame}" if frame else f"{title}\nbefore training")
        return (scatter, heading)

    anim = FuncAnimation(fig, draw, frames=len(snapshots), interval=500, blit=False)
    plt.close(fig)
    return anim


def latent_walk_animation(
    decoders: Mapping[str, keras.Model],
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
        name: as_images(np.clip(run_model(decoders[name], np.asarray(paths[name], "float32"))[0],
                                0, 1), name=f"{name} decodings", layout="image")
        for name in names
    }
    fig, axes = plt.subplots(1, len(names), figsize=(2.2 * len(names), 2.6), dpi=72, squeeze=False)
    shown = []
    for ax, name in zip(axes[0], names):
        shown.append(ax.imshow(decoded[name][0], cmap="gray_r", vmin=0, vmax=1))
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


def to_html(anim: FuncAnimation, *, fps: float | None = None) -> str:
    """Render an animation as self-contained JavaScript HTML that loops in a static page.

    Examples
    --------
    >>> html = to_html(latent_filling_animation(np.zeros((2, 3, 2)), np.arange(3)))
    >>> "<img" in html
    True
    """
    return anim.to_jshtml(fps=fps, default_mode="loop")


def vae_training_snapshots(
    *,
    epochs: int,
    train_size: int,
    n_points: int = 500,
    batch_size: int = 128,
    learning_rate: float = 2e-3,
    seed: int = 0,
) -> Trained:
    """Train (or load) a small 2-D dense VAE and keep test-set codes from before and after each epoch.

    The snapshots are what :func:`latent_filling_animation` animates. They are stored in the cache
    beside the model (``trained.extras["snapshots"]``, ``trained.extras["labels"]``), so a second run
    of the chapter does not train again.

    Introduced in chapter 4 (``book/04_vae.ipynb``).

    Parameters
    ----------
    epochs : int
        Passes over the training subset (one snapshot each, plus one before training).
    train_size : int
        Stratified training subset size.
    n_points : int
        Test images whose codes are followed.
    batch_size, learning_rate, seed
        Training settings.

    Examples
    --------
    >>> trained = vae_training_snapshots(epochs=2, train_size=500)  # doctest: +SKIP
    >>> trained.extras["snapshots"].shape  # doctest: +SKIP
    (3, 500, 2)
    """
    from .vae import dense_vae, posterior

    (x_train, _), (x_test, y_test) = load_mnist(train_size=train_size, test_size=n_points, seed=seed)
    settings = {"model": "dense_vae_snapshots", "epochs": epochs, "train_size": train_size,
                "n_points": n_points, "batch_size": batch_size, "learning_rate": learning_rate,
                "seed": seed, "data": fingerprint(x_train, x_test)}

    def fit() -> tuple[keras.Model, dict[str, np.ndarray]]:
        keras.utils.set_random_seed(seed)
        vae = dense_vae(2, learning_rate=learning_rate, seed=seed)
        snapshots = LatentSnapshots(lambda x: posterior(vae, x)[0], x_test)
        train(vae, x_train, epochs=epochs, batch_size=batch_size, targets=False, log_every=0,
              seed=seed, callbacks=[snapshots])
        return vae, {"snapshots": snapshots.snapshots, "labels": y_test}

    return load_or_train("vae_snapshots", settings, fit)
