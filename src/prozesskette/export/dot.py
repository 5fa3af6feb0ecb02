"""Chain → Graphviz DOT source (the ``dot`` program is only needed to draw it).

One ``cluster_<actor>`` subgraph per lane with the actor's name and colour, ``newrank=true``
so that clusters do not break the ranking; a shared step sits in its lead actor's cluster and
names the other actors in its label. All text goes through :func:`graphviz.escape`, so
backslashes, quotes and ``<…>`` in titles stay literal.
"""

from __future__ import annotations

import textwrap

from prozesskette.model import Chain, Step, StepKind
from prozesskette.theme import EXPORT_LANE_BORDER, EXPORT_LANE_FILL, EXPORT_STEP_FILL

WRAP = 24  # characters per label line

SHAPES: dict[StepKind, dict[str, str]] = {
    StepKind.start: {"shape": "ellipse", "style": "filled", "fillcolor": EXPORT_STEP_FILL},
    StepKind.end: {"shape": "ellipse", "peripheries": "2", "style": "filled",
                   "fillcolor": EXPORT_STEP_FILL},
    StepKind.task: {"shape": "box", "style": "rounded,filled", "fillcolor": EXPORT_STEP_FILL},
    StepKind.decision: {"shape": "diamond", "style": "filled", "fillcolor": EXPORT_STEP_FILL},
    StepKind.document: {"shape": "note", "style": "filled", "fillcolor": EXPORT_STEP_FILL},
}


def _label(*paragraphs: str) -> str:
    """Wrapped, escaped text; lines joined with DOT's centred line break."""
    import graphviz  # ~55 ms to import: only writing DOT needs it

    lines = [line for paragraph in paragraphs
             for line in textwrap.wrap(paragraph, WRAP, break_long_words=False) or [""]]
    label: str = graphviz.nohtml("\\n".join(graphviz.escape(line) for line in lines))
    return label


def _node_label(chain: Chain, step: Step) -> str:
    others = step.responsible[1:]
    if not others:
        return _label(step.title)
    names = {actor.id: actor.short or actor.name for actor in chain.actors}
    return _label(step.title, "+ " + ", ".join(names.get(a, a) for a in others))


def to_dot(chain: Chain) -> str:
    """The chain as DOT source: ``dot -Tsvg`` draws it with one box per lane."""
    import graphviz

    graph = graphviz.Digraph(
        graph_attr={"newrank": "true", "rankdir": "LR" if chain.direction == "lr" else "TB",
                    "label": _label(chain.title), "labelloc": "t", "fontname": "Noto Sans",
                    "nodesep": "0.3", "ranksep": "0.4"},
        node_attr={"fontname": "Noto Sans", "fontsize": "10"},
        edge_attr={"fontname": "Noto Sans", "fontsize": "9"},
    )

    def add_node(target: graphviz.Digraph, step: Step) -> None:
        attrs = dict(SHAPES[step.kind])
        if step.description:
            attrs["tooltip"] = graphviz.escape(step.description)
        target.node(step.id, _node_label(chain, step), **attrs)

    placed: set[str] = set()
    for actor in chain.actors:
        steps = [step for step in chain.steps if step.responsible[:1] == (actor.id,)]
        if not steps:
            continue
        with graph.subgraph(name=f"cluster_{actor.id}") as lane:
            lane.attr(label=_label(actor.name), style="filled",
                      fillcolor=actor.color or EXPORT_LANE_FILL, color=EXPORT_LANE_BORDER)
            for step in steps:
                add_node(lane, step)
                placed.add(step.id)
    for step in chain.steps:
        if step.id not in placed:
            add_node(graph, step)
    for step in chain.steps:
        for transition in step.next:
            graph.edge(step.id, transition.to,
                       **({"label": _label(transition.label)} if transition.label else {}))
    source: str = graph.source
    return source
