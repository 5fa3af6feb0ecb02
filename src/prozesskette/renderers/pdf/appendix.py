"""The Schnittstellenpapier pages that follow the chart in the PDF.

Three optional sections, each starting on a new A4 portrait page, as reportlab platypus
flowables so that long tables flow onto further pages with their header rows repeated:

* the contact directory: every actor, its contact persons and one vCard QR code each
  (modules of 0.5 mm, comfortably above the 0.4 mm minimum);
* the responsibility matrix: steps × actors, lead (F) and co-responsible (M) marked
  distinctly, with a legend;
* the interfaces: hand-offs (from → to with step titles), shared steps and overlaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from prozesskette.analysis import Role, analyse
from prozesskette.markup import escape_attribute
from prozesskette.model import Actor, Chain, Contact, Step
from prozesskette.qr import QrMatrix, fits_in_qr, qr_matrix
from prozesskette.renderers.pdf.fonts import FONT_BOLD, FONT_REGULAR, register_face, register_fonts
from prozesskette.renderers.pdf.page import MM
from prozesskette.renderers.pdf.painter import (
    TABLE_HEAD_FILL,
    TABLE_INK,
    TABLE_LEAD_FILL,
    TABLE_MUTED,
    TABLE_PHASE_FILL,
    TABLE_RULE,
    TABLE_SHARED_FILL,
    draw_qr,
)
from prozesskette.text import PRIMARY, cap_height, longest_word_width, needs_runs, runs, text_width
from prozesskette.vcard import vcard

__all__ = ["APPENDIX_MARGINS", "DIRECTORY_MODULE_MM", "appendix_story", "tel_href"]

APPENDIX_MARGINS = (18 * MM, 20 * MM, 18 * MM, 18 * MM)
"""Left, top, right and bottom margin of the appendix pages (A4 portrait), points."""

DIRECTORY_MODULE_MM = 0.5
"""QR module size in the contact directory, mm."""

_TEXT_WIDTH = 595.2755905511812 - APPENDIX_MARGINS[0] - APPENDIX_MARGINS[2]

LEAD_MARK = "F"
SHARED_MARK = "M"
KIND_NAMES = {"start": "Start", "decision": "Entscheidung", "document": "Dokument",
              "end": "Ende"}


@dataclass(frozen=True)
class _Styles:
    h1: Any
    h2: Any
    body: Any
    small: Any
    cell: Any
    cell_bold: Any
    head: Any


@cache
def _styles() -> _Styles:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    ink = HexColor(TABLE_INK)
    base = ParagraphStyle("pk-body", fontName=FONT_REGULAR, fontSize=9, leading=12,
                          textColor=ink, spaceAfter=4)
    return _Styles(
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


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(text, style)


def _e(text: str) -> str:
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


def _link(href: str, text: str) -> str:
    return f'<a href="{_e(href)}" color="{TABLE_LEAD_FILL}">{_e(text)}</a>'


def tel_href(phone: str) -> str:
    """A ``tel:`` link for a phone number as written: "+49 3931 0000-11" → "tel:+49393100001"."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def _actor_label(actor: Actor) -> str:
    return actor.short or actor.name


# --------------------------------------------------------------------------------------------
# Flowables
# --------------------------------------------------------------------------------------------


def _outline(title: str, key: str, level: int = 0) -> Any:
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


def _qr_flowable(matrix: QrMatrix, side: float) -> Any:
    from reportlab.platypus import Flowable

    class Qr(Flowable):  # type: ignore[misc]
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return side, side

        def draw(self) -> None:
            draw_qr(self.canv, matrix, 0, 0, side)

    return Qr()


def _vertical(text: str, size: float) -> Any:
    """Text turned by 90° (reading upwards), for narrow column headers."""
    from reportlab.platypus import Flowable

    length = text_width(text, size, True)

    class Vertical(Flowable):  # type: ignore[misc]
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            self.width = available_width
            return available_width, length

        def draw(self) -> None:
            canvas = self.canv
            canvas.saveState()
            canvas.translate(self.width / 2 + cap_height(size, True) / 2, 0)
            canvas.rotate(90)
            canvas.setFont(FONT_BOLD, size)
            canvas.drawString(0, 0, text)
            canvas.restoreState()

    return Vertical()


def _table(rows: list[list[Any]], widths: Sequence[float], extra: Iterable[tuple[Any, ...]] = (),
           header: bool = True) -> Any:
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


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


def _directory_qr_side(chain: Chain) -> float:
    payloads = [vcard(contact, actor.name) for actor in chain.actors for contact in actor.contacts]
    sizes = [qr_matrix(payload).total_size for payload in payloads if fits_in_qr(payload)]
    return max(sizes, default=0) * DIRECTORY_MODULE_MM * MM


