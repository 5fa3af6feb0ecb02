"""Right-to-left charts: the whole drawing mirrored left to right.

For Arabic, Farsi or Pashto readers time runs from right to left and the lane headers stand
on the right. The layout is computed as usual and then mirrored here, as pure geometry:
every rectangle, route and text anchor. QR codes keep their module pattern (the renderer
draws it from the payload inside the mirrored square), so they stay scannable.
"""

from __future__ import annotations

from dataclasses import replace

from prozesskette.layout.geometry import MIRRORED_ANCHOR, Layout, Rect, map_geometry


def mirror(layout: Layout) -> Layout:
    """The same layout mirrored about the vertical centre line of the drawing."""
    width = layout.width
    flipped = map_geometry(layout, lambda r: Rect(width - r.x - r.w, r.y, r.w, r.h),
                           lambda t: replace(t, x=width - t.x, anchor=MIRRORED_ANCHOR[t.anchor]),
                           lambda p: (width - p[0], p[1]))
    return replace(layout, **flipped)
