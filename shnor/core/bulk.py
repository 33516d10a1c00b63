"""Work that makes a great many objects at once: a national campaign's analysis computed or read back (≈ a million
records at 50,000 schools), the справка built from it.

Python's cyclic garbage collector runs every few hundred allocations of container objects and, as they survive, walks
the older generations again and again: at 50,000 schools it took a quarter of the analysis's time and more than half of
reading a stored one, to free nothing (the records hold no cycles; reference counting frees them as always).
`collector_paused` turns it off for the duration and back on after, as a context manager or a decorator; nested or
concurrent uses leave it to the outermost to turn it back on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
