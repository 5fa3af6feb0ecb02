"""The Schnittstellenpapier pages that follow the chart in the PDF.

Three optional sections, each starting on a new A4 portrait page, as reportlab platypus
flowables so that long tables flow onto further pages with their header rows repeated:

* the contact directory: every actor, its contact persons and one vCard QR code each
  (modules of 0.5 mm, comfortably above the 0.4 mm minimum);
* the responsibility matrix: steps × actors, lead (F) and co-responsible (M) marked
  distinctly, with a legend;
* the interfaces: hand-offs (from → to with step titles), shared steps and overlaps.

Their words are the ``paper`` surface of :mod:`prozesskette.words`, in the chain's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from prozesskette.analysis import Role, analyse
from prozesskette.focus import is_stub
from prozesskette.model import Actor, Chain, Contact, Step
from prozesskette.qr import QrMatrix, fits_in_qr, qr_matrix
from prozesskette.renderers.pdf.flowables import (
    APPENDIX_MARGINS,
    TEXT_WIDTH,
    actor_label,
    data_table,
    link,
    markup,
    outline,
    paper_words,
    para,
    say,
    step_title,
    styles,
    tel_href,
    who,
)
from prozesskette.renderers.pdf.focus_pages import focus_interfaces, focus_names, focus_summary
from prozesskette.renderers.pdf.fonts import FONT_BOLD
from prozesskette.renderers.pdf.page import MM
from prozesskette.renderers.pdf.painter import (
    TABLE_LEAD_FILL,
    TABLE_MUTED,
    TABLE_PHASE_FILL,
    TABLE_RULE,
    TABLE_SHARED_FILL,
    draw_qr,
)
from prozesskette.text import cap_height, longest_word_width, text_width
from prozesskette.vcard import vcard
from prozesskette.words import words_for

__all__ = ["APPENDIX_MARGINS", "DIRECTORY_MODULE_MM", "appendix_story", "tel_href"]

DIRECTORY_MODULE_MM = 0.5
"""QR module size in the contact directory, mm."""

NamedKind = Literal["start", "decision", "document", "end"]
"""Step kinds the matrix names after a step's title (a task is the plain case)."""

NAMED_KINDS: tuple[NamedKind, ...] = ("start", "decision", "document", "end")


# --------------------------------------------------------------------------------------------
# Flowables
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


def _directory_qr_side(chain: Chain) -> float:
    payloads = [vcard(contact, actor.name) for actor in chain.actors for contact in actor.contacts]
    sizes = [qr_matrix(payload).total_size for payload in payloads if fits_in_qr(payload)]
    return max(sizes, default=0) * DIRECTORY_MODULE_MM * MM


def _contact_details(contact: Contact, words: Mapping[str, str],
                     fresh: Mapping[str, str] | None = None) -> str:
    parts = [f"<b>{markup(contact.name)}</b>"]
    if contact.role:
        parts.append(markup(contact.role))
    if contact.organization:
        parts.append(markup(contact.organization))
    if contact.phone:
        parts.append(say(words, "phone", link(tel_href(contact.phone), contact.phone)))
    if contact.email:
        parts.append(say(words, "email", link("mailto:" + contact.email, contact.email)))
    if contact.url:
        parts.append(say(words, "web", link(contact.url, contact.url)))
    if contact.address:
        parts.append(say(words, "address", markup(contact.address)))
    if fresh is not None:  # the chain records when its contacts were checked
        parts.append(markup(fresh["checked"].format(contact.checked.strftime(fresh["date"]))
                            if contact.checked else fresh["never"]))
    return "<br/>".join(parts)


