"""Prove that the chapters are deterministic: run each twice in quick mode and compare outputs.

Usage: ``.venv/bin/python scripts/check_determinism.py [book/NN_name.ipynb ...]`` (default: every
chapter). Each run uses its own empty model cache, so both runs really train.

For every chapter it reports whether the ``# NBVAL_CHECK_OUTPUT`` cells (what nbval compares) gave
identical text in both runs, and how many of the other text outputs (training logs, measured numbers)
were identical too. It exits non-zero if any checked cell differs, or if the stored outputs of checked
cells differ from what the runs produced.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
MARK = "# NBVAL_CHECK_OUTPUT"


def text_outputs(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            parts.append(out.get("text", ""))
        elif out.get("output_type") in {"execute_result", "display_data"}:
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def execute(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as cache:
        os.environ["AE_HELPERS_CACHE"] = cache
        NotebookClient(nb, timeout=900, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def main(paths: list[Path]) -> int:
    os.environ["AE_HELPERS_QUICK"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if not os.environ.get("AE_HELPERS_MNIST") and (ROOT.parent / "shared/data/mnist.npz").exists():
        os.environ["AE_HELPERS_MNIST"] = str(ROOT.parent / "shared/data/mnist.npz")
    failed = False
    print("| chapter | checked cells identical | stored = produced | other text outputs identical |")
    print("|---|---|---|---|")
    for path in paths:
        stored = nbformat.read(path, as_version=4)
        first, second = execute(path), execute(path)
        checked = same_checked = stored_ok = other = same_other = 0
        for s, a, b in zip(stored.cells, first.cells, second.cells):
            if a.cell_type != "code" or not a.outputs:
                continue
            ta, tb = text_outputs(a), text_outputs(b)
            if MARK in a.source:
                checked += 1
                same_checked += ta == tb
                stored_ok += text_outputs(s) == ta
            elif ta or tb:
                other += 1
                same_other += ta == tb
        ok = same_checked == checked and stored_ok == checked
        failed |= not ok
        print(f"| {path.stem} | {same_checked}/{checked} | {stored_ok}/{checked} | {same_other}/{other} |",
              flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    sys.exit(main(args))
