"""The one palette of the drawings and pages: SVG, HTML (and the PDF, which draws the same
chart) take their colours from here, so that every output looks alike.

Colours are written as the SVG writes them (short ``#rgb`` where that is exact); a renderer
that needs ``#rrggbb`` expands them. In the SVG, each colour of the chart can be overridden by
the CSS custom property named in its comment.
"""

from __future__ import annotations

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

# --- lanes without a colour of their own, in turn (the layout chooses them)
AUTO_LANE_COLORS = ("#eef4fb", "#f3f8ee", "#fbf3ea", "#f2eefa", "#eaf6f6", "#fbeef2", "#f6f5e8",
                    "#edf1f5", "#f4efe9", "#eef7f1", "#f7eef8", "#eef0fa")

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
