"""The book's VAE against a baseline in the style of the official Keras VAE example.

Usage (after ``bash scripts/test.sh`` or ``bash scripts/book.sh`` has set up ``.venv``)::

    .venv/bin/python benchmarks/vae_vs_baseline.py            # full run: baseline 30 epochs (long)
    .venv/bin/python benchmarks/vae_vs_baseline.py --quick    # 2 baseline epochs, a smoke test
    .venv/bin/python benchmarks/vae_vs_baseline.py --baseline-epochs 10

Both models: latent size 2, Adam, summed binary cross-entropy + KL, all 60,000 MNIST
training images; the held-out negative ELBO (nats, summed BCE + KL, one draw of z per image) is
measured on the 10,000 test images after every epoch. Only training time counts on the clocks.

* Baseline: the Keras example's architecture (conv 32 and 64 filters with stride 2, dense 16; mirrored
  transposed convolutions), constant learning rate 1e-3.
* The book's VAE: ``ae_helpers.models.dense_vae`` with chapter 4's network (dense 256-128-64-32) and
  recipe: batch 256, Adam rising to 8e-3 over one epoch then decaying along a cosine
  (``warmup_cosine``), 8 epochs.

It prints each model's seconds per epoch, both held-out negative ELBOs after equal wall-clock time (the
book VAE's whole training time), the baseline's loss after its last epoch, and how long the book's VAE
took to reach that loss, against the baseline's time (issue #6 target: ≤ 1/10).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if not os.environ.get("AE_HELPERS_MNIST") and (ROOT.parent / "shared/data/mnist.npz").exists():
    os.environ["AE_HELPERS_MNIST"] = str(ROOT.parent / "shared/data/mnist.npz")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from ae_helpers import load_mnist, set_seed  # noqa: E402
from ae_helpers.measure import negative_elbo
from ae_helpers.models import VAE, dense_vae
from ae_helpers.training import ArrayBatches, steps_per_epoch, warmup_cosine

BOOK_HIDDEN, BOOK_BATCH, BOOK_PEAK_RATE, BOOK_EPOCHS = (256, 128, 64, 32), 256, 8e-3, 8  # chapter 4
REFERENCE = 147.0  # nats: issue #6's figure for the Keras example's loss after 30 epochs


def keras_example_vae(latent_dim: int = 2) -> VAE:
    """The official Keras VAE example's encoder and decoder, wrapped in the book's VAE loss."""
    inputs = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(inputs)
    h = keras.layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(h)
    h = keras.layers.Dense(16, activation="relu")(keras.layers.Flatten()(h))
    encoder = keras.Model(inputs, [keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)])
    codes = keras.Input((latent_dim,))
    h = keras.layers.Reshape((7, 7, 64))(keras.layers.Dense(7 * 7 * 64, activation="relu")(codes))
    h = keras.layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(h)
    h = keras.layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(h)
    out = keras.layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(h)
    vae = VAE(encoder, keras.Model(codes, out), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    return vae


def run(name: str, vae: VAE, x: np.ndarray, x_test: np.ndarray, epochs: int, batch_size: int,
        stop_below: float | None = None) -> list[tuple[int, float, float]]:
    """Train epoch by epoch; return (epoch, cumulative training seconds, held-out -ELBO) rows."""
    data = ArrayBatches(x, batch_size=batch_size, targets=False, seed=0, drop_last=True)
    rows, clock = [], 0.0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        vae.fit(data, epochs=1, verbose=0)
        clock += time.perf_counter() - start
        nelbo = negative_elbo(vae, x_test, n_samples=1)
        rows.append((epoch, clock, nelbo))
        print(f"  {name:9} epoch {epoch:3d}  {clock:7.1f} s  held-out -ELBO {nelbo:6.1f} nats", flush=True)
        if stop_below is not None and nelbo <= stop_below:
            break
    return rows


def at_time(rows: list[tuple[int, float, float]], seconds: float) -> str:
    done = [r for r in rows if r[1] <= seconds * 1.0001]
    return f"{done[-1][2]:.1f} (after {done[-1][0]} epochs)" if done else "no epoch finished"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 baseline epochs, 2 book epochs")
    parser.add_argument("--baseline-epochs", type=int, default=None)
    parser.add_argument("--book-epochs", type=int, default=None)
    args = parser.parse_args()
    base_epochs = args.baseline_epochs or (2 if args.quick else 30)
    book_epochs = args.book_epochs or (2 if args.quick else BOOK_EPOCHS)

    (x, _), (x_test, _) = load_mnist(layout="channels")
    flat, flat_test = x.reshape(len(x), 784), x_test.reshape(len(x_test), 784)

    print(f"baseline (Keras example, conv), {base_epochs} epochs")
    set_seed(0)
    base = run("baseline", keras_example_vae(), x, x_test, base_epochs, batch_size=128)
    target = base[-1][2]

    print(f"book VAE (dense), up to {book_epochs} epochs")
    set_seed(0)
    per_epoch = steps_per_epoch(len(flat), BOOK_BATCH)
    schedule = warmup_cosine(BOOK_PEAK_RATE, book_epochs * per_epoch, warmup=per_epoch)
    book_vae = dense_vae(2, hidden=BOOK_HIDDEN, learning_rate=schedule, seed=0)
    book = run("book VAE", book_vae, flat, flat_test, book_epochs, batch_size=BOOK_BATCH)

    base_spe, book_spe = base[-1][1] / len(base), book[-1][1] / len(book)
    equal = book[-1][1]
    reached = [r for r in book if r[2] <= target]
    print()
    print("| | baseline (Keras example) | book VAE |")
    print("|---|---:|---:|")
    print(f"| seconds per epoch | {base_spe:.1f} | {book_spe:.1f} |")
    print(f"| epochs run | {len(base)} | {len(book)} |")
    print(f"| held-out -ELBO after {equal:.0f} s of training (nats) | {at_time(base, equal)} | "
          f"{at_time(book, equal)} |")
    print(f"| held-out -ELBO at the end (nats) | {base[-1][2]:.1f} | {book[-1][2]:.1f} |")
    if reached:
        t = reached[0][1]
        print(f"| time to reach the baseline's {len(base)}-epoch loss ({target:.1f} nats) | "
              f"{base[-1][1]:.0f} s | {t:.0f} s ({t / base[-1][1]:.3f} of the baseline's time) |")
    else:
        print(f"| time to reach the baseline's {len(base)}-epoch loss ({target:.1f} nats) | "
              f"{base[-1][1]:.0f} s | not reached in {len(book)} epochs |")
    issue = [r for r in book if r[2] <= REFERENCE]
    print(f"| time to reach {REFERENCE:.0f} nats (issue #6's figure for the baseline's 30 epochs) | - | "
          + (f"{issue[0][1]:.0f} s |" if issue else "not reached |"))
    print(f"\n{os.cpu_count()} CPU cores; Keras {keras.__version__} on {keras.backend.backend()}")


if __name__ == "__main__":
    main()
