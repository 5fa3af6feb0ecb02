"""The building blocks of the Schnittstellenpapier pages: paragraph styles, escaped markup,
links, bookmarks, tables and the pages' words, shared by :mod:`.appendix` (the whole chain's
sections) and :mod:`.focus_pages` (a focus view's hand-offs and contacts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from prozesskette.markup import escape_attribute
from prozesskette.model import Actor, Chain
from prozesskette.renderers.pdf.fonts import FONT_BOLD, FONT_REGULAR, register_face, register_fonts
from prozesskette.renderers.pdf.page import MM
from prozesskette.renderers.pdf.painter import (
    TABLE_HEAD_FILL,
    TABLE_INK,
    TABLE_LEAD_FILL,
    TABLE_MUTED,
    TABLE_RULE,
)
from prozesskette.text import PRIMARY, needs_runs, runs
from prozesskette.words import words_for

__all__ = ["APPENDIX_MARGINS", "TEXT_WIDTH", "Styles", "actor_label", "data_table", "link",
           "markup", "outline", "paper_words", "para", "say", "step_title", "styles",
           "tel_href", "who"]

APPENDIX_MARGINS = (18 * MM, 20 * MM, 18 * MM, 18 * MM)
"""Left, top, right and bottom margin of the appendix pages (A4 portrait), points."""

TEXT_WIDTH = 595.2755905511812 - APPENDIX_MARGINS[0] - APPENDIX_MARGINS[2]


@dataclass(frozen=True)
class Styles:
    h1: Any
    h2: Any
    body: Any
    small: Any
    cell: Any
    cell_bold: Any
    head: Any


@cache
def styles() -> Styles:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    ink = HexColor(TABLE_INK)
    base = ParagraphStyle("pk-body", fontName=FONT_REGULAR, fontSize=9, leading=12,
                          textColor=ink, spaceAfter=4)
    return Styles(
        h1=ParagraphStyle("pk-h1", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19,
                          spaceAfter=6),
        h2=ParagraphStyle("pk-h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14,
                          spaceBefore=8, spaceAfter=3, keepWithNext=1),
        body=base,
        small=ParagraphStyle("pk-small", parent=base, fontSize=8, leading=10,
                             textColor=HexColor(TABLE_MUTED)),
        cell=ParagraphStyle("pk-cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        cell_bold=ParagraphStyle("pk-cell-bold", parent=base, fontName=FONT_BOLD,
                                 fontSize=8.5, leading=10.5, spaceAfter=0),
        head=ParagraphStyle("pk-head", parent=base, fontName=FONT_BOLD, fontSize=8.5,
                            leading=10.5, spaceAfter=0),
    )


def para(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(text, style)


def markup(text: str) -> str:
    """Escaped for a paragraph; runs in scripts Noto Sans lacks get their bundled face."""
    if not needs_runs(text):
        return escape_attribute(text)
    parts = []
    for face, part, _level in runs(text, rtl=False):
        escaped = escape_attribute(part)
        if face != PRIMARY:
            escaped = f'<font name="{register_face(face)}">{escaped}</font>'
        parts.append(escaped)
    return "".join(parts)


def paper_words(chain: Chain) -> dict[str, str]:
    """The Schnittstellenpapier's words (surface ``paper`` of :mod:`prozesskette.words`) in
    the chain's language."""
    return words_for("paper", chain.language or "de")


def say(words: Mapping[str, str], key: str, *args: str, **fields: str) -> str:
    """The words under ``key`` as paragraph markup, their ``{}`` fields filled with ``args``
    and ``fields`` (markup already: escaped names, links)."""
    return markup(words[key]).format(*args, **fields)


def tel_href(phone: str) -> str:
    """A ``tel:`` link for a phone number as written: "+49 3931 0000-11" → "tel:+49393100001"."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def link(href: str, text: str) -> str:
    return f'<a href="{markup(href)}" color="{TABLE_LEAD_FILL}">{markup(text)}</a>'


def actor_label(actor: Actor) -> str:
    return actor.short or actor.name


def outline(title: str, key: str, level: int = 0) -> Any:
    """An invisible flowable that adds a bookmark for the page it lands on."""
    from reportlab.platypus import Flowable

    class Outline(Flowable):  # type: ignore[misc]
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            record = getattr(self.canv, "pk_outline", None)
            if record is not None:
                record(title, key, level)

    return Outline()


def data_table(rows: list[list[Any]], widths: Sequence[float],
               extra: Iterable[tuple[Any, ...]] = (), header: bool = True) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, HexColor(TABLE_RULE)),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), HexColor(TABLE_HEAD_FILL)),
                     ("LINEBELOW", (0, 0), (-1, 0), 0.8, HexColor(TABLE_MUTED))]
    commands.extend(extra)
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def who(chain: Chain, actors: Iterable[str]) -> str:
    names = []
    for actor_id in actors:
        try:
            names.append(actor_label(chain.actor(actor_id)))
        except KeyError:
            names.append(actor_id)
    return " + ".join(markup(name) for name in names)


def step_title(chain: Chain, step_id: str) -> str:
    try:
        return markup(chain.step(step_id).title)
    except KeyError:
        return markup(step_id)
