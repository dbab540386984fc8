"""nbval settings for the notebooks under book/, and the hand-over of their outputs to the build.

TensorFlow writes log lines to stderr that differ between machines; nbval compares stderr like any
other output, so we tell it not to. Rich HTML/JS reprs are skipped for the same reason.

When one pytest session runs the chapters under nbval *and* the strict book build (the test
command: ``tests/book/test_build.py`` and ``test_browser.py`` use the ``built_book`` fixture), each
chapter that nbval ran without a failure is stored, with the outputs nbval received, in the build's
jupyter-cache: the build then uses those outputs instead of executing every chapter a second time
(what myst-nb's ``execute_notebooks: cache`` does with any notebook found in its cache). A chapter
with a failing cell is not stored, so the build executes it and reports it in its own way. The tests
that use the build run after the chapters (``tests/conftest.py`` orders them).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
BOOK_OUT = ROOT / "_build" / "quick"  # the strict build's output (tests/conftest.py: built_book)
BUILD_CACHE = BOOK_OUT / "_build" / ".jupyter_cache"

_handover = {"on": False}


# Settings every test and chapter of the session must see unchanged. The test command sets
# AE_HELPERS_QUICK=1; a docstring example that deleted it once made every chapter after it run in
# full mode (ten minutes more, unnoticed). A test that changes one of these fails, and it is put back.
WATCHED_ENV = ("AE_HELPERS_QUICK", "AE_HELPERS_CACHE", "AE_HELPERS_MNIST", "KERAS_BACKEND",
               "AE_HELPERS_LOCK_TIMEOUT", "OMP_NUM_THREADS")


def _watched() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in WATCHED_ENV}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item._ae_environment = _watched()  # compared once the test's fixtures (monkeypatch) are undone


def put_back_environment(nodeid: str, before: dict[str, str | None]) -> None:
    """Raise if a watched variable differs from ``before``, after putting it back."""
    after = _watched()
    changed = {k: (before[k], after[k]) for k in WATCHED_ENV if before[k] != after[k]}
    if changed:
        for name, (old, _) in changed.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
        raise AssertionError(
            f"{nodeid} changed the environment of every test after it: "
            + ", ".join(f"{k} from {old!r} to {new!r}" for k, (old, new) in changed.items())
            + " (put back now; use monkeypatch.setenv or unittest.mock.patch.dict)")


def pytest_collectstart(collector):
    if getattr(collector, "fspath", None) is not None and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "application/javascript", "stderr")


def _is_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


def pytest_collection_finish(session):
    items = session.items
    _handover["on"] = (os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow"
                       and not session.config.option.collectonly
                       and any(_is_cell(i) for i in items)
                       and any("built_book" in getattr(i, "fixturenames", ()) for i in items))
    session.config.ae_build_handover = _handover["on"]  # read by the built_book fixture
    if _handover["on"]:
        shutil.rmtree(BOOK_OUT, ignore_errors=True)  # every build in a session starts clean


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if not (_handover["on"] and _is_cell(item)) or call.when != "call":
        return
    notebook = item.parent
    if not hasattr(notebook, "_ae_started"):
        notebook._ae_started, notebook._ae_failed = time.perf_counter(), False
    if outcome.get_result().failed:
        notebook._ae_failed = True
    else:
        item.cell.outputs = list(item.test_outputs or [])  # nbformat output nodes


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    _hand_over(item, nextitem)
    if hasattr(item, "_ae_environment"):
        put_back_environment(item.nodeid, item._ae_environment)


def _hand_over(item, nextitem) -> None:
    if not (_handover["on"] and _is_cell(item)):
        return
    notebook = item.parent
    if nextitem is not None and nextitem.parent is notebook:
        return  # not the notebook's last cell
    if getattr(notebook, "_ae_failed", True):
        return  # a failed (or never run) chapter: the build executes it itself
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(BUILD_CACHE))
    record = cache.add_nb_to_project(str(notebook.path))
    seconds = time.perf_counter() - notebook._ae_started
    cache.cache_notebook_bundle(CacheBundleIn(notebook.nb, record.uri, data={"execution_seconds": seconds}),
                                check_validity=False, overwrite=True)