def _contact_details(contact: Contact) -> str:
    parts = [f"<b>{_e(contact.name)}</b>"]
    if contact.role:
        parts.append(_e(contact.role))
    if contact.organization:
        parts.append(_e(contact.organization))
    if contact.phone:
        parts.append("Telefon: " + _link(tel_href(contact.phone), contact.phone))
    if contact.email:
        parts.append("E-Mail: " + _link("mailto:" + contact.email, contact.email))
    if contact.url:
        parts.append("Web: " + _link(contact.url, contact.url))
    if contact.address:
        parts.append("Adresse: " + _e(contact.address))
    return "<br/>".join(parts)


def contact_directory(chain: Chain, qr: bool = True) -> list[Any]:
    from reportlab.platypus import KeepTogether, Spacer

    st = _styles()
    story: list[Any] = [_outline("Kontaktverzeichnis", "contacts"),
                        _p("Kontaktverzeichnis", st.h1)]
    intro = "Alle beteiligten Stellen mit ihren Ansprechpersonen."
    if qr:
        intro += (" Jeder QR-Code enthält die Kontaktdaten als vCard: mit der Handykamera "
                  "scannen und als Kontakt speichern.")
    story.append(_p(intro, st.small))
    side = _directory_qr_side(chain) if qr else 0.0
    widths = [side + 8, _TEXT_WIDTH - side - 8] if qr else [_TEXT_WIDTH]
    for actor in chain.actors:
        heading = _e(actor.name)
        if actor.short and actor.short != actor.name and f"({actor.short})" not in actor.name:
            heading += f" ({_e(actor.short)})"
        block: list[Any] = [_p(heading, st.h2)]
        about: list[str] = []
        if actor.description:
            about.append(_e(actor.description))
        if actor.url:
            about.append(_link(actor.url, actor.url))
        if about:
            block.append(_p("<br/>".join(about), st.small))
        if not actor.contacts:
            block.append(_p("Keine Ansprechperson angegeben.", st.small))
        rows: list[list[Any]] = []
        for contact in actor.contacts:
            details = _p(_contact_details(contact), st.cell)
            payload = vcard(contact, actor.name)
            if qr and fits_in_qr(payload):
                rows.append([_qr_flowable(qr_matrix(payload), side), details])
            elif qr:  # too long for a QR code: the details alone
                rows.append(["", details])
            else:
                rows.append([details])
        # the heading stays with the first contact; further contacts may go to the next page
        tables = [_table([row], widths, [("LEFTPADDING", (0, 0), (0, -1), 0)], header=False)
                  for row in rows]
        story.append(KeepTogether(block + tables[:1]))
        story.extend(tables[1:])
        story.append(Spacer(1, 4))
    return story


def _steps_by_phase(chain: Chain) -> list[tuple[str | None, list[Step]]]:
    groups: list[tuple[str | None, list[Step]]] = []
    known = {phase.id for phase in chain.phases}
    for phase in chain.phases:
        steps = [step for step in chain.steps if step.phase == phase.id]
        if steps:
            groups.append((phase.title, steps))
    rest = [step for step in chain.steps if step.phase not in known]
    if rest:
        groups.append(("Ohne Phase" if groups else None, rest))
    return groups


