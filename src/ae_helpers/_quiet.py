"""A quiet start: Keras imported without TensorFlow's C++ start-up notices.

TensorFlow's C++ layer (absl, oneDNN) writes a few notices to file descriptor 2 while it loads, and
they ignore ``TF_CPP_MIN_LOG_LEVEL``. In a chapter they show as red boxes under the first cell. The
package imports Keras once, through :func:`import_keras_quietly`, before any of its modules need it.
"""

from __future__ import annotations

import os
import sys


def import_keras_quietly() -> None:
    """Import Keras with file descriptor 2 pointed at nowhere, unless Keras is already imported.

    Python's own errors are unaffected: an exception raised by the import propagates after the
    descriptor is restored, and anything written to stderr later shows as usual.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "keras" in sys.modules:
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no descriptor 2 to borrow (embedded interpreters)
        import keras  # noqa: F401
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import keras  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)
