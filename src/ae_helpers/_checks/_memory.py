"""Checks of memory: how much the machine (or its container) lets a process use."""

from __future__ import annotations

import os


def memory_limit() -> int | None:
    """Bytes of memory this process may use: the machine's RAM, or a container's smaller limit.

    ``None`` where neither can be read (then nothing is refused for its size).

    Examples
    --------
    >>> limit = memory_limit()
    >>> limit is None or limit > 0
    True
    """
    limits = []
    try:
        limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = open(path).read().strip()  # noqa: SIM115
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < 1 << 60:
            limits.append(int(text))
    limits = [x for x in limits if x > 0]
    return min(limits) if limits else None


def check_memory(nbytes: float, what: str) -> None:
    """Refuse, before allocating, a request that needs more memory than the machine has.

    Raises
    ------
    ValueError
        If ``nbytes`` exceeds :func:`memory_limit`; the message gives both sizes and ``what`` was
        asked for.

    Examples
    --------
    >>> check_memory(1e3, "a small grid")
    >>> check_memory(1e20, "latent_grid(n=10**10)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: latent_grid(n=10**10) would need 100000000.0 TB of memory; ...
    """
    limit = memory_limit()
    if limit is not None and nbytes > limit:
        raise ValueError(
            f"{what} would need {_size(nbytes)} of memory; this machine has {_size(limit)}. "
            "Ask for fewer points."
        )


def _size(nbytes: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes:.0f} bytes"
