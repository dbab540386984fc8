"""What a reader sees of each chapter: teaching code on the page, plumbing off it (scripts/check_pages.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_pages", ROOT / "scripts" / "check_pages.py")
check_pages = importlib.util.module_from_spec(_spec)
sys.modules["check_pages"] = check_pages  # dataclasses look their module up by name
_spec.loader.exec_module(check_pages)

CHAPTERS = check_pages.chapters(ROOT)


def test_every_chapter_is_counted():
    assert len(CHAPTERS) >= 8


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_the_page_shows_teaching_code(path):
    page = check_pages.page_of(path)
    assert not page.problems(), f"{page.name}: " + "; ".join(page.problems())


def _notebook(tmp_path: Path, cells: list[dict]) -> Path:
    path = tmp_path / "book" / "99_example.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def _code(source: str, *tags: str) -> dict:
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source, "outputs": []}


def test_the_check_counts_only_what_a_reader_sees(tmp_path):
    long = "x = " + "1 + " * 30 + "1"
    page = check_pages.page_of(_notebook(tmp_path, [
        _code("import numpy as np\n\nnp.random.seed(0)\n"),
        {"cell_type": "markdown", "metadata": {}, "source": "Two words {glue:text}`x:.1f`."},
        _code(f"{long}\nglue('x', x)\n"),
        _code(f"{long}\nglue('y', 1)\nimport os; os.dup2(1, 2)\n", "remove-cell"),
        _code("glue('z', 2)\n", "hide-input"),
    ]))
    assert (page.code_lines, page.long_lines, page.glue_calls, page.setup_lines) == (4, 1, 1, 2)
    assert page.dup2_calls == 0 and page.words == 3
    assert len(page.problems()) == 2  # the long line and the glue call


def test_the_check_fails_past_each_limit(tmp_path):
    setup = "\n".join(f"a{i} = {i}" for i in range(check_pages.MAX_SETUP_LINES + 1))
    body = "\n".join(f"b{i} = {i}" for i in range(check_pages.MAX_CODE_LINES))
    page = check_pages.page_of(_notebook(tmp_path, [_code(setup), _code(body + "\nos.dup2(1, 2)")]))
    problems = "; ".join(page.problems())
    assert "visible code lines (at most" in problems and "setup cell" in problems and "dup2" in problems