def _step_cell(step: Step) -> str:
    text = _e(step.title)
    kind = KIND_NAMES.get(str(step.kind))
    if kind:
        text += f' <font color="{TABLE_MUTED}" size="7">({kind})</font>'
    return text


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    count = max(1, -(-len(items) // size))
    per = -(-len(items) // count)  # balanced chunks
    return [items[index:index + per] for index in range(0, len(items), per)]


_MATRIX_COLUMN = 19.0  # width of one actor's column, points
_MATRIX_STEP_MIN = 190.0  # narrowest step column; more actors go to a further table


def _matrix_table(actors: list[Actor], groups: list[tuple[str | None, list[Step]]],
                  roles_by_step: Mapping[str, Mapping[str, Role]]) -> Any:
    """One table of the responsibility matrix: steps by phase × these ``actors``."""
    from reportlab.lib.colors import HexColor, white

    st = _styles()
    column = _MATRIX_COLUMN
    head_size = 8.0
    longest = max(len(_actor_label(actor)) for actor in actors)
    header: list[Any] = [_p("Schritt", st.head)]
    header += [_vertical(_actor_label(actor) if longest < 40 else
                         _actor_label(actor)[:38] + "…", head_size) for actor in actors]
    rows: list[list[Any]] = [header]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("FONT", (1, 1), (-1, -1), FONT_BOLD, 8.5),
        ("LINEAFTER", (0, 0), (-2, -1), 0.3, HexColor(TABLE_RULE)),
        ("VALIGN", (1, 1), (-1, -1), "MIDDLE"),
    ]
    for title, steps in groups:
        if title is not None:
            row = len(rows)
            rows.append([_p(f"<b>{_e(title)}</b>", st.cell)] + [""] * len(actors))
            commands += [("SPAN", (0, row), (-1, row)),
                         ("BACKGROUND", (0, row), (-1, row), HexColor(TABLE_PHASE_FILL)),
                         ("NOSPLIT", (0, row), (-1, row + 1))]  # keep with first step
        for step in steps:
            row = len(rows)
            cells: list[Any] = [_p(_step_cell(step), st.cell)]
            roles = roles_by_step.get(step.id, {})
            for index, actor in enumerate(actors, start=1):
                role = roles.get(actor.id)
                if role is Role.lead:
                    cells.append(LEAD_MARK)
                    commands += [("BACKGROUND", (index, row), (index, row),
                                  HexColor(TABLE_LEAD_FILL)),
                                 ("TEXTCOLOR", (index, row), (index, row), white)]
                elif role is Role.shared:
                    cells.append(SHARED_MARK)
                    commands.append(("BACKGROUND", (index, row), (index, row),
                                     HexColor(TABLE_SHARED_FILL)))
                else:
                    cells.append("")
            rows.append(cells)
    widths = [_TEXT_WIDTH - column * len(actors)] + [column] * len(actors)
    return _table(rows, widths, commands)


def responsibility_matrix(chain: Chain) -> list[Any]:
    from reportlab.lib.colors import HexColor, white
    from reportlab.platypus import PageBreak, Spacer

    st = _styles()
    analysis = analyse(chain)
    story: list[Any] = [PageBreak(), _outline("Verantwortlichkeiten", "matrix"),
                        _p("Verantwortlichkeiten", st.h1),
                        _p("Welche Stelle welchen Schritt verantwortet, nach Phasen.",
                           st.small)]
    lead_style = [("BACKGROUND", (0, 0), (0, 0), HexColor(TABLE_LEAD_FILL)),
                  ("TEXTCOLOR", (0, 0), (0, 0), white),
                  ("BACKGROUND", (2, 0), (2, 0), HexColor(TABLE_SHARED_FILL))]
    legend = _table(
        [[LEAD_MARK, _p("federführend: die erst- oder einzig genannte Stelle", st.cell),
          SHARED_MARK, _p("mitverantwortlich", st.cell)]],
        [16, 250, 16, 150],
        [("FONT", (0, 0), (-1, -1), FONT_BOLD, 8.5), ("ALIGN", (0, 0), (0, 0), "CENTER"),
         ("ALIGN", (2, 0), (2, 0), "CENTER"), ("LINEBELOW", (0, 0), (-1, -1), 0, white),
         ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *lead_style],
        header=False)
    story += [legend, Spacer(1, 6)]

    per_table = max(1, int((_TEXT_WIDTH - _MATRIX_STEP_MIN) // _MATRIX_COLUMN))
    groups = _steps_by_phase(chain)
    actor_chunks = _chunks(list(chain.actors), per_table)
    for chunk_index, actors in enumerate(actor_chunks):
        if len(actor_chunks) > 1:
            story.append(_p(f"Stellen {chunk_index + 1} von {len(actor_chunks)}", st.h2))
        story.append(_matrix_table(actors, groups, analysis.matrix))
        story.append(Spacer(1, 6))
    key = [f"<b>{_e(actor.short)}</b> = {_e(actor.name)}" for actor in chain.actors
           if actor.short and actor.short != actor.name]
    if key:
        story.append(_p("Abkürzungen: " + "; ".join(key), st.small))
    return story


def _who(chain: Chain, actors: Iterable[str]) -> str:
    names = []
    for actor_id in actors:
        try:
            names.append(_actor_label(chain.actor(actor_id)))
        except KeyError:
            names.append(actor_id)
    return " + ".join(_e(name) for name in names)


def _title(chain: Chain, step_id: str) -> str:
    try:
        return _e(chain.step(step_id).title)
    except KeyError:
        return _e(step_id)


def interface_lists(chain: Chain) -> list[Any]:
    from reportlab.platypus import PageBreak

    st = _styles()
    analysis = analyse(chain)
    story: list[Any] = [PageBreak(), _outline("Schnittstellen und Überschneidungen",
                                              "interfaces"),
                        _p("Schnittstellen und Überschneidungen", st.h1)]

    story += [_outline("Übergaben", "handoffs", 1), _p("Übergaben", st.h2),
              _p("Hier geht der Fall von einer Stelle an eine andere über.", st.small)]
    if analysis.handoffs:
        rows: list[list[Any]] = [[_p("Nr.", st.head), _p("Von", st.head), _p("An", st.head),
                                  _p("Bedingung", st.head)]]
        for number, handoff in enumerate(analysis.handoffs, start=1):
            rows.append([
                _p(str(number), st.cell),
                _p(f"<b>{_who(chain, handoff.from_actors)}</b><br/>"
                   f"{_title(chain, handoff.source)}", st.cell),
                _p(f"<b>{_who(chain, handoff.to_actors)}</b><br/>"
                   f"{_title(chain, handoff.target)}", st.cell),
                _p(_e(handoff.label or "–"), st.cell),
            ])
        story.append(_table(rows, [24, (_TEXT_WIDTH - 124) / 2, (_TEXT_WIDTH - 124) / 2, 100]))
    else:
        story.append(_p("Keine Übergaben.", st.body))

    story += [_outline("Gemeinsame Schritte", "shared", 1),
              _p("Gemeinsam verantwortete Schritte", st.h2)]
    if analysis.shared_steps:
        rows = [[_p("Schritt", st.head), _p("Federführend", st.head),
                 _p("Mitverantwortlich", st.head)]]
        for shared in analysis.shared_steps:
            rows.append([_p(_title(chain, shared.step), st.cell),
                         _p(_who(chain, shared.actors[:1]), st.cell),
                         _p(_who(chain, shared.actors[1:]).replace(" + ", ", "), st.cell)])
        story.append(_table(rows, [_TEXT_WIDTH - 240, 110, 130]))
    else:
        story.append(_p("Keine gemeinsam verantworteten Schritte.", st.body))

    story += [_outline("Überschneidungen", "overlaps", 1), _p("Überschneidungen", st.h2),
              _p("Dasselbe Angebot kommt von mehreren Stellen: hier lohnt Abstimmung.",
                 st.small)]
    if analysis.overlaps:
        rows = [[_p("Nr.", st.head), _p("Angebot", st.head), _p("Stellen", st.head),
                 _p("Schritte", st.head)]]
        for number, overlap in enumerate(analysis.overlaps, start=1):
            steps = "<br/>".join(
                f"{_title(chain, step_id)} "
                f'<font color="{TABLE_MUTED}">({_who(chain, chain.step(step_id).responsible)})'
                "</font>" for step_id in overlap.steps)
            rows.append([_p(str(number), st.cell), _p(_e(overlap.title), st.cell_bold),
                         _p(_who(chain, overlap.actors).replace(" + ", ", "), st.cell),
                         _p(steps, st.cell)])
        offer = min(160.0, max([100.0] + [longest_word_width(o.title, 8.5, True) + 12
                                          for o in analysis.overlaps]))
        story.append(_table(rows, [24, offer, 110, _TEXT_WIDTH - 134 - offer]))
    else:
        story.append(_p("Keine Überschneidungen.", st.body))
    return story


def _summary(chain: Chain) -> list[Any]:
    st = _styles()
    analysis = analyse(chain)
    story: list[Any] = [_outline("Schnittstellenpapier", "appendix"),
                        _p("Schnittstellenpapier", st.h1), _p(f"<b>{_e(chain.title)}</b>",
                                                               st.body)]
    facts = [f"{len(chain.actors)} Stellen", f"{len(chain.steps)} Schritte",
             f"{len(analysis.handoffs)} Übergaben",
             f"{len(analysis.shared_steps)} gemeinsam verantwortete Schritte",
             f"{len(analysis.overlaps)} Überschneidungen"]
    meta = [chain.region or "", f"Stand: {chain.version}" if chain.version else ""]
    line = " · ".join(part for part in meta if part)
    if line:
        story.append(_p(_e(line), st.small))
    if chain.description:
        story.append(_p(_e(chain.description), st.body))
    story.append(_p(_e(", ".join(facts)), st.small))
    return story


def appendix_story(chain: Chain, *, contacts: bool = True, matrix: bool = True,
                   interfaces: bool = True, qr: bool = True) -> list[Any]:
    """The flowables of the Schnittstellenpapier pages (empty if every section is off)."""
    if not (contacts or matrix or interfaces):
        return []
    story = _summary(chain)
    if contacts:
        story += contact_directory(chain, qr)
    if matrix:
        story += responsibility_matrix(chain)
    if interfaces:
        story += interface_lists(chain)
    if not contacts:  # the first section must not start with an empty page
        from reportlab.platypus import PageBreak

        for index, item in enumerate(story):
            if isinstance(item, PageBreak):
                del story[index]
                break
    return story
