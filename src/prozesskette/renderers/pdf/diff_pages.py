"""The PDF of a diff: the new chart with the changes marked, then the "Änderungen" pages.

Paper has no hover, so the old values that the SVG shows as tooltips are listed here, after
the chart: every added, changed (old → new), renamed and removed step, transition, actor,
phase and contact (:func:`prozesskette.changes.describe_diff`). The marks on the chart page
are drawn as in the SVG (:mod:`..svg_diff`): outlines with their line pattern and a symbol
badge, dashed ghosts for removed steps, and the legend of the marks.

The document is made like :func:`.document.write_pdf`'s: reportlab's ``invariant`` mode and
a fixed creation date, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache
from typing import Any

from prozesskette.changes import SIGNS, ChainDiff, DiffSection, describe_diff
from prozesskette.layout.geometry import Layout, MarkKind, Rect
from prozesskette.model import Chain
from prozesskette.renderers.pdf.document import DEFAULT_CREATION_DATE, PdfDocument
from prozesskette.renderers.pdf.flowables import APPENDIX_MARGINS, markup, outline, para, styles
from prozesskette.renderers.pdf.fonts import FONT_REGULAR, register_fonts
from prozesskette.renderers.pdf.page import Placement, page_size
from prozesskette.renderers.pdf.painter import INK, NOTE_SLANT, Painter, pdf_color
from prozesskette.theme import DIFF_ADDED, DIFF_CHANGED, DIFF_REMOVED, LANE_STROKE, STEP_FILL
from prozesskette.words import words_for

__all__ = ["diff_story", "write_diff_pdf"]

_COLOR: dict[MarkKind, str] = {"added": DIFF_ADDED, "changed": DIFF_CHANGED,
                               "removed": DIFF_REMOVED}
_DASH: dict[MarkKind, tuple[float, ...]] = {"added": (), "changed": (1.5, 2.0),
                                            "removed": (5.0, 3.0)}


def diff_story(diff: ChainDiff, language: str | None = None,
               compared: str | None = None) -> list[Any]:
    """The "Änderungen" pages as flowables: a heading, what was compared, then one section
    per part of the chain that differs, each difference with its old → new values."""
    words = words_for("diff", language or diff.new.language)
    look = styles()
    story: list[Any] = [outline(words["heading"], "diff"), para(markup(words["heading"]), look.h1)]
    if compared:
        story.append(para(markup(words["compared"].format(compared)), look.small))
    sections: tuple[DiffSection, ...] = describe_diff(diff, language)
    if not sections:
        story.append(para(markup(words["none"]), look.body))
    for section in sections:
        story.append(para(markup(section.heading), look.h2))
        for item in section.items:
            story.append(para(f"{SIGNS[item.kind]} {markup(item.text)}", look.body))
            story.extend(para(markup(detail), _detail_style()) for detail in item.details)
    return story


@cache
def _detail_style() -> Any:
    """The old → new values under a difference: small, indented."""
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("pk-diff-detail", parent=styles().small, leftIndent=12,
                          spaceAfter=2)


class _MarkPainter:
    """Draws the layout's marks over the chart, as the SVG does."""

    def __init__(self, painter: Painter) -> None:
        self.painter = painter
        self.c = painter.c

    def stroke(self, kind: MarkKind, width: float) -> None:
        self.c.setStrokeColor(pdf_color(_COLOR[kind]))
        self.c.setLineWidth(width)
        self.c.setDash(list(_DASH[kind]) or [], 0)

    def symbol(self, kind: MarkKind, rect: Rect) -> None:
        c = self.c
        r = rect.w / 2
        arm = r * 0.55
        c.setDash([], 0)
        c.setFillColor(pdf_color(_COLOR[kind]))
        c.circle(rect.cx, -rect.cy, r, stroke=0, fill=1)
        c.setStrokeColor(pdf_color(STEP_FILL))
        c.setLineWidth(1.6)
        c.line(rect.cx - arm, -rect.cy, rect.cx + arm, -rect.cy)
        if kind == "added":
            c.line(rect.cx, -rect.cy - arm, rect.cx, -rect.cy + arm)
        elif kind == "changed":  # the SVG's pencil, as a slanted stroke over the bar
            c.line(rect.cx - arm, -rect.cy - arm, rect.cx + arm, -rect.cy + arm)

    def draw(self, layout: Layout) -> None:
        marks = layout.marks
        c, painter = self.c, self.painter
        c.saveState()
        for mark in marks.steps:
            node = layout.nodes[mark.step]
            self.stroke(mark.kind, 2.0)
            path, _width = painter.shape_path(node.kind, mark.outline)
            c.drawPath(path, stroke=1, fill=0)
            self.symbol(mark.kind, mark.symbol)
        routes = {(edge.source, edge.target): edge for edge in layout.edges}
        added = pdf_color(DIFF_ADDED)
        for edge_mark in marks.edges:  # the route again, in the colour of the added
            painter.edge(routes[(edge_mark.source, edge_mark.target)], added)
            self.symbol("added", edge_mark.symbol)
        for contact in marks.contacts:
            self.stroke(contact.kind, 1.5)
            path, _width = painter.shape_path("task", contact.outline)
            c.drawPath(path, stroke=1, fill=0)
            self.symbol(contact.kind, contact.symbol)
        for ghost in marks.ghosts:
            self.stroke("removed", 1.5)
            painter.shape(ghost.kind, ghost.rect, pdf_color(STEP_FILL), None)
            path, _width = painter.shape_path(ghost.kind, ghost.rect)
            self.stroke("removed", 1.5)
            c.drawPath(path, stroke=1, fill=0)
            painter.block(ghost.text, DIFF_REMOVED, NOTE_SLANT)
            self.symbol("removed", ghost.symbol)
        for key in marks.keys:
            painter.fill_rect(key.swatch, pdf_color(STEP_FILL))
            path, _width = painter.shape_path("task", key.swatch)
            self.stroke(key.kind, 1.5)
            c.drawPath(path, stroke=1, fill=0)
            r = min(key.swatch.h, 10.0) / 2
            self.symbol(key.kind, Rect(key.swatch.right - r, key.swatch.bottom - r, 2 * r, 2 * r))
            painter.block(key.text, INK)
        if marks.keys_rect is not None:
            c.setDash([], 0)
            painter.fill_rect(marks.keys_rect, None, pdf_color(LANE_STROKE), 0.5)
        if marks.removed is not None and marks.removed_rect is not None:
            self.stroke("removed", 1.0)
            c.rect(marks.removed_rect.x, -marks.removed_rect.bottom, marks.removed_rect.w,
                   marks.removed_rect.h, stroke=1, fill=0)
            painter.block(marks.removed, DIFF_REMOVED)
        c.restoreState()


