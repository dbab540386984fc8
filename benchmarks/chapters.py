"""Per-chapter wall time and peak kernel memory, executing the real notebooks.

Usage (after ``bash scripts/test.sh`` or ``bash scripts/book.sh`` has set up ``.venv``)::

    .venv/bin/python benchmarks/chapters.py                 # full and quick mode, every chapter
    .venv/bin/python benchmarks/chapters.py --mode quick    # one mode
    .venv/bin/python benchmarks/chapters.py --chapters 01 04

Each chapter runs in a fresh kernel, first with an empty model cache of its own ("cold": what a
reader sees in a fresh Binder session), then the whole book runs in order with one shared cache
("book": what the book build does, where later chapters load models that earlier ones trained).
Peak memory is the kernel's maximum resident set size (``ru_maxrss``), read in a cell appended to a
copy of the notebook. Target: ≤ 1.5 GB a kernel in full mode, cold (room for the Jupyter server
inside Binder's 2 GB). The book command's own time, with its chapters two at a time, is timed by
``benchmarks/setup_and_tests.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PROBE = "import resource\nprint('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def run_notebook(path: Path, *, quick: bool, cache: Path, save: Path | None = None) -> tuple[float, float]:
    """Execute one notebook; return (seconds, peak kernel RSS in MB); keep the result in ``save``."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    env_backup = dict(os.environ)
    os.environ["AE_HELPERS_CACHE"] = str(cache)
    os.environ.pop("AE_HELPERS_QUICK", None)
    if quick:
        os.environ["AE_HELPERS_QUICK"] = "1"
    try:
        client = NotebookClient(nb, timeout=1200, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, save / path.name)
    peak_kb = float(text.split("PEAK_RSS_KB")[1].split()[0])
    return seconds, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["full", "quick", "both"], default="both")
    parser.add_argument("--chapters", nargs="*", help="chapter numbers such as 00 03 (default: all)")
    parser.add_argument("--skip-cold", action="store_true", help="only the in-order book run")
    parser.add_argument("--skip-book", action="store_true", help="only the cold runs")
    parser.add_argument("--save", type=Path, help="keep the executed notebooks of the in-order run here")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if not os.environ.get("AE_HELPERS_MNIST") and (ROOT.parent / "shared/data/mnist.npz").exists():
        os.environ["AE_HELPERS_MNIST"] = str(ROOT.parent / "shared/data/mnist.npz")
    notebooks = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    if args.chapters:
        notebooks = [p for p in notebooks if p.name[:2] in args.chapters]
    modes = ["full", "quick"] if args.mode == "both" else [args.mode]
    rows = []
    for mode in modes:
        quick = mode == "quick"
        if not args.skip_cold:
            for nb in notebooks:
                with tempfile.TemporaryDirectory() as cache:
                    seconds, mb = run_notebook(nb, quick=quick, cache=Path(cache))
                rows.append((mode, "cold", nb.stem, seconds, mb))
                print(f"  {mode:5} cold  {nb.stem:28} {seconds:7.1f} s {mb:7.0f} MB", flush=True)
        if args.skip_book:
            continue
        with tempfile.TemporaryDirectory() as cache:
            total = 0.0
            for nb in notebooks:
                seconds, mb = run_notebook(nb, quick=quick, cache=Path(cache),
                                           save=args.save and args.save / mode)
                total += seconds
                rows.append((mode, "book", nb.stem, seconds, mb))
                print(f"  {mode:5} book  {nb.stem:28} {seconds:7.1f} s {mb:7.0f} MB", flush=True)
            rows.append((mode, "book", "ALL (in order)", total, max(r[4] for r in rows if r[0] == mode)))
    print()
    print(f"| mode  | cache | chapter                      | wall time (s) | peak kernel RSS (MB) |")
    print(f"|-------|-------|------------------------------|--------------:|---------------------:|")
    for mode, cache, name, seconds, mb in rows:
        print(f"| {mode:5} | {cache:5} | {name:28} | {seconds:13.1f} | {mb:20.0f} |")
    print(f"\n{os.cpu_count()} CPU cores; Python {sys.version.split()[0]}; "
          f"backend {os.environ.get('KERAS_BACKEND', 'tensorflow')}")


if __name__ == "__main__":
    main()
