"""Right-to-left charts: the whole drawing mirrored left to right.

For Arabic, Farsi or Pashto readers time runs from right to left and the lane headers stand
on the right. The layout is computed as usual and then mirrored here, as pure geometry:
every rectangle, route and text anchor. QR codes keep their module pattern (the renderer
draws it from the payload inside the mirrored square), so they stay scannable.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any

from prozesskette.layout.geometry import Anchor, Layout, Rect, Style, TextLine

_ANCHOR: dict[str, Anchor] = {"start": "end", "end": "start", "middle": "middle"}


def mirror(layout: Layout) -> Layout:
    """The same layout mirrored about the vertical centre line of the drawing."""
    width = layout.width

    def flip(obj: Any) -> Any:
        if isinstance(obj, Rect):
            return Rect(width - obj.x - obj.w, obj.y, obj.w, obj.h)
        if isinstance(obj, TextLine):
            return replace(obj, x=width - obj.x, anchor=_ANCHOR[obj.anchor])
        if isinstance(obj, tuple):
            if len(obj) == 2 and all(isinstance(v, float | int) and not isinstance(v, bool)
                                     for v in obj):
                return (width - obj[0], obj[1])
            return tuple(flip(v) for v in obj)
        if isinstance(obj, dict):
            return {key: flip(value) for key, value in obj.items()}
        if is_dataclass(obj) and not isinstance(obj, type | Style):
            return replace(obj, **{f.name: flip(getattr(obj, f.name)) for f in fields(obj)})
        return obj

    flipped = {name: flip(getattr(layout, name))
               for name in ("nodes", "lanes", "phases", "edges", "title", "legend")}
    return replace(layout, **flipped)
