"""The marks of a diff in the SVG: what changed since the old version, drawn on the new chart.

The marks come placed in :attr:`Layout.marks <prozesskette.layout.geometry.Layout.marks>`
(see :mod:`prozesskette.layout.diff_marks`); this module only draws them, for
:mod:`~prozesskette.renderers.svg`:

* an added step: a solid outline and a "+" badge; a changed step: a dotted outline and a
  pencil badge. The step's own accessible name and tooltip (``<title>``) then also say what
  changed, with the old values;
* an added transition: its route in the "added" colour and a "+" badge with a ``<title>``;
* an added or changed contact person: an outline and a symbol in the lane header, named (and
  with a ``<title>``) by what changed;
* a removed step: a dashed ghost box with its old title and a "−" badge, a list item with
  an accessible name;
* the legend of the marks, and the list of removed steps that found no room in the chart.

Colour is never the only sign (WCAG 1.4.1): each kind has its own symbol and line pattern.
Colours come from :mod:`prozesskette.theme`; a page can set ``--pk-diff-added``,
``--pk-diff-changed`` and ``--pk-diff-removed``.
"""

from __future__ import annotations

from typing import Literal, Protocol

from prozesskette.layout.geometry import (
    ContactMark,
    EdgeMark,
    Ghost,
    Layout,
    MarkKey,
    MarkKind,
    Rect,
    StepMark,
    TextBlock,
    fmt,
)
from prozesskette.markup import escape_attribute, escape_text, one_line
from prozesskette.theme import (
    DIFF_ADDED,
    DIFF_CHANGED,
    DIFF_REMOVED,
    LANE_STROKE,
    LEGEND_FILL,
    STEP_FILL,
)

__all__ = ["DASH", "Drawer", "contact_mark", "edge_mark", "edge_style", "ghosts", "keys",
           "mark_color", "removed_list", "step_mark"]

Shape = Literal["start", "task", "decision", "document", "end"]

DASH: dict[MarkKind, str] = {"added": "", "changed": "1.5 2", "removed": "5 3"}
"""The line pattern of each kind of mark: solid, dotted, dashed."""

_COLORS: dict[MarkKind, tuple[str, str]] = {
    "added": ("--pk-diff-added", DIFF_ADDED),
    "changed": ("--pk-diff-changed", DIFF_CHANGED),
    "removed": ("--pk-diff-removed", DIFF_REMOVED),
}


class Drawer(Protocol):
    """What this module needs of the SVG renderer: its shapes and its text."""

    def shape(self, kind: Shape, rect: Rect, attrs: str = "", inner: str = "") -> str: ...

    def text(self, block: TextBlock | None, extra: str = "") -> str: ...


def mark_color(kind: MarkKind) -> str:
    """``style`` that sets ``color`` for a mark (inline, so that it beats the chart's own
    rules, and a page can still override it with the custom property)."""
    name, value = _COLORS[kind]
    return f' style="color:var({name},{value})"'


def edge_style(kind: MarkKind) -> str:
    """Extra attributes for an added transition's ``g.pk-edge``."""
    return f' data-diff="{kind}"{mark_color(kind)}'


def _title(text: str) -> str:
    return f"<title>{escape_text(one_line(text))}</title>"


def _symbol(kind: MarkKind, rect: Rect) -> str:
    """The round badge: "+" (added), a pencil (changed) or "−" (removed), white on the
    mark's colour."""
    r = rect.w / 2
    cx, cy = rect.cx, rect.cy
    arm = r * 0.55
    if kind == "added":
        glyph = (f'<path d="M{fmt(cx - arm)} {fmt(cy)}H{fmt(cx + arm)}M{fmt(cx)} {fmt(cy - arm)}'
                 f'V{fmt(cy + arm)}" stroke="{STEP_FILL}" stroke-width="1.6" fill="none"/>')
    elif kind == "removed":
        glyph = (f'<path d="M{fmt(cx - arm)} {fmt(cy)}H{fmt(cx + arm)}" stroke="{STEP_FILL}"'
                 ' stroke-width="1.6" fill="none"/>')
    else:  # a pencil: a slanted body with a pointed tip at the lower left
        d = (f"M{fmt(cx - arm)} {fmt(cy + arm)}L{fmt(cx - arm * 0.75)} {fmt(cy + arm * 0.15)}"
             f"L{fmt(cx + arm * 0.3)} {fmt(cy - arm)}L{fmt(cx + arm)} {fmt(cy - arm * 0.3)}"
             f"L{fmt(cx - arm * 0.15)} {fmt(cy + arm * 0.75)}Z")
        glyph = f'<path d="{d}" fill="{STEP_FILL}" stroke="none"/>'
    return (f'<g class="pk-diff-symbol"><circle cx="{fmt(cx)}" cy="{fmt(cy)}" r="{fmt(r)}"'
            f' fill="currentColor" stroke="{STEP_FILL}" stroke-width="0.8"/>{glyph}</g>')


def _dash(kind: MarkKind) -> str:
    return f' stroke-dasharray="{DASH[kind]}"' if DASH[kind] else ""


