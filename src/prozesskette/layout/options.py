"""What the layout may be asked for (:class:`Options`), the fixed spacings every stage shares,
and the :class:`Frame` that maps the abstract axes to x/y.

The stages work in two abstract axes: ``t`` (time, the column axis) and ``l`` (the lane axis).
For lanes as rows (``lr``) t is x and l is y; for lanes as columns (``tb``) t is y and l is x.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from prozesskette.layout.geometry import Point, Rect
from prozesskette.layout.lane_order import LaneOrder

Direction = Literal["lr", "tb"]


@dataclass(frozen=True)
class Options:
    """What the layout may be asked for."""

    direction: Direction | None = None  # None: the chain's own
    lane_order: LaneOrder | None = None  # None: the chain's own (auto unless it says file)
    qr: bool = True
    qr_size: float = 72.0  # side of the chart's densest QR code incl. quiet zone, in points
                           # (the others: the same module size, fewer modules)
    contacts: bool = True
    font_size: float = 9.0
    small_size: float = 7.0
    box_width: float = 104.0
    title: bool = True
    legend: bool = True
    language: str | None = None
    compact: bool = False  # hand-offs past a step in between stay in their column (detours)
    aspect: float | None = None  # width : height of the paper's chart area to fill; None: the
                                 # screen's drawing (boxes narrowed towards TARGET_ASPECT)


# spacing, in points
PAD_X, PAD_Y = 7.0, 6.0
ROW_GAP = 18.0
LANE_PAD = 6.0  # between a lane's border and its boxes, as inside a box (10 before: the print
    # targets' charts at 7.21 / 7.35 / 5.85 / 9.36 pt instead of 7.57 / 7.54 / 6.05 / 9.40)
CHANNEL_MIN = 18.0
CHANNEL_NARROW = 14.0  # … in a chart that had to get narrower
NARROWING = (1.0, 0.88, 0.77, 0.68, 0.55)  # box widths tried (× Options.box_width), widest first
DECISION_NARROWING = 0.77  # diamonds narrow with the boxes only down to this share: a
    # diamond's height grows as 1 / (1 - text width / diamond width), a box's with its lines;
    # its whole lane grows with it
TARGET_ASPECT = 1.45  # width : height wanted on screen (A paper in landscape: 1.41; the chart
    # area of a landscape page, margins and footer taken off: A3 1.45, A2 1.44, A0 1.43)
PRINT_ASPECT = 1.5  # what decides between the screen's folds, whose QR codes grow in print as
    # they shrink (the chart areas before the smaller page furniture: A3 1.50, A2 1.49, A0
    # 1.46); the PDF shapes its own drawing for its page (printing/page_fit.py)
TRACK = 7.0
TRACK_MARGIN = 7.0
PORT_GAP = 8.0
HEADER_PAD = 8.0
NUDGE = 3.5
MARGIN = 12.0  # white space around the whole drawing


class Frame(NamedTuple):
    """The map from the abstract axes (t, l) to the drawing's (x, y)."""

    direction: Direction

    def ext(self, w: float, h: float) -> tuple[float, float]:
        """Abstract extents (t, l) of a final (w, h); the map is its own inverse."""
        return (w, h) if self.direction == "lr" else (h, w)

    def xy(self, t: float, l_: float) -> Point:
        return (t, l_) if self.direction == "lr" else (l_, t)

    def rect(self, t0: float, l0: float, t_ext: float, l_ext: float) -> Rect:
        if self.direction == "lr":
            return Rect(t0, l0, t_ext, l_ext)
        return Rect(l0, t0, l_ext, t_ext)


class Canvas(NamedTuple):
    """The :class:`Frame` with the chart shifted down by ``dy`` (room for the title)."""

    frame: Frame
    dy: float

    def rect(self, t0: float, l0: float, t_ext: float, l_ext: float) -> Rect:
        r = self.frame.rect(t0, l0, t_ext, l_ext)
        return Rect(r.x, r.y + self.dy, r.w, r.h)

    def point(self, t: float, l_: float) -> Point:
        x, y = self.frame.xy(t, l_)
        return (x, y + self.dy)