def contact_directory(chain: Chain, qr: bool = True, *, actors: Sequence[Actor] | None = None,
                      intro: str | None = None) -> list[Any]:
    """Every actor (or the given ``actors``, in that order) with its contact persons, after
    ``intro`` (paragraph markup; default: the words' ``directory_intro``)."""
    from reportlab.platypus import KeepTogether, Spacer

    st = styles()
    words = paper_words(chain)
    story: list[Any] = [outline(words["directory"], "contacts"),
                        para(say(words, "directory"), st.h1)]
    if intro is None:
        intro = say(words, "directory_intro")
    if qr:
        intro += say(words, "directory_qr")
    story.append(para(intro, st.small))
    side = _directory_qr_side(chain) if qr else 0.0
    widths = [side + 8, TEXT_WIDTH - side - 8] if qr else [TEXT_WIDTH]
    dated = any(contact.checked for actor in chain.actors for contact in actor.contacts)
    fresh = words_for("fresh", chain.language) if dated else None
    for actor in chain.actors if actors is None else actors:
        heading = markup(actor.name)
        if actor.short and actor.short != actor.name and f"({actor.short})" not in actor.name:
            heading += f" ({markup(actor.short)})"
        block: list[Any] = [para(heading, st.h2)]
        about: list[str] = []
        if actor.description:
            about.append(markup(actor.description))
        if actor.url:
            about.append(link(actor.url, actor.url))
        if about:
            block.append(para("<br/>".join(about), st.small))
        if not actor.contacts:
            block.append(para(say(words, "no_contact"), st.small))
        rows: list[list[Any]] = []
        for contact in actor.contacts:
            details = para(_contact_details(contact, words, fresh), st.cell)
            payload = vcard(contact, actor.name)
            if qr and fits_in_qr(payload):
                rows.append([_qr_flowable(qr_matrix(payload), side), details])
            elif qr:  # too long for a QR code: the details alone
                rows.append(["", details])
            else:
                rows.append([details])
        # the heading stays with the first contact; further contacts may go to the next page
        tables = [data_table([row], widths, [("LEFTPADDING", (0, 0), (0, -1), 0)], header=False)
                  for row in rows]
        story.append(KeepTogether(block + tables[:1]))
        story.extend(tables[1:])
        story.append(Spacer(1, 4))
    return story


def _steps_by_phase(chain: Chain, no_phase: str, leave_out: Callable[[str], bool] | None = None
                    ) -> list[tuple[str | None, list[Step]]]:
    """The steps (but those ``leave_out`` accepts) under their phases' titles; steps of no
    phase under ``no_phase`` at the end, or untitled when there are no phases."""
    groups: list[tuple[str | None, list[Step]]] = []
    known = {phase.id for phase in chain.phases}
    shown = [step for step in chain.steps if leave_out is None or not leave_out(step.id)]
    for phase in chain.phases:
        steps = [step for step in shown if step.phase == phase.id]
        if steps:
            groups.append((phase.title, steps))
    rest = [step for step in shown if step.phase not in known]
    if rest:
        groups.append((no_phase if groups else None, rest))
    return groups


