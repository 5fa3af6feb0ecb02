"""Python's cycle collector paused while a chart is laid out or drawn.

A layout makes hundreds of thousands of small objects (items, rectangles, points, text
lines) and keeps most of them until it is done; nearly none of them form reference cycles,
so reference counting frees them all. The cycle collector, though, runs every 700
allocations and, in its oldest generation, walks every object in the process, so its cost
grows with the chart squared: measured on the cross-lane family, first layout in a fresh
process, 1000 steps 0.351 → 0.317 s and 5000 steps 2.01 → 1.69 s with it paused (14
collections of the oldest generation, none of which found anything to collect). Whatever
cycles do arise are collected after the pause.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_cycle_collection"]


@contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """No cycle collection inside the block; if it was on before, it is on again after
    (nested and concurrent blocks end with it on unless it was off to begin with)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
