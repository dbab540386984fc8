"""The runs on the PyTorch and JAX backends, started in the background as soon as pytest has collected.

The suite runs on TensorFlow; ``test_backends.py`` checks that the helpers' tests and every chapter
(under nbval) pass on PyTorch and JAX too. Each backend's check is two pytest processes, with
``KERAS_BACKEND`` set and a model cache of its own, one over the helper test files and one over every
chapter. They are started by ``tests/conftest.py`` the moment collection ends, at a lower priority,
so they run beside the TensorFlow tests instead of after them and take the cores those leave; the
tests in ``test_backends.py`` run last and wait for them.
Run alone (``pytest tests/book/test_backends.py``), a test starts its backend's run itself.

A run's results are read from its JUnit XML report, so that the helpers' tests and the chapters get a
verdict each.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
BOOK = ROOT / "book"
BACKENDS = ("torch", "jax")
TIMEOUT_S = 1800
# Several processes share two cores while the suite runs. OpenMP threads spin while they wait for a
# core, which slowed PyTorch's run several times over when it ran one thread per core, so the
# background runs get one OpenMP/BLAS thread (XLA's own pool, on JAX, takes no such setting) ...
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# ... and a lower priority: the TensorFlow tests, the build and the browser check run one after the
# other and are the longest path, so they get a core whenever they want one and the background runs
# take the rest (on an idle machine nice changes nothing).
BACKGROUND = ["nice", "-n", "10"] if shutil.which("nice") else []
# Files about the repository rather than the helpers, or that run other tools.
NOT_HELPERS = {"test_packaging.py", "test_data.py"}
# Helper tests whose subject is not the backend, left out of the background runs (they run on
# TensorFlow in the suite itself): the model cache under file-system and process faults starts a
# dozen Python processes (two minutes of a background run) to test files, locks and signals; the
# cache's save and load on each backend are tested by test_cache.py, which does run there.
NOT_BACKEND = {"test_cache_faults.py"}


def helper_test_files(*, background: bool = False) -> list[str]:
    """Every unit test file of the helpers: all of tests/ but the book-level runs in tests/book/
    (with ``background``, also without the files in ``NOT_BACKEND``)."""
    left_out = NOT_HELPERS | (NOT_BACKEND if background else set())
    return sorted(str(p) for p in TESTS.rglob("test_*.py")
                  if "book" not in p.relative_to(TESTS).parts and p.name not in left_out)


def chapter_files() -> list[str]:
    return sorted(str(p) for p in BOOK.glob("[0-9][0-9]_*.ipynb"))


def backend_cache(backend: str) -> Path:
    """The model cache of a backend's run: beside the suite's own, or in a temporary folder."""
    base = os.environ.get("AE_HELPERS_CACHE")
    if base:
        return Path(base).with_name(f"ae_helpers-{backend}")
    return Path(tempfile.gettempdir()) / f"ae_helpers-{backend}-{os.getpid()}"


@dataclass
class Outcome:
    """What one backend's run did: its exit status, output and the failed tests by part."""

    backend: str
    returncode: int
    output: str
    passed: dict[str, int] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)

    def summary(self, part: str) -> str:
        return (f"{self.backend}, {part}: {self.passed.get(part, 0)} passed, "
                f"{len(self.failed.get(part, []))} failed")


def _part(case: ET.Element) -> str:
    name = (case.get("classname", "") + "." + case.get("name", "")).replace("/", ".")
    return "chapters" if name.startswith("book.") or ".ipynb" in name else "helpers"


def _read_report(backend: str, returncode: int, output: str, report: Path) -> Outcome:
    outcome = Outcome(backend, returncode, output)
    if not report.is_file():
        return outcome
    for case in ET.parse(report).getroot().iter("testcase"):
        part = _part(case)
        if case.find("failure") is not None or case.find("error") is not None:
            outcome.failed.setdefault(part, []).append(f"{case.get('classname')}::{case.get('name')}")
        elif case.find("skipped") is None:
            outcome.passed[part] = outcome.passed.get(part, 0) + 1
    return outcome


class BackendRun:
    """One backend's pytest processes (the helpers' tests; the chapters), started from a thread."""

    def __init__(self, backend: str):
        self.backend = backend
        self._done = threading.Event()
        self._outcome: Outcome | None = None
        self._thread = threading.Thread(target=self._run, name=f"{backend}-run", daemon=True)

    def start(self) -> BackendRun:
        self._thread.start()
        return self

    def _run(self) -> None:
        # Two processes: the helpers' tests and the chapters. At nice 10 they take what the
        # TensorFlow tests leave; once those are done, the two use both cores.
        parts = {"helpers": helper_test_files(background=True), "chapters": chapter_files()}
        try:
            with ThreadPoolExecutor(len(parts)) as pool:
                outcomes = list(pool.map(self._run_part, parts, parts.values()))
            merged = Outcome(self.backend, 0, "")
            for part, got in zip(parts, outcomes):
                merged.returncode = merged.returncode or got.returncode
                merged.output += f"--- {part} ---\n{got.output}\n"
                merged.passed.update({k: merged.passed.get(k, 0) + v for k, v in got.passed.items()})
                for k, v in got.failed.items():
                    merged.failed.setdefault(k, []).extend(v)
            self._outcome = merged
        finally:
            self._done.set()

    def _run_part(self, part: str, files: list[str]) -> Outcome:
        folder = Path(tempfile.mkdtemp(prefix=f"ae-{self.backend}-{part}-run-"))
        report = folder / "report.xml"
        env = {**os.environ, "KERAS_BACKEND": self.backend,
               "AE_HELPERS_CACHE": str(backend_cache(self.backend))}
        env.update(ONE_THREAD)
        command = [*BACKGROUND, sys.executable, "-m", "pytest", *files,
                   "--nbval-lax", "--nbval-current-env", "-q", "-p", "no:cacheprovider",
                   "-m", "not slow", "-W", "ignore::UserWarning", "-W", "ignore::DeprecationWarning",
                   f"--junitxml={report}"]
        try:
            run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                 timeout=TIMEOUT_S)
            return _read_report(self.backend, run.returncode, run.stdout + run.stderr, report)
        except subprocess.TimeoutExpired as error:
            output = (error.stdout or b"").decode(errors="replace") if isinstance(error.stdout, bytes) \
                else (error.stdout or "")
            return Outcome(self.backend, -1, f"{part}: timed out after {TIMEOUT_S} s\n{output}")

    def outcome(self) -> Outcome:
        """Wait for the run to end and return what it did."""
        self._done.wait()
        assert self._outcome is not None
        return self._outcome


_runs: dict[str, BackendRun] = {}
_lock = threading.Lock()


def start(backend: str) -> BackendRun:
    """Start ``backend``'s run unless it has started already; return it."""
    with _lock:
        if backend not in _runs:
            _runs[backend] = BackendRun(backend).start()
        return _runs[backend]
