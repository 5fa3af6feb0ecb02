"""A chain as a networkx ``DiGraph``, for analysing it in a notebook.

networkx is an optional extra (``pip install "prozesskette[networkx]"``) and imported only
when a graph is made: importing it takes about 130 ms, which no command should pay for.

Nodes are the step ids in file order, with the attributes ``label`` (the step's title),
``kind`` ("start", "task", "decision", "document" or "end"), ``actor`` (the lead actor's id,
None if the step has none), ``actors`` (every responsible actor, the lead first) and
``phase`` (the phase id or None). Edges are the transitions, in file order, with ``label``
(the branch label or None). The graph's own attributes hold the chain's ``title`` and
``language``.
"""

from __future__ import annotations

from typing import Any

from prozesskette.model import Chain


def chain_digraph(chain: Chain) -> Any:
    """The checked ``chain`` as a ``networkx.DiGraph`` (see the module docstring)."""
    try:
        import networkx
    except ImportError:
        raise ImportError('to_networkx needs networkx: pip install "prozesskette[networkx]"'
                          ) from None
    graph = networkx.DiGraph(title=str(chain.title), language=chain.language)
    for step in chain.steps:
        responsible = step.responsible
        graph.add_node(step.id, label=str(step.title), kind=step.kind.value,
                       actor=responsible[0] if responsible else None,
                       actors=responsible, phase=step.phase)
    for step in chain.steps:
        for transition in step.next:
            label = None if transition.label is None else str(transition.label)
            graph.add_edge(step.id, transition.to, label=label)
    return graph
