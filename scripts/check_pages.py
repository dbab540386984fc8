"""What a reader sees of each chapter's code: a table, and the limits a tutorial page keeps.

A code cell is *visible* unless it carries one of the tags that take its code off the page
(``remove-cell``, ``remove-input``, ``hide-input``, ``hide-cell``). For every chapter this counts the
visible code lines (blank lines aside), the visible lines longer than the page shows, the visible
``glue(`` calls, the visible lines of the setup cell (the first code cell), the words of prose, and
any visible ``os.dup2``. ``tests/book/test_pages.py`` fails past the limits below.

Run ``python scripts/check_pages.py`` for the table (it exits 1 when a chapter is past a limit).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
LINE_WIDTH = 78          # characters of a code line the built page shows without scrolling
MAX_CODE_LINES = 200     # visible code lines per chapter
MAX_SETUP_LINES = 10     # visible lines of the first code cell
MAX_WORDS = {"04_vae": 2700}  # words of prose, where a chapter has a limit of its own


@dataclass(frozen=True)
class Page:
    """What a reader sees of one chapter."""

    name: str
    code_lines: int
    long_lines: int
    glue_calls: int
    setup_lines: int
    dup2_calls: int
    words: int

    def problems(self) -> list[str]:
        found = []
        if self.code_lines > MAX_CODE_LINES:
            found.append(f"{self.code_lines} visible code lines (at most {MAX_CODE_LINES})")
        if self.long_lines:
            found.append(f"{self.long_lines} visible code lines over {LINE_WIDTH} characters")
        if self.glue_calls:
            found.append(f"{self.glue_calls} visible glue( calls (put them in remove-cell cells)")
        if self.setup_lines > MAX_SETUP_LINES:
            found.append(f"a setup cell of {self.setup_lines} visible lines (at most {MAX_SETUP_LINES})")
        if self.dup2_calls:
            found.append("visible os.dup2 (log quieting belongs in the package)")
        limit = MAX_WORDS.get(self.name)
        if limit is not None and self.words > limit:
            found.append(f"{self.words} words of prose (at most {limit})")
        return found


def is_visible(cell: dict) -> bool:
    return not HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", []))


def words_of(markdown: str) -> int:
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)   # code blocks and directives' fences
    text = re.sub(r"\{[a-z:-]+\}`[^`]*`", " 0 ", text)      # a role such as {glue:text}`x` is one word
    text = re.sub(r"\$[^$]*\$", " x ", text)                  # inline maths counts as one word
    return len(re.findall(r"[A-Za-z0-9][\w'’.-]*", text))


def page_of(path: Path) -> Page:
    cells = json.loads(path.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    visible = [c for c in code if is_visible(c)]
    lines = [line for c in visible for line in "".join(c["source"]).splitlines() if line.strip()]
    first = code[0] if code else None
    setup = ([line for line in "".join(first["source"]).splitlines() if line.strip()]
             if first is not None and is_visible(first) else [])
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return Page(
        name=path.stem,
        code_lines=len(lines),
        long_lines=sum(len(line) > LINE_WIDTH for line in lines),
        glue_calls=sum(len(re.findall(r"\bglue\(", line)) for line in lines),
        setup_lines=len(setup),
        dup2_calls=sum("dup2" in line for line in lines),
        words=words_of(prose),
    )


def chapters(root: Path = ROOT) -> list[Path]:
    return sorted((root / "book").glob("[0-9][0-9]_*.ipynb"))


def main() -> int:
    pages = [page_of(path) for path in chapters()]
    print(f"{'chapter':<24}{'code':>6}{'>78':>6}{'glue':>6}{'setup':>7}{'words':>7}  problems")
    for page in pages:
        print(f"{page.name:<24}{page.code_lines:>6}{page.long_lines:>6}{page.glue_calls:>6}"
              f"{page.setup_lines:>7}{page.words:>7}  {'; '.join(page.problems()) or '-'}")
    return 1 if any(page.problems() for page in pages) else 0


if __name__ == "__main__":
    sys.exit(main())
