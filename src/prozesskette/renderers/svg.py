"""SVG output: a :class:`~prozesskette.layout.geometry.Layout` as an accessible, themeable SVG.

The SVG is meant to be put into web pages (inline, or as a file), so it is

* **self-contained**: no external resources, no scripts, no event handlers, no
  ``foreignObject``; the only links are the contacts' own ``http(s):``, ``mailto:`` and
  ``tel:`` links, checked again here. With ``embed_font`` the glyphs actually drawn are
  embedded as WOFF subsets (regular and bold) under a private family name with a
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

Renderers decide no position: everything drawn comes from the layout's geometry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from prozesskette.layout.geometry import (
    MIRRORED_ANCHOR,
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

__all__ = ["render_svg", "safe_href", "svg_id"]

SVG_NS = "http://www.w3.org/2000/svg"

# Default colours; every one of them can be overridden by the CSS custom property named.
_TEXT = "#1a1a1a"  # --pk-text
_NOTE = "#4d4d4d"  # --pk-note
_LINK = "#0b57a5"  # --pk-link
_STROKE = "#333"  # --pk-stroke
_STEP_FILL = "#fff"  # --pk-step-fill
_EDGE = "#4d4d4d"  # --pk-edge
_HANDOFF = "#b3261e"  # --pk-handoff
_LANE_STROKE = "#a6a6a6"  # --pk-lane-stroke
_LANE_FILL = "#f7f7f7"  # a lane without a valid colour of its own
_PHASE_FILL = "#ececec"  # --pk-phase-fill
_PHASE_STROKE = "#8c8c8c"  # --pk-phase-stroke
_BADGE = "#5b3a8c"  # --pk-badge
_QR_DARK, _QR_LIGHT = "#000", "#fff"  # never themed: a QR code needs dark on light

# ----------------------------------------------------------------------------- escaping

_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")
# Characters XML 1.0 forbids, C1 controls and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text as one line without characters XML cannot carry."""
    return _NOT_XML.sub("", _LINE_BREAKS.sub(" ", text))


def _esc(text: str) -> str:
    """Element content: the one escaping helper for text (cleaned first)."""
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(name: str, value: str) -> str:
    """`` name="value"`` with the value cleaned and escaped for a double-quoted attribute."""
    return f' {name}="{_esc(value).replace(chr(34), "&quot;")}"'


_LINK_RE = re.compile(
    r"^(?:https?://[^\s/$.?#][^\s]*|mailto:[^\s@]+@[^\s@]+|tel:\+?[0-9()\-./ ]+)$", re.IGNORECASE
)


def safe_href(href: str | None) -> str | None:
    """The link if it is an ``http(s):``, ``mailto:`` or ``tel:`` link, else None.

    Control characters (which browsers strip from URLs, so that ``java\\tscript:`` would
    become ``javascript:``) make a link invalid rather than being removed. Spaces and
    slashes are taken out of ``tel:`` numbers (RFC 3966 allows only ``-``, ``.``, ``(``, ``)``
    as visual separators).
    """
    if not href:
        return None
    value = href.strip()
    if _NOT_XML.search(value) or _LINE_BREAKS.search(value) or not _LINK_RE.match(value):
        return None
    if value[:4].lower() == "tel:":
        value = "tel:" + re.sub(r"[ /]", "", value[4:])
    return value


def _name_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in "-_"
    code = ord(ch)
    return (unicodedata.category(ch) in ("Lu", "Ll", "Lo")
            and (0xC0 <= code <= 0x2FF or (0x370 <= code <= 0x1FFF and code != 0x37E)
                 or 0x3001 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF
                 or 0xFDF0 <= code <= 0xFFFD))


def svg_id(prefix: str, value: str) -> str:
    """``prefix`` + ``value`` as a valid XML name, injectively.

    ASCII letters, digits, ``-``, ``_`` and non-ASCII letters (umlauts, ß, …) are kept; any
    other character (``.`` included) becomes ``.hex.``, so different values never collide.
    """
    return prefix + "".join(ch if _name_char(ch) else f".{ord(ch):x}." for ch in value)


