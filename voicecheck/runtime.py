"""Process-wide helpers for building the big, long-lived structures (layer 0: used by text,
checks, tone and the engine alike)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_pause_lock = threading.Lock()
_pausers = 0  # blocks inside gc_paused() now, in any thread
_resume = False  # whether the collector was on when the first of them began


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a rule set, pipeline or model is built, or a
    template rendered.

    Building them makes hundreds of thousands of lasting objects, and the collector would
    otherwise walk all of them again and again: a third of the time it takes to build the
    four rule sets. Whatever garbage they leave is collected once the block ends. The
    collector is one per process, so blocks are counted across threads: it resumes when the
    last one ends (two overlapping renders in the server's thread pool: the first to finish
    must not turn it back on under the other).

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    global _pausers, _resume
    with _pause_lock:
        if _pausers == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pausers += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pausers -= 1
            if _pausers == 0 and _resume:
                gc.enable()
