"""A page set's PDF: one chart page per page of the set, the overview map on page 1, then the
Schnittstellenpapier.

What goes on which page, where each page's continuation markers sit and where the overview
map goes were decided before (:mod:`prozesskette.layout.pages`, :mod:`prozesskette.printing`):
this module draws them. Each page is an ordinary chart page (:func:`.document.write_pdf`
draws the pages' layouts with their lane headers and QR codes); the overview map is drawn
over page 1 in page coordinates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from prozesskette.layout.geometry import Layout, Rect
from prozesskette.layout.pages import OverviewMap, is_marker
from prozesskette.model import Chain
from prozesskette.renderers.pdf.document import ChartPage, PdfDocument, chart_key, write_pdf
from prozesskette.renderers.pdf.page import Placement, page_words
from prozesskette.renderers.pdf.painter import INK, Painter, pdf_color
from prozesskette.theme import LANE_FILL, LANE_STROKE, NOTE, PHASE_FILL, STEP_FILL, STROKE

__all__ = ["write_split_pdf"]

_MAP_CURRENT = "#dbe7f5"  # the page the map is printed on
_MAP_STROKE = "#5c6b7a"
LINK_FILL = "#fff4cc"
"""Continuation markers' fill: they are no start or end of the chain, and must not look like
one. Their outline is doubled, as BPMN draws link (intermediate) events."""
_RING = 2.2  # points between a marker's two outlines
_RADIUS = 9.0  # their corners' radius: the text fills the box, a pill would cut it


def _marker_overlay(layout: Layout, placement: Placement,
                    targets: Mapping[str, int]) -> Callable[[Any], None]:
    """Draws the page's continuation markers over the chart: the marker's own shape and
    text, in the marker colour and with a double outline (positions: the layout's), each a
    link to the page it names (``targets``: marker step → page number)."""
    markers = [node for node_id, node in layout.nodes.items() if is_marker(node_id)]

    def draw(canvas: Any) -> None:
        canvas.saveState()
        canvas.translate(placement.x, placement.height - placement.y)
        canvas.scale(placement.scale, placement.scale)
        painter = Painter(canvas, layout)
        for node in markers:
            _draw_marker_shape(canvas, painter, node.rect, layout.style.line_width, _RADIUS,
                               _RING)
            painter.block(node.title)
            if node.id in targets:
                rect = node.rect
                canvas.linkRect("", chart_key(targets[node.id]),
                                (rect.x, -rect.bottom, rect.right, -rect.y), relative=1,
                                thickness=0)
        canvas.restoreState()

    return draw


def _draw_marker_shape(canvas: Any, painter: Painter, rect: Rect, width: float,
                       radius: float, ring: float) -> None:
    """A continuation marker's box: the marker fill, an outline and a thin one inside."""
    canvas.setFillColor(pdf_color(LINK_FILL))
    canvas.setStrokeColor(pdf_color(STROKE))
    canvas.setLineWidth(width)
    canvas.drawPath(painter.rect_path(rect, radius), stroke=1, fill=1)
    canvas.setLineWidth(width * 0.6)
    canvas.drawPath(painter.rect_path(rect.inflate(-ring), radius - ring), stroke=1, fill=0)


def _both(*draws: Callable[[Any], None] | None) -> Callable[[Any], None]:
    def draw(canvas: Any) -> None:
        for one in draws:
            if one is not None:
                one(canvas)

    return draw


def _map_overlay(overview: OverviewMap, layout: Layout,
                 height: float) -> Callable[[Any], None]:
    """Draws ``overview`` (page coordinates from the top) on a reportlab canvas."""

    def draw(canvas: Any) -> None:
        canvas.saveState()
        canvas.translate(0, height)  # y from the top, as the painter's text expects
        painter = Painter(canvas, layout)
        outline = overview.rect
        canvas.setFillColor(pdf_color(LANE_FILL))
        canvas.setStrokeColor(pdf_color(LANE_STROKE))
        canvas.setLineWidth(0.5)
        canvas.rect(outline.x, -outline.bottom, outline.w, outline.h, stroke=1, fill=1)
        canvas.setStrokeColor(pdf_color(_MAP_STROKE))
        canvas.setLineWidth(0.8)
        for cell in overview.cells:
            rect = cell.rect
            canvas.setFillColor(pdf_color(_MAP_CURRENT if cell.current else PHASE_FILL))
            canvas.rect(rect.x, -rect.bottom, rect.w, rect.h, stroke=1, fill=1)
        canvas.setFillColor(pdf_color(NOTE))
        for dot in overview.dots:
            canvas.rect(dot.x, -dot.bottom, dot.w, dot.h, stroke=0, fill=1)
        for cell in overview.cells:
            rect = cell.rect
            canvas.linkRect("", chart_key(cell.page), (rect.x, -rect.bottom, rect.right,
                                                       -rect.y), relative=1, thickness=0)
            back = cell.plate
            canvas.setFillColor(pdf_color(STEP_FILL))
            canvas.roundRect(back.x, -back.bottom, back.w, back.h, 2, stroke=0, fill=1)
            painter.text(cell.label, INK)
        painter.block(overview.title, STROKE)
        _draw_marker_shape(canvas, painter, overview.swatch, 0.8, 3.0, 1.4)
        painter.block(overview.key, STROKE)
        canvas.restoreState()

    return draw


def write_split_pdf(chain: Chain, pages: Sequence[tuple[Layout, Placement]],
                    overview: OverviewMap | None, *,
                    targets: Sequence[Mapping[str, int]] = (), appendix: bool = True,
                    contacts: bool = True, matrix: bool = True, interfaces: bool = True,
                    qr: bool = True, creation_date: datetime | None = None,
                    focus: tuple[str, ...] = ()) -> PdfDocument:
    """The page set's PDF: ``pages`` (each page's layout on its placement, all on one paper)
    with ``overview`` over page 1, then the Schnittstellenpapier of ``chain`` (the whole
    chain) as :func:`.document.write_pdf` makes it. ``targets`` (per page: marker step →
    the page it names) make the markers links; the map's cells link to their pages."""
    words = page_words(chain)
    charts: list[ChartPage] = []
    for index, (layout, placement) in enumerate(pages):
        overlay = _both(_marker_overlay(layout, placement,
                                        targets[index] if index < len(targets) else {}),
                        _map_overlay(overview, layout, placement.height)
                        if index == 0 and overview is not None else None)
        bookmark = words["chart"] if index == 0 else words["map_page"].format(index + 1)
        # the painter draws the chart without its markers, the overlay draws them (once)
        steps = {node_id: node for node_id, node in layout.nodes.items()
                 if not is_marker(node_id)}
        charts.append(ChartPage(replace(layout, nodes=steps), placement, overlay, bookmark))
    first_layout, first_placement = pages[0]
    return write_pdf(chain, first_layout, first_placement, appendix=appendix,
                     contacts=contacts, matrix=matrix, interfaces=interfaces, qr=qr,
                     creation_date=creation_date, focus=focus, charts=charts)
