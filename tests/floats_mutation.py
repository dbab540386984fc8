"""A mutation run for the float32 tolerances: ``pytest -p tests.floats_mutation <files>``.

Loaded as a plugin, it replaces :func:`tests.floats.assert_close_float32` before the test files are
collected by one that first makes ``actual`` wrong by 0.1 % of the largest value it is compared with
(a real error far smaller than a wrong layer or a missing bias). Every test that compares float32
results computed different ways must then FAIL: a pass means its tolerance is too loose to catch a
real error. Not part of the test command.

The replacement happens in the ``pytest_configure`` hook, which pytest calls only for a plugin loaded
with ``-p``: merely importing this module (``--doctest-modules`` imports every file under tests/)
changes nothing. ``tests/test_floats.py`` checks that.
"""

from __future__ import annotations

import numpy as np

from tests import floats

_real = floats.assert_close_float32


def _wrong_by_a_thousandth(actual, desired, *, terms=1, err_msg=""):
    actual = np.array(actual, dtype=np.float64, copy=True)
    desired_arr = np.asarray(desired, dtype=np.float64)
    where = np.unravel_index(np.argmax(np.abs(desired_arr)), desired_arr.shape) if desired_arr.ndim else ()
    actual[where] += 1e-3 * max(abs(float(desired_arr[where])), 1e-3)
    _real(actual, desired, terms=terms, err_msg=err_msg)


def pytest_configure(config) -> None:
    """Swap the comparison before any test module is imported (only when loaded with ``-p``)."""
    floats.assert_close_float32 = _wrong_by_a_thousandth
