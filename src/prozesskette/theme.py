"""The one palette of the drawings and pages: SVG, HTML (and the PDF, which draws the same
chart) take their colours from here, so that every output looks alike.

Colours are written as the SVG writes them (short ``#rgb`` where that is exact); a renderer
that needs ``#rrggbb`` expands them. In the SVG, each colour of the chart can be overridden by
the CSS custom property named in its comment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from prozesskette.markup import css_color

# --- the chart
TEXT = "#1a1a1a"  # --pk-text
NOTE = "#4d4d4d"  # --pk-note: notes (legal basis), also the PDF's page furniture
LINK = "#0b57a5"  # --pk-link
FOCUS = "#1a5fb4"  # --pk-focus: outline of a focused link
STROKE = "#333"  # --pk-stroke: step outlines
STEP_FILL = "#fff"  # --pk-step-fill, also --pk-label-fill (edge labels, hand-off markers)
EDGE = "#4d4d4d"  # --pk-edge
HANDOFF = "#b3261e"  # --pk-handoff
LANE_STROKE = "#a6a6a6"  # --pk-lane-stroke
LANE_FILL = "#f7f7f7"  # a lane without a valid colour of its own
SHARED_SECOND_FILL = "#e6e6e6"  # the legend's shared-step swatch when a chart has < 2 lanes
HEADER_FILL = "#fff"  # --pk-header-fill: the veil over a lane's colour behind its name
HEADER_VEIL = 0.6  # … at this opacity
PHASE_FILL = "#ececec"  # --pk-phase-fill
PHASE_STROKE = "#8c8c8c"  # --pk-phase-stroke
BADGE = "#5b3a8c"  # --pk-badge
BADGE_TEXT = "#fff"  # --pk-badge-text
LEGEND_FILL = "#fff"  # --pk-legend-fill
QR_DARK, QR_LIGHT = "#000", "#fff"  # never themed: a QR code needs dark on light

# --- the marks of a diff (prozesskette diff): each also has a symbol, never colour alone;
# each has at least 4.5:1 contrast on white
DIFF_ADDED = "#1a7f37"  # --pk-diff-added: added steps and transitions ("+")
DIFF_CHANGED = "#9a6700"  # --pk-diff-changed: changed steps (pencil)
DIFF_REMOVED = "#6e7781"  # --pk-diff-removed: ghosts of removed steps (dashed, "−")

# --- lanes without a colour of their own, in turn (the layout chooses them, see
# auto_lane_colors)
AUTO_LANE_COLORS = ("#eef4fb", "#f3f8ee", "#fbf3ea", "#f2eefa", "#eaf6f6", "#fbeef2", "#f6f5e8",
                    "#edf1f5", "#f4efe9", "#eef7f1", "#f7eef8", "#eef0fa")
MIN_LANE_DELTA_E = 5.0  # CIEDE2000 between an automatic lane colour and its neighbours

# --- exports drawn by other tools (Graphviz, Mermaid): plain six-digit colours they all read
EXPORT_STEP_FILL = "#ffffff"
EXPORT_LANE_FILL = "#f4f4f4"  # a lane without a colour of its own
EXPORT_LANE_BORDER = "#999999"

# --- the HTML page around the chart
PAGE_BACKGROUND = "#fff"
PAGE_MUTED = "#404040"  # meta line, step numbers, caption
PAGE_RULE = PHASE_STROKE  # heading rules, step bars, boxes
PAGE_VISITED = BADGE  # visited links
PAGE_FOCUS_BACKGROUND = "#fff3b0"


def lane_fill(color: str | None) -> str:
    """A lane's background: its own colour if valid (in lower case), else :data:`LANE_FILL`."""
    return css_color(color, LANE_FILL)


def deeper(color: str, factor: float = 2.2) -> str:
    """The same hue, ``factor`` times as far from white: a pastel lane colour made visible
    inside a shared step that lies on that lane's background."""
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    channels = [int(value[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{max(0, round(255 - (255 - c) * factor)):02x}" for c in channels)


def opacity(value: float) -> str:
    """An opacity as the SVG writes it: ``.6``."""
    return f"{value:g}".removeprefix("0")


# --- telling lane colours apart ------------------------------------------------------------

def _lab(color: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour ``#rgb`` / ``#rrggbb``."""
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    linear = []
    for i in (0, 2, 4):
        c = int(value[i:i + 2], 16) / 255
        linear.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = linear
    xyz = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b,
           0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
           0.0193339 * r + 0.1191920 * g + 0.9503041 * b)
    white = (0.95047, 1.0, 1.08883)

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, white, strict=True))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """The CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu, Dalal 2005, with
    k_L = k_C = k_H = 1). About 1 is the smallest difference people see side by side; the
    lane colours keep :data:`MIN_LANE_DELTA_E` apart. Own code of some 30 lines rather than a
    dependency (colormath, scikit-image): tests/test_compact.py checks it against the
    published test pairs of Sharma et al."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    dh = h2p - h1p if c1p * c2p else 0.0
    if dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dhh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_mean = h1p + h2p
    if c1p * c2p:
        h_mean = (h1p + h2p) / 2 if abs(h1p - h2p) <= 180 else (
            (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2)
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30)) + 0.24 * math.cos(math.radians(
        2 * h_mean)) + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    sl = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    sc = 1 + 0.045 * cp_mean
    sh = 1 + 0.015 * cp_mean * t
    rt = -2 * math.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25 ** 7)) * math.sin(
        math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
    return math.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2
                     + rt * (dc / sc) * (dhh / sh))


def color_difference(color1: str, color2: str) -> float:
    """CIEDE2000 between two sRGB colours written ``#rgb`` or ``#rrggbb``."""
    return delta_e2000(_lab(color1), _lab(color2))


def auto_lane_colors(given: Sequence[str | None], start: Sequence[int]) -> list[str]:
    """Each lane's fill, in drawn order: ``given`` colours stay, a lane without one (None)
    gets a colour of :data:`AUTO_LANE_COLORS` at least :data:`MIN_LANE_DELTA_E` (CIEDE2000)
    from both neighbours' fills, given or automatic. ``start`` is where each lane's search
    begins in the palette (its actor's place in the file, so that colours vary and stay put
    when a lane moves); the first colour that keeps the distance is taken, or, should none,
    the one farthest from its neighbours."""
    fills: list[str | None] = [lane_fill(c) if c is not None else None for c in given]
    for lane, color in enumerate(given):
        if color is not None:
            continue
        neighbours = [fills[i] for i in (lane - 1, lane + 1)
                      if 0 <= i < len(fills) and fills[i] is not None]
        count = len(AUTO_LANE_COLORS)
        candidates = [AUTO_LANE_COLORS[(start[lane] + k) % count] for k in range(count)]

        distance = {c: min([color_difference(c, n) for n in neighbours if n] + [math.inf])
                    for c in candidates}
        fills[lane] = next((c for c in candidates if distance[c] >= MIN_LANE_DELTA_E),
                           max(candidates, key=distance.__getitem__))
    return [fill or LANE_FILL for fill in fills]
