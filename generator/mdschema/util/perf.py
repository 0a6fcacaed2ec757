"""Keeping the big phases fast: parsing, rendering, catalog snapshots and diffs."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # blocks running now, in any thread
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off.

    The allocation-heavy phases build tens of thousands of small objects (AST nodes, records, catalog
    rows) that hold no garbage cycles, and every allocation threshold crossed makes the collector walk
    the whole growing graph again: 20-30% of the time at 2,000 tables. Reference counting still frees
    everything as usual; the collector is back on (if it was on) when the last block ends. Nesting and
    threads are fine.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
