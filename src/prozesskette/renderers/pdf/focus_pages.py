"""The Schnittstellenpapier of a focus view: one institution's page.

What an institution needs from a workshop is who hands cases over to it, to whom it hands
them on, and whom to call on the other side. So a focus view's Schnittstellenpapier starts
with its hand-offs in both directions, each with the contact persons of the other side; the
contact directory and the responsibility matrix that follow (:mod:`.appendix`) are limited to
the lanes of the view. The words are those of :mod:`.appendix` (surface ``paper``); the
example of a stub is made from the stubs' own words (surface ``focus``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from prozesskette.analysis import Handoff
from prozesskette.focus import handoffs_of
from prozesskette.model import Chain
from prozesskette.renderers.pdf.flowables import (
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
from prozesskette.renderers.pdf.painter import TABLE_MUTED
from prozesskette.words import words_for

__all__ = ["focus_interfaces", "focus_names", "focus_summary"]

Side = Literal["from", "to"]  # the side of a hand-off that is the other institution


def focus_names(chain: Chain, focus: Iterable[str]) -> str:
    """The focused actors' short names, escaped: 'JC' or 'JC, AA'."""
    return ", ".join(markup(actor_label(chain.actor(a))) for a in focus)


def _stub_example(chain: Chain) -> str:
    """A stub's title as the view draws it: 'vorher: 3 Schritte bei anderen Stellen'."""
    stub = words_for("focus", chain.language)
    return stub["before"].format(count=stub["steps"].format(n=3), who=stub["others"])


def focus_summary(chain: Chain, focus: tuple[str, ...]) -> list[Any]:
    """The first lines: whose page it is, of which chain, and how many hand-offs it has."""
    st = styles()
    words = paper_words(chain)
    found = handoffs_of(chain, focus)
    names = focus_names(chain, focus)
    story: list[Any] = [outline(words["title"], "appendix"),
                        para(say(words, "title_for", names=names), st.h1),
                        para(f"<b>{markup(chain.title)}</b>", st.body)]
    meta = [markup(chain.region or ""),
            say(words, "stand", markup(chain.version)) if chain.version else ""]
    line = " · ".join(part for part in meta if part)
    if line:
        story.append(para(line, st.small))
    others = len([a for a in chain.actors if a.id not in focus])
    shared = len(found.shared)
    facts = [say(words, "count_to", count=str(len(found.incoming)), names=names),
             say(words, "count_from", count=str(len(found.outgoing)), names=names),
             say(words, "shared/1" if shared == 1 else "shared", str(shared)),
             say(words, "partners", str(others))]
    story.append(para(markup(words["sep"]).join(facts), st.small))
    story.append(para(say(words, "focus_note", example=markup(_stub_example(chain))), st.small))
    return story


def _contacts_cell(chain: Chain, actors: Iterable[str]) -> str:
    """Name, phone and e-mail of each contact person of ``actors``, or a dash."""
    lines: list[str] = []
    for actor_id in actors:
        for contact in chain.actor(actor_id).contacts:
            parts = [f"<b>{markup(contact.name)}</b>"]
            if contact.phone:
                parts.append(link(tel_href(contact.phone), contact.phone))
            if contact.email:
                parts.append(link("mailto:" + contact.email, contact.email))
            lines.append("<br/>".join(parts))
    return "<br/>".join(lines) if lines else "–"


def _handoff_table(chain: Chain, handoffs: tuple[Handoff, ...], other: Side,
                   words: Mapping[str, str]) -> Any:
    """One row per hand-off: the other side (institution and step), our step, the
    condition, and the other side's contact persons."""
    st = styles()
    rows: list[list[Any]] = [[para(say(words, key), st.head) for key in
                              ("number", other, "step_here", "condition", "contacts_there")]]
    for number, handoff in enumerate(handoffs, start=1):
        there = handoff.from_actors if other == "from" else handoff.to_actors
        there_step = handoff.source if other == "from" else handoff.target
        here_step = handoff.target if other == "from" else handoff.source
        rows.append([
            para(str(number), st.cell),
            para(f"<b>{who(chain, there)}</b><br/>{step_title(chain, there_step)}", st.cell),
            para(step_title(chain, here_step), st.cell),
            para(markup(handoff.label or "–"), st.cell),
            para(_contacts_cell(chain, there), st.cell),
        ])
    rest = TEXT_WIDTH - 24 - 80
    return data_table(rows, [24, rest * 0.34, rest * 0.3, 80, rest * 0.36])


def focus_interfaces(chain: Chain, focus: tuple[str, ...]) -> list[Any]:
    """The focus's hand-offs in both directions and the steps it shares with others."""
    st = styles()
    words = paper_words(chain)
    found = handoffs_of(chain, focus)
    plain_names = ", ".join(actor_label(chain.actor(a)) for a in focus)  # for bookmarks
    names = focus_names(chain, focus)
    story: list[Any] = [outline(words["handoffs_heading"], "handoffs")]
    sections: tuple[tuple[str, str, Side, tuple[Handoff, ...], str], ...] = (
        ("handoffs_to", "to_intro", "from", found.incoming, "handoffs-in"),
        ("handoffs_from", "from_intro", "to", found.outgoing, "handoffs-out"))
    for title, intro, side, handoffs, key in sections:
        story += [outline(words[title].format(names=plain_names), key, 1),
                  para(say(words, title, names=names), st.h2),
                  para(say(words, intro), st.small)]
        story.append(_handoff_table(chain, handoffs, side, words) if handoffs
                     else para(say(words, "none"), st.body))
    story += [outline(words["shared_bookmark"], "shared", 1),
              para(say(words, "shared_heading"), st.h2)]
    if found.shared:
        rows: list[list[Any]] = [[para(say(words, key), st.head)
                                  for key in ("step", "actors_column", "contacts")]]
        for shared in found.shared:
            partners = [a for a in shared.actors if a not in focus]
            rows.append([para(step_title(chain, shared.step), st.cell),
                         para(who(chain, shared.actors).replace(" + ", ", "), st.cell),
                         para(_contacts_cell(chain, partners), st.cell)])
        story.append(data_table(rows, [TEXT_WIDTH - 280, 110, 170]))
    else:
        story.append(para(say(words, "no_shared"), st.body))
    story.append(para(f'<font color="{TABLE_MUTED}">{say(words, "whole_chain")}</font>',
                      st.small))
    return story