def _chart(layout: Layout, placement: Placement, bookmark: str) -> Any:
    from reportlab.platypus import Flowable

    class Chart(Flowable):  # type: ignore[misc]
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return placement.width, placement.height

        def draw(self) -> None:
            canvas = self.canv
            canvas.bookmarkPage("chart", fit="Fit")
            canvas.addOutlineEntry(bookmark, "chart", 0)
            painter = Painter(canvas, layout)
            canvas.saveState()
            canvas.translate(0, placement.height)
            for line in placement.header:
                painter.text(line, INK)
            canvas.restoreState()
            canvas.saveState()
            canvas.translate(placement.x, placement.height - placement.y)
            canvas.scale(placement.scale, placement.scale)
            painter.draw()
            _MarkPainter(painter).draw(layout)
            canvas.restoreState()

    return Chart()


def _list_template() -> Any:
    from reportlab.platypus import Frame, PageTemplate

    a4 = page_size("A4", landscape=False)
    left, top, right, bottom = APPENDIX_MARGINS
    frame = Frame(left, bottom, a4[0] - left - right, a4[1] - top - bottom, 0, 0, 0, 0,
                  id="diff")
    return PageTemplate(id="diff", frames=[frame], pagesize=a4)


def write_diff_pdf(chain: Chain, layout: Layout, placement: Placement, diff: ChainDiff, *,
                   compared: str | None = None,
                   creation_date: datetime | None = None) -> PdfDocument:
    """The marked chart of ``chain`` (the new version) on its page, then the list of the
    changes on A4 pages. ``compared`` names the old version ("chains/a.yaml@HEAD~1")."""
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate

    register_fonts()
    buffer = io.BytesIO()
    words = words_for("diff", layout.language)
    doc = BaseDocTemplate(
        buffer, pagesize=(placement.width, placement.height), invariant=1,
        title=f"{chain.title} – {words['heading']}", author=chain.author or "",
        subject=words["heading"], creator="prozesskette", lang=chain.language or "de",
        leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0, pageCompression=1,
        initialFontName=FONT_REGULAR, initialFontSize=9, initialLeading=12)
    stamp = (creation_date or DEFAULT_CREATION_DATE).strftime("D:%Y%m%d%H%M%S+00'00'")
    chart_frame = Frame(0, 0, placement.width, placement.height, 0, 0, 0, 0, id="chart")
    doc.addPageTemplates([PageTemplate(id="chart", frames=[chart_frame],
                                       pagesize=(placement.width, placement.height)),
                          _list_template()])
    story = [NextPageTemplate("diff"), _chart(layout, placement, str(chain.title)),
             *diff_story(diff, layout.language, compared)]

    def make_canvas(*args: Any, **kwargs: Any) -> Any:
        from reportlab.pdfgen.canvas import Canvas

        canvas = Canvas(*args, **kwargs)
        canvas.setDateFormatter(lambda *_: stamp)
        return canvas

    doc.build(story, canvasmaker=make_canvas)
    return PdfDocument(buffer.getvalue(), doc.page)
