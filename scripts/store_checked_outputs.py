"""Execute chapter notebooks in quick mode and keep only the outputs nbval checks.

Usage: ``python scripts/store_checked_outputs.py book/01_compression.ipynb [...]``

nbval (``--nbval-lax``) compares the outputs of cells marked ``# NBVAL_CHECK_OUTPUT`` with the
outputs stored in the notebook. This script stores exactly those (minus stderr), clears every other
output, every other execution count and nbclient's timing metadata, so the committed notebooks stay
small and free of machine noise. (nbval refuses a checked cell with outputs but no execution count.)
Run it with ``AE_HELPERS_MNIST`` set; it sets ``AE_HELPERS_QUICK=1`` itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

MARK = "# NBVAL_CHECK_OUTPUT"


def store(path: Path, timeout: int = 600) -> None:
    nb = nbformat.read(path, as_version=4)
    os.environ["AE_HELPERS_QUICK"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if MARK in cell.source:
            cell.outputs = [
                o for o in cell.outputs
                if not (o.output_type == "stream" and o.name == "stderr")
            ]
        else:
            cell.execution_count = None
            cell.outputs = []
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"stored checked outputs of {path}")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        store(Path(name))