def _css_ident(value: str, fallback: str) -> str:
    """A font family or class name safe inside CSS and XML: letters, digits, space, - and _."""
    text = " ".join(re.sub(r"[^A-Za-z0-9 _\-]", "", value).split())
    return text or fallback


_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def _color(value: str | None, fallback: str) -> str:
    return value.lower() if value and _COLOR_RE.match(value) else fallback


# ----------------------------------------------------------------------------- words

_WORDS: dict[str, dict[str, str]] = {
    "de": {
        "start": "Start", "task": "Schritt", "decision": "Entscheidung",
        "document": "Dokument", "end": "Ende",
        "responsible": "Zuständig: {}", "shared": "Gemeinsam zuständig: {}",
        "phase": "Phase: {}", "legal": "Rechtsgrundlage: {}",
        "next": "weiter mit {}", "back": "zurück zu {}", "if": "Wenn {}: ",
        "handoff": " (Übergabe an {})", "and": " und ", "or": " oder ", "quote": "„{}“",
        "steps": "Schritte in Lesereihenfolge", "lanes": "Beteiligte und Ansprechpersonen",
        "qr": "QR-Code: Kontaktdaten von {} als vCard",
        "stand": "Stand {}",
        "summary": "Ablauf in {steps} mit {actors} ({names})",
        "phases": ", gegliedert in {count} ({names})",
        "ends": ". Er beginnt mit {first} und endet mit {last}.",
        "interfaces": " {handoffs} zwischen Beteiligten, {shared}.",
        "hint": " Die Schritte folgen in Lesereihenfolge; die Kontaktdaten stehen bei den "
                "Beteiligten.",
        "step/1": "{} Schritt", "step/n": "{} Schritten",
        "actor/1": "{} Beteiligten", "actor/n": "{} Beteiligten",
        "phase/1": "{} Phase", "phase/n": "{} Phasen",
        "handoff/1": "{} Übergabe", "handoff/n": "{} Übergaben",
        "shared/1": "{} gemeinsamer Schritt", "shared/n": "{} gemeinsame Schritte",
        "chart": "Prozesskette", "sep": ", ",
    },
    "en": {
        "start": "Start", "task": "Step", "decision": "Decision",
        "document": "Document", "end": "End",
        "responsible": "Responsible: {}", "shared": "Shared responsibility: {}",
        "phase": "Phase: {}", "legal": "Legal basis: {}",
        "next": "continue with {}", "back": "back to {}", "if": "If {}: ",
        "handoff": " (hand-off to {})", "and": " and ", "or": " or ", "quote": "“{}”",
        "steps": "Steps in reading order", "lanes": "Actors and contacts",
        "qr": "QR code: contact details of {} as a vCard",
        "stand": "as of {}",
        "summary": "Process in {steps} with {actors} ({names})",
        "phases": ", in {count} ({names})",
        "ends": ". It starts with {first} and ends with {last}.",
        "interfaces": " {handoffs} between actors, {shared}.",
        "hint": " The steps follow in reading order; contact details are given with the "
                "actors.",
        "step/1": "{} step", "step/n": "{} steps",
        "actor/1": "{} actor", "actor/n": "{} actors",
        "phase/1": "{} phase", "phase/n": "{} phases",
        "handoff/1": "{} hand-off", "handoff/n": "{} hand-offs",
        "shared/1": "{} shared step", "shared/n": "{} shared steps",
        "chart": "Process chain", "sep": ", ",
    },
}


def _words(language: str) -> dict[str, str]:
    from prozesskette.i18n import pick
    from prozesskette.translations import SVG

    return pick({**_WORDS, **SVG}, language)


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


def _themed(fill: str, name: str) -> str:
    """A per-lane colour that ``--pk-{name}-fill`` can override.

    Per-lane colours cannot be rules in the ``<style>`` element: the rules of one chart
    would apply to every other chart inline in the same page. The fill attribute stays for
    renderers (and Content Security Policies) without inline styles.
    """
    return f' fill="{fill}" style="fill:var(--pk-{name}-fill,{fill})"'


