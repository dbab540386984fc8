"""What the chapters need as pages of a book: numbers handed from the code to the prose.

Introduced in the prelude (``book/00_why_pixels_fail.ipynb``). In the built book, :func:`glue`
hands a number a chapter computed to its prose (myst-nb's ``{glue:text}`` role), so that a rebuild
can never leave a sentence quoting a stale number. The chapters call it in cells the page does not
show (tagged ``remove-cell``); elsewhere (Colab, a plain Jupyter) it does nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:  # myst-nb is installed with the book's extra; a reader's Colab has no need of it
    from myst_nb import glue as _myst_glue
except ImportError:  # pragma: no cover - depends on what is installed
    _myst_glue = None


def glue(name: str, value: Any) -> Any:
    """Hand ``value`` to the book's prose under ``name``; return it unchanged.

    Parameters
    ----------
    name : str
        The key the prose quotes, as in ``{glue:text}`name:.1f```.
    value : Any
        A number, a string or anything else myst-nb can show. NumPy scalars are turned into
        Python numbers first, so that the prose formats them like any number.

    Returns
    -------
    Any
        ``value``, so that a cell can glue and keep a number in one line.

    Raises
    ------
    TypeError
        If ``name`` is not a string.

    Examples
    --------
    >>> glue("share", 0.5)
    0.5
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string (the key the prose quotes); got {name!r}")
    plain = value.item() if isinstance(value, np.generic) else value
    if _myst_glue is not None:
        _myst_glue(name, plain, display=False)
    return value
