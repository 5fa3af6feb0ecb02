"""SVG output: a :class:`~prozesskette.layout.geometry.Layout` as an accessible, themeable SVG.

The SVG is meant to be put into web pages (inline, or as a file), so it is

* **self-contained**: no external resources, no scripts, no event handlers, no
  ``foreignObject``; the only links are the contacts' own ``http(s):``, ``mailto:`` and
  ``tel:`` links, checked again here (:func:`prozesskette.markup.safe_href`). With
  ``embed_font`` the glyphs actually drawn are embedded as WOFF subsets (regular and bold)
  under a private family name with a
  ``unicode-range``, so that the font can neither replace a page's own font of the same name
  nor be mixed up with the subset of a second chart on the same page;
* **accessible** (WCAG 2.1 AA / BITV): ``<title>``/``<desc>``, ``lang``, decorative parts
  ``aria-hidden``, the actors (with their contact links) as one list and the steps as a list
  in reading order, each step a named image whose name says what it is, who is responsible,
  the phase, the legal basis and where the chain goes on from it;
* **themeable**: presentation attributes give a complete default look (also when a Content
  Security Policy blocks the ``<style>`` element); the ``<style>`` element, scoped to
  ``.pk-chart``, maps the same colours to CSS custom properties that a page can set on any
  ancestor: ``--pk-font``, ``--pk-text``, ``--pk-note``, ``--pk-link``, ``--pk-focus``,
  ``--pk-stroke``, ``--pk-step-fill``, ``--pk-edge``, ``--pk-handoff``, ``--pk-label-fill``,
  ``--pk-lane-fill``, ``--pk-shared-fill``, ``--pk-lane-stroke``, ``--pk-header-fill``,
  ``--pk-phase-fill``, ``--pk-phase-stroke``, ``--pk-badge``, ``--pk-badge-text``,
  ``--pk-legend-fill``;
* **scriptable**: stable hooks ``g.pk-lane[data-actor]``, ``g.pk-phase[data-phase]``,
  ``g.pk-step[data-step][data-actors]#pk-step-ID`` (first child: the box shape) and
  ``g.pk-edge[data-from][data-to]``;
* **light and deterministic**: numbers through :func:`~prozesskette.layout.geometry.fmt`,
  each QR code one path in module units, no ordering from sets or dicts not in the layout.

Renderers decide no position: everything drawn comes from the layout's geometry. This module
draws; the jobs around it live beside it: escaping, links and ids in
:mod:`prozesskette.markup`, colours in :mod:`~prozesskette.theme`, the ``<style>``
and embedded fonts in :mod:`~prozesskette.renderers.svg_style`, the words for screen readers
in :mod:`~prozesskette.renderers.describe` (with :mod:`prozesskette.words`), QR codes in
:mod:`~prozesskette.renderers.svg_qr`, the marks of a diff (``prozesskette diff``: outlines,
symbols, ghosts of removed steps, their legend; ``--pk-diff-added``, ``--pk-diff-changed``,
``--pk-diff-removed``) in :mod:`~prozesskette.renderers.svg_diff`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal, TypeGuard, get_args

from prozesskette.i18n import is_rtl
from prozesskette.layout.geometry import (
    MIRRORED_ANCHOR,
    Anchor,
    Badge,
    ContactSpot,
    EdgeRoute,
    LaneBox,
    Layout,
    LegendItem,
    NodeBox,
    PhaseBox,
    Point,
    Rect,
    TextBlock,
    TextLine,
    fmt,
)
from prozesskette.markup import (
    css_ident,
    element_id,
    escape_attribute,
    escape_text,
    language_attribute,
    one_line,
    safe_href,
)
from prozesskette.renderers import svg_diff
from prozesskette.renderers.describe import ChartDescription
from prozesskette.renderers.svg_qr import qr_svg
from prozesskette.renderers.svg_style import font_faces, stylesheet
from prozesskette.text import browser_lines, line_rtl
from prozesskette.theme import (
    BADGE,
    EDGE,
    HANDOFF,
    HEADER_FILL,
    HEADER_VEIL,
    LANE_FILL,
    LANE_STROKE,
    LEGEND_FILL,
    LINK,
    NOTE,
    PHASE_FILL,
    PHASE_STROKE,
    SHARED_SECOND_FILL,
    STEP_FILL,
    STROKE,
    TEXT,
    deeper,
    lane_fill,
    opacity,
)
from prozesskette.words import words_for

__all__ = ["render_svg"]

SVG_NS = "http://www.w3.org/2000/svg"

StepShape = Literal["start", "task", "decision", "document", "end"]
"""The box shapes: one per step kind."""


_Base = tuple[float, bool, Anchor]
"""Font size, boldness and anchor a ``<text>`` has already: lines repeat only what differs."""


def _is_shape(kind: str) -> TypeGuard[StepShape]:
    return kind in get_args(StepShape)


def _esc(text: str) -> str:
    """Element content: one line, without forbidden characters, escaped."""
    return escape_text(one_line(text))


def _attr(name: str, value: str) -> str:
    """`` name="value"`` with the value as one line and escaped for a double-quoted
    attribute."""
    return f' {name}="{escape_attribute(one_line(value))}"'


# ----------------------------------------------------------------------------- geometry


def _xy(x: float, y: float) -> str:
    return f"{fmt(x)} {fmt(y)}"


def _rect_attrs(rect: Rect) -> str:
    return (f' x="{fmt(rect.x)}" y="{fmt(rect.y)}" width="{fmt(rect.w)}"'
            f' height="{fmt(rect.h)}"')


def _route_d(points: list[Point], radius: float) -> str:
    """Path data of a polyline, bends rounded with at most ``radius``, H/V where possible."""
    pts: list[Point] = []
    for point in points:
        if not pts or _xy(*point) != _xy(*pts[-1]):
            pts.append(point)
    if len(pts) == 1:
        pts.append(pts[0])
    d = [f"M{_xy(*pts[0])}"]
    cur = (fmt(pts[0][0]), fmt(pts[0][1]))

    def line_to(x: float, y: float) -> None:
        nonlocal cur
        nx, ny = fmt(x), fmt(y)
        if (nx, ny) == cur:
            return
        if ny == cur[1]:
            d.append(f"H{nx}")
        elif nx == cur[0]:
            d.append(f"V{ny}")
        else:
            d.append(f"L{nx} {ny}")
        cur = (nx, ny)

    last = len(pts) - 1
    for i in range(1, last):
        (x0, y0), (x1, y1), (x2, y2) = pts[i - 1], pts[i], pts[i + 1]
        len1 = abs(x1 - x0) + abs(y1 - y0)
        len2 = abs(x2 - x1) + abs(y2 - y1)
        r = min(radius, len1 if i == 1 else len1 / 2, len2 if i + 1 == last else len2 / 2)
        if r < 0.5 or len1 == 0 or len2 == 0:
            line_to(x1, y1)
            continue
        ax, ay = x1 - (x1 - x0) / len1 * r, y1 - (y1 - y0) / len1 * r
        bx, by = x1 + (x2 - x1) / len2 * r, y1 + (y2 - y1) / len2 * r
        line_to(ax, ay)
        d.append(f"Q{_xy(x1, y1)} {_xy(bx, by)}")
        cur = (fmt(bx), fmt(by))
    line_to(*pts[last])
    return "".join(d)


def _arrow(points: tuple[Point, ...], size: float) -> tuple[list[Point], str]:
    """The route shortened under the arrow head, and the head's polygon points."""
    route = list(points)
    (x0, y0), (x1, y1) = route[-2], route[-1]
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    if length == 0:
        return route, ""
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    bx, by = x1 - ux * size, y1 - uy * size
    half = size * 0.4
    head = (f"{fmt(x1)},{fmt(y1)} {fmt(bx - uy * half)},{fmt(by + ux * half)} "
            f"{fmt(bx + uy * half)},{fmt(by - ux * half)}")
    cut = min(size * 0.5, length)
    route[-1] = (x1 - ux * cut, y1 - uy * cut)
    return route, head