def _deeper(color: str, factor: float = 2.2) -> str:
    """The same hue, ``factor`` times as far from white: a pastel lane colour made visible
    inside a shared step that lies on that lane's background."""
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    channels = [int(value[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{max(0, round(255 - (255 - c) * factor)):02x}" for c in channels)


def _qr_path_data(rects: list[tuple[int, int, int, int]], offset: int) -> str:
    """The dark squares of a QR code as one path in module units (quiet zone ``offset``).

    Each rectangle is a subpath ``h w v h h -w`` (filling closes it); it starts with a
    relative ``m`` from where the previous one ended, or an absolute ``M`` when shorter.
    """
    parts: list[str] = []
    cx = cy = 0
    for index, (x, y, w, h) in enumerate(rects):
        x, y = x + offset, y + offset
        move = f"M{x} {y}"
        if index:
            relative = f"m{x - cx} {y - cy}"
            move = relative if len(relative) < len(move) else move
        parts.append(f"{move}h{w}v{h}h-{w}")
        cx, cy = x, y + h
    return "".join(parts)


def _unicode_range(chars: list[str]) -> str:
    codes = sorted({ord(ch) for ch in chars})
    ranges: list[str] = []
    start = prev = codes[0]
    for code in [*codes[1:], -1]:
        if code == prev + 1:
            prev = code
            continue
        ranges.append(f"U+{start:X}" if start == prev else f"U+{start:X}-{prev:X}")
        start = prev = code
    return ",".join(ranges)


# ----------------------------------------------------------------------------- renderer


class _Svg:
    def __init__(self, layout: Layout, *, embed_font: bool, qr: bool, prefix: str) -> None:
        self.layout = layout
        self.style = layout.style
        self.qr = qr
        self.embed_font = embed_font
        self.prefix = svg_id("", prefix) or "pk"
        self.words = _words(layout.language or "de")
        from prozesskette.i18n import is_rtl

        self.rtl = is_rtl(layout.language)
        self.chars: dict[bool, set[str]] = {False: set(), True: set()}
        self.out: list[str] = []
        self.lane_fill = {actor: _color(lane.color, _LANE_FILL)
                          for actor, lane in layout.lanes.items()}
        self.font_stack = '"Noto Sans",sans-serif'

    # --- chain metadata (optional: a hand-made layout may come without a chain)

    def _chain(self, method: str, key: str) -> Any:
        chain = self.layout.chain
        try:
            return getattr(chain, method)(key) if chain is not None else None
        except (AttributeError, KeyError, TypeError):
            return None

    def step_title(self, step_id: str) -> str:
        step = self._chain("step", step_id)
        title = getattr(step, "title", None)
        if isinstance(title, str) and title:
            return _clean(title)
        node = self.layout.nodes.get(step_id)
        return _joined(node.title) if node else _clean(step_id)

    def actor_name(self, actor_id: str) -> str:
        actor = self._chain("actor", actor_id)
        name = getattr(actor, "name", None)
        if isinstance(name, str) and name:
            return _clean(name)
        lane = self.layout.lanes.get(actor_id)
        return _joined(lane.title) if lane else _clean(actor_id)

    def phase_title(self, phase_id: str) -> str:
        phase = self.layout.phases.get(phase_id)
        for item in getattr(self.layout.chain, "phases", None) or ():
            if getattr(item, "id", None) == phase_id and isinstance(item.title, str):
                return _clean(item.title)
        return _joined(phase.title) if phase else _clean(phase_id)

    def quote(self, text: str) -> str:
        return self.words["quote"].format(text)

    def join(self, items: list[str], word: str = "and") -> str:
        if len(items) <= 1:
            return "".join(items)
        return self.words["sep"].join(items[:-1]) + self.words[word] + items[-1]

    def count(self, key: str, number: int) -> str:
        return self.words[f"{key}/{'1' if number == 1 else 'n'}"].format(number)

    # --- text

    def _line_attrs(self, line: TextLine, size: float, bold: bool, anchor: str) -> str:
        attrs = f' x="{fmt(line.x)}" y="{fmt(line.y)}"'
        if line.size != size:
            attrs += f' font-size="{fmt(line.size)}"'
        if line.bold != bold:
            attrs += ' font-weight="bold"' if line.bold else ' font-weight="normal"'
        line_anchor = line.anchor if line.anchor in ("middle", "end") else "start"
        if line_anchor != anchor:
            attrs += f' text-anchor="{line_anchor}"'
        return attrs

    def _rtl_line(self, line: TextLine) -> bool:
        from prozesskette.text import line_rtl

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
        lines = [line for line in block.lines if _clean(line.text).strip()]
        if not lines:
            return ""
        for line in lines:
            self.chars[line.bold].update(_clean(line.text))
        base = (self.style.font_size, False, "start")
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
                    link = f' fill="{_LINK}" text-decoration="underline"'
                    element = self._text_element(group, extra + link, base)
                    parts.append(f"<a{_attr('href', href)}>{element}</a>")
                else:
                    parts.append(self._text_element(group, extra, base))
                group = []
            return "".join(parts)
        return self._text_element(lines, extra, base)

    def _text_element(self, lines: list[TextLine], extra: str,
                      base: tuple[float, bool, str]) -> str:
        if any(self._rtl_line(line) for line in lines):
            return "".join(self._rtl_element(line, extra) if self._rtl_line(line) else
                           self._text_element([line], extra, base) for line in lines)
        if len(lines) == 1:
            return f"<text{extra}{self._line_attrs(lines[0], *base)}>{_esc(lines[0].text)}</text>"
        first = lines[0]
        anchor = first.anchor if first.anchor in ("middle", "end") else "start"
        common = (first.size, first.bold, anchor)
        head = f' font-size="{fmt(first.size)}"' if first.size != base[0] else ""
        if first.bold:
            head += ' font-weight="bold"'
        if anchor != "start":
            head += f' text-anchor="{anchor}"'
        spans = "".join(f"<tspan{self._line_attrs(line, *common)}>{_esc(line.text)}</tspan>"
                        for line in lines)
        return f"<text{extra}{head}>{spans}</text>"

    # --- shapes

    def shape(self, kind: str, rect: Rect, attrs: str = "", inner: str = "") -> str:
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
                   f' stroke="{_LANE_STROKE}" aria-hidden="true"/>')
        out.append(f'<rect class="pk-header"{_rect_attrs(lane.header)} fill="#fff"'
                   ' fill-opacity=".6" stroke="none" aria-hidden="true"/>')
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
        out.append("</g>")

    def qr_code(self, spot: ContactSpot) -> str:
        from prozesskette.qr import qr_matrix

        assert spot.qr is not None
        matrix = qr_matrix(spot.payload)
        box = spot.qr
        module = min(box.w, box.h) / matrix.total_size
        d = _qr_path_data(matrix.dark_rects(), matrix.quiet_zone)
        name = spot.text.lines[0].text if spot.text.lines else ""
        return (f'<g class="pk-qr" aria-hidden="true"><title>{_esc(self.words["qr"].format(name))}'
                f'</title><rect{_rect_attrs(box)} fill="{_QR_LIGHT}" stroke="none"/>'
                f'<path transform="translate({_xy(box.x, box.y)}) scale({fmt_scale(module)})"'
                f' d="{d}" fill="{_QR_DARK}" stroke="none"/></g>')

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
            dash = f' stroke="{_PHASE_STROKE}" stroke-dasharray="4 3"'
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
        out.append(f'<rect class="pk-head"{_rect_attrs(header)} fill="{_PHASE_FILL}"'
                   f' stroke="{_PHASE_STROKE}"/>')
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

    def step_label(self, node: NodeBox) -> str:
        words = self.words
        kind = words.get(node.kind, words["task"])
        parts = [_sentence(f"{kind}: {self.step_title(node.id)}")]
        actors = [self.actor_name(actor) for actor in node.actors]
        if actors:
            parts.append(_sentence(words["shared" if len(actors) > 1 else "responsible"]
                                   .format(self.join(actors))))
        if node.phase:
            parts.append(_sentence(words["phase"].format(self.phase_title(node.phase))))
        step = self._chain("step", node.id)
        legal = getattr(step, "legal_basis", None)
        if not isinstance(legal, str) or not legal:
            legal = _joined(node.note) if node.note else ""
        if legal:
            parts.append(_sentence(words["legal"].format(_clean(legal))))
        for badge in node.badges:
            title = _clean(badge.title).strip()
            if title:
                parts.append(_sentence(title[:1].upper() + title[1:]))
        for edge in self.layout.edges:
            if edge.source != node.id:
                continue
            phrase = words["back" if edge.back else "next"].format(
                self.quote(self.step_title(edge.target)))
            if edge.handoff:  # name the actors that take over (all of them if none is new)
                target = self.layout.nodes.get(edge.target)
                taking = [a for a in target.actors if a not in node.actors] or \
                    list(target.actors) if target else []
                names = [self.actor_name(a) for a in taking]
                if names:
                    phrase += words["handoff"].format(self.join(names))
            label = _joined(edge.label.text) if edge.label else ""
            if label and node.kind == "decision":
                parts.append(_sentence(words["if"].format(label) + phrase))
            else:
                parts.append(_sentence(phrase[:1].upper() + phrase[1:]
                                       + (f" ({label})" if label else "")))
        return " ".join(parts)

    def step(self, node: NodeBox) -> None:
        out = self.out
        classes = f"pk-step pk-{_css_ident(node.kind, 'task')}"
        shared = len(node.actors) > 1
        if shared:
            classes += " pk-shared"
        if node.interface:
            classes += " pk-interface"
        step_id = svg_id(f"{self.prefix}-step-", node.id)
        out.append(f'<g class="{classes}"{_attr("data-step", node.id)}'
                   f'{_attr("data-actors", " ".join(node.actors))} id="{step_id}"'
                   ' role="listitem">')
        label = _attr("aria-label", self.step_label(node))
        description = _clean(node.description or "").strip()
        paint = f' fill="{_STEP_FILL}" stroke="{_STROKE}"'
        # The box is the step's image for screen readers: its name says everything the
        # (hidden) texts show and more; the description becomes its tooltip and description.
        tooltip = f"<title>{_esc(description)}</title>" if description else ""
        out.append(self.shape(node.kind, node.rect, f'{paint} role="img"{label}', tooltip))
        if shared and node.lane_parts:
            clip = svg_id(f"{self.prefix}-clip-", node.id)
            out.append(f'<clipPath id="{clip}">{self.shape(node.kind, node.rect)}</clipPath>')
            parts = "".join(
                f"<rect{_rect_attrs(part)}"
                f'{_themed(_deeper(self.lane_fill.get(actor, _LANE_FILL)), "shared")}/>'
                for actor, part in node.lane_parts)
            out.append(f'<g clip-path="url(#{clip})" stroke="none" pointer-events="none"'
                       ' aria-hidden="true">'
                       f"{parts}</g>")
            out.append(self.shape(node.kind, node.rect,
                                  f' class="pk-outline" fill="none" stroke="{_STROKE}"'
                                  ' aria-hidden="true"'))
        inner = [self.text(node.title)]
        if node.note:
            inner.append(self.text(node.note, f' class="pk-note" font-style="italic"'
                                              f' fill="{_NOTE}"'))
        inner.extend(self.badge(badge) for badge in node.badges)
        out.append(f'<g aria-hidden="true">{"".join(inner)}</g>')
        out.append("</g>")

    def badge(self, badge: Badge) -> str:
        rect = badge.rect
        radius = min(rect.w, rect.h) / 2
        text = self.text(TextBlock((badge.text,), rect), f' fill="{_STEP_FILL}"')
        return (f'<g class="pk-badge pk-{_css_ident(badge.kind, "badge")}">'
                f"<title>{_esc(badge.title)}</title>"
                f'<circle cx="{fmt(rect.cx)}" cy="{fmt(rect.cy)}" r="{fmt(radius)}"'
                f' fill="{_BADGE}" stroke="none"/>{text}</g>')

    def edges(self) -> None:
        if not self.layout.edges:
            return
        width = ""
        if self.style.edge_width != self.style.line_width:
            width = f' stroke-width="{fmt(self.style.edge_width)}"'
        self.out.append(f'<g class="pk-edges" aria-hidden="true" color="{_EDGE}"{width}>')
        for edge in self.layout.edges:
            self.edge(edge)
        self.out.append("</g>")

    def edge(self, edge: EdgeRoute) -> None:
        if len(edge.points) < 2:
            return
        classes = "pk-edge" + (" pk-handoff" if edge.handoff else "") + \
            (" pk-back" if edge.back else "")
        color = f' color="{_HANDOFF}"' if edge.handoff else ""
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
                         f' r="{fmt(self.style.arrow_size * 0.5)}" fill="{_STEP_FILL}"'
                         ' stroke="currentColor"/>')
        if edge.label is not None:
            parts.append(f'<rect class="pk-label"{_rect_attrs(edge.label.rect)}'
                         f' fill="{_STEP_FILL}" stroke="none"/>')
            parts.append(self.text(edge.label.text))
        parts.append("</g>")
        self.out.append("".join(parts))

    def legend(self) -> None:
        legend = self.layout.legend
        if legend is None:
            return
        out = self.out
        out.append('<g class="pk-legend" aria-hidden="true">')
        out.append(f'<rect{_rect_attrs(legend.rect)} fill="#fff" stroke="{_LANE_STROKE}"/>')
        for item in legend.items:
            out.append(f'<g class="pk-key pk-key-{_css_ident(item.kind, "item")}">'
                       f"{self.swatch(item)}{self.text(item.text)}</g>")
        out.append("</g>")

    def swatch(self, item: LegendItem) -> str:
        box = item.swatch
        paint = f' class="pk-box" fill="{_STEP_FILL}" stroke="{_STROKE}"'
        if item.kind in ("start", "task", "decision", "document", "end"):
            return self.shape(item.kind, box, paint)
        if item.kind == "shared":
            fills = [_deeper(fill) for fill in [*self.lane_fill.values(), _LANE_FILL,
                                                 "#e6e6e6"][:2]]
            half = Rect(box.x, box.y, box.w, box.h / 2)
            lower = Rect(box.x, box.cy, box.w, box.h / 2)
            return (f'<rect{_rect_attrs(half)} fill="{fills[0]}" stroke="none"/>'
                    f'<rect{_rect_attrs(lower)} fill="{fills[1]}" stroke="none"/>'
                    + self.shape("task", box, f' fill="none" stroke="{_STROKE}"'))
        if item.kind in ("handoff", "back", "edge"):
            points = ((box.x, box.cy), (box.right, box.cy))
            route, head = _arrow(points, self.style.arrow_size)
            classes = "pk-swatch" + (" pk-handoff" if item.kind == "handoff" else
                                     " pk-back" if item.kind == "back" else "")
            color = _HANDOFF if item.kind == "handoff" else _EDGE
            dash = ' stroke-dasharray="4 3"' if item.kind == "back" else ""
            marker = ""
            if item.kind == "handoff":
                marker = (f'<circle cx="{fmt(box.cx)}" cy="{fmt(box.cy)}"'
                          f' r="{fmt(self.style.arrow_size * 0.5)}" fill="{_STEP_FILL}"'
                          ' stroke="currentColor"/>')
            return (f'<g class="{classes}" color="{color}">'
                    f'<path d="{_route_d(route, 0)}" fill="none" stroke="currentColor"{dash}/>'
                    f'<polygon points="{head}" fill="currentColor" stroke="none"/>{marker}</g>')
        if item.kind in ("overlap", "badge"):
            radius = min(box.w, box.h) / 2
            return (f'<g class="pk-badge"><circle cx="{fmt(box.cx)}" cy="{fmt(box.cy)}"'
                    f' r="{fmt(radius)}" fill="{_BADGE}" stroke="none"/></g>')
        return self.shape("task", box, paint)

    def title_block(self) -> None:
        block = self.layout.title
        if block is None:
            return
        self.out.append('<g class="pk-titleblock" aria-hidden="true">'
                        + self.text(block.title, ' class="pk-heading"')
                        + self.text(block.subtitle, ' class="pk-subtitle"') + "</g>")

    # --- document

    def title(self) -> str:
        chain = self.layout.chain
        title = getattr(chain, "title", None)
        if not isinstance(title, str) or not title.strip():
            block = self.layout.title
            title = _joined(block.title) if block else self.words["chart"]
        title = _clean(title).strip()
        extras = []
        region = getattr(chain, "region", None)
        if isinstance(region, str) and region.strip() and region.strip() not in title:
            extras.append(_clean(region).strip())
        version = getattr(chain, "version", None)
        if isinstance(version, str) and version.strip():
            extras.append(self.words["stand"].format(_clean(version).strip()))
        return title + (" – " + ", ".join(extras) if extras else "")

    def description(self) -> str:
        layout, words = self.layout, self.words
        nodes = list(layout.nodes.values())
        names = [self.actor_name(actor) for actor in layout.lanes]
        text = words["summary"].format(steps=self.count("step", len(nodes)),
                                       actors=self.count("actor", len(names)),
                                       names=", ".join(names))
        if layout.phases:
            text += words["phases"].format(
                count=self.count("phase", len(layout.phases)),
                names=", ".join(self.phase_title(p) for p in layout.phases))
        if nodes:
            sources = {edge.source for edge in layout.edges}
            ends = [node for node in nodes if node.kind == "end"] or \
                [node for node in nodes if node.id not in sources] or nodes[-1:]
            text += words["ends"].format(
                first=self.quote(self.step_title(nodes[0].id)),
                last=self.join([self.quote(self.step_title(n.id)) for n in ends], "or"))
        else:
            text += "."
        handoffs = sum(edge.handoff for edge in layout.edges)
        shared = sum(len(node.actors) > 1 for node in nodes)
        text += words["interfaces"].format(handoffs=self.count("handoff", handoffs),
                                           shared=self.count("shared", shared))
        chain_description = getattr(layout.chain, "description", None)
        if isinstance(chain_description, str) and chain_description.strip():
            text += " " + _clean(chain_description).strip()
        return text + words["hint"]

    def css(self) -> str:
        family = _css_ident(self.style.font_family, "Noto Sans")
        faces = ""
        stack = f'"{family}",sans-serif'
        if self.embed_font and (self.chars[False] or self.chars[True]):
            from prozesskette import text as fonts

            if family == fonts.FONT_FAMILY:
                import binascii

                families: list[str] = []
                for face in fonts.FACES:
                    private = f"pk {fonts.FAMILIES[face]}"
                    for bold in (False, True):
                        chars = sorted(ch for ch in self.chars[bold]
                                       if fonts.face_for_char(ch, bold) == face)
                        if not chars:
                            continue
                        data = binascii.b2a_base64(fonts.woff_subset(chars, bold, face),
                                                   newline=False).decode("ascii")
                        faces += (f'@font-face{{font-family:"{private}";font-style:normal;'
                                  f"font-weight:{700 if bold else 400};"
                                  f'src:url(data:font/woff;base64,{data}) format("woff");'
                                  f"unicode-range:{_unicode_range(chars)}}}\n")
                        if private not in families:
                            families.append(private)
                stack = "".join(f'"{name}",' for name in families) + stack
        if family == "Noto Sans" and any(not ch.isascii() for chars in self.chars.values()
                                         for ch in chars):
            from prozesskette import text as fonts

            used = {fonts.face_for_char(ch, bold) for bold, chars in self.chars.items()
                    for ch in chars if not ch.isascii()}
            extra = "".join(f'"{fonts.FAMILIES[face]}",' for face in fonts.FACES[1:]
                            if face in used)
            stack = stack.replace('"Noto Sans",sans-serif', f'"Noto Sans",{extra}sans-serif')
        self.font_stack = stack
        c = ".pk-chart "
        return (
            faces
            + f".pk-chart{{font-family:var(--pk-font,{stack})}}"
            f"{c}text{{fill:var(--pk-text,{_TEXT})}}"
            f"{c}.pk-note{{fill:var(--pk-note,{_NOTE})}}"
            f"{c}a text{{fill:var(--pk-link,{_LINK})}}"
            f"{c}a:focus-visible{{outline:2px solid var(--pk-focus,#1a5fb4)}}"
            f"{c}.pk-band{{stroke:var(--pk-lane-stroke,{_LANE_STROKE})}}"
            f"{c}.pk-header{{fill:var(--pk-header-fill,#fff)}}"
            f"{c}.pk-phase .pk-head{{fill:var(--pk-phase-fill,{_PHASE_FILL});"
            f"stroke:var(--pk-phase-stroke,{_PHASE_STROKE})}}"
            f"{c}.pk-sep{{stroke:var(--pk-phase-stroke,{_PHASE_STROKE})}}"
            f"{c}.pk-step>:first-child,{c}.pk-box{{fill:var(--pk-step-fill,{_STEP_FILL});"
            f"stroke:var(--pk-stroke,{_STROKE})}}"
            f"{c}.pk-outline{{stroke:var(--pk-stroke,{_STROKE})}}"
            f"{c}.pk-step>g text{{pointer-events:none}}"
            f"{c}.pk-badge circle{{fill:var(--pk-badge,{_BADGE})}}"
            f"{c}.pk-badge text{{fill:var(--pk-badge-text,#fff)}}"
            f"{c}.pk-edge,{c}.pk-swatch{{color:var(--pk-edge,{_EDGE})}}"
            f"{c}.pk-handoff{{color:var(--pk-handoff,{_HANDOFF})}}"
            f"{c}.pk-label,{c}.pk-marker{{fill:var(--pk-label-fill,{_STEP_FILL})}}"
            f"{c}.pk-legend>rect{{fill:var(--pk-legend-fill,#fff);"
            f"stroke:var(--pk-lane-stroke,{_LANE_STROKE})}}"
        )

    def render(self, standalone: bool) -> str:
        self.lanes()
        self.phases()
        self.steps()
        self.edges()
        self.legend()
        self.title_block()
        body = "\n".join(part for part in self.out if part)
        css = self.css()  # after drawing: it embeds exactly the characters drawn
        layout, style = self.layout, self.style
        width, height = max(layout.width, 0.0), max(layout.height, 0.0)
        size = (f' width="{fmt(width)}pt" height="{fmt(height)}pt"' if standalone
                else ' width="100%"')
        language = re.sub(r"[^A-Za-z0-9\-]", "", layout.language or "") or "und"
        title_id, desc_id = f"{self.prefix}-title", f"{self.prefix}-desc"
        head = (
            f'<svg xmlns="{SVG_NS}" class="pk-chart" viewBox="0 0 {fmt(width)} {fmt(height)}"'
            f'{size} style="max-width:100%;height:auto" role="group"'
            f' aria-labelledby="{title_id}" aria-describedby="{desc_id}" lang="{language}"'
            f'{_attr("font-family", self.font_stack.replace(chr(34), chr(39)))}'
            f' font-size="{fmt(style.font_size)}" stroke-width="{fmt(style.line_width)}"'
            f' fill="{_TEXT}">'
        )
        return (f"{head}\n<title id=\"{title_id}\">{_esc(self.title())}</title>\n"
                f'<desc id="{desc_id}">{_esc(self.description())}</desc>\n'
                f"<style>{css}</style>\n{body}\n</svg>\n")


def fmt_scale(value: float) -> str:
    """A scale factor: more digits than coordinates (it multiplies up to ~180 modules)."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _sentence(text: str) -> str:
    """``text`` ending in a full stop, unless it already ends in punctuation."""
    text = text.strip()
    return text if not text or text[-1] in ".?!…:" else text + "."


def _joined(block: TextBlock | None) -> str:
    """The text of a wrapped block on one line (a line ending in '-' joins without space)."""
    if block is None:
        return ""
    text = ""
    for line in block.lines:
        part = _clean(line.text).strip()
        if not part:
            continue
        text += part if not text or text.endswith(("-", "/")) else " " + part
    return text


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
