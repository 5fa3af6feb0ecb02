"""HTML output: one self-contained, accessible web page (WCAG 2.1 AA / BITV 2.0) for a chain.

The page holds the chart as inline SVG (see :mod:`prozesskette.renderers.svg`) inside a
``<figure>``, and, as its text alternative, the whole chain in words: per phase the steps in
reading order (kind, who is responsible, legal basis, description and where the chain goes on,
with every branch and loop), then the actors with their contact persons (phone, e-mail and web
links) and the interfaces and overlaps.

* **self-contained**: no external resources, no script, one small inline ``<style>``;
* **for phones too**: under 700 px the text version comes first and the chart follows in its
  own scrolling box; the page itself never scrolls sideways (see ``_CSS``);
* **safe**: every text goes through :func:`_esc`; the only links are in-page fragments this
  module makes and ``http(s):``, ``mailto:`` and ``tel:`` links checked again with
  :func:`~prozesskette.markup.safe_href`; labels come from :mod:`prozesskette.words`,
  colours from :mod:`~prozesskette.theme`;
* **deterministic**: the same layout gives the same bytes (no dates, no set ordering).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Literal

from prozesskette import theme
from prozesskette.analysis import Analysis, analyse
from prozesskette.graph import ChainGraph
from prozesskette.i18n import is_rtl
from prozesskette.layout.geometry import Layout, fmt
from prozesskette.markup import (
    element_id,
    escape_html,
    language_attribute,
    safe_href,
    strip_forbidden,
)
from prozesskette.model import Chain
from prozesskette.renderers.describe import chain_index, joined
from prozesskette.renderers.svg import render_svg
from prozesskette.words import words_for

__all__ = ["render_html"]

Anchored = Literal["step", "actor", "phase"]
"""What an in-page anchor (``pk-text-{kind}-{id}``) leads to."""

# The page's colours come from the theme (``$name`` below), so page and chart look alike.
# Under 700 px (phones) the text version comes first, then the chart at its natural size in
# its own scrolling box, at most 80 % of the screen high (shrunk to 390 px, a 3000 px chart is
# unreadable). Only the flexbox ``order`` moves it: the document order (screen readers, Tab)
# stays the desktop's, whose skip link leads past the chart. Long words and addresses wrap
# (``minmax(0,1fr)`` lets a grid column shrink below its longest word): no sideways scrolling.
_CSS = string.Template("""\
:root{color-scheme:light}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;background:$background;color:$text;font-family:"Noto Sans",system-ui,-apple-system,\
"Segoe UI",Roboto,Arial,sans-serif;font-size:1.0625rem;line-height:1.6;overflow-wrap:break-word}
main{max-width:72rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1,h2,h3,h4{line-height:1.25;margin:2rem 0 .75rem}
h1{font-size:2rem;margin-top:.5rem}
h2{font-size:1.5rem;border-bottom:2px solid $rule;padding-bottom:.25rem}
h3{font-size:1.2rem}
p,dl,ul,ol{margin:0 0 1rem}
.text{max-width:48rem}
.meta{color:$muted}
a{color:$link;text-decoration:underline;text-underline-offset:.15em;overflow-wrap:anywhere}
a:visited{color:$visited}
a:hover{text-decoration-thickness:.15em}
a:focus{outline:3px solid $text;outline-offset:2px;background:$focus_background;color:$text}
a:focus:not(:focus-visible){outline:none;background:none;color:$link}
a:focus-visible{outline:3px solid $text;outline-offset:2px;background:$focus_background;\
color:$text}
.skip{display:inline-block;padding:.25rem .5rem;border:2px solid $link;border-radius:4px}
figure{margin:1.5rem min(0px,calc(1.5rem + 50% - 50vw));padding:0}
.chart{overflow:auto;border:1px solid $rule;border-radius:4px;width:fit-content;max-width:100%}
.chart:focus-visible{outline:3px solid $text;outline-offset:2px}
.chart svg{display:block;max-width:none!important;height:auto}
figcaption{margin-top:.5rem;color:$muted;font-size:.95rem;max-width:48rem}
ol.steps{list-style:none;margin:0;padding:0}
ol.steps>li{border-inline-start:4px solid $rule;padding:.25rem 0 .25rem 1rem;margin:0 0 1.25rem}
ol.steps>li.decision{border-inline-start-color:$link}
ol.steps>li.start,ol.steps>li.end{border-inline-start-color:$text}
ol.steps h3{margin:0 0 .5rem}
.number{font-weight:normal;color:$muted}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 1rem}
ol.steps dl.facts,ul.contacts dl.facts{margin:0}
dl.facts>div{display:contents}
dl.facts dt{font-weight:bold}
dl.facts dd{margin:0;min-width:0}
dl.facts ul{margin:0;padding-inline-start:1.25rem}
ul.contacts{list-style:none;padding:0;display:grid;gap:1rem;\
grid-template-columns:repeat(auto-fill,minmax(min(100%,26rem),1fr))}
ul.contacts>li{border:1px solid $rule;border-radius:4px;padding:.75rem 1rem}
.name{font-weight:bold;margin:0 0 .25rem}
@media (max-width:40rem){dl.facts{grid-template-columns:minmax(0,1fr)}dl.facts>div{display:block}}
@media (max-width:699.98px){
main{display:flex;flex-direction:column}
figure{order:1;margin:1.5rem 0 0}
.chart{max-height:80vh;max-height:80svh}
h1{font-size:1.6rem}
}
@media print{
body{font-size:10.5pt;color:#000}
main{max-width:none;padding:0}
.skip{display:none}
a{color:#000}
figure{break-inside:avoid;margin:1rem 0}
.chart{overflow:visible;border:0}
.chart svg{width:100%!important}
ol.steps>li,ul.contacts>li{break-inside:avoid}
h2,h3{break-after:avoid}
}
""")

_CSS_COLOURS = {
    "text": theme.TEXT, "link": theme.LINK, "visited": theme.PAGE_VISITED,
    "background": theme.PAGE_BACKGROUND, "muted": theme.PAGE_MUTED, "rule": theme.PAGE_RULE,
    "focus_background": theme.PAGE_FOCUS_BACKGROUND,
}
_SPACES = re.compile(r"\s+")


def _esc(text: object) -> str:
    """The one escaping helper of the page: text for element content *and* attributes,
    without forbidden characters and with runs of white space as one space."""
    return escape_html(_SPACES.sub(" ", strip_forbidden(str(text))))


def _paragraphs(text: str) -> list[str]:
    """A long text as escaped paragraphs (blank lines separate them)."""
    return [_esc(part.strip()) for part in re.split(r"\n\s*\n", strip_forbidden(text))
            if part.strip()]


def _link(href: str | None, text: str) -> str:
    """``<a>`` for an allowed link (checked again here: a layout may be built by hand), else
    the plain escaped text."""
    safe = safe_href(href)
    if safe is None:
        return _esc(text)
    return f'<a href="{_esc(safe)}">{_esc(text)}</a>'


def _language(layout: Layout) -> str:
    return language_attribute(layout.language or getattr(layout.chain, "language", None)
                              or "de")


def _text(value: Any) -> str | None:
    """A non-empty text, stripped, or None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True)
class _Next:
    target: str
    label: str | None
    back: bool
    handoff: bool


class _Page:
    def __init__(self, layout: Layout, *, embed_font: bool, qr: bool) -> None:
        self.layout = layout
        self.chain = layout.chain
        self.embed_font = embed_font
        self.qr = qr
        self.lang = _language(layout)
        self.dir = "rtl" if is_rtl(self.lang) else "ltr"
        self.words = words_for("page", self.lang)
        self.fresh = words_for("fresh", self.lang)
        self.order = self._reading_order()
        self.number = {step_id: index for index, step_id in enumerate(self.order, start=1)}
        self.edges = {(edge.source, edge.target): edge for edge in layout.edges}
        self.items = chain_index(self.chain)  # a search per step is quadratic (see describe)
        title = _text(getattr(self.chain, "title", None))
        if title is None:
            title = joined(layout.title.title) if layout.title else None
        self.title: str = title or self.words["chart"]

    # --- chain data (a hand-made layout may come without a chain)

    def _lookup(self, method: Literal["step", "actor"], key: str) -> Any:
        return self.items[method].get(key)

    def step_title(self, step_id: str) -> str:
        title = _text(getattr(self._lookup("step", step_id), "title", None))
        if title:
            return title
        node = self.layout.nodes.get(step_id)
        return joined(node.title) if node else step_id

    def actor_name(self, actor_id: str) -> str:
        name = _text(getattr(self._lookup("actor", actor_id), "name", None))
        if name:
            return name
        lane = self.layout.lanes.get(actor_id)
        return joined(lane.title) if lane else actor_id

    def phase_title(self, phase_id: str) -> str:
        for item in getattr(self.chain, "phases", None) or ():
            if getattr(item, "id", None) == phase_id and _text(getattr(item, "title", None)):
                return str(item.title)
        phase = self.layout.phases.get(phase_id)
        return joined(phase.title) if phase else phase_id

    def _reading_order(self) -> list[str]:
        """Steps by phase (in phase order), inside each in the layout's reading order."""
        phases = list(self.layout.phases)
        rank = {phase: index for index, phase in enumerate(phases)}
        nodes = list(self.layout.nodes.values())
        ordered = sorted(range(len(nodes)),
                         key=lambda i: (rank.get(nodes[i].phase or "", len(phases)), i))
        return [nodes[i].id for i in ordered]

    def transitions(self, step_id: str) -> list[_Next]:
        step = self._lookup("step", step_id)
        raw: list[tuple[str, str | None]]
        if step is not None:
            raw = [(t.to, t.label) for t in step.next]
        else:
            raw = [(e.target, e.label.text.text if e.label else None)
                   for (source, _target), e in self.edges.items() if source == step_id]
        result = []
        for target, label in raw:
            edge = self.edges.get((step_id, target))
            back = edge.back if edge is not None else (
                self.number.get(target, 0) <= self.number.get(step_id, 0))
            result.append(_Next(target, _text(label), back,
                                bool(edge.handoff) if edge is not None else False))
        return result

    # --- pieces

    def quote(self, text: str) -> str:
        return _esc(self.words["quote"].format(text))

    def join(self, items: list[str]) -> str:
        """Already escaped items joined with commas and 'and'."""
        if len(items) <= 1:
            return "".join(items)
        return self.words["sep"].join(items[:-1]) + _esc(self.words["and"]) + items[-1]

    def anchor(self, kind: Anchored, key: str) -> str:
        return element_id(f"pk-text-{kind}-", key)

    def step_ref(self, step_id: str) -> str:
        """A link to a step of the text version: 'Schritt 3: „Title“'."""
        text = self.words["step_ref"].format(number=self.number.get(step_id, "?"),
                                             title=self.words["quote"].format(
                                                 self.step_title(step_id)))
        if step_id not in self.number:
            return _esc(text)
        return f'<a href="#{self.anchor("step", step_id)}">{_esc(text)}</a>'

    def actor_ref(self, actor_id: str) -> str:
        if actor_id not in self.layout.lanes:
            return _esc(self.actor_name(actor_id))
        return (f'<a href="#{self.anchor("actor", actor_id)}">'
                f"{_esc(self.actor_name(actor_id))}</a>")

    def fact(self, label: str, value: str) -> str:
        return f"<div><dt>{_esc(label)}</dt> <dd>{value}</dd></div>\n"

    # --- sections

    def head(self) -> str:
        words, title = self.words, self.title
        region = _text(getattr(self.chain, "region", None))
        version = _text(getattr(self.chain, "version", None))
        extras = []
        if region and region.strip() not in title:
            extras.append(region)
        if version:
            extras.append(words["stand"].format(version))
        return _esc(title + (" – " + ", ".join(extras) if extras else ""))

    def intro(self) -> list[str]:
        words = self.words
        out = [f"<h1>{_esc(self.title)}</h1>"]
        meta = [_esc(v) for v in (_text(getattr(self.chain, "region", None)),) if v]
        version = _text(getattr(self.chain, "version", None))
        if version:
            meta.append(_esc(words["stand"].format(version)))
        author = _text(getattr(self.chain, "author", None))
        if author:
            meta.append(_esc(words["author"].format(author)))
        if meta:
            out.append(f'<p class="meta">{", ".join(meta)}</p>')
        description = _text(getattr(self.chain, "description", None))
        if description:
            out.extend(f'<p class="text">{part}</p>' for part in _paragraphs(description))
        out.append(f'<p><a class="skip" href="#pk-text">{_esc(words["skip"])}</a></p>')
        svg = render_svg(self.layout, embed_font=self.embed_font, qr=self.qr,
                         standalone=False, id_prefix="pk").strip()
        caption = _esc(words["figure"].format(self.title))
        # The chart at its natural size (1 pt = 4/3 px), in a scrollable, keyboard-focusable
        # box: a diagram needs its two-dimensional layout (WCAG 1.4.10 allows scrolling it).
        # Left to right also in right-to-left pages: the layout placed and anchored every
        # text for that direction (text-anchor follows the inherited CSS direction).
        out.append(f'<figure aria-labelledby="pk-caption">\n'
                   f'<div class="chart" dir="ltr" tabindex="0" role="region"'
                   f' aria-label="{_esc(words["scroll"])}">\n{svg}\n</div>\n'
                   f'<figcaption id="pk-caption">{caption}</figcaption>\n</figure>')
        return out

    def steps(self) -> list[str]:
        words = self.words
        count = len(self.order)
        steps_text = words["step/1" if count == 1 else "step/n"].format(count)
        intro = words["intro"].format(steps=steps_text,
                                      phases=words["intro_phases"] if self.layout.phases else "")
        out = [f'<p class="text">{_esc(intro)}</p>']
        groups: list[tuple[str | None, list[str]]] = []
        for step_id in self.order:
            phase = self.layout.nodes[step_id].phase
            phase = phase if phase in self.layout.phases else None
            if not groups or groups[-1][0] != phase:
                groups.append((phase, []))
            groups[-1][1].append(step_id)
        overlapping = self.overlap_steps()
        for phase, members in groups:
            if phase is not None:
                heading = words["phase"].format(self.phase_title(phase))
                ident = self.anchor("phase", phase)
            else:
                heading = words["no_phase"] if self.layout.phases else words["steps_heading"]
                ident = "pk-text-steps"
            out.append(f'<h2 id="{ident}">{_esc(heading)}</h2>')
            start = self.number[members[0]]
            start_attr = f' start="{start}"' if start != 1 else ""
            out.append(f'<ol class="steps"{start_attr}>')
            out.extend(self.step(step_id, overlapping) for step_id in members)
            out.append("</ol>")
        return out

    def step(self, step_id: str, overlapping: set[str]) -> str:
        words = self.words
        node = self.layout.nodes[step_id]
        step = self._lookup("step", step_id)
        kind = str(node.kind)
        facts = []
        if kind != "task":
            facts.append(self.fact(words["kind"], _esc(words.get(kind, kind))))
        if node.actors:
            actors = self.join([self.actor_ref(a) for a in node.actors])
            if len(node.actors) > 1:
                actors += f" ({_esc(words['shared'])})"
            facts.append(self.fact(words["responsible"], actors))
        legal = _text(getattr(step, "legal_basis", None))
        if legal:
            facts.append(self.fact(words["legal"], _esc(legal)))
        service = _text(getattr(step, "service", None))
        if service:
            text = _esc(self.service_title(service))
            if step_id in overlapping:
                text += f" ({_esc(words['overlap_note'])})"
            facts.append(self.fact(words["service"], text))
        description = _text(getattr(step, "description", None)) or _text(node.description)
        if description:
            facts.append(self.fact(words["description"], "<br>".join(_paragraphs(description))))
        url = _text(getattr(step, "url", None))
        if url and safe_href(url):
            facts.append(self.fact(words["more"], _link(url, url)))
        nexts = self.transitions(step_id)
        if nexts:
            items = []
            for item in nexts:
                text = _esc(words["branch"].format(item.label)) if item.label else ""
                ref = self.step_ref(item.target)
                key = "back_to" if item.back else "next_to"
                before, _, after = words[key].partition("{}")
                text += _esc(before) + ref + _esc(after)
                target = self.layout.nodes.get(item.target)
                if item.handoff and target is not None and target.actors:
                    names = self.join([_esc(self.actor_name(a)) for a in target.actors])
                    before, _, after = words["handoff"].partition("{}")
                    text += _esc(before) + names + _esc(after)
                items.append(text)
            value = items[0] if len(items) == 1 else (
                "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
        else:
            value = _esc(words["finish"])
        facts.append(self.fact(words["next"], value))
        number = self.number[step_id]
        return (f'<li id="{self.anchor("step", step_id)}" class="{_esc(kind)}">'
                f'<h3><span class="number">{number}.</span> {_esc(self.step_title(step_id))}'
                f'</h3>\n<dl class="facts">{"".join(facts)}</dl></li>')

    def service_title(self, service: str) -> str:
        for item in getattr(self.chain, "services", None) or ():
            if getattr(item, "id", None) == service and _text(getattr(item, "title", None)):
                return str(item.title)
        return service

    @cached_property
    def analysis(self) -> Analysis | None:
        """Hand-offs, shared steps and overlaps, or None without a (valid) chain."""
        if isinstance(self.chain, Chain):
            try:
                return analyse(self.chain)
            except (KeyError, ValueError):
                return None
        return None

    def overlap_steps(self) -> set[str]:
        analysis = self.analysis
        if analysis is None:
            return set()
        return {step for overlap in analysis.overlaps for step in overlap.steps}

    def actors(self) -> list[str]:
        words = self.words
        out = [f'<h2 id="pk-text-actors">{_esc(words["actors_heading"])}</h2>']
        for actor_id in self.layout.lanes:
            actor = self._lookup("actor", actor_id)
            out.append(f'<h3 id="{self.anchor("actor", actor_id)}">'
                       f"{_esc(self.actor_name(actor_id))}</h3>")
            short = _text(getattr(actor, "short", None))
            if short and short != self.actor_name(actor_id):
                out.append(f"<p>{_esc(words['short'].format(short))}</p>")
            description = _text(getattr(actor, "description", None))
            if description:
                out.extend(f'<p class="text">{part}</p>' for part in _paragraphs(description))
            facts = []
            url = _text(getattr(actor, "url", None))
            if url and safe_href(url):
                facts.append(self.fact(words["website"], _link(url, url)))
            own = [s for s in self.order if actor_id in self.layout.nodes[s].actors]
            if own:
                facts.append(self.fact(words["steps_of"], "<ul>" + "".join(
                    f"<li>{self.step_ref(s)}</li>" for s in own) + "</ul>"))
            if facts:
                out.append(f'<dl class="facts">{"".join(facts)}</dl>')
            contacts = [c for c in getattr(actor, "contacts", None) or ()
                        if _text(getattr(c, "name", None))]
            if contacts:
                out.append(f'<ul class="contacts" aria-label="'
                           f'{_esc(words["contacts"] + ": " + self.actor_name(actor_id))}">')
                out.extend(self.contact(contact) for contact in contacts)
                out.append("</ul>")
        return out

    @cached_property
    def dated(self) -> bool:
        """Whether any contact of the chain has a ``checked`` day: only then do the cards
        say when each was checked, and that the others never were."""
        return any(isinstance(getattr(contact, "checked", None), date)
                   for actor in getattr(self.chain, "actors", None) or ()
                   for contact in getattr(actor, "contacts", None) or ())

    def checked(self, day: date | None) -> str:
        """When a contact's details were last confirmed: 'geprüft am 03.11.2026', the day
        machine-readable in ``<time datetime>``."""
        if day is None:
            return f'<p class="meta">{_esc(self.fresh["never"])}</p>'
        before, _, after = self.fresh["checked"].partition("{}")
        return (f'<p class="meta">{_esc(before)}<time datetime="{day.isoformat()}">'
                f'{_esc(day.strftime(self.fresh["date"]))}</time>{_esc(after)}</p>')

    def contact(self, contact: Any) -> str:
        words = self.words
        facts = []
        role = _text(contact.role)
        if role:
            facts.append(self.fact(words["role"], _esc(role)))
        organization = _text(contact.organization)
        if organization:
            facts.append(self.fact(words["organization"], _esc(organization)))
        phone = _text(contact.phone)
        if phone:
            facts.append(self.fact(words["phone"], _link("tel:" + phone.strip(), phone)))
        email = _text(contact.email)
        if email:
            facts.append(self.fact(words["email"], _link("mailto:" + email.strip(), email)))
        url = _text(contact.url)
        if url:
            facts.append(self.fact(words["web"], _link(url, url.removeprefix("mailto:")
                                                       .removeprefix("tel:"))))
        address = _text(contact.address)
        if address:
            facts.append(self.fact(words["address"], _esc(address)))
        body = f'<dl class="facts">{"".join(facts)}</dl>' if facts else ""
        day = getattr(contact, "checked", None)
        day = day if isinstance(day, date) else None
        if self.dated:
            body += self.checked(day)
        # the day also as data of the card, for scripts that list the old contacts
        data = f' data-checked="{day.isoformat()}"' if day else ""
        return f'<li{data}><p class="name">{_esc(contact.name)}</p>{body}</li>'

    def interfaces(self) -> list[str]:
        words = self.words
        out = [f'<h2 id="pk-text-interfaces">{_esc(words["interfaces_heading"])}</h2>']
        analysis = self.analysis

        def names(actors: tuple[str, ...]) -> str:
            return self.join([_esc(self.actor_name(a)) for a in actors])

        def section(heading: str, items: list[str]) -> None:
            out.append(f"<h3>{_esc(heading)}</h3>")
            if not items:
                out.append(f"<p>{_esc(words['none'])}</p>")
                return
            out.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")

        handoffs: list[str] = []
        shared: list[str] = []
        overlaps: list[str] = []
        if analysis is not None:
            for handoff in analysis.handoffs:
                text = self.fill(words["handoff_item"], source=names(handoff.from_actors),
                                 target=names(handoff.to_actors),
                                 from_step=self.step_ref(handoff.source),
                                 to_step=self.step_ref(handoff.target))
                if _text(handoff.label):
                    text += _esc(words["handoff_label"].format(handoff.label))
                handoffs.append(text)
            shared = [self.fill(words["shared_item"], step=self.step_ref(item.step),
                                actors=names(item.actors))
                      for item in analysis.shared_steps]
            overlaps = [self.fill(words["overlap_item"], service=_esc(item.title),
                                  actors=names(item.actors),
                                  steps=self.join([self.step_ref(s) for s in sorted(
                                      item.steps, key=lambda s: self.number.get(s, 0))]))
                        for item in analysis.overlaps]
        else:
            for edge in self.layout.edges:
                source, target = self.layout.nodes.get(edge.source), \
                    self.layout.nodes.get(edge.target)
                if edge.handoff and source is not None and target is not None:
                    handoffs.append(self.fill(
                        words["handoff_item"], source=names(source.actors),
                        target=names(target.actors), from_step=self.step_ref(edge.source),
                        to_step=self.step_ref(edge.target)))
            shared = [self.fill(words["shared_item"], step=self.step_ref(node.id),
                                actors=names(node.actors))
                      for node in self.layout.nodes.values() if len(node.actors) > 1]
        section(words["handoffs"], handoffs)
        section(words["shared_heading"], shared)
        section(words["overlaps"], overlaps)
        section(words["loops"], self.loops())
        return out

    def loops(self) -> list[str]:
        if not isinstance(self.chain, Chain):
            return []
        graph = ChainGraph(self.chain)
        result = []
        for component in graph.components:
            cycle = graph.loop_through(component)
            refs = [self.step_ref(s) for s in [*cycle, cycle[0]]]
            result.append(_esc(self.words["arrow"]).join(refs))
        return result

    def chart_css(self) -> str:
        """The chart's natural width: 1 pt is 4/3 CSS px (the text then has its point size)."""
        width = fmt(max(self.layout.width, 1.0) * 4 / 3)
        return f".chart svg{{width:{width}px}}\n"

    @staticmethod
    def fill(template: str, **parts: str) -> str:
        """``template`` escaped, with already escaped ``parts`` put into its fields."""
        out = []
        for literal, field, _, _ in string.Formatter().parse(template):
            out.append(_esc(literal))
            if field is not None:
                out.append(parts[field])
        return "".join(out)

    def render(self) -> str:
        title = self.head()
        body = [*self.intro(),
                '<div id="pk-text" class="text-version">',
                *self.steps(), *self.actors(), *self.interfaces(),
                "</div>"]
        return ("<!doctype html>\n"
                f'<html lang="{_esc(self.lang)}" dir="{self.dir}">\n<head>\n'
                '<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{title}</title>\n"
                f"<style>\n{_CSS.substitute(_CSS_COLOURS)}{self.chart_css()}</style>\n</head>\n<body>\n<main>\n"
                + "\n".join(body)
                + "\n</main>\n</body>\n</html>\n")


def render_html(layout: Layout, *, embed_font: bool = True, qr: bool = True) -> str:
    """The layout as one self-contained, accessible HTML page (a string; write it as UTF-8).

    ``embed_font`` and ``qr`` are passed to :func:`~prozesskette.renderers.svg.render_svg`
    for the inline chart. The page's language and direction come from ``layout.language``.
    """
    return _Page(layout, embed_font=embed_font, qr=qr).render()
