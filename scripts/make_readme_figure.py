"""Make book/images/readme.png: what the reader builds (chapter 4's 2-D VAE).

Left: the test set's latent codes coloured by digit, hugging N(0, I). Right: digits decoded from
points drawn from N(0, I). Uses chapter 4's exact training settings through the cache, so after the
book has been built it only loads the model. Run: ``.venv/bin/python scripts/make_readme_figure.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("AE_HELPERS_MNIST") and (ROOT.parent / "shared/data/mnist.npz").exists():
    os.environ["AE_HELPERS_MNIST"] = str(ROOT.parent / "shared/data/mnist.npz")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ae_helpers import load_mnist  # noqa: E402
from ae_helpers.latent import decode, posterior, sample_normal
from ae_helpers.training import trained_vae
from ae_helpers.viz import mosaic


def main() -> None:
    # Chapter 4's full-mode parameters cell: the same call loads the same cached model.
    vae = trained_vae(2, epochs=10, train_size=None, batch_size=256, learning_rate=8e-3,
                      quick=False).model
    _, (x_test, y_test) = load_mnist()
    codes = posterior(vae, x_test[:5000])[0]
    samples = decode(vae.decoder, sample_normal(64, 2, seed=3))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.8), dpi=90)
    scatter = left.scatter(codes[:, 0], codes[:, 1], c=y_test[:5000], cmap="tab10", s=3)
    left.legend(*scatter.legend_elements(), title="digit", fontsize=7, loc="upper right",
                markerscale=0.8, ncol=2)
    left.set(xlim=(-4, 4), ylim=(-4, 4), aspect="equal", xlabel="$z_1$", ylabel="$z_2$",
             title="Test digits in the VAE's 2-D latent space")
    right.imshow(mosaic(samples, cols=8, pad=2), cmap="gray_r", vmin=0, vmax=1)
    right.set_axis_off()
    right.set_title("New digits decoded from points drawn from N(0, I)")
    fig.tight_layout()
    out = ROOT / "book" / "images" / "readme.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    print(f"wrote {out} ({out.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