def _step_cell(step: Step, words: Mapping[str, str]) -> str:
    text = markup(step.title)
    if step.kind in NAMED_KINDS:
        kind = say(words, f"kind/{step.kind.value}")
        text += f' <font color="{TABLE_MUTED}" size="7">({kind})</font>'
    return text


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    count = max(1, -(-len(items) // size))
    per = -(-len(items) // count)  # balanced chunks
    return [items[index:index + per] for index in range(0, len(items), per)]


_MATRIX_COLUMN = 19.0  # width of one actor's column, points
_MATRIX_STEP_MIN = 190.0  # narrowest step column; more actors go to a further table


def _matrix_table(actors: list[Actor], groups: list[tuple[str | None, list[Step]]],
                  roles_by_step: Mapping[str, Mapping[str, Role]],
                  words: Mapping[str, str]) -> Any:
    """One table of the responsibility matrix: steps by phase × these ``actors``."""
    from reportlab.lib.colors import HexColor, white

    st = styles()
    column = _MATRIX_COLUMN
    head_size = 8.0
    longest = max(len(actor_label(actor)) for actor in actors)
    header: list[Any] = [para(say(words, "step"), st.head)]
    header += [_vertical(actor_label(actor) if longest < 40 else
                         actor_label(actor)[:38] + "…", head_size) for actor in actors]
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
            rows.append([para(f"<b>{markup(title)}</b>", st.cell)] + [""] * len(actors))
            commands += [("SPAN", (0, row), (-1, row)),
                         ("BACKGROUND", (0, row), (-1, row), HexColor(TABLE_PHASE_FILL)),
                         ("NOSPLIT", (0, row), (-1, row + 1))]  # keep with first step
        for step in steps:
            row = len(rows)
            cells: list[Any] = [para(_step_cell(step, words), st.cell)]
            roles = roles_by_step.get(step.id, {})
            for index, actor in enumerate(actors, start=1):
                role = roles.get(actor.id)
                if role is Role.lead:
                    cells.append(words["lead_mark"])
                    commands += [("BACKGROUND", (index, row), (index, row),
                                  HexColor(TABLE_LEAD_FILL)),
                                 ("TEXTCOLOR", (index, row), (index, row), white)]
                elif role is Role.shared:
                    cells.append(words["shared_mark"])
                    commands.append(("BACKGROUND", (index, row), (index, row),
                                     HexColor(TABLE_SHARED_FILL)))
                else:
                    cells.append("")
            rows.append(cells)
    widths = [TEXT_WIDTH - column * len(actors)] + [column] * len(actors)
    return data_table(rows, widths, commands)


def responsibility_matrix(chain: Chain, leave_out: Callable[[str], bool] | None = None
                          ) -> list[Any]:
    """Steps × actors, by phase; steps whose id ``leave_out`` accepts are not listed."""
    from reportlab.lib.colors import HexColor, white
    from reportlab.platypus import PageBreak, Spacer

    st = styles()
    words = paper_words(chain)
    analysis = analyse(chain)
    story: list[Any] = [PageBreak(), outline(words["matrix"], "matrix"),
                        para(say(words, "matrix"), st.h1),
                        para(say(words, "matrix_intro"), st.small)]
    lead_style = [("BACKGROUND", (0, 0), (0, 0), HexColor(TABLE_LEAD_FILL)),
                  ("TEXTCOLOR", (0, 0), (0, 0), white),
                  ("BACKGROUND", (2, 0), (2, 0), HexColor(TABLE_SHARED_FILL))]
    legend = data_table(
        [[words["lead_mark"], para(say(words, "lead_key"), st.cell),
          words["shared_mark"], para(say(words, "shared_key"), st.cell)]],
        [16, 250, 16, 150],
        [("FONT", (0, 0), (-1, -1), FONT_BOLD, 8.5), ("ALIGN", (0, 0), (0, 0), "CENTER"),
         ("ALIGN", (2, 0), (2, 0), "CENTER"), ("LINEBELOW", (0, 0), (-1, -1), 0, white),
         ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *lead_style],
        header=False)
    story += [legend, Spacer(1, 6)]

    per_table = max(1, int((TEXT_WIDTH - _MATRIX_STEP_MIN) // _MATRIX_COLUMN))
    groups = _steps_by_phase(chain, words["no_phase"], leave_out)
    actor_chunks = _chunks(list(chain.actors), per_table)
    for chunk_index, actors in enumerate(actor_chunks):
        if len(actor_chunks) > 1:
            story.append(para(say(words, "actors_part", str(chunk_index + 1),
                                  str(len(actor_chunks))), st.h2))
        story.append(_matrix_table(actors, groups, analysis.matrix, words))
        story.append(Spacer(1, 6))
    key = [f"<b>{markup(actor.short)}</b> = {markup(actor.name)}" for actor in chain.actors
           if actor.short and actor.short != actor.name]
    if key:
        story.append(para(say(words, "abbreviations", "; ".join(key)), st.small))
    return story


def interface_lists(chain: Chain) -> list[Any]:
    """The hand-offs, the shared steps and the overlaps of the whole chain, as tables."""
    from reportlab.platypus import PageBreak

    st = styles()
    words = paper_words(chain)
    analysis = analyse(chain)
    story: list[Any] = [PageBreak(), outline(words["interfaces"], "interfaces"),
                        para(say(words, "interfaces"), st.h1)]

    story += [outline(words["handoffs_heading"], "handoffs", 1),
              para(say(words, "handoffs_heading"), st.h2),
              para(say(words, "handoffs_intro"), st.small)]
    if analysis.handoffs:
        rows: list[list[Any]] = [[para(say(words, key), st.head)
                                  for key in ("number", "from", "to", "condition")]]
        for number, handoff in enumerate(analysis.handoffs, start=1):
            rows.append([
                para(str(number), st.cell),
                para(f"<b>{who(chain, handoff.from_actors)}</b><br/>"
                   f"{step_title(chain, handoff.source)}", st.cell),
                para(f"<b>{who(chain, handoff.to_actors)}</b><br/>"
                   f"{step_title(chain, handoff.target)}", st.cell),
                para(markup(handoff.label or "–"), st.cell),
            ])
        story.append(data_table(rows, [24, (TEXT_WIDTH - 124) / 2, (TEXT_WIDTH - 124) / 2, 100]))
    else:
        story.append(para(say(words, "no_handoffs"), st.body))

    story += [outline(words["shared_bookmark"], "shared", 1),
              para(say(words, "shared_heading"), st.h2)]
    if analysis.shared_steps:
        rows = [[para(say(words, key), st.head) for key in ("step", "lead", "co")]]
        for shared in analysis.shared_steps:
            rows.append([para(step_title(chain, shared.step), st.cell),
                         para(who(chain, shared.actors[:1]), st.cell),
                         para(who(chain, shared.actors[1:]).replace(" + ", ", "), st.cell)])
        story.append(data_table(rows, [TEXT_WIDTH - 240, 110, 130]))
    else:
        story.append(para(say(words, "no_shared"), st.body))

    story += [outline(words["overlaps_heading"], "overlaps", 1),
              para(say(words, "overlaps_heading"), st.h2),
              para(say(words, "overlaps_intro"), st.small)]
    if analysis.overlaps:
        rows = [[para(say(words, key), st.head)
                 for key in ("number", "offer", "actors_column", "steps_column")]]
        for number, overlap in enumerate(analysis.overlaps, start=1):
            steps = "<br/>".join(
                f"{step_title(chain, step_id)} "
                f'<font color="{TABLE_MUTED}">({who(chain, chain.step(step_id).responsible)})'
                "</font>" for step_id in overlap.steps)
            rows.append([para(str(number), st.cell), para(markup(overlap.title), st.cell_bold),
                         para(who(chain, overlap.actors).replace(" + ", ", "), st.cell),
                         para(steps, st.cell)])
        offer = min(160.0, max([100.0] + [longest_word_width(o.title, 8.5, True) + 12
                                          for o in analysis.overlaps]))
        story.append(data_table(rows, [24, offer, 110, TEXT_WIDTH - 134 - offer]))
    else:
        story.append(para(say(words, "no_overlaps"), st.body))
    return story


def _summary(chain: Chain) -> list[Any]:
    """The first lines: the chain's title, region, version, description and counts. (The
    counts have one form per language: "1 gemeinsam verantwortete Schritte" stays as the
    outputs had it; the languages added later say "label: count", right for any number.)"""
    st = styles()
    words = paper_words(chain)
    analysis = analyse(chain)
    story: list[Any] = [outline(words["title"], "appendix"),
                        para(say(words, "title"), st.h1),
                        para(f"<b>{markup(chain.title)}</b>", st.body)]
    counts = (("actors", len(chain.actors)), ("steps", len(chain.steps)),
              ("handoffs", len(analysis.handoffs)), ("shared", len(analysis.shared_steps)),
              ("overlaps", len(analysis.overlaps)))
    facts = [say(words, key, str(count)) for key, count in counts]
    meta = [markup(chain.region or ""),
            say(words, "stand", markup(chain.version)) if chain.version else ""]
    line = " · ".join(part for part in meta if part)
    if line:
        story.append(para(line, st.small))
    if chain.description:
        story.append(para(markup(chain.description), st.body))
    story.append(para(markup(words["sep"]).join(facts), st.small))
    return story


def _focus_story(chain: Chain, focus: tuple[str, ...], *, contacts: bool, matrix: bool,
                 interfaces: bool, qr: bool) -> list[Any]:
    """A focus view's pages: its hand-offs first, then the contacts of the focus and the
    other sides, then the matrix without the stubs (they are no one's steps)."""
    from reportlab.platypus import PageBreak

    story = focus_summary(chain, focus)
    if interfaces:
        story += focus_interfaces(chain, focus)
    if contacts:
        if interfaces:
            story.append(PageBreak())
        order = ([a for a in chain.actors if a.id in focus]
                 + [a for a in chain.actors if a.id not in focus])
        intro = say(paper_words(chain), "focus_directory_intro", names=focus_names(chain, focus))
        story += contact_directory(chain, qr, actors=order, intro=intro)
    if matrix:
        pages = responsibility_matrix(chain, leave_out=is_stub)
        story += pages if interfaces or contacts else pages[1:]  # no empty first page
    return story


def appendix_story(chain: Chain, *, contacts: bool = True, matrix: bool = True,
                   interfaces: bool = True, qr: bool = True,
                   focus: tuple[str, ...] = ()) -> list[Any]:
    """The flowables of the Schnittstellenpapier pages (empty if every section is off).

    With ``focus`` (actor ids of a focus view, see :mod:`prozesskette.focus`) the pages are
    that institution's: its hand-offs in both directions with the other sides' contacts."""
    if not (contacts or matrix or interfaces):
        return []
    if focus:
        return _focus_story(chain, focus, contacts=contacts, matrix=matrix,
                            interfaces=interfaces, qr=qr)
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
