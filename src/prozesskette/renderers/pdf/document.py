"""The PDF file: the chart page and the Schnittstellenpapier pages, with footer and outline.

:func:`write_pdf` turns a chain, its layout and the layout's :class:`~.page.Placement` into
PDF bytes. It decides nothing about the layout or the paper; that happened before (see
:mod:`prozesskette.printing`). Output is byte-identical for the same input: reportlab's
``invariant`` mode plus a fixed creation date (:data:`DEFAULT_CREATION_DATE` unless one is
given), and the bundled Noto Sans is embedded as a subset.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, NamedTuple

from prozesskette.layout.geometry import Layout
from prozesskette.model import Chain
from prozesskette.renderers.pdf.appendix import APPENDIX_MARGINS, appendix_story
from prozesskette.renderers.pdf.flowables import paper_words
from prozesskette.renderers.pdf.fonts import FONT_REGULAR, draw_text, register_fonts
from prozesskette.renderers.pdf.page import (
    MM,
    Furniture,
    Placement,
    chain_rtl,
    page_size,
    page_words,
)
from prozesskette.renderers.pdf.painter import INK, Painter, pdf_color
from prozesskette.text import text_width
from prozesskette.theme import LANE_STROKE, NOTE

__all__ = ["DEFAULT_CREATION_DATE", "ChartPage", "PdfDocument", "chart_key", "write_pdf"]

DEFAULT_CREATION_DATE = datetime(2000, 1, 1, tzinfo=UTC)
"""Creation date written when none is given, so that the same chain gives the same bytes."""

Footer = Callable[[Any, int, int], None]
"""Draws the footer on a canvas, given the page number and the page count."""


def chart_key(number: int) -> str:
    """The PDF destination of chart page ``number`` (1-based): links in a page set go there."""
    return "chart" if number == 1 else f"chart-{number}"


class ChartPage(NamedTuple):
    """One chart page of a page set: its layout, its placement and what is drawn over it in
    page coordinates (the overview map)."""

    layout: Layout
    placement: Placement
    overlay: Callable[[Any], None] | None = None
    bookmark: str | None = None


class PdfDocument(NamedTuple):
    """The bytes of a PDF and how many pages it has."""

    data: bytes
    pages: int


def _date_formatter(moment: datetime) -> Callable[..., str]:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    stamp = (f"D:{moment:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'"
             f"{abs(minutes) % 60:02d}'")

    def formatter(*_: Any) -> str:
        return stamp

    return formatter


def _make_canvas_class() -> type:
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Keeps the pages until the end so that the footer can say "Seite i von N".

        Outline entries are recorded with their page and replayed when the pages are
        written (bookmarks must refer to the page being written).
        """

        def __init__(self, *args: Any, footer: Footer, date_formatter: Callable[..., str],
                     **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(date_formatter)
            self._pk_pages: list[dict[str, Any]] = []
            self._pk_footer = footer
            self._pk_marks: list[tuple[int, str, str, int]] = []

        def pk_outline(self, title: str, key: str, level: int = 0) -> None:
            self._pk_marks.append((len(self._pk_pages), key, title, level))

        def showPage(self) -> None:
            self._pk_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = self._pk_pages
            marks = self._pk_marks
            total = len(pages)
            for number, state in enumerate(pages):
                self.__dict__.update(state)
                for page, key, _title, _level in marks:
                    if page == number:
                        self.bookmarkPage(key, fit="Fit")
                self._pk_footer(self, number + 1, total)
                Canvas.showPage(self)
            for _page, key, title, level in marks:
                self.addOutlineEntry(title, key, level)
            if marks:
                self.showOutline()
            Canvas.save(self)

    return NumberedCanvas


def _footer_text(chain: Chain) -> str:
    parts = [chain.title, chain.region or ""]
    if chain.version:
        parts.append(page_words(chain)["stand"].format(chain.version))
    return " · ".join(part for part in parts if part)


def _fit_text(value: str, width: float, size: float) -> str:
    """``value``, cut short with " …" where it would be wider than ``width``."""
    if text_width(value, size) <= width:
        return value
    while value and text_width(value + " …", size) > width:
        value = value[:-1]
    return value.rstrip() + " …"


def _draw_footer(canvas: Any, number: int, total: int, *, chain: Chain,
                 chart_page: bool, chart_pages: int = 1) -> None:
    width, height = canvas._pagesize
    chart_page = chart_page and number <= chart_pages
    if chart_page:
        furniture = Furniture.for_page(width, height)
        margin, size = furniture.margin, furniture.footer_size
        baseline = furniture.footer_baseline  # inside the bottom margin
    else:
        margin, size = 18 * MM, 7.5
        baseline = margin * 0.75
    label = page_words(chain)["page"].format(number, total)
    canvas.saveState()
    canvas.setFillColor(pdf_color(NOTE))
    rtl = chain_rtl(chain)
    label_width = text_width(label, size)
    room = width - 2 * margin - label_width - 4 * size
    footer = _fit_text(_footer_text(chain), room, size)
    if rtl:  # mirrored: the page number on the left, the chain on the right
        draw_text(canvas, label, margin, baseline, size, chart_rtl=True)
        draw_text(canvas, footer, width - margin - text_width(footer, size), baseline, size,
                  chart_rtl=True)
    else:
        draw_text(canvas, label, width - margin - label_width, baseline, size)
        draw_text(canvas, footer, margin, baseline, size)
    canvas.restoreState()


def _appendix_header(canvas: Any, doc: Any, *, chain: Chain) -> None:
    width, height = canvas._pagesize
    left, top, right, _bottom = APPENDIX_MARGINS
    canvas.saveState()
    canvas.setFont(FONT_REGULAR, 7.5)
    canvas.setFillColor(pdf_color(NOTE))
    draw_text(canvas, _fit_text(f"{paper_words(chain)['title']} · {chain.title}",
                                width - left - right, 7.5), left, height - top + 5 * MM, 7.5)
    canvas.setStrokeColor(pdf_color(LANE_STROKE))
    canvas.setLineWidth(0.5)
    canvas.line(left, height - top + 3.5 * MM, width - right, height - top + 3.5 * MM)
    canvas.restoreState()


def _chart_flowable(layout: Layout, placement: Placement, bookmark: str | None,
                    overlay: Callable[[Any], None] | None = None, key: str = "chart") -> Any:
    from reportlab.platypus import Flowable

    class Chart(Flowable):  # type: ignore[misc]
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return placement.width, placement.height

        def draw(self) -> None:
            canvas = self.canv
            if bookmark is not None and hasattr(canvas, "pk_outline"):
                canvas.pk_outline(bookmark, key)
            painter = Painter(canvas, layout)
            # page furniture: the title block when the layout has none (page coordinates,
            # measured from the top like the layout's)
            canvas.saveState()
            canvas.translate(0, placement.height)
            for line in placement.header:
                painter.text(line, INK if line.bold else NOTE)
            canvas.restoreState()
            canvas.saveState()
            canvas.translate(placement.x, placement.height - placement.y)
            canvas.scale(placement.scale, placement.scale)
            painter.draw()
            canvas.restoreState()
            if overlay is not None:  # page coordinates, y up as reportlab's
                overlay(canvas)

    return Chart()


def _creator() -> str:
    # imported here: importlib.metadata costs tens of milliseconds, and the CLI's cold
    # start should not pay them for a command that writes no PDF
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"prozesskette {version('prozesskette')}"
    except PackageNotFoundError:
        return "prozesskette"


def _subject(chain: Chain, appendix: bool) -> str:
    """The PDF's subject: what it holds, for which region, as of which version."""
    words = page_words(chain)
    subject = words["chart_and_paper" if appendix else "chart"]
    if chain.region:
        subject += f" – {chain.region}"
    if chain.version:
        subject += " – " + words["stand"].format(chain.version)
    return subject


def _appendix_template(chain: Chain) -> Any:
    """The A4 portrait page of the Schnittstellenpapier, with its running header."""
    from reportlab.platypus import Frame, PageTemplate

    a4 = page_size("A4", landscape=False)
    left, top, right, bottom = APPENDIX_MARGINS
    frame = Frame(left, bottom, a4[0] - left - right, a4[1] - top - bottom,
                  0, 0, 0, 0, id="appendix")
    return PageTemplate(id="appendix", frames=[frame], pagesize=a4,
                        onPage=partial(_appendix_header, chain=chain))


def write_pdf(chain: Chain, layout: Layout, placement: Placement, *, appendix: bool = True,
              contacts: bool = True, matrix: bool = True, interfaces: bool = True,
              qr: bool = True, creation_date: datetime | None = None,
              focus: tuple[str, ...] = (),
              charts: Sequence[ChartPage] = ()) -> PdfDocument:
    """The PDF of ``layout`` placed on its page as ``placement`` says, followed by the
    Schnittstellenpapier pages when ``appendix`` is true: the contact directory
    (``contacts``, with vCard QR codes unless ``qr`` is false), the responsibility matrix
    (``matrix``) and the hand-offs and overlaps (``interfaces``). ``focus`` names the actors
    of a focus view: the pages are then theirs (see :func:`.appendix.appendix_story`).
    ``charts``, when given, are the chart pages of a page set (all on the paper of
    ``placement``), drawn instead of ``layout`` (see :mod:`.split_pages`)."""
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
    )

    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(placement.width, placement.height),
        invariant=1,
        title=chain.title,
        author=chain.author or "",
        subject=_subject(chain, appendix),
        creator=_creator(),
        keywords=", ".join(actor.name for actor in chain.actors),
        lang=chain.language or "de",
        leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0,
        pageCompression=1,
        initialFontName=FONT_REGULAR, initialFontSize=9, initialLeading=12,
    )
    chart_frame = Frame(0, 0, placement.width, placement.height, 0, 0, 0, 0, id="chart")
    templates = [PageTemplate(id="chart", frames=[chart_frame],
                              pagesize=(placement.width, placement.height))]
    story: list[Any] = []
    extra: list[Any] = []
    if appendix:
        extra = appendix_story(chain, contacts=contacts, matrix=matrix,
                               interfaces=interfaces, qr=qr, focus=focus)
    pages = list(charts) or [ChartPage(layout, placement)]
    if extra:
        templates.append(_appendix_template(chain))
    doc.addPageTemplates(templates)
    for index, page in enumerate(pages):
        if index:
            story.append(PageBreak())
        if extra and index == len(pages) - 1:
            story.append(NextPageTemplate("appendix"))
        bookmark = page.bookmark or (page_words(chain)["chart"] if extra and not index
                                     else None)
        story.append(_chart_flowable(page.layout, page.placement, bookmark, page.overlay,
                                     chart_key(index + 1)))
    story.extend(extra)
    footer = partial(_draw_footer, chain=chain, chart_page=True, chart_pages=len(pages))
    canvas_class = _make_canvas_class()
    doc.build(story, canvasmaker=partial(canvas_class, footer=footer,
                                         date_formatter=_date_formatter(
                                             creation_date or DEFAULT_CREATION_DATE)))
    return PdfDocument(buffer.getvalue(), doc.page)
