"""List every number in the chapters' prose that is not glued from a computation, and fail on any
that is not an allowed constant.

Usage: ``python scripts/check_prose_numbers.py [book/*.ipynb ...]`` (default: every chapter).

A measured number in a chapter's prose must come from the chapter itself, through myst-nb's
``{glue:text}`key:fmt``` role, so that a rebuild cannot leave it stale. This script reads the
markdown cells (Measured boxes, captions and exercise solutions included), removes what cannot hold
a stale measurement (glue roles, citations, inline code, fenced code blocks, URLs), and checks every
remaining number against an explicit allow-list of constants that are not measurements: the data's
shape (28 × 28, 784 pixels, 60,000 training images), settings the chapter's parameters cell fixes
(code sizes, β values, thresholds, radii), digits named as digits, and asserted bounds. Anything
else is reported with its cell and context, and the exit status is 1.

It also checks that every glue key the prose uses is glued by a code cell of the same notebook
(keys built with f-strings are matched by their fixed parts), so that a renamed key fails here,
before the strict build (``-W``) would.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Constants allowed anywhere: the digits 0-9 (as digits, dimensions, counts and chapter numbers),
# MNIST's shape and sizes, and the settings and thresholds the chapters fix in their parameters cells
# or assert as bounds. A number here is never a measurement.
ALLOWED = {
    *(str(i) for i in range(13)),
    "15", "16", "20", "28", "30", "32", "36", "40", "64", "100", "128", "256", "500", "512", "784",
    "1,000", "2,000", "5,000", "6,000", "10,000", "20,000", "60,000", "70,000",
    "0.0", "0.01", "0.02", "0.05", "0.1", "0.3", "0.2", "0.4", "0.5", "0.8", "0.9", "0.95", "0.99", "1.0",
    "1%", "5%", "10%", "20%", "40%", "5 %", "90 %", "95 %", "39 %", "86 %", "99 %",
}

# Per-chapter additions, each with the reason it is not a measurement.
ALLOWED_IN = {
    "00_why_pixels_fail": {"1998", "2006"},  # none expected; years would be citations
    "04_vae": {"−2", "-2", "-5"},            # the sampling check's fixed mean (1, -2)
    "02_detached_decoder": {"-2", "-5", "−5", "−2"},  # the article's example code [-2, -5]
    "03_latent_holes": {"-2", "-5", "−5", "−2"},
    # the size of scikit-learn's digits data set, and the 80 % of it the judge is fitted on
    "07_your_own_data": {"1,797", "1,437"},
    # Burda et al.'s published network (784-200-200-50), table (-86.76, -85.54, -84.78) and epochs
    # (3,280); k = 5{,}000 in LaTeX ("000"); quick mode's 3,000 images (a parameter); log 100 = 4.61
    # (a constant: the most a 1 % mixture can lose); log w of order -90 (an order of magnitude).
    "06_likelihood": {"200", "50", "-86.76", "−86.76", "-85.54", "−85.54", "-84.78", "−84.78",
                      "86.76", "3,280", "000", "3,000", "-90", "−90", "4.6", "4.61"},
}

_FENCE = re.compile(r"^(`{3,}|~{3,})(?![`~{])[^\n]*\n.*?^\1\s*$", re.MULTILINE | re.DOTALL)  # code, not directives
_ROLES = re.compile(r"\{(glue|glue:text|glue:md|footcite|cite|numref|ref|doc)\}`[^`]*`")
_CODE = re.compile(r"``?[^`\n]+``?")
_URL = re.compile(r"https?://\S+")
_NUMBER = re.compile(r"(?<![\w.^_{])[−-]?\d+(?:,\d{3})*(?:\.\d+)?(?!\d)(?:\s?%)?")
_GLUE_USE = re.compile(r"\{glue(?::text|:md)?\}`([^`:]+)")
_GLUE_DEF = re.compile(r"""glue\(\s*(f?)(["'])(.*?)\2""")


def prose(source: str) -> str:
    """Markdown with everything removed that cannot hold a stale measured number."""
    for pattern in (_FENCE, _ROLES, _CODE, _URL):
        source = pattern.sub(" ", source)
    return source


def glued_keys(cells: list[dict]) -> list[re.Pattern]:
    """Patterns for the keys the code cells glue (an f-string's {...} parts match anything)."""
    patterns = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for is_f, _, key in _GLUE_DEF.findall("".join(cell["source"])):
            parts = re.split(r"\{[^}]*\}", key) if is_f else [key]
            patterns.append(re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$"))
    return patterns


def check(path: Path) -> list[str]:
    """Problems in one notebook, as printable lines."""
    cells = json.loads(path.read_text())["cells"]
    allowed = ALLOWED | ALLOWED_IN.get(path.stem, set())
    defined = glued_keys(cells)
    problems = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        for key in _GLUE_USE.findall(source):
            if not any(p.match(key) for p in defined):
                problems.append(f"{path.name} cell {index}: glue key {key!r} is never glued")
        text = prose(source)
        for match in _NUMBER.finditer(text):
            number = match.group().replace("\u2212", "-")
            if number in allowed or number.replace(" ", "") in allowed:
                continue
            start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
            context = " ".join(text[start:end].split())
            problems.append(f"{path.name} cell {index}: {number!r} not glued: ...{context}...")
    return problems


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    problems = [line for path in paths for line in check(path)]
    for line in problems:
        print(line)
    glued = sum(len(_GLUE_USE.findall("".join(c["source"])))
                for p in paths for c in json.loads(p.read_text())["cells"] if c["cell_type"] == "markdown")
    print(f"{len(paths)} notebooks, {glued} glued numbers in prose, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
