"""The README's two commands from a fresh clone, as a newcomer would run them: install, test, book.

Usage::

    python3 benchmarks/setup_and_tests.py            # clones HEAD into a temporary folder beside the repo
    python3 benchmarks/setup_and_tests.py --keep     # leave the clone for a look
    python3 benchmarks/setup_and_tests.py --only book   # one of install, test, book

It clones the repository (committed state, HEAD) next to this one, so that ``../shared`` is found the
same way, then times ``bash scripts/setup.sh book test torch jax`` (the install the test command
does), ``bash scripts/test.sh`` (which then finds everything installed) and ``bash scripts/book.sh``
with an empty model cache of its own (``AE_HELPERS_CACHE`` in the clone: cold, as on a new machine),
and prints a table. Note that pip's own download cache, if warm, makes the install faster than on a
brand-new machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int, str]:
    start = time.perf_counter()
    run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                         env=None if env is None else {**os.environ, **env})
    tail = (run.stdout + run.stderr).strip().splitlines()[-1:] or [""]
    return time.perf_counter() - start, run.returncode, tail[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="do not delete the clone")
    parser.add_argument("--only", choices=["install", "test", "book"], action="append",
                        help="time only these steps (the install always runs)")
    args = parser.parse_args()
    clone = Path(tempfile.mkdtemp(prefix="fresh-clone-", dir=ROOT.parent))
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone / "repo")], check=True)
        repo = clone / "repo"
        # ../shared must sit beside the clone, as it does beside this repository.
        if (ROOT.parent / "shared").exists():
            (clone / "shared").symlink_to(ROOT.parent / "shared")
        steps = args.only or ["install", "test", "book"]
        rows = [("install (setup.sh book test torch jax)",
                 *timed(["bash", "scripts/setup.sh", "book", "test", "torch", "jax"], repo))]
        if "test" in steps:
            rows.append(("test command (bash scripts/test.sh)", *timed(["bash", "scripts/test.sh"], repo)))
        if "book" in steps:
            cold = {"AE_HELPERS_CACHE": str(repo / ".cache" / "cold-book")}
            rows.append(("book command, empty model cache (bash scripts/book.sh)",
                         *timed(["bash", "scripts/book.sh"], repo, cold)))
    finally:
        if not args.keep:
            shutil.rmtree(clone, ignore_errors=True)
    print("| step | seconds | exit | last line |")
    print("|------|--------:|-----:|-----------|")
    for name, seconds, code, tail in rows:
        print(f"| {name} | {seconds:.0f} | {code} | {tail[:70]} |")
    if args.keep:
        print(f"\nclone kept at {clone}")


if __name__ == "__main__":
    main()
