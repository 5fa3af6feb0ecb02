"""The Schnittstellenpapier of a focus view: one institution's page.

What an institution needs from a workshop is who hands cases over to it, to whom it hands
them on, and whom to call on the other side. So a focus view's Schnittstellenpapier starts
with its hand-offs in both directions, each with the contact persons of the other side; the
contact directory and the responsibility matrix that follow (:mod:`.appendix`) are limited to
the lanes of the view.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    para,
    step_title,
    styles,
    tel_href,
    who,
)
from prozesskette.renderers.pdf.painter import TABLE_MUTED

__all__ = ["focus_interfaces", "focus_names", "focus_summary"]

Side = Literal["from", "to"]  # the side of a hand-off that is the other institution


def focus_names(chain: Chain, focus: Iterable[str]) -> str:
    """The focused actors' short names, escaped: 'JC' or 'JC, AA'."""
    return ", ".join(markup(actor_label(chain.actor(a))) for a in focus)


def focus_summary(chain: Chain, focus: tuple[str, ...]) -> list[Any]:
    """The first lines: whose page it is, of which chain, and how many hand-offs it has."""
    st = styles()
    found = handoffs_of(chain, focus)
    names = focus_names(chain, focus)
    story: list[Any] = [outline("Schnittstellenpapier", "appendix"),
                        para(f"Schnittstellenpapier für {names}", st.h1),
                        para(f"<b>{markup(chain.title)}</b>", st.body)]
    meta = [chain.region or "", f"Stand: {chain.version}" if chain.version else ""]
    line = " · ".join(part for part in meta if part)
    if line:
        story.append(para(markup(line), st.small))
    others = len([a for a in chain.actors if a.id not in focus])
    facts = [f"{len(found.incoming)} Übergaben an {names}",
             f"{len(found.outgoing)} Übergaben von {names}",
             "1 gemeinsam verantworteter Schritt" if len(found.shared) == 1 else
             f"{len(found.shared)} gemeinsam verantwortete Schritte",
             f"{others} Partnerstellen"]
    story.append(para(", ".join(facts), st.small))
    story.append(para("Dieser Ausschnitt zeigt die Schritte dieser Stelle und die Schritte der "
                      "anderen Stellen an jeder Übergabe; alles Übrige fassen Hinweisschritte "
                      "wie „vorher: 3 Schritte bei anderen Stellen“ zusammen.", st.small))
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


def _handoff_table(chain: Chain, handoffs: tuple[Handoff, ...], other: Side) -> Any:
    """One row per hand-off: the other side (institution and step), our step, the
    condition, and the other side's contact persons."""
    st = styles()
    rows: list[list[Any]] = [[para("Nr.", st.head),
                              para("Von" if other == "from" else "An", st.head),
                              para("Schritt hier", st.head), para("Bedingung", st.head),
                              para("Ansprechpersonen dort", st.head)]]
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
    found = handoffs_of(chain, focus)
    names = focus_names(chain, focus)
    story: list[Any] = [outline("Übergaben", "handoffs")]
    sections: tuple[tuple[str, str, Side, tuple[Handoff, ...], str], ...] = (
        (f"Übergaben an {names}", "Hier übernimmt diese Stelle den Fall.", "from",
         found.incoming, "handoffs-in"),
        (f"Übergaben von {names}", "Hier gibt diese Stelle den Fall weiter.", "to",
         found.outgoing, "handoffs-out"))
    for title, intro, side, handoffs, key in sections:
        story += [outline(title, key, 1), para(title, st.h2), para(intro, st.small)]
        story.append(_handoff_table(chain, handoffs, side) if handoffs
                     else para("Keine.", st.body))
    story += [outline("Gemeinsame Schritte", "shared", 1),
              para("Gemeinsam verantwortete Schritte", st.h2)]
    if found.shared:
        rows: list[list[Any]] = [[para("Schritt", st.head), para("Stellen", st.head),
                                  para("Ansprechpersonen", st.head)]]
        for shared in found.shared:
            partners = [a for a in shared.actors if a not in focus]
            rows.append([para(step_title(chain, shared.step), st.cell),
                         para(who(chain, shared.actors).replace(" + ", ", "), st.cell),
                         para(_contacts_cell(chain, partners), st.cell)])
        story.append(data_table(rows, [TEXT_WIDTH - 280, 110, 170]))
    else:
        story.append(para("Keine gemeinsam verantworteten Schritte.", st.body))
    story.append(para(f'<font color="{TABLE_MUTED}">Alle Übergaben und Überschneidungen der '
                      "ganzen Kette stehen im Schnittstellenpapier der vollständigen "
                      "Prozesskette.</font>", st.small))
    return story
