"""Chapter 6's recipe trained longer: test log-likelihood in nats beside Burda et al. (2015), Table 1.

Usage (after ``bash scripts/test.sh`` has set up ``.venv``; MNIST from ``$AE_HELPERS_MNIST``)::

    KERAS_BACKEND=jax .venv/bin/python benchmarks/likelihood.py   # the table: 15 min per model
    .venv/bin/python benchmarks/likelihood.py --minutes 4 --start-minutes 3 --models vae iwae5
    .venv/bin/python benchmarks/likelihood.py --quick              # a smoke test: seconds

What is Burda's and what is ours:

* Burda's: the network (784-200-200-50, tanh, Bernoulli pixels), the data treatment (training images
  binarised afresh every epoch, the test set binarised once, seed 0) and the estimator
  (``log (1/k) Σ p(x, z_i) / q(z_i|x)`` with k = 5,000 codes per image, on all 10,000 test images).
* Ours: Adam with batches of 100, a step size rising over the first epoch and decaying along a
  cosine to 5 % of its peak, output biases started at the log-odds of the mean training image, and
  a wall-clock budget per model on two CPU cores instead of Burda's 3,280 epochs. As in chapter 6,
  the models share a start: a VAE trained for ``--start-minutes`` (peak step 3e-3), which each model
  then continues with its own objective (VAE, IWAE k = 5, IWAE k = 50) for the rest of its budget
  (peak step 2e-3), so every row has had ``--minutes`` of training, the shared start included.
  Burda et al. continued trained VAEs with the IWAE objective too (their section 5.2). Epochs are
  set before training from timed epochs on a tenth of the data (the cosine needs them); training
  stops early only if it overruns its budget by half (another process on the cores).
* Backend: any; JAX trains this network about twice as fast as TensorFlow on two CPU cores.

Printed: per model the test -log p(x) at k = 5,000 with its standard error, the test -ELBO (the k = 1
bound, averaged over 10 draws per image), epochs, training and estimation minutes, and the
estimator's throughput (decoder passes per second, and the decoder's floating-point operations per
second that makes), beside Burda et al.'s rows. The table is also appended to
``benchmarks/results/likelihood.md``.
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
START_RATE, MORE_RATE = 3e-3, 2e-3  # peak step sizes of the shared start and of each continuation


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


def decoder_flops(model: keras.Model) -> int:
    """Multiply-adds of one pass through the decoder's Dense layers, times two."""
    return sum(2 * int(np.prod(layer.kernel.shape)) for layer in model.decoder.layers
               if isinstance(layer, keras.layers.Dense))


def trained_for(objective: str, k: int, x: np.ndarray, seconds: float, batch_size: int,
                learning_rate: float, start: keras.Model | None = None) -> tuple[keras.Model, str, float]:
    """A model trained for about ``seconds``; its epochs (done, or "done of planned") and minutes."""
    epochs = epochs_for(objective, k, x, seconds, batch_size)
    set_seed(0)
    began = time.perf_counter()
    model = fit_burda(objective, x, k=k, epochs=epochs, batch_size=batch_size,
                      learning_rate=learning_rate, seed=0, log_every=max(1, epochs // 4),
                      max_seconds=1.5 * seconds, start=start)
    minutes = (time.perf_counter() - began) / 60
    done = len(model.history.history["loss"])
    return model, (f"{done} of {epochs}" if done < epochs else str(done)), minutes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0,
                        help="training budget per model, the shared start included")
    parser.add_argument("--start-minutes", type=float, default=10.0,
                        help="of it, the shared VAE start")
    parser.add_argument("--models", nargs="+", default=["vae", "iwae5", "iwae50"], choices=sorted(MODELS))
    parser.add_argument("--k", type=int, default=5000, help="codes per test image in the estimate")
    parser.add_argument("--test-size", type=int, default=None,
                        help="estimate on the first this many binarised test images (default: all 10,000)")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="smoke test: tiny budget, 200 test images")
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.start_minutes, args.k = 0.2, 0.1, 100
    if not 0 < args.start_minutes < args.minutes:
        parser.error(f"--start-minutes must be between 0 and --minutes ({args.minutes:g}), "
                     f"got {args.start_minutes:g}")

    (x_train, _), (x_test, _) = load_mnist(layout="flat")
    test = binarise(x_test, seed=0)
    if args.quick:
        test = test[:200]
    elif args.test_size is not None:
        test = test[: args.test_size]
    backend = keras.backend.backend()
    print(f"backend {backend}; shared start: the VAE objective for {args.start_minutes:g} min", flush=True)
    start, start_epochs, start_minutes = trained_for("vae", 1, x_train, 60 * args.start_minutes,
                                                      args.batch_size, START_RATE)
    print(f"shared start: {start_epochs} epochs in {start_minutes:.1f} min", flush=True)
    rows = []
    for name in args.models:
        objective, k, label = MODELS[name]
        model, epochs, minutes = trained_for(objective, k, x_train, 60 * (args.minutes - args.start_minutes),
                                             args.batch_size, MORE_RATE, start=start)
        elbo = float(log_weights(model, test, k=10, seed=1).mean())
        began = time.perf_counter()
        ll = log_likelihood(model, test, k=args.k, seed=0)
        seconds = time.perf_counter() - began
        passes = len(test) * args.k / seconds
        rows.append({"model": label, "nll": -float(ll.mean()), "stderr": float(ll.std(ddof=1) / np.sqrt(len(ll))),
                     "nelbo": -elbo, "epochs": f"{start_epochs} + {epochs}",
                     "train": start_minutes + minutes, "estimate": seconds / 60, "passes": passes,
                     "gflops": passes * decoder_flops(model) / 1e9})
        r = rows[-1]
        print(f"{label}: -log p(x) {r['nll']:.2f} ± {r['stderr']:.2f} nats, -ELBO {r['nelbo']:.2f}, "
              f"{r['epochs']} epochs in {r['train']:.1f} min, estimate {r['estimate']:.1f} min "
              f"({passes:,.0f} decoder passes/s, {r['gflops']:.0f} GFLOP/s)", flush=True)

    lines = [
        f"| model | test −log p(x), k = {args.k:,} (nats) | test −ELBO (nats) | epochs | "
        "training (min) | estimate (min) | decoder passes/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| ours: {r['model']} | {r['nll']:.2f} ± {r['stderr']:.2f} | {r['nelbo']:.2f} "
                     f"| {r['epochs']} | {r['train']:.1f} | {r['estimate']:.1f} | {r['passes']:,.0f} |")
    for label, value in BURDA_TABLE.items():
        lines.append(f"| Burda et al. 2015: {label} | {-value:.2f} | | {BURDA_EPOCHS:,} | | | |")
    table = "\n".join(lines)
    flops = decoder_flops(start)
    note = (f"{len(test):,} test images, binarised once (seed 0); ± one standard error over images. "
            f"Backend {backend}; {args.minutes:g} min of training per model, of which {args.start_minutes:g} "
            f"shared (the VAE objective); batch {args.batch_size}. One decoder pass is {flops:,} "
            f"floating-point operations (2 × the Dense layers' weights).")
    print()
    print(table)
    print("\n" + note)
    if not args.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a") as f:
            f.write(f"{time.strftime('%Y-%m-%d')}\n\n{table}\n\n{note}\n\n")


if __name__ == "__main__":
    main()