def _themed(fill: str, name: Literal["lane", "shared"]) -> str:
    """A per-lane colour that ``--pk-{name}-fill`` can override.

    Per-lane colours cannot be rules in the ``<style>`` element: the rules of one chart
    would apply to every other chart inline in the same page. The fill attribute stays for
    renderers (and Content Security Policies) without inline styles.
    """
    return f' fill="{fill}" style="fill:var(--pk-{name}-fill,{fill})"'


# ----------------------------------------------------------------------------- renderer


class _Svg:
    def __init__(self, layout: Layout, *, embed_font: bool, qr: bool, prefix: str) -> None:
        self.layout = layout
        self.style = layout.style
        self.qr = qr
        self.embed_font = embed_font
        self.prefix = element_id("", prefix) or "pk"
        self.words = words_for("chart", layout.language or "de")
        self.diff_words = words_for("diff", layout.language or "de")
        self.describe = ChartDescription(layout, self.words)
        self.rtl = is_rtl(layout.language)
        self.chars: dict[bool, set[str]] = {False: set(), True: set()}  # drawn, by boldness
        self.out: list[str] = []
        self.lane_fill = {actor: lane_fill(lane.color) for actor, lane in layout.lanes.items()}
        self.font_stack = '"Noto Sans",sans-serif'
        # the marks of a diff (none for an ordinary chart): see svg_diff
        self.step_marks = {mark.step: mark for mark in layout.marks.steps}
        self.edge_marks = {(mark.source, mark.target): mark for mark in layout.marks.edges}
        self.contact_marks = {(mark.actor, mark.index): mark for mark in layout.marks.contacts}

    # --- text

    def _line_attrs(self, line: TextLine, size: float, bold: bool, anchor: Anchor) -> str:
        attrs = f' x="{fmt(line.x)}" y="{fmt(line.y)}"'
        if line.size != size:
            attrs += f' font-size="{fmt(line.size)}"'
        if line.bold != bold:
            attrs += ' font-weight="bold"' if line.bold else ' font-weight="normal"'
        line_anchor: Anchor = line.anchor if line.anchor in ("middle", "end") else "start"
        if line_anchor != anchor:
            attrs += f' text-anchor="{line_anchor}"'
        return attrs

    def _rtl_line(self, line: TextLine) -> bool:
        return line_rtl(line.text, self.rtl)

    def _rtl_element(self, line: TextLine, extra: str) -> str:
        """A line that runs right to left: its own ``<text direction="rtl">``, where
        text-anchor start means the right end, so the layout's anchor is swapped."""
        swapped = replace(line, anchor=MIRRORED_ANCHOR[line.anchor])
        attrs = self._line_attrs(swapped, self.style.font_size, False, "start")
        return f'<text{extra}{attrs} direction="rtl">{_esc(line.text)}</text>'

    def text(self, block: TextBlock | None, extra: str = "") -> str:
        """A text block: one ``<text>``, a ``<tspan>`` per line, links as ``<a>`` around lines."""
        if block is None:
            return ""
        lines = [line for line in block.lines if one_line(line.text).strip()]
        if not lines:
            return ""
        for line in lines:
            self.chars[line.bold].update(one_line(line.text))
        base: _Base = (self.style.font_size, False, "start")
        if any(line.href for line in lines):
            # consecutive lines with the same link (a wrapped address) become one link
            parts: list[str] = []
            group: list[TextLine] = []
            for index, line in enumerate(lines):
                group.append(line)
                href = safe_href(line.href)
                following = lines[index + 1] if index + 1 < len(lines) else None
                if href and following is not None and safe_href(following.href) == href:
                    continue
                if href:  # underlined, not only coloured (WCAG 1.4.1), also without CSS
                    link = f' fill="{LINK}" text-decoration="underline"'
                    element = self._text_element(group, extra + link, base)
                    parts.append(f"<a{_attr('href', href)}>{element}</a>")
                else:
                    parts.append(self._text_element(group, extra, base))
                group = []
            return "".join(parts)
        return self._paragraph_element(lines, extra, base)

    def _paragraph_element(self, lines: list[TextLine], extra: str,
                           base: _Base) -> str:
        """The lines of one wrapped paragraph, each in the paragraph's direction and order
        (UAX #9 3.4): a browser resolves every ``<text>`` alone."""
        texts = [line.text for line in lines]
        browser = browser_lines(texts, self.rtl)
        if not browser.rtl:
            if list(browser.texts) != texts:  # some lines need directional overrides
                lines = [replace(line, text=text) for line, text in zip(lines, browser.texts,
                                                                        strict=True)]
            return self._text_element(lines, extra, base)
        return "".join(self._rtl_element(replace(line, text=text), extra)
                       for line, text in zip(lines, browser.texts, strict=True))

    def _text_element(self, lines: list[TextLine], extra: str,
                      base: _Base) -> str:
        if any(self._rtl_line(line) for line in lines):
            return "".join(self._rtl_element(line, extra) if self._rtl_line(line) else
                           self._text_element([line], extra, base) for line in lines)
        if len(lines) == 1:
            return f"<text{extra}{self._line_attrs(lines[0], *base)}>{_esc(lines[0].text)}</text>"
        first = lines[0]
        anchor: Anchor = first.anchor if first.anchor in ("middle", "end") else "start"
        common: _Base = (first.size, first.bold, anchor)
        head = f' font-size="{fmt(first.size)}"' if first.size != base[0] else ""
        if first.bold:
            head += ' font-weight="bold"'
        if anchor != "start":
            head += f' text-anchor="{anchor}"'
        spans = "".join(f"<tspan{self._line_attrs(line, *common)}>{_esc(line.text)}</tspan>"
                        for line in lines)
        return f"<text{extra}{head}>{spans}</text>"

    # --- shapes

    def shape(self, kind: StepShape, rect: Rect, attrs: str = "", inner: str = "") -> str:
        """The box of a step kind inside ``rect``; ``inner`` goes inside the element."""
        style = self.style

        def element(tag: str, geometry: str) -> str:
            if inner:
                return f"<{tag}{geometry}{attrs}>{inner}</{tag}>"
            return f"<{tag}{geometry}{attrs}/>"

        if kind in ("start", "end"):
            if kind == "end":  # a thicker border, kept inside the same outer extent
                width = 2.5 * style.line_width
                rect = rect.inflate(-(width - style.line_width) / 2)
                attrs += f' stroke-width="{fmt(width)}"'
            radius = min(rect.w, rect.h) / 2
            return element("rect", f'{_rect_attrs(rect)} rx="{fmt(radius)}"')
        if kind == "decision":
            points = (f"{fmt(rect.cx)},{fmt(rect.y)} {fmt(rect.right)},{fmt(rect.cy)} "
                      f"{fmt(rect.cx)},{fmt(rect.bottom)} {fmt(rect.x)},{fmt(rect.cy)}")
            return element("polygon", f' points="{points}"')
        if kind == "document":
            wave = min(rect.h * 0.08, 3.0)
            base = rect.bottom - wave
            d = (f"M{_xy(rect.x, rect.y)}H{fmt(rect.right)}V{fmt(base)}"
                 f"Q{_xy(rect.right - rect.w / 4, rect.bottom - 3 * wave)} {_xy(rect.cx, base)}"
                 f"T{_xy(rect.x, base)}Z")
            return element("path", f' d="{d}"')
        radius = min(style.corner_radius, rect.w / 2, rect.h / 2)
        return element("rect", f'{_rect_attrs(rect)} rx="{fmt(radius)}"')

    # --- parts

    def lanes(self) -> None:
        if not self.layout.lanes:
            return
        label = _attr("aria-label", self.words["lanes"])
        self.out.append(f'<g class="pk-lanes" role="list"{label}>')
        for actor, lane in self.layout.lanes.items():
            self.lane(actor, lane)
        self.out.append("</g>")

    def lane(self, actor: str, lane: LaneBox) -> None:
        out = self.out
        fill = self.lane_fill[actor]
        out.append(f'<g class="pk-lane"{_attr("data-actor", actor)} role="listitem">')
        out.append(f'<rect class="pk-band"{_rect_attrs(lane.band)}{_themed(fill, "lane")}'
                   f' stroke="{LANE_STROKE}" aria-hidden="true"/>')
        out.append(f'<rect class="pk-header"{_rect_attrs(lane.header)} fill="{HEADER_FILL}"'
                   f' fill-opacity="{opacity(HEADER_VEIL)}" stroke="none" aria-hidden="true"/>')
        out.append(self.text(lane.title, ' class="pk-name"'))
        for spot in lane.contacts:
            self.contact(spot)
        out.append("</g>")

    def contact(self, spot: ContactSpot) -> None:
        out = self.out
        out.append('<g class="pk-contact">')
        if self.qr and spot.qr is not None:
            out.append(self.qr_code(spot))
        out.append(self.text(spot.text))
        mark = self.contact_marks.get((spot.actor, spot.index))
        if mark:
            out.append(svg_diff.contact_mark(self, mark))
        out.append("</g>")

    def qr_code(self, spot: ContactSpot) -> str:
        assert spot.qr is not None
        name = spot.text.lines[0].text if spot.text.lines else ""
        return qr_svg(spot.payload, spot.qr, self.words["qr"].format(name))

    def phases(self) -> None:
        if not self.layout.phases:
            return
        out = self.out
        out.append('<g class="pk-phases" aria-hidden="true">')
        for index, (phase_id, phase) in enumerate(self.layout.phases.items()):
            self.phase(phase_id, phase, index)
        out.append("</g>")

    def phase(self, phase_id: str, phase: PhaseBox, index: int) -> None:
        out = self.out
        column, header = phase.column, phase.header
        out.append(f'<g class="pk-phase"{_attr("data-phase", phase_id)}>')
        out.append(f'<rect{_rect_attrs(column)} fill="none" stroke="none"/>')
        if index:  # a dashed line where the phase starts, below (beside) its header
            dash = f' stroke="{PHASE_STROKE}" stroke-dasharray="4 3"'
            if self.layout.direction == "tb":
                inside = header.x >= column.x and header.right <= column.right
                x1 = header.right if inside else column.x
                out.append(f'<line class="pk-sep" x1="{fmt(x1)}" y1="{fmt(column.y)}"'
                           f' x2="{fmt(column.right)}" y2="{fmt(column.y)}"{dash}/>')
            else:
                inside = header.y >= column.y and header.bottom <= column.bottom
                y1 = header.bottom if inside else column.y
                out.append(f'<line class="pk-sep" x1="{fmt(column.x)}" y1="{fmt(y1)}"'
                           f' x2="{fmt(column.x)}" y2="{fmt(column.bottom)}"{dash}/>')
        out.append(f'<rect class="pk-head"{_rect_attrs(header)} fill="{PHASE_FILL}"'
                   f' stroke="{PHASE_STROKE}"/>')
        out.append(self.text(phase.title))
        out.append("</g>")

    def steps(self) -> None:
        if not self.layout.nodes:
            return
        out = self.out
        out.append(f'<g class="pk-steps" role="list"{_attr("aria-label", self.words["steps"])}>')
        for node in self.layout.nodes.values():
            self.step(node)
        out.append("</g>")

    def step(self, node: NodeBox) -> None:
        out = self.out
        classes = f"pk-step pk-{css_ident(node.kind, 'task')}"
        shared = len(node.actors) > 1
        if shared:
            classes += " pk-shared"
        if node.interface:
            classes += " pk-interface"
        step_id = element_id(f"{self.prefix}-step-", node.id)
        out.append(f'<g class="{classes}"{_attr("data-step", node.id)}'
                   f'{_attr("data-actors", " ".join(node.actors))} id="{step_id}"'
                   ' role="listitem">')
        mark = self.step_marks.get(node.id)
        changes = f" {mark.title}" if mark else ""  # what changed, with the old values
        label = _attr("aria-label", self.describe.step_label(node) + changes)
        description = (changes + " " + one_line(node.description or "")).strip()
        paint = f' fill="{STEP_FILL}" stroke="{STROKE}"'
        # The box is the step's image for screen readers: its name says everything the
        # (hidden) texts show and more; the description becomes its tooltip and description.
        tooltip = f"<title>{_esc(description)}</title>" if description else ""
        out.append(self.shape(node.kind, node.rect, f'{paint} role="img"{label}', tooltip))
        if shared and node.lane_parts:
            clip = element_id(f"{self.prefix}-clip-", node.id)
            out.append(f'<clipPath id="{clip}">{self.shape(node.kind, node.rect)}</clipPath>')
            parts = "".join(
                f"<rect{_rect_attrs(part)}"
                f'{_themed(deeper(self.lane_fill.get(actor, LANE_FILL)), "shared")}/>'
                for actor, part in node.lane_parts)
            out.append(f'<g clip-path="url(#{clip})" stroke="none" pointer-events="none"'
                       ' aria-hidden="true">'
                       f"{parts}</g>")
            out.append(self.shape(node.kind, node.rect,
                                  f' class="pk-outline" fill="none" stroke="{STROKE}"'
                                  ' aria-hidden="true"'))
        inner = [self.text(node.title)]
        if node.note:
            inner.append(self.text(node.note, f' class="pk-note" font-style="italic"'
                                              f' fill="{NOTE}"'))
        inner.extend(self.badge(badge) for badge in node.badges)
        out.append(f'<g aria-hidden="true">{"".join(inner)}</g>')
        if mark:
            out.append(svg_diff.step_mark(self, node.kind, mark))
        out.append("</g>")

    def badge(self, badge: Badge) -> str:
        """A round badge, or a pill as wide as its text (a shared step's other actors)."""
        rect = badge.rect
        radius = min(rect.w, rect.h) / 2
        text = self.text(TextBlock((badge.text,), rect), f' fill="{STEP_FILL}"')
        if rect.w > rect.h + 0.01:
            shape = f'<rect{_rect_attrs(rect)} rx="{fmt(radius)}"'
        else:
            shape = f'<circle cx="{fmt(rect.cx)}" cy="{fmt(rect.cy)}" r="{fmt(radius)}"'
        return (f'<g class="pk-badge pk-{css_ident(badge.kind, "badge")}">'
                f"<title>{_esc(badge.title)}</title>"
                f'{shape} fill="{BADGE}" stroke="none"/>{text}</g>')

    def edges(self) -> None:
        if not self.layout.edges:
            return
        width = ""
        if self.style.edge_width != self.style.line_width:
            width = f' stroke-width="{fmt(self.style.edge_width)}"'
        self.out.append(f'<g class="pk-edges" aria-hidden="true" color="{EDGE}"{width}>')
        for edge in self.layout.edges:
            self.edge(edge)
        self.out.append("</g>")

    def edge(self, edge: EdgeRoute) -> None:
        if len(edge.points) < 2:
            return
        classes = "pk-edge" + (" pk-handoff" if edge.handoff else "") + \
            (" pk-back" if edge.back else "")
        color = f' color="{HANDOFF}"' if edge.handoff else ""
        mark = self.edge_marks.get((edge.source, edge.target))
        if mark:
            color += svg_diff.edge_style("added")
        parts = [f'<g class="{classes}"{_attr("data-from", edge.source)}'
                 f'{_attr("data-to", edge.target)}{color}>']
        route, head = _arrow(edge.points, self.style.arrow_size)
        dash = ' stroke-dasharray="4 3"' if edge.back else ""
        parts.append(f'<path d="{_route_d(route, self.style.corner_radius)}" fill="none"'
                     f' stroke="currentColor"{dash}/>')
        if head:
            parts.append(f'<polygon points="{head}" fill="currentColor" stroke="none"/>')
        if edge.marker is not None:
            mx, my = edge.marker
            parts.append(f'<circle class="pk-marker" cx="{fmt(mx)}" cy="{fmt(my)}"'
                         f' r="{fmt(self.style.arrow_size * 0.5)}" fill="{STEP_FILL}"'
                         ' stroke="currentColor"/>')
        if edge.label is not None:
            parts.append(f'<rect class="pk-label"{_rect_attrs(edge.label.rect)}'
                         f' fill="{STEP_FILL}" stroke="none"/>')
            parts.append(self.text(edge.label.text))
        parts.append("</g>")
        if mark:
            parts.append(svg_diff.edge_mark(mark))
        self.out.append("".join(parts))

    def legend(self) -> None:
        legend = self.layout.legend
        if legend is None:
            return
        out = self.out
        out.append('<g class="pk-legend" aria-hidden="true">')
        out.append(f'<rect{_rect_attrs(legend.rect)} fill="{LEGEND_FILL}" stroke="{LANE_STROKE}"/>')
        for item in legend.items:
            out.append(f'<g class="pk-key pk-key-{css_ident(item.kind, "item")}">'
                       f"{self.swatch(item)}{self.text(item.text)}</g>")
        out.append("</g>")

    def swatch(self, item: LegendItem) -> str:
        box = item.swatch
        paint = f' class="pk-box" fill="{STEP_FILL}" stroke="{STROKE}"'
        if _is_shape(item.kind):
            return self.shape(item.kind, box, paint)
        if item.kind == "shared":
            fills = [deeper(fill) for fill in [*self.lane_fill.values(), LANE_FILL,
                                                 SHARED_SECOND_FILL][:2]]
            half = Rect(box.x, box.y, box.w, box.h / 2)
            lower = Rect(box.x, box.cy, box.w, box.h / 2)
            return (f'<rect{_rect_attrs(half)} fill="{fills[0]}" stroke="none"/>'
                    f'<rect{_rect_attrs(lower)} fill="{fills[1]}" stroke="none"/>'
                    + self.shape("task", box, f' fill="none" stroke="{STROKE}"'))
        if item.kind in ("handoff", "back", "edge"):
            points = ((box.x, box.cy), (box.right, box.cy))
            route, head = _arrow(points, self.style.arrow_size)
            classes = "pk-swatch" + (" pk-handoff" if item.kind == "handoff" else
                                     " pk-back" if item.kind == "back" else "")
            color = HANDOFF if item.kind == "handoff" else EDGE
            dash = ' stroke-dasharray="4 3"' if item.kind == "back" else ""
            marker = ""
            if item.kind == "handoff":
                marker = (f'<circle cx="{fmt(box.cx)}" cy="{fmt(box.cy)}"'
                          f' r="{fmt(self.style.arrow_size * 0.5)}" fill="{STEP_FILL}"'
                          ' stroke="currentColor"/>')
            return (f'<g class="{classes}" color="{color}">'
                    f'<path d="{_route_d(route, 0)}" fill="none" stroke="currentColor"{dash}/>'
                    f'<polygon points="{head}" fill="currentColor" stroke="none"/>{marker}</g>')
        if item.kind in ("overlap", "badge"):
            radius = min(box.w, box.h) / 2
            return (f'<g class="pk-badge"><circle cx="{fmt(box.cx)}" cy="{fmt(box.cy)}"'
                    f' r="{fmt(radius)}" fill="{BADGE}" stroke="none"/></g>')
        return self.shape("task", box, paint)

    def title_block(self) -> None:
        block = self.layout.title
        if block is None:
            return
        self.out.append('<g class="pk-titleblock" aria-hidden="true">'
                        + self.text(block.title, ' class="pk-heading"')
                        + self.text(block.subtitle, ' class="pk-subtitle"') + "</g>")

    # --- document

    def css(self) -> str:
        family = css_ident(self.style.font_family, "Noto Sans")
        faces, stack = font_faces(family, self.chars, self.embed_font)
        self.font_stack = stack
        return faces + stylesheet(stack)

    def render(self, standalone: bool) -> str:
        self.lanes()
        self.phases()
        self.steps()
        if self.layout.marks:
            self.out.append(svg_diff.ghosts(self, self.layout, self.diff_words["removed_list"]))
        self.edges()
        self.legend()
        self.title_block()
        if self.layout.marks:
            self.out.append(svg_diff.keys(self, self.layout))
            self.out.append(svg_diff.removed_list(self, self.layout))
        body = "\n".join(part for part in self.out if part)
        css = self.css()  # after drawing: it embeds exactly the characters drawn
        layout, style = self.layout, self.style
        width, height = max(layout.width, 0.0), max(layout.height, 0.0)
        size = (f' width="{fmt(width)}pt" height="{fmt(height)}pt"' if standalone
                else ' width="100%"')
        language = language_attribute(layout.language)
        title_id, desc_id = f"{self.prefix}-title", f"{self.prefix}-desc"
        head = (
            f'<svg xmlns="{SVG_NS}" class="pk-chart" viewBox="0 0 {fmt(width)} {fmt(height)}"'
            f'{size} style="max-width:100%;height:auto" role="group"'
            f' aria-labelledby="{title_id}" aria-describedby="{desc_id}" lang="{language}"'
            f'{_attr("font-family", self.font_stack.replace(chr(34), chr(39)))}'
            f' font-size="{fmt(style.font_size)}" stroke-width="{fmt(style.line_width)}"'
            f' fill="{TEXT}">'
        )
        return (f"{head}\n<title id=\"{title_id}\">{_esc(self.describe.title())}</title>\n"
                f'<desc id="{desc_id}">{_esc(self.describe.description())}</desc>\n'
                f"<style>{css}</style>\n{body}\n</svg>\n")


def render_svg(layout: Layout, *, embed_font: bool = True, qr: bool = True,
               standalone: bool = True, id_prefix: str = "pk") -> str:
    """The layout as an SVG document (a string; write it as UTF-8).

    ``embed_font`` embeds the glyphs drawn as WOFF subsets of the bundled font (without it,
    text falls back to an installed font of the same family, then to sans-serif, and may then
    be wider than the layout measured). ``qr`` draws the contacts' QR codes where the layout
    placed them. ``standalone`` gives the SVG an intrinsic size in points (for files and
    ``<img>``); otherwise it has ``width="100%"`` for inline use in a page. ``id_prefix``
    starts every ``id`` (``pk-step-ID``, ``pk-title`` …): give each chart its own prefix when
    putting several charts inline into one page.
    """
    return _Svg(layout, embed_font=embed_font, qr=qr, prefix=id_prefix).render(standalone)
