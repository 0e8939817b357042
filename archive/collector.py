"""Work that makes millions of objects, none in a cycle, with the cyclic garbage collector paused.

Python's cyclic collector runs a full collection every so many new objects and walks all of
them; loading the stat cache's 200,000 entries (a million objects) or writing a Whoosh segment's
postings set it off again and again, for nothing, since none of those objects is in a cycle.
What such work leaves behind is still freed by reference counting as it goes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_collection() -> Iterator[None]:
    """The cyclic collector paused for the ``with`` block, then as it was (left off if it was
    off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
