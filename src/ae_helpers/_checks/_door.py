"""Checking arguments once, at the door: the checks of helpers called by a helper that has already
checked everything they are given are skipped.

scikit-learn's ``validate_params`` does the same (``skip_parameter_validation`` for nested calls). A
public helper checks its arguments at its entry; when it hands them on to other public helpers (a
recipe's ``fit`` calling ``dense_vae`` and ``train``), it does so inside :func:`checked_already`,
and the value checks of :mod:`._scalars` and the scans of :mod:`._images` let the values through
unchanged instead of checking them a second time. Conversions that change what a helper computes
with (a flat batch reshaped to a model's input) still happen.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

_CHECKED = contextvars.ContextVar("ae_helpers_checked_already", default=False)


@contextlib.contextmanager
def checked_already() -> Iterator[None]:
    """Within this block, arguments count as checked: the checks let values through unchanged.

    Per thread and per task (a :class:`contextvars.ContextVar`): a batch-preparing worker thread
    that Keras starts is not inside the block.

    Examples
    --------
    >>> from ae_helpers._checks import check_int
    >>> with checked_already():
    ...     check_int(0, "epochs")
    0
    >>> at_the_door()
    True
    """
    token = _CHECKED.set(True)
    try:
        yield
    finally:
        _CHECKED.reset(token)


def at_the_door() -> bool:
    """Whether checks run: ``False`` only inside :func:`checked_already`.

    Examples
    --------
    >>> at_the_door()
    True
    """
    return not _CHECKED.get()
