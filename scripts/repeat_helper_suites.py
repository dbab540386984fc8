"""Run the helpers' test suite again and again, on every backend, with one and with two threads.

A float comparison that is too strict passes on one machine and fails on another: its result depends
on summation order, which depends on how many threads split the work (issue #27). This script runs
the helpers' suite (the files ``tests/book/other_backends.py`` runs on each backend) ``--runs`` times
for each backend and thread count, each run in a fresh model cache, and prints one line per run and
a table. Exit status 1 if any run failed.

One thread means one CPU (``taskset -c 0``: the thread pools of TensorFlow, XLA and OpenMP size
themselves by the CPUs a process may use) and ``OMP_NUM_THREADS=1``; two threads means CPUs 0 and 1.
The one-thread runs of two backends may share the machine (one per CPU) with ``--pair``.

Usage::

    source scripts/env.sh
    python scripts/repeat_helper_suites.py --runs 3 [--backends tensorflow torch jax] [--pair]
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.book.other_backends import helper_test_files  # noqa: E402


def run_once(backend: str, threads: int, cpus: str, run: int) -> dict:
    """One pytest run of the helpers' suite; return what it did."""
    cache = tempfile.mkdtemp(prefix=f"repeat-{backend}-{threads}t-{run}-")
    env = {**os.environ, "KERAS_BACKEND": backend, "AE_HELPERS_CACHE": cache,
           "AE_HELPERS_QUICK": "1", "OMP_NUM_THREADS": str(threads),
           "OPENBLAS_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
           "TF_NUM_INTRAOP_THREADS": str(threads), "TF_NUM_INTEROP_THREADS": str(threads)}
    command = ["taskset", "-c", cpus, sys.executable, "-m", "pytest", *helper_test_files(),
               "-q", "-p", "no:cacheprovider", "-m", "not slow",
               "-W", "ignore::UserWarning", "-W", "ignore::DeprecationWarning"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|error|errors)", tail)}
    failed = re.findall(r"^FAILED (\S+)", done.stdout, flags=re.M)
    result = {"backend": backend, "threads": threads, "run": run, "rc": done.returncode,
              "passed": counts.get("passed", 0),
              "failed": counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0),
              "seconds": seconds, "failures": failed, "summary": tail}
    print(f"{backend:>10} {threads} thread(s) run {run}: {tail} ({seconds:.0f} s)", flush=True)
    for name in failed:
        print(f"    FAILED {name}", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "torch", "jax"])
    parser.add_argument("--pair", action="store_true",
                        help="run the one-thread runs two at a time, one per CPU")
    args = parser.parse_args()
    if os.cpu_count() is None or os.cpu_count() < 2:
        sys.exit("two CPUs are needed for the two-thread runs")
    results = []
    for run in range(1, args.runs + 1):
        one = [(b, 1, run) for b in args.backends]
        if args.pair:
            free = queue.SimpleQueue()  # a run takes whichever CPU the last finished run gave back
            for cpu in ("0", "1"):
                free.put(cpu)

            def on_a_free_cpu(backend: str, threads: int, run: int) -> dict:
                cpu = free.get()
                try:
                    return run_once(backend, threads, cpu, run)
                finally:
                    free.put(cpu)

            with ThreadPoolExecutor(2) as pool:
                futures = [pool.submit(on_a_free_cpu, b, t, r) for b, t, r in one]
                results += [f.result() for f in futures]
        else:
            results += [run_once(b, t, "0", r) for b, t, r in one]
        results += [run_once(b, 2, "0,1", run) for b in args.backends]
    print()
    print(f"{'backend':>10} | {'threads':>7} | {'runs':>4} | {'passed (each run)':>24} | failed | seconds")
    for backend in args.backends:
        for threads in (1, 2):
            rows = [r for r in results if r["backend"] == backend and r["threads"] == threads]
            print(f"{backend:>10} | {threads:>7} | {len(rows):>4} | "
                  f"{', '.join(str(r['passed']) for r in rows):>24} | "
                  f"{sum(r['failed'] for r in rows):>6} | "
                  + ", ".join(f"{r['seconds']:.0f}" for r in rows))
    return 1 if any(r["rc"] != 0 for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
