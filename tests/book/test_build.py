"""The strict book build: every chapter executes, and any warning or broken reference fails.

The ``built_book`` fixture (tests/conftest.py) runs ``jupyter-book build . -W -n --keep-going`` in whatever mode the suite runs (quick mode in
scripts/test.sh) into ``_build/quick``, from a clean execution cache each time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_landing_page_and_navigation(built_book):
    index = (built_book / "index.html").read_text()
    assert "book/intro.html" in index  # the site opens on the landing page
    intro = (built_book / "book" / "intro.html").read_text()
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    for chapter in chapters:
        name = Path(chapter).name
        assert (built_book / "book" / f"{name}.html").is_file(), name
        assert re.search(rf'href="{re.escape(name)}\.html"', intro), f"no link to {name} in the nav"


@pytest.mark.slow
def test_chapters_have_figures_and_no_error_output(built_book):
    for page in (built_book / "book").glob("0*.html"):
        html = page.read_text()
        figures = html.count("<img")
        assert figures >= 3, f"{page.name} shows {figures} images: did plt.show() draw into the page?"
        assert "Traceback" not in html, f"{page.name} shows a traceback"
        assert "━━━" not in html, f"{page.name} shows a Keras progress bar"
        assert "oneDNN custom operations" not in html, f"{page.name} shows TensorFlow log noise"


@pytest.mark.slow
def test_the_build_reuses_the_chapters_nbval_ran(built_book, request):
    # In the test command the chapters run once on TensorFlow, under nbval; the build takes their
    # outputs from its execution cache (../../conftest.py) instead of executing them again.
    if not getattr(request.config, "ae_build_handover", False):
        pytest.skip("the chapters did not run under nbval in this session")
    log = (built_book.parents[1] / "build.log").read_text()
    chapters = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    assert log.count("Using cached notebook") == len(chapters), log[-3000:]
    assert "Executing notebook" not in log