def step_mark(drawer: Drawer, shape: Shape, mark: StepMark) -> str:
    """The outline and symbol of an added or changed step (inside its ``g.pk-step``; the
    step's box carries the words)."""
    outline = drawer.shape(shape, mark.outline, f' fill="none" stroke="currentColor"'
                                                f' stroke-width="2"{_dash(mark.kind)}')
    return (f'<g class="pk-diff-mark pk-diff-{mark.kind}"{mark_color(mark.kind)}'
            f' aria-hidden="true" pointer-events="none">{outline}'
            f"{_symbol(mark.kind, mark.symbol)}</g>")


def contact_mark(drawer: Drawer, mark: ContactMark) -> str:
    """The outline and symbol of an added or changed contact person, named by what changed
    (inside its ``g.pk-contact``; only the outline and the symbol catch the pointer, so that
    the contact's links stay usable)."""
    outline = drawer.shape("task", mark.outline, f' fill="none" stroke="currentColor"'
                                                 f' stroke-width="1.5"{_dash(mark.kind)}')
    name = escape_attribute(one_line(mark.title))
    return (f'<g class="pk-diff-mark pk-diff-{mark.kind}"{mark_color(mark.kind)} role="img"'
            f' aria-label="{name}">{_title(mark.title)}{outline}'
            f"{_symbol(mark.kind, mark.symbol)}</g>")


def edge_mark(mark: EdgeMark) -> str:
    """The "+" badge of an added transition, with its words as tooltip."""
    return (f'<g class="pk-diff-mark pk-diff-added"{mark_color("added")}'
            f' data-from="{escape_attribute(mark.source)}"'
            f' data-to="{escape_attribute(mark.target)}">{_title(mark.title)}'
            f"{_symbol('added', mark.symbol)}</g>")


def ghosts(drawer: Drawer, layout: Layout, label: str) -> str:
    """The removed steps as dashed ghost boxes: a list, each an image named by its words."""
    items = layout.marks.ghosts
    if not items:
        return ""
    parts = [f'<g class="pk-diff-ghosts" role="list" aria-label="{escape_attribute(label)}">']
    parts.extend(_ghost(drawer, ghost) for ghost in items)
    parts.append("</g>")
    return "".join(parts)


def _ghost(drawer: Drawer, ghost: Ghost) -> str:
    name = escape_attribute(one_line(ghost.title))
    box = drawer.shape(ghost.kind, ghost.rect,
                       f' fill="{STEP_FILL}" fill-opacity="0.6" stroke="currentColor"'
                       f' stroke-width="1.5"{_dash("removed")} role="img" aria-label="{name}"',
                       _title(ghost.title))
    text = drawer.text(ghost.text, ' style="fill:currentColor" font-style="italic"')
    return (f'<g class="pk-diff-ghost" data-step="{escape_attribute(ghost.step)}"'
            f' role="listitem"{mark_color("removed")}>{box}'
            f'<g aria-hidden="true">{text}{_symbol("removed", ghost.symbol)}</g></g>')


def keys(drawer: Drawer, layout: Layout) -> str:
    """The legend of the marks: a swatch with the kind's pattern and symbol, and its words."""
    marks = layout.marks
    if not marks.keys or marks.keys_rect is None:
        return ""
    parts = [f'<g class="pk-diff-legend"><rect x="{fmt(marks.keys_rect.x)}"'
             f' y="{fmt(marks.keys_rect.y)}" width="{fmt(marks.keys_rect.w)}"'
             f' height="{fmt(marks.keys_rect.h)}" fill="{LEGEND_FILL}" stroke="{LANE_STROKE}"/>']
    parts.extend(_key(drawer, key) for key in marks.keys)
    parts.append("</g>")
    return "".join(parts)


def _key(drawer: Drawer, key: MarkKey) -> str:
    box = key.swatch
    swatch = drawer.shape("task", box, f' fill="{STEP_FILL}" stroke="currentColor"'
                                       f' stroke-width="1.5"{_dash(key.kind)}')
    r = min(box.h, 10.0) / 2
    symbol = _symbol(key.kind, Rect(box.right - r, box.bottom - r, 2 * r, 2 * r))
    return (f'<g class="pk-diff-key pk-diff-{key.kind}"{mark_color(key.kind)}>'
            f'<g aria-hidden="true">{swatch}{symbol}</g>{drawer.text(key.text)}</g>')


def removed_list(drawer: Drawer, layout: Layout) -> str:
    """The removed steps that found no room in the chart, as a list below it."""
    marks = layout.marks
    if marks.removed is None or marks.removed_rect is None:
        return ""
    rect = marks.removed_rect
    return (f'<g class="pk-diff-removed"{mark_color("removed")}>'
            f'<rect x="{fmt(rect.x)}" y="{fmt(rect.y)}" width="{fmt(rect.w)}"'
            f' height="{fmt(rect.h)}" fill="{LEGEND_FILL}" stroke="currentColor"'
            f'{_dash("removed")}/>{drawer.text(marks.removed)}</g>')
