"""Which dense network should chapter 4's 2-D VAE use? Training time against held-out negative ELBO.

Usage (after ``bash scripts/test.sh`` or ``bash scripts/book.sh`` has set up ``.venv``)::

    .venv/bin/python benchmarks/vae_shapes.py                  # the two shapes the chapter compares
    .venv/bin/python benchmarks/vae_shapes.py --seeds 0 1 2    # several seeds (about 4 min each)
    .venv/bin/python benchmarks/vae_shapes.py --shape 256,128,64:12 --shape 512,256:10

Every run is ``ae_helpers.training.trained_vae`` with chapter 4's full-mode recipe (all 60,000 training
images, batches of 256, Adam rising to 8e-3 over one epoch and decaying along a cosine), trained
afresh in a throw-away model cache; the held-out negative ELBO is chapter 4's: summed BCE + KL, in
nats, two draws of z for each of the 10,000 test images. Only the training counts on the clock.
A shape is the encoder's hidden widths (the decoder mirrors them) and the number of epochs.

The chapter's choice (issue #5: the chapter in under 90 s, the VAE at most 144 nats): chapter 1's
(512, 256) network needs 10 epochs (37-42 s on two cores) for 142.8-143.1 nats over three seeds;
the deeper, narrower (256, 128, 64, 32) reaches 141.7-143.0 nats in 8 epochs, about 21 s.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if not os.environ.get("AE_HELPERS_MNIST") and (ROOT.parent / "shared/data/mnist.npz").exists():
    os.environ["AE_HELPERS_MNIST"] = str(ROOT.parent / "shared/data/mnist.npz")

DEFAULT_SHAPES = ("512,256:10", "256,128,64,32:8")


def parse_shape(text: str) -> tuple[tuple[int, ...], int]:
    """``"256,128:12"`` -> ((256, 128), 12)."""
    widths, _, epochs = text.partition(":")
    try:
        return tuple(int(w) for w in widths.split(",")), int(epochs)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a shape is WIDTHS:EPOCHS such as 256,128:12, not {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", action="append", type=parse_shape,
                        help="hidden widths and epochs, e.g. 256,128,64,32:9 (repeatable)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    shapes = args.shape or [parse_shape(s) for s in DEFAULT_SHAPES]

    with tempfile.TemporaryDirectory() as cache:
        os.environ["AE_HELPERS_CACHE"] = cache  # read when a model is cached: train afresh
        import keras

        from ae_helpers import load_mnist
        from ae_helpers.measure import elbo_terms
        from ae_helpers.models import dense_vae
        from ae_helpers.training import trained_vae

        _, (x_test, _) = load_mnist(layout="flat")
        rows = []
        for hidden, epochs in shapes:
            for seed in args.seeds:
                trained = trained_vae(2, epochs=epochs, hidden=hidden, seed=seed, batch_size=256,
                                      learning_rate=8e-3, quick=False)
                terms = elbo_terms(trained.model, x_test, n_samples=2)
                rows.append((hidden, epochs, seed, trained.seconds, terms))
                print(f"  {hidden} x {epochs} epochs, seed {seed}: {trained.seconds:.1f} s, "
                      f"{terms.negative_elbo:.2f} nats", flush=True)
        print()
        print("| hidden layers | weights | epochs | seed | training (s) | s per epoch | "
              "held-out -ELBO (nats) | reconstruction | KL |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for hidden, epochs, seed, seconds, terms in rows:
            vae = dense_vae(2, hidden=hidden)
            weights = vae.encoder.count_params() + vae.decoder.count_params()
            print(f"| {', '.join(map(str, hidden))} | {weights:,} | {epochs} | {seed} | {seconds:.1f} | "
                  f"{seconds / epochs:.2f} | {terms.negative_elbo:.2f} | {terms.reconstruction:.1f} | "
                  f"{terms.kl:.2f} |")
        print(f"\n{os.cpu_count()} CPU cores; Keras {keras.__version__} on {keras.backend.backend()}")


if __name__ == "__main__":
    main()
