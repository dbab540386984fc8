"""Chapter 6's recipe trained longer: test log-likelihood in nats beside Burda et al. (2015), Table 1.

Usage (after ``bash scripts/test.sh`` has set up ``.venv``; MNIST from ``$AE_HELPERS_MNIST``)::

    .venv/bin/python benchmarks/likelihood.py                      # VAE and IWAE (k = 5), 8 min each
    .venv/bin/python benchmarks/likelihood.py --minutes 15 --models vae iwae5 iwae50
    .venv/bin/python benchmarks/likelihood.py --epochs 70 38       # fixed epochs (as in the book)
    .venv/bin/python benchmarks/likelihood.py --quick              # a smoke test: seconds

What is Burda's and what is ours:

* Burda's: the network (784-200-200-50, tanh, Bernoulli pixels), the data treatment (training images
  binarised afresh every epoch, the test set binarised once, seed 0) and the estimator
  (``log (1/k) Σ p(x, z_i) / q(z_i|x)`` with k = 5,000 codes per image, on all 10,000 test images).
* Ours: Adam with batches of 100, a step size rising to 3e-3 over the first epoch and decaying along a
  cosine to 5 % of it, output biases started at the log-odds of the mean training image, and a wall
  clock budget per model on two CPU cores instead of Burda's 3,280 epochs. The number of epochs is
  set before training from the measured time of two epochs on a tenth of the data (the cosine needs
  it); training stops early only if it overruns the budget by half (another process on the cores).

Printed: per model the test -log p(x) at k = 5,000, the test -ELBO (the k = 1 bound, averaged over
10 draws per image), epochs, training minutes and estimation minutes, beside Burda et al.'s rows.
The table is also written to ``benchmarks/results/likelihood.md``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from ae_helpers import load_mnist, set_seed  # noqa: E402
from ae_helpers.data import binarise
from ae_helpers.measure import BURDA_EPOCHS, BURDA_TABLE, log_likelihood, log_weights
from ae_helpers.training import fit_burda

MODELS = {"vae": ("vae", 1, "VAE (k = 1)"), "iwae5": ("iwae", 5, "IWAE (k = 5)"),
          "iwae50": ("iwae", 50, "IWAE (k = 50)")}
RESULTS = Path(__file__).resolve().parent / "results" / "likelihood.md"


class EpochTimes(keras.callbacks.Callback):
    """Wall time of every epoch."""

    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._start)


def epochs_for(objective: str, k: int, x: np.ndarray, seconds: float, batch_size: int) -> int:
    """Epochs that fit in ``seconds``: three timed epochs on a tenth of the data (the first, which
    traces the training step, left out), scaled up."""
    timer = EpochTimes()
    fit_burda(objective, x[: len(x) // 10], k=k, epochs=3, batch_size=batch_size,
              learning_rate=1e-3, callbacks=[timer])
    per_epoch = 10 * float(np.mean(timer.times[1:]))
    return max(1, int(seconds / per_epoch))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=8.0, help="training budget per model")
    parser.add_argument("--models", nargs="+", default=["vae", "iwae5"], choices=sorted(MODELS))
    parser.add_argument("--epochs", type=int, nargs="+", default=None,
                        help="epochs per model, in the order of --models (default: sized to --minutes "
                             "from timed epochs; on a busy machine that sizing is noisy)")
    parser.add_argument("--k", type=int, default=5000, help="codes per test image in the estimate")
    parser.add_argument("--test-size", type=int, default=None,
                        help="estimate on the first this many binarised test images (default: all 10,000)")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--quick", action="store_true", help="smoke test: tiny budget, 200 test images")
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.k = 0.2, 100

    (x_train, _), (x_test, _) = load_mnist(layout="flat")
    test = binarise(x_test, seed=0)
    if args.quick:
        test = test[:200]
    elif args.test_size is not None:
        test = test[: args.test_size]
    rows = []
    if args.epochs is not None and len(args.epochs) != len(args.models):
        parser.error(f"--epochs needs one number per model ({len(args.models)}), got {args.epochs}")
    for i, name in enumerate(args.models):
        objective, k, label = MODELS[name]
        set_seed(0)
        epochs = (args.epochs[i] if args.epochs is not None
                  else epochs_for(objective, k, x_train, 60 * args.minutes, args.batch_size))
        set_seed(0)
        start = time.perf_counter()
        model = fit_burda(objective, x_train, k=k, epochs=epochs, batch_size=args.batch_size,
                          learning_rate=args.learning_rate, seed=0, log_every=max(1, epochs // 8),
                          max_seconds=60 * args.minutes * 1.5)
        train_minutes = (time.perf_counter() - start) / 60
        done = len(model.history.history["loss"])
        elbo = float(log_weights(model, test, k=10, seed=1).mean())
        start = time.perf_counter()
        ll = log_likelihood(model, test, k=args.k, seed=0)
        estimate_minutes = (time.perf_counter() - start) / 60
        rows.append({"model": label, "nll": -float(ll.mean()), "stderr": float(ll.std(ddof=1) / np.sqrt(len(ll))),
                     "nelbo": -elbo, "epochs": f"{done} of {epochs}" if done < epochs else str(done),
                     "train": train_minutes, "estimate": estimate_minutes})
        print(f"{label}: -log p(x) {rows[-1]['nll']:.2f} ± {rows[-1]['stderr']:.2f} nats, -ELBO "
              f"{-elbo:.2f}, {done} epochs in {train_minutes:.1f} min, estimate {estimate_minutes:.1f} min",
              flush=True)

    lines = [
        f"| model | test −log p(x), k = {args.k:,} (nats) | test −ELBO (nats) | epochs | "
        "training (min) | estimate (min) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(f"| ours: {row['model']} | {row['nll']:.2f} ± {row['stderr']:.2f} | {row['nelbo']:.2f} "
                     f"| {row['epochs']} | {row['train']:.1f} | {row['estimate']:.1f} |")
    for label, value in BURDA_TABLE.items():
        lines.append(f"| Burda et al. 2015: {label} | {-value:.2f} | | {BURDA_EPOCHS:,} | | |")
    table = "\n".join(lines)
    print()
    print(table)
    print(f"\n{len(test):,} test images, binarised once (seed 0); ± one standard error over images. "
          f"Budget {args.minutes:g} min of training per model, batch {args.batch_size}, "
          f"peak step size {args.learning_rate:g}.")
    if not args.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a") as f:
            f.write(table + f"\n\n({len(test):,} test images)\n\n")


if __name__ == "__main__":
    main()
