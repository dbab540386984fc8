"""A test that changes the session's settings fails, and the settings are put back (../conftest.py).

The test command sets AE_HELPERS_QUICK=1 for every test and chapter. A docstring example that deleted
it made every chapter after it run in full mode, ten minutes more, with nothing failing.
"""

from __future__ import annotations

import os

import pytest

import conftest as root


def test_a_changed_setting_fails_and_is_put_back(monkeypatch):
    monkeypatch.setenv("AE_HELPERS_QUICK", "1")
    before = root._watched()
    os.environ.pop("AE_HELPERS_QUICK")  # what the old quick_mode example did
    with pytest.raises(AssertionError, match="AE_HELPERS_QUICK from '1' to None"):
        root.put_back_environment("some_test", before)
    assert os.environ["AE_HELPERS_QUICK"] == "1"


def test_an_unchanged_environment_passes(monkeypatch):
    monkeypatch.setenv("AE_HELPERS_QUICK", "1")
    root.put_back_environment("some_test", root._watched())
