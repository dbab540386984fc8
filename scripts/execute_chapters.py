"""Execute the chapters into Jupyter Book's execution cache, several at once.

Usage: ``python scripts/execute_chapters.py CACHE_DIR [--jobs N]`` (``scripts/book.sh`` calls it with
``_build/.jupyter_cache`` before ``jupyter-book build``).

Jupyter Book 1.x executes the chapters one after another, and one chapter's kernel keeps about one
of two cores busy. This script runs up to ``--jobs`` chapters at a time (default: the number of
cores, at most 2 per 1.5 GB of free memory) in separate kernels, exactly as myst-nb's ``cache``
execution mode would (same executor, the chapter's folder as working directory, the timeout from
``_config.yml``), and stores each result in the same jupyter-cache database. The build that follows
finds every chapter in the cache ("Using cached notebook") and executes nothing. A chapter whose
code has not changed since it was cached is not run again; a chapter that fails is left out of the
cache, so the build runs it again and reports the error in its usual way.

The longest chapters start first. Chapters that need the same model do not train it twice: the
model cache's lock makes the second wait for the first and then load its result, and every model is
trained from its recipe's own seed, so the numbers a chapter prints do not depend on which chapter
(or which process) trained the model.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

ROOT = Path(__file__).resolve().parents[1]
# Full-mode seconds per chapter on two cores (benchmarks/chapters.py): the longest start first,
# except that chapter 6 loads chapter 5's VAEs, so it comes after the appendix: started early it
# would only wait for chapter 5 to train them.
LONGEST_FIRST = ["05", "04", "01", "07", "06", "00", "02", "03"]


def chapters() -> list[Path]:
    found = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    rank = {n: i for i, n in enumerate(LONGEST_FIRST)}
    return sorted(found, key=lambda p: rank.get(p.name[:2], len(rank)))


def _execute(path: str, timeout: int) -> tuple[str, dict | None, str | None, float]:
    notebook = nbformat.read(path, as_version=4)
    result = single_nb_execution(notebook, cwd=str(Path(path).parent), allow_errors=False,
                                 timeout=timeout, meta_override=True)
    if result.err is not None:
        return path, None, result.exc_string, result.time
    return path, notebook, None, result.time


def default_jobs() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        free_gb = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1e9
    except (ValueError, OSError):
        free_gb = 4.0
    return max(1, min(cores, int(free_gb // 1.5)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache", type=Path, help="the build's jupyter-cache folder (_build/.jupyter_cache)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="chapters at a time")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    timeout = int(config.get("execute", {}).get("timeout", 900))

    cache = get_cache(str(args.cache))
    todo = []
    for path in chapters():
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
            print(f"{path.name}: cached, not run again", flush=True)
        except KeyError:
            todo.append(path)
    if not todo:
        return 0
    print(f"executing {len(todo)} chapters, {args.jobs} at a time", flush=True)
    start, failed = time.perf_counter(), []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(_execute, str(p), timeout) for p in todo]
        for future in as_completed(futures):
            path, notebook, error, seconds = future.result()
            name = Path(path).name
            if error is not None:
                failed.append(name)
                print(f"{name}: FAILED after {seconds:.0f} s (the build will run it again and report "
                      f"the error)\n{error[-3000:]}", flush=True)
                continue
            record = cache.add_nb_to_project(path)
            cache.cache_notebook_bundle(CacheBundleIn(notebook, record.uri,
                                                      data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            print(f"{name}: executed in {seconds:.0f} s", flush=True)
    print(f"all chapters in {time.perf_counter() - start:.0f} s" + (f"; failed: {failed}" if failed else ""),
          flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
