"""Python's cycle collector paused while a chart is laid out.

A layout makes hundreds of thousands of small objects (items, rectangles, points, text
lines) and keeps most of them until it is done; nearly none of them form reference cycles,
so reference counting frees them all. The cycle collector, though, runs every 700
allocations and, in its oldest generation, walks every object in the process, so its cost
grows with the chart squared: measured on the cross-lane family, first layout in a fresh
process, 1000 steps 0.351 → 0.317 s and 5000 steps 2.01 → 1.69 s with it paused (14
collections of the oldest generation, none of which found anything to collect). Whatever
cycles do arise are collected after the pause.

The live preview lays charts out in worker threads, and the collector is the process's:
the pauses are counted under a lock, the first one turns it off and the last one turns it
on again (if it was on before the first).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_cycle_collection"]

_LOCK = threading.Lock()
_state = {"depth": 0, "was_enabled": False}  # pauses running now; the collector before them


@contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """No cycle collection inside the block, nor while any other thread is inside one;
    after the last block the collector is as it was before the first."""
    with _LOCK:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["was_enabled"]:
                gc.enable()
