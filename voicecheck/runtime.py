"""Process-wide helpers for building the big, long-lived structures (layer 0: used by text,
checks, tone and the engine alike)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a rule set, pipeline or model is built.

    Building them makes hundreds of thousands of lasting objects, and the collector would
    otherwise walk all of them again and again: a third of the time it takes to build the
    four rule sets. Whatever garbage they leave is collected once the block ends.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
