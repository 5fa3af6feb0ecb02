"""The chart in words, for screen readers: the SVG's title and description and the
accessible name of each step (what it is, who is responsible, the phase, the legal basis and
where the chain goes on from it).

The texts come from the chain where the layout has one, else from the layout's own (wrapped)
texts, so that a hand-made layout is described too. They are plain text: the SVG renderer
escapes them.
"""

from __future__ import annotations

from typing import Any, Literal

from prozesskette.layout.geometry import EdgeRoute, Layout, NodeBox, TextBlock
from prozesskette.markup import one_line

__all__ = ["ChartDescription", "chain_index", "joined", "sentence"]

Counted = Literal["step", "actor", "phase", "handoff", "shared"]
"""What a number counts: picks the words ``{counted}/1`` or ``{counted}/n``."""


def chain_index(chain: Any) -> dict[str, dict[str, Any]]:
    """The chain's steps and actors by id; empty without a chain (a hand-made layout)."""
    try:
        return {"step": {step.id: step for step in chain.steps},
                "actor": {actor.id: actor for actor in chain.actors}}
    except (AttributeError, TypeError):
        return {"step": {}, "actor": {}}


def sentence(text: str) -> str:
    """``text`` ending in a full stop, unless it already ends in punctuation."""
    text = text.strip()
    return text if not text or text[-1] in ".?!…:" else text + "."


def joined(block: TextBlock | None) -> str:
    """The text of a wrapped block on one line (a line ending in '-' joins without space)."""
    if block is None:
        return ""
    text = ""
    for line in block.lines:
        part = one_line(line.text).strip()
        if not part:
            continue
        text += part if not text or text.endswith(("-", "/")) else " " + part
    return text


class ChartDescription:
    """The words about one layout, in the language of ``words`` (the ``chart`` surface of
    :mod:`prozesskette.words`)."""

    def __init__(self, layout: Layout, words: dict[str, str]) -> None:
        self.layout = layout
        self.words = words
        # Looked up once per step: a search through the chain for each would make the
        # description of a 5,000-step chain take 15 s instead of 0.1 s (measured).
        self._items = chain_index(layout.chain)
        self.leaving: dict[str, list[EdgeRoute]] = {}
        for edge in layout.edges:
            self.leaving.setdefault(edge.source, []).append(edge)

    # --- chain metadata (optional: a hand-made layout may come without a chain)

    def chain_item(self, method: Literal["step", "actor"], key: str) -> Any:
        """The chain's step or actor ``key``, or None (no chain, or not in it)."""
        return self._items[method].get(key)

    def step_title(self, step_id: str) -> str:
        title = getattr(self.chain_item("step", step_id), "title", None)
        if isinstance(title, str) and title:
            return one_line(title)
        node = self.layout.nodes.get(step_id)
        return joined(node.title) if node else one_line(step_id)

    def actor_name(self, actor_id: str) -> str:
        name = getattr(self.chain_item("actor", actor_id), "name", None)
        if isinstance(name, str) and name:
            return one_line(name)
        lane = self.layout.lanes.get(actor_id)
        return joined(lane.title) if lane else one_line(actor_id)

    def phase_title(self, phase_id: str) -> str:
        phase = self.layout.phases.get(phase_id)
        for item in getattr(self.layout.chain, "phases", None) or ():
            if getattr(item, "id", None) == phase_id and isinstance(item.title, str):
                return one_line(item.title)
        return joined(phase.title) if phase else one_line(phase_id)

    # --- phrases

    def quote(self, text: str) -> str:
        return self.words["quote"].format(text)

    def join(self, items: list[str], word: Literal["and", "or"] = "and") -> str:
        """'a, b and c' (or 'a, b or c') in the language of the words."""
        if len(items) <= 1:
            return "".join(items)
        return self.words["sep"].join(items[:-1]) + self.words[word] + items[-1]

    def count(self, counted: Counted, number: int) -> str:
        return self.words[f"{counted}/{'1' if number == 1 else 'n'}"].format(number)

    # --- the texts

    def title(self) -> str:
        """The chart's title, with region and version: the SVG's ``<title>``."""
        chain = self.layout.chain
        title = getattr(chain, "title", None)
        if not isinstance(title, str) or not title.strip():
            block = self.layout.title
            title = joined(block.title) if block else self.words["chart"]
        title = one_line(title).strip()
        extras = []
        region = getattr(chain, "region", None)
        if isinstance(region, str) and region.strip() and region.strip() not in title:
            extras.append(one_line(region).strip())
        version = getattr(chain, "version", None)
        if isinstance(version, str) and version.strip():
            extras.append(self.words["stand"].format(one_line(version).strip()))
        return title + (" – " + ", ".join(extras) if extras else "")

    def description(self) -> str:
        """A summary of the whole chart: the SVG's ``<desc>``."""
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
            text += " " + one_line(chain_description).strip()
        return text + words["hint"]

    def step_label(self, node: NodeBox) -> str:
        """The accessible name of a step's box: everything its (hidden) texts show, and
        where the chain goes on from it."""
        words = self.words
        kind = words.get(node.kind, words["task"])
        parts = [sentence(f"{kind}: {self.step_title(node.id)}")]
        actors = [self.actor_name(actor) for actor in node.actors]
        if actors:
            parts.append(sentence(words["shared" if len(actors) > 1 else "responsible"]
                                  .format(self.join(actors))))
        if node.phase:
            parts.append(sentence(words["phase"].format(self.phase_title(node.phase))))
        legal = getattr(self.chain_item("step", node.id), "legal_basis", None)
        if not isinstance(legal, str) or not legal:
            legal = joined(node.note) if node.note else ""
        if legal:
            parts.append(sentence(words["legal"].format(one_line(legal))))
        for badge in node.badges:
            if badge.kind == "shared":
                continue  # the sentence on who is responsible names them all already
            title = one_line(badge.title).strip()
            if title:
                parts.append(sentence(title[:1].upper() + title[1:]))
        parts.extend(self.onward(node))
        return " ".join(parts)

    def onward(self, node: NodeBox) -> list[str]:
        """One sentence per edge leaving ``node``: where to, on which branch, to whom."""
        words = self.words
        parts = []
        for edge in self.leaving.get(node.id, ()):
            phrase = words["back" if edge.back else "next"].format(
                self.quote(self.step_title(edge.target)))
            if edge.handoff:  # name the actors that take over (all of them if none is new)
                target = self.layout.nodes.get(edge.target)
                taking = [a for a in target.actors if a not in node.actors] or \
                    list(target.actors) if target else []
                names = [self.actor_name(a) for a in taking]
                if names:
                    phrase += words["handoff"].format(self.join(names))
            label = joined(edge.label.text) if edge.label else ""
            if label and node.kind == "decision":
                parts.append(sentence(words["if"].format(label) + phrase))
            else:
                parts.append(sentence(phrase[:1].upper() + phrase[1:]
                                      + (f" ({label})" if label else "")))
        return parts
