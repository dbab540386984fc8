"""Install time and test-suite time from a fresh clone, as a newcomer would run them.

Usage::

    python3 benchmarks/setup_and_tests.py            # clones HEAD into a temporary folder beside the repo
    python3 benchmarks/setup_and_tests.py --keep     # leave the clone for a look

It clones the repository (committed state, HEAD) next to this one, so that ``../shared`` is found the
same way, then times ``bash scripts/setup.sh book test torch`` (the install the test command does) and
``bash scripts/test.sh`` (which then finds everything installed), and prints a table. Note that pip's
own download cache, if warm, makes the install faster than on a brand-new machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    tail = (run.stdout + run.stderr).strip().splitlines()[-1:] or [""]
    return time.perf_counter() - start, run.returncode, tail[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="do not delete the clone")
    args = parser.parse_args()
    clone = Path(tempfile.mkdtemp(prefix="fresh-clone-", dir=ROOT.parent))
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone / "repo")], check=True)
        repo = clone / "repo"
        # ../shared must sit beside the clone, as it does beside this repository.
        if (ROOT.parent / "shared").exists():
            (clone / "shared").symlink_to(ROOT.parent / "shared")
        rows = [
            ("install (setup.sh book test torch)", *timed(["bash", "scripts/setup.sh", "book", "test", "torch"], repo)),
            ("test command (bash scripts/test.sh)", *timed(["bash", "scripts/test.sh"], repo)),
        ]
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
