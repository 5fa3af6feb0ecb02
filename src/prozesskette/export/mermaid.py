"""Chain → Mermaid flowchart text (GitHub, GitLab, Obsidian and many wikis draw it).

One ``subgraph`` per lane (a shared step sits in its lead actor's lane and names the others),
shapes per kind, labelled arrows ``-->|"ja"|``. Every text is written in double quotes with
Mermaid's entity codes for the characters that would end or change it; ids are derived from
chain ids but spelled with ASCII letters, digits and ``_`` only (so an id such as ``end`` or
``a--b`` cannot be read as syntax).
"""

from __future__ import annotations

import json

from prozesskette.model import Chain, Step, StepKind
from prozesskette.theme import EXPORT_LANE_BORDER

# (opening, closing) around the quoted label.
SHAPES: dict[StepKind, tuple[str, str]] = {
    StepKind.start: ("([", "])"),
    StepKind.end: ("(((", ")))"),
    StepKind.task: ("(", ")"),
    StepKind.decision: ("{", "}"),
    StepKind.document: ("[/", "/]"),
}

_ENTITIES = {"#": "#35;", '"': "#quot;", "&": "#amp;", "<": "#lt;", ">": "#gt;",
             "|": "#124;", "`": "#96;", "\n": " ", "\r": " ", "\t": " "}


def text(value: str) -> str:
    """A label for Mermaid: entity-coded, in double quotes."""
    return '"' + "".join(_ENTITIES.get(ch, ch) for ch in value) + '"'


def mermaid_id(prefix: str, chain_id: str) -> str:
    """``prefix`` + the id with '_' doubled and any other non-ASCII-alphanumeric character as
    ``_<hex>_``: unique, and safe in every Mermaid version."""
    out = []
    for ch in chain_id:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif ch == "_":
            out.append("__")
        else:
            out.append(f"_{ord(ch):x}_")
    return prefix + "".join(out)


def _node(chain: Chain, step: Step) -> str:
    names = {actor.id: actor.short or actor.name for actor in chain.actors}
    label = text(step.title)
    if len(step.responsible) > 1:
        label = label[:-1] + "<br/>+ " + text(
            ", ".join(names.get(a, a) for a in step.responsible[1:]))[1:]
    opening, closing = SHAPES[step.kind]
    return f"{mermaid_id('s_', step.id)}{opening}{label}{closing}"


def to_mermaid(chain: Chain) -> str:
    """The chain as a Mermaid ``flowchart``."""
    lines = ["---", "title: " + json.dumps(chain.title, ensure_ascii=False), "---",
             "flowchart " + ("LR" if chain.direction == "lr" else "TB")]
    placed: set[str] = set()
    styles: list[str] = []
    for actor in chain.actors:
        steps = [step for step in chain.steps if step.responsible[:1] == (actor.id,)]
        if not steps:
            continue
        lane = mermaid_id("lane_", actor.id)
        lines.append(f"  subgraph {lane}[{text(actor.name)}]")
        lines += [f"    {_node(chain, step)}" for step in steps]
        lines.append("  end")
        placed |= {step.id for step in steps}
        if actor.color:
            styles.append(f"  style {lane} fill:{actor.color},stroke:{EXPORT_LANE_BORDER}")
    lines += [f"  {_node(chain, step)}" for step in chain.steps if step.id not in placed]
    for step in chain.steps:
        for transition in step.next:
            arrow = f" -->|{text(transition.label)}| " if transition.label else " --> "
            lines.append("  " + mermaid_id("s_", step.id) + arrow +
                         mermaid_id("s_", transition.to))
    return "\n".join(lines + styles) + "\n"
