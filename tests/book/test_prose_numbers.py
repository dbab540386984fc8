"""Every number in the chapters' prose is glued from the chapter's own computation or is an allowed constant."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_prose_numbers", ROOT / "scripts" / "check_prose_numbers.py")
checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checker)


def test_no_chapter_quotes_an_unglued_number():
    problems = [line for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
                for line in checker.check(path)]
    assert not problems, "\n".join(problems)


def test_the_checker_catches_a_stale_number_and_an_unknown_key(tmp_path):
    notebook = {"cells": [
        {"cell_type": "code", "source": ['glue("share", 0.5)\n', 'glue(f"rate_{beta:g}", 1.0)']},
        {"cell_type": "markdown", "source": [
            "Recognised {glue:text}`share:.0%` and {glue:text}`rate_0.1:.1f`, of 784 pixels, ",
            "at threshold 0.9 (`threshold=0.37`).\n"]},
        {"cell_type": "markdown", "source": ["In our run 47% were recognised, {glue:text}`missing:.2f`."]},
    ]}
    path = tmp_path / "09_example.ipynb"
    path.write_text(json.dumps(notebook))
    problems = checker.check(path)
    assert len(problems) == 2, problems
    assert "'47%'" in problems[1] or "'47%'" in problems[0]
    assert any("'missing'" in p for p in problems)
